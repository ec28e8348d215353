"""OAuth 2.0 and OpenID Connect: the authorization request, codes, the token grants, userInfo and
revocation, as Cognito's developer guide ("User pool endpoints and managed login reference")
defines them on top of RFC 6749, RFC 7636 (PKCE, S256 only), RFC 7009 and OpenID Connect Core.

Protocol-free: the web layer hands in the query or form as a dict and turns the results (a
:class:`~cognitio.services.tokens.tokens.TokenSet` from the grants, or an
:class:`~cognitio.errors.OAuthError`) into responses. Codes are kept as SHA-256, expire in five
minutes, are bound to the client, the redirect URI and the PKCE challenge, and work once; a
second exchange revokes the tokens the first one issued.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass

from cognitio.crypto.envelope import Envelope
from cognitio.errors import (
    InvalidClient,
    InvalidGrant,
    InvalidRequest,
    InvalidScope,
    InvalidToken,
    NotAuthorizedException,
    OAuthError,
    RefreshTokenReuseException,
    UnauthorizedClient,
    UnsupportedGrantType,
    UnsupportedResponseType,
)
from cognitio.services.clients.app_clients import ClientAuthenticator
from cognitio.services.clients.read_attributes import readable
from cognitio.services.clients.settings import client_settings
from cognitio.services.common import ids
from cognitio.services.oauth.implicit_grant import implicit_tokens
from cognitio.services.oauth.machine_tokens import GetClientToken, get_client_token, machine_token
from cognitio.services.signin.context import FlowContext
from cognitio.services.signin.refresh import refresh_tokens
from cognitio.services.tokens.tokens import ADMIN_SCOPE, Tokens, TokenSet, token_hash
from cognitio.services.triggers.triggers import Call
from cognitio.store.records import (
    AuthorizationCodeRecord,
    ClientRecord,
    UserPoolRecord,
    UserRecord,
)
from cognitio.store.repositories import Store

CODE_LIFETIME_MS = 5 * 60_000
# Claims userInfo returns for each scope (OpenID Connect Core 5.4); sub always.
_SCOPE_CLAIMS = {
    "email": ("email", "email_verified"),
    "phone": ("phone_number", "phone_number_verified"),
    "profile": (
        "name", "family_name", "given_name", "middle_name", "nickname", "preferred_username",
        "profile", "picture", "website", "gender", "birthdate", "zoneinfo", "locale",
        "updated_at",
    ),
    "address": ("address",),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Authorization:
    """A checked authorization request: who asks, for what, and where the answer goes."""

    pool: UserPoolRecord
    client: ClientRecord
    redirect_uri: str
    response_type: str
    scopes: list[str]
    state: str | None
    nonce: str | None
    code_challenge: str | None


class RedirectError(Exception):
    """An authorization error to send back to the (checked) redirect URI."""

    def __init__(self, authorization: Authorization, error: OAuthError) -> None:
        super().__init__(error.description)
        self.authorization = authorization
        self.error = error


class OAuth:
    def __init__(
        self,
        store: Store,
        tokens: Tokens,
        envelope: Envelope,
        flows: FlowContext,
        domain_suffix: str | None = None,
        *,
        require_pkce: bool = False,
    ) -> None:
        self._domain_suffix = domain_suffix
        self._require_pkce = require_pkce
        self._store = store
        self._tokens = tokens
        self._envelope = envelope
        self._flows = flows
        self._clients = ClientAuthenticator(envelope)

    async def host_pool(self, host: str) -> str | None:
        """The pool whose domain a request's Host names (a custom domain, or a prefix followed
        by the auth-domain suffix); None for any other host, such as the base URL's."""
        name = host.rsplit(":", 1)[0].lower().rstrip(".") if host else ""
        if not name:
            return None
        candidates = [name]
        if self._domain_suffix and name.endswith("." + self._domain_suffix):
            candidates.insert(0, name.removesuffix("." + self._domain_suffix))
        async with self._store.read() as tx:
            for candidate in candidates:
                record = await tx.oauth.domain(candidate)
                if record is not None and record.custom == (candidate == name):
                    return record.pool_id
        return None

    async def _client(
        self, client_id: str | None, pool_id: str | None = None
    ) -> tuple[ClientRecord, UserPoolRecord]:
        """The client (and pool) a request names; on a pool's domain, only that pool's."""
        if not client_id:
            raise InvalidRequest("client_id is required.")
        async with self._store.read() as tx:
            client = await tx.clients.find(client_id)
            pool = None if client is None else await tx.pools.get(client.pool_id)
        if client is None or pool is None or (pool_id is not None and pool.id != pool_id):
            raise InvalidClient("The client does not exist.")
        return client, pool

    async def authorization(
        self, query: dict[str, str], pool_id: str | None = None
    ) -> Authorization:
        """Check an /oauth2/authorize request. Errors before the redirect URI is known to be the
        client's raise :class:`OAuthError` (shown, never redirected); later ones raise
        :class:`RedirectError`."""
        client, pool = await self._client(query.get("client_id"), pool_id)
        settings = client_settings(client)
        redirect_uri = query.get("redirect_uri") or settings.default_redirect_uri
        if not redirect_uri or redirect_uri not in settings.callback_urls:
            raise InvalidRequest("redirect_uri does not match a callback URL of the client.")
        scopes_allowed = settings.allowed_oauth_scopes
        requested = (query.get("scope") or "").split() or list(scopes_allowed)
        checked = Authorization(
            pool=pool,
            client=client,
            redirect_uri=redirect_uri,
            response_type=query.get("response_type", ""),
            scopes=list(dict.fromkeys(requested)),
            state=query.get("state"),
            nonce=query.get("nonce"),
            code_challenge=query.get("code_challenge"),
        )
        flows = settings.allowed_oauth_flows
        if checked.response_type not in ("code", "token"):
            raise RedirectError(
                checked, UnsupportedResponseType("response_type must be code or token.")
            )
        flow = "code" if checked.response_type == "code" else "implicit"
        if not settings.allowed_oauth_flows_user_pool_client or flow not in flows:
            raise RedirectError(
                checked, UnauthorizedClient(f"The client may not use the {flow} flow.")
            )
        if any(scope not in scopes_allowed for scope in checked.scopes):
            raise RedirectError(checked, InvalidScope("A requested scope is not allowed."))
        if checked.code_challenge is not None:
            if query.get("code_challenge_method", "S256") != "S256":
                raise RedirectError(checked, InvalidRequest("code_challenge_method must be S256."))
            if flow != "code":
                raise RedirectError(checked, InvalidRequest("PKCE applies to the code flow."))
        elif self._require_pkce and flow == "code" and client.secret_sealed is None:
            # Optional on Cognito; required here when so configured (RFC 9700 section 2.1.1).
            raise RedirectError(checked, InvalidRequest("code_challenge is required."))
        return checked

    async def logout_target(self, client_id: str | None, logout_uri: str) -> tuple[str, str]:
        """/logout with ``logout_uri``: where to go (a LogoutURL of the client) and the pool."""
        client, pool = await self._client(client_id)
        if logout_uri not in client_settings(client).logout_urls:
            raise InvalidRequest("logout_uri does not match a sign-out URL of the client.")
        return logout_uri, pool.id

    async def issue_code(self, request: Authorization, sub: str, auth_time: int) -> str:
        """A code for the signed-in user."""
        code = secrets.token_urlsafe(32)
        record = AuthorizationCodeRecord(
            code_hash=token_hash(code),
            pool_id=request.pool.id,
            client_id=request.client.id,
            sub=sub,
            redirect_uri=request.redirect_uri,
            scopes=" ".join(request.scopes),
            code_challenge=request.code_challenge,
            nonce=request.nonce,
            auth_time=auth_time,
            expires_ms=ids.now_ms() + CODE_LIFETIME_MS,
        )
        async with self._store.write() as tx:
            await tx.authorization_codes.insert(record)
        return code

    async def implicit(self, request: Authorization, sub: str, auth_time: int) -> TokenSet:
        """response_type=token: the tokens go in the redirect's fragment (no refresh token)."""
        user = await self._user(sub)
        overrides = await self._flows.token_overrides(
            Call(request.pool, user.username, request.client.id), "TokenGeneration_HostedAuth", user
        )
        async with self._store.write() as tx:
            return await implicit_tokens(
                tx,
                self._tokens,
                request.client,
                user,
                auth_time=auth_time,
                scopes=request.scopes,
                nonce=request.nonce,
                overrides=overrides,
            )

    def authenticate_client(
        self, client: ClientRecord, form: dict[str, str], basic: tuple[str, str] | None
    ) -> None:
        """A client with a secret proves it, by HTTP Basic or client_secret in the form."""
        if basic is not None and basic[0] != client.id:
            raise InvalidClient("The client in the Authorization header is not client_id.")
        if client.secret_sealed is None:
            return
        given = basic[1] if basic is not None else form.get("client_secret", "")
        if not self._clients.secret_matches(client, given):
            raise InvalidClient("Client authentication failed.")

    async def token(
        self, form: dict[str, str], basic: tuple[str, str] | None, pool_id: str | None = None
    ) -> TokenSet:
        """/oauth2/token; on a pool's domain, only that pool's clients."""
        client_id = basic[0] if basic is not None else form.get("client_id")
        client, pool = await self._client(client_id, pool_id)
        self.authenticate_client(client, form, basic)
        grant = form.get("grant_type")
        if grant == "authorization_code":
            return await self._exchange_code(pool, client, form)
        if grant == "refresh_token":
            return await self._refresh(client, form)
        if grant == "client_credentials":
            return await self._client_credentials(client, form)
        raise UnsupportedGrantType(
            "grant_type must be authorization_code, refresh_token or client_credentials."
        )

    async def _exchange_code(
        self, pool: UserPoolRecord, client: ClientRecord, form: dict[str, str]
    ) -> TokenSet:
        code = form.get("code")
        if not code:
            raise InvalidRequest("code is required.")
        async with self._store.read() as tx:
            record = await tx.authorization_codes.get(token_hash(code))
        if record is None or record.client_id != client.id or record.expires_ms < ids.now_ms():
            raise InvalidGrant("The code is not valid.")
        if record.origin_jti is not None:
            await self._revoke_replayed(record)
        if form.get("redirect_uri") != record.redirect_uri:
            raise InvalidGrant("redirect_uri does not match the authorization request.")
        if record.code_challenge is not None:
            verifier = form.get("code_verifier", "")
            digest = hashlib.sha256(verifier.encode()).digest()
            expected = base64.urlsafe_b64encode(digest).decode().rstrip("=")
            if not hmac.compare_digest(expected.encode(), record.code_challenge.encode()):
                raise InvalidGrant("code_verifier does not match the code_challenge.")
        user = await self._user(record.sub)
        scopes = record.scopes.split()
        overrides = await self._flows.token_overrides(
            Call(pool, user.username, client.id), "TokenGeneration_HostedAuth", user
        )
        origin_jti = str(uuid.uuid4())
        async with self._store.write() as tx:
            if not await tx.authorization_codes.spend(record.code_hash, origin_jti):
                spent = True
            else:
                spent = False
                result = await self._tokens.issue(
                    tx,
                    client,
                    user,
                    auth_time=record.auth_time,
                    origin_jti=origin_jti,
                    overrides=overrides,
                    scopes=scopes,
                    nonce=record.nonce,
                )
        if spent:  # another request exchanged it just now
            async with self._store.read() as tx:
                again = await tx.authorization_codes.get(record.code_hash)
            await self._revoke_replayed(again or record)
        return result

    async def _revoke_replayed(self, record: AuthorizationCodeRecord) -> None:
        """A code used twice: what it issued is revoked (it may have been stolen)."""
        if record.origin_jti is not None:
            async with self._store.write() as tx:
                await tx.refresh_tokens.revoke_origin(record.origin_jti)
        raise InvalidGrant("The code was used already.")

    async def _refresh(self, client: ClientRecord, form: dict[str, str]) -> TokenSet:
        token = form.get("refresh_token")
        if not token:
            raise InvalidRequest("refresh_token is required.")
        try:
            return await refresh_tokens(self._flows, client, token)
        except (NotAuthorizedException, RefreshTokenReuseException) as error:
            raise InvalidGrant(str(error)) from None

    async def _client_credentials(self, client: ClientRecord, form: dict[str, str]) -> TokenSet:
        if (
            client.secret_sealed is None
            or "client_credentials" not in client_settings(client).allowed_oauth_flows
        ):
            raise UnauthorizedClient("The client may not use client_credentials.")
        allowed = client_settings(client).allowed_oauth_scopes
        scopes = (form.get("scope") or "").split() or list(allowed)
        if any(scope not in allowed for scope in scopes):
            raise InvalidScope("A requested scope is not allowed.")
        return await machine_token(
            self._store, self._tokens, self._flows.triggers, client, scopes, {}
        )

    async def client_token(self, command: GetClientToken) -> TokenSet:
        """GetClientToken (see :mod:`cognitio.services.oauth.machine_tokens`)."""
        return await get_client_token(
            self._store, self._tokens, self._flows.triggers, self._envelope, command
        )

    async def userinfo(self, access_token: str) -> dict[str, str]:
        """/oauth2/userInfo: the claims the token's scopes reach."""
        async with self._store.read() as tx:
            try:
                verified = await self._tokens.verify_access(tx, access_token)
            except NotAuthorizedException as error:
                raise InvalidToken(str(error)) from None
            user = await tx.users.get(verified.sub)
            revoked = await tx.refresh_tokens.origin_revoked(verified.origin_jti)
        scopes = verified.scopes
        if user is None or revoked or not user.enabled:
            raise InvalidToken("Access token is not valid.")
        if "openid" not in scopes and ADMIN_SCOPE not in scopes:
            raise InvalidToken("The access token has no openid scope.")
        claims = {"sub": user.sub, "username": user.username}
        wanted: set[str] = set()
        for scope, names in _SCOPE_CLAIMS.items():
            if scope in scopes or ADMIN_SCOPE in scopes:
                wanted.update(names)
        async with self._store.read() as tx:
            reads = await self._tokens.client_reads.read_attributes(tx, verified.client_id)
        shown = readable(reads, user.attributes)
        for name, value in shown.items():
            if name in wanted or (name.startswith("custom:") and "profile" in scopes):
                claims[name] = value
        return claims

    async def revoke(self, form: dict[str, str], basic: tuple[str, str] | None) -> None:
        """/oauth2/revoke (RFC 7009): the refresh token and every token of its sign-in."""
        client_id = basic[0] if basic is not None else form.get("client_id")
        client, _ = await self._client(client_id)
        self.authenticate_client(client, form, basic)
        token = form.get("token")
        if not token:
            raise InvalidRequest("token is required.")
        async with self._store.write() as tx:
            record = await tx.refresh_tokens.get(token_hash(token))
            if record is None:
                return  # RFC 7009 2.2: an unknown token is not an error
            if record.client_id != client.id:
                raise UnauthorizedClient("The token was issued to another client.")
            await tx.refresh_tokens.revoke_origin(record.origin_jti)

    async def _user(self, sub: str) -> UserRecord:
        async with self._store.read() as tx:
            user = await tx.users.get(sub)
        if user is None or not user.enabled:
            raise InvalidGrant("The user cannot sign in.")
        return user

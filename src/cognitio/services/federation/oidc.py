"""The relying party of an OpenID Connect provider: authorization code flow, OpenID Connect Core
1.0 section 3.1 (and Discovery 1.0 for the endpoints).

Cognito's side of a sign-in: send the browser to the IdP's authorization endpoint with
``response_type=code``, the configured scopes, an opaque ``state`` and a ``nonce``; on the way
back redeem the code at the token endpoint (authlib; ``client_secret_post`` unless discovery
lists only ``client_secret_basic``), validate the ID token, and read the user's attributes: the
ID token's claims merged with the userInfo answer (fetched with ``attributes_request_method``),
since many IdPs put only ``sub`` in the ID token when they issue an access token too.

The token request is encoded by authlib's RFC 6749 helpers (``prepare_token_request``,
``ClientAuth``) and sent with the server's bounded client (:mod:`.upstream`); authlib's own
httpx client is not used, as it would read answers without the size limit.

The social providers (modules ``google``, ``facebook``, ``amazon``, ``apple``) are subclasses
that change the steps which differ; :mod:`.relying_parties` picks the class for a provider type.
"""

from __future__ import annotations

import secrets
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import ClassVar, cast

import orjson
from authlib.oauth2.auth import ClientAuth
from authlib.oauth2.rfc6749.parameters import prepare_token_request

from cognitio.documents import JsonObject
from cognitio.services.federation.discovery import DiscoveryCache, ProviderMetadata
from cognitio.services.federation.id_token import TokenExpectations, validate_id_token
from cognitio.services.federation.jwks import JwksCache
from cognitio.services.federation.provider_config import ProviderConfig, ProviderType
from cognitio.services.federation.upstream import (
    IdentityProviderError,
    Upstream,
    check_url,
    parse_json_object,
)

MAX_PARAMETER_CHARS = 4096  # a code, state or error description longer than this is refused


@dataclass(frozen=True)
class FederationClients:
    """The server-wide HTTP client and caches every relying party shares."""

    upstream: Upstream
    discovery: DiscoveryCache
    jwks: JwksCache

    @classmethod
    def create(cls, upstream: Upstream) -> FederationClients:
        return cls(upstream, DiscoveryCache(upstream), JwksCache(upstream))


@dataclass(frozen=True)
class Endpoints:
    """Where a provider is reached, after defaults, configuration and discovery."""

    authorize_url: str
    token_url: str
    attributes_url: str | None = None
    jwks_uri: str | None = None
    issuer: str | None = None
    token_auth_methods: tuple[str, ...] = ()


@dataclass(frozen=True)
class AuthorizationRequest:
    """Where to send the browser, and what the callback must bring back (kept by the caller)."""

    url: str
    state: str
    nonce: str | None


@dataclass(frozen=True)
class Callback:
    """What the IdP sent to ``/oauth2/idpresponse``: the query of a GET, or the form of Apple's
    form_post (which adds ``id_token`` and, on first consent, the ``user`` JSON)."""

    code: str | None = field(default=None, repr=False)
    state: str | None = None
    iss: str | None = None
    error: str | None = None
    error_description: str | None = None
    id_token: str | None = field(default=None, repr=False)
    user: str | None = field(default=None, repr=False)

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> Callback:
        """The callback in a request's parameters; oversized values are refused."""
        values: dict[str, str | None] = {}
        for name in ("code", "state", "iss", "error", "error_description", "id_token", "user"):
            value = params.get(name)
            limit = 65536 if name == "id_token" else MAX_PARAMETER_CHARS
            if value is not None and len(value) > limit:
                raise IdentityProviderError(
                    "The identity provider's answer could not be read.",
                    f"callback: {name} too long",
                )
            values[name] = value
        return cls(**values)


@dataclass(frozen=True)
class ExternalIdentity:
    """Who signed in at the IdP: its user id for the ``<Provider>_<id>`` username, the
    attributes the pool's AttributeMapping reads, and the raw answers for the
    InboundFederation trigger (``tokenResponse``, ``idToken``, ``userInfo``)."""

    provider_name: str
    provider_type: ProviderType
    user_id: str
    issuer: str | None
    attributes: JsonObject
    token_response: JsonObject = field(repr=False)
    id_token: str | None = field(default=None, repr=False)
    userinfo: JsonObject | None = field(default=None, repr=False)


def _error_code(body: bytes) -> str | None:
    """The RFC 6749 ``error`` code of an error answer, if it is a short plain one."""
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    error = document.get("error") if isinstance(document, dict) else None
    if isinstance(error, str) and len(error) <= 64 and error.replace("_", "").isalnum():
        return error
    return None


def _refused(detail: str) -> IdentityProviderError:
    return IdentityProviderError("The identity provider refused the sign-in.", detail)


class OidcRelyingParty:
    """Sign-in through one configured OpenID Connect provider."""

    scope_separator: ClassVar[str] = " "
    uses_nonce: ClassVar[bool] = True

    def __init__(self, config: ProviderConfig, clients: FederationClients) -> None:
        self.config = config
        self.clients = clients

    @property
    def policy_skew(self) -> int:
        return self.clients.upstream.policy.clock_skew_seconds

    # -- endpoints ---------------------------------------------------------------------------

    def default_endpoints(self) -> Endpoints | None:
        """The provider type's fixed endpoints (None: discover them from the issuer)."""
        return None

    async def endpoints(self) -> Endpoints:
        """The endpoints to use: configured ones first, then the type's defaults or discovery."""
        config = self.config
        base = self.default_endpoints()
        metadata: ProviderMetadata | None = None
        if base is None:
            if config.issuer is None:
                raise IdentityProviderError(
                    "The identity provider is not configured correctly.", "no oidc_issuer"
                )
            configured = (config.authorize_url, config.token_url, config.jwks_uri)
            if any(url is None for url in configured):
                metadata = await self.clients.discovery.metadata(config.issuer)
            base = Endpoints(
                authorize_url=config.authorize_url
                or (metadata.authorization_endpoint if metadata else ""),
                token_url=config.token_url or (metadata.token_endpoint if metadata else ""),
                attributes_url=metadata.userinfo_endpoint if metadata else None,
                jwks_uri=metadata.jwks_uri if metadata else None,
                issuer=config.issuer,
                token_auth_methods=metadata.token_endpoint_auth_methods if metadata else (),
            )
        found = replace(
            base,
            authorize_url=config.authorize_url or base.authorize_url,
            token_url=config.token_url or base.token_url,
            attributes_url=config.attributes_url or base.attributes_url,
            jwks_uri=config.jwks_uri or base.jwks_uri,
            issuer=config.issuer or base.issuer,
        )
        policy = self.clients.upstream.policy
        check_url(found.authorize_url, policy, "authorize_url")
        check_url(found.token_url, policy, "token_url")
        if found.attributes_url:
            check_url(found.attributes_url, policy, "attributes_url")
        if found.jwks_uri:
            check_url(found.jwks_uri, policy, "jwks_uri")
        return found

    # -- the way out -------------------------------------------------------------------------

    def authorize_parameters(
        self, redirect_uri: str, state: str, nonce: str | None
    ) -> list[tuple[str, str]]:
        """The query of the authorization request."""
        parameters = [
            ("response_type", "code"),
            ("client_id", self.config.client_id),
            ("redirect_uri", redirect_uri),
            ("scope", self.scope_separator.join(self.config.authorize_scopes)),
            ("state", state),
        ]
        if nonce is not None:
            parameters.append(("nonce", nonce))
        return parameters

    async def authorization_request(
        self, redirect_uri: str, state: str, nonce: str | None = None
    ) -> AuthorizationRequest:
        """The IdP URL to send the browser to. ``state`` is the caller's opaque value; ``nonce``
        is the app's, or a fresh one (for providers that take a nonce)."""
        nonce = (nonce or secrets.token_urlsafe(24)) if self.uses_nonce else None
        found = await self.endpoints()
        query = urllib.parse.urlencode(self.authorize_parameters(redirect_uri, state, nonce))
        separator = "&" if urllib.parse.urlsplit(found.authorize_url).query else "?"
        return AuthorizationRequest(found.authorize_url + separator + query, state, nonce)

    # -- the way back ------------------------------------------------------------------------

    async def complete(
        self, callback: Callback, redirect_uri: str, nonce: str | None
    ) -> ExternalIdentity:
        """The identity the callback proves: the code redeemed, the ID token validated, the
        attributes read. The caller has already matched ``callback.state`` to its request."""
        if callback.error is not None:
            raise _refused(f"callback error {callback.error[:64]!r}")
        if not callback.code:
            raise _refused("callback without a code")
        found = await self.endpoints()
        if callback.iss is not None and found.issuer is not None and callback.iss != found.issuer:
            # RFC 9207: the answer names another IdP (a mix-up attack); its code is not sent.
            raise _refused("callback iss names another issuer")
        token_response = await self.redeem(callback.code, redirect_uri, found)
        return await self.identity(token_response, callback, nonce, found)

    def token_auth_method(self, found: Endpoints) -> str:
        """How the client authenticates at the token endpoint (RFC 6749 section 2.3.1)."""
        if not self.config.client_secret:
            return "none"
        methods = found.token_auth_methods
        if methods and "client_secret_post" not in methods and "client_secret_basic" in methods:
            return "client_secret_basic"
        return "client_secret_post"

    def client_secret(self) -> str:
        """The secret sent to the token endpoint."""
        return self.config.client_secret

    async def redeem(self, code: str, redirect_uri: str, found: Endpoints) -> JsonObject:
        """The token endpoint's answer to the authorization code (RFC 6749 section 4.1.3)."""
        method = "GET" if self.config.token_request_method.upper() == "GET" else "POST"
        secret = self.client_secret()
        # A GET token request (Facebook) carries the secret in the query, beside the code.
        extra = {"client_secret": secret} if method == "GET" else {}
        auth_method = "none" if method == "GET" else self.token_auth_method(found)
        body = prepare_token_request(
            "authorization_code", code=code, redirect_uri=redirect_uri, **extra
        )
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        url, headers, body = ClientAuth(self.config.client_id, secret, auth_method).prepare(
            method, found.token_url, headers, body
        )
        if method == "GET":
            url = url + ("&" if urllib.parse.urlsplit(url).query else "?") + body
            body, headers = "", {}
        response = await self.clients.upstream.send(
            method, url, "token request", headers=headers, content=body or None
        )
        unreadable = "The identity provider sent an answer that could not be read."
        if response.status_code != 200:
            error = _error_code(response.content)
            raise IdentityProviderError(
                "The identity provider did not accept the sign-in.",
                f"token request: HTTP {response.status_code}" + (f" {error}" if error else ""),
            )
        token = parse_json_object(response.content, "token response")
        if not isinstance(token.get("access_token"), str):
            raise IdentityProviderError(unreadable, "token response without access_token")
        return token

    def expectations(self, found: Endpoints, nonce: str | None) -> TokenExpectations:
        """What the ID token must say."""
        if found.jwks_uri is None or found.issuer is None:
            raise IdentityProviderError(
                "The identity provider is not configured correctly.", "no jwks_uri or issuer"
            )
        if self.uses_nonce and nonce is None:
            # A nonce went out with the request: a token without the check is not accepted.
            raise IdentityProviderError(
                "The identity provider's token could not be verified.", "no nonce to check"
            )
        return TokenExpectations(
            issuers=(found.issuer,),
            client_id=self.config.client_id,
            jwks_uri=found.jwks_uri,
            nonce=nonce,
            skew_seconds=self.policy_skew,
        )

    async def validated_claims(
        self, token_response: JsonObject, found: Endpoints, nonce: str | None
    ) -> tuple[str, JsonObject]:
        """The ID token of the token response and its validated claims."""
        id_token = token_response.get("id_token")
        if not isinstance(id_token, str):
            raise IdentityProviderError(
                "The identity provider's token could not be verified.", "no id_token"
            )
        claims = await validate_id_token(
            id_token, self.clients.jwks, self.expectations(found, nonce)
        )
        return id_token, claims

    async def userinfo(self, token_response: JsonObject, found: Endpoints) -> JsonObject | None:
        """The userInfo answer (OpenID Connect Core section 5.3), or None without an endpoint."""
        if found.attributes_url is None:
            return None
        access_token = cast(str, token_response["access_token"])
        method = self.config.attributes_request_method.upper()
        return await self.clients.upstream.json(
            "POST" if method == "POST" else "GET",
            found.attributes_url,
            "userinfo",
            headers={"Authorization": f"Bearer {access_token}"},
        )

    async def identity(
        self, token_response: JsonObject, callback: Callback, nonce: str | None, found: Endpoints
    ) -> ExternalIdentity:
        """The identity of an OIDC sign-in: ID-token claims merged with userInfo."""
        id_token, claims = await self.validated_claims(token_response, found, nonce)
        info = await self.userinfo(token_response, found)
        if info is not None and info.get("sub") != claims["sub"]:
            # Section 5.3.2: a userInfo answer about someone else must not be used.
            raise IdentityProviderError(
                "The identity provider's token could not be verified.", "userinfo sub differs"
            )
        attributes: JsonObject = {**claims, **(info or {})}
        return ExternalIdentity(
            provider_name=self.config.provider_name,
            provider_type=self.config.provider_type,
            user_id=cast(str, claims["sub"]),
            issuer=found.issuer,
            attributes=attributes,
            token_response=token_response,
            id_token=id_token,
            userinfo=info,
        )

"""ID, access and refresh tokens as Cognito issues them, and the checks on an access token.

Claims follow the developer guide's "Understanding the identity (ID) token" and "Understanding
the access token" pages (see ../shared reference §9): RS256, a `kid` per key, one key for ID
tokens and one for access tokens per pool; refresh tokens are opaque and kept only as hashes.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass, field

import orjson

from cognitio.config import Settings
from cognitio.crypto import jwt
from cognitio.crypto.envelope import Envelope
from cognitio.documents import JsonObject, JsonValue
from cognitio.errors import NotAuthorizedException
from cognitio.services.clients.read_attributes import ClientReads, readable
from cognitio.services.clients.settings import client_settings
from cognitio.services.common import ids
from cognitio.services.mfa.devices import NewDevice
from cognitio.services.tokens.claims import group_claims
from cognitio.store.records import ClientRecord, RefreshTokenRecord, SigningKeyRecord, UserRecord
from cognitio.store.repositories import Store, Transaction

_PURPOSES = ("id", "access")
ADMIN_SCOPE = "aws.cognito.signin.user.admin"
ACCESS_USE = "access"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Claims no PreTokenGeneration function may add, change or suppress: they say what the token is.
RESERVED_ID_CLAIMS = frozenset(
    {"acr", "amr", "aud", "at_hash", "auth_time", "azp", "c_hash", "cognito:username",
     "event_id", "exp", "iat", "identities", "iss", "jti", "nbf", "nonce", "origin_jti",
     "sub", "token_use"}
)  # fmt: skip
RESERVED_ACCESS_CLAIMS = frozenset(
    {"acr", "amr", "auth_time", "client_id", "device_key", "event_id", "exp", "iat", "iss",
     "jti", "nbf", "origin_jti", "scope", "sub", "token_use", "username"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class TokenOverrides:
    """What a PreTokenGeneration function changes in the tokens about to be signed."""

    id_claims: JsonObject = field(default_factory=dict)
    id_suppress: tuple[str, ...] = ()
    access_claims: JsonObject = field(default_factory=dict)
    access_suppress: tuple[str, ...] = ()
    scopes_add: tuple[str, ...] = ()
    scopes_suppress: tuple[str, ...] = ()
    groups: list[str] | None = None  # replaces cognito:groups in both tokens
    roles: list[str] | None = None  # replaces cognito:roles
    preferred_role: str | None = None  # replaces cognito:preferred_role when set

    def apply(self, access: JsonObject, identity: JsonObject) -> None:
        """Change the two claim sets in place; reserved claims are left as they are."""
        if self.groups is not None:
            for claims in (access, identity):
                claims.pop("cognito:groups", None)
                if self.groups:
                    claims["cognito:groups"] = list(self.groups)
        if self.roles is not None:
            identity.pop("cognito:roles", None)
            if self.roles:
                identity["cognito:roles"] = list(self.roles)
        if self.preferred_role is not None:
            identity["cognito:preferred_role"] = self.preferred_role
        _change(identity, self.id_claims, self.id_suppress, RESERVED_ID_CLAIMS)
        _change(access, self.access_claims, self.access_suppress, RESERVED_ACCESS_CLAIMS)
        if self.scopes_add or self.scopes_suppress:
            scopes = [s for s in str(access.get("scope", "")).split() if s]
            scopes += [s for s in self.scopes_add if s not in scopes]
            access["scope"] = " ".join(s for s in scopes if s not in self.scopes_suppress)


def _change(
    claims: JsonObject, add: JsonObject, suppress: tuple[str, ...], reserved: frozenset[str]
) -> None:
    for name in suppress:
        if name not in reserved:
            claims.pop(name, None)
    for name, value in add.items():
        if name not in reserved:
            claims[name] = value


@dataclass(frozen=True, slots=True)
class TokenSet:
    """The tokens a sign-in, a refresh or a grant ends in (the API's AuthenticationResult,
    RFC 6749 section 5.1's token response): no ID token without ``openid`` in an OAuth grant's
    scopes, no refresh token from a refresh without rotation or from the implicit and
    client_credentials grants; ``new_device`` when the pool tracks devices and the sign-in used
    none (NewDeviceMetadata)."""

    access_token: str = field(repr=False)
    expires_in: int  # seconds, the access token's lifetime
    token_type: str = "Bearer"  # noqa: S105 (RFC 6750's token type, not a secret)
    id_token: str | None = field(default=None, repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    new_device: NewDevice | None = None


@dataclass(frozen=True, slots=True)
class Verified:
    """An access token that passed every check, and whose it is: its claims, with those every
    access-token operation reads narrowed (``origin_jti`` and ``scope`` empty when absent, as
    in a client_credentials token)."""

    claims: JsonObject
    pool_id: str
    sub: str
    client_id: str
    origin_jti: str
    scopes: tuple[str, ...]


class Tokens:
    """Signs tokens with each pool's keys, and verifies access tokens."""

    def __init__(self, store: Store, envelope: Envelope, settings: Settings) -> None:
        self._store = store
        self._envelope = envelope
        self._settings = settings
        self._keys: dict[str, dict[str, jwt.SigningKey]] = {}  # pool id -> purpose -> key
        self._by_kid: dict[str, tuple[str, jwt.SigningKey]] = {}  # kid -> (pool id, key)
        # What each client may read, for GetUser and userInfo (services.read_attributes).
        self.client_reads = ClientReads()

    @property
    def base_url(self) -> str:
        return self._settings.base_url

    def jwks_url(self, pool_id: str) -> str:
        """Where this server publishes the pool's keys, whatever the issuer says."""
        return f"{self._settings.base_url}/{pool_id}/.well-known/jwks.json"

    def issuer(self, pool_id: str) -> str:
        region = pool_id.partition("_")[0]
        return self._settings.issuer_template.format(
            base_url=self._settings.base_url, region=region, pool_id=pool_id
        )

    async def keys(self, tx: Transaction, pool_id: str) -> dict[str, jwt.SigningKey]:
        """The pool's two signing keys, made on first use (any node may make them)."""
        cached = self._keys.get(pool_id)
        if cached is not None:
            return cached
        records = await tx.signing_keys.of_pool(pool_id)
        have = {record.purpose for record in records}
        for purpose in _PURPOSES:
            if purpose not in have:
                key = jwt.generate_signing_key(ids.now_ms())
                sealed = self._envelope.seal(key.private_pem, f"signing-key:{key.kid}")
                record = SigningKeyRecord(key.kid, pool_id, purpose, sealed, key.created_ms)
                await tx.signing_keys.insert(record)
        records = await tx.signing_keys.of_pool(pool_id)
        keys = {record.purpose: self._open(record) for record in records}
        self._keys[pool_id] = keys
        for key in keys.values():
            self._by_kid[key.kid] = (pool_id, key)
        return keys

    def _open(self, record: SigningKeyRecord) -> jwt.SigningKey:
        pem = self._envelope.open(record.private_sealed, f"signing-key:{record.kid}")
        return jwt.SigningKey(kid=record.kid, private_pem=pem, created_ms=record.created_ms)

    async def pool_exists(self, pool_id: str) -> bool:
        """Whether ``pool_id`` names a pool (its issuer's documents answer 404 otherwise)."""
        async with self._store.read() as tx:
            return await tx.pools.get(pool_id) is not None

    async def jwks(self, pool_id: str) -> dict[str, list[dict[str, str]]]:
        """The pool's JWK set (``jwks.json``): its ID-token key, then its access-token key."""
        keys = self._keys.get(pool_id)
        if keys is None:  # first request for this pool on this node: load (or make) the keys
            async with self._store.write() as tx:
                keys = await self.keys(tx, pool_id)
        return jwt.jwks(keys[purpose] for purpose in _PURPOSES)

    async def issue(
        self,
        tx: Transaction,
        client: ClientRecord,
        user: UserRecord,
        *,
        auth_time: int | None = None,
        origin_jti: str | None = None,
        with_refresh: bool = True,
        device_key: str | None = None,
        overrides: TokenOverrides | None = None,
        scopes: list[str] | None = None,
        nonce: str | None = None,
    ) -> TokenSet:
        """ID, access and (on sign-in) refresh tokens.

        ``device_key`` names the remembered device the sign-in proved; the access token says so.
        ``scopes`` are an OAuth grant's (None: the API sign-in's ``aws.cognito.signin.user.admin``);
        without ``openid`` among them there is no ID token. ``nonce`` goes into the ID token.
        """
        keys = await self.keys(tx, client.pool_id)
        now = int(time.time())
        auth_time = auth_time or now
        origin_jti = origin_jti or str(uuid.uuid4())
        event_id = str(uuid.uuid4())
        issuer = self.issuer(client.pool_id)
        access_seconds = client_settings(client).access_token_validity_s
        id_seconds = client_settings(client).id_token_validity_s
        access: JsonObject = {
            "sub": user.sub,
            "iss": issuer,
            "client_id": client.id,
            "origin_jti": origin_jti,
            "event_id": event_id,
            "token_use": "access",
            "scope": ADMIN_SCOPE if scopes is None else " ".join(scopes),
            "auth_time": auth_time,
            "exp": now + access_seconds,
            "iat": now,
            "jti": str(uuid.uuid4()),
            "username": user.username,
        }
        if device_key is not None:
            access["device_key"] = device_key
        access_groups, identity_groups = group_claims(await tx.groups.of_user(user.sub))
        access.update(access_groups)
        identity: JsonObject = {
            "sub": user.sub,
            **identity_groups,
            **_identity_attributes(
                readable(client_settings(client).read_attributes, user.attributes)
            ),
            "iss": issuer,
            "cognito:username": user.username,
            "origin_jti": origin_jti,
            "aud": client.id,
            "event_id": event_id,
            "token_use": "id",
            "auth_time": auth_time,
            "exp": now + id_seconds,
            "iat": now,
            "jti": str(uuid.uuid4()),
        }
        if overrides is not None:
            overrides.apply(access, identity)
        access_token = jwt.sign(keys["access"], access)
        id_token = None
        if scopes is None or "openid" in scopes:
            if scopes is not None:
                identity["at_hash"] = jwt.hash_for(access_token)
            if nonce is not None:
                identity["nonce"] = nonce
            id_token = jwt.sign(keys["id"], identity)
        refresh = None
        if with_refresh:
            refresh = base64.urlsafe_b64encode(secrets.token_bytes(48)).decode().rstrip("=")
            created = ids.now_ms()
            lifetime = client_settings(client).refresh_token_validity_s
            await tx.refresh_tokens.insert(
                RefreshTokenRecord(
                    token_hash=token_hash(refresh),
                    pool_id=client.pool_id,
                    client_id=client.id,
                    sub=user.sub,
                    origin_jti=origin_jti,
                    auth_time=auth_time,
                    created_ms=created,
                    expires_ms=created + lifetime * 1000,
                    revoked=False,
                    device_key=device_key,
                    scopes=None if scopes is None else " ".join(scopes),
                )
            )
        return TokenSet(access_token, access_seconds, id_token=id_token, refresh_token=refresh)

    async def issue_client_token(
        self,
        tx: Transaction,
        client: ClientRecord,
        scopes: list[str],
        overrides: TokenOverrides | None = None,
    ) -> TokenSet:
        """client_credentials: an access token for the client itself (``sub`` is its id)."""
        keys = await self.keys(tx, client.pool_id)
        now = int(time.time())
        seconds = client_settings(client).access_token_validity_s
        claims: JsonObject = {
            "sub": client.id,
            "token_use": ACCESS_USE,
            "scope": " ".join(scopes),
            "auth_time": now,
            "iss": self.issuer(client.pool_id),
            "exp": now + seconds,
            "iat": now,
            "version": 2,
            "jti": str(uuid.uuid4()),
            "client_id": client.id,
        }
        if overrides is not None:
            overrides.apply(claims, {})
        return TokenSet(jwt.sign(keys["access"], claims), seconds)

    async def signing_key(self, tx: Transaction, token: str) -> tuple[str, jwt.SigningKey] | None:
        """The pool and key a token's header names, if this server holds that key."""
        kid = _unverified_kid(token)
        found = self._by_kid.get(kid or "")
        if found is None and kid:
            record = await tx.signing_keys.get(kid)
            if record is not None:
                await self.keys(tx, record.pool_id)
                found = self._by_kid.get(kid)
        return found

    async def verify_access(self, tx: Transaction, token: str) -> Verified:
        """Check an access token's signature, expiry, issuer and use, or NotAuthorizedException."""
        found = await self.signing_key(tx, token)
        if found is None:
            raise NotAuthorizedException("Invalid Access Token")
        pool_id, key = found
        try:
            claims = jwt.verify(
                token, {key.kid: key}, issuer=self.issuer(pool_id), token_use=ACCESS_USE
            )
        except jwt.TokenError as error:
            if error.reason == "expired":
                raise NotAuthorizedException("Access Token has expired") from None
            raise NotAuthorizedException("Invalid Access Token") from None
        return Verified(
            claims=claims,
            pool_id=pool_id,
            sub=_claim(claims, "sub", required=True),
            client_id=_claim(claims, "client_id", required=True),
            origin_jti=_claim(claims, "origin_jti", required=False),
            scopes=tuple(_claim(claims, "scope", required=False).split()),
        )


def _claim(claims: JsonObject, name: str, *, required: bool) -> str:
    """A string claim of a verified access token (absent and not required: empty); a claim of
    another type, or a required one missing, makes the token invalid."""
    value = claims.get(name)
    if isinstance(value, str):
        return value
    if name not in claims and not required:
        return ""
    raise NotAuthorizedException("Invalid Access Token")


def _identity_attributes(attributes: dict[str, str]) -> JsonObject:
    """User attributes as ID-token claims: `*_verified` as booleans, the rest as strings."""
    claims: JsonObject = {}
    for name, value in attributes.items():
        if name.startswith("dev:"):
            continue
        if name in ("email_verified", "phone_number_verified"):
            claims[name] = value == "true"
        elif name == "identities":
            # A federated user's identities: a JSON array in the token, as Cognito sends it.
            claims[name] = _json_array(value)
        else:
            claims[name] = value
    return claims


def _json_array(value: str) -> JsonValue:
    """The server-written JSON array ``value`` holds; empty if it is damaged."""
    try:
        parsed: JsonValue = orjson.loads(value)
    except orjson.JSONDecodeError:
        return []
    return parsed if isinstance(parsed, list) else []


def _unverified_kid(token: str) -> str | None:
    """The `kid` a token's header names, read before anything about the token is trusted."""
    header = token.partition(".")[0]
    padded = header + "=" * (-len(header) % 4)
    try:
        parsed: JsonValue = orjson.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, orjson.JSONDecodeError):
        return None
    kid = parsed.get("kid") if isinstance(parsed, dict) else None
    return kid if isinstance(kid, str) and len(kid) <= 128 else None

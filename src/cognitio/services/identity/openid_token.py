"""The identity pools' OpenID token: what GetOpenIdToken hands out and STS accepts.

Cognito Developer Guide, "Identity pools (federated identities) authentication flow" (basic
flow) and the API reference for GetOpenIdToken / GetOpenIdTokenForDeveloperIdentity: an RS512
JWT, header ``{"kid": "{region}{n}", "typ": "JWS", "alg": "RS512"}``, claims ``iss`` (the
identity issuer), ``sub`` (the identity id), ``aud`` (the identity pool id), ``amr``, ``iat``,
``exp`` (10 minutes for GetOpenIdToken, ``TokenDuration`` for a developer identity) and
``https://cognito-identity.amazonaws.com/identity-pool-arn``. Its discovery document is at
``{issuer}/.well-known/openid-configuration`` and its keys at ``{issuer}/.well-known/jwks_uri``.

The issuer's RSA keys live in the store, sealed with the master key like the user pools' keys,
so every node signs with the same key and any node verifies any token. The newest key signs;
every key stays in the JWKS and verifies, so :meth:`OpenIdTokens.rotate` breaks no token.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cognitio.config import Settings
from cognitio.crypto import jwt
from cognitio.crypto.envelope import Envelope
from cognitio.documents import JsonObject, JsonValue
from cognitio.services.common import ids
from cognitio.store.records import IssuerKeyRecord
from cognitio.store.repositories import Store

ALGORITHM: jwt.Algorithm = "RS512"
OPENID_TOKEN_SECONDS = 600  # GetOpenIdToken's tokens last 10 minutes
POOL_ARN_CLAIM = "https://cognito-identity.amazonaws.com/identity-pool-arn"
# STS's session tags in a web identity token: {"principal_tags": {key: [value]}}
TAGS_CLAIM = "https://aws.amazon.com/tags"
JWKS_PATH = "/.well-known/jwks_uri"  # AWS's name for it, not jwks.json
DISCOVERY_PATH = "/.well-known/openid-configuration"
_TYP = "JWS"
_SEAL_CONTEXT = "issuer-key"


@dataclass(frozen=True, slots=True)
class OpenIdTokenClaims:
    """A verified identity-pool OpenID token."""

    identity_id: str  # sub
    identity_pool_id: str  # aud
    amr: tuple[str, ...]
    issued_at: int
    expires_at: int
    issuer: str
    principal_tags: Mapping[str, str] = field(default_factory=dict)


class OpenIdTokens:
    """Signs identity-pool OpenID tokens with the issuer's newest key and verifies them."""

    def __init__(self, store: Store, envelope: Envelope, settings: Settings) -> None:
        self._store = store
        self._envelope = envelope
        self._settings = settings
        self._keys: list[jwt.SigningKey] = []  # oldest first; the last one signs

    @property
    def issuer(self) -> str:
        return self._settings.identity_issuer_url

    @property
    def jwks_url(self) -> str:
        return self.issuer + JWKS_PATH

    def pool_arn(self, pool_id: str) -> str:
        region = pool_id.partition(":")[0]
        account = self._settings.account_id
        return f"arn:aws:cognito-identity:{region}:{account}:identitypool/{pool_id}"

    async def keys(self) -> list[jwt.SigningKey]:
        """The issuer's keys, oldest first; the first is made on first use by any node."""
        if not self._keys:
            await self._load(make_first=True)
        return self._keys

    async def rotate(self) -> str:
        """Add a newer key, which signs from now on; the older ones still verify. Its kid."""
        await self._load(make_first=True)
        async with self._store.write() as tx:
            records = await tx.issuer_keys.all()
            kid = self._kid(len(records) + 1)
            await tx.issuer_keys.insert(self._new_record(kid))
        await self._load(make_first=False)
        return kid

    async def mint(
        self,
        identity_id: str,
        pool_id: str,
        amr: Sequence[str],
        *,
        seconds: int = OPENID_TOKEN_SECONDS,
        now: int | None = None,
        principal_tags: Mapping[str, str] | None = None,
    ) -> str:
        """A token saying ``identity_id`` of ``pool_id`` signed in by ``amr``, for ``seconds``,
        carrying ``principal_tags`` as the session tags STS gives its credentials."""
        issued = int(time.time()) if now is None else now
        claims: dict[str, JsonValue] = {
            "sub": identity_id,
            "aud": pool_id,
            "amr": list(amr),
            POOL_ARN_CLAIM: self.pool_arn(pool_id),
            "iss": self.issuer,
            "exp": issued + seconds,
            "iat": issued,
        }
        if principal_tags:
            tags: JsonObject = {key: [value] for key, value in principal_tags.items()}
            claims[TAGS_CLAIM] = {"principal_tags": tags}
        keys = await self.keys()
        return jwt.sign(keys[-1], claims)

    async def verify(
        self, token: str, *, audience: str | None = None, now: float | None = None
    ) -> OpenIdTokenClaims:
        """The claims of a token this issuer signed, once signature, kid, iss, exp (and ``aud``
        when given) check out; jwt.TokenError otherwise."""
        keys = {key.kid: key for key in await self.keys()}
        if _kid_of(token) not in keys:  # another node may have rotated since this one loaded
            await self._load(make_first=False)
            keys = {key.kid: key for key in self._keys}
        claims = jwt.verify(
            token, keys, issuer=self.issuer, token_use=None, now=now, algorithm=ALGORITHM
        )
        return _claims(claims, audience)

    async def jwks(self) -> dict[str, list[dict[str, str]]]:
        """The issuer's JWK set, newest key first."""
        return jwt.jwks(reversed(await self.keys()))

    def discovery(self) -> JsonObject:
        """The issuer's OpenID Connect discovery document (Discovery 1.0 section 3)."""
        return {
            "issuer": self.issuer,
            "jwks_uri": self.jwks_url,
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": [ALGORITHM],
            "claims_supported": ["sub", "aud", "amr", "iss", "exp", "iat", POOL_ARN_CLAIM],
        }

    async def _load(self, *, make_first: bool) -> None:
        async with self._store.write() as tx:
            records = await tx.issuer_keys.all()
            if not records and make_first:
                # Two nodes racing insert the same kid; one insert is a no-op, both read one key.
                await tx.issuer_keys.insert(self._new_record(self._kid(1)))
                records = await tx.issuer_keys.all()
        self._keys = [self._open(record) for record in records]

    def _kid(self, number: int) -> str:
        return f"{self._settings.region}{number}"

    def _new_record(self, kid: str) -> IssuerKeyRecord:
        key = jwt.generate_signing_key(ids.now_ms(), kid=kid, algorithm=ALGORITHM, typ=_TYP)
        sealed = self._envelope.seal(key.private_pem, f"{_SEAL_CONTEXT}:{kid}")
        return IssuerKeyRecord(kid=kid, private_sealed=sealed, created_ms=key.created_ms)

    def _open(self, record: IssuerKeyRecord) -> jwt.SigningKey:
        pem = self._envelope.open(record.private_sealed, f"{_SEAL_CONTEXT}:{record.kid}")
        return jwt.SigningKey(
            kid=record.kid,
            private_pem=pem,
            created_ms=record.created_ms,
            algorithm=ALGORITHM,
            typ=_TYP,
        )


def _kid_of(token: str) -> str | None:
    """The header's kid, read without trusting it (verification follows)."""
    try:
        header = jwt.unverified_header(token)
    except jwt.TokenError:
        return None
    kid = header.get("kid")
    return kid if isinstance(kid, str) else None


def _claims(claims: JsonObject, audience: str | None) -> OpenIdTokenClaims:
    sub, aud, amr = claims.get("sub"), claims.get("aud"), claims.get("amr")
    if not isinstance(sub, str) or not isinstance(aud, str) or not isinstance(amr, list):
        raise jwt.TokenError("malformed")
    if not all(isinstance(method, str) for method in amr):
        raise jwt.TokenError("malformed")
    if audience is not None and aud != audience:
        raise jwt.TokenError("audience")
    issued, expires, issuer = claims.get("iat"), claims.get("exp"), claims.get("iss")
    if not isinstance(issued, int) or not isinstance(expires, int) or not isinstance(issuer, str):
        raise jwt.TokenError("malformed")
    return OpenIdTokenClaims(
        identity_id=sub,
        identity_pool_id=aud,
        amr=tuple(str(method) for method in amr),
        issued_at=issued,
        expires_at=expires,
        issuer=issuer,
        principal_tags=_principal_tags(claims.get(TAGS_CLAIM)),
    )


def _principal_tags(claim: JsonValue) -> dict[str, str]:
    """The session tags of the tags claim; a value is a one-element list (or a string)."""
    tags = claim.get("principal_tags") if isinstance(claim, dict) else None
    found: dict[str, str] = {}
    for key, value in tags.items() if isinstance(tags, dict) else ():
        if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
            found[key] = value[0]
        elif isinstance(value, str):
            found[key] = value
        else:
            raise jwt.TokenError("malformed")
    return found

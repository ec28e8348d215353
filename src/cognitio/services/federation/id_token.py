"""ID Token validation for a relying party: OpenID Connect Core 1.0, section 3.1.3.7.

The signature is checked with the IdP's published key named by the token's ``kid``, for an
allow-listed asymmetric algorithm only (never ``none``, never an HMAC: a public key is no
secret). Then ``iss`` equals the expected issuer, ``aud`` holds the client id (several audiences
need ``azp`` = client id), ``exp`` is in the future and ``iat`` not in it (within a small skew),
``nonce`` equals the one sent, and ``sub`` is a non-empty string.
"""

from __future__ import annotations

import base64
import hmac
import math
import time
from collections.abc import Collection
from dataclasses import dataclass

import orjson
from joserfc import jwt
from joserfc.errors import JoseError

from cognitio.documents import JsonObject
from cognitio.services.federation.jwks import JwksCache
from cognitio.services.federation.upstream import IdentityProviderError

ALLOWED_ALGORITHMS = (
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "EdDSA",
)
# ID tokens are a few KiB; a token past this is not parsed at all.
MAX_TOKEN_CHARS = 64 * 1024
_REJECTED = "The identity provider's token could not be verified."


@dataclass(frozen=True)
class TokenExpectations:
    """What a valid ID token must say: who issued it, for whom, and the nonce sent."""

    issuers: Collection[str]
    client_id: str
    jwks_uri: str
    nonce: str | None
    skew_seconds: int = 120


def _reject(detail: str) -> IdentityProviderError:
    return IdentityProviderError(_REJECTED, f"id token: {detail}")


def read_header(token: str) -> JsonObject:
    """The JOSE header of a compact JWS, before any key is chosen."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS or token.count(".") != 2:
        raise _reject("not a compact JWS")
    encoded = token.split(".", 1)[0]
    try:
        header = orjson.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    except (ValueError, orjson.JSONDecodeError) as error:
        raise _reject("unreadable header") from error
    if not isinstance(header, dict):
        raise _reject("header is not an object")
    return header


async def validate_id_token(
    token: str, keys: JwksCache, expect: TokenExpectations, now: float | None = None
) -> JsonObject:
    """The claims of ``token`` once it passes every check of section 3.1.3.7."""
    claims = await signed_claims(token, keys, expect.jwks_uri)
    check_claims(claims, expect, time.time() if now is None else now)
    return claims


async def signed_claims(token: str, keys: JwksCache, jwks_uri: str) -> JsonObject:
    """The claims of ``token`` once its signature checks out with a key of ``jwks_uri``, for
    an allowed algorithm; nothing else is checked."""
    header = read_header(token)
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in ALLOWED_ALGORITHMS:
        raise _reject(f"algorithm {str(alg)[:20]!r} not allowed")
    kid = header.get("kid")
    if kid is not None and not isinstance(kid, str):
        raise _reject("kid is not a string")
    key = await keys.key(jwks_uri, kid, alg)
    try:
        claims: JsonObject = jwt.decode(token, key, algorithms=[alg]).claims
    except (JoseError, ValueError, TypeError) as error:
        raise _reject(f"signature: {type(error).__name__}") from error
    return claims


def check_claims(claims: JsonObject, expect: TokenExpectations, now: float) -> None:
    """Raise unless the signed claims fit ``expect`` at ``now``."""
    if claims.get("iss") not in expect.issuers:
        raise _reject("wrong issuer")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if expect.client_id not in audiences:
        raise _reject("wrong audience")
    azp = claims.get("azp")
    if (len(audiences) > 1 or azp is not None) and azp != expect.client_id:
        raise _reject("wrong authorized party")
    exp, iat = claims.get("exp"), claims.get("iat")
    if not _is_number(exp) or not _is_number(iat):
        raise _reject("exp or iat missing")
    assert isinstance(exp, int | float) and isinstance(iat, int | float)
    if exp + expect.skew_seconds <= now:
        raise _reject("expired")
    if iat - expect.skew_seconds > now:
        raise _reject("issued in the future")
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub or len(sub) > 255:
        raise _reject("no usable sub")
    if expect.nonce is not None:
        nonce = claims.get("nonce")
        if not isinstance(nonce, str) or not hmac.compare_digest(
            nonce.encode(), expect.nonce.encode()
        ):
            raise _reject("wrong nonce")


def _is_number(value: object) -> bool:
    """A JSON number that is a time: not a boolean, not NaN or infinity."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)

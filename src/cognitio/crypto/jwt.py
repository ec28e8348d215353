"""RS256 JSON Web Tokens as Cognito issues them: signing keys, the JWKS, signing and verifying.

Specs: RFC 7519 (JWT), RFC 7515 (JWS compact serialisation), RFC 7518 section 3.3 (RS256 =
RSASSA-PKCS1-v1_5 with SHA-256) and section 6.3 (RSA JWK members), RFC 7638 (JWK thumbprint),
OpenID Connect Core 1.0 section 3.1.3.6 (``at_hash``); ``cognito_api.md`` section 9 (claims) and
``srp_spec.md`` section 7 (what the client libraries read).

Cognito's header is ``{"kid": ..., "alg": "RS256"}`` and nothing else; its ``jwks.json`` lists each
key with exactly ``alg``, ``e``, ``kid``, ``kty``, ``n`` and ``use``.

Identity pools' OpenID tokens are RS512 with the header ``{"kid", "typ": "JWS", "alg": "RS512"}``
and a ``kid`` in AWS's ``{region}{n}`` style: a :class:`SigningKey` names its algorithm and may
carry such a ``kid``; the rest of this module is the same for both.

Verification accepts one algorithm per call (RS256 unless told), and nothing that could choose
another: the header's ``alg`` must equal it (and the key's) before any key is used, so ``none``
and the HS256-with-the-public-key confusion have no path to succeed. Token segments must be
canonical base64url, so one token has one spelling. Claims are read only after the signature
checks out.

A key's ``kid`` is its RFC 7638 thumbprint (SHA-256 over the canonical ``{"e","kty","n"}`` JSON,
base64url, 43 characters): it needs no storage, never changes for a key, and two keys never share
one. Loading a PEM costs tens of milliseconds (OpenSSL checks the RSA key), so loaded keys are
cached per PEM.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import math
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from cognitio.documents import JsonObject, JsonValue

Algorithm = Literal["RS256", "RS512"]
ALGORITHM: Algorithm = "RS256"
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {"RS256": hashes.SHA256, "RS512": hashes.SHA512}
_KEY_BITS = 2048
_PUBLIC_EXPONENT = 65537
# Cognito's header is about 70 characters; the cap keeps unauthenticated parsing cheap.
_MAX_HEADER_CHARS = 1024
# The signature may be empty so that an unsigned (`alg: none`) token is refused for its algorithm.
_COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")

Reason = Literal[
    "malformed",
    "signature",
    "algorithm",
    "expired",
    "not_yet_valid",
    "issuer",
    "token_use",
    "unknown_key",
    "audience",
]

_DESCRIPTIONS: dict[Reason, str] = {
    "malformed": "token is not a well-formed JWT with the required claims",
    "signature": "token signature does not verify",
    "algorithm": "token algorithm is not the one expected",
    "expired": "token has expired",
    "not_yet_valid": "token is not valid yet",
    "issuer": "token issuer does not match",
    "token_use": "token_use does not match",
    "unknown_key": "token key id is not known",
    "audience": "token was not issued to this client",
}


class TokenError(Exception):
    """A token that was refused; ``reason`` says why in one machine word."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(_DESCRIPTIONS[reason])
        self.reason: Reason = reason


@dataclass(frozen=True)
class SigningKey:
    """One RSA key: a user pool's (``kid`` the RFC 7638 thumbprint of its public key, RS256) or
    the identity issuer's (``kid`` in AWS's style, RS512, header ``typ`` JWS)."""

    kid: str
    private_pem: bytes = field(repr=False)  # PKCS#8 PEM, unencrypted; the store seals it
    created_ms: int
    algorithm: Algorithm = ALGORITHM
    typ: str | None = None


@dataclass(frozen=True)
class _LoadedKey:
    private: rsa.RSAPrivateKey
    public: rsa.RSAPublicKey
    jwk: dict[str, str]
    header_segment: bytes


def generate_signing_key(
    now_ms: int, *, kid: str | None = None, algorithm: Algorithm = ALGORITHM, typ: str | None = None
) -> SigningKey:
    """A fresh RSA-2048 key (e = 65537); its ``kid`` is its thumbprint unless one is given."""
    private = rsa.generate_private_key(public_exponent=_PUBLIC_EXPONENT, key_size=_KEY_BITS)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return SigningKey(
        kid=kid or _thumbprint(private.public_key()),
        private_pem=pem,
        created_ms=now_ms,
        algorithm=algorithm,
        typ=typ,
    )


def public_jwk(key: SigningKey) -> dict[str, str]:
    """The key as Cognito's ``jwks.json`` lists it (members in Cognito's order)."""
    return dict(_loaded(key).jwk)


def jwks(keys: Iterable[SigningKey]) -> dict[str, list[dict[str, str]]]:
    """The JWK set document for *keys*."""
    return {"keys": [public_jwk(key) for key in keys]}


def sign(key: SigningKey, claims: Mapping[str, JsonValue]) -> str:
    """A compact JWT of *claims* in the key's algorithm; header ``{"kid", ["typ",] "alg"}``."""
    loaded = _loaded(key)
    signing_input = loaded.header_segment + b"." + _b64encode(orjson.dumps(dict(claims)))
    signature = loaded.private.sign(signing_input, padding.PKCS1v15(), _HASHES[key.algorithm]())
    return (signing_input + b"." + _b64encode(signature)).decode("ascii")


def verify(
    token: str,
    keys: Mapping[str, SigningKey] | Callable[[str], SigningKey | None],
    *,
    issuer: str,
    token_use: str | None,
    client_id: str | None = None,
    now: float | None = None,
    leeway_seconds: int = 0,
    algorithm: Algorithm = ALGORITHM,
) -> JsonObject:
    """The claims of *token* once its signature, lifetime, issuer and audience check out.

    The claims are the token's JSON as it came: beyond ``exp``, ``iat``, ``nbf``, ``iss``,
    ``token_use`` and the audience checked here, a caller narrows each member it reads.
    """
    header_segment, payload_segment, signature_segment = _split(token)
    header = _decode_json(header_segment)
    if header.get("alg") != algorithm:
        raise TokenError("algorithm")
    # RFC 7515 section 4.1.11: an extension we do not understand must be refused.
    if "crit" in header:
        raise TokenError("malformed")
    kid = header.get("kid")
    if not isinstance(kid, str):
        raise TokenError("unknown_key")
    key = keys.get(kid) if isinstance(keys, Mapping) else keys(kid)
    if key is None or key.algorithm != algorithm:
        raise TokenError("unknown_key")

    signing_input = f"{header_segment}.{payload_segment}".encode("ascii")
    signature = _b64decode(signature_segment)
    try:
        _loaded(key).public.verify(
            signature, signing_input, padding.PKCS1v15(), _HASHES[algorithm]()
        )
    except InvalidSignature:
        raise TokenError("signature") from None

    claims = _decode_json(payload_segment)
    _check_lifetime(claims, time.time() if now is None else now, leeway_seconds)
    if claims.get("iss") != issuer:
        raise TokenError("issuer")
    if token_use is not None and claims.get("token_use") != token_use:
        raise TokenError("token_use")
    if client_id is not None and not _issued_to(claims, client_id):
        raise TokenError("audience")
    return claims


def unverified_header(token: str) -> JsonObject:
    """The header of a well-formed token, unverified: only to pick a key, never to trust."""
    return _decode_json(_split(token)[0])


def hash_for(value: str) -> str:
    """OIDC ``at_hash``/``c_hash``: base64url of the left half of SHA-256, unpadded."""
    digest = hashlib.sha256(value.encode()).digest()
    return _b64encode(digest[: len(digest) // 2]).decode("ascii")


def _check_lifetime(claims: JsonObject, now: float, leeway: int) -> None:
    expires = _numeric_date(claims, "exp")
    issued = _numeric_date(claims, "iat")
    if expires is None or issued is None:
        raise TokenError("malformed")
    if expires <= now - leeway:
        raise TokenError("expired")
    not_before = _numeric_date(claims, "nbf")
    if issued > now + leeway or (not_before is not None and not_before > now + leeway):
        raise TokenError("not_yet_valid")


def _numeric_date(claims: JsonObject, name: str) -> float | None:
    value = claims.get(name)
    if value is None:
        return None
    # bool is an int to Python but not a NumericDate (RFC 7519 section 2).
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise TokenError("malformed")
    return float(value)


def _issued_to(claims: JsonObject, client_id: str) -> bool:
    # ID tokens name the client in `aud`; access tokens in `client_id` (their `aud`, when
    # present, is a resource server).
    if claims.get("token_use") == "id":
        audience = claims.get("aud")
        if isinstance(audience, list):
            return client_id in audience
        return audience == client_id
    return claims.get("client_id") == client_id


def _split(token: str) -> tuple[str, str, str]:
    if not isinstance(token, str) or _COMPACT_JWS.fullmatch(token) is None:
        raise TokenError("malformed")
    header, payload, signature = token.split(".")
    if len(header) > _MAX_HEADER_CHARS:
        raise TokenError("malformed")
    return header, payload, signature


def _decode_json(segment: str) -> JsonObject:
    try:
        value: JsonValue = orjson.loads(_b64decode(segment))
    except orjson.JSONDecodeError:
        raise TokenError("malformed") from None
    if not isinstance(value, dict):
        raise TokenError("malformed")
    return value


def _b64encode(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def _b64decode(segment: str) -> bytes:
    """Strict base64url (RFC 7515 section 2): no padding, and only the canonical spelling."""
    try:
        data = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        raise TokenError("malformed") from None
    if _b64encode(data) != segment.encode("ascii"):
        raise TokenError("malformed")
    return data


def _thumbprint(public: rsa.RSAPublicKey) -> str:
    """RFC 7638 section 3: SHA-256 of the required members in lexicographic order, no spaces."""
    numbers = public.public_numbers()
    canonical = orjson.dumps({"e": _b64uint(numbers.e), "kty": "RSA", "n": _b64uint(numbers.n)})
    return _b64encode(hashlib.sha256(canonical).digest()).decode("ascii")


def _b64uint(value: int) -> str:
    """RFC 7518 section 2 Base64urlUInt: big-endian, shortest form."""
    return _b64encode(value.to_bytes((value.bit_length() + 7) // 8, "big")).decode("ascii")


def _loaded(key: SigningKey) -> _LoadedKey:
    return _load(key.private_pem, key.kid, key.algorithm, key.typ)


@lru_cache(maxsize=4096)  # two keys per pool; a miss costs one PEM load
def _load(private_pem: bytes, kid: str, algorithm: Algorithm, typ: str | None) -> _LoadedKey:
    private = serialization.load_pem_private_key(private_pem, password=None)
    if not isinstance(private, rsa.RSAPrivateKey):
        raise ValueError("signing key is not an RSA key")
    public = private.public_key()
    numbers = public.public_numbers()
    jwk = {
        "alg": algorithm,
        "e": _b64uint(numbers.e),
        "kid": kid,
        "kty": "RSA",
        "n": _b64uint(numbers.n),
        "use": "sig",
    }
    typ_member = b"" if typ is None else b',"typ":' + orjson.dumps(typ)
    header = _b64encode(
        b'{"kid":' + orjson.dumps(kid) + typ_member + b',"alg":' + orjson.dumps(algorithm) + b"}"
    )
    return _LoadedKey(private=private, public=public, jwk=jwk, header_segment=header)

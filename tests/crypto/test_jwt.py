"""RS256 tokens as Cognito issues them: keys, JWKS, round trips, and forged tokens refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from typing import Any

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from cognitio.crypto.jwt import (
    SigningKey,
    TokenError,
    generate_signing_key,
    hash_for,
    jwks,
    public_jwk,
    sign,
    verify,
)

POOL_ID = "us-east-1_Ab12Cd34E"
ISSUER = f"https://cognito-idp.us-east-1.amazonaws.com/{POOL_ID}"
CLIENT_ID = "5r1iddqkqlp0g8bsmdsj8gq7o6"
SUB = "0b5e8c1e-7a6f-4c3d-9e2b-1f4a6d8c0e21"
NOW = 1_750_000_000

KeyLookup = Mapping[str, SigningKey] | Callable[[str], SigningKey | None]


@pytest.fixture(scope="module")
def access_key() -> SigningKey:
    return generate_signing_key(NOW * 1000)


@pytest.fixture(scope="module")
def id_key() -> SigningKey:
    return generate_signing_key(NOW * 1000)


@pytest.fixture(scope="module")
def other_pool_key() -> SigningKey:
    return generate_signing_key(NOW * 1000)


@pytest.fixture(scope="module")
def pool_keys(access_key: SigningKey, id_key: SigningKey) -> dict[str, SigningKey]:
    return {access_key.kid: access_key, id_key.kid: id_key}


def access_claims(**changes: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "sub": SUB,
        "cognito:groups": ["admins"],
        "iss": ISSUER,
        "client_id": CLIENT_ID,
        "origin_jti": "4f1c2a9e-2b7d-4e0a-8c51-3d6e9f0a7b12",
        "event_id": "c7a2e5d1-9b34-4f6e-a0d8-2e1f5c7b9a30",
        "token_use": "access",
        "scope": "aws.cognito.signin.user.admin",
        "auth_time": NOW - 30,
        "exp": NOW + 3600,
        "iat": NOW,
        "jti": "9d3b7f21-5c8e-4a6d-b2f0-7e1a3c5d9b48",
        "username": "alice",
    }
    claims.update(changes)
    return claims


def id_claims(**changes: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "sub": SUB,
        "email_verified": True,
        "iss": ISSUER,
        "cognito:username": "alice",
        "origin_jti": "4f1c2a9e-2b7d-4e0a-8c51-3d6e9f0a7b12",
        "aud": CLIENT_ID,
        "event_id": "c7a2e5d1-9b34-4f6e-a0d8-2e1f5c7b9a30",
        "token_use": "id",
        "auth_time": NOW - 30,
        "exp": NOW + 3600,
        "iat": NOW,
        "jti": "2a6c8e0f-4b1d-4f3a-9c7e-5d2b8a1f6e93",
        "email": "alice@example.com",
    }
    claims.update(changes)
    return claims


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def compact(header: dict[str, Any], claims: dict[str, Any], signature: bytes) -> str:
    return ".".join(
        [b64(json.dumps(header).encode()), b64(json.dumps(claims).encode()), b64(signature)]
    )


def refusal(token: str, keys: KeyLookup, **options: Any) -> str:
    """The reason *token* is refused for; checks that the message does not repeat the token."""
    defaults: dict[str, Any] = {"issuer": ISSUER, "token_use": "access", "now": NOW}
    with pytest.raises(TokenError) as caught:
        verify(token, keys, **(defaults | options))
    message = str(caught.value)
    assert all(part not in message for part in token.split(".") if len(part) >= 8)
    return caught.value.reason


# Keys and the JWKS


def test_generated_key_is_rsa_2048_with_exponent_65537(access_key: SigningKey) -> None:
    private = serialization.load_pem_private_key(access_key.private_pem, password=None)
    assert isinstance(private, rsa.RSAPrivateKey)
    assert private.key_size == 2048
    assert private.public_key().public_numbers().e == 65537
    assert access_key.private_pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    assert access_key.created_ms == NOW * 1000


def test_kid_is_the_rfc7638_thumbprint_of_the_public_key(access_key: SigningKey) -> None:
    jwk = public_jwk(access_key)
    canonical = json.dumps({"e": jwk["e"], "kty": "RSA", "n": jwk["n"]}, separators=(",", ":"))
    assert access_key.kid == b64(hashlib.sha256(canonical.encode()).digest())
    assert len(access_key.kid) == 43


def test_each_generated_key_has_its_own_kid(
    access_key: SigningKey, id_key: SigningKey, other_pool_key: SigningKey
) -> None:
    assert len({access_key.kid, id_key.kid, other_pool_key.kid}) == 3


def test_public_jwk_has_exactly_cognitos_members(access_key: SigningKey) -> None:
    jwk = public_jwk(access_key)
    assert list(jwk) == ["alg", "e", "kid", "kty", "n", "use"]
    assert jwk["alg"] == "RS256"
    assert jwk["e"] == "AQAB"
    assert jwk["kid"] == access_key.kid
    assert jwk["kty"] == "RSA"
    assert jwk["use"] == "sig"
    assert len(unb64(jwk["n"])) == 256


def test_jwks_lists_every_key_and_no_private_member(
    access_key: SigningKey, id_key: SigningKey
) -> None:
    document = jwks([access_key, id_key])
    assert [jwk["kid"] for jwk in document["keys"]] == [access_key.kid, id_key.kid]
    assert all(set(jwk) == {"alg", "e", "kid", "kty", "n", "use"} for jwk in document["keys"])


def test_signing_key_repr_hides_the_private_key(access_key: SigningKey) -> None:
    assert "PRIVATE" not in repr(access_key)
    assert access_key.kid in repr(access_key)


# Round trips


def test_access_token_round_trip(access_key: SigningKey, pool_keys: dict[str, SigningKey]) -> None:
    token = sign(access_key, access_claims())
    claims = verify(
        token, pool_keys, issuer=ISSUER, token_use="access", client_id=CLIENT_ID, now=NOW
    )
    assert claims == access_claims()


def test_id_token_round_trip(id_key: SigningKey, pool_keys: dict[str, SigningKey]) -> None:
    token = sign(id_key, id_claims())
    claims = verify(token, pool_keys, issuer=ISSUER, token_use="id", client_id=CLIENT_ID, now=NOW)
    assert claims == id_claims()


def test_header_is_kid_then_alg_and_nothing_else(access_key: SigningKey) -> None:
    header = unb64(sign(access_key, access_claims()).split(".")[0])
    assert header == b'{"kid":"' + access_key.kid.encode() + b'","alg":"RS256"}'


def test_keys_may_be_looked_up_by_a_function(
    access_key: SigningKey, pool_keys: dict[str, SigningKey]
) -> None:
    token = sign(access_key, access_claims())
    claims = verify(token, pool_keys.get, issuer=ISSUER, token_use="access", now=NOW)
    assert claims["username"] == "alice"


def test_token_use_may_be_left_unchecked(
    id_key: SigningKey, pool_keys: dict[str, SigningKey]
) -> None:
    token = sign(id_key, id_claims())
    claims = verify(token, pool_keys, issuer=ISSUER, token_use=None, client_id=CLIENT_ID, now=NOW)
    assert claims["token_use"] == "id"


def test_access_token_with_a_resource_audience_is_checked_by_client_id(
    access_key: SigningKey, pool_keys: dict[str, SigningKey]
) -> None:
    token = sign(access_key, access_claims(aud="https://api.example.com"))
    claims = verify(
        token, pool_keys, issuer=ISSUER, token_use="access", client_id=CLIENT_ID, now=NOW
    )
    assert claims["aud"] == "https://api.example.com"


def test_verify_uses_the_current_time_by_default(
    access_key: SigningKey, pool_keys: dict[str, SigningKey]
) -> None:
    now = int(time.time())
    token = sign(access_key, access_claims(iat=now, exp=now + 300))
    assert verify(token, pool_keys, issuer=ISSUER, token_use="access")["iat"] == now
    expired = sign(access_key, access_claims(iat=now - 600, exp=now - 300))
    with pytest.raises(TokenError) as caught:
        verify(expired, pool_keys, issuer=ISSUER, token_use="access")
    assert caught.value.reason == "expired"


# Independent implementations agree


def test_token_verifies_with_pyjwt_and_the_published_jwk(access_key: SigningKey) -> None:
    now = int(time.time())
    token = sign(access_key, access_claims(iat=now, exp=now + 300))
    published = pyjwt.PyJWKSet.from_dict(jwks([access_key]))[access_key.kid]
    claims = pyjwt.decode(token, published.key, algorithms=["RS256"], issuer=ISSUER)
    assert claims["client_id"] == CLIENT_ID
    assert pyjwt.get_unverified_header(token) == {"kid": access_key.kid, "alg": "RS256"}


def test_signature_verifies_with_a_key_rebuilt_from_n_and_e(access_key: SigningKey) -> None:
    jwk = public_jwk(access_key)
    numbers = rsa.RSAPublicNumbers(
        e=int.from_bytes(unb64(jwk["e"])), n=int.from_bytes(unb64(jwk["n"]))
    )
    header, payload, signature = sign(access_key, access_claims()).split(".")
    numbers.public_key().verify(
        unb64(signature), f"{header}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256()
    )
    assert json.loads(unb64(payload)) == access_claims()


def test_token_signed_by_pyjwt_verifies(
    access_key: SigningKey, pool_keys: dict[str, SigningKey]
) -> None:
    token = pyjwt.encode(
        access_claims(), access_key.private_pem, algorithm="RS256", headers={"kid": access_key.kid}
    )
    assert verify(token, pool_keys, issuer=ISSUER, token_use="access", now=NOW) == access_claims()


# Forged and unusable tokens


def test_tampered_payload_is_refused(
    access_key: SigningKey, pool_keys: dict[str, SigningKey]
) -> None:
    header, _, signature = sign(access_key, access_claims()).split(".")
    payload = b64(json.dumps(access_claims(username="admin")).encode())
    assert refusal(f"{header}.{payload}.{signature}", pool_keys) == "signature"


def test_tampered_signature_is_refused(
    access_key: SigningKey, pool_keys: dict[str, SigningKey]
) -> None:
    header, payload, signature = sign(access_key, access_claims()).split(".")
    flipped = bytearray(unb64(signature))
    flipped[100] ^= 0x01
    assert refusal(f"{header}.{payload}.{b64(bytes(flipped))}", pool_keys) == "signature"


def test_truncated_signature_is_refused(
    access_key: SigningKey, pool_keys: dict[str, SigningKey]
) -> None:
    header, payload, signature = sign(access_key, access_claims()).split(".")
    assert refusal(f"{header}.{payload}.{b64(unb64(signature)[:128])}", pool_keys) == "signature"


def test_unsigned_token_is_refused(
    access_key: SigningKey, pool_keys: dict[str, SigningKey]
) -> None:
    for alg in ("none", "None", "NONE"):
        header = {"kid": access_key.kid, "alg": alg}
        assert refusal(compact(header, access_claims(), b""), pool_keys) == "algorithm"
        assert refusal(compact(header, access_claims(), b"x" * 256), pool_keys) == "algorithm"


def test_hs256_token_keyed_with_the_public_key_is_refused(
    access_key: SigningKey, pool_keys: dict[str, SigningKey]
) -> None:
    """The classic confusion: the public key, which anyone can fetch, used as an HMAC secret."""
    private = serialization.load_pem_private_key(access_key.private_pem, password=None)
    public_pems = [
        private.public_key().public_bytes(serialization.Encoding.PEM, format_)
        for format_ in (
            serialization.PublicFormat.SubjectPublicKeyInfo,
            serialization.PublicFormat.PKCS1,
        )
    ]
    for secret in [*public_pems, json.dumps(public_jwk(access_key)).encode()]:
        header = b64(json.dumps({"kid": access_key.kid, "alg": "HS256"}).encode())
        payload = b64(json.dumps(access_claims(username="admin")).encode())
        mac = hmac.new(secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        assert refusal(f"{header}.{payload}.{b64(mac)}", pool_keys) == "algorithm"


@pytest.mark.parametrize("algorithm", ["RS512", "RS384", "PS256"])
def test_other_rsa_algorithms_are_refused(
    algorithm: str, access_key: SigningKey, pool_keys: dict[str, SigningKey]
) -> None:
    token = pyjwt.encode(
        access_claims(),
        access_key.private_pem,
        algorithm=algorithm,
        headers={"kid": access_key.kid},
    )
    assert refusal(token, pool_keys) == "algorithm"


def test_header_without_alg_is_refused(
    access_key: SigningKey, pool_keys: dict[str, SigningKey]
) -> None:
    _, payload, signature = sign(access_key, access_claims()).split(".")
    bare = b64(json.dumps({"kid": access_key.kid}).encode())
    assert refusal(f"{bare}.{payload}.{signature}", pool_keys) == "algorithm"


def test_header_with_a_critical_extension_is_refused(
    access_key: SigningKey, pool_keys: dict[str, SigningKey]
) -> None:
    header = {"kid": access_key.kid, "alg": "RS256", "crit": ["exp"], "exp": 0}
    assert refusal(compact(header, access_claims(), b"x" * 256), pool_keys) == "malformed"


def test_expired_token_is_refused(access_key: SigningKey, pool_keys: dict[str, SigningKey]) -> None:
    assert refusal(sign(access_key, access_claims(exp=NOW - 1)), pool_keys) == "expired"


def test_token_expires_at_exactly_exp(
    access_key: SigningKey, pool_keys: dict[str, SigningKey]
) -> None:
    token = sign(access_key, access_claims(exp=NOW + 60))
    verify(token, pool_keys, issuer=ISSUER, token_use="access", now=NOW + 59.999)
    assert refusal(token, pool_keys, now=NOW + 60) == "expired"


def test_leeway_admits_a_token_just_expired(
    access_key: SigningKey, pool_keys: dict[str, SigningKey]
) -> None:
    token = sign(access_key, access_claims(exp=NOW - 5))
    verify(token, pool_keys, issuer=ISSUER, token_use="access", now=NOW, leeway_seconds=10)
    assert refusal(token, pool_keys, leeway_seconds=5) == "expired"


def test_token_issued_in_the_future_is_not_yet_valid(
    access_key: SigningKey, pool_keys: dict[str, SigningKey]
) -> None:
    token = sign(access_key, access_claims(iat=NOW + 60))
    assert refusal(token, pool_keys) == "not_yet_valid"
    assert refusal(token, pool_keys, leeway_seconds=59) == "not_yet_valid"
    verify(token, pool_keys, issuer=ISSUER, token_use="access", now=NOW, leeway_seconds=60)


def test_token_before_its_nbf_is_not_yet_valid(
    access_key: SigningKey, pool_keys: dict[str, SigningKey]
) -> None:
    token = sign(access_key, access_claims(nbf=NOW + 60))
    assert refusal(token, pool_keys) == "not_yet_valid"
    verify(token, pool_keys, issuer=ISSUER, token_use="access", now=NOW + 60)


@pytest.mark.parametrize("missing", ["exp", "iat"])
def test_token_without_exp_or_iat_is_refused(
    missing: str, access_key: SigningKey, pool_keys: dict[str, SigningKey]
) -> None:
    claims = access_claims()
    del claims[missing]
    assert refusal(sign(access_key, claims), pool_keys) == "malformed"


@pytest.mark.parametrize("exp", ["1750003600", True, None, [1750003600], 1e400])
def test_exp_that_is_not_a_number_is_refused(
    exp: Any, access_key: SigningKey, pool_keys: dict[str, SigningKey]
) -> None:
    assert refusal(sign(access_key, access_claims(exp=exp)), pool_keys) == "malformed"


@pytest.mark.parametrize(
    "issuer",
    [
        f"{ISSUER}/",
        ISSUER.replace("us-east-1_Ab12Cd34E", "us-east-1_Other0000"),
        ISSUER.upper(),
        None,
    ],
)
def test_wrong_issuer_is_refused(
    issuer: str | None, access_key: SigningKey, pool_keys: dict[str, SigningKey]
) -> None:
    assert refusal(sign(access_key, access_claims(iss=issuer)), pool_keys) == "issuer"


def test_id_token_is_refused_where_an_access_token_is_expected(
    id_key: SigningKey, pool_keys: dict[str, SigningKey]
) -> None:
    assert refusal(sign(id_key, id_claims()), pool_keys, token_use="access") == "token_use"


def test_access_token_is_refused_where_an_id_token_is_expected(
    access_key: SigningKey, pool_keys: dict[str, SigningKey]
) -> None:
    assert refusal(sign(access_key, access_claims()), pool_keys, token_use="id") == "token_use"


def test_access_token_for_another_client_is_refused(
    access_key: SigningKey, pool_keys: dict[str, SigningKey]
) -> None:
    token = sign(access_key, access_claims(client_id="another-client", aud=CLIENT_ID))
    assert refusal(token, pool_keys, client_id=CLIENT_ID) == "audience"


def test_id_token_for_another_client_is_refused(
    id_key: SigningKey, pool_keys: dict[str, SigningKey]
) -> None:
    token = sign(id_key, id_claims(aud="another-client", client_id=CLIENT_ID))
    assert refusal(token, pool_keys, token_use="id", client_id=CLIENT_ID) == "audience"


def test_token_from_another_pool_has_an_unknown_key(
    other_pool_key: SigningKey, pool_keys: dict[str, SigningKey]
) -> None:
    assert refusal(sign(other_pool_key, access_claims()), pool_keys) == "unknown_key"
    assert refusal(sign(other_pool_key, access_claims()), pool_keys.get) == "unknown_key"


def test_token_naming_a_known_kid_but_signed_by_another_key_is_refused(
    access_key: SigningKey, other_pool_key: SigningKey, pool_keys: dict[str, SigningKey]
) -> None:
    impostor = SigningKey(access_key.kid, other_pool_key.private_pem, NOW * 1000)
    assert refusal(sign(impostor, access_claims()), pool_keys) == "signature"


def test_header_without_kid_names_no_known_key(
    access_key: SigningKey, pool_keys: dict[str, SigningKey]
) -> None:
    _, payload, signature = sign(access_key, access_claims()).split(".")
    for fields in ({"alg": "RS256"}, {"alg": "RS256", "kid": 7}):
        bare = b64(json.dumps(fields).encode())
        assert refusal(f"{bare}.{payload}.{signature}", pool_keys) == "unknown_key"


def _reencode(segment_index: int, change: Callable[[str], str]) -> Callable[[str], str]:
    def apply(token: str) -> str:
        parts = token.split(".")
        parts[segment_index] = change(parts[segment_index])
        return ".".join(parts)

    return apply


def _noncanonical(segment: str) -> str:
    """The same bytes spelt differently: set a padding bit in the last character."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return segment[:-1] + alphabet[alphabet.index(segment[-1]) | 1]


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda token: "", id="empty"),
        pytest.param(lambda token: "garbage", id="one-segment"),
        pytest.param(lambda token: "a.b", id="two-segments"),
        pytest.param(lambda token: token + ".e30", id="four-segments"),
        pytest.param(lambda token: "..", id="empty-segments"),
        pytest.param(lambda token: "é.é.é", id="non-ascii"),
        pytest.param(lambda token: f"Bearer {token}", id="bearer-prefix"),
        pytest.param(lambda token: token + "\n", id="trailing-newline"),
        pytest.param(lambda token: token + "=", id="padded"),
        pytest.param(lambda token: token.replace("-", "+").replace("_", "/"), id="plain-base64"),
        pytest.param(lambda token: "W10." + token.split(".", 1)[1], id="header-is-a-list"),
        pytest.param(lambda token: "bm90IGpzb24." + token.split(".", 1)[1], id="header-not-json"),
        pytest.param(lambda token: "A" + token, id="header-shifted"),
        pytest.param(lambda token: "W" * 5000 + token, id="header-too-long"),
        pytest.param(_reencode(2, _noncanonical), id="signature-non-canonical"),
    ],
)
def test_garbage_is_malformed(
    forge: Callable[[str], str], access_key: SigningKey, pool_keys: dict[str, SigningKey]
) -> None:
    assert refusal(forge(sign(access_key, access_claims())), pool_keys) == "malformed"


def test_payload_that_is_not_a_json_object_is_refused(
    access_key: SigningKey, pool_keys: dict[str, SigningKey]
) -> None:
    """Even when correctly signed: only claim sets are tokens."""
    private = serialization.load_pem_private_key(access_key.private_pem, password=None)
    assert isinstance(private, rsa.RSAPrivateKey)
    header = b64(json.dumps({"kid": access_key.kid, "alg": "RS256"}).encode())
    for payload in (b64(b"[1,2]"), b64(b"not json")):
        signature = private.sign(
            f"{header}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256()
        )
        assert refusal(f"{header}.{payload}.{b64(signature)}", pool_keys) == "malformed"


def test_refusal_messages_carry_no_token_or_key_material(
    access_key: SigningKey, other_pool_key: SigningKey, pool_keys: dict[str, SigningKey]
) -> None:
    impostor = SigningKey(access_key.kid, other_pool_key.private_pem, NOW * 1000)
    with pytest.raises(TokenError) as caught:
        verify(sign(impostor, access_claims()), pool_keys, issuer=ISSUER, token_use=None, now=NOW)
    message = str(caught.value)
    assert access_key.kid not in message
    assert "PRIVATE" not in message
    assert "alice" not in message
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


# at_hash


def test_hash_for_matches_the_openid_connect_example() -> None:
    """OpenID Connect Core 1.0, Appendix A: the example access token and its at_hash."""
    assert hash_for("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y") == "77QmUPtjPfzWtF2AnpK9RQ"


def test_hash_for_is_16_bytes_unpadded() -> None:
    value = hash_for("any access token")
    assert len(value) == 22
    assert "=" not in value


def test_an_rs512_key_signs_with_its_own_header_and_verifies_only_as_rs512() -> None:
    key = generate_signing_key(0, kid="us-east-11", algorithm="RS512", typ="JWS")
    now = int(time.time())
    token = sign(key, {"sub": "s", "iss": ISSUER, "iat": now, "exp": now + 60})
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header == {"kid": "us-east-11", "typ": "JWS", "alg": "RS512"}
    assert public_jwk(key)["alg"] == "RS512"
    claims = verify(token, {key.kid: key}, issuer=ISSUER, token_use=None, algorithm="RS512")
    assert claims["sub"] == "s"
    # PyJWT, an independent implementation, agrees on the signature.
    private = serialization.load_pem_private_key(key.private_pem, None)
    assert isinstance(private, rsa.RSAPrivateKey)
    public = private.public_key()
    assert pyjwt.decode(token, public, algorithms=["RS512"], issuer=ISSUER)["sub"] == "s"
    with pytest.raises(TokenError) as refused:
        verify(token, {key.kid: key}, issuer=ISSUER, token_use=None)
    assert refused.value.reason == "algorithm"


def test_an_rs256_key_cannot_verify_a_token_that_claims_rs512(access_key: SigningKey) -> None:
    """A token naming RS512 is refused when the key found for its kid is an RS256 key."""
    now = int(time.time())
    token = sign(access_key, {"sub": "s", "iss": ISSUER, "iat": now, "exp": now + 60})
    _, payload, signature = token.split(".")
    forged_header = base64.urlsafe_b64encode(
        json.dumps({"kid": access_key.kid, "alg": "RS512"}).encode()
    ).rstrip(b"=")
    forged = ".".join((forged_header.decode(), payload, signature))
    with pytest.raises(TokenError) as refused:
        verify(
            forged, {access_key.kid: access_key}, issuer=ISSUER, token_use=None, algorithm="RS512"
        )
    assert refused.value.reason == "unknown_key"

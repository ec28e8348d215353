"""ID-token validation refuses every token OpenID Connect Core 3.1.3.7 says to refuse; the keys
come from a stand-in IdP's real JWKS endpoint."""

from __future__ import annotations

import base64
import json
import time
from typing import Any, cast

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, OctKey, RSAKey

from cognitio.documents import JsonObject
from cognitio.services.federation.google import GoogleRelyingParty
from cognitio.services.federation.id_token import TokenExpectations, validate_id_token
from cognitio.services.federation.jwks import read_key_set
from cognitio.services.federation.oidc import FederationClients
from cognitio.services.federation.provider_config import ProviderConfig, ProviderType
from cognitio.services.federation.upstream import IdentityProviderError
from tests.helpers.federation import run
from tests.helpers.idps.base import unsigned_token
from tests.helpers.idps.google import GoogleStandIn

NONCE = "n-0S6_WzA2Mj"


def expectations(stand_in: GoogleStandIn) -> TokenExpectations:
    return TokenExpectations(
        issuers=(stand_in.url,),
        client_id=stand_in.client_id,
        jwks_uri=stand_in.url + "/oauth2/v3/certs",
        nonce=NONCE,
    )


def claims(stand_in: GoogleStandIn, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    found = {
        "iss": stand_in.url,
        "aud": stand_in.client_id,
        "sub": "user-1",
        "iat": now,
        "exp": now + 300,
        "nonce": NONCE,
    }
    found.update(changes)
    return {name: value for name, value in found.items() if value is not None}


def outcome(stand_in: GoogleStandIn, token: str, expect: TokenExpectations | None = None) -> str:
    """ "valid", or the logged detail of the refusal."""

    async def main(clients: FederationClients) -> str:
        try:
            await validate_id_token(token, clients.jwks, expect or expectations(stand_in))
        except IdentityProviderError as error:
            assert error.reason == "The identity provider's token could not be verified."
            return error.detail
        return "valid"

    return run(main)


def test_a_well_formed_token_is_valid(google: GoogleStandIn) -> None:
    assert outcome(google, google.sign(claims(google))) == "valid"


@pytest.mark.parametrize(
    ("changes", "detail"),
    [
        ({"iss": "https://evil.example"}, "wrong issuer"),
        ({"iss": None}, "wrong issuer"),
        ({"aud": "another-client"}, "wrong audience"),
        ({"aud": None}, "wrong audience"),
        ({"exp": int(time.time()) - 3600}, "expired"),
        ({"exp": None}, "exp or iat missing"),
        ({"exp": "tomorrow"}, "exp or iat missing"),
        ({"exp": True}, "exp or iat missing"),
        ({"iat": None}, "exp or iat missing"),
        ({"iat": int(time.time()) + 3600}, "issued in the future"),
        ({"nonce": None}, "wrong nonce"),
        ({"nonce": "another-nonce"}, "wrong nonce"),
        ({"sub": None}, "no usable sub"),
        ({"sub": ""}, "no usable sub"),
        ({"sub": 42}, "no usable sub"),
    ],
)
def test_a_token_with_a_wrong_claim_is_refused(
    google: GoogleStandIn, changes: dict[str, Any], detail: str
) -> None:
    assert outcome(google, google.sign(claims(google, **changes))) == f"id token: {detail}"


def test_several_audiences_need_the_client_as_authorized_party(google: GoogleStandIn) -> None:
    both = [google.client_id, "another-client"]
    without = google.sign(claims(google, aud=both))
    assert outcome(google, without) == "id token: wrong authorized party"
    other = google.sign(claims(google, aud=both, azp="another-client"))
    assert outcome(google, other) == "id token: wrong authorized party"
    assert outcome(google, google.sign(claims(google, aud=both, azp=google.client_id))) == "valid"


def test_a_small_clock_skew_is_tolerated(google: GoogleStandIn) -> None:
    now = int(time.time())
    late = claims(google, exp=now - 30, iat=now - 330)
    assert outcome(google, google.sign(late)) == "valid"


def test_a_token_signed_with_another_key_is_refused(google: GoogleStandIn) -> None:
    impostor = RSAKey.generate_key(2048, parameters={"kid": str(google.key.kid)})
    forged = jwt.encode({"alg": "RS256", "kid": google.key.kid}, claims(google), impostor)
    assert outcome(google, forged).startswith("id token: signature")


def test_alg_none_is_refused(google: GoogleStandIn) -> None:
    token = unsigned_token(claims(google), {"alg": "none", "kid": google.key.kid}, None)
    assert outcome(google, token) == "id token: algorithm 'none' not allowed"


def test_an_hmac_signed_with_the_public_key_is_refused(google: GoogleStandIn) -> None:
    """The key-confusion attack: HS256 keyed with the IdP's public key, in PEM and in JWK."""
    pem = google.key.as_pem(private=False)
    for secret in (pem, google.key.as_bytes(private=False)):
        token = unsigned_token(claims(google), {"alg": "HS256", "kid": google.key.kid}, secret)
        assert outcome(google, token) == "id token: algorithm 'HS256' not allowed"


def test_a_jwks_keeps_only_asymmetric_public_signing_keys(google: GoogleStandIn) -> None:
    """An "oct" key in a JWKS is dropped, as are encryption keys and broken entries."""
    secret = OctKey.generate_key(256, parameters={"kid": "oct-1"}).as_dict()
    public = google.key.as_dict(private=False, use="sig")
    encryption = RSAKey.generate_key(2048, parameters={"kid": "enc"}).as_dict(use="enc")
    entries = [secret, public, encryption, {"kty": "RSA", "n": "!"}, "junk"]
    document = cast(JsonObject, {"keys": entries})
    keys = read_key_set(document).keys
    assert [key.kid for key in keys] == [google.key.kid]
    assert not keys[0].is_private
    with pytest.raises(IdentityProviderError):
        read_key_set({"keys": "none"})


def test_a_token_whose_alg_does_not_fit_the_key_is_refused(google: GoogleStandIn) -> None:
    ec_key = ECKey.generate_key("P-256", parameters={"kid": str(google.key.kid)})
    token = jwt.encode({"alg": "ES256", "kid": google.key.kid}, claims(google), ec_key)
    assert outcome(google, token) == "id token: no key for its kid"


def test_an_unknown_kid_is_refused(google: GoogleStandIn) -> None:
    token = google.sign(claims(google), {"kid": "no-such-key"})
    assert outcome(google, token) == "id token: no key for its kid"


@pytest.mark.parametrize(
    "token",
    [
        "",
        "a.b",
        "a.b.c.d",
        "!!!.e30.",
        "W10.e30.",  # header is [] not an object
        "eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln",  # payload is not JSON
        "x" * 70_000,
    ],
)
def test_garbage_is_refused_without_a_raw_exception(google: GoogleStandIn, token: str) -> None:
    assert outcome(google, token).startswith("id token: ")


def test_the_google_issuer_is_accepted_with_or_without_its_scheme() -> None:
    async def main(clients: FederationClients) -> TokenExpectations:
        config = ProviderConfig("Google", ProviderType.GOOGLE, "google-client")
        rp = GoogleRelyingParty(config, clients)
        return rp.expectations(rp.default_endpoints(), NONCE)

    expect = run(main)
    assert set(expect.issuers) == {"https://accounts.google.com", "accounts.google.com"}


def test_a_non_finite_expiry_is_refused(google: GoogleStandIn) -> None:
    """JSON parsers accept NaN and 1e999; neither is a time (NaN would never compare expired)."""
    payload = claims(google)
    for text in ("NaN", "1e999"):
        token = google.sign(payload)
        head, _, _ = token.split(".")
        body = json.dumps(payload).replace(str(payload["exp"]), text)
        # Signed by hand with the stand-in's key: the signature is valid, the number is not.
        forged = sign_raw(google, head, body.encode())
        assert outcome(google, forged) == "id token: exp or iat missing"


def sign_raw(stand_in: GoogleStandIn, head: str, body: bytes) -> str:
    """A compact JWS over ``head`` and the raw ``body`` bytes, RS256 with the stand-in's key."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    encoded = base64.urlsafe_b64encode(body).rstrip(b"=").decode()
    signing_input = f"{head}.{encoded}".encode()
    private = stand_in.key.private_key
    assert private is not None
    signature = private.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    return f"{head}.{encoded}." + base64.urlsafe_b64encode(signature).rstrip(b"=").decode()


def test_a_nonce_sent_must_be_checked() -> None:
    """An OIDC sign-in completed without the nonce it sent is refused, not checked less."""

    async def main(clients: FederationClients) -> str:
        config = ProviderConfig("Google", ProviderType.GOOGLE, "google-client")
        rp = GoogleRelyingParty(config, clients)
        try:
            rp.expectations(rp.default_endpoints(), None)
        except IdentityProviderError as error:
            return error.detail
        return "accepted"

    assert run(main) == "no nonce to check"

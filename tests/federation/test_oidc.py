"""The OIDC relying party against a real OpenID Provider (npm oidc-provider, two instances)."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import pytest

from cognitio.services.federation.id_token import TokenExpectations, validate_id_token
from cognitio.services.federation.oidc import Callback, FederationClients, OidcRelyingParty
from cognitio.services.federation.provider_config import ProviderConfig, ProviderType
from cognitio.services.federation.upstream import IdentityProviderError, UpstreamPolicy
from tests.helpers.federation import REDIRECT_URI, follow, run
from tests.helpers.node import needs_node
from tests.helpers.oidc_peer import CLIENT_ID, CLIENT_SECRET, OidcPeer

# Every test here signs in through oidc-provider.
pytestmark = needs_node


def config(peer: OidcPeer, **changes: object) -> ProviderConfig:
    base = ProviderConfig(
        provider_name="MyOIDC",
        provider_type=ProviderType.OIDC,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        authorize_scopes=("openid", "email", "profile"),
        issuer=peer.issuer,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


async def sign_in(rp: OidcRelyingParty, state: str = "opaque-state") -> tuple[Callback, str]:
    request = await rp.authorization_request(REDIRECT_URI, state)
    callback = await follow(request.url)
    assert callback.state == state
    assert request.nonce
    return callback, request.nonce


def test_a_code_flow_signs_in_with_merged_id_token_and_userinfo_claims(op: OidcPeer) -> None:
    async def main(clients: FederationClients) -> None:
        rp = OidcRelyingParty(config(op), clients)
        request = await rp.authorization_request(REDIRECT_URI, "s-1", nonce="app-nonce")
        query = parse_qs(urlsplit(request.url).query)
        assert request.url.startswith(op.issuer + "/auth?")
        assert query["response_type"] == ["code"]
        assert query["scope"] == ["openid email profile"]
        assert query["state"] == ["s-1"] and query["nonce"] == ["app-nonce"]
        assert query["redirect_uri"] == [REDIRECT_URI]
        callback = await follow(request.url)
        identity = await rp.complete(callback, REDIRECT_URI, "app-nonce")
        assert identity.user_id == "alice"
        assert identity.provider_name == "MyOIDC" and identity.issuer == op.issuer
        # oidc-provider puts only sub in the ID token: the profile comes from userInfo.
        assert identity.attributes["email"] == "alice@example.com"
        assert identity.attributes["given_name"] == "Alice"
        assert identity.attributes["nonce"] == "app-nonce"
        assert identity.userinfo is not None and identity.userinfo["sub"] == "alice"
        assert identity.id_token and isinstance(identity.token_response["access_token"], str)

    run(main)


def test_userinfo_can_be_fetched_with_a_post(op: OidcPeer) -> None:
    async def main(clients: FederationClients) -> None:
        rp = OidcRelyingParty(config(op, attributes_request_method="POST"), clients)
        callback, nonce = await sign_in(rp)
        identity = await rp.complete(callback, REDIRECT_URI, nonce)
        assert identity.attributes["name"] == "Alice Liddell"

    run(main)


def test_a_provider_that_takes_only_client_secret_basic_gets_it(op_basic: OidcPeer) -> None:
    """Discovery lists client_secret_basic alone, so the code is redeemed with HTTP Basic."""

    async def main(clients: FederationClients) -> None:
        rp = OidcRelyingParty(config(op_basic), clients)
        callback, nonce = await sign_in(rp)
        identity = await rp.complete(callback, REDIRECT_URI, nonce)
        assert identity.user_id == "bob"
        assert identity.issuer == op_basic.issuer

    run(main)


def test_two_providers_do_not_accept_each_others_tokens(op: OidcPeer, op_basic: OidcPeer) -> None:
    async def main(clients: FederationClients) -> None:
        rp = OidcRelyingParty(config(op), clients)
        callback, nonce = await sign_in(rp)
        identity = await rp.complete(callback, REDIRECT_URI, nonce)
        assert identity.id_token is not None
        other = TokenExpectations(
            issuers=(op_basic.issuer,),
            client_id=CLIENT_ID,
            jwks_uri=op_basic.issuer + "/jwks",
            nonce=nonce,
        )
        with pytest.raises(IdentityProviderError) as raised:
            await validate_id_token(identity.id_token, clients.jwks, other)
        assert "kid" in raised.value.detail

    run(main)


def test_an_id_token_with_a_changed_signature_is_refused(op: OidcPeer) -> None:
    async def main(clients: FederationClients) -> None:
        rp = OidcRelyingParty(config(op), clients)
        callback, nonce = await sign_in(rp)
        token = (await rp.complete(callback, REDIRECT_URI, nonce)).id_token
        assert token is not None
        head, body, signature = token.split(".")
        forged = f"{head}.{body}.{signature[:-4]}{'AAAA' if signature[-4:] != 'AAAA' else 'BBBB'}"
        expect = TokenExpectations((op.issuer,), CLIENT_ID, op.issuer + "/jwks", nonce)
        assert (await validate_id_token(token, clients.jwks, expect))["sub"] == "alice"
        with pytest.raises(IdentityProviderError) as raised:
            await validate_id_token(forged, clients.jwks, expect)
        assert raised.value.detail.startswith("id token: signature")
        for wrong in (
            replace(expect, nonce="another-nonce"),
            replace(expect, client_id="another-client"),
            replace(expect, issuers=(op.issuer + "/",)),
        ):
            with pytest.raises(IdentityProviderError):
                await validate_id_token(token, clients.jwks, wrong)

    run(main)


def test_a_wrong_nonce_fails_the_sign_in(op: OidcPeer) -> None:
    async def main(clients: FederationClients) -> None:
        rp = OidcRelyingParty(config(op), clients)
        callback, _ = await sign_in(rp)
        with pytest.raises(IdentityProviderError) as raised:
            await rp.complete(callback, REDIRECT_URI, "not-the-nonce-sent")
        assert raised.value.detail == "id token: wrong nonce"

    run(main)


def test_a_code_is_redeemed_once(op: OidcPeer) -> None:
    async def main(clients: FederationClients) -> None:
        rp = OidcRelyingParty(config(op), clients)
        callback, nonce = await sign_in(rp)
        await rp.complete(callback, REDIRECT_URI, nonce)
        with pytest.raises(IdentityProviderError) as raised:
            await rp.complete(callback, REDIRECT_URI, nonce)
        assert raised.value.reason == "The identity provider did not accept the sign-in."

    run(main)


def test_a_wrong_client_secret_fails_without_showing_it(op: OidcPeer) -> None:
    async def main(clients: FederationClients) -> None:
        rp = OidcRelyingParty(config(op, client_secret="guessed-secret-value"), clients)
        callback, nonce = await sign_in(rp)
        with pytest.raises(IdentityProviderError) as raised:
            await rp.complete(callback, REDIRECT_URI, nonce)
        shown = f"{raised.value} {raised.value.reason} {raised.value.detail} {raised.value!r}"
        assert "guessed-secret-value" not in shown

    run(main)


def test_an_error_from_the_provider_fails_the_sign_in(op: OidcPeer) -> None:
    async def main(clients: FederationClients) -> None:
        rp = OidcRelyingParty(config(op), clients)
        denied = Callback(error="access_denied", error_description="no", state="s")
        with pytest.raises(IdentityProviderError) as raised:
            await rp.complete(denied, REDIRECT_URI, "n")
        assert raised.value.reason == "The identity provider refused the sign-in."
        with pytest.raises(IdentityProviderError):
            await rp.complete(Callback(state="s"), REDIRECT_URI, "n")

    run(main)


def test_a_rotated_signing_key_is_fetched_once_and_a_flood_of_unknown_kids_is_not(
    op_basic: OidcPeer,
) -> None:
    """After the IdP rotates its key the next token names a new kid: the JWKS is fetched again,
    once. Tokens naming made-up kids do not make it fetch again within the refetch interval."""
    now = [1000.0]

    async def main(clients: FederationClients) -> None:
        jwks = type(clients.jwks)(clients.upstream, clock=lambda: now[0])
        clients = FederationClients(clients.upstream, clients.discovery, jwks)
        rp = OidcRelyingParty(config(op_basic), clients)
        callback, nonce = await sign_in(rp)
        await rp.complete(callback, REDIRECT_URI, nonce)
        fetched = op_basic.jwks_requests()
        op_basic.rotate_keys()
        now[0] += clients.upstream.policy.jwks_refetch_interval_seconds
        callback, nonce = await sign_in(rp)
        identity = await rp.complete(callback, REDIRECT_URI, nonce)
        assert identity.user_id == "bob"
        assert op_basic.jwks_requests() == fetched + 1
        assert identity.id_token is not None
        head = identity.id_token.split(".")[0]
        expect = TokenExpectations((op_basic.issuer,), CLIENT_ID, op_basic.issuer + "/jwks", nonce)
        for number in range(25):
            forged = forge_kid(identity.id_token, f"made-up-{number}")
            assert forged.split(".")[0] != head
            with pytest.raises(IdentityProviderError):
                await validate_id_token(forged, clients.jwks, expect)
        assert op_basic.jwks_requests() == fetched + 1
        now[0] += clients.upstream.policy.jwks_refetch_interval_seconds
        with pytest.raises(IdentityProviderError):
            await validate_id_token(forge_kid(identity.id_token, "later"), clients.jwks, expect)
        assert op_basic.jwks_requests() == fetched + 2

    run(main)


def forge_kid(token: str, kid: str) -> str:
    """``token`` with its header's kid replaced (so its signature no longer fits)."""
    head, body, signature = token.split(".")
    header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    header["kid"] = kid
    encoded = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
    return f"{encoded}.{body}.{signature}"


def test_an_http_issuer_is_refused_unless_insecure_use_is_allowed(op: OidcPeer) -> None:
    async def main(clients: FederationClients) -> None:
        rp = OidcRelyingParty(config(op), clients)
        with pytest.raises(IdentityProviderError) as raised:
            await rp.authorization_request(REDIRECT_URI, "s")
        assert raised.value.reason == "The identity provider is not configured correctly."

    before = op.jwks_requests()
    run(main, UpstreamPolicy())
    assert op.jwks_requests() == before


def test_a_discovery_document_for_another_issuer_is_refused(op: OidcPeer) -> None:
    async def main(clients: FederationClients) -> None:
        rp = OidcRelyingParty(config(op, issuer=op.issuer + "/"), clients)
        with pytest.raises(IdentityProviderError) as raised:
            await rp.authorization_request(REDIRECT_URI, "s")
        assert raised.value.detail == "discovery: issuer differs from the configured one"

    run(main)


def test_a_callback_naming_another_issuer_is_refused_before_the_code_is_sent(
    op: OidcPeer,
) -> None:
    """RFC 9207: oidc-provider names itself in ``iss``; an answer naming another IdP is a mix-up."""

    async def main(clients: FederationClients) -> None:
        rp = OidcRelyingParty(config(op), clients)
        callback, nonce = await sign_in(rp)
        assert callback.iss == op.issuer
        with pytest.raises(IdentityProviderError) as raised:
            await rp.complete(replace(callback, iss="https://evil.example"), REDIRECT_URI, nonce)
        assert raised.value.detail == "callback iss names another issuer"
        identity = await rp.complete(callback, REDIRECT_URI, nonce)  # the code was not spent
        assert identity.user_id == "alice"

    run(main)

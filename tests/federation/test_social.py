"""The social providers' relying parties against local stand-ins that speak each protocol and
check what Cognitio sends: Google, Facebook, Login with Amazon and Sign in with Apple."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from cognitio.services.federation import facebook as facebook_rp
from cognitio.services.federation.oidc import FederationClients
from cognitio.services.federation.provider_config import ProviderConfig, ProviderType
from cognitio.services.federation.relying_parties import relying_party
from cognitio.services.federation.upstream import IdentityProviderError
from tests.helpers.federation import REDIRECT_URI, follow, run
from tests.helpers.idps import amazon as amazon_idp
from tests.helpers.idps import apple as apple_idp
from tests.helpers.idps import facebook as facebook_idp
from tests.helpers.idps import google as google_idp
from tests.helpers.idps.amazon import AmazonStandIn
from tests.helpers.idps.apple import AppleStandIn, p8_private_key
from tests.helpers.idps.facebook import FacebookStandIn
from tests.helpers.idps.google import GoogleStandIn


def google_config(stand_in: GoogleStandIn, mapped: tuple[str, ...]) -> ProviderConfig:
    return ProviderConfig(
        provider_name="Google",
        provider_type=ProviderType.GOOGLE,
        client_id=stand_in.client_id,
        client_secret=stand_in.client_secret,
        authorize_scopes=("profile", "email", "openid"),
        issuer=stand_in.url,
        authorize_url=stand_in.url + "/o/oauth2/v2/auth",
        token_url=stand_in.url + "/oauth2/v4/token",
        attributes_url=stand_in.url + "/v1/people/me?personFields=",
        jwks_uri=stand_in.url + "/oauth2/v3/certs",
        attributes_url_add_attributes=True,
        mapped_attributes=mapped,
    )


def test_google_merges_id_token_claims_with_the_mapped_people_fields(
    google: GoogleStandIn,
) -> None:
    async def main(clients: FederationClients) -> None:
        mapped = ("email", "names", "gender", "birthdays", "picture", "email_verified")
        rp = relying_party(google_config(google, mapped), clients)
        request = await rp.authorization_request(REDIRECT_URI, "g-state")
        callback = await follow(request.url)
        identity = await rp.complete(callback, REDIRECT_URI, request.nonce)
        assert google.problems == []
        assert identity.user_id == google_idp.SUB
        assert identity.provider_type is ProviderType.GOOGLE and identity.issuer is None
        assert identity.attributes["email"] == "grace@example.com"
        assert identity.attributes["email_verified"] is True
        assert identity.attributes["names"] == google_idp.PERSON["names"]
        assert identity.attributes["genders"] == google_idp.PERSON["genders"]
        assert google.person_fields == [["names", "genders", "birthdays"]]
        token_call = next(call for call in google.calls if call.path == "/oauth2/v4/token")
        assert token_call.method == "POST" and token_call.form["client_secret"]

    run(main)


def test_google_without_mapped_people_fields_does_not_call_the_people_api(
    google: GoogleStandIn,
) -> None:
    async def main(clients: FederationClients) -> None:
        rp = relying_party(google_config(google, ("email",)), clients)
        request = await rp.authorization_request(REDIRECT_URI, "g-state")
        identity = await rp.complete(await follow(request.url), REDIRECT_URI, request.nonce)
        assert identity.attributes["email"] == "grace@example.com"
        assert google.person_fields == [] and google.problems == []

    run(main)


def facebook_config(stand_in: FacebookStandIn, mapped: tuple[str, ...]) -> ProviderConfig:
    version = facebook_idp.VERSION
    return ProviderConfig(
        provider_name="Facebook",
        provider_type=ProviderType.FACEBOOK,
        client_id=stand_in.client_id,
        client_secret=stand_in.client_secret,
        authorize_scopes=("public_profile", "email"),
        authorize_url=f"{stand_in.url}/{version}/dialog/oauth",
        token_url=f"{stand_in.url}/{version}/oauth/access_token",
        attributes_url=f"{stand_in.url}/{version}/me?fields=",
        token_request_method="GET",
        attributes_url_add_attributes=True,
        mapped_attributes=mapped,
    )


def test_facebook_redeems_the_code_with_a_get_and_asks_for_the_mapped_fields(
    facebook: FacebookStandIn,
) -> None:
    async def main(clients: FederationClients) -> None:
        rp = relying_party(facebook_config(facebook, ("email", "first_name", "id")), clients)
        request = await rp.authorization_request(REDIRECT_URI, "f-state")
        query = parse_qs(urlsplit(request.url).query)
        assert query["scope"] == ["public_profile,email"]
        assert "nonce" not in query and request.nonce is None
        identity = await rp.complete(await follow(request.url), REDIRECT_URI, request.nonce)
        assert facebook.problems == []
        assert identity.user_id == facebook_idp.PROFILE["id"]
        assert identity.attributes == {
            "id": facebook_idp.PROFILE["id"],
            "email": "ada@example.com",
            "first_name": "Ada",
        }
        assert facebook.fields == [["id", "email", "first_name"]]
        token_call = next(call for call in facebook.calls if call.path.endswith("/access_token"))
        assert token_call.method == "GET"
        assert token_call.query["client_secret"] == facebook.client_secret
        assert token_call.query["redirect_uri"] == REDIRECT_URI

    run(main)


def test_facebook_endpoints_follow_the_api_version() -> None:
    found = facebook_rp.endpoints("v19.0")
    assert found.authorize_url == "https://www.facebook.com/v19.0/dialog/oauth"
    assert found.token_url == "https://graph.facebook.com/v19.0/oauth/access_token"
    assert found.attributes_url == "https://graph.facebook.com/v19.0/me?fields="


def test_login_with_amazon_reads_the_profile(amazon: AmazonStandIn) -> None:
    async def main(clients: FederationClients) -> None:
        config = ProviderConfig(
            provider_name="LoginWithAmazon",
            provider_type=ProviderType.LOGIN_WITH_AMAZON,
            client_id=amazon.client_id,
            client_secret=amazon.client_secret,
            authorize_scopes=("profile", "postal_code"),
            authorize_url=amazon.url + "/ap/oa",
            token_url=amazon.url + "/auth/o2/token",
            attributes_url=amazon.url + "/user/profile",
        )
        rp = relying_party(config, clients)
        request = await rp.authorization_request(REDIRECT_URI, "a-state")
        identity = await rp.complete(await follow(request.url), REDIRECT_URI, request.nonce)
        assert amazon.problems == []
        assert identity.user_id == amazon_idp.PROFILE["user_id"]
        assert identity.attributes["postal_code"] == "98109"
        token_call = next(call for call in amazon.calls if call.path == "/auth/o2/token")
        assert token_call.method == "POST"

    run(main)


def apple_config(stand_in: AppleStandIn, private_key: str) -> ProviderConfig:
    return ProviderConfig(
        provider_name="SignInWithApple",
        provider_type=ProviderType.SIGN_IN_WITH_APPLE,
        client_id=stand_in.client_id,
        authorize_scopes=("email", "name"),
        issuer=stand_in.url,
        authorize_url=stand_in.url + "/auth/authorize",
        token_url=stand_in.url + "/auth/token",
        jwks_uri=stand_in.url + "/auth/keys",
        team_id=apple_idp.TEAM_ID,
        key_id=apple_idp.KEY_ID,
        private_key=private_key,
    )


def test_apple_signs_in_with_form_post_and_keeps_the_one_time_name(
    apple: AppleStandIn, apple_key: str
) -> None:
    async def main(clients: FederationClients) -> None:
        rp = relying_party(apple_config(apple, apple_key), clients)
        request = await rp.authorization_request(REDIRECT_URI, "ap-state")
        assert parse_qs(urlsplit(request.url).query)["response_mode"] == ["form_post"]
        callback = await follow(request.url)
        assert callback.user and callback.id_token and callback.state == "ap-state"
        first = await rp.complete(callback, REDIRECT_URI, request.nonce)
        assert apple.problems == []
        assert first.user_id == apple_idp.SUB
        assert first.attributes["firstName"] == "Katherine"
        assert first.attributes["lastName"] == "Johnson"
        assert first.attributes["name"] == "Katherine Johnson"
        # The ID token's (relay) email wins over the one in the user JSON.
        assert first.attributes["email"] == "kj@privaterelay.appleid.com"
        assert first.attributes["email_verified"] == "true"
        assert len(apple.client_secrets) == 1

        request = await rp.authorization_request(REDIRECT_URI, "ap-state-2")
        callback = await follow(request.url)
        assert callback.user is None  # Apple sends the name on the first consent only
        again = await rp.complete(callback, REDIRECT_URI, request.nonce)
        assert again.user_id == apple_idp.SUB and "firstName" not in again.attributes
        assert len(apple.client_secrets) == 2 and apple.problems == []

    run(main)


def test_apple_refuses_a_client_secret_signed_with_another_key(
    apple: AppleStandIn,
) -> None:
    async def main(clients: FederationClients) -> None:
        rp = relying_party(apple_config(apple, p8_private_key()), clients)
        request = await rp.authorization_request(REDIRECT_URI, "ap-state")
        with pytest.raises(IdentityProviderError) as raised:
            await rp.complete(await follow(request.url), REDIRECT_URI, request.nonce)
        assert raised.value.detail == "token request: HTTP 400 invalid_request"
        assert [problem.split(":")[0] for problem in apple.problems] == [
            "client_secret does not verify"
        ]

    run(main)


def test_apple_without_its_key_is_a_configuration_error(apple: AppleStandIn) -> None:
    async def main(clients: FederationClients) -> None:
        config = apple_config(apple, "not a PEM")
        rp = relying_party(config, clients)
        request = await rp.authorization_request(REDIRECT_URI, "ap-state")
        with pytest.raises(IdentityProviderError) as raised:
            await rp.complete(await follow(request.url), REDIRECT_URI, request.nonce)
        assert raised.value.reason == "The identity provider is not configured correctly."

    run(main)


def test_a_social_provider_answering_garbage_fails_with_the_typed_error(
    amazon: AmazonStandIn,
) -> None:
    """The profile URL points at the token endpoint's refusal: a 400 becomes the typed error."""

    async def main(clients: FederationClients) -> None:
        config = ProviderConfig(
            provider_name="LoginWithAmazon",
            provider_type=ProviderType.LOGIN_WITH_AMAZON,
            client_id=amazon.client_id,
            client_secret=amazon.client_secret,
            authorize_scopes=("profile", "postal_code"),
            authorize_url=amazon.url + "/ap/oa",
            token_url=amazon.url + "/auth/o2/token",
            attributes_url=amazon.url + "/nowhere",
        )
        rp = relying_party(config, clients)
        request = await rp.authorization_request(REDIRECT_URI, "a-state")
        with pytest.raises(IdentityProviderError) as raised:
            await rp.complete(await follow(request.url), REDIRECT_URI, request.nonce)
        assert raised.value.detail == "user profile: HTTP 404"

    run(main)

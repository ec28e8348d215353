"""The configuration and results of federation keep secrets and tokens out of their reprs, and
every provider type has its relying party."""

from __future__ import annotations

from joserfc import jwt
from joserfc.jwk import ECKey

from cognitio.services.federation.amazon import AmazonRelyingParty
from cognitio.services.federation.apple import AppleRelyingParty, client_secret
from cognitio.services.federation.facebook import FacebookRelyingParty
from cognitio.services.federation.google import GoogleRelyingParty
from cognitio.services.federation.oidc import (
    Callback,
    ExternalIdentity,
    FederationClients,
    OidcRelyingParty,
)
from cognitio.services.federation.provider_config import (
    ProviderConfig,
    ProviderType,
    split_scopes,
)
from cognitio.services.federation.relying_parties import RELYING_PARTIES, relying_party
from tests.helpers.federation import run
from tests.helpers.idps.apple import p8_private_key

SECRET = "client-secret-do-not-show"
PRIVATE_KEY = p8_private_key()


def test_a_provider_config_repr_holds_no_secret() -> None:
    config = ProviderConfig(
        provider_name="SignInWithApple",
        provider_type=ProviderType.SIGN_IN_WITH_APPLE,
        client_id="com.example.app",
        client_secret=SECRET,
        team_id="TEAM",
        key_id="KEY",
        private_key=PRIVATE_KEY,
    )
    shown = repr(config) + str(config)
    assert "com.example.app" in shown
    assert SECRET not in shown
    assert "PRIVATE KEY" not in shown and PRIVATE_KEY.splitlines()[1] not in shown


def test_an_external_identity_repr_holds_no_token() -> None:
    identity = ExternalIdentity(
        provider_name="MyOIDC",
        provider_type=ProviderType.OIDC,
        user_id="alice",
        issuer="https://idp.example.com",
        attributes={"email": "alice@example.com"},
        token_response={"access_token": "access-token-value", "refresh_token": "refresh-value"},
        id_token="id-token-value",
        userinfo={"sub": "alice"},
    )
    shown = repr(identity)
    assert "alice" in shown
    for secret in ("access-token-value", "refresh-value", "id-token-value"):
        assert secret not in shown


def test_a_callback_repr_holds_no_code_id_token_or_user() -> None:
    user = '{"email": "a@b"}'
    callback = Callback(code="code-value", state="s", id_token="id-token-value", user=user)
    shown = repr(callback)
    assert "code-value" not in shown and "id-token-value" not in shown and "a@b" not in shown


def test_every_provider_type_has_its_relying_party() -> None:
    expected = {
        ProviderType.OIDC: OidcRelyingParty,
        ProviderType.GOOGLE: GoogleRelyingParty,
        ProviderType.FACEBOOK: FacebookRelyingParty,
        ProviderType.LOGIN_WITH_AMAZON: AmazonRelyingParty,
        ProviderType.SIGN_IN_WITH_APPLE: AppleRelyingParty,
    }
    assert expected == RELYING_PARTIES

    async def main(clients: FederationClients) -> list[type[OidcRelyingParty]]:
        return [
            type(relying_party(ProviderConfig(kind.value, kind, "client"), clients))
            for kind in ProviderType
        ]

    assert run(main) == [expected[kind] for kind in ProviderType]


def test_the_social_defaults_are_cognitos_endpoints() -> None:
    async def main(clients: FederationClients) -> list[str]:
        urls = []
        for kind in (
            ProviderType.GOOGLE,
            ProviderType.FACEBOOK,
            ProviderType.LOGIN_WITH_AMAZON,
            ProviderType.SIGN_IN_WITH_APPLE,
        ):
            found = await relying_party(ProviderConfig(kind.value, kind, "c"), clients).endpoints()
            urls += [found.authorize_url, found.token_url]
        return urls

    assert run(main) == [
        "https://accounts.google.com/o/oauth2/v2/auth",
        "https://www.googleapis.com/oauth2/v4/token",
        "https://www.facebook.com/v17.0/dialog/oauth",
        "https://graph.facebook.com/v17.0/oauth/access_token",
        "https://www.amazon.com/ap/oa",
        "https://api.amazon.com/auth/o2/token",
        "https://appleid.apple.com/auth/authorize",
        "https://appleid.apple.com/auth/token",
    ]


def test_the_apple_client_secret_carries_apples_claims() -> None:
    token = client_secret("TEAM", "com.example.app", "KEY", PRIVATE_KEY, now=1_700_000_000)
    decoded = jwt.decode(token, ECKey.import_key(PRIVATE_KEY), algorithms=["ES256"])
    assert (decoded.header["alg"], decoded.header["kid"]) == ("ES256", "KEY")
    assert decoded.claims == {
        "iss": "TEAM",
        "sub": "com.example.app",
        "aud": "https://appleid.apple.com",
        "iat": 1_700_000_000,
        "exp": 1_700_000_300,
    }


def test_a_config_is_read_from_provider_details_and_the_attribute_mapping() -> None:
    details = {
        "client_id": "1234567890",
        "client_secret": SECRET,
        "authorize_scopes": "public_profile, email",
        "api_version": "v19.0",
        "token_request_method": "GET",
        "attributes_url_add_attributes": "true",
    }
    mapping = {"email": "email", "given_name": "first_name", "username": "id", "name": "email"}
    config = ProviderConfig.from_details("Facebook", ProviderType.FACEBOOK, details, mapping)
    assert config.authorize_scopes == ("public_profile", "email")
    assert config.token_request_method == "GET" and config.attributes_url_add_attributes
    assert config.mapped_attributes == ("email", "first_name", "id")
    assert config.client_secret == SECRET and config.issuer is None

    async def main(clients: FederationClients) -> str:
        return (await relying_party(config, clients).endpoints()).token_url

    assert run(main) == "https://graph.facebook.com/v19.0/oauth/access_token"


def test_scopes_split_on_spaces_and_commas() -> None:
    assert split_scopes("openid  email\tprofile") == ("openid", "email", "profile")
    assert split_scopes(" public_profile,email, user_birthday ") == (
        "public_profile",
        "email",
        "user_birthday",
    )
    assert split_scopes("") == ()

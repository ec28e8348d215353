"""Logins of every provider kind an identity pool takes, through boto3 against a server whose
configuration declares OIDC and SAML providers and points the social providers at a local
stand-in (tests/helpers/login_providers.py); SAML responses are minted by the fixture IdP."""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from joserfc.jwk import RSAKey

from cognitio.config import ConfigError, load_settings
from cognitio.crypto.envelope import Envelope
from cognitio.services.sts.credentials import CredentialAuthority, OpenedCredentials
from tests.conftest import client
from tests.helpers.errors import error_of
from tests.helpers.federated_browser import saml_metadata
from tests.helpers.login_providers import LoginProviders
from tests.helpers.saml_idp import (
    BILLION_LAUGHS,
    FixtureIdp,
    encode,
    key_pair,
    tamper_attribute,
    with_doctype,
)
from tests.server import ServerProcess

ACCOUNT = "123456789012"
MASTER_KEY = bytes(range(32))
ROLE = f"arn:aws:iam::{ACCOUNT}:role/"
SAML_ARN = f"arn:aws:iam::{ACCOUNT}:saml-provider/Corp"
OTHER_SAML_ARN = f"arn:aws:iam::{ACCOUNT}:saml-provider/Other"
AWS_SAML = "https://signin.aws.amazon.com/saml"
ROLE_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/Role"
OIDC_CLIENT = "oidc-app"
GOOGLE_APP = "123-abc.apps.googleusercontent.com"
APPLE_APP = "com.example.photos"
FACEBOOK_APP = "1234567890"
AMAZON_APP = "amzn1.application.0123456789abcdef"
AMAZON_CLIENT = "amzn1.application-oa2-client.0123456789abcdef"

NOT_SUPPORTED = (
    "NotAuthorizedException",
    "Token is not from a supported provider of this identity pool.",
)
ISSUER_MISMATCH = (
    "NotAuthorizedException",
    "Invalid login token. Issuer doesn't match providerName",
)
WRONG_AUDIENCE = ("NotAuthorizedException", "Invalid login token. Incorrect token audience.")
UNVERIFIED = ("NotAuthorizedException", "Invalid login token. Couldn't verify signed token.")
EXPIRED = ("NotAuthorizedException", "Invalid login token. Token expired.")
FB_REFUSED = (
    "NotAuthorizedException",
    "Invalid login token. The identity provider refused the access token.",
)
OTHER_APP = (
    "NotAuthorizedException",
    "Invalid login token. The access token was issued to another app.",
)
# The trust AWS asks of roles a SAML assertion names: the identity issuer, for sign-ins
# through the Corp provider.
SAML_TRUST = {
    "Version": "2012-10-17",
    "Statement": {
        "Effect": "Allow",
        "Principal": {"Federated": "cognito-identity.amazonaws.com"},
        "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
        "Condition": {"ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": SAML_ARN}},
    },
}
INVALID_CONFIGURATION = (
    "InvalidIdentityPoolConfigurationException",
    "Invalid identity pool configuration. Check assigned IAM roles for this pool.",
)


@pytest.fixture(scope="module")
def stand_in() -> Iterator[LoginProviders]:
    peer = LoginProviders().start()
    yield peer
    peer.stop()


@pytest.fixture(scope="module")
def corp() -> FixtureIdp:
    return FixtureIdp(key_pair("corp-idp"), AWS_SAML, AWS_SAML, entity_id="urn:example:idp")


@pytest.fixture(scope="module")
def other_idp() -> FixtureIdp:
    return FixtureIdp(key_pair("other-idp"), AWS_SAML, AWS_SAML, entity_id="urn:example:other")


def write_config(
    folder: Path,
    stand_in: LoginProviders,
    corp: FixtureIdp,
    other: FixtureIdp,
    *,
    insecure: bool = True,
) -> Path:
    (folder / "corp.xml").write_text(saml_metadata(certificate_pem=corp.keys.certificate_pem))
    (folder / "other.xml").write_text(
        saml_metadata(certificate_pem=other.keys.certificate_pem).replace(
            'entityID="urn:example:idp"', 'entityID="urn:example:other"'
        )
    )
    roles = ["Auth", "Guest", "Admins", "Untrusting"]
    issuer = stand_in.issuer if insecure else "https://127.0.0.1/oidc"
    lines = [
        f"federation_allow_insecure = {'true' if insecure else 'false'}",
        "[federation_endpoints]",
        *(
            f'{kind} = "{stand_in.url}"'
            for kind in ("Google", "SignInWithApple", "Facebook", "LoginWithAmazon")
        ),
        *(f'[[iam.roles]]\narn = "{ROLE}{name}"' for name in roles),
        *(
            f'[[iam.roles]]\narn = "{ROLE}{name}"\n'
            f"[iam.roles.trust_policy]\ndocument = '''{json.dumps(SAML_TRUST)}'''"
            for name in ("SamlAdmin", "SamlReader")
        ),
        f'[[iam.oidc_providers]]\nurl = "{issuer}"\nclient_ids = ["{OIDC_CLIENT}", "second-app"]',
        'thumbprints = ["' + "a" * 40 + '"]',
        '[[iam.saml_providers]]\nname = "Corp"\nmetadata_file = "corp.xml"',
        '[[iam.saml_providers]]\nname = "Other"\nmetadata_file = "other.xml"',
    ]
    path = folder / "cognitio.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def login_server(
    backend: str,
    make_server: Any,
    tmp_path_factory: pytest.TempPathFactory,
    stand_in: LoginProviders,
    corp: FixtureIdp,
    other_idp: FixtureIdp,
) -> ServerProcess:
    config = write_config(tmp_path_factory.mktemp("logins"), stand_in, corp, other_idp)
    key = base64.b64encode(MASTER_KEY).decode()
    process: ServerProcess = make_server(backend, extra_env={"COGNITIO_MASTER_KEY": key})
    process.start("--config", str(config))
    return process


def _open(answer: dict[str, Any]) -> OpenedCredentials:
    authority = CredentialAuthority.from_envelope(Envelope(MASTER_KEY), ["k1"])
    credentials = answer["Credentials"]
    return authority.open(
        credentials["AccessKeyId"], credentials["SessionToken"], now=datetime.now(UTC)
    )


class Pool:
    """An identity pool that lists every provider kind, with default roles."""

    def __init__(self, server: ServerProcess, stand_in: LoginProviders, **settings: Any) -> None:
        self.identity = client("cognito-identity", server.url)
        self.stand_in = stand_in
        self.oidc_key = stand_in.issuer.removeprefix("http://")
        self.oidc_arn = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{self.oidc_key}"
        options: dict[str, Any] = {
            "IdentityPoolName": "logins",
            "AllowUnauthenticatedIdentities": False,
            "SupportedLoginProviders": {
                "accounts.google.com": GOOGLE_APP,
                "appleid.apple.com": APPLE_APP,
                "graph.facebook.com": FACEBOOK_APP,
                "www.amazon.com": AMAZON_APP,
            },
            "OpenIdConnectProviderARNs": [self.oidc_arn],
            "SamlProviderARNs": [SAML_ARN],
            **settings,
        }
        self.pool_id = self.identity.create_identity_pool(**options)["IdentityPoolId"]
        self.set_roles()

    def set_roles(self, **mappings: Any) -> None:
        self.identity.set_identity_pool_roles(
            IdentityPoolId=self.pool_id,
            Roles={"authenticated": f"{ROLE}Auth", "unauthenticated": f"{ROLE}Guest"},
            **({"RoleMappings": mappings} if mappings else {}),
        )

    def tag_with_defaults(self, provider: str) -> None:
        """Turn attributes for access control on for ``provider`` with its default map."""
        self.identity.set_principal_tag_attribute_map(
            IdentityPoolId=self.pool_id, IdentityProviderName=provider, UseDefaults=True
        )

    def oidc_token(self, **claims: Any) -> str:
        body = {"iss": self.stand_in.issuer, "aud": OIDC_CLIENT, "sub": "alice", **claims}
        return self.stand_in.id_token(**body)

    def credentials(self, logins: dict[str, str], **extra: Any) -> dict[str, Any]:
        identity_id = self.identity.get_id(IdentityPoolId=self.pool_id, Logins=logins)["IdentityId"]
        answer: dict[str, Any] = self.identity.get_credentials_for_identity(
            IdentityId=identity_id, Logins=logins, **extra
        )
        return answer

    def refused(self, logins: dict[str, str], **extra: Any) -> tuple[str, str]:
        with pytest.raises(ClientError) as caught:
            self.credentials(logins, **extra)
        return error_of(caught)


@pytest.fixture
def pool(login_server: ServerProcess, stand_in: LoginProviders) -> Pool:
    return Pool(login_server, stand_in)


# -- OIDC providers of the [iam] table -------------------------------------------------------


def test_oidc_tokens_of_another_issuer_client_or_key_are_refused(pool: Pool) -> None:
    stand_in = pool.stand_in
    key = pool.oidc_key
    assert pool.refused({"login.unknown.example": pool.oidc_token()}) == NOT_SUPPORTED
    assert (
        pool.refused({key: pool.oidc_token(iss="https://login.other.example")}) == ISSUER_MISMATCH
    )
    assert pool.refused({key: pool.oidc_token(aud="someone-else")}) == WRONG_AUDIENCE
    # azp, when present, is what must be one of the provider's client ids.
    assert pool.refused({key: pool.oidc_token(azp="someone-else")}) == WRONG_AUDIENCE
    assert (
        pool.refused({key: stand_in.unsigned_token(iss=stand_in.issuer, aud=OIDC_CLIENT, sub="a")})
        == UNVERIFIED
    )
    assert (
        pool.refused({key: stand_in.hmac_token(iss=stand_in.issuer, aud=OIDC_CLIENT, sub="a")})
        == UNVERIFIED
    )
    stranger = RSAKey.generate_key(2048, parameters={"kid": "not-in-the-jwks"})
    assert pool.refused({key: pool.oidc_token(key=stranger)}) == UNVERIFIED
    kid = stand_in.key.kid
    assert kid is not None
    forged = RSAKey.generate_key(2048, parameters={"kid": kid})
    assert pool.refused({key: pool.oidc_token(key=forged)}) == UNVERIFIED
    assert pool.refused({key: "not-a-token"}) == UNVERIFIED
    assert pool.refused({key: pool.oidc_token(exp=int(time.time()) - 301)}) == EXPIRED
    assert pool.refused({key: pool.oidc_token(sub="")})[0] == "NotAuthorizedException"


def test_an_oidc_provider_the_pool_does_not_list_is_refused(
    login_server: ServerProcess, stand_in: LoginProviders
) -> None:
    unlisted = Pool(login_server, stand_in, OpenIdConnectProviderARNs=[])
    assert unlisted.refused({unlisted.oidc_key: unlisted.oidc_token()}) == NOT_SUPPORTED


def test_an_oidc_token_gets_the_authenticated_role_its_amr_and_tags(pool: Pool) -> None:
    key = pool.oidc_key
    pool.tag_with_defaults(key)
    answer = pool.credentials({key: pool.oidc_token()})
    opened = _open(answer)
    assert opened.claims.role_arn == f"{ROLE}Auth"
    assert opened.claims.amr == ("authenticated", key, f"{key}:alice")
    assert opened.claims.principal_tags == {"username": "alice", "client": OIDC_CLIENT}
    # Within the five minutes of skew; another client id of the provider; azp naming it.
    late = pool.oidc_token(exp=int(time.time()) - 200)
    assert pool.credentials({key: late})["IdentityId"] == answer["IdentityId"]
    second = pool.oidc_token(aud=["second-app", "x"], azp="second-app")
    assert pool.credentials({key: second})["IdentityId"] == answer["IdentityId"]


def test_an_oidc_role_mapping_picks_a_role_by_a_claim(pool: Pool) -> None:
    rule = {
        "Claim": "groups",
        "MatchType": "Contains",
        "Value": "admin",
        "RoleARN": f"{ROLE}Admins",
    }
    pool.set_roles(
        **{
            pool.oidc_key: {
                "Type": "Rules",
                "AmbiguousRoleResolution": "Deny",
                "RulesConfiguration": {"Rules": [rule]},
            }
        }
    )
    admin = pool.oidc_token(sub="root", groups=["staff", "site-admins"])
    assert _open(pool.credentials({pool.oidc_key: admin})).claims.role_arn == f"{ROLE}Admins"
    assert pool.refused({pool.oidc_key: pool.oidc_token(groups=["staff"])}) == (
        "NotAuthorizedException",
        "The ambiguous role mapping rules denied this request",
    )


# -- Google and Apple ------------------------------------------------------------------------


def test_google_and_apple_id_tokens_are_checked_for_the_app(pool: Pool) -> None:
    stand_in = pool.stand_in
    google = stand_in.id_token(iss="https://accounts.google.com", aud=GOOGLE_APP, sub="g-1")
    opened = _open(pool.credentials({"accounts.google.com": google}))
    assert opened.claims.amr == ("authenticated", "accounts.google.com", "accounts.google.com:g-1")
    bare = stand_in.id_token(iss="accounts.google.com", aud=GOOGLE_APP, sub="g-2")
    pool.credentials({"accounts.google.com": bare})
    apple = stand_in.id_token(iss="https://appleid.apple.com", aud=APPLE_APP, sub="a-1")
    assert _open(pool.credentials({"appleid.apple.com": apple})).claims.role_arn == f"{ROLE}Auth"
    other_app = stand_in.id_token(iss="https://accounts.google.com", aud="other-app", sub="g-1")
    assert pool.refused({"accounts.google.com": other_app}) == WRONG_AUDIENCE
    assert pool.refused({"accounts.google.com": apple}) == ISSUER_MISMATCH
    assert pool.refused({"appleid.apple.com": google}) == ISSUER_MISMATCH
    none = stand_in.unsigned_token(iss="https://accounts.google.com", aud=GOOGLE_APP, sub="g")
    assert pool.refused({"accounts.google.com": none}) == UNVERIFIED


def test_a_social_role_mapping_picks_a_role_by_a_claim(pool: Pool) -> None:
    rule = {
        "Claim": "email",
        "MatchType": "Equals",
        "Value": "boss@example.com",
        "RoleARN": f"{ROLE}Admins",
    }
    pool.set_roles(
        **{
            "accounts.google.com": {
                "Type": "Rules",
                "AmbiguousRoleResolution": "AuthenticatedRole",
                "RulesConfiguration": {"Rules": [rule]},
            }
        }
    )
    stand_in = pool.stand_in
    boss = stand_in.id_token(
        iss="https://accounts.google.com", aud=GOOGLE_APP, sub="b", email="boss@example.com"
    )
    staff = stand_in.id_token(
        iss="https://accounts.google.com", aud=GOOGLE_APP, sub="s", email="s@example.com"
    )
    assert _open(pool.credentials({"accounts.google.com": boss})).claims.role_arn == f"{ROLE}Admins"
    assert _open(pool.credentials({"accounts.google.com": staff})).claims.role_arn == f"{ROLE}Auth"


# -- Facebook and Login with Amazon ----------------------------------------------------------


def test_facebook_tokens_are_checked_with_the_graph_api(pool: Pool) -> None:
    stand_in = pool.stand_in
    token = stand_in.facebook_token("fb-42", FACEBOOK_APP)
    pool.tag_with_defaults("graph.facebook.com")
    opened = _open(pool.credentials({"graph.facebook.com": token}))
    assert opened.claims.amr == ("authenticated", "graph.facebook.com", "graph.facebook.com:fb-42")
    assert opened.claims.principal_tags == {"username": "fb-42", "client": FACEBOOK_APP}
    other_app = stand_in.facebook_token("fb-42", "999999")
    assert pool.refused({"graph.facebook.com": other_app}) == OTHER_APP
    assert pool.refused({"graph.facebook.com": "EAAunknown"}) == FB_REFUSED
    assert pool.refused({"graph.facebook.com": "a token\nwith: a header"}) == FB_REFUSED


def test_amazon_tokens_are_checked_with_tokeninfo(pool: Pool) -> None:
    stand_in = pool.stand_in
    token = stand_in.amazon_token("amzn1.account.ALICE", AMAZON_CLIENT, AMAZON_APP)
    pool.tag_with_defaults("www.amazon.com")
    opened = _open(pool.credentials({"www.amazon.com": token}))
    assert opened.claims.amr[2] == "www.amazon.com:amzn1.account.ALICE"
    assert opened.claims.principal_tags == {
        "username": "amzn1.account.ALICE",
        "client": AMAZON_APP,
    }
    other = stand_in.amazon_token("amzn1.account.BOB", "other-client", "amzn1.application.other")
    assert pool.refused({"www.amazon.com": other}) == OTHER_APP
    assert pool.refused({"www.amazon.com": "Atza|unknown"}) == FB_REFUSED
    # The provider failing is not the token's fault.
    code, message = pool.refused({"www.amazon.com": "Atza|fail"})
    assert code == "ExternalServiceException" and message.startswith("www.amazon.com: ")


def test_several_providers_sign_in_to_one_identity(pool: Pool) -> None:
    stand_in = pool.stand_in
    google = stand_in.id_token(iss="https://accounts.google.com", aud=GOOGLE_APP, sub="both")
    facebook = stand_in.facebook_token("fb-both", FACEBOOK_APP)
    first = pool.credentials({"accounts.google.com": google})["IdentityId"]
    both = {"accounts.google.com": google, "graph.facebook.com": facebook}
    assert pool.credentials(both)["IdentityId"] == first
    # Facebook alone now finds the same identity.
    again = stand_in.facebook_token("fb-both", FACEBOOK_APP)
    assert pool.credentials({"graph.facebook.com": again})["IdentityId"] == first


# -- SAML providers of the [iam] table -------------------------------------------------------


def _saml(idp: FixtureIdp, roles: list[str] | None = None, **options: Any) -> str:
    attributes = {"email": ["alice@example.com"], "department": ["finance"]}
    if roles is not None:
        attributes[ROLE_ATTRIBUTE] = roles
    idp.attributes = attributes
    return encode(idp.response(**options))


def test_a_saml_response_gets_the_role_its_assertion_names(pool: Pool, corp: FixtureIdp) -> None:
    response = _saml(corp, [f"{ROLE}SamlAdmin,{SAML_ARN}"])
    pool.tag_with_defaults(SAML_ARN)
    opened = _open(pool.credentials({SAML_ARN: response}))
    assert opened.claims.role_arn == f"{ROLE}SamlAdmin"
    assert opened.claims.amr == ("authenticated", SAML_ARN, f"{SAML_ARN}:alice")
    assert opened.claims.principal_tags == {"username": "alice"}
    # Either order of the pair; without a Role attribute, the pool's authenticated role.
    reversed_pair = _saml(corp, [f"{SAML_ARN},{ROLE}SamlReader"])
    assert _open(pool.credentials({SAML_ARN: reversed_pair})).claims.role_arn == f"{ROLE}SamlReader"
    assert _open(pool.credentials({SAML_ARN: _saml(corp)})).claims.role_arn == f"{ROLE}Auth"


def test_custom_role_arn_chooses_among_the_assertion_roles(pool: Pool, corp: FixtureIdp) -> None:
    both = [f"{ROLE}SamlAdmin,{SAML_ARN}", f"{ROLE}SamlReader,{SAML_ARN}"]
    chosen = pool.credentials({SAML_ARN: _saml(corp, both)}, CustomRoleArn=f"{ROLE}SamlReader")
    assert _open(chosen).claims.role_arn == f"{ROLE}SamlReader"
    assert pool.refused({SAML_ARN: _saml(corp, both)})[0] == "NotAuthorizedException"
    refused = pool.refused({SAML_ARN: _saml(corp, both)}, CustomRoleArn=f"{ROLE}Admins")
    assert refused == (
        "NotAuthorizedException",
        "The CustomRoleArn is not among the roles this login may assume.",
    )


def test_saml_responses_that_are_forged_misaddressed_or_stale_are_refused(
    pool: Pool, corp: FixtureIdp, other_idp: FixtureIdp
) -> None:
    tampered = corp.response()
    tamper_attribute(tampered)
    code, message = pool.refused({SAML_ARN: encode(tampered)})
    assert code == "NotAuthorizedException" and "signature" in message
    code, message = pool.refused({SAML_ARN: _saml(corp, audience="urn:amazon:cognito:sp:x")})
    assert code == "NotAuthorizedException" and "Audience" in message
    code, message = pool.refused({SAML_ARN: _saml(corp, recipient="https://evil.example/acs")})
    assert code == "NotAuthorizedException" and "Recipient" in message
    old = datetime.now(UTC) - timedelta(minutes=20)
    code, message = pool.refused({SAML_ARN: _saml(corp, issue_instant=old, now=old)})
    assert code == "NotAuthorizedException" and "expired" in message
    # Signed by another IdP (declared, but not as this provider), or by a key no one declared.
    code, message = pool.refused({SAML_ARN: _saml(other_idp)})
    assert code == "NotAuthorizedException" and "signature" in message
    stranger = key_pair("stranger")
    code, _ = pool.refused({SAML_ARN: _saml(corp, signing_keys=stranger)})
    assert code == "NotAuthorizedException"
    assert pool.refused({SAML_ARN: "bm90IHhtbA=="})[0] == "NotAuthorizedException"
    assert pool.refused({SAML_ARN: "%%% not base64"})[0] == "NotAuthorizedException"
    bomb = encode(with_doctype(corp.response(), BILLION_LAUGHS))
    assert pool.refused({SAML_ARN: bomb})[0] == "NotAuthorizedException"
    assert pool.refused({OTHER_SAML_ARN: _saml(other_idp)}) == NOT_SUPPORTED


def test_a_saml_assertion_is_spent_by_the_credentials_it_gets(pool: Pool, corp: FixtureIdp) -> None:
    response = _saml(corp)
    logins = {SAML_ARN: response}
    identity_id = pool.identity.get_id(IdentityPoolId=pool.pool_id, Logins=logins)["IdentityId"]
    assert (
        pool.identity.get_id(IdentityPoolId=pool.pool_id, Logins=logins)["IdentityId"]
        == identity_id
    )
    pool.identity.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)
    with pytest.raises(ClientError) as caught:
        pool.identity.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)
    assert error_of(caught) == (
        "NotAuthorizedException",
        "Invalid login token. The SAML assertion has already been used.",
    )


def test_a_role_attribute_naming_another_provider_or_an_undeclared_role_is_refused(
    pool: Pool, corp: FixtureIdp
) -> None:
    elsewhere = _saml(corp, [f"{ROLE}SamlAdmin,{OTHER_SAML_ARN}"])
    code, message = pool.refused({SAML_ARN: elsewhere})
    assert code == "NotAuthorizedException" and "Role attribute" in message
    undeclared = _saml(corp, [f"{ROLE}Nobody,{SAML_ARN}"])
    assert pool.refused({SAML_ARN: undeclared}) == INVALID_CONFIGURATION
    # A declared role without a trust policy that this pool does not name: the IdP cannot
    # hand it out; once the pool names it, it can.
    unnamed = _saml(corp, [f"{ROLE}Untrusting,{SAML_ARN}"])
    assert pool.refused({SAML_ARN: unnamed}) == INVALID_CONFIGURATION
    pool.identity.set_identity_pool_roles(
        IdentityPoolId=pool.pool_id,
        Roles={"authenticated": f"{ROLE}Untrusting", "unauthenticated": f"{ROLE}Guest"},
    )
    named = _saml(corp, [f"{ROLE}Untrusting,{SAML_ARN}"])
    assert _open(pool.credentials({SAML_ARN: named})).claims.role_arn == f"{ROLE}Untrusting"


def test_saml_role_mapping_rules_read_the_assertion_attributes(
    pool: Pool, corp: FixtureIdp
) -> None:
    rule = {
        "Claim": "department",
        "MatchType": "Equals",
        "Value": "finance",
        "RoleARN": f"{ROLE}Admins",
    }
    pool.set_roles(
        **{
            SAML_ARN: {
                "Type": "Rules",
                "AmbiguousRoleResolution": "Deny",
                "RulesConfiguration": {"Rules": [rule]},
            }
        }
    )
    assert _open(pool.credentials({SAML_ARN: _saml(corp)})).claims.role_arn == f"{ROLE}Admins"


# -- the endpoints a server may call ---------------------------------------------------------


@pytest.fixture(scope="module")
def strict_server(
    backend: str,
    make_server: Any,
    tmp_path_factory: pytest.TempPathFactory,
    stand_in: LoginProviders,
    corp: FixtureIdp,
    other_idp: FixtureIdp,
) -> ServerProcess:
    """A server that does not allow loopback or http identity providers."""
    folder = tmp_path_factory.mktemp("strict")
    config = write_config(folder, stand_in, corp, other_idp, insecure=False)
    process: ServerProcess = make_server(backend)
    process.start("--config", str(config))
    return process


def test_providers_on_loopback_are_not_called_unless_allowed(
    strict_server: ServerProcess, stand_in: LoginProviders
) -> None:
    identity = client("cognito-identity", strict_server.url)
    pool_id = identity.create_identity_pool(
        IdentityPoolName="strict",
        AllowUnauthenticatedIdentities=False,
        SupportedLoginProviders={
            "accounts.google.com": GOOGLE_APP,
            "graph.facebook.com": FACEBOOK_APP,
        },
        OpenIdConnectProviderARNs=[f"arn:aws:iam::{ACCOUNT}:oidc-provider/127.0.0.1/oidc"],
    )["IdentityPoolId"]
    before = len(stand_in.requests)
    google = stand_in.id_token(iss="https://accounts.google.com", aud=GOOGLE_APP, sub="g")
    oidc = stand_in.id_token(iss="https://127.0.0.1/oidc", aud=OIDC_CLIENT, sub="o")
    facebook = stand_in.facebook_token("fb", FACEBOOK_APP)
    for logins in (
        {"accounts.google.com": google},
        {"127.0.0.1/oidc": oidc},
        {"graph.facebook.com": facebook},
    ):
        with pytest.raises(ClientError) as caught:
            identity.get_id(IdentityPoolId=pool_id, Logins=logins)
        assert error_of(caught)[0] == "ExternalServiceException"
    assert len(stand_in.requests) == before


def test_a_configuration_with_a_bad_provider_stops_the_start(tmp_path: Path) -> None:
    oidc = '[[iam.oidc_providers]]\nurl = "https://login.example.com"\nclient_ids = ["a"]\n'
    saml = '[[iam.saml_providers]]\nname = "Corp"\n'
    cases = [
        (oidc.replace("https:", "http:"), "url must be an https URL"),
        (oidc.replace('["a"]', "[]"), "client_ids must be 1 to 100"),
        (oidc + 'thumbprints = ["zz"]', "thumbprints must be"),
        (oidc + "key = 1", "unknown key 'key'"),
        (saml, "needs exactly one of metadata and metadata_file"),
        (saml + 'metadata = "<x/>"', "Invalid SAML metadata"),
        (saml + 'metadata_file = "missing.xml"', "metadata_file not found"),
        (saml.replace("Corp", "a/b") + 'metadata = "<x/>"', "name must be"),
    ]
    for toml, message in cases:
        path = tmp_path / f"{uuid.uuid4().hex}.toml"
        path.write_text(toml + "\n")
        with pytest.raises(ConfigError) as caught:
            load_settings({"config_file": str(path)}, environ={})
        assert message in str(caught.value), (toml, str(caught.value))
    twice = '[[iam.saml_providers]]\nname = "Corp"\nmetadata = """{0}"""\n' * 2
    path = tmp_path / "twice.toml"
    path.write_text(twice.format(saml_metadata()))
    with pytest.raises(ConfigError, match="declared twice"):
        load_settings({"config_file": str(path)}, environ={})

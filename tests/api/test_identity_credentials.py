"""GetId and GetCredentialsForIdentity (enhanced flow) through boto3, against a server whose
configuration declares the roles; the credentials are opened and used to sign a request."""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials
from botocore.exceptions import ClientError

from cognitio.authz.verifier import Verifier
from cognitio.config import load_settings
from cognitio.crypto import jwt
from cognitio.crypto.envelope import Envelope
from cognitio.services.sts.credentials import CredentialAuthority, OpenedCredentials
from cognitio.store.db import Database
from cognitio.store.records import SigningKeyRecord
from cognitio.store.sql import SqlStore
from tests.conftest import client
from tests.helpers.errors import error_of
from tests.helpers.pools import make_user, setup_pool, sign_in
from tests.server import REGION, ServerProcess

ACCOUNT = "123456789012"
MASTER_KEY = bytes(range(32))
ROLE = f"arn:aws:iam::{ACCOUNT}:role/"
TRUST_GUESTS_ONLY = {
    "Version": "2012-10-17",
    "Statement": {
        "Effect": "Allow",
        "Principal": {"Federated": "cognito-identity.amazonaws.com"},
        "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
        "Condition": {
            "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "unauthenticated"}
        },
    },
}
# AWS's own example trust policy for signed-in users: no sts:TagSession.
TRUST_WITHOUT_TAGS = {
    "Version": "2012-10-17",
    "Statement": {
        "Effect": "Allow",
        "Principal": {"Federated": "cognito-identity.amazonaws.com"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {
            "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}
        },
    },
}
NOT_SUPPORTED = "Token is not from a supported provider of this identity pool."
LOGINS_DONT_MATCH = (
    "Logins don't match. Please include at least one valid login for this identity or "
    "identity pool."
)
INVALID_CONFIGURATION = (
    "Invalid identity pool configuration. Check assigned IAM roles for this pool."
)


def _config(folder: Path) -> Path:
    roles = ["Guest", "Auth", "Admins", "Editors", "Readers"]
    lines = [f'[[iam.roles]]\narn = "{ROLE}{name}"\n' for name in roles]
    lines.append(
        f'[[iam.roles]]\narn = "{ROLE}GuestsOnly"\n[iam.roles.trust_policy]\n'
        f"document = '''{json.dumps(TRUST_GUESTS_ONLY)}'''\n"
    )
    lines.append(
        f'[[iam.roles]]\narn = "{ROLE}NoTags"\n[iam.roles.trust_policy]\n'
        f"document = '''{json.dumps(TRUST_WITHOUT_TAGS)}'''\n"
    )
    path = folder / "cognitio.toml"
    path.write_text("\n".join(lines))
    return path


@pytest.fixture(scope="module")
def roles_server(
    backend: str, make_server: Any, tmp_path_factory: pytest.TempPathFactory
) -> ServerProcess:
    config = _config(tmp_path_factory.mktemp("iam"))
    key = base64.b64encode(MASTER_KEY).decode()
    process: ServerProcess = make_server(backend, extra_env={"COGNITIO_MASTER_KEY": key})
    process.start("--config", str(config))
    return process


@pytest.fixture
def idp(roles_server: ServerProcess) -> Any:
    return client("cognito-idp", roles_server.url)


@pytest.fixture
def identity(roles_server: ServerProcess) -> Any:
    return client("cognito-identity", roles_server.url)


def _open(answer: dict[str, Any]) -> OpenedCredentials:
    authority = CredentialAuthority.from_envelope(Envelope(MASTER_KEY), ["k1"])
    credentials = answer["Credentials"]
    return authority.open(
        credentials["AccessKeyId"], credentials["SessionToken"], now=datetime.now(UTC)
    )


class World:
    """A user pool with a user, an identity pool that accepts its app client, and roles."""

    def __init__(self, idp: Any, identity: Any, server: ServerProcess, **pool: Any) -> None:
        self.idp, self.identity, self.server = idp, identity, server
        self.user_pool, self.client_id = setup_pool(idp)
        self.name = f"user-{uuid.uuid4().hex[:8]}"
        make_user(idp, self.user_pool, self.name)
        self.key = f"cognito-idp.{REGION}.amazonaws.com/{self.user_pool}"
        options: dict[str, Any] = {
            "IdentityPoolName": "photos",
            "AllowUnauthenticatedIdentities": True,
            "CognitoIdentityProviders": [
                {
                    "ProviderName": self.key,
                    "ClientId": self.client_id,
                    "ServerSideTokenCheck": pool.pop("server_side_token_check", False),
                }
            ],
            **pool,
        }
        self.pool_id = identity.create_identity_pool(**options)["IdentityPoolId"]
        self.set_roles()

    def set_roles(self, **changes: Any) -> None:
        roles = {"authenticated": f"{ROLE}Auth", "unauthenticated": f"{ROLE}Guest"}
        self.identity.set_identity_pool_roles(
            IdentityPoolId=self.pool_id, Roles=changes.pop("Roles", roles), **changes
        )

    def tokens(self) -> dict[str, Any]:
        return sign_in(self.idp, self.client_id, self.name)

    def get_id(self, logins: dict[str, str] | None = None) -> str:
        options = {"Logins": logins} if logins else {}
        return str(self.identity.get_id(IdentityPoolId=self.pool_id, **options)["IdentityId"])

    def credentials(
        self, identity_id: str, logins: dict[str, str] | None = None, **extra: Any
    ) -> Any:
        options = {"Logins": logins} if logins else {}
        return self.identity.get_credentials_for_identity(
            IdentityId=identity_id, **options, **extra
        )

    def signed_in(self, **extra: Any) -> Any:
        logins = {self.key: self.tokens()["IdToken"]}
        return self.credentials(self.get_id(logins), logins, **extra)


@pytest.fixture
def world(idp: Any, identity: Any, roles_server: ServerProcess) -> World:
    return World(idp, identity, roles_server)


def test_guests_get_a_new_identity_each_time_and_the_unauthenticated_role(world: World) -> None:
    first, second = world.get_id(), world.get_id()
    assert first != second and first.startswith(f"{REGION}:")
    answer = world.credentials(first)
    assert answer["IdentityId"] == first
    credentials = answer["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA") and len(credentials["SecretKey"]) == 40
    lifetime = credentials["Expiration"].timestamp() - time.time()
    assert 3500 < lifetime <= 3600
    opened = _open(answer)
    assert opened.secret_key == credentials["SecretKey"]
    assert opened.claims.role_arn == f"{ROLE}Guest"
    assert opened.claims.amr == ("unauthenticated",)
    assert opened.claims.identity_id == first
    assert opened.claims.identity_pool_id == world.pool_id
    assert opened.claims.session_name == "CognitoIdentityCredentials"


def test_the_credentials_sign_requests_the_verifier_accepts(world: World) -> None:
    answer = world.credentials(world.get_id())
    credentials = answer["Credentials"]
    boto = BotoCredentials(
        credentials["AccessKeyId"], credentials["SecretKey"], credentials["SessionToken"]
    )
    body = b'{"name": "a"}'
    request = AWSRequest(method="POST", url="https://api.example.com/prod/items", data=body)
    SigV4Auth(boto, "execute-api", REGION).add_auth(request)
    headers = {name: str(value) for name, value in request.headers.items()}
    headers.setdefault("host", "api.example.com")
    authority = CredentialAuthority.from_envelope(Envelope(MASTER_KEY), ["k1"])
    verifier = Verifier(authority, regions={REGION}, services={"execute-api"})
    principal = verifier.verify("POST", request.url, headers, body)
    assert principal.claims.identity_id == answer["IdentityId"]


def test_without_guests_getid_and_credentials_without_logins_are_refused(
    world: World,
) -> None:
    guest = world.get_id()
    world.identity.update_identity_pool(
        IdentityPoolId=world.pool_id,
        IdentityPoolName="photos",
        AllowUnauthenticatedIdentities=False,
        CognitoIdentityProviders=[{"ProviderName": world.key, "ClientId": world.client_id}],
    )
    off = "Unauthenticated access is not supported for this identity pool."
    with pytest.raises(ClientError) as caught:
        world.get_id()
    assert error_of(caught) == ("NotAuthorizedException", off)
    with pytest.raises(ClientError) as caught:
        world.credentials(guest)
    assert error_of(caught) == ("NotAuthorizedException", off)


def test_a_user_keeps_one_identity_under_either_logins_key(world: World) -> None:
    id_token = world.tokens()["IdToken"]
    issuer = jwt_claims(id_token)["iss"]
    issuer_key = issuer.split("://", 1)[1]
    assert issuer_key != world.key
    first = world.get_id({world.key: id_token})
    assert world.get_id({issuer_key: id_token}) == first
    assert world.get_id({world.key: world.tokens()["IdToken"]}) == first
    answer = world.credentials(first, {issuer_key: id_token})
    claims = _open(answer).claims
    sub = jwt_claims(id_token)["sub"]
    assert claims.role_arn == f"{ROLE}Auth"
    assert claims.amr == ("authenticated", world.key, f"{world.key}:CognitoSignIn:{sub}")
    assert claims.principal_tags == {}  # attributes for access control are off until set
    described = world.identity.describe_identity(IdentityId=first)
    assert described["Logins"] == [world.key]


def test_a_guest_who_signs_in_keeps_the_identity_and_then_needs_the_login(
    world: World,
) -> None:
    guest = world.get_id()
    logins = {world.key: world.tokens()["IdToken"]}
    assert _open(world.credentials(guest, logins)).claims.role_arn == f"{ROLE}Auth"
    assert world.get_id(logins) == guest
    with pytest.raises(ClientError) as caught:
        world.credentials(guest)
    assert error_of(caught) == ("NotAuthorizedException", LOGINS_DONT_MATCH)


def test_a_guest_token_from_before_sign_in_gets_no_guest_credentials_after(world: World) -> None:
    guest = world.get_id()
    token = world.identity.get_open_id_token(IdentityId=guest)["Token"]
    world.credentials(guest, {world.key: world.tokens()["IdToken"]})
    with pytest.raises(ClientError) as caught:
        world.credentials(guest, {"cognito-identity.amazonaws.com": token})
    assert error_of(caught) == ("NotAuthorizedException", LOGINS_DONT_MATCH)


def test_a_guest_shown_the_login_of_a_user_with_an_identity_gets_that_identity(
    world: World,
) -> None:
    """A user signing in on a second device, where the app first had guest credentials:
    the answer names the user's identity, which Amplify v6 then keeps; the guest identity is
    merged into it and answers no more."""
    logins = {world.key: world.tokens()["IdToken"]}
    owner = world.get_id(logins)
    guest = world.get_id()
    answer = world.credentials(guest, logins)
    assert answer["IdentityId"] == owner
    claims = _open(answer).claims
    assert (claims.identity_id, claims.role_arn) == (owner, f"{ROLE}Auth")
    assert world.identity.describe_identity(IdentityId=guest).get("Logins", []) == []
    assert world.identity.describe_identity(IdentityId=owner)["Logins"] == [world.key]
    with pytest.raises(ClientError) as caught:
        world.credentials(guest)
    assert error_of(caught) == (
        "NotAuthorizedException",
        f"Access to identity '{guest}' is forbidden.",
    )


def test_a_signed_in_identity_shown_another_users_login_stays_refused(world: World) -> None:
    """Only a guest identity is switched: an identity with logins of its own is not."""
    first = world.get_id({world.key: world.tokens()["IdToken"]})
    other = f"other-{uuid.uuid4().hex[:8]}"
    make_user(world.idp, world.user_pool, other)
    other_logins = {world.key: sign_in(world.idp, world.client_id, other)["IdToken"]}
    world.get_id(other_logins)
    with pytest.raises(ClientError) as caught:
        world.credentials(first, other_logins)
    assert error_of(caught) == ("NotAuthorizedException", LOGINS_DONT_MATCH)


def test_another_users_login_does_not_open_an_identity(world: World) -> None:
    owner = world.get_id({world.key: world.tokens()["IdToken"]})
    other = f"other-{uuid.uuid4().hex[:8]}"
    make_user(world.idp, world.user_pool, other)
    with pytest.raises(ClientError) as caught:
        world.credentials(owner, {world.key: sign_in(world.idp, world.client_id, other)["IdToken"]})
    assert error_of(caught) == ("NotAuthorizedException", LOGINS_DONT_MATCH)


def jwt_claims(token: str) -> dict[str, Any]:
    body = token.split(".")[1]
    parsed: dict[str, Any] = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    return parsed


def _refused(world: World, logins: dict[str, str]) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        world.get_id(logins)
    return error_of(caught)


def test_tokens_the_pool_does_not_accept_are_refused(world: World) -> None:
    tokens = world.tokens()
    assert _refused(world, {world.key: tokens["AccessToken"]}) == (
        "NotAuthorizedException",
        "Invalid login token. Missing a required claim: aud",
    )
    other_client = world.idp.create_user_pool_client(
        UserPoolId=world.user_pool,
        ClientName="other",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
    )["UserPoolClient"]["ClientId"]
    other_token = sign_in(world.idp, other_client, world.name)["IdToken"]
    assert _refused(world, {world.key: other_token}) == ("NotAuthorizedException", NOT_SUPPORTED)
    other_pool, other_pool_client = setup_pool(world.idp)
    make_user(world.idp, other_pool, world.name)
    foreign = sign_in(world.idp, other_pool_client, world.name)["IdToken"]
    assert _refused(world, {world.key: foreign}) == (
        "NotAuthorizedException",
        "Invalid login token. Issuer doesn't match providerName",
    )
    foreign_key = f"cognito-idp.{REGION}.amazonaws.com/{other_pool}"
    assert _refused(world, {foreign_key: foreign}) == ("NotAuthorizedException", NOT_SUPPORTED)
    head, _, signature = tokens["IdToken"].split(".")
    forged_claims = {**jwt_claims(tokens["IdToken"]), "sub": str(uuid.uuid4())}
    forged_body = base64.urlsafe_b64encode(json.dumps(forged_claims).encode()).rstrip(b"=")
    forged = f"{head}.{forged_body.decode()}.{signature}"
    unverified = ("NotAuthorizedException", "Invalid login token. Couldn't verify signed token.")
    assert _refused(world, {world.key: forged}) == unverified
    assert _refused(world, {world.key: "not-a-token"}) == unverified
    # A provider the pool does not list, whatever the token.
    for key in ("accounts.google.com", "graph.facebook.com", "login.example.com"):
        assert _refused(world, {key: tokens["IdToken"]}) == (
            "NotAuthorizedException",
            NOT_SUPPORTED,
        )
    saml = f"arn:aws:iam::{ACCOUNT}:saml-provider/Corp"
    assert _refused(world, {saml: "PHNhbWw+"}) == ("NotAuthorizedException", NOT_SUPPORTED)


def pool_signing_key(server: ServerProcess, kid: str) -> jwt.SigningKey:
    """The user pool's signing key ``kid``, read from the server's store (either backend)."""

    async def run() -> SigningKeyRecord | None:
        overrides: dict[str, object] = {"data_dir": str(server.data_dir), "port": server.port}
        if server.database_url:
            overrides["database_url"] = server.database_url
        database = Database(load_settings(overrides, environ={}).database_dsn)
        await database.open()
        try:
            async with SqlStore(database).read() as tx:
                return await tx.signing_keys.get(kid)
        finally:
            await database.dispose()

    record = asyncio.run(run())
    assert record is not None
    pem = Envelope(MASTER_KEY).open(record.private_sealed, f"signing-key:{kid}")
    return jwt.SigningKey(kid=kid, private_pem=pem, created_ms=record.created_ms)


def test_an_expired_id_token_is_refused(world: World) -> None:
    claims = jwt_claims(world.tokens()["IdToken"])
    kid = json.loads(base64.urlsafe_b64decode(world.tokens()["IdToken"].split(".")[0] + "=="))[
        "kid"
    ]
    key = pool_signing_key(world.server, kid)
    now = int(time.time())
    expired = jwt.sign(key, {**claims, "iat": now - 7200, "exp": now - 3600})
    assert _refused(world, {world.key: expired}) == (
        "NotAuthorizedException",
        "Invalid login token. Token expired.",
    )
    assert world.get_id({world.key: jwt.sign(key, {**claims, "exp": now + 600})})


def test_server_side_token_check_refuses_tokens_after_global_sign_out(
    idp: Any, identity: Any, roles_server: ServerProcess
) -> None:
    world = World(idp, identity, roles_server, server_side_token_check=True)
    tokens = world.tokens()
    logins = {world.key: tokens["IdToken"]}
    identity_id = world.get_id(logins)
    world.idp.global_sign_out(AccessToken=tokens["AccessToken"])
    with pytest.raises(ClientError) as caught:
        world.credentials(identity_id, logins)
    code, message = error_of(caught)
    assert code == "NotAuthorizedException" and message.startswith("Invalid login token.")
    assert world.credentials(identity_id, {world.key: world.tokens()["IdToken"]})


def test_an_openid_token_from_before_a_server_side_sign_out_buys_no_credentials(
    idp: Any, identity: Any, roles_server: ServerProcess
) -> None:
    world = World(idp, identity, roles_server, server_side_token_check=True)
    tokens = world.tokens()
    logins = {world.key: tokens["IdToken"]}
    identity_id = world.get_id(logins)
    token = world.identity.get_open_id_token(IdentityId=identity_id, Logins=logins)["Token"]
    world.idp.global_sign_out(AccessToken=tokens["AccessToken"])
    with pytest.raises(ClientError) as caught:
        world.credentials(identity_id, {"cognito-identity.amazonaws.com": token})
    assert error_of(caught) == ("NotAuthorizedException", "Invalid login token. Token revoked.")


def _group(world: World, name: str, role: str, precedence: int) -> None:
    world.idp.create_group(
        UserPoolId=world.user_pool, GroupName=name, RoleArn=f"{ROLE}{role}", Precedence=precedence
    )
    world.idp.admin_add_user_to_group(
        UserPoolId=world.user_pool, Username=world.name, GroupName=name
    )


def _token_mapping(world: World, ambiguous: str) -> None:
    world.set_roles(
        RoleMappings={
            f"{world.key}:{world.client_id}": {
                "Type": "Token",
                "AmbiguousRoleResolution": ambiguous,
            }
        }
    )


def _role_of(world: World, **extra: Any) -> str:
    return _open(world.signed_in(**extra)).claims.role_arn


def test_token_mapping_takes_the_preferred_role_or_a_custom_one_among_the_groups(
    world: World,
) -> None:
    _token_mapping(world, "Deny")
    _group(world, "admins", "Admins", 1)
    _group(world, "editors", "Editors", 2)
    assert _role_of(world) == f"{ROLE}Admins"
    assert _role_of(world, CustomRoleArn=f"{ROLE}Editors") == f"{ROLE}Editors"
    with pytest.raises(ClientError) as caught:
        world.signed_in(CustomRoleArn=f"{ROLE}Readers")
    assert error_of(caught)[0] == "NotAuthorizedException"


def test_token_mapping_without_a_preferred_role_follows_the_ambiguity_setting(
    world: World,
) -> None:
    _token_mapping(world, "AuthenticatedRole")
    _group(world, "admins", "Admins", 1)
    _group(world, "editors", "Editors", 1)  # a tie: no preferred role
    assert _role_of(world) == f"{ROLE}Auth"
    _token_mapping(world, "Deny")
    with pytest.raises(ClientError) as caught:
        world.signed_in()
    assert error_of(caught) == (
        "NotAuthorizedException",
        "The ambiguous role mapping rules denied this request",
    )


def _rules(world: World, rules: list[tuple[str, str, str, str]], ambiguous: str = "Deny") -> None:
    world.set_roles(
        RoleMappings={
            f"{world.key}:{world.client_id}": {
                "Type": "Rules",
                "AmbiguousRoleResolution": ambiguous,
                "RulesConfiguration": {
                    "Rules": [
                        {"Claim": c, "MatchType": m, "Value": v, "RoleARN": f"{ROLE}{r}"}
                        for c, m, v, r in rules
                    ]
                },
            }
        }
    )


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (("cognito:username", "Equals", "{name}", "Admins"), "Admins"),
        (("cognito:username", "StartsWith", "user-", "Editors"), "Editors"),
        (("cognito:username", "Contains", "ser-", "Readers"), "Readers"),
        (("cognito:username", "NotEqual", "someone-else", "Editors"), "Editors"),
        (("cognito:username", "Equals", "someone-else", "Admins"), "Auth"),
        (("custom:missing", "NotEqual", "x", "Admins"), "Auth"),
    ],
)
def test_rules_mapping_matches_claims(
    world: World, rule: tuple[str, str, str, str], expected: str
) -> None:
    claim, match_type, value, role = rule
    _rules(world, [(claim, match_type, value.format(name=world.name), role)], "AuthenticatedRole")
    assert _role_of(world) == f"{ROLE}{expected}"


def test_the_first_matching_rule_wins_and_no_match_can_deny(world: World) -> None:
    _rules(
        world,
        [
            ("cognito:username", "Equals", "nobody", "Readers"),
            ("cognito:username", "StartsWith", "user-", "Editors"),
            ("cognito:username", "Contains", "user", "Admins"),
        ],
    )
    assert _role_of(world) == f"{ROLE}Editors"
    assert _role_of(world, CustomRoleArn=f"{ROLE}Admins") == f"{ROLE}Admins"
    _rules(world, [("cognito:username", "Equals", "nobody", "Readers")])
    with pytest.raises(ClientError) as caught:
        world.signed_in()
    assert error_of(caught)[1] == "The ambiguous role mapping rules denied this request"


@pytest.mark.parametrize(
    "roles",
    [
        {"authenticated": f"{ROLE}Undeclared", "unauthenticated": f"{ROLE}Guest"},
        {"authenticated": f"{ROLE}GuestsOnly", "unauthenticated": f"{ROLE}Guest"},
        {"unauthenticated": f"{ROLE}Guest"},
    ],
    ids=["undeclared", "trust refuses", "no authenticated role"],
)
def test_a_role_that_cannot_be_assumed_is_a_configuration_error(
    world: World, roles: dict[str, str]
) -> None:
    world.set_roles(Roles=roles)
    with pytest.raises(ClientError) as caught:
        world.signed_in()
    assert error_of(caught) == ("InvalidIdentityPoolConfigurationException", INVALID_CONFIGURATION)


def test_a_trust_policy_can_admit_guests_only(world: World) -> None:
    world.set_roles(Roles={"authenticated": f"{ROLE}Auth", "unauthenticated": f"{ROLE}GuestsOnly"})
    assert _open(world.credentials(world.get_id())).claims.role_arn == f"{ROLE}GuestsOnly"


def test_an_unknown_identity_is_not_found(world: World) -> None:
    with pytest.raises(ClientError) as caught:
        world.credentials(f"{REGION}:{uuid.uuid4()}")
    assert error_of(caught)[0] == "ResourceNotFoundException"


def test_principal_tags_are_off_until_a_map_is_set_and_then_need_tag_session(
    world: World,
) -> None:
    """A role trusting only sts:AssumeRoleWithWebIdentity, as AWS's examples do, serves a pool
    without attribute maps; once a provider's map is set, its sessions are tagged and the role
    must also trust sts:TagSession."""
    world.set_roles(Roles={"authenticated": f"{ROLE}NoTags", "unauthenticated": f"{ROLE}Guest"})
    id_token = world.tokens()["IdToken"]
    logins = {world.key: id_token}
    identity_id = world.get_id(logins)
    assert _open(world.credentials(identity_id, logins)).claims.principal_tags == {}
    world.identity.set_principal_tag_attribute_map(
        IdentityPoolId=world.pool_id, IdentityProviderName=world.key, UseDefaults=True
    )
    with pytest.raises(ClientError) as caught:
        world.credentials(identity_id, logins)
    assert error_of(caught) == ("InvalidIdentityPoolConfigurationException", INVALID_CONFIGURATION)
    world.set_roles()  # the Auth role has no trust policy: Cognitio's default trusts TagSession
    tags = _open(world.credentials(identity_id, logins)).claims.principal_tags
    assert tags == {"username": jwt_claims(id_token)["sub"], "client": world.client_id}
    world.identity.set_principal_tag_attribute_map(
        IdentityPoolId=world.pool_id,
        IdentityProviderName=world.key,
        UseDefaults=False,
        PrincipalTags={"who": "cognito:username"},
    )
    tags = _open(world.credentials(identity_id, logins)).claims.principal_tags
    assert tags == {"who": world.name}

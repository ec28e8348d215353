"""The identity issuer's OpenID tokens and documents, and STS on the Query protocol, black-box:
boto3's sts client against a real server whose [iam] roles trust the identity pools."""

from __future__ import annotations

import asyncio
import base64
import json
import subprocess
import time
import uuid
from collections.abc import Sequence
from typing import Any

import boto3
import httpx
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from joserfc import jwt
from joserfc.jwk import KeySet
from lxml import etree

from cognitio.config import load_settings
from cognitio.crypto.envelope import envelope_for
from cognitio.services.identity.openid_token import POOL_ARN_CLAIM, OpenIdTokens
from cognitio.store.db import Database
from cognitio.store.sql import SqlStore
from tests.conftest import client
from tests.helpers.node import needs_node
from tests.helpers.oidc_peer import PEER_DIR, install
from tests.server import REGION, ServerProcess

ACCOUNT = "123456789012"  # the server's default account
AUTH_ROLE = f"arn:aws:iam::{ACCOUNT}:role/PoolAuth"
STRICT_ROLE = f"arn:aws:iam::{ACCOUNT}:role/AuthenticatedOnly"
OTHER_ROLE = f"arn:aws:iam::{ACCOUNT}:role/NotNamed"
LONG_ROLE = f"arn:aws:iam::{ACCOUNT}:role/LongSessions"
CONFIG = f"""
[[iam.roles]]
arn = "{AUTH_ROLE}"

[[iam.roles]]
arn = "{OTHER_ROLE}"

[[iam.roles]]
arn = "{LONG_ROLE}"
max_session_duration = 7200

[[iam.roles]]
arn = "{STRICT_ROLE}"
[iam.roles.trust_policy]
document = '''{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
  "Principal": {{"Federated": "cognito-identity.amazonaws.com"}},
  "Action": "sts:AssumeRoleWithWebIdentity",
  "Condition": {{"ForAnyValue:StringLike":
                {{"cognito-identity.amazonaws.com:amr": "authenticated"}}}}
}}]}}'''
"""


@pytest.fixture(scope="module")
def sts_server(backend: str, make_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    config = tmp_path_factory.mktemp("sts") / "cognitio.toml"
    config.write_text(CONFIG)
    process: ServerProcess = make_server(backend)
    process.start("--config", str(config))
    return process


@pytest.fixture(scope="module")
def pool_id(sts_server: ServerProcess) -> str:
    identity = client("cognito-identity", sts_server.url)
    pool = identity.create_identity_pool(
        IdentityPoolName="sts", AllowUnauthenticatedIdentities=True
    )
    identity.set_identity_pool_roles(
        IdentityPoolId=pool["IdentityPoolId"],
        Roles={"authenticated": AUTH_ROLE, "unauthenticated": LONG_ROLE},
    )
    return str(pool["IdentityPoolId"])


def mint(
    server: ServerProcess,
    pool: str,
    amr: Sequence[str] = ("unauthenticated",),
    *,
    seconds: int = 600,
    issued: int | None = None,
) -> tuple[str, str]:
    """(identity id, token): an OpenID token the server's issuer signed, made over its store."""
    identity_id = f"{REGION}:{uuid.uuid4()}"

    async def run() -> str:
        overrides: dict[str, object] = {"data_dir": str(server.data_dir), "port": server.port}
        if server.database_url:
            overrides["database_url"] = server.database_url
        settings = load_settings(overrides, environ={})
        database = Database(settings.database_dsn)
        await database.open()
        try:
            tokens = OpenIdTokens(SqlStore(database), envelope_for(settings), settings)
            return await tokens.mint(identity_id, pool, amr, seconds=seconds, now=issued)
        finally:
            await database.dispose()

    return identity_id, asyncio.run(run())


def sts(server: ServerProcess, **overrides: Any) -> Any:
    """An unsigned sts client (AssumeRoleWithWebIdentity needs no credentials)."""
    options: dict[str, Any] = {
        "endpoint_url": server.url,
        "region_name": REGION,
        "aws_access_key_id": "unused",
        "aws_secret_access_key": "unused",
        "config": Config(retries={"max_attempts": 0}),
    }
    options.update(overrides)
    return boto3.client("sts", **options)


def error(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


@needs_node
def test_the_token_has_aws_shape_and_verifies_with_aws_jwt_verify(
    sts_server: ServerProcess, pool_id: str
) -> None:
    install()  # aws-jwt-verify, from the pinned peer packages
    identity_id, token = mint(sts_server, pool_id)
    segment = token.split(".")[0]
    header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    assert header == {"kid": f"{REGION}1", "typ": "JWS", "alg": "RS512"}
    issuer = sts_server.url
    keys = httpx.get(f"{issuer}/.well-known/jwks_uri")
    assert keys.headers["cache-control"] == "public, max-age=3600"
    assert [key["alg"] for key in keys.json()["keys"]] == ["RS512"]
    checked = subprocess.run(
        ["node", str(PEER_DIR / "verify_identity.mjs"), issuer, pool_id, token, keys.text],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    payload = json.loads(checked.stdout)
    assert payload["sub"] == identity_id
    assert payload["amr"] == ["unauthenticated"]
    assert payload["exp"] - payload["iat"] == 600
    assert (
        payload[POOL_ARN_CLAIM]
        == f"arn:aws:cognito-identity:{REGION}:{ACCOUNT}:identitypool/{pool_id}"
    )
    wrong_audience = subprocess.run(
        [
            "node",
            str(PEER_DIR / "verify_identity.mjs"),
            issuer,
            f"{REGION}:{uuid.uuid4()}",
            token,
            keys.text,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert wrong_audience.returncode == 1


def test_joserfc_verifies_the_token_from_the_discovery_document_alone(
    sts_server: ServerProcess, pool_id: str
) -> None:
    identity_id, token = mint(sts_server, pool_id, ("authenticated", "accounts.example.com"))
    discovery = httpx.get(f"{sts_server.url}/.well-known/openid-configuration")
    assert discovery.headers["cache-control"] == "public, max-age=3600"
    document = discovery.json()
    assert document["issuer"] == sts_server.url
    assert document["id_token_signing_alg_values_supported"] == ["RS512"]
    keys = KeySet.import_key_set(httpx.get(document["jwks_uri"]).json())
    verified = jwt.decode(token, keys, algorithms=["RS512"])
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": document["issuer"]},
        aud={"essential": True, "value": pool_id},
        sub={"essential": True, "value": identity_id},
    ).validate(verified.claims)
    assert verified.claims["amr"] == ["authenticated", "accounts.example.com"]


def test_the_user_pools_well_known_documents_are_untouched(sts_server: ServerProcess) -> None:
    idp = client("cognito-idp", sts_server.url)
    user_pool = idp.create_user_pool(PoolName="beside")["UserPool"]["Id"]
    discovery = httpx.get(f"{sts_server.url}/{user_pool}/.well-known/openid-configuration").json()
    assert discovery["issuer"] == f"{sts_server.url}/{user_pool}"
    keys = httpx.get(f"{sts_server.url}/{user_pool}/.well-known/jwks.json").json()["keys"]
    assert {key["alg"] for key in keys} == {"RS256"}


def test_a_token_is_exchanged_for_credentials_that_get_caller_identity_names(
    sts_server: ServerProcess, pool_id: str
) -> None:
    identity_id, token = mint(sts_server, pool_id, ("authenticated", "accounts.example.com"))
    answer = sts(sts_server).assume_role_with_web_identity(
        RoleArn=AUTH_ROLE, RoleSessionName="app-session", WebIdentityToken=token
    )
    credentials = answer["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    lifetime = credentials["Expiration"].timestamp() - time.time()
    assert 3500 < lifetime <= 3600
    assert answer["SubjectFromWebIdentityToken"] == identity_id
    assert answer["Audience"] == pool_id
    assert answer["Provider"] == sts_server.url
    arn = f"arn:aws:sts::{ACCOUNT}:assumed-role/PoolAuth/app-session"
    assert answer["AssumedRoleUser"]["Arn"] == arn
    assert answer["AssumedRoleUser"]["AssumedRoleId"].startswith("AROA")
    caller = sts(
        sts_server,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    ).get_caller_identity()
    assert caller["Arn"] == arn
    assert caller["Account"] == ACCOUNT
    assert caller["UserId"] == answer["AssumedRoleUser"]["AssumedRoleId"]


def test_get_caller_identity_refuses_wrong_or_missing_credentials(
    sts_server: ServerProcess, pool_id: str
) -> None:
    _, token = mint(sts_server, pool_id)
    credentials = sts(sts_server).assume_role_with_web_identity(
        RoleArn=LONG_ROLE, RoleSessionName="s1", WebIdentityToken=token
    )["Credentials"]
    wrong_secret = sts(
        sts_server,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key="x" * 40,
        aws_session_token=credentials["SessionToken"],
    )
    with pytest.raises(ClientError) as caught:
        wrong_secret.get_caller_identity()
    assert error(caught)[0] == "SignatureDoesNotMatch"
    no_token = sts(
        sts_server,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
    )
    with pytest.raises(ClientError) as caught:
        no_token.get_caller_identity()
    assert error(caught)[0] == "InvalidClientTokenId"
    response = httpx.post(
        sts_server.url,
        data={"Action": "GetCallerIdentity", "Version": "2011-06-15"},
    )
    assert response.status_code == 403
    assert "<Code>MissingAuthenticationToken</Code>" in response.text
    assert response.headers["content-type"] == "text/xml"


def test_an_expired_token_is_refused(sts_server: ServerProcess, pool_id: str) -> None:
    _, token = mint(sts_server, pool_id, issued=int(time.time()) - 1200)
    with pytest.raises(ClientError) as caught:
        sts(sts_server).assume_role_with_web_identity(
            RoleArn=AUTH_ROLE, RoleSessionName="late", WebIdentityToken=token
        )
    assert error(caught)[0] == "ExpiredTokenException"


def test_a_tampered_or_foreign_token_is_invalid(sts_server: ServerProcess, pool_id: str) -> None:
    _, token = mint(sts_server, pool_id)
    header, payload, signature = token.split(".")
    tampered = ".".join(
        (header, payload, signature[:-4] + ("AAAA" if signature[-4:] != "AAAA" else "BBBB"))
    )
    for bad in (tampered, "not.a.token"):
        with pytest.raises(ClientError) as caught:
            sts(sts_server).assume_role_with_web_identity(
                RoleArn=AUTH_ROLE, RoleSessionName="forged", WebIdentityToken=bad
            )
        assert error(caught)[0] == "InvalidIdentityToken"


def test_a_role_the_pool_mentions_but_does_not_name_is_denied(
    sts_server: ServerProcess,
) -> None:
    identity = client("cognito-identity", sts_server.url)
    pool = identity.create_identity_pool(
        IdentityPoolName="mentions",
        AllowUnauthenticatedIdentities=True,
        CognitoIdentityProviders=[
            {
                "ProviderName": f"cognito-idp.{REGION}.amazonaws.com/{REGION}_Abc",
                "ClientId": "client",
            }
        ],
    )["IdentityPoolId"]
    rule = {"Claim": "custom:team", "MatchType": "Equals", "Value": OTHER_ROLE}
    identity.set_identity_pool_roles(
        IdentityPoolId=pool,
        Roles={"authenticated": AUTH_ROLE},
        RoleMappings={
            f"cognito-idp.{REGION}.amazonaws.com/{REGION}_Abc:client": {
                "Type": "Rules",
                "AmbiguousRoleResolution": "AuthenticatedRole",
                # A claim value spelling the ARN, and a role whose ARN begins with it.
                "RulesConfiguration": {
                    "Rules": [
                        {**rule, "RoleARN": AUTH_ROLE},
                        {**rule, "RoleARN": f"{OTHER_ROLE}Admins"},
                    ]
                },
            }
        },
    )
    _, token = mint(sts_server, pool, ("authenticated", "accounts.example.com"))
    with pytest.raises(ClientError) as caught:
        sts(sts_server).assume_role_with_web_identity(
            RoleArn=OTHER_ROLE, RoleSessionName="mentioned", WebIdentityToken=token
        )
    assert error(caught)[0] == "AccessDenied"
    # A rule's RoleARN does name its role.
    identity.set_identity_pool_roles(
        IdentityPoolId=pool,
        Roles={"authenticated": AUTH_ROLE},
        RoleMappings={
            f"cognito-idp.{REGION}.amazonaws.com/{REGION}_Abc:client": {
                "Type": "Rules",
                "AmbiguousRoleResolution": "AuthenticatedRole",
                "RulesConfiguration": {"Rules": [{**rule, "RoleARN": OTHER_ROLE}]},
            }
        },
    )
    named = sts(sts_server).assume_role_with_web_identity(
        RoleArn=OTHER_ROLE, RoleSessionName="named", WebIdentityToken=token
    )
    assert named["AssumedRoleUser"]["Arn"].endswith(":assumed-role/NotNamed/named")


def test_a_role_that_does_not_trust_the_pool_is_denied(
    sts_server: ServerProcess, pool_id: str
) -> None:
    _, token = mint(sts_server, pool_id)
    other_pool = f"{REGION}:{uuid.uuid4()}"
    _, foreign = mint(sts_server, other_pool)
    cases = [
        (OTHER_ROLE, token),  # the pool does not name this role: default trust leaves it out
        (AUTH_ROLE, foreign),  # wrong aud: a pool that does not exist names no role
        (STRICT_ROLE, token),  # its trust policy wants an authenticated identity
        (f"arn:aws:iam::{ACCOUNT}:role/Undeclared", token),
    ]
    for role, web_token in cases:
        with pytest.raises(ClientError) as caught:
            sts(sts_server).assume_role_with_web_identity(
                RoleArn=role, RoleSessionName="denied", WebIdentityToken=web_token
            )
        assert error(caught) == (
            "AccessDenied",
            "Not authorized to perform sts:AssumeRoleWithWebIdentity",
        ), role
    _, signed_in = mint(sts_server, pool_id, ("authenticated", "accounts.example.com"))
    allowed = sts(sts_server).assume_role_with_web_identity(
        RoleArn=STRICT_ROLE, RoleSessionName="ok", WebIdentityToken=signed_in
    )
    assert allowed["AssumedRoleUser"]["Arn"].endswith(":assumed-role/AuthenticatedOnly/ok")


def test_a_guests_token_assumes_only_the_pools_guest_role_under_the_default_trust(
    sts_server: ServerProcess, pool_id: str
) -> None:
    identity = client("cognito-identity", sts_server.url)
    guest = identity.get_id(IdentityPoolId=pool_id)["IdentityId"]
    token = identity.get_open_id_token(IdentityId=guest)["Token"]
    with pytest.raises(ClientError) as caught:
        sts(sts_server).assume_role_with_web_identity(
            RoleArn=AUTH_ROLE, RoleSessionName="guest", WebIdentityToken=token
        )
    assert error(caught) == (
        "AccessDenied",
        "Not authorized to perform sts:AssumeRoleWithWebIdentity",
    )
    allowed = sts(sts_server).assume_role_with_web_identity(
        RoleArn=LONG_ROLE, RoleSessionName="guest", WebIdentityToken=token
    )
    assert allowed["AssumedRoleUser"]["Arn"].endswith(":assumed-role/LongSessions/guest")
    _, signed_in = mint(sts_server, pool_id, ("authenticated", "accounts.example.com"))
    with pytest.raises(ClientError) as caught:
        sts(sts_server).assume_role_with_web_identity(
            RoleArn=LONG_ROLE, RoleSessionName="member", WebIdentityToken=signed_in
        )
    assert error(caught)[0] == "AccessDenied"


def test_duration_seconds_is_bounded_by_sts_and_the_role(
    sts_server: ServerProcess, pool_id: str
) -> None:
    _, token = mint(sts_server, pool_id)
    unchecked = sts(
        sts_server, config=Config(retries={"max_attempts": 0}, parameter_validation=False)
    )
    for seconds, message in (
        (899, "greater than or equal to 900"),
        (43201, "less than or equal to 43200"),
        (7201, "exceeds the MaxSessionDuration set for this role"),
    ):
        with pytest.raises(ClientError) as caught:
            unchecked.assume_role_with_web_identity(
                RoleArn=LONG_ROLE,
                RoleSessionName="bounds",
                WebIdentityToken=token,
                DurationSeconds=seconds,
            )
        code, text = error(caught)
        assert code == "ValidationError"
        assert message in text
    longest = sts(sts_server).assume_role_with_web_identity(
        RoleArn=LONG_ROLE, RoleSessionName="bounds", WebIdentityToken=token, DurationSeconds=7200
    )
    lifetime = longest["Credentials"]["Expiration"].timestamp() - time.time()
    assert 7100 < lifetime <= 7200


def test_a_session_policy_is_validated(sts_server: ServerProcess, pool_id: str) -> None:
    _, token = mint(sts_server, pool_id)
    good = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
        }
    )
    answer = sts(sts_server).assume_role_with_web_identity(
        RoleArn=LONG_ROLE, RoleSessionName="narrow", WebIdentityToken=token, Policy=good
    )
    assert answer["Credentials"]["AccessKeyId"].startswith("ASIA")
    malformed = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Maybe"}]})
    with pytest.raises(ClientError) as caught:
        sts(sts_server).assume_role_with_web_identity(
            RoleArn=LONG_ROLE, RoleSessionName="narrow", WebIdentityToken=token, Policy=malformed
        )
    assert error(caught)[0] == "MalformedPolicyDocument"
    unchecked = sts(
        sts_server, config=Config(retries={"max_attempts": 0}, parameter_validation=False)
    )
    with pytest.raises(ClientError) as caught:
        unchecked.assume_role_with_web_identity(
            RoleArn=LONG_ROLE, RoleSessionName="narrow", WebIdentityToken=token, Policy=" " * 2049
        )
    code, text = error(caught)
    assert code == "ValidationError"
    assert "2048" in text


def test_an_echoed_control_character_leaves_the_error_readable_xml(
    sts_server: ServerProcess,
) -> None:
    """XML 1.0 cannot hold most control characters even escaped: an action name carrying one is
    echoed with U+FFFD in its place, and the answer still parses."""
    answer = httpx.post(
        sts_server.url, data={"Action": "Assume\x01Role\x1f", "Version": "2011-06-15"}
    )
    assert answer.status_code == 400
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    document = etree.fromstring(answer.content, parser)
    code = document.find("{*}Error/{*}Code")
    assert code is not None and code.text == "InvalidAction"
    message = document.find("{*}Error/{*}Message")
    assert message is not None and "Assume\ufffdRole\ufffd" in (message.text or "")


def test_query_calls_outside_sts_answer_in_its_error_shape(sts_server: ServerProcess) -> None:
    unknown = httpx.post(sts_server.url, data={"Action": "AssumeRole", "Version": "2011-06-15"})
    assert unknown.status_code == 400
    assert "<Code>InvalidAction</Code>" in unknown.text
    assert "<Type>Sender</Type>" in unknown.text
    missing = httpx.post(
        sts_server.url,
        data={"Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15"},
    )
    assert missing.status_code == 400
    assert (
        "Value null at &apos;roleArn&apos;" in missing.text
        or "Value null at 'roleArn'" in missing.text
    )
    # The JSON 1.1 front door still answers its own calls on the same path.
    identity = client("cognito-identity", sts_server.url)
    assert "IdentityPools" in identity.list_identity_pools(MaxResults=1)


def test_an_oversized_query_body_is_a_validation_error(sts_server: ServerProcess) -> None:
    body = {"Action": "GetCallerIdentity", "Version": "2011-06-15", "Pad": "x" * (1024 * 1024)}
    response = httpx.post(sts_server.url, data=body)
    assert response.status_code == 400
    assert "<Code>ValidationError</Code>" in response.text


def test_a_session_name_outside_stss_ascii_pattern_is_refused(sts_server: ServerProcess) -> None:
    for name in ("café", "a<b>&c", "١٢٣"):
        response = httpx.post(
            sts_server.url,
            data={
                "Action": "AssumeRoleWithWebIdentity",
                "Version": "2011-06-15",
                "RoleArn": AUTH_ROLE,
                "RoleSessionName": name,
                "WebIdentityToken": "x" * 16,
            },
        )
        assert response.status_code == 400, name
        assert "<Code>ValidationError</Code>" in response.text
        assert "roleSessionName" in response.text
        assert "<b>" not in response.text

"""Roles declared in the configuration file's [iam] table, read and checked at start."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cognitio.config import ConfigError, Settings, load_settings
from cognitio.services.iam.evaluator import Principal, Request, evaluate

ACCOUNT = "123456789012"
POOL = "us-east-1:0f3c2a7e-6b1d-4c8e-9a2f-5d4e3c2b1a09"
OWN_PREFIX = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": "arn:aws:s3:::photos/${cognito-identity.amazonaws.com:sub}/*",
        }
    ],
}


def _load(tmp_path: Path, toml: str) -> Settings:
    config = tmp_path / "cognitio.toml"
    config.write_text(toml)
    return load_settings(overrides={"config_file": str(config)}, environ={})


def _refused(tmp_path: Path, toml: str) -> str:
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, toml)
    return str(caught.value)


def test_a_role_with_inline_and_file_policies(tmp_path: Path) -> None:
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "read.json").write_text(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": {"Effect": "Allow", "Action": "s3:List*", "Resource": "*"},
            }
        )
    )
    settings = _load(
        tmp_path,
        f"""
[[iam.roles]]
arn = "arn:aws:iam::{ACCOUNT}:role/mobile/PhotosAuth"
max_session_duration = 7200

[[iam.roles.policies]]
name = "own-prefix"
document = '''{json.dumps(OWN_PREFIX)}'''

[[iam.roles.policies]]
name = "read"
file = "policies/read.json"

[[iam.roles.policies]]
name = "as-table"
document = {{ Version = "2012-10-17", Statement = [
  {{ Effect = "Deny", Action = "s3:DeleteObject", Resource = "*" }},
] }}
""",
    )
    (role,) = settings.iam_roles
    assert role.arn == f"arn:aws:iam::{ACCOUNT}:role/mobile/PhotosAuth"
    assert role.name == "PhotosAuth"
    assert role.max_session_duration == 7200
    assert [policy.name for policy in role.policies] == ["own-prefix", "read", "as-table"]
    identity = "us-east-1:aaaa"
    put = Request(
        "s3:PutObject",
        f"arn:aws:s3:::photos/{identity}/a.jpg",
        context={"cognito-identity.amazonaws.com:sub": identity},
    )
    assert evaluate(role.policies, put).allowed
    delete = Request("s3:DeleteObject", f"arn:aws:s3:::photos/{identity}/a.jpg")
    assert not evaluate(role.policies, delete).allowed


def test_without_iam_there_are_no_roles(tmp_path: Path) -> None:
    assert _load(tmp_path, "port = 9229\n").iam_roles == ()
    assert load_settings(environ={}).iam_roles == ()


def test_the_default_trust_admits_the_identity_issuer_for_the_pools_naming_the_role(
    tmp_path: Path,
) -> None:
    settings = _load(tmp_path, f'[[iam.roles]]\narn = "arn:aws:iam::{ACCOUNT}:role/Guest"\n')
    (role,) = settings.iam_roles
    assert role.max_session_duration == 3600
    assert role.trust_policy is None
    cognito = Principal("Federated", "cognito-identity.amazonaws.com")

    def assume(pool: str, principal: Principal = cognito) -> Request:
        context = {"cognito-identity.amazonaws.com:aud": pool}
        return Request("sts:AssumeRoleWithWebIdentity", principal=principal, context=context)

    assert evaluate([role.trust_for([POOL])], assume(POOL)).allowed
    assert evaluate(
        [role.trust_for([POOL])],
        Request(
            "sts:TagSession",
            principal=cognito,
            context={"cognito-identity.amazonaws.com:aud": POOL},
        ),
    ).allowed
    assert not evaluate([role.trust_for([POOL])], assume("us-east-1:other")).allowed
    assert not evaluate([role.trust_for([])], assume(POOL)).allowed
    other = Principal("Federated", "accounts.google.com")
    assert not evaluate([role.trust_for([POOL])], assume(POOL, other)).allowed


def test_a_declared_trust_policy_is_used_as_written(tmp_path: Path) -> None:
    trust = {
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
    settings = _load(
        tmp_path,
        f"""
[[iam.roles]]
arn = "arn:aws:iam::{ACCOUNT}:role/Auth"
trust_policy = {{ document = '''{json.dumps(trust)}''' }}
""",
    )
    role = settings.iam_roles[0]
    assert role.trust_policy is not None
    assert role.trust_for([POOL]) is role.trust_policy


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('iam = "roles"', "unknown setting 'iam'"),
        ("[iam]\nusers = []", "iam: unknown key 'users'"),
        ("[iam]\nroles = 1", "iam.roles: must be an array of tables"),
        ('[[iam.roles]]\narn = "role/X"', "iam.roles[1]: arn must be arn:aws:iam::ACCOUNT:role/"),
        (
            '[[iam.roles]]\narn = "arn:aws:iam::210987654321:role/X"',
            "is not in this server's account (123456789012)",
        ),
        (
            f'[[iam.roles]]\narn = "arn:aws:iam::{ACCOUNT}:role/X"\nmax_session_duration = 60',
            "iam.roles[1] (X): max_session_duration must be 3600 to 43200 seconds",
        ),
        (
            f'[[iam.roles]]\narn = "arn:aws:iam::{ACCOUNT}:role/X"\nmax_session_duration = "1h"',
            "max_session_duration must be a whole number of seconds",
        ),
        (
            f'[[iam.roles]]\narn = "arn:aws:iam::{ACCOUNT}:role/X"\npolicy = 1',
            "iam.roles[1]: unknown key 'policy'",
        ),
        (
            f'[[iam.roles]]\narn = "arn:aws:iam::{ACCOUNT}:role/X"\n'
            f'[[iam.roles]]\narn = "arn:aws:iam::{ACCOUNT}:role/path/x"',
            "iam.roles[2]: a role named x is declared twice",
        ),
        (
            f'[[iam.roles]]\narn = "arn:aws:iam::{ACCOUNT}:role/X"\n'
            '[[iam.roles.policies]]\ndocument = "{}"',
            "iam.roles[1] (X).policies[1]: name must be",
        ),
        (
            f'[[iam.roles]]\narn = "arn:aws:iam::{ACCOUNT}:role/X"\n'
            '[[iam.roles.policies]]\nname = "p"',
            "needs exactly one of document and file",
        ),
        (
            f'[[iam.roles]]\narn = "arn:aws:iam::{ACCOUNT}:role/X"\n'
            '[[iam.roles.policies]]\nname = "p"\nfile = "missing.json"',
            "iam.roles[1] (X).policies[1]: file not found",
        ),
        (
            f'[[iam.roles]]\narn = "arn:aws:iam::{ACCOUNT}:role/X"\n'
            '[[iam.roles.policies]]\nname = "p"\ndocument = \'{"Statement": '
            '{"Effect": "Permit", "Action": "s3:*", "Resource": "*"}}\'',
            "iam.roles[1] (X).policies[1]: p: statement 1: Effect: must be Allow or Deny",
        ),
        (
            f'[[iam.roles]]\narn = "arn:aws:iam::{ACCOUNT}:role/X"\n'
            'trust_policy = { document = { Statement = { Effect = "Allow", '
            'Action = "sts:AssumeRole", Resource = "*", Principal = "*" } } }',
            "trust_policy: trust: statement 1: Resource: a trust policy has no resource",
        ),
        (
            f'[[iam.roles]]\narn = "arn:aws:iam::{ACCOUNT}:role/X"\n'
            '[[iam.roles.policies]]\nname = "p"\ndocument = "{}"\n'
            '[[iam.roles.policies]]\nname = "p"\ndocument = "{}"',
            "Statement must be an object or a non-empty list",
        ),
    ],
)
def test_a_role_that_cannot_be_used_stops_the_start(
    tmp_path: Path, toml: str, message: str
) -> None:
    refused = _refused(tmp_path, toml)
    assert message in refused


def test_two_policies_of_one_role_cannot_share_a_name(tmp_path: Path) -> None:
    policy = json.dumps({"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}})
    refused = _refused(
        tmp_path,
        f'[[iam.roles]]\narn = "arn:aws:iam::{ACCOUNT}:role/X"\n'
        f"[[iam.roles.policies]]\nname = \"p\"\ndocument = '{policy}'\n"
        f"[[iam.roles.policies]]\nname = \"p\"\ndocument = '{policy}'\n",
    )
    assert refused == "config: iam.roles[1] (X): two policies are named p"


def test_roles_are_checked_against_the_configured_account(tmp_path: Path) -> None:
    config = tmp_path / "cognitio.toml"
    config.write_text('[[iam.roles]]\narn = "arn:aws:iam::000000000000:role/X"\n')
    settings = load_settings(
        overrides={"config_file": str(config)}, environ={"COGNITIO_ACCOUNT_ID": "000000000000"}
    )
    assert settings.iam_roles[0].name == "X"


def test_the_documented_example_loads(tmp_path: Path) -> None:
    """docs/identity-pools.md's [iam] example is a configuration that starts."""
    page = (Path(__file__).resolve().parents[2] / "docs" / "identity-pools.md").read_text()
    blocks = [block.split("```", 1)[0] for block in page.split("```toml\n")[1:]]
    example = next(block for block in blocks if "policies/team.json" in block)
    (tmp_path / "policies").mkdir()
    (tmp_path / "trust").mkdir()
    (tmp_path / "policies" / "team.json").write_text(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": {
                    "Effect": "Allow",
                    "Action": "s3:*",
                    "Resource": "arn:aws:s3:::team-${aws:PrincipalTag/team}/*",
                },
            }
        )
    )
    guest_trust = {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "unauthenticated"}
            },
        },
    }
    (tmp_path / "trust" / "guest.json").write_text(json.dumps(guest_trust))
    photos, guest = _load(tmp_path, example).iam_roles
    assert [policy.name for policy in photos.policies] == ["own-prefix", "team"]
    assert photos.trust_policy is None
    assert guest.arn == f"arn:aws:iam::{ACCOUNT}:role/mobile/Guest"
    assert guest.trust_policy is not None

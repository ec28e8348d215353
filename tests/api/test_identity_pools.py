"""Identity pools (cognito-identity) through boto3 against a running server."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.conftest import client

ACCOUNT = "123456789012"  # the server's account (COGNITIO_ACCOUNT_ID's default)
ROLE = f"arn:aws:iam::{ACCOUNT}:role/"
USER_POOL = "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123"


def error(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


@pytest.fixture
def raw(server: Any) -> Any:
    """A client that leaves input checks to the server."""
    config = Config(retries={"max_attempts": 0}, parameter_validation=False)
    return client("cognito-identity", server.url, config=config)


def _pool(identity: Any, **settings: Any) -> dict[str, Any]:
    settings.setdefault("AllowUnauthenticatedIdentities", False)
    created: dict[str, Any] = identity.create_identity_pool(IdentityPoolName="photos", **settings)
    return created


def test_a_new_pool_has_a_region_id_and_leaves_classic_flow_unset(identity: Any) -> None:
    created = _pool(identity)
    assert re.fullmatch(
        r"us-east-1:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}",
        created["IdentityPoolId"],
    )
    described = identity.describe_identity_pool(IdentityPoolId=created["IdentityPoolId"])
    del described["ResponseMetadata"], created["ResponseMetadata"]
    assert described == created
    assert described == {
        "IdentityPoolId": created["IdentityPoolId"],
        "IdentityPoolName": "photos",
        "AllowUnauthenticatedIdentities": False,
        "IdentityPoolTags": {},
    }


def test_a_pool_keeps_every_setting_it_was_created_with(identity: Any) -> None:
    settings = {
        "AllowUnauthenticatedIdentities": True,
        "AllowClassicFlow": False,
        "SupportedLoginProviders": {"accounts.google.com": "123.apps.googleusercontent.com"},
        "DeveloperProviderName": "login.example.app",
        "OpenIdConnectProviderARNs": [],
        "CognitoIdentityProviders": [
            {"ProviderName": USER_POOL, "ClientId": "client1", "ServerSideTokenCheck": True},
            {"ProviderName": USER_POOL, "ClientId": "client2"},
        ],
        "SamlProviderARNs": [],
        "IdentityPoolTags": {"team": "photos"},
    }
    created = _pool(identity, **settings)
    described = identity.describe_identity_pool(IdentityPoolId=created["IdentityPoolId"])
    assert described["AllowClassicFlow"] is False
    assert described["CognitoIdentityProviders"][1] == {
        "ProviderName": USER_POOL,
        "ClientId": "client2",
        "ServerSideTokenCheck": False,
    }
    for name in (
        "SupportedLoginProviders",
        "DeveloperProviderName",
        "SamlProviderARNs",
        "OpenIdConnectProviderARNs",
        "IdentityPoolTags",
    ):
        assert described[name] == settings[name]


def test_an_update_replaces_every_setting_but_keeps_tags(identity: Any) -> None:
    pool_id = _pool(
        identity,
        AllowClassicFlow=True,
        SupportedLoginProviders={"graph.facebook.com": "1234"},
        IdentityPoolTags={"team": "photos"},
    )["IdentityPoolId"]
    updated = identity.update_identity_pool(
        IdentityPoolId=pool_id,
        IdentityPoolName="renamed",
        AllowUnauthenticatedIdentities=True,
        DeveloperProviderName="login.example.app",
    )
    described = identity.describe_identity_pool(IdentityPoolId=pool_id)
    del described["ResponseMetadata"], updated["ResponseMetadata"]
    assert described == updated
    assert described == {
        "IdentityPoolId": pool_id,
        "IdentityPoolName": "renamed",
        "AllowUnauthenticatedIdentities": True,
        "DeveloperProviderName": "login.example.app",
        "IdentityPoolTags": {"team": "photos"},
    }


def test_the_developer_provider_name_cannot_change_once_set(identity: Any) -> None:
    pool_id = _pool(identity, DeveloperProviderName="login.example.app")["IdentityPoolId"]
    with pytest.raises(ClientError) as caught:
        identity.update_identity_pool(
            IdentityPoolId=pool_id,
            IdentityPoolName="photos",
            AllowUnauthenticatedIdentities=False,
            DeveloperProviderName="other.example.app",
        )
    assert error(caught)[0] == "InvalidParameterException"
    # Left out, it stays.
    identity.update_identity_pool(
        IdentityPoolId=pool_id, IdentityPoolName="photos", AllowUnauthenticatedIdentities=False
    )
    described = identity.describe_identity_pool(IdentityPoolId=pool_id)
    assert described["DeveloperProviderName"] == "login.example.app"


def test_a_deleted_pool_is_not_found(identity: Any) -> None:
    pool_id = _pool(identity)["IdentityPoolId"]
    identity.delete_identity_pool(IdentityPoolId=pool_id)
    for call in (identity.describe_identity_pool, identity.delete_identity_pool):
        with pytest.raises(ClientError) as caught:
            call(IdentityPoolId=pool_id)
        assert error(caught) == (
            "ResourceNotFoundException",
            f"IdentityPool '{pool_id}' not found.",
        )


def test_another_region_does_not_see_the_pool(identity: Any, server: Any) -> None:
    pool_id = _pool(identity)["IdentityPoolId"]
    elsewhere = client("cognito-identity", server.url, region_name="eu-west-1")
    with pytest.raises(ClientError) as caught:
        elsewhere.describe_identity_pool(IdentityPoolId=pool_id)
    assert error(caught)[0] == "ResourceNotFoundException"


def test_pools_are_listed_page_by_page(identity: Any, server: Any) -> None:
    region = "ap-south-" + str(uuid.uuid4().int % 1000)
    regional = client("cognito-identity", server.url, region_name=region)
    made = [
        regional.create_identity_pool(
            IdentityPoolName=f"pool{n}", AllowUnauthenticatedIdentities=False
        )["IdentityPoolId"]
        for n in range(5)
    ]
    seen: list[dict[str, str]] = []
    token: dict[str, str] = {}
    pages = 0
    while True:
        page = regional.list_identity_pools(MaxResults=2, **token)
        seen += page["IdentityPools"]
        pages += 1
        if "NextToken" not in page:
            break
        token = {"NextToken": page["NextToken"]}
    assert pages == 3
    # Pages of two give each pool once, in the order one page of all of them has (oldest
    # first; pools made in the same millisecond by id).
    whole = regional.list_identity_pools(MaxResults=60)["IdentityPools"]
    assert seen == whole
    assert sorted(p["IdentityPoolId"] for p in seen) == sorted(made)
    names = {p["IdentityPoolId"]: p["IdentityPoolName"] for p in seen}
    assert names == {pool_id: f"pool{n}" for n, pool_id in enumerate(made)}
    paginated = regional.get_paginator("list_identity_pools").paginate(MaxResults=4)
    assert sum(len(p["IdentityPools"]) for p in paginated) == 5


def test_model_violations_are_validation_exceptions(raw: Any) -> None:
    with pytest.raises(ClientError) as caught:
        raw.create_identity_pool(
            IdentityPoolName="photos/2026", AllowUnauthenticatedIdentities=False
        )
    assert error(caught) == (
        "ValidationException",
        "1 validation error detected: Value 'photos/2026' at 'identityPoolName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+",
    )
    with pytest.raises(ClientError) as caught:
        raw.list_identity_pools()
    assert error(caught)[0] == "ValidationException"
    assert "'maxResults'" in error(caught)[1]
    with pytest.raises(ClientError) as caught:
        raw.list_identity_pools(MaxResults=61)
    assert error(caught)[0] == "ValidationException"
    with pytest.raises(ClientError) as caught:
        raw.list_identity_pools(MaxResults=2, NextToken="forged")
    assert error(caught)[0] == "InvalidParameterException"


def test_provider_arns_must_name_iam_providers(identity: Any) -> None:
    for settings in (
        {"OpenIdConnectProviderARNs": ["arn:aws:iam::1:oidc-provider/x.example.com"]},
        {"SamlProviderARNs": [f"arn:aws:iam::{ACCOUNT}:role/NotAProvider"]},
        {"CognitoIdentityProviders": [{"ProviderName": USER_POOL}]},
    ):
        with pytest.raises(ClientError) as caught:
            _pool(identity, **settings)
        assert error(caught)[0] == "InvalidParameterException", settings


def test_tags_are_added_listed_and_removed_by_arn(identity: Any) -> None:
    pool_id = _pool(identity, IdentityPoolTags={"team": "photos"})["IdentityPoolId"]
    arn = f"arn:aws:cognito-identity:us-east-1:{ACCOUNT}:identitypool/{pool_id}"
    identity.tag_resource(ResourceArn=arn, Tags={"stage": "test", "team": "media"})
    assert identity.list_tags_for_resource(ResourceArn=arn)["Tags"] == {
        "team": "media",
        "stage": "test",
    }
    identity.untag_resource(ResourceArn=arn, TagKeys=["team", "absent"])
    assert identity.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"stage": "test"}
    described = identity.describe_identity_pool(IdentityPoolId=pool_id)
    assert described["IdentityPoolTags"] == {"stage": "test"}
    with pytest.raises(ClientError) as caught:
        identity.tag_resource(ResourceArn=arn, Tags={f"k{n}": "v" for n in range(50)})
    assert error(caught)[0] == "InvalidParameterException"
    wrong = f"arn:aws:cognito-idp:us-east-1:{ACCOUNT}:userpool/{pool_id}"
    with pytest.raises(ClientError) as caught:
        identity.list_tags_for_resource(ResourceArn=wrong)
    assert error(caught)[0] == "ResourceNotFoundException"


def _rules(count: int) -> dict[str, Any]:
    rules = [
        {"Claim": "custom:dept", "MatchType": "Equals", "Value": f"d{n}", "RoleARN": ROLE + "D"}
        for n in range(count)
    ]
    return {
        "Type": "Rules",
        "AmbiguousRoleResolution": "Deny",
        "RulesConfiguration": {"Rules": rules},
    }


def _mapped_pool(identity: Any) -> str:
    """A pool with the providers the role mapping tests name."""
    return str(
        _pool(
            identity,
            SupportedLoginProviders={"graph.facebook.com": "1234567890"},
            CognitoIdentityProviders=[{"ProviderName": USER_POOL, "ClientId": "client1"}],
        )["IdentityPoolId"]
    )


def test_oidc_and_saml_providers_must_be_declared_in_the_configuration(identity: Any) -> None:
    for member, arn in (
        ("OpenIdConnectProviderARNs", f"arn:aws:iam::{ACCOUNT}:oidc-provider/id.example.com"),
        ("SamlProviderARNs", f"arn:aws:iam::{ACCOUNT}:saml-provider/Corp"),
    ):
        with pytest.raises(ClientError) as caught:
            _pool(identity, **{member: [arn]})
        code, message = error(caught)
        assert code == "InvalidParameterException" and arn in message


def test_role_mappings_must_name_a_provider_of_the_pool(identity: Any) -> None:
    pool_id = _mapped_pool(identity)
    token = {"Type": "Token", "AmbiguousRoleResolution": "Deny"}
    for key in (
        "accounts.google.com",
        USER_POOL,
        f"{USER_POOL}:client2",
        f"https://{USER_POOL}:client1",
        f"arn:aws:iam::{ACCOUNT}:saml-provider/Corp",
        "id.example.com",
    ):
        with pytest.raises(ClientError) as caught:
            identity.set_identity_pool_roles(
                IdentityPoolId=pool_id, Roles={}, RoleMappings={key: token}
            )
        assert error(caught) == (
            "InvalidParameterException",
            f"({key}) is not a valid RoleMapping ProviderName or is not a configured provider.",
        )


def test_roles_and_role_mappings_are_stored_and_replaced(identity: Any) -> None:
    pool_id = _mapped_pool(identity)
    fresh = identity.get_identity_pool_roles(IdentityPoolId=pool_id)
    assert (fresh["IdentityPoolId"], fresh["Roles"]) == (pool_id, {})
    assert "RoleMappings" not in fresh
    mappings = {
        f"{USER_POOL}:client1": {"Type": "Token", "AmbiguousRoleResolution": "AuthenticatedRole"},
        "graph.facebook.com": _rules(25),
    }
    roles = {"authenticated": ROLE + "Auth", "unauthenticated": ROLE + "Guest"}
    identity.set_identity_pool_roles(IdentityPoolId=pool_id, Roles=roles, RoleMappings=mappings)
    got = identity.get_identity_pool_roles(IdentityPoolId=pool_id)
    assert got["Roles"] == roles and got["RoleMappings"] == mappings
    identity.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={"authenticated": ROLE + "A"})
    got = identity.get_identity_pool_roles(IdentityPoolId=pool_id)
    assert got["Roles"] == {"authenticated": ROLE + "A"} and "RoleMappings" not in got


@pytest.mark.parametrize(
    "mapping",
    [
        _rules(26),
        {"Type": "Rules", "AmbiguousRoleResolution": "Deny"},
        {"Type": "Token"},
        {
            **_rules(1),
            "RulesConfiguration": {
                "Rules": [{**_rules(1)["RulesConfiguration"]["Rules"][0], "RoleARN": "x" * 20}]
            },
        },
    ],
    ids=["26-rules", "rules-without-configuration", "no-ambiguity-rule", "not-a-role-arn"],
)
def test_role_mappings_are_checked_as_cognito_checks_them(
    identity: Any, mapping: dict[str, Any]
) -> None:
    pool_id = _mapped_pool(identity)
    with pytest.raises(ClientError) as caught:
        identity.set_identity_pool_roles(
            IdentityPoolId=pool_id, Roles={}, RoleMappings={"graph.facebook.com": mapping}
        )
    assert error(caught)[0] == "InvalidParameterException"


def test_roles_take_only_the_two_keys(raw: Any, identity: Any) -> None:
    pool_id = _pool(identity)["IdentityPoolId"]
    with pytest.raises(ClientError) as caught:
        raw.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={"admin": ROLE + "Admin"})
    assert error(caught)[0] == "ValidationException"
    with pytest.raises(ClientError) as caught:
        identity.set_identity_pool_roles(
            IdentityPoolId=pool_id, Roles={"authenticated": "arn:aws:s3:::photos-bucket"}
        )
    assert error(caught)[0] == "InvalidParameterException"


def test_principal_tag_maps_are_off_until_set_and_default_to_username_and_client(
    identity: Any,
) -> None:
    pool_id = _pool(identity)["IdentityPoolId"]
    with pytest.raises(ClientError) as caught:
        identity.get_principal_tag_attribute_map(
            IdentityPoolId=pool_id, IdentityProviderName=USER_POOL
        )
    assert error(caught)[0] == "ResourceNotFoundException"
    identity.set_principal_tag_attribute_map(
        IdentityPoolId=pool_id, IdentityProviderName=USER_POOL, UseDefaults=True
    )
    got = identity.get_principal_tag_attribute_map(
        IdentityPoolId=pool_id, IdentityProviderName=USER_POOL
    )
    assert (got["UseDefaults"], got["PrincipalTags"]) == (
        True,
        {"username": "sub", "client": "aud"},
    )
    set_ = identity.set_principal_tag_attribute_map(
        IdentityPoolId=pool_id,
        IdentityProviderName=USER_POOL,
        UseDefaults=False,
        PrincipalTags={"department": "custom:dept"},
    )
    got = identity.get_principal_tag_attribute_map(
        IdentityPoolId=pool_id, IdentityProviderName=USER_POOL
    )
    del set_["ResponseMetadata"], got["ResponseMetadata"]
    assert (
        set_
        == got
        == {
            "IdentityPoolId": pool_id,
            "IdentityProviderName": USER_POOL,
            "UseDefaults": False,
            "PrincipalTags": {"department": "custom:dept"},
        }
    )
    amazon = identity.set_principal_tag_attribute_map(
        IdentityPoolId=pool_id, IdentityProviderName="www.amazon.com", UseDefaults=True
    )
    assert amazon["PrincipalTags"] == {"username": "user_id", "client": "aud"}
    # An empty custom map turns the provider's tags off again.
    off = identity.set_principal_tag_attribute_map(
        IdentityPoolId=pool_id, IdentityProviderName=USER_POOL, UseDefaults=False, PrincipalTags={}
    )
    assert (off["UseDefaults"], off["PrincipalTags"]) == (False, {})
    with pytest.raises(ClientError) as caught:
        identity.get_principal_tag_attribute_map(
            IdentityPoolId=pool_id, IdentityProviderName=USER_POOL
        )
    assert error(caught)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as caught:
        identity.get_principal_tag_attribute_map(
            IdentityPoolId="us-east-1:00000000-0000-4000-8000-000000000000",
            IdentityProviderName=USER_POOL,
        )
    assert error(caught)[0] == "ResourceNotFoundException"


def test_identities_of_a_new_pool(identity: Any) -> None:
    pool_id = _pool(identity)["IdentityPoolId"]
    listed = identity.list_identities(IdentityPoolId=pool_id, MaxResults=10, HideDisabled=True)
    assert (listed["IdentityPoolId"], listed["Identities"]) == (pool_id, [])
    missing = "us-east-1:00000000-0000-4000-8000-000000000000"
    with pytest.raises(ClientError) as caught:
        identity.describe_identity(IdentityId=missing)
    assert error(caught) == ("ResourceNotFoundException", f"Identity '{missing}' not found.")
    elsewhere = "eu-west-1:00000000-0000-4000-8000-000000000000"
    deleted = identity.delete_identities(IdentityIdsToDelete=[missing, elsewhere])
    assert deleted["UnprocessedIdentityIds"] == [
        {"IdentityId": elsewhere, "ErrorCode": "AccessDenied"}
    ]

"""Groups: the group operations, memberships, pagination, and the claims groups put in tokens."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.helpers.errors import error_of
from tests.helpers.pools import make_user, setup_pool, sign_in
from tests.helpers.tokens import claims

ROLE = "arn:aws:iam::123456789012:role/{}"


def test_create_get_update_and_delete_a_group(idp: Any) -> None:
    pool_id, _ = setup_pool(idp)
    created = idp.create_group(
        UserPoolId=pool_id,
        GroupName="admins",
        Description="People who run things",
        RoleArn=ROLE.format("admin"),
        Precedence=1,
    )["Group"]
    assert created["GroupName"] == "admins"
    assert created["UserPoolId"] == pool_id
    assert created["Precedence"] == 1
    assert idp.get_group(UserPoolId=pool_id, GroupName="admins")["Group"] == created

    updated = idp.update_group(UserPoolId=pool_id, GroupName="admins", Precedence=5)["Group"]
    assert updated["Precedence"] == 5
    assert updated["Description"] == "People who run things"  # untouched
    assert updated["RoleArn"] == ROLE.format("admin")

    with pytest.raises(ClientError) as excinfo:
        idp.create_group(UserPoolId=pool_id, GroupName="admins")
    assert error_of(excinfo) == (
        "GroupExistsException",
        "A group with the name admins already exists.",
    )
    idp.create_group(UserPoolId=pool_id, GroupName="Admins")  # names are case-sensitive

    idp.delete_group(UserPoolId=pool_id, GroupName="admins")
    with pytest.raises(ClientError) as excinfo:
        idp.get_group(UserPoolId=pool_id, GroupName="admins")
    assert error_of(excinfo) == ("ResourceNotFoundException", "Group not found.")
    for call in (idp.delete_group, idp.update_group):
        with pytest.raises(idp.exceptions.ResourceNotFoundException):
            call(UserPoolId=pool_id, GroupName="admins")


def test_groups_of_an_unknown_pool_are_not_found(idp: Any) -> None:
    with pytest.raises(idp.exceptions.ResourceNotFoundException):
        idp.create_group(UserPoolId="us-east-1_nothere00", GroupName="x")


def test_groups_and_members_are_listed_in_pages(idp: Any) -> None:
    pool_id, _ = setup_pool(idp)
    for name in ("c", "a", "b"):
        idp.create_group(UserPoolId=pool_id, GroupName=name)
    first = idp.list_groups(UserPoolId=pool_id, Limit=2)
    assert [g["GroupName"] for g in first["Groups"]] == ["a", "b"]
    rest = idp.list_groups(UserPoolId=pool_id, Limit=2, NextToken=first["NextToken"])
    assert [g["GroupName"] for g in rest["Groups"]] == ["c"]
    assert "NextToken" not in rest

    for number in range(3):
        make_user(idp, pool_id, f"member-{number}", email=f"m{number}@example.com")
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username=f"member-{number}", GroupName="a")
    idp.admin_add_user_to_group(UserPoolId=pool_id, Username="member-0", GroupName="a")  # again
    page = idp.list_users_in_group(UserPoolId=pool_id, GroupName="a", Limit=2)
    following = idp.list_users_in_group(
        UserPoolId=pool_id, GroupName="a", Limit=2, NextToken=page["NextToken"]
    )
    names = [u["Username"] for u in page["Users"] + following["Users"]]
    assert sorted(names) == ["member-0", "member-1", "member-2"]
    assert "NextToken" not in following
    emails = {a["Value"] for u in page["Users"] for a in u["Attributes"] if a["Name"] == "email"}
    assert len(emails) == 2

    idp.admin_add_user_to_group(UserPoolId=pool_id, Username="member-0", GroupName="c")
    idp.admin_add_user_to_group(UserPoolId=pool_id, Username="member-0", GroupName="b")
    mine = idp.admin_list_groups_for_user(UserPoolId=pool_id, Username="member-0", Limit=2)
    assert [g["GroupName"] for g in mine["Groups"]] == ["a", "b"]
    more = idp.admin_list_groups_for_user(
        UserPoolId=pool_id, Username="member-0", NextToken=mine["NextToken"]
    )
    assert [g["GroupName"] for g in more["Groups"]] == ["c"]

    idp.admin_remove_user_from_group(UserPoolId=pool_id, Username="member-0", GroupName="a")
    left = idp.admin_list_groups_for_user(UserPoolId=pool_id, Username="member-0")["Groups"]
    assert [g["GroupName"] for g in left] == ["b", "c"]
    idp.delete_group(UserPoolId=pool_id, GroupName="b")
    left = idp.admin_list_groups_for_user(UserPoolId=pool_id, Username="member-0")["Groups"]
    assert [g["GroupName"] for g in left] == ["c"]


def test_memberships_need_a_real_user_and_group(idp: Any) -> None:
    pool_id, _ = setup_pool(idp)
    idp.create_group(UserPoolId=pool_id, GroupName="team")
    make_user(idp, pool_id, "present")
    with pytest.raises(idp.exceptions.UserNotFoundException):
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username="absent", GroupName="team")
    with pytest.raises(idp.exceptions.ResourceNotFoundException):
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username="present", GroupName="nope")
    with pytest.raises(idp.exceptions.ResourceNotFoundException):
        idp.list_users_in_group(UserPoolId=pool_id, GroupName="nope")
    with pytest.raises(idp.exceptions.InvalidParameterException):
        idp.list_groups(UserPoolId=pool_id, NextToken="not-a-token")


def test_groups_shape_the_tokens(idp: Any) -> None:
    pool_id, client_id = setup_pool(idp)
    make_user(idp, pool_id, "grouped")
    plain = sign_in(idp, client_id, "grouped")
    assert "cognito:groups" not in claims(plain["IdToken"])
    assert "cognito:groups" not in claims(plain["AccessToken"])

    for name, precedence, role in (
        ("readers", 10, "reader"),
        ("editors", 2, "editor"),
        ("everyone", None, None),
    ):
        options: dict[str, Any] = {"UserPoolId": pool_id, "GroupName": name}
        if precedence is not None:
            options["Precedence"] = precedence
        if role is not None:
            options["RoleArn"] = ROLE.format(role)
        idp.create_group(**options)
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username="grouped", GroupName=name)

    tokens = sign_in(idp, client_id, "grouped")
    identity, access = claims(tokens["IdToken"]), claims(tokens["AccessToken"])
    assert identity["cognito:groups"] == ["editors", "readers", "everyone"]
    assert access["cognito:groups"] == ["editors", "readers", "everyone"]
    assert identity["cognito:roles"] == [ROLE.format("editor"), ROLE.format("reader")]
    assert identity["cognito:preferred_role"] == ROLE.format("editor")
    assert "cognito:roles" not in access

    # Two groups of equal precedence with different roles: no preferred role.
    idp.update_group(UserPoolId=pool_id, GroupName="readers", Precedence=2)
    tied = claims(sign_in(idp, client_id, "grouped")["IdToken"])
    assert "cognito:preferred_role" not in tied
    assert len(tied["cognito:roles"]) == 2

    refreshed = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]},
    )["AuthenticationResult"]
    assert set(claims(refreshed["AccessToken"])["cognito:groups"]) == {
        "editors",
        "readers",
        "everyone",
    }

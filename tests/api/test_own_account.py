"""What a signed-in user does with the access token."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.pools import FLOWS, PASSWORD, make_user, sign_in
from tests.server import ServerProcess


def signed_in(idp: Any, name: str, **attributes: str) -> tuple[str, str, str]:
    pool_id = idp.create_user_pool(PoolName="own", AutoVerifiedAttributes=["email"])["UserPool"][
        "Id"
    ]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=FLOWS
    )["UserPoolClient"]["ClientId"]
    make_user(idp, pool_id, name, **attributes)
    return pool_id, client_id, sign_in(idp, client_id, name)["AccessToken"]


def test_change_password(idp: Any) -> None:
    _, client_id, token = signed_in(idp, "changer")
    with pytest.raises(idp.exceptions.NotAuthorizedException, match="Incorrect"):
        idp.change_password(
            PreviousPassword="Wrong-passw0rd!", ProposedPassword="N3w-password!", AccessToken=token
        )
    with pytest.raises(idp.exceptions.InvalidPasswordException):
        idp.change_password(
            PreviousPassword=PASSWORD, ProposedPassword="weakweak", AccessToken=token
        )
    idp.change_password(
        PreviousPassword=PASSWORD, ProposedPassword="N3w-password!", AccessToken=token
    )
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        sign_in(idp, client_id, "changer")
    assert sign_in(idp, client_id, "changer", "N3w-password!")["AccessToken"]


def test_update_and_verify_an_email(idp: Any, server: ServerProcess) -> None:
    pool_id, _, token = signed_in(idp, "verifier", email="old@example.com", email_verified="true")
    answer = idp.update_user_attributes(
        AccessToken=token,
        UserAttributes=[
            {"Name": "email", "Value": "new@example.com"},
            {"Name": "name", "Value": "V"},
        ],
    )
    assert answer["CodeDeliveryDetailsList"][0]["AttributeName"] == "email"
    attributes = {a["Name"]: a["Value"] for a in idp.get_user(AccessToken=token)["UserAttributes"]}
    assert attributes["email"] == "new@example.com" and attributes["email_verified"] == "false"
    with pytest.raises(idp.exceptions.CodeMismatchException):
        idp.verify_user_attribute(AccessToken=token, AttributeName="email", Code="000000")
    idp.verify_user_attribute(
        AccessToken=token, AttributeName="email", Code=server.last_code("new@example.com")
    )
    attributes = {a["Name"]: a["Value"] for a in idp.get_user(AccessToken=token)["UserAttributes"]}
    assert attributes["email_verified"] == "true"
    sent = idp.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    assert sent["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    idp.delete_user_attributes(AccessToken=token, UserAttributeNames=["name"])
    attributes = {a["Name"]: a["Value"] for a in idp.get_user(AccessToken=token)["UserAttributes"]}
    assert "name" not in attributes
    with pytest.raises(idp.exceptions.InvalidParameterException, match="unauthorized attribute"):
        idp.update_user_attributes(
            AccessToken=token, UserAttributes=[{"Name": "sub", "Value": "x"}]
        )
    with pytest.raises(idp.exceptions.InvalidParameterException, match="unauthorized attribute"):
        idp.update_user_attributes(
            AccessToken=token,
            UserAttributes=[
                {"Name": "email", "Value": "unproven@example.com"},
                {"Name": "email_verified", "Value": "true"},
            ],
        )
    attributes = {a["Name"]: a["Value"] for a in idp.get_user(AccessToken=token)["UserAttributes"]}
    assert attributes["email"] == "new@example.com"
    assert idp.admin_get_user(UserPoolId=pool_id, Username="verifier")["Username"] == "verifier"


def test_delete_user_ends_the_account(idp: Any) -> None:
    pool_id, _, token = signed_in(idp, "leaver")
    idp.delete_user(AccessToken=token)
    with pytest.raises(idp.exceptions.UserNotFoundException):
        idp.admin_get_user(UserPoolId=pool_id, Username="leaver")
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.get_user(AccessToken=token)


def test_a_verified_email_stays_until_the_new_one_is_proven(
    idp: Any, server: ServerProcess
) -> None:
    pool_id = idp.create_user_pool(
        PoolName="held",
        AutoVerifiedAttributes=["email"],
        UserAttributeUpdateSettings={"AttributesRequireVerificationBeforeUpdate": ["email"]},
    )["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=FLOWS
    )["UserPoolClient"]["ClientId"]
    make_user(idp, pool_id, "holder", email="kept@example.com", email_verified="true")
    token = sign_in(idp, client_id, "holder")["AccessToken"]
    idp.update_user_attributes(
        AccessToken=token, UserAttributes=[{"Name": "email", "Value": "next@example.com"}]
    )
    attributes = {a["Name"]: a["Value"] for a in idp.get_user(AccessToken=token)["UserAttributes"]}
    assert attributes["email"] == "kept@example.com" and attributes["email_verified"] == "true"
    idp.verify_user_attribute(
        AccessToken=token, AttributeName="email", Code=server.last_code("next@example.com")
    )
    attributes = {a["Name"]: a["Value"] for a in idp.get_user(AccessToken=token)["UserAttributes"]}
    assert attributes["email"] == "next@example.com" and attributes["email_verified"] == "true"

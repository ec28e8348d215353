"""NEW_PASSWORD_REQUIRED and the Session between challenges."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.helpers.pools import FLOWS, PASSWORD, setup_pool


def invited(idp: Any, **pool_options: Any) -> tuple[str, str, str]:
    pool_id = idp.create_user_pool(PoolName="invite", **pool_options)["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=FLOWS
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username="invitee",
        TemporaryPassword="Temp-passw0rd!",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": "invitee@example.com"}],
    )
    return pool_id, client_id, "Temp-passw0rd!"


def start(idp: Any, client_id: str, password: str) -> dict[str, Any]:
    answer: dict[str, Any] = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "invitee", "PASSWORD": password},
    )
    return answer


def test_a_temporary_password_leads_to_new_password_required(idp: Any) -> None:
    pool_id, client_id, temporary = invited(idp)
    challenge = start(idp, client_id, temporary)
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert "AuthenticationResult" not in challenge
    parameters = challenge["ChallengeParameters"]
    assert parameters["USER_ID_FOR_SRP"] == "invitee"
    assert json.loads(parameters["userAttributes"]) == {"email": "invitee@example.com"}
    assert json.loads(parameters["requiredAttributes"]) == []
    with pytest.raises(idp.exceptions.InvalidPasswordException):
        idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=challenge["Session"],
            ChallengeResponses={"USERNAME": "invitee", "NEW_PASSWORD": "weakpassword"},
        )
    # The refused answer used the session up; a new sign-in starts a new one.
    with pytest.raises(idp.exceptions.NotAuthorizedException, match="only be used once"):
        idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=challenge["Session"],
            ChallengeResponses={"USERNAME": "invitee", "NEW_PASSWORD": PASSWORD},
        )
    challenge = start(idp, client_id, temporary)
    done = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses={
            "USERNAME": "invitee",
            "NEW_PASSWORD": PASSWORD,
            "userAttributes.name": "Invited Person",
        },
    )
    tokens = done["AuthenticationResult"]
    user = idp.get_user(AccessToken=tokens["AccessToken"])
    assert {a["Name"]: a["Value"] for a in user["UserAttributes"]}["name"] == "Invited Person"
    status = idp.admin_get_user(UserPoolId=pool_id, Username="invitee")["UserStatus"]
    assert status == "CONFIRMED"
    assert start(idp, client_id, PASSWORD)["AuthenticationResult"]["AccessToken"]


def test_required_attributes_must_be_given_with_the_new_password(idp: Any) -> None:
    _, client_id, temporary = invited(
        idp, Schema=[{"Name": "name", "AttributeDataType": "String", "Required": True}]
    )
    challenge = start(idp, client_id, temporary)
    assert json.loads(challenge["ChallengeParameters"]["requiredAttributes"]) == [
        "userAttributes.name"
    ]
    with pytest.raises(idp.exceptions.InvalidParameterException, match="name is missing"):
        idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=challenge["Session"],
            ChallengeResponses={"USERNAME": "invitee", "NEW_PASSWORD": PASSWORD},
        )


def test_a_session_is_bound_to_its_client_and_cannot_be_forged(idp: Any) -> None:
    pool_id, client_id, temporary = invited(idp)
    other = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="other", ExplicitAuthFlows=FLOWS
    )["UserPoolClient"]["ClientId"]
    session = start(idp, client_id, temporary)["Session"]
    forged = session[:-8] + ("A" * 8 if not session.endswith("A" * 8) else "B" * 8)
    for client, token in ((other, session), (client_id, forged), (client_id, "x" * 40)):
        with pytest.raises(idp.exceptions.NotAuthorizedException, match="Invalid session"):
            idp.respond_to_auth_challenge(
                ClientId=client,
                ChallengeName="NEW_PASSWORD_REQUIRED",
                Session=token,
                ChallengeResponses={"USERNAME": "invitee", "NEW_PASSWORD": PASSWORD},
            )


def test_admin_respond_to_auth_challenge(idp: Any) -> None:
    pool_id, client_id = setup_pool(idp)
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username="admin-invitee",
        TemporaryPassword="Temp-passw0rd!",
        MessageAction="SUPPRESS",
    )
    challenge = idp.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "admin-invitee", "PASSWORD": "Temp-passw0rd!"},
    )
    done = idp.admin_respond_to_auth_challenge(
        UserPoolId=pool_id,
        ClientId=client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "admin-invitee", "NEW_PASSWORD": PASSWORD},
    )
    assert done["AuthenticationResult"]["IdToken"]

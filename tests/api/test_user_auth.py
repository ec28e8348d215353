"""Choice-based sign-in (USER_AUTH): password, SRP and passwordless codes as first factors."""

from __future__ import annotations

from typing import Any

import pytest
from pycognito.aws_srp import AWSSRP

from tests.helpers.pools import PASSWORD, make_user
from tests.helpers.user_auth import FLOWS, choice_pool, user_auth
from tests.server import ServerProcess


def test_select_challenge_lists_what_the_user_can_do(idp: Any) -> None:
    pool_id, client_id = choice_pool(idp, ["PASSWORD", "EMAIL_OTP", "SMS_OTP"])
    make_user(idp, pool_id, "chooser", email="chooser@example.com", email_verified="true")
    select = user_auth(idp, client_id, USERNAME="chooser")
    assert select["ChallengeName"] == "SELECT_CHALLENGE"
    assert select["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"]
    done = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="SELECT_CHALLENGE",
        Session=select["Session"],
        ChallengeResponses={"USERNAME": "chooser", "ANSWER": "PASSWORD", "PASSWORD": PASSWORD},
    )
    assert idp.get_user(AccessToken=done["AuthenticationResult"]["AccessToken"])
    factors = idp.admin_get_user_auth_factors(UserPoolId=pool_id, Username="chooser")
    assert factors["ConfiguredUserAuthFactors"] == ["PASSWORD", "EMAIL_OTP"]


def test_preferred_password_and_srp(idp: Any) -> None:
    pool_id, client_id = choice_pool(idp, ["PASSWORD"])
    make_user(idp, pool_id, "direct")
    direct = user_auth(
        idp, client_id, USERNAME="direct", PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD
    )
    assert direct["AuthenticationResult"]["AccessToken"]
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        user_auth(
            idp,
            client_id,
            USERNAME="direct",
            PREFERRED_CHALLENGE="PASSWORD",
            PASSWORD="Wr0ng-pass!",
        )
    srp = AWSSRP("direct", PASSWORD, pool_id, client_id, client=idp)
    parameters = srp.get_auth_params()
    verifier = user_auth(
        idp,
        client_id,
        USERNAME="direct",
        PREFERRED_CHALLENGE="PASSWORD_SRP",
        SRP_A=parameters["SRP_A"],
    )
    assert verifier["ChallengeName"] == "PASSWORD_VERIFIER"
    responses = srp.process_challenge(verifier["ChallengeParameters"], parameters)
    done = idp.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=responses
    )
    assert done["AuthenticationResult"]["IdToken"]
    with pytest.raises(idp.exceptions.InvalidParameterException, match="not available"):
        user_auth(idp, client_id, USERNAME="direct", PREFERRED_CHALLENGE="EMAIL_OTP")


def test_passwordless_email_and_sms_codes(idp: Any, server: ServerProcess) -> None:
    pool_id, client_id = choice_pool(idp, ["PASSWORD", "EMAIL_OTP", "SMS_OTP"])
    make_user(
        idp,
        pool_id,
        "codeonly",
        email="codeonly@example.com",
        email_verified="true",
        phone_number="+15555550177",
        phone_number_verified="true",
    )
    email = user_auth(idp, client_id, USERNAME="codeonly", PREFERRED_CHALLENGE="EMAIL_OTP")
    assert email["ChallengeName"] == "EMAIL_OTP"
    assert email["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "EMAIL"
    done = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="EMAIL_OTP",
        Session=email["Session"],
        ChallengeResponses={
            "USERNAME": "codeonly",
            "EMAIL_OTP_CODE": server.last_code("codeonly@example.com"),
        },
    )
    assert done["AuthenticationResult"]["AccessToken"]
    sms = user_auth(idp, client_id, USERNAME="codeonly", PREFERRED_CHALLENGE="SMS_OTP")
    assert sms["ChallengeName"] == "SMS_OTP"
    done = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="SMS_OTP",
        Session=sms["Session"],
        ChallengeResponses={
            "USERNAME": "codeonly",
            "SMS_OTP_CODE": server.last_code("+15555550177"),
        },
    )
    assert done["AuthenticationResult"]["AccessToken"]


def test_user_auth_needs_the_client_flow_and_a_confirmed_user(idp: Any) -> None:
    pool_id, client_id = choice_pool(idp, ["PASSWORD", "EMAIL_OTP"])
    plain = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="plain")["UserPoolClient"][
        "ClientId"
    ]
    with pytest.raises(idp.exceptions.InvalidParameterException, match="not enabled"):
        user_auth(idp, plain, USERNAME="anyone")
    idp.sign_up(
        ClientId=client_id,
        Username="pending",
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": "pending@example.com"}],
    )
    with pytest.raises(idp.exceptions.UserNotConfirmedException):
        user_auth(idp, client_id, USERNAME="pending", PREFERRED_CHALLENGE="EMAIL_OTP")


def test_an_unknown_user_is_not_revealed_when_the_client_hides_users(idp: Any) -> None:
    pool_id, client_id = choice_pool(idp, ["PASSWORD", "EMAIL_OTP"])
    hiding = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="hiding",
        ExplicitAuthFlows=FLOWS,
        PreventUserExistenceErrors="ENABLED",
    )["UserPoolClient"]["ClientId"]
    with pytest.raises(idp.exceptions.UserNotFoundException):
        user_auth(idp, client_id, USERNAME="nobody")
    # A code "goes" to a made-up address, and no code matches it (security review #8).
    decoy = user_auth(idp, hiding, USERNAME="nobody", PREFERRED_CHALLENGE="EMAIL_OTP")
    assert decoy["ChallengeName"] == "EMAIL_OTP"

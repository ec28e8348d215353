"""CUSTOM_AUTH driven by DefineAuthChallenge, CreateAuthChallenge and
VerifyAuthChallengeResponse handlers (tests/lambdas): three custom rounds, SRP first, failures."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.helpers.errors import error_of
from tests.helpers.pools import PASSWORD, make_user
from tests.helpers.srp import SrpClient
from tests.helpers.triggers import ARN, events

CUSTOM = {
    "DefineAuthChallenge": ARN.format("define-auth"),
    "CreateAuthChallenge": ARN.format("create-auth"),
    "VerifyAuthChallengeResponse": ARN.format("verify-auth"),
}


def custom_pool(idp: Any) -> tuple[str, str]:
    pool_id = idp.create_user_pool(PoolName="custom", LambdaConfig=CUSTOM)["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="app",
        ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def respond(idp: Any, client_id: str, challenge: dict[str, Any], answer: str) -> Any:
    return idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="CUSTOM_CHALLENGE",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "quizzed", "ANSWER": answer},
        ClientMetadata={"step": "answer"},
    )


def test_three_custom_rounds_then_tokens(idp: Any, server: Any) -> None:
    pool_id, client_id = custom_pool(idp)
    make_user(idp, pool_id, "quizzed")
    challenge = idp.initiate_auth(
        ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "quizzed"}
    )
    for number in (1, 2, 3):
        assert challenge["ChallengeName"] == "CUSTOM_CHALLENGE"
        parameters = challenge["ChallengeParameters"]
        assert parameters == {"question": f"What is {number} + {number}?", "USERNAME": "quizzed"}
        challenge = respond(idp, client_id, challenge, str(2 * number))
    tokens = challenge["AuthenticationResult"]
    assert idp.get_user(AccessToken=tokens["AccessToken"])["Username"] == "quizzed"

    defines = events(server, pool_id, "DefineAuthChallenge_Authentication")
    assert [len(e["request"]["session"]) for e in defines] == [0, 1, 2, 3]
    assert defines[-1]["request"]["session"][-1] == {
        "challengeName": "CUSTOM_CHALLENGE",
        "challengeResult": True,
        "challengeMetadata": "ROUND-3",
    }
    verifies = events(server, pool_id, "VerifyAuthChallengeResponse_Authentication")
    assert verifies[0]["request"]["privateChallengeParameters"] == {"answer": "2"}
    assert verifies[0]["request"]["clientMetadata"] == {"step": "answer"}


def test_a_wrong_answer_fails_the_sign_in(idp: Any) -> None:
    pool_id, client_id = custom_pool(idp)
    make_user(idp, pool_id, "quizzed")
    challenge = idp.initiate_auth(
        ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "quizzed"}
    )
    with pytest.raises(ClientError) as excinfo:
        respond(idp, client_id, challenge, "41")
    assert error_of(excinfo) == ("NotAuthorizedException", "Incorrect username or password.")
    with pytest.raises(idp.exceptions.NotAuthorizedException, match="only be used once"):
        respond(idp, client_id, challenge, "2")


def test_the_password_by_srp_first_then_a_custom_round(idp: Any, server: Any) -> None:
    pool_id, client_id = custom_pool(idp)
    make_user(idp, pool_id, "quizzed")
    srp = SrpClient(pool_id, PASSWORD)
    verifier = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="CUSTOM_AUTH",
        AuthParameters={"USERNAME": "quizzed", "SRP_A": srp.srp_a, "CHALLENGE_NAME": "SRP_A"},
    )
    assert verifier["ChallengeName"] == "PASSWORD_VERIFIER"
    custom = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="PASSWORD_VERIFIER",
        ChallengeResponses=srp.answer(verifier["ChallengeParameters"]),
    )
    assert custom["ChallengeName"] == "CUSTOM_CHALLENGE"
    done = respond(idp, client_id, custom, "2")
    assert done["AuthenticationResult"]["AccessToken"]
    sessions = [
        [s["challengeName"] for s in e["request"]["session"]]
        for e in events(server, pool_id, "DefineAuthChallenge_Authentication")
    ]
    assert sessions == [
        ["SRP_A"],
        ["SRP_A", "PASSWORD_VERIFIER"],
        ["SRP_A", "PASSWORD_VERIFIER", "CUSTOM_CHALLENGE"],
    ]


def test_a_wrong_password_before_the_custom_round_is_not_authorized(idp: Any) -> None:
    pool_id, client_id = custom_pool(idp)
    make_user(idp, pool_id, "quizzed")
    srp = SrpClient(pool_id, "Wrong-passw0rd!")
    verifier = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="CUSTOM_AUTH",
        AuthParameters={"USERNAME": "quizzed", "SRP_A": srp.srp_a, "CHALLENGE_NAME": "SRP_A"},
    )
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="PASSWORD_VERIFIER",
            ChallengeResponses=srp.answer(verifier["ChallengeParameters"]),
        )


def test_custom_auth_needs_its_functions_and_the_client(idp: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="plain")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="app")["UserPoolClient"][
        "ClientId"
    ]
    make_user(idp, pool_id, "someone")
    with pytest.raises(ClientError) as excinfo:
        idp.initiate_auth(
            ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "someone"}
        )
    assert error_of(excinfo) == (
        "InvalidParameterException",
        "Custom auth lambda trigger is not configured for the user pool.",
    )
    custom_pool_id, _ = custom_pool(idp)
    other = idp.create_user_pool_client(
        UserPoolId=custom_pool_id, ClientName="srp-only", ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"]
    )["UserPoolClient"]["ClientId"]
    with pytest.raises(idp.exceptions.InvalidParameterException, match="not enabled"):
        idp.initiate_auth(
            ClientId=other, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "someone"}
        )


def test_create_auth_challenge_answers_are_narrowed(idp: Any) -> None:
    config = {**CUSTOM, "CreateAuthChallenge": ARN.format("create-auth-odd")}
    pool_id = idp.create_user_pool(PoolName="odd", LambdaConfig=config)["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH"]
    )["UserPoolClient"]["ClientId"]
    make_user(idp, pool_id, "quizzed")

    def start(odd: str) -> Any:
        return idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="CUSTOM_AUTH",
            AuthParameters={"USERNAME": "quizzed"},
            ClientMetadata={"odd": odd},
        )

    # Numbers and booleans read as their text, as a Java map of strings reads them.
    challenge = start("scalars")
    assert challenge["ChallengeParameters"] == {
        "n": "5",
        "b": "true",
        "s": "x",
        "USERNAME": "quizzed",
    }
    for odd in ("object", "long"):
        with pytest.raises(idp.exceptions.InvalidLambdaResponseException):
            start(odd)

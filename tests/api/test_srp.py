"""USER_SRP_AUTH with the PASSWORD_VERIFIER challenge, signed by a client written from the spec
(srp_spec.md section 4) and by pycognito's SRP code."""

from __future__ import annotations

import base64
import hmac
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

from tests.helpers.errors import error_of
from tests.helpers.pools import PASSWORD, make_user
from tests.helpers.srp import WEEKDAYS, N, SrpClient, finish, start, timestamp


def setup_pool(idp: Any, **client_options: Any) -> tuple[str, str]:
    pool_id = idp.create_user_pool(PoolName="srp", AliasAttributes=["email"])["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="app", **client_options)[
        "UserPoolClient"
    ]["ClientId"]
    return pool_id, client_id


def test_srp_sign_in_returns_tokens_that_get_user_accepts(idp: Any) -> None:
    pool_id, client_id = setup_pool(idp)  # default ExplicitAuthFlows allow SRP
    make_user(idp, pool_id, "Zoë", email="zoe@example.com", email_verified="true")
    client = SrpClient(pool_id, PASSWORD)
    challenge = start(idp, client_id, client, "zoe@example.com")
    assert challenge["ChallengeName"] == "PASSWORD_VERIFIER"
    parameters = challenge["ChallengeParameters"]
    assert set(parameters) == {"SALT", "SRP_B", "SECRET_BLOCK", "USER_ID_FOR_SRP", "USERNAME"}
    assert parameters["USER_ID_FOR_SRP"] == parameters["USERNAME"] == "Zoë"
    assert parameters["SALT"] == format(int(parameters["SALT"], 16), "x")  # minimal hex
    assert parameters["SRP_B"] == format(int(parameters["SRP_B"], 16), "x")
    assert (
        base64.b64encode(base64.b64decode(parameters["SECRET_BLOCK"], validate=True)).decode()
        == (parameters["SECRET_BLOCK"])
    )
    result = finish(idp, client_id, challenge, responses=client.answer(parameters))
    tokens = result["AuthenticationResult"]
    assert tokens["TokenType"] == "Bearer" and tokens["RefreshToken"]
    assert idp.get_user(AccessToken=tokens["AccessToken"])["Username"] == "Zoë"


def test_srp_sign_in_with_a_client_secret_needs_secret_hash(idp: Any) -> None:
    pool_id, client_id = setup_pool(idp, GenerateSecret=True)
    secret = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)[
        "UserPoolClient"
    ]["ClientSecret"]
    make_user(idp, pool_id, "hashed")

    def secret_hash(name: str) -> str:
        digest = hmac.digest(secret.encode(), (name + client_id).encode(), "sha256")
        return base64.b64encode(digest).decode()

    client = SrpClient(pool_id, PASSWORD)
    with pytest.raises(ClientError) as excinfo:
        start(idp, client_id, client, "hashed")
    assert error_of(excinfo)[0] == "NotAuthorizedException"
    challenge = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_SRP_AUTH",
        AuthParameters={
            "USERNAME": "hashed",
            "SRP_A": client.srp_a,
            "SECRET_HASH": secret_hash("hashed"),
        },
    )
    responses = client.answer(challenge["ChallengeParameters"])
    responses["SECRET_HASH"] = secret_hash("hashed")
    result = finish(idp, client_id, challenge, responses=responses)
    assert idp.get_user(AccessToken=result["AuthenticationResult"]["AccessToken"])


def test_pycognito_srp_math_signs_in(idp: Any, server: Any) -> None:
    """pycognito's own A, timestamp and claim, answered step by step."""
    pool_id, client_id = setup_pool(idp)
    make_user(idp, pool_id, "py-user")
    srp_client = AWSSRP("py-user", PASSWORD, pool_id, client_id, client=idp)
    auth_parameters = srp_client.get_auth_params()
    challenge = idp.initiate_auth(
        ClientId=client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=auth_parameters
    )
    responses = srp_client.process_challenge(challenge["ChallengeParameters"], auth_parameters)
    result = finish(idp, client_id, challenge, responses=responses)
    assert idp.get_user(AccessToken=result["AuthenticationResult"]["AccessToken"])


def test_pycognito_authenticate_user_signs_in(idp: Any) -> None:
    pool_id, client_id = setup_pool(idp)
    make_user(idp, pool_id, "py-user")
    tokens = AWSSRP("py-user", PASSWORD, pool_id, client_id, client=idp).authenticate_user()
    assert idp.get_user(AccessToken=tokens["AuthenticationResult"]["AccessToken"])


def test_srp_sign_in_with_a_wrong_password_is_not_authorized(idp: Any) -> None:
    pool_id, client_id = setup_pool(idp)
    make_user(idp, pool_id, "wrong")
    client = SrpClient(pool_id, PASSWORD + "x")
    challenge = start(idp, client_id, client, "wrong")
    with pytest.raises(ClientError) as excinfo:
        finish(idp, client_id, challenge, responses=client.answer(challenge["ChallengeParameters"]))
    assert error_of(excinfo) == ("NotAuthorizedException", "Incorrect username or password.")


def test_a_replayed_password_verifier_session_is_not_authorized(idp: Any) -> None:
    pool_id, client_id = setup_pool(idp)
    make_user(idp, pool_id, "replayed")
    client = SrpClient(pool_id, PASSWORD)
    challenge = start(idp, client_id, client, "replayed")
    responses = client.answer(challenge["ChallengeParameters"])
    assert finish(idp, client_id, challenge, responses=responses)["AuthenticationResult"]
    with pytest.raises(ClientError) as excinfo:
        finish(idp, client_id, challenge, responses=responses)
    assert error_of(excinfo)[0] == "NotAuthorizedException"


def test_a_signature_over_a_wrong_weekday_is_not_authorized(idp: Any) -> None:
    pool_id, client_id = setup_pool(idp)
    make_user(idp, pool_id, "clock")
    client = SrpClient(pool_id, PASSWORD)
    challenge = start(idp, client_id, client, "clock")
    responses = client.answer(challenge["ChallengeParameters"])
    now = datetime.now(UTC)
    wrong_day = WEEKDAYS[(now.weekday() + 1) % 7]
    responses["TIMESTAMP"] = wrong_day + timestamp(now)[3:]
    with pytest.raises(ClientError) as excinfo:
        finish(idp, client_id, challenge, responses=responses)
    assert error_of(excinfo)[0] == "NotAuthorizedException"


def test_a_signature_an_hour_old_is_not_authorized(idp: Any) -> None:
    pool_id, client_id = setup_pool(idp)
    make_user(idp, pool_id, "stale")
    client = SrpClient(pool_id, PASSWORD)
    challenge = start(idp, client_id, client, "stale")
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    responses = client.answer(challenge["ChallengeParameters"], moment=an_hour_ago)
    with pytest.raises(ClientError) as excinfo:
        finish(idp, client_id, challenge, responses=responses)
    assert error_of(excinfo)[0] == "NotAuthorizedException"


def test_an_unknown_user_gets_a_challenge_that_fails_when_existence_errors_are_prevented(
    idp: Any,
) -> None:
    pool_id, client_id = setup_pool(idp, PreventUserExistenceErrors="ENABLED")
    client = SrpClient(pool_id, PASSWORD)
    challenge = start(idp, client_id, client, "nobody")
    parameters = challenge["ChallengeParameters"]
    assert challenge["ChallengeName"] == "PASSWORD_VERIFIER"
    assert parameters["USER_ID_FOR_SRP"] == parameters["USERNAME"] == "nobody"
    again = start(idp, client_id, SrpClient(pool_id, PASSWORD), "nobody")
    assert again["ChallengeParameters"]["SALT"] == parameters["SALT"]  # stable, like a real user's
    with pytest.raises(ClientError) as excinfo:
        finish(idp, client_id, challenge, responses=client.answer(parameters))
    assert error_of(excinfo) == ("NotAuthorizedException", "Incorrect username or password.")


def test_an_unknown_user_is_not_found_when_existence_errors_are_legacy(idp: Any) -> None:
    pool_id, client_id = setup_pool(idp, PreventUserExistenceErrors="LEGACY")
    with pytest.raises(ClientError) as excinfo:
        start(idp, client_id, SrpClient(pool_id, PASSWORD), "nobody")
    assert error_of(excinfo) == ("UserNotFoundException", "User does not exist.")


@pytest.mark.parametrize("srp_a", ["0", "00", format(N, "x"), format(2 * N, "x")])
def test_an_srp_a_of_zero_mod_n_is_refused(idp: Any, srp_a: str) -> None:
    pool_id, client_id = setup_pool(idp)
    make_user(idp, pool_id, "zero")
    with pytest.raises(ClientError) as excinfo:
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_SRP_AUTH",
            AuthParameters={"USERNAME": "zero", "SRP_A": srp_a},
        )
    assert error_of(excinfo)[0] == "NotAuthorizedException"


def test_srp_is_refused_when_the_client_does_not_allow_it(idp: Any) -> None:
    pool_id, client_id = setup_pool(idp, ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])
    make_user(idp, pool_id, "barred")
    with pytest.raises(ClientError) as excinfo:
        start(idp, client_id, SrpClient(pool_id, PASSWORD), "barred")
    assert error_of(excinfo) == (
        "InvalidParameterException",
        "USER_SRP_AUTH flow not enabled for this client",
    )


def test_srp_sign_in_with_a_temporary_password_asks_for_a_new_one(idp: Any) -> None:
    pool_id, client_id = setup_pool(idp)
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username="newcomer",
        TemporaryPassword=PASSWORD,
        MessageAction="SUPPRESS",
    )
    client = SrpClient(pool_id, PASSWORD)
    challenge = start(idp, client_id, client, "newcomer")
    result = finish(
        idp, client_id, challenge, responses=client.answer(challenge["ChallengeParameters"])
    )
    assert result["ChallengeName"] == "NEW_PASSWORD_REQUIRED" and result["Session"]


def test_srp_sign_in_works_for_the_longest_username(idp: Any) -> None:
    """128 four-byte characters: the challenge state must still fit a 2048-character Session."""
    pool_id, client_id = setup_pool(idp)
    name = "\U0001f600" * 128
    make_user(idp, pool_id, name)
    client = SrpClient(pool_id, PASSWORD)
    challenge = start(idp, client_id, client, name)
    responses = client.answer(challenge["ChallengeParameters"])
    result = finish(idp, client_id, challenge, responses=responses)
    assert (
        idp.get_user(AccessToken=result["AuthenticationResult"]["AccessToken"])["Username"] == name
    )

"""The lockout, counted atomically: passwords, second-factor codes, ChangePassword, codes."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import botocore.exceptions
import pytest

from tests.conftest import client
from tests.helpers.mfa import enrol, next_step_code, totp_pool
from tests.helpers.pools import PASSWORD, make_user, setup_pool, sign_in
from tests.server import ServerProcess

MFA_LOCKED = (
    "Too many invalid credentials attempts. User temporarily locked. "
    "Please try again after few seconds."
)


def in_parallel(server: ServerProcess, count: int, call: Callable[[Any], Any]) -> list[str]:
    """Run ``call(idp)`` ``count`` times at once; each outcome as "ok" or "Code: message"."""
    clients = [client("cognito-idp", server.url) for _ in range(count)]

    def outcome(idp: Any) -> str:
        try:
            call(idp)
        except botocore.exceptions.ClientError as error:
            return f"{error.response['Error']['Code']}: {error.response['Error']['Message']}"
        return "ok"

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(outcome, clients))


def password_then_code(idp: Any, client_id: str, name: str, code: str) -> dict[str, Any]:
    challenge = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD},
    )
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    answer: dict[str, Any] = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="SOFTWARE_TOKEN_MFA",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": code},
    )
    return answer


def test_a_right_password_does_not_clear_wrong_totp_codes(idp: Any) -> None:
    """Security review #3: 10 cycles of the right password then a wrong TOTP code end refused,
    and while the lock holds even the right code is refused."""
    pool_id, client_id = totp_pool(idp)
    totp = enrol(idp, pool_id, client_id, "guessed")
    right = next_step_code(totp)
    wrong = "000000" if right != "000000" else "111111"
    answers = []
    for _ in range(10):
        try:
            password_then_code(idp, client_id, "guessed", wrong)
        except idp.exceptions.CodeMismatchException:
            answers.append("mismatch")
        except idp.exceptions.NotAuthorizedException as error:
            assert error.response["Error"]["Message"] == MFA_LOCKED
            answers.append("locked")
    assert answers == ["mismatch"] * 5 + ["locked"] * 5
    with pytest.raises(idp.exceptions.NotAuthorizedException) as locked:
        password_then_code(idp, client_id, "guessed", right)
    assert locked.value.response["Error"]["Message"] == MFA_LOCKED
    # The password lockout is a counter of its own, untouched by all this.
    assert sign_in_step(idp, client_id, "guessed") == "SOFTWARE_TOKEN_MFA"


def sign_in_step(idp: Any, client_id: str, name: str) -> str:
    answer = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD},
    )
    return str(answer["ChallengeName"])


def test_a_right_code_after_a_few_wrong_ones_signs_in(idp: Any) -> None:
    """Security review #3: four wrong codes, then the right one, then tokens again later."""
    pool_id, client_id = totp_pool(idp)
    totp = enrol(idp, pool_id, client_id, "clumsy")
    right = next_step_code(totp)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(4):
        with pytest.raises(idp.exceptions.CodeMismatchException):
            password_then_code(idp, client_id, "clumsy", wrong)
    done = password_then_code(idp, client_id, "clumsy", right)
    assert done["AuthenticationResult"]["AccessToken"]
    # Tokens were issued, so the four failures are forgotten: four more are allowed.
    for _ in range(4):
        with pytest.raises(idp.exceptions.CodeMismatchException):
            password_then_code(idp, client_id, "clumsy", wrong)


@pytest.fixture(scope="module")
def costly_server(backend: str, make_server: Any) -> ServerProcess:
    """A server hashing at the production argon2 cost, so each check takes real time."""
    process: ServerProcess = make_server(
        backend,
        extra_env={"COGNITIO_ARGON2_MEMORY_KIB": "19456", "COGNITIO_ARGON2_TIME_COST": "2"},
    )
    process.start()
    return process


def test_parallel_wrong_passwords_cannot_pass_the_limit(costly_server: ServerProcess) -> None:
    """Security review #15: of 24 wrong passwords at once, at most 5 are checked."""
    server = costly_server
    idp = client("cognito-idp", server.url)
    pool_id, client_id = setup_pool(idp)
    make_user(idp, pool_id, "target")

    def guess(each: Any) -> None:
        each.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "target", "PASSWORD": "Wr0ng-guess!"},
        )

    outcomes = in_parallel(server, 24, guess)
    incorrect = outcomes.count("NotAuthorizedException: Incorrect username or password.")
    exceeded = outcomes.count("NotAuthorizedException: Password attempts exceeded")
    assert incorrect <= 5
    assert incorrect + exceeded == 24


def test_change_password_guesses_count_in_the_lockout(idp: Any) -> None:
    """Security review #20: PreviousPassword is a guess like a sign-in's."""
    pool_id, client_id = setup_pool(idp)
    make_user(idp, pool_id, "stolen-token")
    token = sign_in(idp, client_id, "stolen-token")["AccessToken"]
    for _ in range(5):
        with pytest.raises(idp.exceptions.NotAuthorizedException) as wrong:
            idp.change_password(
                AccessToken=token, PreviousPassword="Wr0ng-guess!", ProposedPassword="N3w-pass!!"
            )
        assert wrong.value.response["Error"]["Message"] == "Incorrect username or password."
    with pytest.raises(idp.exceptions.LimitExceededException) as limited:
        idp.change_password(
            AccessToken=token, PreviousPassword=PASSWORD, ProposedPassword="N3w-pass!!"
        )
    assert (
        limited.value.response["Error"]["Message"]
        == "Attempt limit exceeded, please try after some time."
    )


def test_change_password_still_works(idp: Any) -> None:
    pool_id, client_id = setup_pool(idp)
    make_user(idp, pool_id, "changer")
    token = sign_in(idp, client_id, "changer")["AccessToken"]
    idp.change_password(AccessToken=token, PreviousPassword=PASSWORD, ProposedPassword="N3w-pass!!")
    assert sign_in(idp, client_id, "changer", "N3w-pass!!")["AccessToken"]


def test_parallel_attribute_code_guesses_stop_at_five(idp: Any, server: ServerProcess) -> None:
    """Security review #24: VerifyUserAttribute counts its guesses atomically."""
    pool_id, client_id = setup_pool(idp)
    make_user(idp, pool_id, "verifier", email="verifier@example.com")
    token = sign_in(idp, client_id, "verifier")["AccessToken"]
    idp.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")

    def guess(each: Any) -> None:
        each.verify_user_attribute(AccessToken=token, AttributeName="email", Code="000000")

    outcomes = in_parallel(server, 24, guess)
    mismatches = [o for o in outcomes if o.startswith("CodeMismatchException")]
    limited = outcomes.count(
        "LimitExceededException: Attempt limit exceeded, please try after some time."
    )
    assert len(mismatches) + outcomes.count("ok") <= 5
    assert limited >= 19


def test_wrong_one_time_sign_in_codes_lock_the_second_factor(
    idp: Any, server: ServerProcess
) -> None:
    """Security review #3: passwordless EMAIL_OTP codes count in the second-factor lockout,
    whatever new code each sign-in sends; while locked, the right code is refused too."""
    pool_id = idp.create_user_pool(
        PoolName="otp",
        Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}},
    )["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_AUTH"]
    )["UserPoolClient"]["ClientId"]
    make_user(idp, pool_id, "otp-user", email="otp-user@example.com", email_verified="true")

    def answer(code: str | None) -> dict[str, Any]:
        started = idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_AUTH",
            AuthParameters={"USERNAME": "otp-user", "PREFERRED_CHALLENGE": "EMAIL_OTP"},
        )
        sent = server.last_code("otp-user@example.com")
        wrong = "000000" if sent != "000000" else "111111"
        result: dict[str, Any] = idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="EMAIL_OTP",
            Session=started["Session"],
            ChallengeResponses={"USERNAME": "otp-user", "EMAIL_OTP_CODE": code or wrong},
        )
        return result

    for _ in range(5):
        with pytest.raises(idp.exceptions.CodeMismatchException):
            answer(None)
    started = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": "otp-user", "PREFERRED_CHALLENGE": "EMAIL_OTP"},
    )
    with pytest.raises(idp.exceptions.NotAuthorizedException) as locked:
        idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="EMAIL_OTP",
            Session=started["Session"],
            ChallengeResponses={
                "USERNAME": "otp-user",
                "EMAIL_OTP_CODE": server.last_code("otp-user@example.com"),
            },
        )
    assert locked.value.response["Error"]["Message"] == MFA_LOCKED

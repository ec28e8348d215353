"""Security review #12: strings an attacker chooses get Cognito's 4xx answer, never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.mfa import enrol, next_step_code, totp_pool
from tests.helpers.pools import FLOWS, PASSWORD, make_user

ARABIC_INDIC_DIGITS = "١٢٣٤٥٦"  # isdigit() is true for these


def test_a_non_ascii_secret_hash_is_not_authorized(idp: Any) -> None:
    """Security review #12: the SECRET_HASH compare used to raise TypeError on non-ASCII."""
    pool_id = idp.create_user_pool(PoolName="odd-secret")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="secret", ExplicitAuthFlows=FLOWS, GenerateSecret=True
    )["UserPoolClient"]["ClientId"]
    make_user(idp, pool_id, "hashed")
    for given in ("é" * 44, "ü", ARABIC_INDIC_DIGITS):
        with pytest.raises(idp.exceptions.NotAuthorizedException, match="Unable to verify secret"):
            idp.initiate_auth(
                ClientId=client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": "hashed", "PASSWORD": PASSWORD, "SECRET_HASH": given},
            )


def test_digits_of_another_script_are_not_a_totp_code(idp: Any) -> None:
    """Security review #12: ``١٢٣٤٥٦`` passed isdigit() and then broke the compare (a 500)."""
    pool_id, client_id = totp_pool(idp)
    totp = enrol(idp, pool_id, client_id, "arabic-digits")

    def challenge() -> str:
        answer = idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "arabic-digits", "PASSWORD": PASSWORD},
        )
        assert answer["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
        return str(answer["Session"])

    def respond(session: str, code: str) -> dict[str, Any]:
        answer: dict[str, Any] = idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="SOFTWARE_TOKEN_MFA",
            Session=session,
            ChallengeResponses={"USERNAME": "arabic-digits", "SOFTWARE_TOKEN_MFA_CODE": code},
        )
        return answer

    code = next_step_code(totp)
    # The right code, spelled in Arabic-Indic digits, is still not the code.
    spelled = code.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    for wrong in (spelled, ARABIC_INDIC_DIGITS, "é" * 6):
        with pytest.raises(idp.exceptions.CodeMismatchException):
            respond(challenge(), wrong)
    assert respond(challenge(), code)["AuthenticationResult"]["AccessToken"]

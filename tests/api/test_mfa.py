"""Software-token MFA: set-up, sign-in with a code, a code used once, preferences."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest

from tests.helpers.mfa import enrol, next_step_code, totp_pool
from tests.helpers.pools import FLOWS, PASSWORD, make_user, sign_in


def test_sign_in_asks_for_the_code_and_accepts_it_once(idp: Any) -> None:
    pool_id, client_id = totp_pool(idp)
    totp = enrol(idp, pool_id, client_id, "mfa-user")
    challenge = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "mfa-user", "PASSWORD": PASSWORD},
    )
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    assert "AuthenticationResult" not in challenge
    code = next_step_code(totp)
    done = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="SOFTWARE_TOKEN_MFA",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "mfa-user", "SOFTWARE_TOKEN_MFA_CODE": code},
    )
    assert idp.get_user(AccessToken=done["AuthenticationResult"]["AccessToken"])
    again = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "mfa-user", "PASSWORD": PASSWORD},
    )
    with pytest.raises(idp.exceptions.ExpiredCodeException):
        idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="SOFTWARE_TOKEN_MFA",
            Session=again["Session"],
            ChallengeResponses={"USERNAME": "mfa-user", "SOFTWARE_TOKEN_MFA_CODE": code},
        )
    admin_view = idp.admin_get_user(UserPoolId=pool_id, Username="mfa-user")
    assert admin_view["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]


def test_mfa_off_in_the_pool_or_for_the_user_skips_the_challenge(idp: Any) -> None:
    pool_id, client_id = totp_pool(idp)
    enrol(idp, pool_id, client_id, "optional")
    idp.admin_set_user_mfa_preference(
        UserPoolId=pool_id,
        Username="optional",
        SoftwareTokenMfaSettings={"Enabled": False, "PreferredMfa": False},
    )
    assert sign_in(idp, client_id, "optional")["AccessToken"]
    assert "UserMFASettingList" not in idp.admin_get_user(UserPoolId=pool_id, Username="optional")


def test_totp_needs_the_pool_to_allow_it(idp: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="no-totp")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=FLOWS
    )["UserPoolClient"]["ClientId"]
    make_user(idp, pool_id, "plain")
    token = sign_in(idp, client_id, "plain")["AccessToken"]
    with pytest.raises(idp.exceptions.InvalidUserPoolConfigurationException):
        idp.associate_software_token(AccessToken=token)
    with pytest.raises(idp.exceptions.InvalidParameterException, match="delivery config"):
        idp.set_user_mfa_preference(AccessToken=token, SoftwareTokenMfaSettings={"Enabled": True})


def test_a_pool_with_mfa_on_sets_up_the_token_during_sign_in(idp: Any) -> None:
    pool_id, client_id = totp_pool(idp, mode="ON")
    make_user(idp, pool_id, "newcomer")
    challenge = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "newcomer", "PASSWORD": PASSWORD},
    )
    assert challenge["ChallengeName"] == "MFA_SETUP"
    assert challenge["ChallengeParameters"]["MFAS_CAN_SETUP"] == '["SOFTWARE_TOKEN_MFA"]'
    associated = idp.associate_software_token(Session=challenge["Session"])
    totp = pyotp.TOTP(associated["SecretCode"])
    verified = idp.verify_software_token(Session=associated["Session"], UserCode=totp.now())
    assert verified["Status"] == "SUCCESS"
    done = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="MFA_SETUP",
        Session=verified["Session"],
        ChallengeResponses={"USERNAME": "newcomer"},
    )
    assert idp.get_user(AccessToken=done["AuthenticationResult"]["AccessToken"])
    with pytest.raises(idp.exceptions.NotAuthorizedException, match="only be used once"):
        idp.associate_software_token(Session=challenge["Session"])
    later = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "newcomer", "PASSWORD": PASSWORD},
    )
    assert later["ChallengeName"] == "SOFTWARE_TOKEN_MFA"


def test_mfa_setup_cannot_be_skipped(idp: Any) -> None:
    pool_id, client_id = totp_pool(idp, mode="ON")
    make_user(idp, pool_id, "skipper")
    challenge = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "skipper", "PASSWORD": PASSWORD},
    )
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="MFA_SETUP",
            Session=challenge["Session"],
            ChallengeResponses={"USERNAME": "skipper"},
        )


def code_pool(idp: Any) -> tuple[str, str]:
    pool_id = idp.create_user_pool(PoolName="codes")["UserPool"]["Id"]
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        SmsMfaConfiguration={
            "SmsAuthenticationMessage": "Sign-in code {####}",
            "SmsConfiguration": {"SnsCallerArn": "arn:aws:iam::123456789012:role/sms"},
        },
        EmailMfaConfiguration={"Message": "Your code: {####}", "Subject": "Sign-in"},
        MfaConfiguration="OPTIONAL",
    )
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=FLOWS
    )["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def begin(idp: Any, client_id: str, name: str) -> dict[str, Any]:
    answer: dict[str, Any] = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD},
    )
    return answer


def test_sms_and_email_codes_and_choosing_between_them(idp: Any, server: Any) -> None:
    pool_id, client_id = code_pool(idp)
    make_user(idp, pool_id, "two-factors", email="two@example.com", phone_number="+15555550199")
    idp.admin_set_user_mfa_preference(
        UserPoolId=pool_id,
        Username="two-factors",
        SMSMfaSettings={"Enabled": True},
        EmailMfaSettings={"Enabled": True},
    )
    shown = idp.admin_get_user(UserPoolId=pool_id, Username="two-factors")
    assert shown["UserMFASettingList"] == ["SMS_MFA", "EMAIL_OTP"]
    select = begin(idp, client_id, "two-factors")
    assert select["ChallengeName"] == "SELECT_MFA_TYPE"
    assert select["ChallengeParameters"]["MFAS_CAN_CHOOSE"] == '["SMS_MFA","EMAIL_OTP"]'
    sms = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="SELECT_MFA_TYPE",
        Session=select["Session"],
        ChallengeResponses={"USERNAME": "two-factors", "ANSWER": "SMS_MFA"},
    )
    assert sms["ChallengeName"] == "SMS_MFA"
    assert sms["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "+*******0199"
    message = server.outbox("+15555550199")[-1]
    assert message["body"].startswith("Sign-in code ")
    done = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="SMS_MFA",
        Session=sms["Session"],
        ChallengeResponses={
            "USERNAME": "two-factors",
            "SMS_MFA_CODE": server.last_code("+15555550199"),
        },
    )
    assert done["AuthenticationResult"]["AccessToken"]
    idp.admin_set_user_mfa_preference(
        UserPoolId=pool_id,
        Username="two-factors",
        EmailMfaSettings={"Enabled": True, "PreferredMfa": True},
    )
    email = begin(idp, client_id, "two-factors")
    assert email["ChallengeName"] == "EMAIL_OTP"
    with pytest.raises(idp.exceptions.CodeMismatchException):
        idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="EMAIL_OTP",
            Session=email["Session"],
            ChallengeResponses={"USERNAME": "two-factors", "EMAIL_OTP_CODE": "12345x"},
        )
    email = begin(idp, client_id, "two-factors")
    mail = server.outbox("two@example.com")[-1]
    assert mail["subject"] == "Sign-in"
    done = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="EMAIL_OTP",
        Session=email["Session"],
        ChallengeResponses={
            "USERNAME": "two-factors",
            "EMAIL_OTP_CODE": server.last_code("two@example.com"),
        },
    )
    assert done["AuthenticationResult"]["IdToken"]


def test_sms_mfa_needs_a_phone_number(idp: Any) -> None:
    pool_id, _ = code_pool(idp)
    make_user(idp, pool_id, "no-phone", email="nophone@example.com")
    with pytest.raises(idp.exceptions.InvalidParameterException, match="phone_number"):
        idp.admin_set_user_mfa_preference(
            UserPoolId=pool_id, Username="no-phone", SMSMfaSettings={"Enabled": True}
        )


def test_legacy_settings_and_deleting_a_software_token(idp: Any) -> None:
    pool_id, client_id = totp_pool(idp)
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        SmsMfaConfiguration={
            "SmsConfiguration": {"SnsCallerArn": "arn:aws:iam::123456789012:role/sms"}
        },
        MfaConfiguration="OPTIONAL",
    )
    enrol(idp, pool_id, client_id, "legacy")
    idp.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username="legacy",
        UserAttributes=[{"Name": "phone_number", "Value": "+15555550142"}],
    )
    sms = [{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}]
    idp.admin_set_user_settings(UserPoolId=pool_id, Username="legacy", MFAOptions=sms)
    shown = idp.admin_get_user(UserPoolId=pool_id, Username="legacy")
    assert shown["MFAOptions"] == sms
    assert shown["UserMFASettingList"] == ["SMS_MFA", "SOFTWARE_TOKEN_MFA"]
    idp.admin_delete_software_token(UserPoolId=pool_id, Username="legacy")
    shown = idp.admin_get_user(UserPoolId=pool_id, Username="legacy")
    assert shown["UserMFASettingList"] == ["SMS_MFA"] and "PreferredMfaSetting" not in shown
    with pytest.raises(idp.exceptions.SoftwareTokenMFANotFoundException):
        idp.admin_delete_software_token(UserPoolId=pool_id, Username="legacy")
    idp.admin_set_user_settings(UserPoolId=pool_id, Username="legacy", MFAOptions=[])
    assert "UserMFASettingList" not in idp.admin_get_user(UserPoolId=pool_id, Username="legacy")

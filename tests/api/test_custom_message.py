"""CustomMessage: a function words every message with a code (tests/lambdas/handlers.py)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.helpers.errors import error_of
from tests.helpers.pools import PASSWORD, sign_in
from tests.helpers.triggers import ARN, events, pool_with, sign_up


def last(server: Any, address: str) -> dict[str, str]:
    message: dict[str, str] = server.outbox(address)[-1]
    return message


def test_every_code_message_is_worded_by_the_function(idp: Any, server: Any) -> None:
    pool_id, client_id = pool_with(idp, CustomMessage="custom-message")
    sign_up(idp, client_id, "worded", "worded@example.com", ClientMetadata={"lang": "en"})
    message = last(server, "worded@example.com")
    code = server.last_code("worded@example.com")
    assert message["subject"] == "[CustomMessage_SignUp]"
    assert message["body"] == f"CustomMessage_SignUp code {code}"
    (event,) = events(server, pool_id, "CustomMessage_SignUp")
    assert event["request"]["codeParameter"] == "{####}"
    assert event["request"]["usernameParameter"] is None
    assert event["request"]["clientMetadata"] == {"lang": "en"}
    assert event["request"]["userAttributes"]["email"] == "worded@example.com"

    idp.resend_confirmation_code(ClientId=client_id, Username="worded")
    assert last(server, "worded@example.com")["subject"] == "[CustomMessage_ResendCode]"
    idp.confirm_sign_up(
        ClientId=client_id,
        Username="worded",
        ConfirmationCode=server.last_code("worded@example.com"),
    )
    idp.forgot_password(ClientId=client_id, Username="worded")
    assert last(server, "worded@example.com")["subject"] == "[CustomMessage_ForgotPassword]"

    token = sign_in(idp, client_id, "worded")["AccessToken"]
    idp.update_user_attributes(
        AccessToken=token, UserAttributes=[{"Name": "email", "Value": "moved@example.com"}]
    )
    assert last(server, "moved@example.com")["subject"] == "[CustomMessage_UpdateUserAttribute]"
    idp.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    assert last(server, "moved@example.com")["subject"] == "[CustomMessage_VerifyUserAttribute]"


def test_an_invitation_names_the_user_and_the_temporary_password(idp: Any, server: Any) -> None:
    pool_id, _ = pool_with(idp, CustomMessage="custom-message")
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username="newcomer",
        TemporaryPassword=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": "newcomer@example.com"}],
        DesiredDeliveryMediums=["EMAIL"],
    )
    message = last(server, "newcomer@example.com")
    assert message["subject"] == "Welcome aboard"
    assert message["body"] == f"Hello newcomer, your temporary password is {PASSWORD}"
    (event,) = events(server, pool_id, "CustomMessage_AdminCreateUser")
    assert event["request"]["usernameParameter"] == "{username}"


def test_an_mfa_code_message_keeps_what_the_function_leaves_out(idp: Any, server: Any) -> None:
    pool_id, client_id = pool_with(idp, CustomMessage="custom-message")
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        EmailMfaConfiguration={"Message": "Your code: {####}", "Subject": "Sign-in"},
        MfaConfiguration="OPTIONAL",
    )
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username="second",
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": "second@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username="second", Password=PASSWORD, Permanent=True
    )
    idp.admin_set_user_mfa_preference(
        UserPoolId=pool_id, Username="second", EmailMfaSettings={"Enabled": True}
    )
    challenge = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "second", "PASSWORD": PASSWORD},
    )
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    message = last(server, "second@example.com")
    assert message["subject"] == "Sign-in"
    assert message["body"].startswith("Your code: ")
    assert len(events(server, pool_id, "CustomMessage_Authentication")) == 1


def test_a_custom_message_without_the_code_is_refused(idp: Any) -> None:
    _, client_id = pool_with(idp, CustomMessage="custom-message-without-code")
    with pytest.raises(ClientError) as excinfo:
        sign_up(idp, client_id, "codeless", "codeless@example.com")
    assert error_of(excinfo) == (
        "InvalidLambdaResponseException",
        "The custom message must contain the code parameter {####}.",
    )


def test_custom_senders_send_the_codes_themselves(idp: Any, server: Any) -> None:
    sender = {"LambdaArn": ARN.format("sender"), "LambdaVersion": "V1_0"}
    pool_id = idp.create_user_pool(
        PoolName="senders",
        AutoVerifiedAttributes=["email"],
        LambdaConfig={
            "CustomEmailSender": sender,
            "CustomSMSSender": sender,
            "KMSKeyID": "arn:aws:kms:us-east-1:123456789012:key/test-key",
        },
    )["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="app")["UserPoolClient"][
        "ClientId"
    ]
    answer = sign_up(idp, client_id, "sent", "sent-by-function@example.com")
    assert answer["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    assert server.outbox("sent-by-function@example.com") == []  # the function sent it
    (event,) = events(server, pool_id, "CustomEmailSender_SignUp")
    assert event["request"]["type"] == "customEmailSenderRequestV1"
    assert event["request"]["userAttributes"]["email"] == "sent-by-function@example.com"
    idp.confirm_sign_up(
        ClientId=client_id, Username="sent", ConfirmationCode=event["request"]["code"]
    )
    assert idp.admin_get_user(UserPoolId=pool_id, Username="sent")["UserStatus"] == "CONFIRMED"

    idp.admin_create_user(
        UserPoolId=pool_id,
        Username="texted",
        TemporaryPassword=PASSWORD,
        UserAttributes=[{"Name": "phone_number", "Value": "+15555550142"}],
    )
    (text,) = events(server, pool_id, "CustomSMSSender_AdminCreateUser")
    assert text["request"]["type"] == "customSMSSenderRequestV1"
    assert text["request"]["code"] == PASSWORD
    assert server.outbox("+15555550142") == []

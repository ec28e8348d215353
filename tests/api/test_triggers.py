"""Lambda triggers with handlers written as Lambda handlers (tests/lambdas): sign-up,
confirmation, authentication and token generation, an HTTP function, and each failure mode."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.helpers.errors import error_of
from tests.helpers.pools import PASSWORD, make_user, sign_in
from tests.helpers.tokens import claims
from tests.helpers.triggers import ARN, events, pool_with, sign_up


def test_an_unmapped_function_is_refused_by_create_and_update(idp: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        idp.create_user_pool(PoolName="x", LambdaConfig={"PreSignUp": ARN.format("nowhere")})
    code, message = error_of(excinfo)
    assert code == "InvalidParameterException"
    assert "LambdaConfig.PreSignUp: no function is mapped for" in message
    assert "[functions]" in message
    pool_id, _ = pool_with(idp)
    with pytest.raises(idp.exceptions.InvalidParameterException):
        idp.update_user_pool(
            UserPoolId=pool_id,
            LambdaConfig={
                "PreTokenGenerationConfig": {
                    "LambdaArn": ARN.format("nowhere"),
                    "LambdaVersion": "V2_0",
                }
            },
        )


def test_pre_sign_up_confirms_and_verifies_or_refuses(idp: Any, server: Any) -> None:
    pool_id, client_id = pool_with(idp, PreSignUp="pre-sign-up")
    answer = sign_up(
        idp,
        client_id,
        "auto",
        "auto@auto.example.com",
        ClientMetadata={"campaign": "spring"},
        ValidationData=[{"Name": "captcha", "Value": "ok"}],
    )
    assert answer["UserConfirmed"] is True
    assert "CodeDeliveryDetails" not in answer  # nothing to confirm, no code sent
    user = idp.admin_get_user(UserPoolId=pool_id, Username="auto")
    assert user["UserStatus"] == "CONFIRMED"
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["email_verified"] == "true"
    assert sign_in(idp, client_id, "auto")["AccessToken"]

    (event,) = events(server, pool_id, "PreSignUp_SignUp")
    assert event["version"] == "1"
    assert event["userName"] == "auto"
    assert event["region"] == pool_id.split("_")[0]
    assert event["callerContext"]["clientId"] == client_id
    assert event["request"]["userAttributes"] == {"email": "auto@auto.example.com"}
    assert event["request"]["validationData"] == {"captcha": "ok"}
    assert event["request"]["clientMetadata"] == {"campaign": "spring"}

    plain = sign_up(idp, client_id, "plain", "plain@example.com")
    assert plain["UserConfirmed"] is False
    assert plain["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"

    with pytest.raises(ClientError) as excinfo:
        sign_up(idp, client_id, "blocked", "someone@blocked.example.com")
    assert error_of(excinfo) == (
        "UserLambdaValidationException",
        "PreSignUp failed with error Email domain not allowed.",
    )
    with pytest.raises(idp.exceptions.UserNotFoundException):
        idp.admin_get_user(UserPoolId=pool_id, Username="blocked")


def test_pre_sign_up_runs_for_admin_create_user(idp: Any, server: Any) -> None:
    pool_id, _ = pool_with(idp, PreSignUp="pre-sign-up")
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username="invited",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": "invited@auto.example.com"}],
    )
    user = idp.admin_get_user(UserPoolId=pool_id, Username="invited")
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"  # still sets a password first
    assert {"Name": "email_verified", "Value": "true"} in user["UserAttributes"]
    (event,) = events(server, pool_id, "PreSignUp_AdminCreateUser")
    assert event["callerContext"]["clientId"] == "CLIENT_ID_NOT_APPLICABLE"
    with pytest.raises(idp.exceptions.UserLambdaValidationException):
        idp.admin_create_user(
            UserPoolId=pool_id,
            Username="nope",
            MessageAction="SUPPRESS",
            UserAttributes=[{"Name": "email", "Value": "nope@blocked.example.com"}],
        )


def test_post_confirmation_sees_the_confirmed_user(idp: Any, server: Any) -> None:
    pool_id, client_id = pool_with(idp, PostConfirmation="post-confirmation")
    sign_up(idp, client_id, "joiner", "joiner@example.com")
    idp.confirm_sign_up(
        ClientId=client_id,
        Username="joiner",
        ConfirmationCode=server.last_code("joiner@example.com"),
        ClientMetadata={"source": "email-link"},
    )
    (event,) = events(server, pool_id, "PostConfirmation_ConfirmSignUp")
    attributes = event["request"]["userAttributes"]
    assert attributes["cognito:user_status"] == "CONFIRMED"
    assert attributes["email_verified"] == "true"
    assert attributes["sub"]
    assert event["request"]["clientMetadata"] == {"source": "email-link"}

    idp.forgot_password(ClientId=client_id, Username="joiner")
    idp.confirm_forgot_password(
        ClientId=client_id,
        Username="joiner",
        ConfirmationCode=server.last_code("joiner@example.com"),
        Password="N3w-password!",
    )
    assert len(events(server, pool_id, "PostConfirmation_ConfirmForgotPassword")) == 1

    make_user(idp, pool_id, "admin-made")
    idp.admin_create_user(UserPoolId=pool_id, Username="pending", MessageAction="SUPPRESS")
    sign_up(idp, client_id, "by-admin", "by-admin@example.com")
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username="by-admin")
    confirmed = events(server, pool_id, "PostConfirmation_ConfirmSignUp")
    assert [e["userName"] for e in confirmed] == ["joiner", "by-admin"]


def test_a_refusing_post_confirmation_changes_nothing(idp: Any, server: Any) -> None:
    pool_id, client_id = pool_with(idp, PostConfirmation="fail")
    sign_up(idp, client_id, "stuck", "stuck@example.com")
    code = server.last_code("stuck@example.com")
    with pytest.raises(ClientError) as excinfo:
        idp.confirm_sign_up(ClientId=client_id, Username="stuck", ConfirmationCode=code)
    assert error_of(excinfo) == (
        "UserLambdaValidationException",
        "PostConfirmation failed with error Not today.",
    )
    assert idp.admin_get_user(UserPoolId=pool_id, Username="stuck")["UserStatus"] == "UNCONFIRMED"
    idp.update_user_pool(UserPoolId=pool_id, AutoVerifiedAttributes=["email"])  # no function now
    idp.confirm_sign_up(ClientId=client_id, Username="stuck", ConfirmationCode=code)
    assert idp.admin_get_user(UserPoolId=pool_id, Username="stuck")["UserStatus"] == "CONFIRMED"


def test_pre_and_post_authentication(idp: Any, server: Any) -> None:
    pool_id, client_id = pool_with(
        idp, PreAuthentication="pre-authentication", PostAuthentication="post-authentication"
    )
    make_user(idp, pool_id, "welcome")
    make_user(idp, pool_id, "suspended", family_name="Suspended")
    answer = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "welcome", "PASSWORD": PASSWORD},
        ClientMetadata={"app": "web"},
    )
    assert answer["AuthenticationResult"]["AccessToken"]
    (pre,) = events(server, pool_id, "PreAuthentication_Authentication")
    assert pre["request"]["validationData"] == {"app": "web"}
    assert pre["request"]["userNotFound"] is False
    (post,) = events(server, pool_id, "PostAuthentication_Authentication")
    assert post["request"]["newDeviceUsed"] is False
    assert post["request"]["clientMetadata"] == {"app": "web"}

    with pytest.raises(ClientError) as excinfo:
        sign_in(idp, client_id, "suspended")
    assert error_of(excinfo) == (
        "UserLambdaValidationException",
        "PreAuthentication failed with error This account is suspended.",
    )
    assert len(events(server, pool_id, "PostAuthentication_Authentication")) == 1


def test_a_refusing_post_authentication_gives_no_tokens(idp: Any) -> None:
    pool_id, client_id = pool_with(idp, PostAuthentication="fail")
    make_user(idp, pool_id, "nearly")
    with pytest.raises(idp.exceptions.UserLambdaValidationException):
        sign_in(idp, client_id, "nearly")


def test_pre_token_generation_v1_changes_the_id_token(idp: Any, server: Any) -> None:
    pool_id, client_id = pool_with(idp, PreTokenGeneration="pre-token-generation")
    make_user(idp, pool_id, "claimed", email="claimed@example.com")
    idp.create_group(UserPoolId=pool_id, GroupName="real-group")
    idp.admin_add_user_to_group(UserPoolId=pool_id, Username="claimed", GroupName="real-group")
    tokens = sign_in(idp, client_id, "claimed")
    identity, access = claims(tokens["IdToken"]), claims(tokens["AccessToken"])
    assert identity["tenant"] == "acme"
    assert "email" not in identity
    assert identity["sub"] != "not-allowed"  # reserved claims stay as they are
    assert identity["cognito:groups"] == ["from-trigger"]
    assert identity["cognito:preferred_role"] == "arn:aws:iam::123456789012:role/trigger"
    assert access["cognito:groups"] == ["from-trigger"]
    assert "tenant" not in access  # version 1 changes the ID token only
    (event,) = events(server, pool_id, "TokenGeneration_Authentication")
    assert event["version"] == "1"
    assert event["request"]["groupConfiguration"]["groupsToOverride"] == ["real-group"]
    assert "scopes" not in event["request"]

    refreshed = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]},
    )["AuthenticationResult"]
    assert claims(refreshed["IdToken"])["tenant"] == "acme"
    assert len(events(server, pool_id, "TokenGeneration_RefreshTokens")) == 1


def test_pre_token_generation_v2_changes_the_access_token_and_scopes(idp: Any, server: Any) -> None:
    pool_id, client_id = pool_with(idp, PreTokenGenerationV2="pre-token-generation")
    make_user(idp, pool_id, "scoped")
    tokens = sign_in(idp, client_id, "scoped")
    access = claims(tokens["AccessToken"])
    assert access["tenant"] == "acme"
    assert access["plan"] == {"tier": "gold"}
    assert access["scope"].split() == ["aws.cognito.signin.user.admin", "orders/read"]
    assert claims(tokens["IdToken"])["tenant"] == "acme"
    assert idp.get_user(AccessToken=tokens["AccessToken"])["Username"] == "scoped"
    (event,) = events(server, pool_id, "TokenGeneration_Authentication")
    assert event["version"] == "2"
    assert event["request"]["scopes"] == ["aws.cognito.signin.user.admin"]


def test_failure_modes(idp: Any) -> None:
    for name, error, message in (
        ("fail", "UserLambdaValidationException", "PreSignUp failed with error Not today."),
        ("malformed", "InvalidLambdaResponseException", "Unrecognizable lambda output"),
        (
            "slow",
            "UnexpectedLambdaException",
            "PreSignUp invocation failed due to error TimeoutError: the function ran past its "
            "1 s timeout.",
        ),
    ):
        pool_id, client_id = pool_with(idp, PreSignUp=name)
        with pytest.raises(ClientError) as excinfo:
            sign_up(idp, client_id, f"user-{name}", f"{name}@example.com")
        assert error_of(excinfo) == (error, message)
        with pytest.raises(idp.exceptions.UserNotFoundException):
            idp.admin_get_user(UserPoolId=pool_id, Username=f"user-{name}")


def test_an_http_function_gets_a_signed_event(idp: Any, http_function: Any) -> None:
    pool_id, client_id = pool_with(idp, PreSignUp="http")
    assert sign_up(idp, client_id, "over-http", "web@example.com")["UserConfirmed"] is True
    call = http_function.calls[-1]
    assert call["signed"] is True
    assert call["event"]["triggerSource"] == "PreSignUp_SignUp"
    assert call["event"]["userPoolId"] == pool_id
    with pytest.raises(ClientError) as excinfo:
        sign_up(idp, client_id, "denied", "deny@example.com")
    assert error_of(excinfo) == (
        "UserLambdaValidationException",
        "PreSignUp failed with error Rejected over HTTP.",
    )


def test_a_python_handler_gets_a_lambda_context(idp: Any, server: Any) -> None:
    pool_id, client_id = pool_with(idp, PostAuthentication="record")
    make_user(idp, pool_id, "contextual")
    sign_in(idp, client_id, "contextual")
    (event,) = events(server, pool_id, "PostAuthentication_Authentication")
    assert event["context"] == {"function_name": "record"}

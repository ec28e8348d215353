"""Answers that must be Cognito's own: sign-in flow rules, reused TOTP codes, schema, MFA,
attribute and client texts, and when the Lambda triggers run (fidelity_findings, issue 11)."""

from __future__ import annotations

import uuid
from typing import Any

import pyotp
import pytest
from botocore.exceptions import ClientError

from tests.helpers.errors import error_of
from tests.helpers.mfa import enrol, next_step_code, totp_pool
from tests.helpers.pools import FLOWS, PASSWORD, make_user, sign_in
from tests.helpers.srp import SrpClient, finish, start
from tests.helpers.triggers import events, pool_with, sign_up

USED_ONCE = ("ExpiredCodeException", "Your software token has already been used once.")
NOT_SUPPORTED = ("InvalidParameterException", "Initiate Auth method not supported.")


def _pool(idp: Any, **options: Any) -> str:
    pool_id: str = idp.create_user_pool(PoolName="fidelity", **options)["UserPool"]["Id"]
    return pool_id


def _client(idp: Any, pool_id: str, **options: Any) -> str:
    client_id: str = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="app", **options)[
        "UserPoolClient"
    ]["ClientId"]
    return client_id


def _error(call: Any, *args: Any, **kwargs: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as excinfo:
        call(*args, **kwargs)
    return error_of(excinfo)


def _srp_sign_in(idp: Any, pool_id: str, client_id: str, name: str) -> dict[str, Any]:
    client = SrpClient(pool_id, PASSWORD)
    challenge = start(idp, client_id, client, name)
    result: dict[str, Any] = finish(
        idp, client_id, challenge, client.answer(challenge["ChallengeParameters"])
    )["AuthenticationResult"]
    return result


def _refresh(idp: Any, client_id: str, refresh_token: str, flow: str) -> dict[str, Any]:
    answer: dict[str, Any] = idp.initiate_auth(
        ClientId=client_id, AuthFlow=flow, AuthParameters={"REFRESH_TOKEN": refresh_token}
    )["AuthenticationResult"]
    return answer


# A. Sign-in flow rules


def test_a_legacy_admin_no_srp_client_still_refreshes_and_signs_in_with_srp(idp: Any) -> None:
    """Fidelity A1: ADMIN_NO_SRP_AUTH alone adds the admin flow to SRP and refresh."""
    pool_id = _pool(idp)
    client_id = _client(idp, pool_id, ExplicitAuthFlows=["ADMIN_NO_SRP_AUTH"])
    make_user(idp, pool_id, "legacy-admin")
    tokens = idp.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_NO_SRP_AUTH",
        AuthParameters={"USERNAME": "legacy-admin", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    for flow in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
        assert _refresh(idp, client_id, tokens["RefreshToken"], flow)["AccessToken"]
    assert _srp_sign_in(idp, pool_id, client_id, "legacy-admin")["AccessToken"]
    assert _error(
        idp.initiate_auth,
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "legacy-admin", "PASSWORD": PASSWORD},
    ) == ("InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client")


def test_a_legacy_user_password_client_still_signs_in_with_srp(idp: Any) -> None:
    """Fidelity A1: USER_PASSWORD_AUTH alone adds the password flow to SRP and refresh;
    CUSTOM_AUTH_FLOW_ONLY keeps its meaning (custom sign-in, no SRP)."""
    pool_id = _pool(idp)
    client_id = _client(idp, pool_id, ExplicitAuthFlows=["USER_PASSWORD_AUTH"])
    make_user(idp, pool_id, "legacy-user")
    tokens = sign_in(idp, client_id, "legacy-user")
    assert _refresh(idp, client_id, tokens["RefreshToken"], "REFRESH_TOKEN_AUTH")["IdToken"]
    assert _srp_sign_in(idp, pool_id, client_id, "legacy-user")["AccessToken"]
    assert _error(
        idp.admin_initiate_auth,
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "legacy-user", "PASSWORD": PASSWORD},
    ) == ("InvalidParameterException", "ADMIN_USER_PASSWORD_AUTH flow not enabled for this client")

    custom_only = _client(idp, pool_id, ExplicitAuthFlows=["CUSTOM_AUTH_FLOW_ONLY"])
    assert _error(start, idp, custom_only, SrpClient(pool_id, PASSWORD), "legacy-user") == (
        "InvalidParameterException",
        "USER_SRP_AUTH flow not enabled for this client",
    )


def test_a_flow_sent_to_the_wrong_operation_is_not_supported(idp: Any) -> None:
    """Fidelity (flow sent to the wrong API): InitiateAuth takes no admin flow and
    AdminInitiateAuth no USER_PASSWORD_AUTH, whatever the client allows."""
    pool_id = _pool(idp)
    client_id = _client(idp, pool_id, ExplicitAuthFlows=[*FLOWS, "ALLOW_USER_SRP_AUTH"])
    make_user(idp, pool_id, "wrong-api")
    parameters = {"USERNAME": "wrong-api", "PASSWORD": PASSWORD}
    for flow in ("ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"):
        assert (
            _error(idp.initiate_auth, ClientId=client_id, AuthFlow=flow, AuthParameters=parameters)
            == NOT_SUPPORTED
        )
    assert (
        _error(
            idp.admin_initiate_auth,
            UserPoolId=pool_id,
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters=parameters,
        )
        == NOT_SUPPORTED
    )
    # The flows that belong to both operations work on both.
    challenge = idp.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="USER_SRP_AUTH",
        AuthParameters={"USERNAME": "wrong-api", "SRP_A": SrpClient(pool_id, PASSWORD).srp_a},
    )
    assert challenge["ChallengeName"] == "PASSWORD_VERIFIER"


def _totp_challenge(idp: Any, client_id: str, name: str) -> str:
    answer = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD},
    )
    assert answer["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    session: str = answer["Session"]
    return session


def _answer_totp(idp: Any, client_id: str, name: str, session: str, code: str) -> Any:
    return idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="SOFTWARE_TOKEN_MFA",
        Session=session,
        ChallengeResponses={"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": code},
    )


def test_a_totp_code_proven_at_verification_is_used_once_at_sign_in(idp: Any) -> None:
    """Fidelity A3: the code VerifySoftwareToken accepted answers SOFTWARE_TOKEN_MFA with
    ExpiredCodeException; a wrong code stays CodeMismatchException."""
    pool_id, client_id = totp_pool(idp)
    make_user(idp, pool_id, "totp-once")
    token = sign_in(idp, client_id, "totp-once")["AccessToken"]
    totp = pyotp.TOTP(idp.associate_software_token(AccessToken=token)["SecretCode"])
    code = totp.now()
    assert idp.verify_software_token(AccessToken=token, UserCode=code)["Status"] == "SUCCESS"
    idp.set_user_mfa_preference(AccessToken=token, SoftwareTokenMfaSettings={"Enabled": True})
    session = _totp_challenge(idp, client_id, "totp-once")
    assert _error(_answer_totp, idp, client_id, "totp-once", session, code) == USED_ONCE
    wrong = "000000" if code != "000000" else "111111"
    session = _totp_challenge(idp, client_id, "totp-once")
    with pytest.raises(idp.exceptions.CodeMismatchException, match="Invalid code received"):
        _answer_totp(idp, client_id, "totp-once", session, wrong)


def test_verify_software_token_refuses_a_step_already_used(idp: Any) -> None:
    """Fidelity A3: after a sign-in used a step, VerifySoftwareToken of a new authenticator
    with a code from that step answers ExpiredCodeException."""
    pool_id, client_id = totp_pool(idp)
    totp = enrol(idp, pool_id, client_id, "totp-again")
    session = _totp_challenge(idp, client_id, "totp-again")
    done = _answer_totp(idp, client_id, "totp-again", session, next_step_code(totp))
    token = done["AuthenticationResult"]["AccessToken"]
    secret = idp.associate_software_token(AccessToken=token)["SecretCode"]
    # The next step was used by the sign-in, so the current one is used up too.
    assert (
        _error(idp.verify_software_token, AccessToken=token, UserCode=pyotp.TOTP(secret).now())
        == USED_ONCE
    )


# B. Schema validation


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        (
            [{"Name": "tenant"}],
            "Invalid AttributeDataType input, consider using the provided AttributeDataType enum.",
        ),
        (
            [{"Name": "email", "AttributeDataType": "Number"}],
            "You can not change AttributeDataType or set developerOnlyAttribute for standard "
            "schema attribute email",
        ),
        (
            [{"Name": "email", "AttributeDataType": "String", "DeveloperOnlyAttribute": True}],
            "You can not change AttributeDataType or set developerOnlyAttribute for standard "
            "schema attribute email",
        ),
        (
            [
                {
                    "Name": "code",
                    "AttributeDataType": "String",
                    "StringAttributeConstraints": {"MinLength": "-1"},
                }
            ],
            "Invalid StringAttributeConstraints for schema attribute code",
        ),
        (
            [
                {
                    "Name": "level",
                    "AttributeDataType": "Number",
                    "NumberAttributeConstraints": {"MaxValue": "ten"},
                }
            ],
            "Invalid NumberAttributeConstraints for schema attribute level",
        ),
        (
            [
                {
                    "Name": "code",
                    "AttributeDataType": "String",
                    "StringAttributeConstraints": {"MaxLength": "4096"},
                }
            ],
            "user.custom:code: String attributes cannot have a length of more than 2048",
        ),
        (
            [
                {
                    "Name": "code",
                    "AttributeDataType": "String",
                    "StringAttributeConstraints": {"MinLength": "9", "MaxLength": "3"},
                }
            ],
            "user.custom:code: Max length cannot be less than min length.",
        ),
        (
            [
                {
                    "Name": "level",
                    "AttributeDataType": "Number",
                    "NumberAttributeConstraints": {"MinValue": "9", "MaxValue": "3"},
                }
            ],
            "user.custom:level: Max value cannot be less than min value.",
        ),
    ],
)
def test_create_user_pool_refuses_a_schema_with_cognitos_text(
    idp: Any, schema: list[dict[str, Any]], message: str
) -> None:
    """Fidelity B: CreateUserPool's schema refusals, in Cognito's words."""
    assert _error(idp.create_user_pool, PoolName="bad", Schema=schema) == (
        "InvalidParameterException",
        message,
    )


def test_add_custom_attributes_refuses_a_name_in_use_with_cognitos_text(idp: Any) -> None:
    """Fidelity B: the clash names the requested custom:<name> and the stored attribute, also
    a developer-only one; an attribute without AttributeDataType is refused."""
    pool_id = _pool(
        idp,
        Schema=[
            {"Name": "tenant", "AttributeDataType": "String"},
            {"Name": "secret", "AttributeDataType": "String", "DeveloperOnlyAttribute": True},
        ],
    )
    for name, stored in (("tenant", "custom:tenant"), ("secret", "dev:custom:secret")):
        assert _error(
            idp.add_custom_attributes,
            UserPoolId=pool_id,
            CustomAttributes=[{"Name": name, "AttributeDataType": "String"}],
        ) == (
            "InvalidParameterException",
            f"custom:{name}: Existing attribute already has name {stored}.",
        )
    assert _error(
        idp.add_custom_attributes, UserPoolId=pool_id, CustomAttributes=[{"Name": "fresh"}]
    ) == (
        "InvalidParameterException",
        "Invalid AttributeDataType input, consider using the provided AttributeDataType enum.",
    )


# C. MFA configuration and preferences


def test_mfa_on_or_optional_without_a_factor_is_refused_with_cognitos_text(idp: Any) -> None:
    """Fidelity C: SetUserPoolMfaConfig with every factor off."""
    pool_id = _pool(idp)
    for mode in ("ON", "OPTIONAL"):
        assert _error(
            idp.set_user_pool_mfa_config,
            UserPoolId=pool_id,
            MfaConfiguration=mode,
            SoftwareTokenMfaConfiguration={"Enabled": False},
        ) == (
            "InvalidParameterException",
            "Invalid MFA configuration given, can't disable all MFAs with a required or "
            "optional configuration.",
        )


def test_mfa_preferences_need_what_the_factor_uses(idp: Any) -> None:
    """Fidelity C: enabling a factor the user cannot use is InvalidParameterException with
    Cognito's texts (software token not verified, no phone_number, no email)."""
    pool_id, _ = totp_pool(idp)
    make_user(idp, pool_id, "bare")
    for settings, message in (
        (
            {"SoftwareTokenMfaSettings": {"Enabled": True}},
            "User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA",
        ),
        (
            {"SMSMfaSettings": {"Enabled": True}},
            "User does not have a phone_number set to turn on SMS MFA",
        ),
        (
            {"EmailMfaSettings": {"Enabled": True}},
            "User does not have an email set to turn on EMAIL_OTP MFA",
        ),
    ):
        assert _error(
            idp.admin_set_user_mfa_preference, UserPoolId=pool_id, Username="bare", **settings
        ) == ("InvalidParameterException", message)


# D. User attributes and code delivery


def _attributes(user: dict[str, Any]) -> dict[str, str]:
    return {a["Name"]: a["Value"] for a in user["UserAttributes"]}


def test_boolean_attribute_values_are_case_insensitive_and_stored_lower_case(idp: Any) -> None:
    """Fidelity D: "True" is accepted as true (AdminCreateUser, updates, custom Boolean
    attributes) and read back as "true"."""
    pool_id = _pool(
        idp,
        AliasAttributes=["email"],
        Schema=[{"Name": "vip", "AttributeDataType": "Boolean"}],
    )
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username="booleans",
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": "booleans@example.com"},
            {"Name": "email_verified", "Value": "True"},
            {"Name": "custom:vip", "Value": "TRUE"},
        ],
    )
    shown = _attributes(idp.admin_get_user(UserPoolId=pool_id, Username="booleans"))
    assert shown["email_verified"] == "true" and shown["custom:vip"] == "true"
    # The verified email is an alias, as "true" makes it.
    assert idp.admin_get_user(UserPoolId=pool_id, Username="booleans@example.com")
    idp.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username="booleans",
        UserAttributes=[{"Name": "custom:vip", "Value": "False"}],
    )
    shown = _attributes(idp.admin_get_user(UserPoolId=pool_id, Username="booleans"))
    assert shown["custom:vip"] == "false"
    assert _error(
        idp.admin_update_user_attributes,
        UserPoolId=pool_id,
        Username="booleans",
        UserAttributes=[{"Name": "custom:vip", "Value": "yes"}],
    )[0] == ("InvalidParameterException")


def test_masked_email_destinations_end_after_the_domains_first_letter(idp: Any) -> None:
    """Fidelity D: test@test.com is shown as t***@t***, in SignUp and ForgotPassword."""
    pool_id = _pool(idp, AutoVerifiedAttributes=["email"])
    client_id = _client(idp, pool_id)
    address = f"t{uuid.uuid4().hex[:8]}@test.com"
    answer = idp.sign_up(
        ClientId=client_id,
        Username="masked",
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": address}],
    )
    assert answer["CodeDeliveryDetails"]["Destination"] == "t***@t***"
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username="masked")
    idp.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username="masked",
        UserAttributes=[{"Name": "email_verified", "Value": "true"}],
    )
    forgot = idp.forgot_password(ClientId=client_id, Username="masked")
    assert forgot["CodeDeliveryDetails"]["Destination"] == "t***@t***"


def test_deleting_attributes_the_schema_lacks_names_each_on_its_own_line(idp: Any) -> None:
    """Fidelity D: AdminDeleteUserAttributes and DeleteUserAttributes list every unknown
    attribute, one newline-terminated line each."""
    pool_id = _pool(idp)
    client_id = _client(idp, pool_id, ExplicitAuthFlows=FLOWS)
    make_user(idp, pool_id, "deleter")
    expected = (
        "InvalidParameterException",
        "Invalid user attributes: user.nope: Attribute does not exist in the schema.\n"
        "user.custom:gone: Attribute does not exist in the schema.\n",
    )
    names = ["nope", "custom:gone"]
    assert (
        _error(
            idp.admin_delete_user_attributes,
            UserPoolId=pool_id,
            Username="deleter",
            UserAttributeNames=names,
        )
        == expected
    )
    token = sign_in(idp, client_id, "deleter")["AccessToken"]
    assert (
        _error(idp.delete_user_attributes, AccessToken=token, UserAttributeNames=names) == expected
    )


def test_an_update_to_another_users_sign_in_email_is_an_alias_clash(idp: Any) -> None:
    """Fidelity D: in a pool that signs in with email, an update that takes another user's
    email answers AliasExistsException (creation keeps UsernameExistsException)."""
    pool_id = _pool(idp, UsernameAttributes=["email"])
    client_id = _client(idp, pool_id, ExplicitAuthFlows=FLOWS)
    first, second = f"a-{uuid.uuid4().hex[:8]}@example.com", f"b-{uuid.uuid4().hex[:8]}@example.com"
    for address in (first, second):
        idp.admin_create_user(UserPoolId=pool_id, Username=address, MessageAction="SUPPRESS")
        idp.admin_set_user_password(
            UserPoolId=pool_id, Username=address, Password=PASSWORD, Permanent=True
        )
    clash = ("AliasExistsException", "An account with the given email already exists.")
    assert (
        _error(
            idp.admin_update_user_attributes,
            UserPoolId=pool_id,
            Username=second,
            UserAttributes=[{"Name": "email", "Value": first}],
        )
        == clash
    )
    token = sign_in(idp, client_id, second)["AccessToken"]
    assert (
        _error(
            idp.update_user_attributes,
            AccessToken=token,
            UserAttributes=[{"Name": "email", "Value": first}],
        )
        == clash
    )
    with pytest.raises(idp.exceptions.UsernameExistsException):
        idp.admin_create_user(UserPoolId=pool_id, Username=first, MessageAction="SUPPRESS")


# E. Resource servers; client attribute permissions


def test_a_second_resource_server_with_an_identifier_is_refused_with_cognitos_text(
    idp: Any,
) -> None:
    """Fidelity E: "<identifier> already exists in user pool <pool id>."."""
    pool_id = _pool(idp)
    idp.create_resource_server(UserPoolId=pool_id, Identifier="https://api.example.com", Name="a")
    assert _error(
        idp.create_resource_server,
        UserPoolId=pool_id,
        Identifier="https://api.example.com",
        Name="b",
    ) == (
        "InvalidParameterException",
        f"https://api.example.com already exists in user pool {pool_id}.",
    )


def test_read_and_write_attribute_refusals_say_creating_or_updating(idp: Any) -> None:
    """Fidelity (read/write attributes): Cognito's exact texts, without the names."""
    pool_id = _pool(idp)
    assert _error(
        idp.create_user_pool_client, UserPoolId=pool_id, ClientName="c", ReadAttributes=["nope"]
    ) == ("InvalidParameterException", "Invalid read attributes specified while creating a client")
    client_id = _client(idp, pool_id)
    assert _error(
        idp.update_user_pool_client,
        UserPoolId=pool_id,
        ClientId=client_id,
        WriteAttributes=["nope"],
    ) == ("InvalidParameterException", "Invalid write attributes specified while updating a client")


def test_code_or_implicit_flow_without_callback_urls_is_an_oauth_flow_error(idp: Any) -> None:
    """Fidelity (texts not checked against AWS): found in AWS answers quoted in public issues,
    InvalidOAuthFlowException with Cognito's text."""
    pool_id = _pool(idp)
    assert _error(
        idp.create_user_pool_client,
        UserPoolId=pool_id,
        ClientName="no-callbacks",
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid"],
        SupportedIdentityProviders=["COGNITO"],
    ) == (
        "InvalidOAuthFlowException",
        "CallbackUrls can not be empty when code flow or implicit flow is selected",
    )


# Lambda triggers


def test_post_confirmation_runs_when_pre_sign_up_confirms_the_user(idp: Any, server: Any) -> None:
    """Fidelity (issue 11, deliver 5): an auto-confirmed sign-up runs PostConfirmation with
    PostConfirmation_ConfirmSignUp, as ConfirmSignUp would."""
    pool_id, client_id = pool_with(
        idp, PreSignUp="pre-sign-up", PostConfirmation="post-confirmation"
    )
    answer = sign_up(
        idp, client_id, "auto-post", "auto-post@auto.example.com", ClientMetadata={"k": "v"}
    )
    assert answer["UserConfirmed"] is True
    (event,) = events(server, pool_id, "PostConfirmation_ConfirmSignUp")
    assert event["userName"] == "auto-post"
    assert event["callerContext"]["clientId"] == client_id
    attributes = event["request"]["userAttributes"]
    assert attributes["cognito:user_status"] == "CONFIRMED"
    assert attributes["email_verified"] == "true"
    assert attributes["sub"] == answer["UserSub"]
    assert event["request"]["clientMetadata"] == {"k": "v"}
    sign_up(idp, client_id, "not-auto", "not-auto@example.com")
    assert len(events(server, pool_id, "PostConfirmation_ConfirmSignUp")) == 1


def test_pre_authentication_runs_for_unknown_users_when_existence_errors_are_prevented(
    idp: Any, server: Any
) -> None:
    """Fidelity (issue 11, deliver 5): with PreventUserExistenceErrors ENABLED an unknown user
    runs PreAuthentication with userNotFound true (password and SRP flows); otherwise not."""
    pool_id, legacy_client = pool_with(idp, PreAuthentication="pre-authentication")
    quiet = _client(
        idp,
        pool_id,
        ExplicitAuthFlows=[*FLOWS, "ALLOW_USER_SRP_AUTH"],
        PreventUserExistenceErrors="ENABLED",
    )
    with pytest.raises(idp.exceptions.UserNotFoundException):
        sign_in(idp, legacy_client, "ghost")
    assert events(server, pool_id, "PreAuthentication_Authentication") == []

    with pytest.raises(idp.exceptions.NotAuthorizedException, match="Incorrect username"):
        idp.initiate_auth(
            ClientId=quiet,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "ghost", "PASSWORD": PASSWORD},
            ClientMetadata={"app": "web"},
        )
    (event,) = events(server, pool_id, "PreAuthentication_Authentication")
    assert event["userName"] == "ghost"
    assert event["callerContext"]["clientId"] == quiet
    assert event["request"]["userNotFound"] is True
    assert event["request"]["userAttributes"] == {}
    assert event["request"]["validationData"] == {"app": "web"}

    assert start(idp, quiet, SrpClient(pool_id, PASSWORD), "ghost-srp")["ChallengeName"]
    found = events(server, pool_id, "PreAuthentication_Authentication")
    assert [(e["userName"], e["request"]["userNotFound"]) for e in found] == [
        ("ghost", True),
        ("ghost-srp", True),
    ]

"""Request validation: what Cognito answers for malformed or out-of-contract input."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import botocore.session
import pytest
from botocore.serialize import create_serializer

from cognitio.errors import (
    InvalidParameterException,
    SerializationException,
    ValidationException,
)
from cognitio.wire.model import operations
from cognitio.wire.validate import InputCompiler

IDP = "AWSCognitoIdentityProviderService."
IDENTITY = "AWSCognitoIdentityService."
POOL_ID = "us-east-1_AbCdEf123"


def validate(operation: str, body: object) -> dict[str, Any]:
    target = operation if "." in operation else IDP + operation
    return operations()[target].validate(body)


def invalid(operation: str, body: object) -> str:
    """The message of the parameter error: cognito-identity calls it ValidationException."""
    expected = ValidationException if operation.startswith(IDENTITY) else InvalidParameterException
    with pytest.raises(expected) as caught:
        validate(operation, body)
    return caught.value.message


def malformed(operation: str, body: object) -> str:
    with pytest.raises(SerializationException) as caught:
        validate(operation, body)
    return caught.value.message


def botocore_body(service: str, operation: str, params: dict[str, Any]) -> object:
    """The JSON body botocore sends for ``params``, parsed back."""
    model = botocore.session.get_session().get_service_model(service)
    request = create_serializer("json").serialize_to_request(
        params, model.operation_model(operation)
    )
    return json.loads(request["body"])


# Accepted input


def test_valid_input_keeps_member_names_and_drops_unknown_and_null_members() -> None:
    body = {
        "PoolName": "my pool",
        "MfaConfiguration": "OPTIONAL",
        "Policies": {"PasswordPolicy": {"MinimumLength": 8, "Unknown": 1}},
        "SmsVerificationMessage": None,
        "NotInTheModel": "x",
    }
    assert validate("CreateUserPool", body) == {
        "PoolName": "my pool",
        "MfaConfiguration": "OPTIONAL",
        "Policies": {"PasswordPolicy": {"MinimumLength": 8}},
    }


def test_a_whole_number_written_as_a_float_is_an_integer() -> None:
    assert validate("ListUserPools", {"MaxResults": 5.0}) == {"MaxResults": 5}


def test_timestamps_become_aware_utc_datetimes() -> None:
    body = botocore_body(
        "cognito-idp",
        "InitiatePointInTimeRecovery",
        {"UserPoolId": POOL_ID, "RestoreTimestamp": datetime(2025, 3, 1, 12, 30, tzinfo=UTC)},
    )
    result = validate("InitiatePointInTimeRecovery", body)
    assert result["RestoreTimestamp"] == datetime(2025, 3, 1, 12, 30, tzinfo=UTC)
    assert result["RestoreTimestamp"].tzinfo is UTC


def test_blobs_are_decoded_from_base64() -> None:
    image = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    body = botocore_body(
        "cognito-idp", "SetUICustomization", {"UserPoolId": POOL_ID, "ImageFile": image}
    )
    assert validate("SetUICustomization", body)["ImageFile"] == image


def test_documents_pass_through_untouched() -> None:
    settings = {"components": {"form": [1, 2.5, None, True]}, "x": "y"}
    body = {"UserPoolId": POOL_ID, "ClientId": "client1", "Settings": settings}
    assert validate("CreateManagedLoginBranding", body)["Settings"] == settings


def test_what_botocore_sends_for_a_rich_request_is_accepted() -> None:
    params = {
        "PoolName": "users",
        "Schema": [{"Name": "tenant", "AttributeDataType": "String", "Mutable": True}],
        "UserPoolTags": {"env": "prod"},
        "AutoVerifiedAttributes": ["email"],
        "EmailVerificationMessage": "Your code is {####}.\nThanks, the team",
    }
    assert validate("CreateUserPool", botocore_body("cognito-idp", "CreateUserPool", params)) == (
        params
    )


# Constraint failures: InvalidParameterException in Coral's words


def test_a_missing_required_member_must_not_be_null() -> None:
    assert invalid("DescribeUserPool", {}) == (
        "1 validation error detected: Value null at 'userPoolId' failed to satisfy "
        "constraint: Member must not be null"
    )


def test_a_null_required_member_counts_as_missing() -> None:
    assert "Value null at 'userPoolId'" in invalid("DescribeUserPool", {"UserPoolId": None})


def test_a_pattern_failure_quotes_the_value_and_the_java_pattern() -> None:
    assert invalid("CreateUserPool", {"PoolName": "abc!"}) == (
        "1 validation error detected: Value 'abc!' at 'poolName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+"
    )


def test_every_failure_is_collected_and_counted() -> None:
    message = invalid("CreateUserPool", {"PoolName": "x" * 129, "MfaConfiguration": "SOMETIMES"})
    assert message.startswith("2 validation errors detected: Value '")
    assert "at 'poolName' failed to satisfy constraint: Member must have length less than or " in (
        message
    )
    assert message.endswith(
        "; Value 'SOMETIMES' at 'mfaConfiguration' failed to satisfy constraint: "
        "Member must satisfy enum value set: [OFF, ON, OPTIONAL]"
    )


def test_an_empty_string_breaks_both_its_length_and_its_pattern() -> None:
    message = invalid("CreateUserPool", {"PoolName": ""})
    assert message == (
        "2 validation errors detected: Value '' at 'poolName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1; Value '' at 'poolName' failed "
        "to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+"
    )


@pytest.mark.parametrize(
    ("limit", "constraint"),
    [
        (0, "Member must have value greater than or equal to 1"),
        (61, "Member must have value less than or equal to 60"),
    ],
)
def test_numbers_outside_their_range_are_refused(limit: int, constraint: str) -> None:
    assert invalid("ListUserPools", {"MaxResults": limit}) == (
        f"1 validation error detected: Value '{limit}' at 'maxResults' failed to satisfy "
        f"constraint: {constraint}"
    )


def test_sensitive_values_are_never_echoed() -> None:
    message = invalid(
        "AdminCreateUser",
        {"UserPoolId": POOL_ID, "Username": "has space", "TemporaryPassword": " has space"},
    )
    assert "has space" not in message
    assert "Value at 'username' failed to satisfy constraint" in message
    assert "Value at 'temporaryPassword' failed to satisfy constraint" in message


def test_values_inside_a_sensitive_map_are_never_echoed() -> None:
    secret = "p" * 131073
    body = {"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": "c1", "AuthParameters": {"A": secret}}
    message = invalid("InitiateAuth", body)
    assert secret[:20] not in message
    assert "Value at 'authParameters' failed to satisfy constraint: Map value must" in message


def test_nested_members_are_named_by_their_path() -> None:
    body = {
        "PoolName": "pool",
        "Policies": {"PasswordPolicy": {"MinimumLength": 3}},
        "AccountRecoverySetting": {
            "RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}, {"Priority": 2}]
        },
    }
    message = invalid("CreateUserPool", body)
    assert message.startswith("2 validation errors detected: ")
    assert "Value '3' at 'policies.passwordPolicy.minimumLength' failed" in message
    assert "Value null at 'accountRecoverySetting.recoveryMechanisms.2.member.name' failed" in (
        message
    )


def test_a_null_list_element_is_reported_by_position() -> None:
    body = {"PoolName": "pool", "Schema": [{"Name": "a"}, None]}
    assert "Value null at 'schema.2.member' failed" in invalid("CreateUserPool", body)


def test_bad_elements_of_a_scalar_list_are_reported_once_for_the_list() -> None:
    body = {"PoolName": "pool", "AutoVerifiedAttributes": ["email", "fax", "pager"]}
    assert invalid("CreateUserPool", body) == (
        "1 validation error detected: Value '[email, fax, pager]' at 'autoVerifiedAttributes' "
        "failed to satisfy constraint: Member must satisfy constraint: "
        "[Member must satisfy enum value set: [phone_number, email]]"
    )


def test_the_length_of_a_list_counts_its_elements() -> None:
    body = {"UserPoolId": POOL_ID, "ClientName": "app", "CallbackURLs": ["https://a"] * 101}
    assert "Member must have length less than or equal to 100" in invalid(
        "CreateUserPoolClient", body
    )


def test_bad_map_keys_are_reported_with_every_key_constraint() -> None:
    body = {"PoolName": "pool", "UserPoolTags": {"": "v"}}
    assert invalid("CreateUserPool", body) == (
        "1 validation error detected: Value '{=v}' at 'userPoolTags' failed to satisfy "
        "constraint: Map keys must satisfy constraint: [Member must have length less than or "
        "equal to 128, Member must have length greater than or equal to 1]"
    )


def test_structures_inside_a_map_are_named_by_key() -> None:
    body = {
        "IdentityPoolId": "us-east-1:0f4b3c2a-1111-2222-3333-444455556666",
        "Roles": {},
        "RoleMappings": {"cognito-idp.us-east-1.amazonaws.com/pool:client": {}},
    }
    message = invalid("AWSCognitoIdentityService.SetIdentityPoolRoles", body)
    assert "Value null at 'roleMappings.cognito-idp.us-east-1.amazonaws.com/pool:client." in message
    assert message.endswith("member.type' failed to satisfy constraint: Member must not be null")


def test_very_long_values_are_cut_in_messages() -> None:
    message = invalid("CreateUserPool", {"PoolName": "!" * 5000})
    assert "!" * 256 + "...' at 'poolName'" in message
    assert "!" * 257 not in message


# Wrong JSON types: SerializationException naming the member


@pytest.mark.parametrize("body", [[], "text", 42, True, None])
def test_the_body_must_be_a_json_object(body: object) -> None:
    assert malformed("DescribeUserPool", body).endswith("the request body must be a JSON object.")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"PoolName": 5}, "NUMBER_VALUE can not be converted to a String at 'poolName'."),
        ({"PoolName": {}}, "Start of structure or map found where not expected at 'poolName'"),
        ({"PoolName": ["a"]}, "Start of list found where not expected at 'poolName'"),
        ({"PoolName": "p", "Policies": "strict"}, "STRING_VALUE can not be converted to a Str"),
        (
            {"PoolName": "p", "Schema": [{"Name": "a", "Mutable": "yes"}]},
            "STRING_VALUE can not be converted to a Boolean at 'schema.1.member.mutable'.",
        ),
        (
            {"PoolName": "p", "AutoVerifiedAttributes": "email"},
            "STRING_VALUE can not be converted to a List at 'autoVerifiedAttributes'.",
        ),
        (
            {"PoolName": "p", "UserPoolTags": {"env": 1}},
            "NUMBER_VALUE can not be converted to a String at 'userPoolTags.env.member'.",
        ),
    ],
)
def test_a_member_of_the_wrong_type_is_named(body: dict[str, Any], message: str) -> None:
    assert malformed("CreateUserPool", body).startswith(message)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "BOOLEAN_VALUE can not be converted to an Integer at 'maxResults'."),
        ("10", "STRING_VALUE can not be converted to an Integer at 'maxResults'."),
        (2.5, "NUMBER_VALUE can not be converted to an Integer at 'maxResults'."),
        (2**31, "NUMBER_VALUE 2147483648 is out of range for an Integer at 'maxResults'."),
    ],
)
def test_integers_must_be_whole_json_numbers_in_range(value: object, message: str) -> None:
    assert malformed("ListUserPools", {"MaxResults": value}) == message


def test_a_timestamp_must_be_epoch_seconds() -> None:
    body = {"UserPoolId": POOL_ID, "RestoreTimestamp": "2025-03-01T12:30:00Z"}
    assert malformed("InitiatePointInTimeRecovery", body) == (
        "STRING_VALUE can not be converted to a Timestamp at 'restoreTimestamp'."
    )


def test_a_blob_must_be_valid_base64() -> None:
    body = {"UserPoolId": POOL_ID, "ImageFile": "not base64!"}
    assert malformed("SetUICustomization", body) == "Invalid base64 value at 'imageFile'."


def test_a_shape_that_contains_itself_compiles_and_validates() -> None:
    shapes: dict[str, dict[str, Any]] = {
        "Node": {
            "type": "structure",
            "required": ["Name"],
            "members": {"Name": {"shape": "Name"}, "Children": {"shape": "Nodes"}},
        },
        "Nodes": {"type": "list", "member": {"shape": "Node"}},
        "Name": {"type": "string", "min": 1},
    }
    check = InputCompiler(shapes).validator("Node")
    tree = {"Name": "root", "Children": [{"Name": "leaf", "Children": []}]}
    assert check(tree) == tree
    with pytest.raises(InvalidParameterException) as caught:
        check({"Name": "root", "Children": [{"Name": "a", "Children": [{}]}]})
    assert "Value null at 'children.1.member.children.1.member.name'" in caught.value.message


def test_no_string_may_hold_a_nul_character() -> None:
    """Issue 11, deliver 6: a NUL reached PostgreSQL and failed the query (a 500)."""
    body: dict[str, object] = {"AccessToken": "token", "CredentialId": "id\x00"}
    assert invalid("DeleteWebAuthnCredential", body) == (
        "1 validation error detected: Value at 'credentialId' failed to satisfy constraint: "
        "Member must not contain U+0000"
    )
    body = {"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": "c1", "AuthParameters": {"A\x00": "b"}}
    assert "Member must not contain U+0000" in invalid("InitiateAuth", body)

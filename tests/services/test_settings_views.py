"""Typed views of stored pool and app client settings: Cognito's defaults, parsed once."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cognitio.documents import DocumentError, JsonObject
from cognitio.services.clients.settings import ClientSettings, client_settings
from cognitio.services.pools.pool_settings import new_pool_settings
from cognitio.services.pools.settings import PoolSettings, pool_settings
from cognitio.services.security.passwords import PasswordPolicy
from cognitio.store.records import ClientRecord, UserPoolRecord


def pool_record(config: JsonObject) -> UserPoolRecord:
    return UserPoolRecord("us-east-1_abc", "us-east-1", "pool", dict(config), 0, 0, 1)


def test_a_new_pool_reads_with_cognitos_defaults() -> None:
    settings = PoolSettings.from_document(new_pool_settings({"PoolName": "p"}))
    assert settings.password_policy == PasswordPolicy(
        minimum_length=8,
        require_uppercase=True,
        require_lowercase=True,
        require_numbers=True,
        require_symbols=True,
    )
    assert settings.mfa_configuration == "OFF"
    assert settings.allowed_first_auth_factors == ("PASSWORD",)
    assert settings.username_attributes == ()
    assert not settings.sign_in_names.case_sensitive
    assert not settings.device.remembers
    assert settings.email_mfa is None
    assert settings.triggers == {}
    assert "email" in settings.schema_by_name
    assert settings.required_attributes == ("sub",)


def test_nested_triggers_name_their_function() -> None:
    settings = PoolSettings.from_document(
        {
            "LambdaConfig": {
                "PreSignUp": "arn:aws:lambda:us-east-1:1:function:pre",
                "PreTokenGenerationConfig": {
                    "LambdaArn": "arn:aws:lambda:us-east-1:1:function:tok",
                    "LambdaVersion": "V2_0",
                },
            }
        }
    )
    assert settings.triggers == {
        "PreSignUp": "arn:aws:lambda:us-east-1:1:function:pre",
        "PreTokenGenerationConfig": "arn:aws:lambda:us-east-1:1:function:tok",
    }
    assert settings.pre_token_generation_version == "V2_0"


def test_recovery_mechanisms_are_in_priority_order() -> None:
    settings = PoolSettings.from_document(
        {
            "AccountRecoverySetting": {
                "RecoveryMechanisms": [
                    {"Name": "verified_phone_number", "Priority": 2},
                    {"Name": "verified_email", "Priority": 1},
                ]
            }
        }
    )
    assert settings.recovery_mechanisms == ("verified_email", "verified_phone_number")


def test_a_pool_record_is_parsed_once_and_a_changed_copy_again() -> None:
    record = pool_record({"MfaConfiguration": "ON"})
    first = pool_settings(record)
    assert pool_settings(record) is first
    changed = replace(record, config={"MfaConfiguration": "OPTIONAL"})
    assert pool_settings(changed).mfa_configuration == "OPTIONAL"
    assert first.mfa_configuration == "ON"


def test_a_client_without_settings_has_cognitos_defaults() -> None:
    settings = ClientSettings.from_document({})
    assert settings.access_token_validity_s == 3600
    assert settings.id_token_validity_s == 3600
    assert settings.refresh_token_validity_s == 30 * 86400
    assert settings.auth_session_validity_minutes == 3
    assert settings.enable_token_revocation
    assert not settings.prevent_user_existence_errors
    assert settings.read_attributes is None
    assert settings.write_attributes is None


def test_token_validities_follow_their_units() -> None:
    settings = ClientSettings.from_document(
        {
            "AccessTokenValidity": 5,
            "IdTokenValidity": 2,
            "RefreshTokenValidity": 60,
            "TokenValidityUnits": {"AccessToken": "minutes", "RefreshToken": "minutes"},
        }
    )
    assert settings.access_token_validity_s == 300
    assert settings.id_token_validity_s == 7200  # hours when the unit is not given
    assert settings.refresh_token_validity_s == 3600


def test_a_client_record_is_parsed_once() -> None:
    record = ClientRecord(
        "client", "us-east-1_abc", "app", {"ReadAttributes": ["email"]}, None, 0, 0, 1
    )
    assert client_settings(record) is client_settings(record)
    assert client_settings(record).read_attributes == ("email",)


@pytest.mark.parametrize(
    ("document", "member"),
    [
        ({"AutoVerifiedAttributes": "email"}, "AutoVerifiedAttributes"),
        ({"Policies": {"PasswordPolicy": {"MinimumLength": "8"}}}, "MinimumLength"),
        ({"LambdaConfig": {"CustomEmailSender": "arn"}}, "CustomEmailSender"),
        ({"UserPoolTags": {"team": 1}}, "UserPoolTags"),
    ],
)
def test_a_damaged_pool_document_names_the_member(document: JsonObject, member: str) -> None:
    """A stored member of the wrong type is a DocumentError naming it, not a TypeError later."""
    with pytest.raises(DocumentError, match=member):
        PoolSettings.from_document(document)


def test_a_damaged_client_document_names_the_member() -> None:
    with pytest.raises(DocumentError, match="AccessTokenValidity"):
        ClientSettings.from_document({"AccessTokenValidity": "60"})

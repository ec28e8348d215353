"""A user pool's settings: Cognito's defaults and rules for CreateUserPool and UpdateUserPool.

The document has the members of botocore's ``UserPoolType`` (plus the MFA settings that only
GetUserPoolMfaConfig shows). Facts come from the CreateUserPool and UpdateUserPool API references:
"If you don't provide a value for an attribute, Amazon Cognito sets it to its default value."
"""

from __future__ import annotations

import copy

from cognitio.documents import (
    JsonArray,
    JsonObject,
    as_object,
    int_member,
    object_member,
    objects_member,
    text_member,
    texts_member,
)
from cognitio.errors import InvalidParameterException
from cognitio.services.pools.schema import build_schema

DEFAULT_PASSWORD_POLICY: JsonObject = {
    "MinimumLength": 8,
    "RequireUppercase": True,
    "RequireLowercase": True,
    "RequireNumbers": True,
    "RequireSymbols": True,
    "TemporaryPasswordValidityDays": 7,
}

# Members UpdateUserPool resets to their defaults when a request leaves them out.
_RESETTABLE = (
    "Policies",
    "DeletionProtection",
    "LambdaConfig",
    "AutoVerifiedAttributes",
    "SmsVerificationMessage",
    "EmailVerificationMessage",
    "EmailVerificationSubject",
    "VerificationMessageTemplate",
    "SmsAuthenticationMessage",
    "UserAttributeUpdateSettings",
    "MfaConfiguration",
    "DeviceConfiguration",
    "EmailConfiguration",
    "SmsConfiguration",
    "AdminCreateUserConfig",
    "UserPoolAddOns",
    "DcrConfiguration",
    "AccountRecoverySetting",
    "KeyConfiguration",
    "IssuerConfiguration",
    "AcrConfiguration",
)

# Legacy top-level message members and their twins inside VerificationMessageTemplate.
_MESSAGE_TWINS = (
    ("SmsVerificationMessage", "SmsMessage"),
    ("EmailVerificationMessage", "EmailMessage"),
    ("EmailVerificationSubject", "EmailSubject"),
)

_MFA_NEEDS_SMS = (
    "SMS configuration and Auto verification for phone_number are required when MFA is "
    "required/optional"
)


def new_pool_settings(params: JsonObject) -> JsonObject:
    """The settings of a pool created with CreateUserPool's ``params``."""
    if params.get("AliasAttributes") and params.get("UsernameAttributes"):
        raise InvalidParameterException(
            "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool."
        )
    settings = _configurable(params, previous=None)
    schema: JsonArray = list(build_schema(objects_member(params, "Schema")))
    settings["SchemaAttributes"] = schema
    for member in ("AliasAttributes", "UsernameAttributes"):
        if params.get(member):
            unique: JsonArray = list(dict.fromkeys(texts_member(params, member)))
            settings[member] = unique
    # Case-insensitive sign-in names unless asked otherwise: a deliberate default beyond
    # Cognito's API default, shown explicitly so clients can read it.
    settings["UsernameConfiguration"] = params.get(
        "UsernameConfiguration", {"CaseSensitive": False}
    )
    settings["UserPoolTags"] = dict(object_member(params, "UserPoolTags"))
    settings["UserPoolTier"] = params.get("UserPoolTier", "ESSENTIALS")
    # CreateUserPool can only turn on SMS as a factor; the others come from SetUserPoolMfaConfig.
    settings["SmsMfaEnabled"] = settings["MfaConfiguration"] != "OFF"
    return settings


def updated_pool_settings(previous: JsonObject, params: JsonObject) -> JsonObject:
    """The settings after UpdateUserPool: what it names is replaced, the rest returns to defaults.

    Kept from before: the schema, sign-in name settings (immutable in Cognito), the tier unless
    given, tags unless given (tags have their own operations), and the MFA factor settings.
    """
    settings = _configurable(params, previous=previous)
    for member in (
        "SchemaAttributes",
        "AliasAttributes",
        "UsernameAttributes",
        "UsernameConfiguration",
        "SoftwareTokenMfaConfiguration",
        "EmailMfaConfiguration",
        "WebAuthnConfiguration",
        "SmsMfaEnabled",
    ):
        if member in previous:
            settings[member] = copy.deepcopy(previous[member])
    tags_from = params if "UserPoolTags" in params else previous
    settings["UserPoolTags"] = dict(object_member(tags_from, "UserPoolTags"))
    settings["UserPoolTier"] = params.get(
        "UserPoolTier", previous.get("UserPoolTier", "ESSENTIALS")
    )
    # Turning MFA on here with no other factor means SMS, as in CreateUserPool.
    if settings["MfaConfiguration"] != "OFF" and not _other_factor(previous):
        settings["SmsMfaEnabled"] = True
    return settings


def _configurable(params: JsonObject, previous: JsonObject | None) -> JsonObject:
    settings: JsonObject = {key: copy.deepcopy(params[key]) for key in _RESETTABLE if key in params}
    settings["Policies"] = _policies(
        object_member(params, "Policies"), object_member(params, "AdminCreateUserConfig")
    )
    settings.setdefault("DeletionProtection", "INACTIVE")
    settings["LambdaConfig"] = _lambda_config(object_member(params, "LambdaConfig"))
    settings["MfaConfiguration"] = params.get("MfaConfiguration", "OFF")
    settings["AdminCreateUserConfig"] = _admin_create_user_config(params)
    settings["EmailConfiguration"] = _email_configuration(
        object_member(params, "EmailConfiguration")
    )
    settings.setdefault(
        "UserAttributeUpdateSettings", {"AttributesRequireVerificationBeforeUpdate": []}
    )
    _check_attribute_update_settings(settings)
    _merge_message_twins(settings)
    _check_account_recovery(object_member(settings, "AccountRecoverySetting"))
    _check_mfa_possible(settings, previous)
    return settings


def _policies(policies: JsonObject, admin_create: JsonObject) -> JsonObject:
    policies = copy.deepcopy(policies)
    given_policy = policies.get("PasswordPolicy")
    given = None if given_policy is None else as_object(given_policy, "PasswordPolicy")
    if given is None:
        password = dict(DEFAULT_PASSWORD_POLICY)
    else:
        password = {
            "MinimumLength": given.get("MinimumLength", 8),
            "RequireUppercase": given.get("RequireUppercase", False),
            "RequireLowercase": given.get("RequireLowercase", False),
            "RequireNumbers": given.get("RequireNumbers", False),
            "RequireSymbols": given.get("RequireSymbols", False),
        }
        if "PasswordHistorySize" in given:
            password["PasswordHistorySize"] = given["PasswordHistorySize"]
        password["TemporaryPasswordValidityDays"] = given.get("TemporaryPasswordValidityDays", 7)
    legacy_days = admin_create.get("UnusedAccountValidityDays")
    if legacy_days is not None:
        if given is not None and "TemporaryPasswordValidityDays" in given:
            raise InvalidParameterException(
                "Please use TemporaryPasswordValidityDays in PasswordPolicy instead of "
                "UnusedAccountValidityDays"
            )
        password["TemporaryPasswordValidityDays"] = legacy_days
    policies["PasswordPolicy"] = password
    sign_in = object_member(policies, "SignInPolicy") or {"AllowedFirstAuthFactors": ["PASSWORD"]}
    factors = texts_member(sign_in, "AllowedFirstAuthFactors")
    if "PASSWORD" not in factors:
        raise InvalidParameterException("AllowedFirstAuthFactors must contain PASSWORD.")
    if "SOFTWARE_TOKEN" in factors:
        raise InvalidParameterException("SOFTWARE_TOKEN is not supported as a first auth factor.")
    unique: JsonArray = list(dict.fromkeys(factors))
    policies["SignInPolicy"] = {"AllowedFirstAuthFactors": unique}
    return policies


def _lambda_config(config: JsonObject) -> JsonObject:
    config = copy.deepcopy(config)
    arn = config.get("PreTokenGeneration")
    given = config.get("PreTokenGenerationConfig")
    if given is not None:
        versioned_arn = as_object(given, "PreTokenGenerationConfig").get("LambdaArn")
        if arn is not None and versioned_arn != arn:
            raise InvalidParameterException(
                "PreTokenGeneration and PreTokenGenerationConfig.LambdaArn must be the same "
                "function."
            )
        config["PreTokenGeneration"] = versioned_arn
    elif arn is not None:
        config["PreTokenGenerationConfig"] = {"LambdaArn": arn, "LambdaVersion": "V1_0"}
    if ("CustomSMSSender" in config or "CustomEmailSender" in config) and "KMSKeyID" not in config:
        raise InvalidParameterException(
            "KMSKeyID is required when CustomSMSSender or CustomEmailSender is set."
        )
    return config


def _admin_create_user_config(params: JsonObject) -> JsonObject:
    given = copy.deepcopy(object_member(params, "AdminCreateUserConfig"))
    given.setdefault("AllowAdminCreateUserOnly", False)
    password = object_member(object_member(params, "Policies"), "PasswordPolicy")
    # Cognito keeps the deprecated member in step with the password policy's.
    given.setdefault("UnusedAccountValidityDays", password.get("TemporaryPasswordValidityDays", 7))
    return given


def _email_configuration(given: JsonObject) -> JsonObject:
    config = copy.deepcopy(given)
    config.setdefault("EmailSendingAccount", "COGNITO_DEFAULT")
    if config["EmailSendingAccount"] == "DEVELOPER" and "SourceArn" not in config:
        raise InvalidParameterException(
            "EmailConfiguration.SourceArn is required when EmailSendingAccount is DEVELOPER."
        )
    return config


def _merge_message_twins(settings: JsonObject) -> None:
    template = object_member(settings, "VerificationMessageTemplate")
    settings["VerificationMessageTemplate"] = template
    for legacy, inner in _MESSAGE_TWINS:
        if legacy in settings and inner in template and settings[legacy] != template[inner]:
            raise InvalidParameterException(
                f"{legacy} and VerificationMessageTemplate.{inner} must not differ."
            )
        if legacy in settings:
            template[inner] = settings[legacy]
        elif inner in template:
            settings[legacy] = template[inner]
    template.setdefault("DefaultEmailOption", "CONFIRM_WITH_CODE")


def _check_attribute_update_settings(settings: JsonObject) -> None:
    names = texts_member(
        object_member(settings, "UserAttributeUpdateSettings"),
        "AttributesRequireVerificationBeforeUpdate",
    )
    auto_verified = set(texts_member(settings, "AutoVerifiedAttributes"))
    for name in names:
        if name not in auto_verified:
            raise InvalidParameterException(
                f"Cannot require verification before update of {name} unless it is in "
                "AutoVerifiedAttributes."
            )


def _check_account_recovery(setting: JsonObject) -> None:
    if not setting:
        return
    mechanisms = objects_member(setting, "RecoveryMechanisms")
    names = [text_member(item, "Name") for item in mechanisms]
    priorities = [int_member(item, "Priority") for item in mechanisms]
    if len(set(names)) != len(names) or len(set(priorities)) != len(priorities):
        raise InvalidParameterException(
            "AccountRecoverySetting: recovery mechanisms and their priorities must be unique."
        )
    if "admin_only" in names and len(names) > 1:
        raise InvalidParameterException(
            "AccountRecoverySetting: admin_only cannot be combined with other mechanisms."
        )


def _check_mfa_possible(settings: JsonObject, previous: JsonObject | None) -> None:
    if settings["MfaConfiguration"] == "OFF":
        return
    if not _other_factor(previous or {}) and "SmsConfiguration" not in settings:
        raise InvalidParameterException(_MFA_NEEDS_SMS)


def _other_factor(settings: JsonObject) -> bool:
    """Whether TOTP or email MFA is on (set only by SetUserPoolMfaConfig)."""
    return bool(
        object_member(settings, "SoftwareTokenMfaConfiguration").get("Enabled")
        or "EmailMfaConfiguration" in settings
    )

"""A user pool's settings as the code reads them: :class:`PoolSettings`, parsed once per record.

The store keeps a pool's settings as Cognito's own ``UserPoolType`` JSON
(:attr:`~cognitio.store.records.UserPoolRecord.config`, built by
:mod:`cognitio.services.pools.pool_settings`). :func:`pool_settings` turns that document into a
frozen, typed view the first time a loaded record is asked, and keeps it on the record, so
services read ``settings.mfa_configuration`` rather than ``config.get("MfaConfiguration", "OFF")``
and Cognito's defaults for a missing member are written down once, here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cognitio.documents import (
    DocumentError,
    JsonObject,
    as_object,
    flag_member,
    int_member,
    object_member,
    objects_member,
    text_member,
    texts_member,
)
from cognitio.messaging.messages import sender_from_email_configuration
from cognitio.services.pools.attributes import schema_by_name
from cognitio.services.security.passwords import PasswordPolicy
from cognitio.store.records import UserPoolRecord

# LambdaConfig members that hold {"LambdaArn": ..., "LambdaVersion": ...} rather than an ARN.
NESTED_TRIGGERS = (
    "PreTokenGenerationConfig",
    "CustomSMSSender",
    "CustomEmailSender",
    "InboundFederation",
)


@dataclass(frozen=True, slots=True)
class SignInNames:
    """How users are named: fixed when the pool is created, so cheap to keep per node."""

    username_attributes: tuple[str, ...] = ()
    alias_attributes: tuple[str, ...] = ()
    case_sensitive: bool = False

    @property
    def sign_in_attributes(self) -> tuple[str, ...]:
        """Attributes that sign a user in besides the username."""
        return self.username_attributes + self.alias_attributes


@dataclass(frozen=True, slots=True)
class MessageTemplate:
    """A message's wording as the pool sets it; None where the pool keeps Cognito's default."""

    email_message: str | None = None
    email_subject: str | None = None
    sms_message: str | None = None


@dataclass(frozen=True, slots=True)
class WebAuthnSettings:
    """WebAuthnConfiguration (SetUserPoolMfaConfig)."""

    relying_party_id: str | None = None
    user_verification_required: bool = False
    factor_configuration: str | None = None  # MULTI_FACTOR_WITH_USER_VERIFICATION or SINGLE_FACTOR


@dataclass(frozen=True, slots=True)
class EmailMfaSettings:
    """EmailMfaConfiguration: the sign-in code's wording; None keeps the default."""

    message: str | None = None
    subject: str | None = None


@dataclass(frozen=True, slots=True)
class DeviceSettings:
    """DeviceConfiguration; ``remembers`` is whether the pool tracks devices at all (any
    property set turns it on)."""

    remembers: bool = False
    challenge_required_on_new_device: bool = False
    device_only_remembered_on_user_prompt: bool = False


@dataclass(frozen=True, slots=True)
class PoolSettings:
    """What the services read of a pool's settings, Cognito's defaults filled in."""

    password_policy: PasswordPolicy
    sign_in_names: SignInNames
    allowed_first_auth_factors: tuple[str, ...]
    # Verification and recovery.
    auto_verified_attributes: tuple[str, ...]
    # AttributesRequireVerificationBeforeUpdate.
    verify_before_update: tuple[str, ...]
    # Recovery mechanism names (verified_email, verified_phone_number, admin_only) by priority;
    # empty when the pool has no AccountRecoverySetting.
    recovery_mechanisms: tuple[str, ...]
    allow_admin_create_user_only: bool
    # MFA.
    mfa_configuration: str  # OFF, ON or OPTIONAL
    sms_mfa_enabled: bool
    software_token_mfa_enabled: bool
    email_mfa: EmailMfaSettings | None
    web_authn: WebAuthnSettings
    device: DeviceSettings
    # Messages.
    verification_message: MessageTemplate
    invite_message: MessageTemplate
    sms_authentication_message: str | None
    email_sender: str | None  # the From address; None for the default sender
    reply_to_email: str | None
    # Triggers: LambdaConfig member -> function ARN (a nested member's LambdaArn).
    triggers: Mapping[str, str]
    pre_token_generation_version: str | None  # V1_0, V2_0 or V3_0
    # SchemaAttributes, Cognito's SchemaAttributeType entries, and by name.
    schema: tuple[JsonObject, ...]
    schema_by_name: Mapping[str, JsonObject]
    deletion_protection: bool
    tags: Mapping[str, str]  # UserPoolTags

    @property
    def username_attributes(self) -> tuple[str, ...]:
        """UsernameAttributes: email and/or phone_number sign in in place of a username."""
        return self.sign_in_names.username_attributes

    @property
    def alias_attributes(self) -> tuple[str, ...]:
        return self.sign_in_names.alias_attributes

    @property
    def required_attributes(self) -> tuple[str, ...]:
        """The schema's required attributes, ``sub`` included."""
        names = (text_member(entry, "Name") for entry in self.schema if entry.get("Required"))
        return tuple(name for name in names if name is not None)

    @classmethod
    def from_document(cls, config: JsonObject) -> PoolSettings:
        """The view of a pool's stored settings document."""
        policies = object_member(config, "Policies")
        sign_in = object_member(policies, "SignInPolicy")
        lambda_config = object_member(config, "LambdaConfig")
        web_authn = object_member(config, "WebAuthnConfiguration")
        device = object_member(config, "DeviceConfiguration")
        email_mfa = config.get("EmailMfaConfiguration")
        admin_create = object_member(config, "AdminCreateUserConfig")
        email = object_member(config, "EmailConfiguration")
        recovery = objects_member(
            object_member(config, "AccountRecoverySetting"), "RecoveryMechanisms"
        )
        schema = tuple(objects_member(config, "SchemaAttributes"))
        return cls(
            password_policy=PasswordPolicy.from_document(object_member(policies, "PasswordPolicy")),
            sign_in_names=SignInNames(
                username_attributes=texts_member(config, "UsernameAttributes"),
                alias_attributes=texts_member(config, "AliasAttributes"),
                case_sensitive=flag_member(
                    object_member(config, "UsernameConfiguration"), "CaseSensitive"
                ),
            ),
            allowed_first_auth_factors=texts_member(sign_in, "AllowedFirstAuthFactors")
            if "AllowedFirstAuthFactors" in sign_in
            else ("PASSWORD",),
            auto_verified_attributes=texts_member(config, "AutoVerifiedAttributes"),
            verify_before_update=texts_member(
                object_member(config, "UserAttributeUpdateSettings"),
                "AttributesRequireVerificationBeforeUpdate",
            ),
            recovery_mechanisms=tuple(
                text_member(m, "Name") or ""
                for m in sorted(recovery, key=lambda m: int_member(m, "Priority") or 0)
            ),
            allow_admin_create_user_only=flag_member(admin_create, "AllowAdminCreateUserOnly"),
            mfa_configuration=_text(config, "MfaConfiguration", "OFF"),
            sms_mfa_enabled=flag_member(config, "SmsMfaEnabled"),
            software_token_mfa_enabled=flag_member(
                object_member(config, "SoftwareTokenMfaConfiguration"), "Enabled"
            ),
            email_mfa=None if email_mfa is None else _email_mfa(as_object(email_mfa)),
            web_authn=WebAuthnSettings(
                relying_party_id=text_member(web_authn, "RelyingPartyId") or None,
                user_verification_required=web_authn.get("UserVerification") == "required",
                factor_configuration=text_member(web_authn, "FactorConfiguration"),
            ),
            device=DeviceSettings(
                remembers=bool(device),
                challenge_required_on_new_device=flag_member(
                    device, "ChallengeRequiredOnNewDevice"
                ),
                device_only_remembered_on_user_prompt=flag_member(
                    device, "DeviceOnlyRememberedOnUserPrompt"
                ),
            ),
            verification_message=_template(
                object_member(config, "VerificationMessageTemplate"), "SmsMessage"
            ),
            invite_message=_template(
                object_member(admin_create, "InviteMessageTemplate"), "SMSMessage"
            ),
            sms_authentication_message=text_member(config, "SmsAuthenticationMessage"),
            email_sender=sender_from_email_configuration(email),
            reply_to_email=text_member(email, "ReplyToEmailAddress"),
            triggers=_trigger_arns(lambda_config),
            pre_token_generation_version=text_member(
                object_member(lambda_config, "PreTokenGenerationConfig"), "LambdaVersion"
            ),
            schema=schema,
            schema_by_name=schema_by_name(schema),
            deletion_protection=config.get("DeletionProtection") == "ACTIVE",
            tags=tags_member(config),
        )


def pool_settings(pool: UserPoolRecord) -> PoolSettings:
    """The typed view of ``pool``'s settings, parsed the first time this record is asked."""
    view = pool.views.get("settings")
    if not isinstance(view, PoolSettings):
        view = PoolSettings.from_document(pool.config)
        pool.views["settings"] = view
    return view


def tags_member(config: JsonObject) -> dict[str, str]:
    """A pool's UserPoolTags, tag key -> value."""
    tags = object_member(config, "UserPoolTags")
    if not all(isinstance(value, str) for value in tags.values()):
        raise DocumentError("UserPoolTags is not a map of strings")
    return {key: str(value) for key, value in tags.items()}


def _text(document: JsonObject, name: str, default: str) -> str:
    value = text_member(document, name)
    return default if value is None else value


def _email_mfa(document: JsonObject) -> EmailMfaSettings:
    return EmailMfaSettings(text_member(document, "Message"), text_member(document, "Subject"))


def _template(template: JsonObject, sms_member: str) -> MessageTemplate:
    # InviteMessageTemplate spells the SMS member SMSMessage; VerificationMessageTemplate,
    # SmsMessage.
    return MessageTemplate(
        email_message=text_member(template, "EmailMessage"),
        email_subject=text_member(template, "EmailSubject"),
        sms_message=text_member(template, sms_member),
    )


def _trigger_arns(lambda_config: JsonObject) -> dict[str, str]:
    arns: dict[str, str] = {}
    for member, value in lambda_config.items():
        arn = as_object(value, member).get("LambdaArn") if member in NESTED_TRIGGERS else value
        if arn and isinstance(arn, str):
            arns[member] = arn
    return arns

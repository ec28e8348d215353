"""Software-token MFA (TOTP, RFC 6238) and users' MFA preferences.

AssociateSoftwareToken gives a user a new secret (sealed at rest, pending until proven);
VerifySoftwareToken turns it on when a code from the authenticator matches; SetUserMFAPreference
and AdminSetUserMFAPreference choose what sign-in asks for. A code is accepted within one
30-second step of the server's clock either way, and each step at most once per user.
"""

from __future__ import annotations

import hmac
import time
from dataclasses import dataclass

import pyotp

from cognitio.crypto.envelope import Envelope
from cognitio.errors import (
    CodeMismatchException,
    EnableSoftwareTokenMFAException,
    ExpiredCodeException,
    InvalidParameterException,
    InvalidUserPoolConfigurationException,
    SoftwareTokenMFANotFoundException,
)
from cognitio.services.pools.settings import pool_settings
from cognitio.store.records import MfaRecord, UserPoolRecord, UserRecord
from cognitio.store.repositories import Transaction

TOTP = "SOFTWARE_TOKEN_MFA"
SMS = "SMS_MFA"
EMAIL = "EMAIL_OTP"
# The order GetUser lists factors in.
FACTOR_ORDER = (SMS, TOTP, EMAIL)
STEP_SECONDS = 30
_WINDOW = 1  # steps either side of now: clock skew between phone and server
# Cognito's answer to a code from a step the user has used already (a right code, once too often).
_USED_ONCE = "Your software token has already been used once."
# What enabling a factor needs, and Cognito's refusal when the user lacks it.
_NEEDS = {
    TOTP: "User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA",
    SMS: "User does not have a phone_number set to turn on SMS MFA",
    EMAIL: "User does not have an email set to turn on EMAIL_OTP MFA",
}


@dataclass(frozen=True, slots=True)
class FactorPreference:
    """One factor's settings in SetUserMFAPreference; None leaves a setting as it is."""

    enabled: bool | None = None
    preferred: bool | None = None


@dataclass(frozen=True, slots=True)
class MfaPreferences:
    """SetUserMFAPreference's input: the factors named change, the others stay.
    ``passkey_mfa`` is WebAuthnMfaSettings.Enabled."""

    sms: FactorPreference | None = None
    software_token: FactorPreference | None = None
    email: FactorPreference | None = None
    passkey_mfa: bool | None = None


@dataclass(frozen=True, slots=True)
class MfaOption:
    """A legacy MFAOptions entry (SetUserSettings): only SMS to phone_number is accepted."""

    delivery_medium: str | None
    attribute_name: str | None


def _context(sub: str) -> str:
    return f"totp:{sub}"


def software_token_enabled_in(pool: UserPoolRecord) -> bool:
    return pool_settings(pool).software_token_mfa_enabled


def pool_factors(pool: UserPoolRecord) -> set[str]:
    """The second factors a pool offers (SetUserPoolMfaConfig)."""
    offered = set()
    if pool_settings(pool).sms_mfa_enabled:
        offered.add(SMS)
    if software_token_enabled_in(pool):
        offered.add(TOTP)
    if pool_settings(pool).email_mfa is not None:
        offered.add(EMAIL)
    return offered


def user_factors(pool: UserPoolRecord, user: UserRecord, record: MfaRecord | None) -> list[str]:
    """The factors a user has on and the pool offers, in Cognito's order."""
    if record is None:
        return []
    on = {
        SMS: record.sms_enabled and bool(user.attributes.get("phone_number")),
        TOTP: record.totp_enabled,
        EMAIL: record.email_enabled and bool(user.attributes.get("email")),
    }
    offered = pool_factors(pool)
    return [factor for factor in FACTOR_ORDER if on[factor] and factor in offered]


class Mfa:
    def __init__(self, envelope: Envelope) -> None:
        self._envelope = envelope

    async def associate(self, tx: Transaction, pool: UserPoolRecord, user: UserRecord) -> str:
        """A new TOTP secret (base32, 32 characters), pending until verified."""
        if not software_token_enabled_in(pool):
            raise InvalidUserPoolConfigurationException(
                "Software token MFA is not enabled for the user pool."
            )
        secret = pyotp.random_base32(32)
        record = await tx.mfa.get(user.sub) or MfaRecord(sub=user.sub)
        record.totp_pending_sealed = self._envelope.seal(secret.encode(), _context(user.sub))
        await tx.mfa.put(record)
        return secret

    async def verify_new(self, tx: Transaction, user: UserRecord, code: str) -> None:
        """Turn the pending secret on if ``code`` comes from it."""
        record = await tx.mfa.get(user.sub)
        if record is None or record.totp_pending_sealed is None:
            raise SoftwareTokenMFANotFoundException(
                "Software token TOTP multi-factor authentication (MFA) is not enabled for the user."
            )
        secret = self._envelope.open(record.totp_pending_sealed, _context(user.sub)).decode()
        step = _matching_step(secret, code)
        if step is None:
            raise EnableSoftwareTokenMFAException("Code mismatch")
        if step <= record.totp_last_step:
            raise ExpiredCodeException(_USED_ONCE)
        record.totp_sealed = record.totp_pending_sealed
        record.totp_pending_sealed = None
        record.totp_enabled = True
        record.totp_last_step = max(record.totp_last_step, step)
        await tx.mfa.put(record)

    async def check_code(self, tx: Transaction, user: UserRecord, code: str) -> None:
        """A sign-in's TOTP code: right, current, and not used before."""
        record = await tx.mfa.get(user.sub)
        if record is None or not record.totp_enabled or record.totp_sealed is None:
            raise SoftwareTokenMFANotFoundException(
                "Software token TOTP multi-factor authentication (MFA) is not enabled for the user."
            )
        secret = self._envelope.open(record.totp_sealed, _context(user.sub)).decode()
        step = _matching_step(secret, code)
        if step is None:
            raise CodeMismatchException("Invalid code received for user")
        if not await tx.mfa.use_step(user.sub, step):
            raise ExpiredCodeException(_USED_ONCE)

    async def set_preference(
        self, tx: Transaction, pool: UserPoolRecord, user: UserRecord, wanted: MfaPreferences
    ) -> None:
        """SetUserMFAPreference / AdminSetUserMFAPreference."""
        record = await tx.mfa.get(user.sub) or MfaRecord(sub=user.sub)
        for settings, factor, attribute in (
            (wanted.sms, SMS, "phone_number"),
            (wanted.software_token, TOTP, None),
            (wanted.email, EMAIL, "email"),
        ):
            if settings is None:
                continue
            enabled = settings.enabled
            lacking = (
                record.totp_sealed is None
                if attribute is None
                else not user.attributes.get(attribute)
            )
            if enabled and lacking:
                raise InvalidParameterException(_NEEDS[factor])
            if enabled and factor not in pool_factors(pool):
                raise InvalidParameterException(f"{factor} is not enabled for the user pool.")
            if enabled is not None:
                if factor == SMS:
                    record.sms_enabled = enabled
                elif factor == TOTP:
                    record.totp_enabled = enabled
                else:
                    record.email_enabled = enabled
            if settings.preferred:
                record.preferred = factor
            elif record.preferred == factor and (settings.preferred is not None or not enabled):
                record.preferred = None
        if wanted.passkey_mfa is not None:
            record.webauthn_enabled = wanted.passkey_mfa
        if record.webauthn_enabled:
            _check_passkey_mfa(pool, user, record)
        await tx.mfa.put(record)


def _check_passkey_mfa(pool: UserPoolRecord, user: UserRecord, record: MfaRecord) -> None:
    """WebAuthnMfaSettings needs the pool's consent and another factor to fall back on."""
    factor_configuration = pool_settings(pool).web_authn.factor_configuration
    if factor_configuration != "MULTI_FACTOR_WITH_USER_VERIFICATION":
        raise InvalidParameterException(
            "Passkey MFA needs the user pool's WebAuthnConfiguration.FactorConfiguration to be "
            "MULTI_FACTOR_WITH_USER_VERIFICATION."
        )
    if not user_factors(pool, user, record):
        raise InvalidParameterException(
            "Passkey MFA needs another MFA factor (SMS, email or software token) turned on."
        )


async def set_legacy_options(
    tx: Transaction, user: UserRecord, options: tuple[MfaOption, ...]
) -> None:
    """SetUserSettings / AdminSetUserSettings: the legacy MFAOptions, SMS MFA on or off."""
    for option in options:
        if option.delivery_medium != "SMS" or option.attribute_name != "phone_number":
            raise InvalidParameterException(
                "MFAOptions supports only DeliveryMedium SMS with AttributeName phone_number."
            )
    if options and not user.attributes.get("phone_number"):
        raise InvalidParameterException(
            "User does not have a phone_number to receive SMS_MFA codes."
        )
    record = await tx.mfa.get(user.sub) or MfaRecord(sub=user.sub)
    record.sms_enabled = bool(options)
    if not options and record.preferred == SMS:
        record.preferred = None
    await tx.mfa.put(record)


async def delete_software_token(tx: Transaction, user: UserRecord) -> None:
    """AdminDeleteSoftwareToken: the user's authenticator is forgotten."""
    record = await tx.mfa.get(user.sub)
    if record is None or (record.totp_sealed is None and record.totp_pending_sealed is None):
        raise SoftwareTokenMFANotFoundException(
            "Software token TOTP multi-factor authentication (MFA) is not enabled for the user."
        )
    record.totp_sealed = record.totp_pending_sealed = None
    record.totp_enabled = False
    if record.preferred == TOTP:
        record.preferred = None
    await tx.mfa.put(record)


def _matching_step(secret: str, code: str) -> int | None:
    """The time step ``code`` belongs to, within the window, or None."""
    # ASCII digits only: isdigit() alone accepts other scripts' digits (١٢٣٤٥٦).
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    now = int(time.time()) // STEP_SECONDS
    for step in range(now - _WINDOW, now + _WINDOW + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS).encode(), code.encode()):
            return step
    return None

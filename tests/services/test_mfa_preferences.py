"""SetUserMFAPreference's rules on the typed preferences: a factor left out stays as it is,
PreferredMfa false takes the preference away, and a factor needs what it delivers to."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest

from cognitio.crypto.envelope import Envelope
from cognitio.errors import InvalidParameterException
from cognitio.services.mfa.mfa import SMS, TOTP, FactorPreference, Mfa, MfaPreferences
from cognitio.store.records import MfaRecord, UserPoolRecord, UserRecord
from cognitio.store.repositories import Transaction

POOL = UserPoolRecord(
    id="us-east-1_test",
    region="us-east-1",
    name="pool",
    config={"SmsMfaEnabled": True, "SoftwareTokenMfaConfiguration": {"Enabled": True}},
    created_ms=0,
    updated_ms=0,
    version=1,
)


def _user(**attributes: str) -> UserRecord:
    return UserRecord(
        sub="sub-1",
        pool_id=POOL.id,
        username="alice",
        username_key="alice",
        status="CONFIRMED",
        enabled=True,
        attributes=dict(attributes),
        password_hash=None,
        srp_sealed=None,
        password_set_ms=None,
        created_ms=0,
        updated_ms=0,
        version=1,
    )


class _Factors:
    def __init__(self, record: MfaRecord | None) -> None:
        self.record = record

    async def get(self, sub: str) -> MfaRecord | None:
        return self.record

    async def put(self, record: MfaRecord) -> None:
        self.record = record


class _Tx:
    def __init__(self, record: MfaRecord | None) -> None:
        self.mfa = _Factors(record)


def _set(record: MfaRecord | None, user: UserRecord, wanted: MfaPreferences) -> MfaRecord:
    tx = _Tx(record)
    mfa = Mfa(Envelope(bytes(32)))
    asyncio.run(mfa.set_preference(cast(Transaction, cast(Any, tx)), POOL, user, wanted))
    assert tx.mfa.record is not None
    return tx.mfa.record


def test_a_factor_left_out_keeps_its_settings() -> None:
    before = MfaRecord(sub="sub-1", totp_sealed=b"x", totp_enabled=True, preferred=TOTP)
    after = _set(
        before, _user(phone_number="+15550100"), MfaPreferences(sms=FactorPreference(True))
    )
    assert after.sms_enabled and after.totp_enabled
    assert after.preferred == TOTP


def test_preferred_false_takes_the_preference_away() -> None:
    before = MfaRecord(sub="sub-1", totp_sealed=b"x", totp_enabled=True, preferred=TOTP)
    wanted = MfaPreferences(software_token=FactorPreference(enabled=True, preferred=False))
    after = _set(before, _user(), wanted)
    assert after.totp_enabled
    assert after.preferred is None


def test_sms_needs_a_phone_number() -> None:
    with pytest.raises(InvalidParameterException):
        _set(None, _user(), MfaPreferences(sms=FactorPreference(enabled=True, preferred=True)))


def test_preferring_sms_makes_it_the_preference() -> None:
    wanted = MfaPreferences(sms=FactorPreference(enabled=True, preferred=True))
    after = _set(None, _user(phone_number="+15550100"), wanted)
    assert after.sms_enabled
    assert after.preferred == SMS

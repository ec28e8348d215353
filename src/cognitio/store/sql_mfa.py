"""Users' MFA settings, in SQL."""

from __future__ import annotations

from cognitio.store.records import MfaRecord
from cognitio.store.sqlbase import Query, Runner

_COLUMNS = (
    "sub, totp_sealed, totp_pending_sealed, totp_enabled, totp_last_step, preferred, "
    "sms_enabled, email_enabled, webauthn_enabled"
)
_GET = Query(f"SELECT {_COLUMNS} FROM user_mfa WHERE sub = :sub")
_PUT = Query(
    f"INSERT INTO user_mfa ({_COLUMNS}) VALUES (:sub, :totp_sealed, :totp_pending_sealed, "
    ":totp_enabled, :totp_last_step, :preferred, :sms_enabled, :email_enabled, "
    ":webauthn_enabled) "
    "ON CONFLICT (sub) DO UPDATE SET "
    "totp_sealed = excluded.totp_sealed, totp_pending_sealed = excluded.totp_pending_sealed, "
    "totp_enabled = excluded.totp_enabled, totp_last_step = excluded.totp_last_step, "
    "preferred = excluded.preferred, sms_enabled = excluded.sms_enabled, "
    "email_enabled = excluded.email_enabled, webauthn_enabled = excluded.webauthn_enabled"
)
# Accept a step only if it is newer than the last accepted one: a TOTP code works once,
# even when two nodes check it at the same moment.
_USE_STEP = Query(
    "UPDATE user_mfa SET totp_last_step = :step WHERE sub = :sub AND totp_last_step < :step"
)


class SqlMfaRepository:
    def __init__(self, sql: Runner) -> None:
        self._sql = sql

    async def get(self, sub: str) -> MfaRecord | None:
        row = await self._sql.one(_GET, {"sub": sub})
        if row is None:
            return None
        return MfaRecord(
            sub=row[0],
            totp_sealed=None if row[1] is None else bytes(row[1]),
            totp_pending_sealed=None if row[2] is None else bytes(row[2]),
            totp_enabled=bool(row[3]),
            totp_last_step=int(row[4]),
            preferred=row[5],
            sms_enabled=bool(row[6]),
            email_enabled=bool(row[7]),
            webauthn_enabled=bool(row[8]),
        )

    async def put(self, record: MfaRecord) -> None:
        params = {
            "sub": record.sub,
            "totp_sealed": record.totp_sealed,
            "totp_pending_sealed": record.totp_pending_sealed,
            "totp_enabled": record.totp_enabled,
            "totp_last_step": record.totp_last_step,
            "preferred": record.preferred,
            "sms_enabled": record.sms_enabled,
            "email_enabled": record.email_enabled,
            "webauthn_enabled": record.webauthn_enabled,
        }
        await self._sql.run(_PUT, params)

    async def use_step(self, sub: str, step: int) -> bool:
        return await self._sql.run(_USE_STEP, {"sub": sub, "step": step}) == 1

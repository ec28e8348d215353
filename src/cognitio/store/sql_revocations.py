"""Not-before instants of temporary credentials, in SQL."""

from __future__ import annotations

from cognitio.store.records import CredentialRevocationRecord
from cognitio.store.sqlbase import Query, Row, Runner

_COLUMNS = "kind, subject, not_before_ms"
# A later instant wins; an earlier one (a node with a slower clock) leaves it.
_REVOKE = Query(
    f"INSERT INTO credential_revocations ({_COLUMNS}) VALUES (:kind, :subject, :not_before_ms) "
    "ON CONFLICT (kind, subject) DO UPDATE SET not_before_ms = CASE "
    "WHEN excluded.not_before_ms > credential_revocations.not_before_ms "
    "THEN excluded.not_before_ms ELSE credential_revocations.not_before_ms END"
)
_OF_SESSION = Query(
    f"SELECT {_COLUMNS} FROM credential_revocations WHERE "
    "(kind = 'identity' AND subject = :identity_id) OR (kind = 'role' AND subject = :role_arn) "
    "OR (kind = 'identity-pool' AND subject = :pool_id)"
)
_SINCE = Query(
    f"SELECT {_COLUMNS} FROM credential_revocations WHERE not_before_ms > :after_ms "
    "ORDER BY kind, subject"
)
_PRUNE = Query("DELETE FROM credential_revocations WHERE not_before_ms < :before_ms")
_LINKED = Query(
    "SELECT identity_id, pool_id FROM identity_logins "
    "WHERE provider_name = :provider_name AND subject = :subject ORDER BY identity_id"
)


def _record(row: Row) -> CredentialRevocationRecord:
    return CredentialRevocationRecord(kind=row[0], subject=row[1], not_before_ms=int(row[2]))


class SqlCredentialRevocations:
    def __init__(self, sql: Runner) -> None:
        self._sql = sql

    async def revoke(self, kind: str, subject: str, not_before_ms: int) -> None:
        await self._sql.run(
            _REVOKE, {"kind": kind, "subject": subject, "not_before_ms": not_before_ms}
        )

    async def of_session(
        self, identity_id: str, role_arn: str, identity_pool_id: str
    ) -> list[CredentialRevocationRecord]:
        rows = await self._sql.all(
            _OF_SESSION,
            {"identity_id": identity_id, "role_arn": role_arn, "pool_id": identity_pool_id},
        )
        return [_record(row) for row in rows]

    async def since(self, after_ms: int) -> list[CredentialRevocationRecord]:
        return [_record(row) for row in await self._sql.all(_SINCE, {"after_ms": after_ms})]

    async def prune(self, before_ms: int) -> int:
        return await self._sql.run(_PRUNE, {"before_ms": before_ms})

    async def linked_identities(self, provider_name: str, subject: str) -> list[tuple[str, str]]:
        rows = await self._sql.all(_LINKED, {"provider_name": provider_name, "subject": subject})
        return [(str(row[0]), str(row[1])) for row in rows]

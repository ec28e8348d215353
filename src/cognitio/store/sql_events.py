"""The transactional outbox, in SQL."""

from __future__ import annotations

from cognitio.store.records import EventRecord
from cognitio.store.sqlbase import Query, Runner

_APPEND = Query(
    "INSERT INTO events (id, partition_key, type, body, created_ms) "
    "VALUES (:id, :partition_key, :type, :body, :created_ms)"
)


class SqlEventOutbox:
    def __init__(self, sql: Runner) -> None:
        self._sql = sql

    async def append(self, record: EventRecord) -> None:
        await self._sql.run(
            _APPEND,
            {
                "id": record.id,
                "partition_key": record.partition_key,
                "type": record.type,
                "body": record.body,
                "created_ms": record.created_ms,
            },
        )

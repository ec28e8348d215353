"""Appending an event to the outbox, as a CloudEvent (CloudEvents 1.0, JSON event format:
https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/formats/json-format.md).

The envelope: ``id`` (a UUID, the de-duplication key), ``source``
(``urn:cognitio:userpool:<pool id>`` or ``urn:cognitio:identitypool:<pool id>``), ``type``
(``cognito-idp.<EventName>``, the event named as Cognito's operations and CloudTrail name
them), ``subject`` (the user name, when the event is about a user), ``time`` (RFC 3339, UTC,
milliseconds). ``data`` has Cognito's field names: ``eventName``, ``region``, ``userPoolId``,
``userName``, ``sub``, ``clientId`` and the event's own fields.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import orjson

from cognitio.documents import JsonObject
from cognitio.store.records import EventRecord
from cognitio.store.repositories import Transaction

SPEC_VERSION = "1.0"
TYPE_PREFIX = "cognito-idp."
SOURCE_PREFIX = "urn:cognitio:"


@dataclass(frozen=True, slots=True)
class Event:
    """What happened. ``detail`` holds the event's own fields (Cognito's names), never a secret:
    no password, code, token, session, key or secret of any kind."""

    name: str
    user_pool_id: str
    user_name: str | None = None
    sub: str | None = None
    client_id: str | None = None
    detail: JsonObject = field(default_factory=dict)
    # "userpool", or "identitypool" for an identity pool's events (user_pool_id is then its id)
    pool_kind: str = "userpool"

    @property
    def partition_key(self) -> str:
        """Events with the same key are delivered in the order they were written."""
        return f"{self.user_pool_id}/{self.sub or self.user_name or ''}"


def _region(pool_id: str) -> str:
    return pool_id.split("_", 1)[0].split(":", 1)[0]


def cloud_event(event: Event, event_id: str, time_ms: int) -> JsonObject:
    """The CloudEvent that tells ``event``."""
    data: JsonObject = {"eventName": event.name, "region": _region(event.user_pool_id)}
    data["identityPoolId" if event.pool_kind == "identitypool" else "userPoolId"] = (
        event.user_pool_id
    )
    if event.user_name is not None:
        data["userName"] = event.user_name
    if event.sub is not None:
        data["sub"] = event.sub
    if event.client_id is not None:
        data["clientId"] = event.client_id
    data.update(event.detail)
    envelope: JsonObject = {
        "specversion": SPEC_VERSION,
        "id": event_id,
        "source": f"{SOURCE_PREFIX}{event.pool_kind}:{event.user_pool_id}",
        "type": TYPE_PREFIX + event.name,
        "time": datetime.fromtimestamp(time_ms / 1000, UTC).isoformat(timespec="milliseconds"),
        "datacontenttype": "application/json",
        "data": data,
    }
    if event.user_name is not None:
        envelope["subject"] = event.user_name
    return envelope


async def append_event(tx: Transaction, event: Event, now_ms: int) -> str:
    """Write ``event`` to the outbox in ``tx`` (a write transaction); returns its id."""
    event_id = str(uuid.uuid4())
    body = orjson.dumps(cloud_event(event, event_id, now_ms)).decode()
    await tx.events.append(
        EventRecord(
            id=event_id,
            partition_key=event.partition_key,
            type=TYPE_PREFIX + event.name,
            body=body,
            created_ms=now_ms,
        )
    )
    return event_id

"""Opaque pagination tokens holding a keyset position; any node can continue a listing."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import Protocol, TypeVar

from cognitio.errors import InvalidParameterException
from cognitio.store.repositories import Cursor


class Keyed(Protocol):
    """A row listed in creation order."""

    @property
    def created_ms(self) -> int: ...
    @property
    def id(self) -> str: ...


Row = TypeVar("Row", bound=Keyed)


def page(rows: Sequence[Row], limit: int) -> tuple[Sequence[Row], str | None]:
    """Split ``limit + 1`` fetched rows into the page and the token for the next one, if any."""
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], encode((last.created_ms, last.id))


def encode(cursor: Cursor) -> str:
    """A token for the position after ``cursor``."""
    created_ms, last_id = cursor
    return base64.urlsafe_b64encode(f"1:{created_ms}:{last_id}".encode()).decode().rstrip("=")


def decode(token: str | None) -> Cursor | None:
    """The position a token names; a forged or damaged token is a parameter error."""
    if not token:
        return None
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        version, created_ms, last_id = text.split(":", 2)
        if version != "1" or not last_id:
            raise ValueError(text)
        return int(created_ms), last_id
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidParameterException("The pagination token is not valid.") from None

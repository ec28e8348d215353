"""One page of a listing: the items shown and the token for the next page, if there is one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

Item = TypeVar("Item")


@dataclass(frozen=True, slots=True)
class Page(Generic[Item]):
    """A listing's page; ``next_token`` is None on the last one."""

    items: tuple[Item, ...]
    next_token: str | None = None

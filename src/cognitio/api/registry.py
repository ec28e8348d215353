"""Handlers by operation: ``(service, operation name) -> async handler``.

A handler takes the request context and the validated input (AWS member names) and returns a
mapping in the operation's output shape; the wire layer serialises it. An operation without a
handler is routed but answers that it is not built yet.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cognitio.container import Services
from cognitio.services.pools.user_pools import Caller

IDP = "cognito-idp"
IDENTITY = "cognito-identity"


@dataclass(slots=True)
class Context:
    """One request as a handler sees it."""

    caller: Caller
    services: Services
    # The access key that signed the request; None for operations that take no signature.
    access_key_id: str | None
    request_id: str


Handler = Callable[[Context, dict[str, Any]], Awaitable[Mapping[str, Any]]]

HANDLERS: dict[tuple[str, str], Handler] = {}


def operation(service: str, name: str) -> Callable[[Handler], Handler]:
    """Register the decorated coroutine as the handler of ``service``'s operation ``name``."""

    def register(handler: Handler) -> Handler:
        key = (service, name)
        if key in HANDLERS:
            raise RuntimeError(f"{service} {name} has two handlers")
        HANDLERS[key] = handler
        return handler

    return register

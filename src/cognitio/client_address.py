"""The client address of the request being served, for what is counted per address.

The ASGI application sets it for each HTTP request (the socket's peer, or behind a trusted proxy
the client it names, IPv6 addresses grouped by /64); the password hasher's per-client share and
the code-message limits of unauthenticated requests read it. None outside a request.
"""

from __future__ import annotations

import contextvars

client_address: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "client_address", default=None
)

"""Signatures on the requests this server sends: HTTP functions and the SMS webhook.

A request carries ``X-Cognitio-Timestamp: <unix seconds>`` and
``X-Cognitio-Signature: sha256=<hex>``, the HMAC-SHA256 (RFC 2104) under the shared secret of
``<timestamp>.<body>`` (the decimal timestamp, a dot, then the exact body bytes). The timestamp
inside the MAC lets a receiver refuse a captured request replayed later: it recomputes the HMAC,
compares in constant time, and rejects a timestamp more than five minutes from its own clock
(see docs/triggers.md).
"""

from __future__ import annotations

import hashlib
import hmac
import time

TIMESTAMP_HEADER = "X-Cognitio-Timestamp"
SIGNATURE_HEADER = "X-Cognitio-Signature"


def signature_headers(body: bytes, secret: str, now: float | None = None) -> dict[str, str]:
    """The two headers that sign *body* at *now* (default: the current time)."""
    timestamp = str(int(time.time() if now is None else now))
    message = timestamp.encode() + b"." + body
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()
    return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: f"sha256={digest}"}

"""SAML time values (``xs:dateTime`` in UTC, SAML core §1.3.3) read as epoch milliseconds."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from cognitio.services.federation.saml.errors import SamlRejected

# Bounded and anchored: a long or odd value fails at once, without backtracking.
_DATETIME = re.compile(
    r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,12}))?(Z|[+-]\d{2}:\d{2})?", re.ASCII
)


def instant_ms(value: str, what: str) -> int:
    """``value`` (e.g. ``2026-12-05T22:41:45.123Z``) in epoch milliseconds; ``what`` names it
    in the refusal."""
    match = _DATETIME.fullmatch(value.strip()) if len(value) <= 64 else None
    if match is None:
        raise SamlRejected(f"The assertion's {what} is not a valid time.")
    seconds, fraction, zone = match.groups()
    try:
        moment = datetime.fromisoformat(seconds + (zone or "Z").replace("Z", "+00:00"))
    except ValueError:
        raise SamlRejected(f"The assertion's {what} is not a valid time.") from None
    millis = int((fraction or "0")[:3].ljust(3, "0"))
    return int(moment.astimezone(UTC).timestamp()) * 1000 + millis


def format_instant(epoch_ms: int) -> str:
    """An epoch-milliseconds time as SAML writes it: ``2026-12-05T22:41:45.123Z``."""
    moment = datetime.fromtimestamp(epoch_ms / 1000, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{epoch_ms % 1000:03d}Z"

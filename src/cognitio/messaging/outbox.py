"""The development outbox: the latest messages kept in memory and shown at ``/_dev/outbox``.

Only a server started with ``--dev`` has one. ``GET /_dev/outbox`` answers
``{"messages": [...]}``, oldest first, and ``GET /_dev/outbox.html`` shows the same as a page;
both take ``?to=ADDRESS`` to show one recipient's messages.
"""

from __future__ import annotations

import builtins
import html
import uuid
from collections import deque
from datetime import UTC, datetime
from typing import TypedDict

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

from cognitio.messaging.messages import OutgoingMessage

DEFAULT_OUTBOX_SIZE = 1000

# The pages hold live codes: no caching, no scripts, no framing.
_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
}


class OutboxEntry(TypedDict):
    """One recorded message, as the JSON endpoint shows it."""

    id: str
    channel: str
    to: str
    subject: str | None
    body: str
    user_pool_id: str
    sent_at: str


class Outbox:
    """The last ``size`` messages, oldest dropped first."""

    def __init__(self, size: int = DEFAULT_OUTBOX_SIZE) -> None:
        if size < 1:
            raise ValueError("the outbox must hold at least one message")
        self._entries: deque[OutboxEntry] = deque(maxlen=size)

    def record(self, message: OutgoingMessage) -> OutboxEntry:
        """Keep ``message`` and return its entry."""
        entry = OutboxEntry(
            id=str(uuid.uuid4()),
            channel=message.channel,
            to=message.to,
            subject=message.subject,
            body=message.body,
            user_pool_id=message.user_pool_id,
            sent_at=datetime.now(UTC).isoformat(timespec="milliseconds"),
        )
        self._entries.append(entry)
        return entry.copy()

    def list(self, to: str | None = None) -> builtins.list[OutboxEntry]:
        """Copies of the kept messages, oldest first; only those addressed to ``to`` if given."""
        wanted = to.strip().casefold() if to else None
        return [
            entry.copy()
            for entry in self._entries
            if wanted is None or entry["to"].casefold() == wanted
        ]

    def clear(self) -> None:
        """Forget every message."""
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def outbox_routes(outbox: Outbox) -> builtins.list[Route]:
    """The two read-only endpoints that show ``outbox``."""

    async def outbox_json(request: Request) -> JSONResponse:
        messages = outbox.list(request.query_params.get("to"))
        return JSONResponse({"messages": messages}, headers=_HEADERS)

    async def outbox_html(request: Request) -> HTMLResponse:
        to = request.query_params.get("to")
        return HTMLResponse(render_outbox_page(outbox.list(to), to), headers=_HEADERS)

    return [
        Route("/_dev/outbox", outbox_json, methods=["GET"], name="dev_outbox"),
        Route("/_dev/outbox.html", outbox_html, methods=["GET"], name="dev_outbox_html"),
    ]


def render_outbox_page(messages: builtins.list[OutboxEntry], to: str | None) -> str:
    """A plain HTML page listing ``messages`` in order, every value escaped."""
    esc = html.escape
    heading = f"Messages to {esc(to)}" if to else "All messages"
    if messages:
        rows = "\n".join(_row(entry) for entry in messages)
        listing = (
            "<table>\n"
            f"<caption>{heading}, oldest first ({len(messages)})</caption>\n"
            "<thead><tr>"
            '<th scope="col">Sent (UTC)</th><th scope="col">Channel</th>'
            '<th scope="col">To</th><th scope="col">User pool</th>'
            '<th scope="col">Subject</th><th scope="col">Body</th>'
            "</tr></thead>\n"
            f"<tbody>\n{rows}\n</tbody>\n</table>"
        )
    else:
        listing = f"<p>{heading}: none yet.</p>"
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Outbox - Cognitio</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; line-height: 1.4; }}
table {{ border-collapse: collapse; width: 100%; }}
caption {{ text-align: left; font-weight: bold; padding: 0.5rem 0; }}
th, td {{ border: 1px solid #767676; padding: 0.4rem; text-align: left; vertical-align: top; }}
pre {{ margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }}
</style>
</head>
<body>
<main>
<h1>Outbox</h1>
<p>Email and SMS this development server has sent, kept in memory only.</p>
<form method="get">
<label for="to">Recipient</label>
<input id="to" name="to" type="search" value="{esc(to or "")}">
<button type="submit">Show</button>
</form>
{listing}
</main>
</body>
</html>
"""


def _row(entry: OutboxEntry) -> str:
    esc = html.escape
    return (
        "<tr>"
        f'<td><time datetime="{esc(entry["sent_at"])}">{esc(entry["sent_at"])}</time></td>'
        f"<td>{esc(entry['channel'])}</td>"
        f"<td>{esc(entry['to'])}</td>"
        f"<td>{esc(entry['user_pool_id'])}</td>"
        f"<td>{esc(entry['subject'] or '')}</td>"
        f"<td><pre>{esc(entry['body'])}</pre></td>"
        "</tr>"
    )

"""The development outbox's pages: ``GET /_dev/outbox`` answers ``{"messages": [...]}``, oldest
first, and ``GET /_dev/outbox.html`` shows the same as a page; both take ``?to=ADDRESS`` to
show one recipient's messages. Only a server started with ``--dev`` serves them; the outbox
is the app's ``state.outbox``.
"""

from __future__ import annotations

import html

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

from cognitio.messaging.outbox import Outbox, OutboxEntry

# The pages hold live codes: no caching, no scripts, no framing.
_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
}


def _outbox(request: Request) -> Outbox:
    # ``app.start`` mounts ROUTES, in dev mode only, with the outbox in the app's state.
    outbox: Outbox = request.app.state.outbox
    return outbox


async def outbox_json(request: Request) -> JSONResponse:
    """``{"messages": [...]}``: the outbox, or one recipient's part of it."""
    messages = _outbox(request).list(request.query_params.get("to"))
    return JSONResponse({"messages": messages}, headers=_HEADERS)


async def outbox_html(request: Request) -> HTMLResponse:
    """The same messages as a page."""
    to = request.query_params.get("to")
    return HTMLResponse(render_outbox_page(_outbox(request).list(to), to), headers=_HEADERS)


ROUTES = (
    Route("/_dev/outbox", outbox_json, methods=["GET"], name="dev_outbox"),
    Route("/_dev/outbox.html", outbox_html, methods=["GET"], name="dev_outbox_html"),
)


def render_outbox_page(messages: list[OutboxEntry], to: str | None) -> str:
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

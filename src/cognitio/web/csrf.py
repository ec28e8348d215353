"""CSRF protection of the hosted pages' forms (the double-submit cookie of OWASP's CSRF
Prevention Cheat Sheet): a page carries a random token in a cookie (HttpOnly, SameSite=Strict)
and in its form's hidden ``_csrf`` field, and a POST must bring both, equal.

:class:`CsrfCheck` compares them, as pure ASGI middleware, before any page reads the form, and
records the verdict in the request's state; :meth:`~cognitio.web.pages.Pages.posted`, where every
form's authorization request is checked, raises :class:`FormExpired` on a refused token, and the
app's handler shows the form again without doing anything it asked.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from urllib.parse import parse_qsl

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_COOKIE = "cognitio-csrf"
CSRF_FIELD = "_csrf"
_URLENCODED = "application/x-www-form-urlencoded"


class FormExpired(Exception):
    """A form came back without the token its page was given."""


class CsrfCheck:
    """Pure ASGI: sets ``state["csrf_ok"]`` on every POST but those to ``exempt`` (the OAuth
    endpoints, which authenticate their clients instead)."""

    def __init__(self, app: ASGIApp, *, exempt: Iterable[str]) -> None:
        self._app = app
        self._exempt = frozenset(exempt)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] in self._exempt:
            await self._app(scope, receive, send)
            return
        body, more = b"", True  # within web.limits.MAX_BODY: BodyLimit reads it first
        first: Message | None = None
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                first = message
                break
            body += message.get("body", b"")
            more = message.get("more_body", False)
        scope.setdefault("state", {})["csrf_ok"] = _token_matches(scope, body)
        replay = first or {"type": "http.request", "body": body, "more_body": False}
        pending = [replay]

        async def replayed() -> Message:
            return pending.pop() if pending else await receive()

        await self._app(scope, replayed, send)


def _token_matches(scope: Scope, body: bytes) -> bool:
    # Headers and cookies read as the pages read them, which is how they issued the token.
    connection = HTTPConnection(scope)
    content_type = connection.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() != _URLENCODED:
        return False
    cookie = connection.cookies.get(CSRF_COOKIE, "")
    given = dict(parse_qsl(body.decode("latin-1"))).get(CSRF_FIELD, "")
    return bool(cookie) and hmac.compare_digest(cookie.encode(), given.encode())

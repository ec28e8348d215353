"""The response headers of the hosted pages: a Content-Security-Policy (CSP Level 3), no
Referer to anyone (their URLs carry authorization requests), and HSTS when the server's public
URL is https (RFC 6797).

The pages run one script, ``/_static/passkey.js``, from their own origin; their styles are inline
(``style-src 'unsafe-inline'``, which the admin CSS needs as well). Forms post to the pages, whose
answers redirect to the client's callback URL, so ``form-action`` allows that URL's origin:
browsers check a form's redirects against it too.

:class:`SecurityHeaders` sets them, as pure ASGI middleware, on every response
:meth:`~cognitio.web.pages.Pages.render` drew (it marks the request's state ``hosted_page``),
with ``Cache-Control: no-store`` and ``X-Frame-Options: DENY``; and ``no-store`` on the OAuth
endpoints' JSON (RFC 6749 section 5.1), whose answers carry tokens.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HSTS = "max-age=31536000"  # a year
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
_SCHEME = re.compile(r"[a-z][a-z0-9+.\-]*")
_HOST = re.compile(r"(?:[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")


def source_of(url: str) -> str | None:
    """A URL's origin as a CSP source (``https://host:port``, or ``myapp:`` for an app's own
    scheme); None when the URL has none that can be written without breaking the policy."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if not _SCHEME.fullmatch(scheme):
        return None
    if scheme not in ("http", "https"):
        return f"{scheme}:"
    host = parts.netloc.rpartition("@")[2]
    return f"{scheme}://{host}" if _HOST.fullmatch(host) else None


def page_policy(form_targets: Iterable[str], image_origins: Iterable[str]) -> str:
    """The CSP of a hosted page whose forms end at ``form_targets`` (URLs) and whose images may
    also come from ``image_origins`` (the server's public URL, where logos are served)."""
    forms = _sources(form_targets)
    images = _sources(image_origins)
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            " ".join(("img-src 'self' data:", *images)),
            " ".join(("form-action 'self'", *forms)),
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        )
    )


def _sources(urls: Iterable[str]) -> list[str]:
    found = (source_of(url) for url in urls)
    return list(dict.fromkeys(source for source in found if source is not None))


class SecurityHeaders:
    """Pure ASGI: the hosted pages' headers on a rendered page, ``no-store`` on ``json_paths``."""

    def __init__(
        self, app: ASGIApp, *, base_url: str, secure: bool, json_paths: Iterable[str]
    ) -> None:
        self._app = app
        self._images = (base_url,)  # logos are served from the server's public URL
        self._secure = secure
        self._json_paths = frozenset(json_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        state = scope.setdefault("state", {})  # the endpoints' request.state
        json = scope["path"] in self._json_paths

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                if json:
                    headers = MutableHeaders(scope=message)
                    headers.update(NO_STORE)
                elif state.get("hosted_page"):
                    self._page_headers(MutableHeaders(scope=message), state)
            await send(message)

        await self._app(scope, receive, send_with_headers)

    def _page_headers(self, headers: MutableHeaders, state: dict[str, object]) -> None:
        targets = state.get("form_targets", ())
        assert isinstance(targets, tuple)
        headers["Cache-Control"] = "no-store"
        headers["X-Frame-Options"] = "DENY"
        headers["Content-Security-Policy"] = page_policy(targets, self._images)
        headers["Referrer-Policy"] = "no-referrer"
        if self._secure:
            headers["Strict-Transport-Security"] = HSTS

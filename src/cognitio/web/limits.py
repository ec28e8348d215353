"""How much a browser or OAuth client may send to the web routes: a cap on the body, declared
(``Content-Length``) or streamed (chunked), checked before any route parses it, and the limits of
form parsing. The forms of these routes are a few short fields; a passkey's answer, the largest,
is a few KiB."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY = 64 * 1024  # bytes
# What identity providers post back: a SAMLResponse of up to 100,000 characters (Cognito's
# limit), URL-encoded, which turns each "+", "/" and "=" of its base64 into three characters.
PROVIDER_BODY = 320 * 1024
_PROVIDER_PATHS = ("/saml2/", "/oauth2/idpresponse")
MAX_FIELDS = 50
_URLENCODED = "application/x-www-form-urlencoded"


async def read_form(request: Request) -> dict[str, str]:
    """An urlencoded form within the limits; HTTPException 400 for anything else (multipart
    included: no form here uploads a file)."""
    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() != _URLENCODED:
        raise HTTPException(400, f"The body must be {_URLENCODED}.")
    form = await request.form(max_files=0, max_fields=MAX_FIELDS, max_part_size=MAX_BODY)
    return {key: str(value) for key, value in form.items()}


def _too_large(path: str) -> Response:
    """413, in the route's own way: RFC 6749 JSON on the OAuth endpoints, text elsewhere."""
    if path.startswith("/oauth2/"):
        body = {"error": "invalid_request", "error_description": "The request body is too large."}
        return JSONResponse(body, status_code=413, headers={"Cache-Control": "no-store"})
    return PlainTextResponse("The request body is too large.", status_code=413)


class BodyLimit:
    """Pure ASGI: a request whose body passes ``limit`` bytes (``provider_limit`` on the
    routes identity providers post to) gets 413 before the app sees it. A body within the limit
    is read here (at most the limit held) and handed on whole."""

    def __init__(
        self, app: ASGIApp, limit: int = MAX_BODY, provider_limit: int = PROVIDER_BODY
    ) -> None:
        self._app = app
        self._limit = limit
        self._provider_limit = provider_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        path: str = scope["path"]
        limit = self._provider_limit if path.startswith(_PROVIDER_PATHS) else self._limit
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _too_large(scope["path"])(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                await self._app(scope, _replay(message, receive), send)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _too_large(scope["path"])(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        await self._app(scope, _replay(body, receive), send)


def _replay(first: Message, receive: Receive) -> Receive:
    """A receive that gives ``first`` once, then whatever the server sends next."""
    pending = [first]

    async def replayed() -> Message:
        return pending.pop() if pending else await receive()

    return replayed

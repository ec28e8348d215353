"""An ASGI middleware that lets through only requests signed with valid temporary credentials.

It reads the body (up to a limit), verifies the request with a :class:`Verifier`, asks the
application's :class:`Authorizer` whether the principal may make it, then hands the request on
with the principal in ``scope["cognitio.principal"]`` and the body replayed. A refused request
is answered with AWS's XML error document (``<Error><Code>…</Code><Message>…</Message>``), the
shape S3 and the AWS SDKs read.
"""

from __future__ import annotations

from typing import Protocol
from xml.sax.saxutils import escape

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cognitio.authz.verifier import Principal, Verifier
from cognitio.services.sts.errors import InvalidRequest, SignedRequestError

PRINCIPAL_SCOPE_KEY = "cognitio.principal"
DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024


class Authorizer(Protocol):
    """Decides whether a verified principal may make a request.

    Return to let the request through; raise ``AccessDenied`` (or another
    :class:`SignedRequestError`) to refuse it. Evaluating the role's IAM policies for the
    request's action and resource belongs here.
    """

    def __call__(self, principal: Principal, scope: Scope) -> None: ...


class SigV4Middleware:
    """Verifies every HTTP request before ``app`` sees it; other ASGI messages pass through."""

    def __init__(
        self,
        app: ASGIApp,
        verifier: Verifier,
        authorize: Authorizer,
        *,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        self._app = app
        self._verifier = verifier
        self._authorize = authorize
        self._max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        try:
            body = await self._read_body(receive)
            principal = self._verifier.verify(
                scope["method"],
                _url_as_sent(scope),
                [
                    (name.decode("latin-1"), value.decode("latin-1"))
                    for name, value in scope["headers"]
                ],
                body,
            )
            self._authorize(principal, scope)
        except SignedRequestError as refused:
            await _answer(send, refused)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self._app({**scope, PRINCIPAL_SCOPE_KEY: principal}, replay, send)

    async def _read_body(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                raise InvalidRequest("The client closed the request before its body ended.")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self._max_body_bytes:
                raise InvalidRequest(
                    f"The request body is larger than {self._max_body_bytes} bytes."
                )
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def principal_of(scope: Scope) -> Principal:
    """The principal :class:`SigV4Middleware` verified for this request."""
    principal = scope[PRINCIPAL_SCOPE_KEY]
    assert isinstance(principal, Principal)
    return principal


def _url_as_sent(scope: Scope) -> str:
    """The request's path and query as the client sent them (still percent-encoded)."""
    raw_path = scope.get("raw_path") or scope["path"].encode()
    path = raw_path.decode("latin-1") if isinstance(raw_path, bytes) else str(raw_path)
    query = scope.get("query_string", b"").decode("latin-1")
    return f"http://resource{path}" + (f"?{query}" if query else "")


async def _answer(send: Send, refused: SignedRequestError) -> None:
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{escape(refused.code)}</Code>"
        f"<Message>{escape(refused.message)}</Message></Error>"
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": refused.status,
            "headers": [
                (b"content-type", b"application/xml"),
                (b"content-length", str(len(document)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": document})

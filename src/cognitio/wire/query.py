"""The AWS Query protocol, as STS speaks it: ``POST /`` with a form body, XML answers.

https://smithy.io/2.0/aws/protocols/aws-query-protocol.html: the body is
``application/x-www-form-urlencoded`` with ``Action`` and ``Version`` (``2011-06-15`` for STS);
an answer is ``<{Action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<{Action}Result>…</{Action}Result><ResponseMetadata><RequestId>…`` and an error is
``<ErrorResponse><Error><Type>Sender</Type><Code>…</Code><Message>…</Message></Error>
<RequestId>…</RequestId></ErrorResponse>``. The application sends a ``POST /`` here when it has
a form body and no ``X-Amz-Target``; JSON 1.1 calls never reach this module.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from cognitio.client_address import client_address
from cognitio.errors import TooManyRequestsException
from cognitio.services.security.rate_limits import RateLimits
from cognitio.services.sts.service_errors import (
    InternalFailure,
    InvalidAction,
    StsError,
    Throttling,
    ValidationError,
)
from cognitio.wire.front import (
    Receive,
    Scope,
    Send,
    new_request_id,
    read_body,
    request_headers,
)

log = logging.getLogger("cognitio.wire")

VERSION = "2011-06-15"
NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"

# An answer's members in order: text, or nested members.
XmlMembers = Sequence[tuple[str, "str | XmlMembers"]]


@dataclass(frozen=True, slots=True)
class QueryRequest:
    """One Query call: its parameters and, for signed actions, the request as it arrived."""

    params: Mapping[str, str]
    method: str
    url: str  # path and query, still percent-encoded
    headers: Sequence[tuple[str, str]]
    body: bytes
    request_id: str


QueryHandler = Callable[[QueryRequest], Awaitable[XmlMembers]]


def is_query_call(scope: Scope) -> bool:
    """A ``POST /`` with a form body and no ``X-Amz-Target``: a Query protocol call."""
    content_type = ""
    for name, value in scope["headers"]:
        lowered = name.lower()
        if lowered == b"x-amz-target":
            return False
        if lowered == b"content-type":
            content_type = value.decode("latin-1")
    return content_type.split(";", 1)[0].strip().lower() == FORM_CONTENT_TYPE


class QueryEndpoint:
    """An ASGI app answering STS's Query protocol calls with the handlers by Action. The
    ``unsigned`` actions anyone may call count against the client address's bucket in
    ``limits``, as the JSON front door's unsigned operations do."""

    def __init__(
        self,
        handlers: Mapping[str, QueryHandler],
        limits: RateLimits | None = None,
        unsigned: frozenset[str] = frozenset(),
    ) -> None:
        self._handlers = handlers
        self._limits = limits
        self._unsigned = unsigned

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request_id = new_request_id()
        try:
            headers = request_headers(scope)
            body = await read_body(receive)
            if body is None:
                raise ValidationError("The request body is too large.")
            params = _form(body)
            handler = self._handler(params)
            await self._admit(params["Action"])
            path = scope.get("raw_path", b"/").decode("latin-1")
            query = scope.get("query_string", b"").decode("latin-1")
            request = QueryRequest(
                params=params,
                method=scope["method"],
                url=f"{path}?{query}" if query else path,
                headers=list(headers.items()),
                body=body,
                request_id=request_id,
            )
            members = await handler(request)
            action = params["Action"]
            payload = _document(
                f"{action}Response",
                [(f"{action}Result", members), ("ResponseMetadata", [("RequestId", request_id)])],
            )
            status = 200
        except StsError as error:
            payload, status = _error(error, request_id), error.status
        except Exception:
            log.exception("unhandled error in request %s", request_id)
            fault = InternalFailure("An internal error occurred.")
            payload, status = _error(fault, request_id), fault.status
        await _respond(send, payload, status, request_id)

    async def _admit(self, action: str) -> None:
        if self._limits is None or action not in self._unsigned:
            return
        try:
            await self._limits.check_call("sts", action, {}, client_address.get() or "unknown")
        except TooManyRequestsException:
            raise Throttling("Rate exceeded") from None

    def _handler(self, params: Mapping[str, str]) -> QueryHandler:
        action = params.get("Action")
        if not action:
            raise ValidationError("The request must name an Action.")
        handler = self._handlers.get(action)
        if handler is None:
            raise InvalidAction(f"Could not find operation {action[:128]} for version {VERSION}")
        if params.get("Version") != VERSION:
            raise InvalidAction(
                f"Could not find operation {action} for version {params.get('Version', '')[:32]}"
            )
        return handler


def _form(body: bytes) -> dict[str, str]:
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        raise ValidationError("The request body is not valid UTF-8.") from None
    params: dict[str, str] = {}
    for name, value in pairs:
        if name in params:
            raise ValidationError(f"The parameter {name[:64]} appears more than once.")
        params[name] = value
    return params


# Characters XML 1.0 cannot hold, escaped or not: C0 controls but tab, newline and carriage
# return, lone surrogates, U+FFFE and U+FFFF. An echoed value keeps its place as U+FFFD.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("\ufffd", value))


def _members(members: XmlMembers) -> str:
    parts = []
    for name, value in members:
        inner = _text(value) if isinstance(value, str) else _members(value)
        parts.append(f"<{name}>{inner}</{name}>")
    return "".join(parts)


def _document(root: str, members: XmlMembers) -> bytes:
    return f'<{root} xmlns="{NAMESPACE}">{_members(members)}</{root}>\n'.encode()


def _error(error: StsError, request_id: str) -> bytes:
    fault = "Sender" if error.sender else "Receiver"
    members: XmlMembers = [
        ("Error", [("Type", fault), ("Code", error.code), ("Message", error.message)]),
        ("RequestId", request_id),
    ]
    return _document("ErrorResponse", members)


async def _respond(send: Send, payload: bytes, status: int, request_id: str) -> None:
    response_headers = [
        (b"content-type", b"text/xml"),
        (b"content-length", str(len(payload)).encode()),
        (b"x-amzn-requestid", request_id.encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": response_headers})
    await send({"type": "http.response.body", "body": payload})

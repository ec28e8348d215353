"""The AWS JSON 1.1 front door: ``POST /`` with ``X-Amz-Target``, for both Cognito services.

Order of checks, as AWS applies them: the target names a known operation; a signed operation
carries a valid Signature Version 4 from a known key; the body is JSON that satisfies the
operation's input shape; then the handler runs and its result is serialised by the output shape.
Errors are ``{"__type", "message"}`` with ``x-amzn-ErrorType``; see
https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

import orjson

from cognitio.api.registry import Context, Handler
from cognitio.client_address import client_address
from cognitio.container import Services
from cognitio.errors import (
    CognitoError,
    InternalErrorException,
    InvalidSignatureException,
    SerializationException,
    UnknownOperationException,
    UnsupportedOperationException,
)
from cognitio.services.pools.user_pools import Caller
from cognitio.services.security.rate_limits import RateLimits
from cognitio.wire.model import Operation, operations
from cognitio.wire.sigv4 import verify_admin_request

log = logging.getLogger("cognitio.wire")

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

_CONTENT_TYPE = b"application/x-amz-json-1.1"
_MAX_BODY = 1024 * 1024  # bytes; Cognito's largest inputs are far smaller
_MAX_CACHED_REGIONS = 64
# Region names become part of pool ids, so only plain names are accepted.
_REGION = re.compile(r"^[a-z0-9]{1,16}(-[a-z0-9]{1,16}){0,4}$")


class AwsJsonEndpoint:
    """An ASGI app answering AWS JSON 1.1 requests."""

    def __init__(
        self,
        services: Services,
        handlers: Mapping[tuple[str, str], Handler],
        *,
        default_region: str,
        account_id: str,
        limits: RateLimits | None = None,
    ) -> None:
        self._limits = limits
        self._services = services
        self._handlers = handlers
        self._operations = operations()
        self._default_region = default_region
        self._account_id = account_id
        self._callers: dict[str, Caller] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request_id = new_request_id()
        try:
            headers = request_headers(scope)
            body = await read_body(receive)
            if body is None:
                raise SerializationException("The request body is too large.")
            result = await self._answer(scope, headers, body, request_id)
            payload, status, error_type = orjson.dumps(result), 200, None
        except CognitoError as error:
            payload, status, error_type = _error_body(error), error.status, error.code
        except Exception:
            log.exception("unhandled error in request %s", request_id)
            fault = InternalErrorException("An internal error occurred.")
            payload, status, error_type = _error_body(fault), fault.status, fault.code
        await _respond(send, payload, status, error_type, request_id)

    async def _answer(
        self, scope: Scope, headers: dict[str, str], body: bytes, request_id: str
    ) -> dict[str, Any]:
        target = headers.get("x-amz-target", "")
        op = self._operations.get(target)
        if op is None:
            named = target[:128] or "(no X-Amz-Target)"
            raise UnknownOperationException(f"Unknown operation {named}")
        access_key_id, region = None, self._default_region
        if not op.unsigned:
            access_key_id, region = await self._authenticate(op, scope, headers, body)
        handler = self._handlers.get((op.service, op.name))
        if handler is None:
            raise UnsupportedOperationException(
                f"{op.name} is not available in this version of Cognitio yet."
            )
        params = op.validate(_parse_json(body))
        if op.unsigned and self._limits is not None:
            # The application worked the client's address out once, for the whole request.
            ip = client_address.get() or "unknown"
            await self._limits.check_call(op.service, op.name, params, ip)
        ctx = Context(self._caller(region), self._services, access_key_id, request_id)
        return op.serialize(await handler(ctx, params))

    def _caller(self, region: str) -> Caller:
        caller = self._callers.get(region)
        if caller is None:
            caller = Caller(region, self._account_id)
            if len(self._callers) < _MAX_CACHED_REGIONS:
                self._callers[region] = caller
        return caller

    async def _authenticate(
        self, op: Operation, scope: Scope, headers: dict[str, str], body: bytes
    ) -> tuple[str, str]:
        parsed, _ = await verify_admin_request(
            self._services.keys, scope, headers, body, (op.service,)
        )
        if not _REGION.match(parsed.region):
            raise InvalidSignatureException(
                f"Credential should be scoped to a valid region, not '{parsed.region[:32]}'."
            )
        return parsed.access_key_id, parsed.region


def new_request_id() -> str:
    """A random (version 4) UUID in its usual text form, as AWS request ids are."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40
    raw[8] = (raw[8] & 0x3F) | 0x80
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def request_headers(scope: Scope) -> dict[str, str]:
    """The request's headers by lower-case name, repeated ones joined with commas."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        headers[name] = f"{headers[name]},{value}" if name in headers else value
    return headers


async def read_body(receive: Receive, limit: int = _MAX_BODY) -> bytes | None:
    """The whole request body, or None once it passes ``limit`` bytes (the caller answers in
    its protocol's words)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _parse_json(body: bytes) -> object:
    if not body.strip():
        return {}
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        raise SerializationException("The request body is not valid JSON.") from None


async def send_error(send: Send, error: CognitoError) -> None:
    """Answer with ``error`` as AWS JSON does, before any request was read."""
    await _respond(send, _error_body(error), error.status, error.code, new_request_id())


async def _respond(
    send: Send, payload: bytes, status: int, error_type: str | None, request_id: str
) -> None:
    response_headers = [
        (b"content-type", _CONTENT_TYPE),
        (b"content-length", str(len(payload)).encode()),
        (b"x-amzn-requestid", request_id.encode()),
    ]
    if error_type is not None:
        response_headers.append((b"x-amzn-errortype", error_type.encode()))
    await send({"type": "http.response.start", "status": status, "headers": response_headers})
    await send({"type": "http.response.body", "body": payload})


def _error_body(error: CognitoError) -> bytes:
    return orjson.dumps({"__type": error.code, "message": error.message})

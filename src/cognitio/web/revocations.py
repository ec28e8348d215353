"""``GET /_cognitio/revocations``: the revocation list, for verifiers in other processes.

A resource server's :class:`~cognitio.authz.verifier.Verifier` checks credentials without the
database; to learn of revocations it polls this endpoint (``cognitio.authz.revocation_feed``),
signed (SigV4, service ``cognito-identity``) with an administrator's access key, as the
authorize endpoint is. The answer is every revocation that can still refuse a live credential::

    {"generatedMs": 1765000000123,
     "identities": {"us-east-1:…": 1765000000000},
     "roles": {"arn:aws:iam::…:role/…": …},
     "identityPools": {"us-east-1:…": …}}

The body is authenticated for the caller: ``x-cognitio-signature`` is
``hex(HMAC-SHA256(secret, "cognitio-revocations\\n" + X-Amz-Date of the request + "\\n" + body))``
with the caller's secret access key, so a list altered on the way, or an older answer replayed,
does not verify at the poller.
"""

from __future__ import annotations

import logging

import orjson

from cognitio.errors import CognitoError, InternalErrorException, InvalidParameterException
from cognitio.services.security.access_keys import AccessKeys
from cognitio.services.sts.revocations import (
    SIGNATURE_HEADER,
    CredentialRevocations,
    list_signature,
)
from cognitio.web.authorize import authenticate_admin
from cognitio.wire.front import Receive, Scope, Send, read_body, request_headers, send_error

log = logging.getLogger("cognitio.revocations")

REVOCATIONS_PATH = "/_cognitio/revocations"
_MAX_BODY = 1024  # bytes; the request is a GET


class RevocationsEndpoint:
    """The ASGI app behind :data:`REVOCATIONS_PATH`."""

    def __init__(self, keys: AccessKeys, revocations: CredentialRevocations) -> None:
        self._keys = keys
        self._revocations = revocations

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            if scope["method"] != "GET":
                raise InvalidParameterException(f"{REVOCATIONS_PATH} answers GET only.")
            headers = request_headers(scope)
            body = await read_body(receive, _MAX_BODY)
            if body is None:
                raise InvalidParameterException("The request body is too large.")
            secret = await authenticate_admin(self._keys, scope, headers, body)
            published = await self._revocations.published()
        except CognitoError as error:
            await send_error(send, error)
            return
        except Exception:
            log.exception("unhandled error in a revocation list call")
            await send_error(send, InternalErrorException("An internal error occurred."))
            return
        payload = orjson.dumps(published.to_document())
        signature = list_signature(secret, headers.get("x-amz-date", ""), payload)
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode()),
                    (b"cache-control", b"no-store"),
                    (SIGNATURE_HEADER.encode(), signature.encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})

"""``POST /_cognitio/authorize``: the decision for a request a resource server received.

For resource servers that cannot embed :mod:`cognitio.authz` (another language, no Python). The
call is signed (SigV4, service ``cognito-identity``) with an administrator's access key, as the
signed operations of the AWS JSON front door are. Its JSON body describes the request the
resource server received::

    {"method": "GET", "url": "https://photos.example/photos/a.jpg?x=1",
     "headers": {"host": ..., "authorization": ..., "x-amz-date": ..., ...},
     "payload_sha256": "<SHA-256 of the body, 64 hex digits>",
     "action": "s3:GetObject", "resource": "arn:aws:s3:::photos/a.jpg",   (optional for S3)
     "context": {"aws:SourceIp": "203.0.113.7"},                            (optional)
     "region": "us-east-1", "service": "s3"}                                (optional)

The described request's signature is checked with the secret derived from its session token —
the secret never leaves Cognitio — with the resource server's hash of the body standing for the
body. Credentials issued before a revocation of their identity, role or identity pool are
refused (``"outcome": "revoked"``; read from the database, so at once on every node). Then the
role's policies decide. The answer is ``{"decision": "Allow"|"Deny", "outcome",
"reason", "action", "resource", "principal": {...}, "matchedStatements": [...]}``, and for a
refusal an ``error`` (``code``, ``message``, ``status``) the resource server can answer with.
A caller that is not an administrator, or a body that is not such a description, gets the
AWS JSON error of the front door.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

import orjson

from cognitio.authz.authorizer import PolicyAuthorizer, refusal
from cognitio.authz.context import PRINCIPAL_KEYS, PRINCIPAL_TAG_PREFIX, session_arn
from cognitio.authz.targets import RequestLine, S3Targets, Target
from cognitio.authz.verifier import Principal, Verifier, refuse_if_revoked
from cognitio.documents import JsonObject
from cognitio.errors import CognitoError, InternalErrorException, InvalidParameterException
from cognitio.services.iam.evaluator import Decision
from cognitio.services.iam.patterns import ContextValue
from cognitio.services.security.access_keys import AccessKeys
from cognitio.services.sts.credentials import CredentialAuthority
from cognitio.services.sts.errors import AccessDenied, CredentialsRevoked, SignedRequestError
from cognitio.services.sts.revocations import CredentialRevocations
from cognitio.wire.front import Receive, Scope, Send, read_body, request_headers, send_error
from cognitio.wire.sigv4 import verify_admin_request

log = logging.getLogger("cognitio.authorize")

AUTHORIZE_PATH = "/_cognitio/authorize"
SIGNING_SERVICE = "cognito-identity"
_MAX_BODY = 256 * 1024  # bytes; a description holds headers, never a body
_METHOD = re.compile(r"^[A-Z]{1,16}$")
_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")
_NAME = re.compile(r"^[a-z0-9-]{1,64}$")
_KEYS = frozenset(
    {"method", "url", "headers", "payload_sha256", "action", "resource", "context"}
    | {"region", "service"}
)


class AuthorizeEndpoint:
    """The ASGI app behind :data:`AUTHORIZE_PATH`."""

    def __init__(
        self,
        keys: AccessKeys,
        authority: CredentialAuthority,
        authorizer: PolicyAuthorizer,
        revocations: CredentialRevocations | None = None,
        *,
        s3_targets: S3Targets | None = None,
    ) -> None:
        self._keys = keys
        self._authority = authority
        self._authorizer = authorizer
        self._revocations = revocations
        self._s3 = s3_targets or S3Targets()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            if scope["method"] != "POST":
                raise InvalidParameterException(f"{AUTHORIZE_PATH} answers POST only.")
            headers = request_headers(scope)
            body = await read_body(receive, _MAX_BODY)
            if body is None:
                raise InvalidParameterException("The request body is too large.")
            await authenticate_admin(self._keys, scope, headers, body)
            answer = await self._answer(_parse(body))
        except CognitoError as error:
            await send_error(send, error)
            return
        except Exception:
            log.exception("unhandled error in an authorize call")
            await send_error(send, InternalErrorException("An internal error occurred."))
            return
        payload = orjson.dumps(answer)
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})

    async def _answer(self, described: _Described) -> JsonObject:
        verifier = Verifier(
            self._authority,
            regions=None if described.region is None else {described.region},
            services=None if described.service is None else {described.service},
        )
        try:
            principal = verifier.verify_described(
                described.method, described.url, described.headers, described.payload_sha256
            )
        except SignedRequestError as refused:
            return _denied(refused, None)
        if self._revocations is not None:
            try:
                refuse_if_revoked(
                    principal.claims, await self._revocations.not_before_ms(principal.claims)
                )
            except CredentialsRevoked as refused:
                return _denied(refused, principal, outcome="revoked")
        target = self._target(described, principal)
        if target is None:
            return _denied(
                AccessDenied(
                    "The request names no S3 action Cognitio knows; give action and resource."
                ),
                principal,
            )
        secure = urlsplit(described.url).scheme == "https"
        decision = self._authorizer.decide(
            principal,
            target.action,
            target.resource,
            secure=secure,
            extra={**target.context, **described.context},
        )
        for action, resource in target.also if decision.allowed else ():
            # A copy's source must be readable too; the first refusal is the answer.
            needed = self._authorizer.decide(
                principal, action, resource, secure=secure, extra=described.context
            )
            if not needed.allowed:
                return _decided(principal, Target(action, resource), needed)
        return _decided(principal, target, decision)

    def _target(self, described: _Described, principal: Principal) -> Target | None:
        if described.action is not None and described.resource is not None:
            return Target(described.action, described.resource)
        if principal.service != "s3":
            raise InvalidParameterException(
                "action and resource are required for requests to services other than s3."
            )
        parts = urlsplit(described.url)
        lowered = {name.lower(): value for name, value in described.headers.items()}
        return self._s3(
            RequestLine(
                method=described.method,
                host=lowered.get("host", parts.netloc),
                path=parts.path,
                query=parts.query,
                headers=lowered,
            )
        )


async def authenticate_admin(
    keys: AccessKeys, scope: Scope, headers: dict[str, str], body: bytes
) -> str:
    """The caller's administrator access key secret, once its SigV4 signature (service
    ``cognito-identity``) verifies; the front door's JSON errors otherwise."""
    _, secret = await verify_admin_request(keys, scope, headers, body, (SIGNING_SERVICE,))
    return secret


class _Described:
    """A checked request description."""

    def __init__(self, document: JsonObject) -> None:
        unknown = sorted(set(document) - _KEYS)
        if unknown:
            raise InvalidParameterException(f"Unknown member {unknown[0][:32]!r}.")
        self.method = _text(document, "method")
        if not _METHOD.match(self.method):
            raise InvalidParameterException("method must be an HTTP method in capitals.")
        self.url = _text(document, "url")
        if not self.url.startswith(("/", "http://", "https://")):
            raise InvalidParameterException("url must be absolute (http or https) or a path.")
        self.payload_sha256 = _text(document, "payload_sha256")
        if not _HEX64.match(self.payload_sha256):
            raise InvalidParameterException("payload_sha256 must be 64 hex digits.")
        self.headers = _headers_of(document.get("headers"))
        self.action = _optional_text(document, "action")
        self.resource = _optional_text(document, "resource")
        if (self.action is None) != (self.resource is None):
            raise InvalidParameterException("Give both action and resource, or neither.")
        self.region = _optional_name(document, "region")
        self.service = _optional_name(document, "service")
        self.context = _context_of(document.get("context"))


def _text(document: JsonObject, name: str) -> str:
    value = document.get(name)
    if not isinstance(value, str) or not value:
        raise InvalidParameterException(f"{name} is required and must be a string.")
    if len(value) > 8192:
        raise InvalidParameterException(f"{name} is longer than 8192 characters.")
    return value


def _optional_text(document: JsonObject, name: str) -> str | None:
    return None if document.get(name) is None else _text(document, name)


def _optional_name(document: JsonObject, name: str) -> str | None:
    value = _optional_text(document, name)
    if value is not None and not _NAME.match(value):
        raise InvalidParameterException(f"{name} must be 1-64 of a-z, 0-9 and '-'.")
    return value


def _headers_of(value: object) -> dict[str, str]:
    if not isinstance(value, dict) or not value:
        raise InvalidParameterException("headers is required: an object of header names.")
    if len(value) > 100:
        raise InvalidParameterException("headers has more than 100 members.")
    headers: dict[str, str] = {}
    for name, text in value.items():
        if not isinstance(text, str) or not name or len(text) > 16384:
            raise InvalidParameterException("Each header value must be a string.")
        if name.lower() in headers:
            # Else one spelling would be verified or matched and the other obeyed by the store.
            raise InvalidParameterException(
                f"headers names {name.lower()[:64]} twice; give a repeated header once, its "
                "values joined with commas."
            )
        headers[name.lower()] = text
    return headers


def _context_of(value: object) -> dict[str, ContextValue]:
    if value is None:
        return {}
    if not isinstance(value, dict) or len(value) > 100:
        raise InvalidParameterException("context must be an object of at most 100 keys.")
    context: dict[str, ContextValue] = {}
    for key, item in value.items():
        lowered = key.lower()
        if lowered in PRINCIPAL_KEYS or lowered.startswith(PRINCIPAL_TAG_PREFIX):
            raise InvalidParameterException(
                f"The context key {key[:64]} is Cognitio's to set, from the credentials."
            )
        if isinstance(item, str):
            context[key] = item
        elif isinstance(item, list) and all(isinstance(entry, str) for entry in item):
            context[key] = tuple(item)
        else:
            raise InvalidParameterException(
                f"The context key {key[:64]} must be a string or a list of strings."
            )
    return context


def _principal(principal: Principal) -> JsonObject:
    claims = principal.claims
    authenticated = "authenticated" in claims.amr
    return {
        "arn": session_arn(principal),
        "roleArn": claims.role_arn,
        "identityId": claims.identity_id,
        "identityPoolId": claims.identity_pool_id,
        "authenticationType": "authenticated" if authenticated else "unauthenticated",
        "authenticationProvider": ",".join(
            value for value in claims.amr if value not in ("authenticated", "unauthenticated")
        ),
        "accessKeyId": principal.access_key_id,
        "region": principal.region,
        "service": principal.service,
    }


def _decided(principal: Principal, target: Target, decision: Decision) -> JsonObject:
    answer: JsonObject = {
        "decision": "Allow" if decision.allowed else "Deny",
        "outcome": decision.outcome.value,
        "reason": decision.reason,
        "action": target.action,
        "resource": target.resource,
        "principal": _principal(principal),
        "matchedStatements": [
            {"policy": found.policy, "statement": found.statement} for found in decision.statements
        ],
    }
    if not decision.allowed:
        answer["error"] = {
            "code": "AccessDenied",
            "message": refusal(principal, target.action, target.resource, decision),
            "status": 403,
        }
    return answer


def _denied(
    refused: SignedRequestError, principal: Principal | None, *, outcome: str | None = None
) -> JsonObject:
    status = refused.status
    answer: JsonObject = {
        "decision": "Deny",
        "outcome": outcome or ("not verified" if principal is None else "implicit deny"),
        "reason": refused.message,
        "matchedStatements": [],
        "error": {"code": refused.code, "message": refused.message, "status": status},
    }
    if principal is not None:
        answer["principal"] = _principal(principal)
    return answer


def _parse(body: bytes) -> _Described:
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise InvalidParameterException("The request body is not valid JSON.") from None
    if not isinstance(document, dict):
        raise InvalidParameterException("The request body must be a JSON object.")
    return _Described(document)

"""What a request asks for: its IAM action, its resource's ARN and the service's context keys.

Two ways to name them. :class:`S3Targets` reads an S3 REST request as S3 does (Amazon S3 User
Guide, "Actions, resources, and condition keys for Amazon S3", and "Virtual hosting of
buckets"): the bucket from the path (``/bucket/key``) or from the host (``bucket.s3.example``),
the action from the method, the sub-resource in the query (``?acl``, ``?tagging``,
``?uploadId``...) and, for some, a header. :class:`RouteTable` names them for any other API:
``method path-pattern -> action, resource template``.

A request neither names is not matched (``None``); the authorizer refuses it. So is an S3
request whose query names a parameter twice (``?prefix=mine/&prefix=theirs/``): which value a
store obeys is its own choice, and the condition keys must be the ones it obeys. And so is an
object key with a ``.`` or ``..`` segment (``mine/../theirs/x``, encoded or not): S3 keeps such a
key as written, but a store on a file system or behind a proxy that normalises paths would
serve another identity's object under a resource the policy allowed. Nor is a request that
repeats ``Host`` or a header S3 reads as a condition key (``x-amz-copy-source`` twice): joined
with a comma, ``mine/a,theirs/b`` would match a policy's ``mine/*``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import unquote

from cognitio.services.iam.patterns import ContextValue

S3_ARN = "arn:aws:s3:::"
_PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_]+)\+?\}")


@dataclass(frozen=True)
class Target:
    """An action on a resource, with the service's own context keys."""

    action: str
    resource: str
    context: Mapping[str, ContextValue] = field(default_factory=dict)
    # Further (action, resource) pairs the request needs allowed as well: CopyObject reads its
    # source, which the role must let it read (s3:GetObject on the source object).
    also: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class RequestLine:
    """The parts of a request that name its target (path and query still percent-encoded)."""

    method: str
    host: str
    path: str
    query: str
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names
    # Header names the request carries more than once (lower-case): a store may obey either.
    repeated_headers: frozenset[str] = frozenset()


class TargetResolver(Protocol):
    """Names a request's target, or None when it names none."""

    def __call__(self, request: RequestLine) -> Target | None: ...


def _query(query: str) -> dict[str, str] | None:
    """The query's parameters; None when a name appears twice (a store may read either
    value, so the one a policy is checked with would not be the one obeyed)."""
    values: dict[str, str] = {}
    for piece in query.split("&") if query else ():
        name, _, value = piece.partition("=")
        name = unquote(name)
        if name in values:
            return None
        values[name] = unquote(value)
    return values


# Sub-resources of a bucket and of an object, per method: the first one in the query decides.
_BUCKET_SUBRESOURCES: Mapping[str, Sequence[tuple[str, str]]] = {
    "GET": (
        ("uploads", "s3:ListBucketMultipartUploads"),
        ("versions", "s3:ListBucketVersions"),
        ("location", "s3:GetBucketLocation"),
        ("acl", "s3:GetBucketAcl"),
        ("policy", "s3:GetBucketPolicy"),
        ("tagging", "s3:GetBucketTagging"),
        ("cors", "s3:GetBucketCORS"),
        ("versioning", "s3:GetBucketVersioning"),
    ),
    "PUT": (
        ("acl", "s3:PutBucketAcl"),
        ("policy", "s3:PutBucketPolicy"),
        ("tagging", "s3:PutBucketTagging"),
        ("cors", "s3:PutBucketCORS"),
        ("versioning", "s3:PutBucketVersioning"),
    ),
    "DELETE": (
        ("policy", "s3:DeleteBucketPolicy"),
        ("tagging", "s3:PutBucketTagging"),
        ("cors", "s3:PutBucketCORS"),
    ),
}
_BUCKET_DEFAULT = {
    "GET": "s3:ListBucket",
    "HEAD": "s3:ListBucket",
    "PUT": "s3:CreateBucket",
    "DELETE": "s3:DeleteBucket",
}
_OBJECT_SUBRESOURCES: Mapping[str, Sequence[tuple[str, str]]] = {
    "GET": (
        ("uploadId", "s3:ListMultipartUploadParts"),
        ("acl", "s3:GetObjectAcl"),
        ("tagging", "s3:GetObjectTagging"),
        ("versionId", "s3:GetObjectVersion"),
    ),
    "HEAD": (("versionId", "s3:GetObjectVersion"),),
    "PUT": (
        ("acl", "s3:PutObjectAcl"),
        ("tagging", "s3:PutObjectTagging"),
    ),
    "DELETE": (
        ("uploadId", "s3:AbortMultipartUpload"),
        ("tagging", "s3:DeleteObjectTagging"),
        ("versionId", "s3:DeleteObjectVersion"),
    ),
    "POST": (
        ("uploads", "s3:PutObject"),
        ("uploadId", "s3:PutObject"),
    ),
}
# HeadObject is allowed by s3:GetObject; UploadPart and CopyObject write with s3:PutObject.
_OBJECT_DEFAULT = {
    "GET": "s3:GetObject",
    "HEAD": "s3:GetObject",
    "PUT": "s3:PutObject",
    "DELETE": "s3:DeleteObject",
}
_LIST_KEYS = (("prefix", "s3:prefix"), ("delimiter", "s3:delimiter"), ("max-keys", "s3:max-keys"))
_HEADER_KEYS = (
    ("x-amz-acl", "s3:x-amz-acl"),
    ("x-amz-server-side-encryption", "s3:x-amz-server-side-encryption"),
    ("x-amz-storage-class", "s3:x-amz-storage-class"),
    ("x-amz-copy-source", "s3:x-amz-copy-source"),
    ("x-amz-metadata-directive", "s3:x-amz-metadata-directive"),
)
_READ_HEADERS = frozenset({"host", *(name for name, _ in _HEADER_KEYS)})


class S3Targets:
    """S3's actions and ARNs; ``virtual_host_suffixes`` are the endpoint host names under
    which ``<bucket>.<suffix>`` names a bucket (path style is always understood)."""

    def __init__(self, virtual_host_suffixes: Iterable[str] = ()) -> None:
        self._suffixes = tuple(
            "." + suffix.lower().strip(".") for suffix in virtual_host_suffixes if suffix
        )

    def __call__(self, request: RequestLine) -> Target | None:
        method = request.method.upper()
        host = request.host.lower().rsplit(":", 1)[0] if request.host else ""
        path = unquote(request.path or "/")
        bucket_from_host = next(
            (host[: -len(suffix)] for suffix in self._suffixes if host.endswith(suffix)), ""
        )
        if bucket_from_host:
            bucket, key = bucket_from_host, path[1:]
        else:
            bucket, _, key = path[1:].partition("/")
        query = _query(request.query)
        if query is None or not request.repeated_headers.isdisjoint(_READ_HEADERS):
            return None
        if not bucket:
            return Target("s3:ListAllMyBuckets", "*") if method == "GET" else None
        if not key:
            return self._bucket(method, bucket, query)
        if any(segment in (".", "..") for segment in key.split("/")):
            return None
        return self._object(method, bucket, key, query, request.headers)

    def _bucket(self, method: str, bucket: str, query: Mapping[str, str]) -> Target | None:
        resource = S3_ARN + bucket
        if method == "POST" and "delete" in query:
            # DeleteObjects names its keys in the body, which only the store reads.
            return None
        action = _pick(_BUCKET_SUBRESOURCES.get(method, ()), query) or _BUCKET_DEFAULT.get(method)
        if action is None:
            return None
        context: dict[str, ContextValue] = {}
        if action in ("s3:ListBucket", "s3:ListBucketVersions"):
            context = {key: query[name] for name, key in _LIST_KEYS if name in query}
        return Target(action, resource, context)

    def _object(
        self,
        method: str,
        bucket: str,
        key: str,
        query: Mapping[str, str],
        headers: Mapping[str, str],
    ) -> Target | None:
        action = _pick(_OBJECT_SUBRESOURCES.get(method, ()), query) or _OBJECT_DEFAULT.get(method)
        if action is None:
            return None
        context: dict[str, ContextValue] = {
            key_name: headers[name] for name, key_name in _HEADER_KEYS if name in headers
        }
        if "versionId" in query:
            context["s3:versionid"] = query["versionId"]
        also: tuple[tuple[str, str], ...] = ()
        if method == "PUT" and "x-amz-copy-source" in headers:
            source = _copy_source(headers["x-amz-copy-source"])
            if source is None:
                return None
            also = (source,)
        return Target(action, f"{S3_ARN}{bucket}/{key}", context, also)


def _copy_source(value: str) -> tuple[str, str] | None:
    """What CopyObject or UploadPartCopy reads: (s3:GetObject or s3:GetObjectVersion, the
    source object's ARN), from ``x-amz-copy-source`` (``[/]bucket/key[?versionId=...]``,
    URL-encoded); None for a source the store might read otherwise than written (an access
    point ARN, a dot segment, another parameter) or that names no object."""
    text, _, query = value.partition("?")
    path = unquote(text)
    path = path[1:] if path.startswith("/") else path
    bucket, _, key = path.partition("/")
    params = _query(query)
    if (
        params is None
        or set(params) - {"versionId"}
        or not bucket
        or not key
        or path.startswith("arn:")
        or any(segment in (".", "..") for segment in key.split("/"))
    ):
        return None
    action = "s3:GetObjectVersion" if "versionId" in params else "s3:GetObject"
    return action, f"{S3_ARN}{bucket}/{key}"


def _pick(subresources: Sequence[tuple[str, str]], query: Mapping[str, str]) -> str | None:
    return next((action for name, action in subresources if name in query), None)


@dataclass(frozen=True)
class Route:
    """``method`` (or ``*``) and a path pattern whose ``{name}`` takes one path segment and a
    final ``{name+}`` the rest; ``resource`` may use the same ``{name}``s."""

    method: str
    pattern: str
    action: str
    resource: str


class RouteTable:
    """The first route matching a request names its target.

    A captured segment is percent-decoded; one that decodes to contain ``/``, or is ``.`` or
    ``..``, matches nothing, so an encoded slash cannot move a request into another resource.
    """

    def __init__(self, routes: Iterable[Route]) -> None:
        self._routes = [(route, route.pattern.strip("/").split("/")) for route in routes]
        for route, pieces in self._routes:
            for index, piece in enumerate(pieces):
                if piece.endswith("+}") and index != len(pieces) - 1:
                    raise ValueError(f"{route.pattern}: {{name+}} must be the last segment")
            captured = {found.group(1) for found in _PLACEHOLDER.finditer(route.pattern)}
            unknown = {found.group(1) for found in _PLACEHOLDER.finditer(route.resource)}
            if unknown - captured:
                raise ValueError(f"{route.resource}: {{{min(unknown - captured)}}} is not captured")

    def __call__(self, request: RequestLine) -> Target | None:
        raw = (request.path or "/").strip("/")
        segments = raw.split("/") if raw else []
        for route, pieces in self._routes:
            if route.method != "*" and route.method.upper() != request.method.upper():
                continue
            values = _match(pieces, segments)
            if values is not None:
                return Target(route.action, _fill(route.resource, values))
        return None


def _match(pieces: Sequence[str], segments: Sequence[str]) -> dict[str, str] | None:
    values: dict[str, str] = {}
    for index, piece in enumerate(pieces):
        if piece.startswith("{") and piece.endswith("+}"):
            rest = [_segment(text) for text in segments[index:]]
            if not rest or any(value is None for value in rest):
                return None
            values[piece[1:-2]] = "/".join(value for value in rest if value is not None)
            return values
        if index >= len(segments):
            return None
        value = _segment(segments[index])
        if value is None:
            return None
        if piece.startswith("{") and piece.endswith("}"):
            values[piece[1:-1]] = value
        elif piece != value:
            return None
    return values if len(pieces) == len(segments) else None


def _segment(text: str) -> str | None:
    value = unquote(text)
    if not value or "/" in value or value in (".", ".."):
        return None
    return value


def _fill(template: str, values: Mapping[str, str]) -> str:
    """``template`` with each ``{name}`` replaced in one pass (a value is never read again)."""
    return _PLACEHOLDER.sub(lambda found: values.get(found.group(1), found.group(0)), template)

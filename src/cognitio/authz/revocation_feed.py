"""The revocation list of a Cognitio server, polled by a verifier in another process.

A :class:`~cognitio.authz.verifier.Verifier` reads no database, so it learns of revoked
credentials from ``GET /_cognitio/revocations`` (:mod:`cognitio.web.revocations`), fetched with
an administrator's access key and kept for ``ttl``::

    feed = RevocationFeed("https://id.example", access_key_id, secret_access_key)
    verifier = Verifier(authority, regions={"us-east-1"}, services={"s3"}, revocations=feed)

Guarantees: a revocation made on any node refuses its credentials at this verifier within
``ttl`` (30 seconds by default) of being written, plus the time of one fetch. The list is
fetched when a request finds it older than ``ttl`` (call :meth:`RevocationFeed.refresh` from a
timer to keep that off the request path). The answer must carry the server's signature over
the body and the request's date (HMAC with the caller's secret), so a list altered on the way or
an older answer replayed is refused. When no fresh list can be had, the last good one serves
until it is ``max_stale`` old (5 minutes by default); after that every request is refused with
``ServiceUnavailable``: a verifier that cannot learn of revocations fails closed.
"""

from __future__ import annotations

import hmac
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import orjson
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from cognitio.services.sts.credentials import SessionClaims
from cognitio.services.sts.errors import ServiceUnavailable
from cognitio.services.sts.revocations import SIGNATURE_HEADER, RevocationList, list_signature

PATH = "/_cognitio/revocations"
_SIGNING_SERVICE = "cognito-identity"
_MAX_ANSWER = 16 * 1024 * 1024  # bytes


@dataclass(frozen=True, slots=True)
class Answer:
    """What an HTTP GET answered."""

    status: int
    headers: Mapping[str, str]
    body: bytes


Fetch = Callable[[str, Mapping[str, str], float], Answer]


def _urllib_fetch(url: str, headers: Mapping[str, str], timeout: float) -> Answer:
    request = urllib.request.Request(url, headers=dict(headers), method="GET")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return Answer(
                response.status,
                {name.lower(): value for name, value in response.headers.items()},
                response.read(_MAX_ANSWER + 1),
            )
    except urllib.error.HTTPError as error:
        return Answer(error.code, {}, b"")


class RevocationFeed:
    """A :class:`~cognitio.authz.verifier.RevocationCheck` kept fresh from a Cognitio server."""

    def __init__(
        self,
        server_url: str,
        access_key_id: str,
        secret_access_key: str,
        *,
        region: str = "us-east-1",
        ttl: timedelta = timedelta(seconds=30),
        max_stale: timedelta = timedelta(minutes=5),
        timeout: float = 5.0,
        fetch: Fetch = _urllib_fetch,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        parts = urlsplit(server_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("server_url must be an http or https URL")
        if max_stale < ttl:
            raise ValueError("max_stale must be at least ttl")
        self._url = server_url.rstrip("/") + PATH
        self._credentials = Credentials(access_key_id, secret_access_key)
        self._secret = secret_access_key
        self._region = region
        self._ttl = ttl.total_seconds()
        self._max_stale = max_stale.total_seconds()
        self._timeout = timeout
        self._fetch = fetch
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._list: RevocationList | None = None
        self._fetched_at = float("-inf")

    def __repr__(self) -> str:
        return f"RevocationFeed({self._url!r})"

    def refresh(self) -> RevocationList:
        """Fetch the list now; ValueError or OSError when no trustworthy list came back."""
        request = AWSRequest(method="GET", url=self._url)
        SigV4Auth(self._credentials, _SIGNING_SERVICE, self._region).add_auth(request)
        headers = {name: str(value) for name, value in request.headers.items()}
        answer = self._fetch(self._url, headers, self._timeout)
        if answer.status != 200:
            raise ValueError(f"the revocation list answered HTTP {answer.status}")
        if len(answer.body) > _MAX_ANSWER:
            raise ValueError("the revocation list is too large")
        expected = list_signature(self._secret, headers["X-Amz-Date"], answer.body)
        given = answer.headers.get(SIGNATURE_HEADER, "")
        if not hmac.compare_digest(expected.encode(), given.encode()):
            raise ValueError("the revocation list is not signed for this request")
        published = RevocationList.from_document(orjson.loads(answer.body))
        with self._lock:
            self._list = published
            self._fetched_at = self._monotonic()
        return published

    def not_before_ms(self, claims: SessionClaims) -> int | None:
        current = self._current()
        return current.not_before_ms(claims)

    def _current(self) -> RevocationList:
        with self._lock:
            current, age = self._list, self._monotonic() - self._fetched_at
        if current is not None and age < self._ttl:
            return current
        try:
            return self.refresh()
        except (ValueError, OSError):
            if current is not None and age < self._max_stale:
                return current
            raise ServiceUnavailable(
                "Cognitio's revocation list cannot be fetched; requests are refused until it can."
            ) from None

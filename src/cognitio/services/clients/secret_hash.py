"""SECRET_HASH: Base64(HMAC-SHA256(client secret, username + client id)), per Cognito's
"Computing secret hash values" page. Required from every public call of a client with a secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable

from cognitio.crypto.envelope import Envelope
from cognitio.errors import NotAuthorizedException
from cognitio.store.records import ClientRecord


def check_secret_hash(
    client: ClientRecord,
    given: str | None,
    username: str,
    open_secret: Callable[[ClientRecord], bytes],
) -> None:
    """Refuse a missing or wrong hash from a client that has a secret."""
    if client.secret_sealed is None:
        return
    if not given:
        raise NotAuthorizedException(
            f"Client {client.id} is configured for secret but secret was not received"
        )
    digest = hmac.new(open_secret(client), (username + client.id).encode(), hashlib.sha256)
    # Bytes on both sides: compare_digest refuses str holding anything but ASCII.
    if not hmac.compare_digest(base64.b64encode(digest.digest()), given.encode()):
        raise NotAuthorizedException(f"Unable to verify secret hash for client {client.id}")


def secret_hash_for(
    client: ClientRecord, username: str, open_secret: Callable[[ClientRecord], bytes]
) -> str | None:
    """The SECRET_HASH a client with a secret sends for ``username`` (the hosted pages act as
    the client); None for a client without a secret."""
    if client.secret_sealed is None:
        return None
    digest = hmac.new(open_secret(client), (username + client.id).encode(), hashlib.sha256)
    return base64.b64encode(digest.digest()).decode()


def client_secret_opener(envelope: Envelope) -> Callable[[ClientRecord], bytes]:
    """Opens a client's sealed secret (only clients that have one are asked)."""

    def open_secret(client: ClientRecord) -> bytes:
        assert client.secret_sealed is not None
        return envelope.open(client.secret_sealed, f"client-secret:{client.id}")

    return open_secret

"""One home for the app client of a request: finding it (with its pool) and how it proves itself.

:func:`resolve` answers Cognito's ``ResourceNotFoundException`` ("User pool client ... does not
exist.") for a client that is not there, or not in the pool the request names.
:class:`ClientAuthenticator` holds the one implementation of a client's proofs: its secret
(GetTokensFromRefreshToken, RevokeToken, GetClientToken, the OAuth token endpoint) and the
SECRET_HASH made with it (every unauthenticated call naming a user); both compared in constant
time, over bytes. :data:`ClientProof.TRUSTED` is the one way past the SECRET_HASH check: the
server's own hosted pages, which stand for the client they checked, name it instead of computing
a SecretHash for their own server to check.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from enum import Enum

from cognitio.crypto.envelope import Envelope
from cognitio.errors import NotAuthorizedException, ResourceNotFoundException
from cognitio.store.records import ClientRecord, UserPoolRecord
from cognitio.store.repositories import Transaction


@dataclass(frozen=True, slots=True)
class AppClient:
    client: ClientRecord
    pool: UserPoolRecord


def client_missing(client_id: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"User pool client {client_id} does not exist.")


async def find_client(tx: Transaction, client_id: str) -> ClientRecord:
    """The app client ``client_id``; ResourceNotFoundException when there is none."""
    client = await tx.clients.find(client_id)
    if client is None:
        raise client_missing(client_id)
    return client


async def resolve(tx: Transaction, client_id: str, *, pool_id: str | None = None) -> AppClient:
    """The app client and its pool; ResourceNotFoundException when either is missing, or when
    ``pool_id`` (the admin operations name one) is another pool."""
    client = await tx.clients.find(client_id)
    pool = None if client is None else await tx.pools.get(client.pool_id)
    if client is None or pool is None or (pool_id is not None and pool.id != pool_id):
        raise client_missing(client_id)
    return AppClient(client, pool)


class ClientProof(Enum):
    """A proof of the client that is not a value sent on the wire.

    ``TRUSTED``: the caller is this server's own code, which has already established the
    client — the hosted pages checked the authorization request (client id, redirect URI) before
    showing a form — so no SECRET_HASH is asked for. Only server-side code names it: requests
    carry strings, and nothing parsed from one becomes a ``ClientProof``.
    """

    TRUSTED = "trusted"


class ClientAuthenticator:
    """How an app client proves itself: its secret, or a SECRET_HASH made with it."""

    def __init__(self, envelope: Envelope) -> None:
        self._envelope = envelope

    def _secret(self, client: ClientRecord) -> bytes:
        assert client.secret_sealed is not None  # asked only of clients that have one
        return self._envelope.open(client.secret_sealed, f"client-secret:{client.id}")

    def secret_matches(self, client: ClientRecord, given: str | None) -> bool:
        """Whether ``given`` is the secret of ``client``, a client that has one."""
        return hmac.compare_digest((given or "").encode(), self._secret(client))

    def secret_hash(self, client: ClientRecord, username: str) -> str | None:
        """Base64(HMAC-SHA256(secret, username + client id)), Cognito's "Computing secret hash
        values"; None for a client without a secret."""
        if client.secret_sealed is None:
            return None
        digest = hmac.new(self._secret(client), (username + client.id).encode(), hashlib.sha256)
        return base64.b64encode(digest.digest()).decode()

    def check_secret_hash(
        self, client: ClientRecord, given: str | ClientProof | None, username: str
    ) -> None:
        """Refuse a missing or wrong SECRET_HASH from a client that has a secret; the server's
        own trusted callers (:data:`ClientProof.TRUSTED`) pass."""
        if given is ClientProof.TRUSTED:
            return
        expected = self.secret_hash(client, username)
        if expected is None:
            return
        if not given:
            raise NotAuthorizedException(
                f"Client {client.id} is configured for secret but secret was not received"
            )
        # Bytes on both sides: compare_digest refuses str holding anything but ASCII.
        if not hmac.compare_digest(expected.encode(), given.encode()):
            raise NotAuthorizedException(f"Unable to verify secret hash for client {client.id}")

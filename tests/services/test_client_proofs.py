"""The proofs a self-service call gives for its app client: a SECRET_HASH from an API caller, or
the server's own trusted path for the hosted pages, which is bound to one client."""

from __future__ import annotations

import os

import pytest

from cognitio.crypto.envelope import Envelope
from cognitio.errors import NotAuthorizedException
from cognitio.services.clients.app_clients import (
    ClientAuthenticator,
    SecretHashProof,
    TrustedCaller,
)
from cognitio.store.records import ClientRecord

_ENVELOPE = Envelope(os.urandom(32))


def _client(client_id: str = "client1", *, secret: bool = True) -> ClientRecord:
    sealed = _ENVELOPE.seal(b"s3cret", f"client-secret:{client_id}") if secret else None
    return ClientRecord(client_id, "pool", "app", {}, sealed, 0, 0, 1)


def test_trusted_caller_needs_no_secret_hash_for_its_own_client() -> None:
    authenticator = ClientAuthenticator(_ENVELOPE)
    authenticator.check_proof(_client(), TrustedCaller("client1", "hosted pages"), "alice")


def test_trusted_caller_for_another_client_is_not_authorized() -> None:
    authenticator = ClientAuthenticator(_ENVELOPE)
    with pytest.raises(NotAuthorizedException):
        authenticator.check_proof(_client(), TrustedCaller("client2", "hosted pages"), "alice")


def test_api_caller_without_secret_hash_is_not_authorized() -> None:
    authenticator = ClientAuthenticator(_ENVELOPE)
    with pytest.raises(NotAuthorizedException, match="secret was not received"):
        authenticator.check_proof(_client(), SecretHashProof(None), "alice")


def test_api_caller_with_the_right_secret_hash_passes() -> None:
    authenticator = ClientAuthenticator(_ENVELOPE)
    client = _client()
    given = authenticator.secret_hash(client, "alice")
    authenticator.check_proof(client, SecretHashProof(given), "alice")
    with pytest.raises(NotAuthorizedException, match="Unable to verify secret hash"):
        authenticator.check_proof(client, SecretHashProof(given), "bob")


def test_client_without_a_secret_takes_no_secret_hash() -> None:
    ClientAuthenticator(_ENVELOPE).check_proof(
        _client(secret=False), SecretHashProof(None), "alice"
    )

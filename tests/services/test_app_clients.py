"""How an app client proves itself: SECRET_HASH as sent, or the server's own trusted path."""

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


def _client(envelope: Envelope, *, secret: bytes | None) -> ClientRecord:
    sealed = None if secret is None else envelope.seal(secret, "client-secret:client-1")
    return ClientRecord("client-1", "us-east-1_pool", "app", {}, sealed, 0, 0, 1)


def test_a_client_with_a_secret_needs_its_secret_hash() -> None:
    envelope = Envelope(os.urandom(32))
    clients = ClientAuthenticator(envelope)
    client = _client(envelope, secret=b"s3cret")
    right = clients.secret_hash(client, "alice")
    clients.check_secret_hash(client, right, "alice")
    with pytest.raises(NotAuthorizedException, match="secret was not received"):
        clients.check_secret_hash(client, None, "alice")
    with pytest.raises(NotAuthorizedException, match="Unable to verify secret hash"):
        clients.check_secret_hash(client, right, "bob")


def test_the_trusted_path_passes_without_a_secret_hash() -> None:
    """The hosted pages stand for the client they checked; they compute no SecretHash."""
    envelope = Envelope(os.urandom(32))
    clients = ClientAuthenticator(envelope)
    trusted = TrustedCaller("client-1", via="hosted pages")
    clients.check_proof(_client(envelope, secret=b"s3cret"), trusted, "alice")
    clients.check_proof(_client(envelope, secret=None), trusted, "alice")


def test_no_string_a_request_sends_is_the_trusted_proof() -> None:
    envelope = Envelope(os.urandom(32))
    clients = ClientAuthenticator(envelope)
    client = _client(envelope, secret=b"s3cret")
    for sent in ("trusted", "TRUSTED", "hosted pages", "client-1"):
        with pytest.raises(NotAuthorizedException):
            clients.check_proof(client, SecretHashProof(sent), "alice")

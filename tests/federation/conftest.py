"""The identity providers the federation tests sign in through, each on a free loopback port:
two oidc-provider instances (the second takes client_secret_basic only and signs in bob), and
the stand-ins for Google, Facebook, Login with Amazon and Sign in with Apple."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers.federation import REDIRECT_URI
from tests.helpers.idps.amazon import AmazonStandIn
from tests.helpers.idps.apple import AppleStandIn, p8_private_key
from tests.helpers.idps.facebook import FacebookStandIn
from tests.helpers.idps.google import GoogleStandIn
from tests.helpers.oidc_peer import OidcPeer


@pytest.fixture(scope="module")
def op() -> Iterator[OidcPeer]:
    peer = OidcPeer([REDIRECT_URI]).start()
    yield peer
    peer.stop()


@pytest.fixture(scope="module")
def op_basic() -> Iterator[OidcPeer]:
    peer = OidcPeer(
        [REDIRECT_URI],
        ACCOUNT="bob",
        AUTH_METHOD="client_secret_basic",
        AUTH_METHODS="client_secret_basic",
    ).start()
    yield peer
    peer.stop()


@pytest.fixture
def google() -> Iterator[GoogleStandIn]:
    stand_in = GoogleStandIn(
        client_id="google-client.apps.googleusercontent.com",
        client_secret="google-secret",
        redirect_uri=REDIRECT_URI,
        scopes=["openid", "email", "profile"],
    ).start()
    yield stand_in
    stand_in.stop()


@pytest.fixture
def facebook() -> Iterator[FacebookStandIn]:
    stand_in = FacebookStandIn(
        client_id="1234567890",
        client_secret="facebook-secret",
        redirect_uri=REDIRECT_URI,
        scopes=["public_profile", "email"],
    ).start()
    yield stand_in
    stand_in.stop()


@pytest.fixture
def amazon() -> Iterator[AmazonStandIn]:
    stand_in = AmazonStandIn(
        client_id="amzn1.application-oa2-client.0123",
        client_secret="amazon-secret",
        redirect_uri=REDIRECT_URI,
        scopes=["profile", "postal_code"],
    ).start()
    yield stand_in
    stand_in.stop()


@pytest.fixture
def apple_key() -> str:
    return p8_private_key()


@pytest.fixture
def apple(apple_key: str) -> Iterator[AppleStandIn]:
    stand_in = AppleStandIn(
        apple_key,
        client_id="com.example.signin",
        client_secret="",
        redirect_uri=REDIRECT_URI,
        scopes=["email", "name"],
    ).start()
    yield stand_in
    stand_in.stop()

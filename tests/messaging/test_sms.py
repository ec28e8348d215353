"""WebhookSmsProvider against a real local HTTP server."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json

import pytest

from cognitio.crypto.signatures import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature_headers
from cognitio.messaging.messages import DeliveryError, OutgoingMessage
from cognitio.messaging.sms import WebhookSmsProvider
from tests.lambdas.http_function import signature_is_valid
from tests.messaging.conftest import WebhookServer, free_port

TEXT = OutgoingMessage(
    channel="sms",
    to="+15555550123",
    subject=None,
    body="Your verification code is 654321. ",
    user_pool_id="us-east-1_Abc123",
)


def test_webhook_receives_the_sms_as_json(webhook_server: WebhookServer) -> None:
    provider = WebhookSmsProvider(webhook_server.url)

    asyncio.run(provider.send(TEXT))

    [request] = webhook_server.requests
    assert request["path"] == "/sms"
    assert request["headers"]["Content-Type"] == "application/json"
    assert SIGNATURE_HEADER not in request["headers"]
    assert json.loads(request["body"]) == {
        "to": "+15555550123",
        "body": "Your verification code is 654321. ",
        "user_pool_id": "us-east-1_Abc123",
        "channel": "sms",
    }


def test_webhook_request_is_signed_with_the_secret(webhook_server: WebhookServer) -> None:
    provider = WebhookSmsProvider(webhook_server.url, secret="webhook-secret")

    asyncio.run(provider.send(TEXT))

    [request] = webhook_server.requests
    timestamp = request["headers"][TIMESTAMP_HEADER]
    signed = timestamp.encode() + b"." + request["body"]
    expected = hmac.new(b"webhook-secret", signed, hashlib.sha256).hexdigest()
    assert request["headers"][SIGNATURE_HEADER] == f"sha256={expected}"


def test_the_webhook_signature_covers_a_timestamp(webhook_server: WebhookServer) -> None:
    """Security review #22: the MAC holds the time, so a receiver refuses an old replay."""
    provider = WebhookSmsProvider(webhook_server.url, secret="webhook-secret")

    asyncio.run(provider.send(TEXT))

    [request] = webhook_server.requests
    headers, body = request["headers"], request["body"]
    timestamp, signature = headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER]
    assert signature_is_valid("webhook-secret", body, timestamp, signature)
    # Replayed six minutes later, the same request is refused; a forged fresh time breaks the MAC.
    later = int(timestamp) + 360
    assert not signature_is_valid("webhook-secret", body, timestamp, signature, now=later)
    assert not signature_is_valid("webhook-secret", body, str(later), signature, now=later)


def test_signature_headers_follow_the_documented_recipe() -> None:
    """Security review #22: ``sha256=HMAC(secret, "<timestamp>.<body>")`` at a given time."""
    headers = signature_headers(b'{"a":1}', "s3cret", now=1_700_000_000.9)

    assert headers == {
        TIMESTAMP_HEADER: "1700000000",
        SIGNATURE_HEADER: "sha256="
        + hmac.new(b"s3cret", b'1700000000.{"a":1}', hashlib.sha256).hexdigest(),
    }


def test_non_ascii_text_is_sent_as_utf8(webhook_server: WebhookServer) -> None:
    provider = WebhookSmsProvider(webhook_server.url)

    asyncio.run(provider.send(OutgoingMessage("sms", "+4915112345678", None, "Code: 1 ✓", "p")))

    assert "✓".encode() in webhook_server.requests[0]["body"]


def test_credentials_in_the_url_become_basic_auth(webhook_server: WebhookServer) -> None:
    with_credentials = webhook_server.url.replace("http://", "http://gateway:p%40ss@")
    provider = WebhookSmsProvider(with_credentials)

    asyncio.run(provider.send(TEXT))

    assert "gateway" not in provider.url
    assert "p%40ss" not in repr(provider)
    expected = base64.b64encode(b"gateway:p@ss").decode()
    assert webhook_server.requests[0]["headers"]["Authorization"] == f"Basic {expected}"


def test_server_error_is_a_delivery_error(webhook_server: WebhookServer) -> None:
    webhook_server.status = 500
    provider = WebhookSmsProvider(webhook_server.url)

    with pytest.raises(DeliveryError, match="answered HTTP 500") as caught:
        asyncio.run(provider.send(TEXT))
    assert "654321" not in str(caught.value)


def test_redirect_is_not_followed_and_counts_as_failure(webhook_server: WebhookServer) -> None:
    webhook_server.status = 302
    provider = WebhookSmsProvider(webhook_server.url)

    with pytest.raises(DeliveryError, match="answered HTTP 302"):
        asyncio.run(provider.send(TEXT))


def test_unreachable_webhook_is_a_delivery_error() -> None:
    provider = WebhookSmsProvider(f"http://127.0.0.1:{free_port()}/sms")

    with pytest.raises(DeliveryError, match="SMS webhook failed: ConnectError"):
        asyncio.run(provider.send(TEXT))


@pytest.mark.parametrize("url", ["", "ftp://example.com/sms", "/relative/sms", "http:///sms"])
def test_webhook_url_must_be_absolute_http(url: str) -> None:
    with pytest.raises(ValueError, match="absolute http"):
        WebhookSmsProvider(url)

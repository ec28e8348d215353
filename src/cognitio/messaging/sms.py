"""SMS delivery: a provider interface, and a webhook provider that passes each text to HTTP.

The webhook receives ``POST`` with a JSON body ``{"to", "body", "user_pool_id", "channel": "sms"}``.
When a secret is configured the request carries ``X-Cognitio-Timestamp`` and
``X-Cognitio-Signature: sha256=<hex>``, the HMAC-SHA256 of the timestamp and the exact body bytes
under that secret (:mod:`cognitio.crypto.signatures`), so the receiver can check that the request
came from this server, recently.
"""

from __future__ import annotations

import json
from typing import Protocol
from urllib.parse import unquote, urlsplit, urlunsplit

import httpx

from cognitio.crypto.signatures import signature_headers
from cognitio.messaging.messages import DeliveryError, OutgoingMessage


class SmsProvider(Protocol):
    """Anything that can send a text message."""

    async def send(self, message: OutgoingMessage) -> None: ...


class WebhookSmsProvider:
    """POSTs each SMS as JSON to one URL; anything but a 2xx answer is a DeliveryError."""

    def __init__(
        self,
        url: str,
        *,
        secret: str | None = None,
        timeout: float = 5.0,  # seconds, for the whole request
    ) -> None:
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("the SMS webhook URL must be an absolute http:// or https:// URL")
        # Credentials in the URL go into an Authorization header, so the URL itself
        # (which HTTP client logs may show) holds none.
        self._auth: httpx.Auth | None = None
        if parts.username is not None:
            self._auth = httpx.BasicAuth(unquote(parts.username), unquote(parts.password or ""))
            host = parts.netloc.rpartition("@")[2]
            parts = parts._replace(netloc=host)
        self.url = urlunsplit(parts)
        self._secret = secret or None
        self.timeout = timeout

    def __repr__(self) -> str:
        parts = urlsplit(self.url)
        return f"WebhookSmsProvider('{parts.scheme}://{parts.netloc}/...')"

    async def send(self, message: OutgoingMessage) -> None:
        """Deliver one SMS through the webhook."""
        payload = json.dumps(
            {
                "to": message.to,
                "body": message.body,
                "user_pool_id": message.user_pool_id,
                "channel": "sms",
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        if self._secret is not None:
            headers.update(signature_headers(payload, self._secret))
        try:
            async with httpx.AsyncClient(auth=self._auth, timeout=self.timeout) as client:
                response = await client.post(self.url, content=payload, headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"SMS webhook failed: {type(exc).__name__}") from exc
        if not response.is_success:
            raise DeliveryError(f"SMS webhook answered HTTP {response.status_code}")

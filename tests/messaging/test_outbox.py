"""The development outbox and its two pages."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from cognitio.messaging.messages import OutgoingMessage
from cognitio.messaging.outbox import Outbox
from cognitio.web import dev_outbox


def message(to: str, body: str = "Your verification code is 111111. ") -> OutgoingMessage:
    if to.startswith("+"):
        return OutgoingMessage("sms", to, None, body, "us-east-1_Abc123")
    return OutgoingMessage("email", to, "Your verification code", body, "us-east-1_Abc123")


@pytest.fixture
def outbox() -> Outbox:
    return Outbox()


class Client:
    """Requests straight into the ASGI app, each on a client that is closed afterwards."""

    def __init__(self, outbox: Outbox) -> None:
        self.app = Starlette(routes=dev_outbox.ROUTES)
        self.app.state.outbox = outbox

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        async def call() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
                return await http.request(method, path, **kwargs)

        return asyncio.run(call())

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)


@pytest.fixture
def client(outbox: Outbox) -> Client:
    return Client(outbox)


def test_recorded_message_has_id_time_and_fields(outbox: Outbox) -> None:
    outbox.record(message("jane@example.com"))

    [entry] = outbox.list()
    assert uuid.UUID(entry["id"]).version == 4
    sent_at = datetime.fromisoformat(entry["sent_at"])
    assert sent_at.utcoffset() == UTC.utcoffset(None)
    assert abs((datetime.now(UTC) - sent_at).total_seconds()) < 60
    assert {k: v for k, v in entry.items() if k not in ("id", "sent_at")} == {
        "channel": "email",
        "to": "jane@example.com",
        "subject": "Your verification code",
        "body": "Your verification code is 111111. ",
        "user_pool_id": "us-east-1_Abc123",
    }


def test_outbox_keeps_only_the_newest_messages() -> None:
    outbox = Outbox(size=2)
    for n in range(3):
        outbox.record(message(f"user{n}@example.com"))

    assert [entry["to"] for entry in outbox.list()] == ["user1@example.com", "user2@example.com"]


def test_list_filters_by_recipient_ignoring_case(outbox: Outbox) -> None:
    outbox.record(message("Jane@Example.com", "first"))
    outbox.record(message("+15555550123", "text"))
    outbox.record(message("jane@example.com", "second"))

    assert [e["body"] for e in outbox.list("jane@example.com")] == ["first", "second"]
    assert [e["body"] for e in outbox.list("+15555550123")] == ["text"]
    assert outbox.list("nobody@example.com") == []


def test_list_returns_copies(outbox: Outbox) -> None:
    outbox.record(message("jane@example.com"))
    outbox.list()[0]["body"] = "changed"

    assert outbox.list()[0]["body"] == "Your verification code is 111111. "


def test_outbox_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Outbox(size=0)


def test_json_page_lists_messages_oldest_first(outbox: Outbox, client: Client) -> None:
    outbox.record(message("jane@example.com", "one"))
    outbox.record(message("+15555550123", "two"))

    response = client.get("/_dev/outbox")

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    messages = response.json()["messages"]
    assert [(m["to"], m["body"]) for m in messages] == [
        ("jane@example.com", "one"),
        ("+15555550123", "two"),
    ]
    assert set(messages[0]) == {
        "id",
        "channel",
        "to",
        "subject",
        "body",
        "user_pool_id",
        "sent_at",
    }


def test_json_page_filters_by_to(outbox: Outbox, client: Client) -> None:
    outbox.record(message("jane@example.com", "for jane"))
    outbox.record(message("+15555550123", "for the phone"))

    response = client.get("/_dev/outbox", params={"to": "+15555550123"})

    assert [m["body"] for m in response.json()["messages"]] == ["for the phone"]


def test_empty_outbox_answers_an_empty_list(client: Client) -> None:
    assert client.get("/_dev/outbox").json() == {"messages": []}


def test_html_page_escapes_every_message_field(outbox: Outbox, client: Client) -> None:
    outbox.record(
        OutgoingMessage(
            "email",
            "mallory&co@example.com",
            "<b>subject</b>",
            "<script>alert('code')</script> 123456",
            'pool"><img src=x>',
        )
    )

    response = client.get("/_dev/outbox.html")
    page = response.text

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<script>" not in page and "<b>subject" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&#x27;code&#x27;)&lt;/script&gt; 123456" in page
    assert "&lt;b&gt;subject&lt;/b&gt;" in page
    assert "mallory&amp;co@example.com" in page
    assert "pool&quot;&gt;&lt;img src=x&gt;" in page


def test_html_page_escapes_the_recipient_asked_for(client: Client) -> None:
    page = client.get("/_dev/outbox.html", params={"to": '"><i>x</i>'}).text

    assert "<i>" not in page
    assert 'value="&quot;&gt;&lt;i&gt;x&lt;/i&gt;"' in page
    assert "Messages to &quot;&gt;&lt;i&gt;x&lt;/i&gt;: none yet." in page


def test_html_page_shows_messages_newest_last(outbox: Outbox, client: Client) -> None:
    outbox.record(message("jane@example.com", "<first> & 111111"))
    outbox.record(message("+15555550123", "second 222222"))

    page = client.get("/_dev/outbox.html").text

    assert "&lt;first&gt; &amp; 111111" in page
    assert page.index("111111") < page.index("222222")
    assert "<caption>All messages, oldest first (2)</caption>" in page
    assert '<th scope="col">Body</th>' in page
    assert "<script" not in page


def test_html_page_filters_by_to(outbox: Outbox, client: Client) -> None:
    outbox.record(message("jane@example.com", "<b>jane</b>"))
    outbox.record(message("joe@example.com", "joe's code"))

    page = client.get("/_dev/outbox.html", params={"to": "jane@example.com"}).text

    assert "&lt;b&gt;jane&lt;/b&gt;" in page
    assert "joe" not in page
    assert "Messages to jane@example.com, oldest first (1)" in page


def test_outbox_pages_are_read_only(client: Client) -> None:
    assert client.request("POST", "/_dev/outbox").status_code == 405
    assert client.request("DELETE", "/_dev/outbox.html").status_code == 405

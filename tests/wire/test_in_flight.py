"""A client address holds at most so many requests of a process at once (attack finding 7)."""

from __future__ import annotations

import asyncio
from collections.abc import MutableMapping
from typing import Any

from cognitio.app import CognitioApp


def test_one_address_cannot_hold_more_than_its_requests_in_flight() -> None:
    released = asyncio.Event()
    entered: asyncio.Queue[str] = asyncio.Queue()

    async def slow(scope: Any, receive: Any, send: Any) -> None:
        entered.put_nowait(scope["client"][0])
        await released.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    app = CognitioApp(slow, slow, None, max_in_flight=2)  # type: ignore[arg-type]

    async def call(address: str, path: str = "/") -> tuple[int, dict[bytes, bytes]]:
        sent: list[MutableMapping[str, Any]] = []

        async def send(message: MutableMapping[str, Any]) -> None:
            sent.append(message)

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        scope = {
            "type": "http",
            "method": "POST",
            "path": path,
            "headers": [],
            "client": (address, 40000),
        }
        await app(scope, receive, send)
        return sent[0]["status"], dict(sent[0]["headers"])

    async def run() -> None:
        held = [asyncio.create_task(call("203.0.113.9")) for _ in range(2)]
        assert [await entered.get(), await entered.get()] == ["203.0.113.9"] * 2
        status, headers = await call("203.0.113.9")
        assert status == 400
        assert headers[b"x-amzn-errortype"] == b"TooManyRequestsException"
        web_status, _ = await call("203.0.113.9", "/oauth2/token")
        assert web_status == 429
        other = asyncio.create_task(call("198.51.100.7"))  # another address is let in
        assert await entered.get() == "198.51.100.7"
        released.set()
        assert [await task for task in (*held, other)] == [(200, {})] * 3
        assert app._in_flight == {}

    asyncio.run(run())

"""The full example of docs/identity-pools.md runs as written: its configuration on a real
server, its photos API on a loopback port, its boto3 code and its Amplify code against them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.helpers.identity_example import (
    EXAMPLE_DIR,
    example_module,
    photos_api,
    run_example_amplify,
    start_server,
)
from tests.helpers.node import needs_node
from tests.server import ACCESS_KEY_ID, REGION, SECRET_ACCESS_KEY, ServerProcess


@pytest.fixture(scope="module")
def example_server(backend: str, make_server: Any) -> ServerProcess:
    return start_server(make_server, backend)


@pytest.fixture(scope="module")
def api_url() -> Iterator[str]:
    with photos_api() as url:
        yield url


@pytest.fixture(autouse=True)
def admin_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """The example's administrative calls find the administrator's key where boto3 looks."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)


def test_the_boto3_example_prints_what_the_page_says(
    example_server: ServerProcess, api_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    example_module("boto3_client").main(example_server.url, api_url)
    guest, alice, reads, refused = capsys.readouterr().out.splitlines()
    assert guest.startswith(f"guest {REGION}:") and guest.endswith(" 200 Welcome!")
    assert alice.startswith(f"alice {REGION}:") and alice.endswith(" 200")
    assert alice.split()[1] != guest.split()[1]
    assert reads == "alice reads <jpeg>"
    assert refused == "alice writes to the guest's prefix 403"


def test_the_photos_api_refuses_unsigned_and_tampered_requests(
    example_server: ServerProcess, api_url: str
) -> None:
    example = example_module("boto3_client")
    ids = example.set_up(example_server.url)
    guest = example.credentials_for(example_server.url, ids["identity_pool"], {})
    assert httpx.get(f"{api_url}/photos/public/welcome.txt").status_code == 403
    wrong = {**guest, "SecretKey": "x" * 40}
    assert example.call(api_url, "GET", "/photos/public/welcome.txt", wrong).status_code == 403
    assert example.call(api_url, "GET", "/photos/private/x", guest).status_code == 403
    assert example.call(api_url, "DELETE", "/photos/public/welcome.txt", guest).status_code == 403


@needs_node
def test_the_amplify_example_prints_what_the_page_says(
    example_server: ServerProcess, api_url: str
) -> None:
    ids = example_module("boto3_client").set_up(example_server.url)
    settings = {
        "userPoolId": ids["user_pool"],
        "userPoolClientId": ids["client_id"],
        "identityPoolId": ids["identity_pool"],
        "endpoint": example_server.url,
        "api": api_url,
    }
    guest, alice, refused = run_example_amplify(settings)
    assert guest.startswith(f"guest {REGION}:") and guest.endswith(" 200")
    # Amplify keeps the guest's identity id: the sign-in links the login to it.
    assert alice == f"alice {guest.split()[1]} 200"
    assert refused == "alice writes to the public prefix 403"


def test_the_page_quotes_the_example_files_as_they_are() -> None:
    """Each code block of "A full example" is a verbatim excerpt of one of the files run above."""
    page = (EXAMPLE_DIR.parents[1] / "identity-pools.md").read_text()
    section = page.split("\n## A full example\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```[a-z]+\n(.*?)^```$", section, flags=re.MULTILINE | re.DOTALL)
    files = [path.read_text() for path in EXAMPLE_DIR.iterdir() if path.is_file()]
    assert len(blocks) == 5
    for block in blocks:
        assert any(block in text for text in files), block[:200]

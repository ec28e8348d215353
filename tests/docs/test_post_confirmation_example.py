"""The PostConfirmation example of docs/integrations.md runs as written: the function, mapped by
the example's configuration, writes each confirmed user to a table of a DynamoDB-compatible store
(moto's server on a loopback port)."""

from __future__ import annotations

import importlib.util
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import httpx
import pytest
from moto.server import ThreadedMotoServer

from tests.server import ACCESS_KEY_ID, SECRET_ACCESS_KEY, ServerProcess, free_port

EXAMPLE_DIR = Path(__file__).resolve().parents[2] / "docs" / "examples" / "post_confirmation"


def _example(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        f"post_confirmation_{name}", EXAMPLE_DIR / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def dynamodb_url(backend: str) -> Iterator[str]:
    """A store per backend: each server's example makes the same table. moto's servers in
    one process share their state, so the store starts empty."""
    port = free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    moto.start()
    url = f"http://127.0.0.1:{port}"
    httpx.post(f"{url}/moto-api/reset").raise_for_status()
    try:
        yield url
    finally:
        moto.stop()


@pytest.fixture(scope="module")
def example_server(backend: str, make_server: Any, dynamodb_url: str) -> ServerProcess:
    """Cognitio with the example's configuration; the function's boto3 finds the store through
    ``AWS_ENDPOINT_URL_DYNAMODB``, as the example says."""
    process: ServerProcess = make_server(
        backend,
        extra_env={
            "AWS_ENDPOINT_URL_DYNAMODB": dynamodb_url,
            "USERS_TABLE": "users",
            "AWS_ACCESS_KEY_ID": "store-key",
            "AWS_SECRET_ACCESS_KEY": "store-secret",
            "AWS_DEFAULT_REGION": "us-east-1",
        },
    )
    process.start("--config", str(EXAMPLE_DIR / "cognitio.toml"))
    return process


@pytest.fixture(autouse=True)
def admin_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """The example's administrative calls find the administrator's key where boto3 looks."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)


def test_a_confirmed_user_is_written_to_the_table(
    example_server: ServerProcess, dynamodb_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _example("client").main(example_server.url, dynamodb_url)
    assert capsys.readouterr().out.split() == ["alice", "alice@example.com", "True"]


def test_an_unconfirmed_user_is_not_in_the_table(
    example_server: ServerProcess, dynamodb_url: str
) -> None:
    """Signing up is not confirming: the trigger runs at confirmation only."""
    idp = boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=example_server.url)
    pool_id = idp.create_user_pool(
        PoolName="unconfirmed", LambdaConfig={"PostConfirmation": _example("client").FUNCTION}
    )["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="web")["UserPoolClient"][
        "ClientId"
    ]
    name = f"bob-{uuid.uuid4().hex[:8]}"
    sub = idp.sign_up(ClientId=client_id, Username=name, Password="Correct-Horse-7")["UserSub"]
    table = boto3.resource("dynamodb", region_name="us-east-1", endpoint_url=dynamodb_url).Table(
        "users"
    )
    assert "Item" not in table.get_item(Key={"userId": sub})
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=name)
    assert table.get_item(Key={"userId": sub})["Item"]["userName"] == name

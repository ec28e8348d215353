"""Shared fixtures: a real server per database backend, and boto3 clients pointed at it.

Every test that uses ``server`` (or a client built on it) runs once on SQLite and, when
COGNITIO_TEST_DATABASE_URL names a PostgreSQL server, once more on PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from tests.lambdas.http_function import SECRET, HttpFunction
from tests.mailbox import Mailbox
from tests.server import (
    ACCESS_KEY_ID,
    REGION,
    SECRET_ACCESS_KEY,
    PostgresDatabase,
    ServerProcess,
    free_port,
)

# The shared helpers assert too: rewrite them as pytest rewrites test modules, so that a failing
# check there explains itself. This must run before anything imports them.
pytest.register_assert_rewrite("tests.helpers")

POSTGRES_URL = os.environ.get("COGNITIO_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def client(service: str, endpoint: str, **overrides: Any) -> Any:
    """A boto3 client for ``service`` at ``endpoint``, no retries, admin credentials."""
    options: dict[str, Any] = {
        "endpoint_url": endpoint,
        "region_name": REGION,
        "aws_access_key_id": ACCESS_KEY_ID,
        "aws_secret_access_key": SECRET_ACCESS_KEY,
        "config": Config(retries={"max_attempts": 0}),
    }
    options.update(overrides)
    return boto3.client(service, **options)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def make_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Build extra servers (restarts, special settings); all are stopped and dropped at the end."""
    servers: list[ServerProcess] = []
    databases: list[PostgresDatabase] = []

    def make(backend: str, **kwargs: Any) -> ServerProcess:
        data_dir: Path = tmp_path_factory.mktemp(f"server-{backend}") / "data"
        database_url = None
        if backend == "postgresql":
            assert POSTGRES_URL
            database = PostgresDatabase(POSTGRES_URL)
            database_url = database.create()
            databases.append(database)
        server = ServerProcess(data_dir=data_dir, database_url=database_url, **kwargs)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()
    for database in databases:
        database.drop()


@pytest.fixture(scope="session")
def mailbox() -> Iterator[Mailbox]:
    """A real SMTP server every shared test server delivers email to."""
    box = Mailbox(free_port())
    box.start()
    yield box
    box.stop()


@pytest.fixture(scope="session")
def http_function() -> Iterator[HttpFunction]:
    """An HTTP endpoint the test servers map a function to."""
    endpoint = HttpFunction(free_port())
    endpoint.start()
    yield endpoint
    endpoint.stop()


# The test servers' [functions] table: Lambda function names -> the handlers in tests/lambdas.
FUNCTIONS = {
    "pre": "python:handlers:passthrough",
    "tokens": "python:handlers:passthrough",
    "record": "python:handlers:record",
    "pre-sign-up": "python:handlers:pre_sign_up",
    "post-confirmation": "python:handlers:record",
    "pre-authentication": "python:handlers:pre_authentication",
    "post-authentication": "python:handlers:record",
    "pre-token-generation": "python:handlers:pre_token_generation",
    "fail": "python:handlers:fail",
    "malformed": "python:handlers:malformed",
    "define-auth": "python:handlers:define_auth_challenge",
    "create-auth": "python:handlers:create_auth_challenge",
    "create-auth-odd": "python:handlers:create_auth_challenge_odd",
    "inbound-federation": "python:handlers:inbound_federation",
    "verify-auth": "python:handlers:verify_auth_challenge_response",
    "custom-message": "python:handlers:custom_message",
    "custom-message-without-code": "python:handlers:custom_message_without_code",
    "user-migration": "python:handlers:user_migration",
    "sender": "python:handlers:record",
}


def write_functions_config(folder: Path, http_url: str) -> Path:
    """A config file with the [functions] table, beside a copy of the handler modules."""
    folder.mkdir(parents=True, exist_ok=True)
    for module in (Path(__file__).parent / "lambdas").glob("*.py"):
        shutil.copy(module, folder / module.name)
    lines = ["[functions]"]
    lines += [f'{name} = "{target}"' for name, target in FUNCTIONS.items()]
    lines += ["", "[functions.slow]", 'target = "python:handlers:slow"', "timeout = 1"]
    lines += [
        "",
        "[functions.http]",
        f'target = "{http_url}"',
        'secret_env = "HTTP_FUNCTION_SECRET"',
    ]
    path = folder / "cognitio.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="session")
def server(
    backend: str,
    make_server: Any,
    mailbox: Mailbox,
    http_function: HttpFunction,
    tmp_path_factory: pytest.TempPathFactory,
) -> ServerProcess:
    """The shared server of one backend, in dev mode (outbox), sending email over SMTP, with
    the test functions mapped (tests/lambdas) and their calls logged."""
    folder = tmp_path_factory.mktemp(f"functions-{backend}")
    config = write_functions_config(folder, http_function.url)
    process: ServerProcess = make_server(
        backend,
        extra_env={
            "COGNITIO_SMTP_URL": mailbox.url,
            "COGNITIO_AUTH_DOMAIN_SUFFIX": "auth.test.example",
            "TRIGGER_LOG": str(folder / "triggers.jsonl"),
            "HTTP_FUNCTION_SECRET": SECRET,
        },
    )
    process.start("--dev", "--config", str(config))
    return process


@pytest.fixture
def idp(server: ServerProcess) -> Any:
    return client("cognito-idp", server.url)


@pytest.fixture
def identity(server: ServerProcess) -> Any:
    return client("cognito-identity", server.url)

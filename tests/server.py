"""Starting real Cognitio server processes for black-box tests."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

ACCESS_KEY_ID = "AKIATESTADMIN0000001"
SECRET_ACCESS_KEY = "test-secret-access-key-0123456789abcdefgh"
REGION = "us-east-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServerProcess:
    """One `cognitio serve` process; restartable on the same data."""

    data_dir: Path
    database_url: str | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    # False: start without the bootstrap key in the environment (the server generates one).
    admin_env: bool = True
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *args: str) -> None:
        env = {key: value for key, value in os.environ.items() if not key.startswith("COGNITIO_")}
        if self.admin_env:
            env.update(
                COGNITIO_ADMIN_ACCESS_KEY_ID=ACCESS_KEY_ID,
                COGNITIO_ADMIN_SECRET_ACCESS_KEY=SECRET_ACCESS_KEY,
            )
        # argon2id at test cost: correctness is the same, the suite stays fast.
        env.update(COGNITIO_ARGON2_MEMORY_KIB="1024", COGNITIO_ARGON2_TIME_COST="1")
        env.update(self.extra_env)
        command = [
            sys.executable,
            "-m",
            "cognitio",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--data-dir",
            str(self.data_dir),
            *args,
        ]
        if self.database_url:
            command += ["--database-url", self.database_url]
        self.log_path = self.data_dir.parent / f"server-{self.port}.log"
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.wait_ready()

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=1) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.05)
        raise RuntimeError(f"server not ready after {timeout}s:\n{self.log()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def outbox(self, to: str | None = None) -> list[dict[str, str]]:
        """The dev outbox's messages (the server must run with --dev)."""
        import json

        query = "" if to is None else "?" + urllib.parse.urlencode({"to": to})
        with urllib.request.urlopen(f"{self.url}/_dev/outbox{query}", timeout=5) as response:
            messages: list[dict[str, str]] = json.loads(response.read())["messages"]
        return messages

    def last_code(self, to: str) -> str:
        """The six-digit code (or temporary password) in the newest outbox message to ``to``.

        A client that hides whether users exist has its codes sent after the answer, so the
        first message may take a moment to arrive.
        """
        import re
        import time

        messages = self.outbox(to)
        for _ in range(100):
            if messages:
                break
            time.sleep(0.05)
            messages = self.outbox(to)
        assert messages, f"no message to {to}"
        found = re.findall(r"\b\d{6}\b", messages[-1]["body"])
        assert found, messages[-1]["body"]
        return str(found[-1])

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path else ""


class PostgresDatabase:
    """A throwaway database on the server named by COGNITIO_TEST_DATABASE_URL."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.name = f"cognitio_test_{uuid.uuid4().hex[:12]}"
        parts = urlsplit(admin_url)
        self.url = urlunsplit(parts._replace(path=f"/{self.name}"))

    def _run(self, statement: str) -> None:
        async def execute() -> None:
            conn = await asyncpg.connect(self.admin_url)
            try:
                await conn.execute(statement)
            finally:
                await conn.close()

        asyncio.run(execute())

    def create(self) -> str:
        self._run(f'CREATE DATABASE "{self.name}"')
        return self.url

    def drop(self) -> None:
        self._run(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

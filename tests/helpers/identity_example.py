"""The full example of docs/identity-pools.md (docs/examples/identity_pools), run for real: a
server with the example's roles, the example's photos API on a loopback port, and the example's
boto3 and Amplify code, so that the documentation cannot drift from what works."""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.helpers.loopback import LoopbackServer
from tests.helpers.node import require_node
from tests.server import ServerProcess

EXAMPLE_DIR = Path(__file__).resolve().parents[2] / "docs" / "examples" / "identity_pools"
CONFIG = EXAMPLE_DIR / "cognitio.toml"
AMPLIFY_DIR = Path(__file__).resolve().parent.parent / "peers" / "amplify"
MASTER_KEY = base64.b64encode(bytes(range(32))).decode()


def example_module(name: str) -> ModuleType:
    """One of the example's Python files, imported from its path."""
    spec = importlib.util.spec_from_file_location(
        f"identity_example_{name}", EXAMPLE_DIR / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def start_server(make_server: Any, backend: str) -> ServerProcess:
    """Cognitio with the example's configuration and a master key the photos API shares."""
    process: ServerProcess = make_server(backend, extra_env={"COGNITIO_MASTER_KEY": MASTER_KEY})
    process.start("--config", str(CONFIG))
    return process


@contextmanager
def photos_api() -> Iterator[str]:
    """The example's photos API (photos_api.protected) on a loopback port; yields its URL."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COGNITIO_MASTER_KEY", MASTER_KEY)
        app = example_module("photos_api").protected(str(CONFIG))
    server = LoopbackServer(app).start()
    try:
        yield server.url
    finally:
        server.stop()


def install_amplify() -> None:
    """``npm ci`` in tests/peers/amplify when its packages are missing (slow the first time)."""
    require_node("Amplify JavaScript v6")
    if (AMPLIFY_DIR / "node_modules" / "aws-amplify").is_dir():
        return
    completed = subprocess.run(
        ["npm", "ci", "--prefix", str(AMPLIFY_DIR), "--no-audit", "--no-fund"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, f"npm ci failed:\n{completed.stdout}{completed.stderr}"


def node(args: list[str], *, stdin: str, env: dict[str, str] | None = None) -> tuple[str, str]:
    """Run Node.js in tests/peers/amplify, where Amplify's packages are: (stdout, stderr)."""
    install_amplify()
    completed = subprocess.run(
        ["node", *args],
        input=stdin,
        cwd=AMPLIFY_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        check=False,
    )
    assert completed.returncode == 0, f"node failed:\n{completed.stdout}\n{completed.stderr}"
    return completed.stdout, completed.stderr


def run_example_amplify(settings: dict[str, str]) -> list[str]:
    """The example's amplify_client.mjs, given as the program on stdin so that its imports
    resolve from tests/peers/amplify; the lines it printed."""
    script = (EXAMPLE_DIR / "amplify_client.mjs").read_text()
    out, _ = node(["--input-type=module"], stdin=script, env={"EXAMPLE": json.dumps(settings)})
    return [line for line in out.splitlines() if not line.startswith("[WARN]")]

"""npm oidc-provider (tests/peers/oidc) as a real OpenID Provider on a free loopback port.

The pinned packages are installed with ``npm ci`` the first time; without Node.js the tests that
need the peer skip, except in CI (COGNITIO_CI=1), where they fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import urllib.request
from pathlib import Path

from tests.helpers.node import require_node
from tests.server import free_port

PEER_DIR = Path(__file__).resolve().parent.parent / "peers" / "oidc"
CLIENT_ID = "cognitio-test"
CLIENT_SECRET = "cognitio-secret"


def install() -> None:
    """``npm ci`` in the peer's folder when its node_modules are missing."""
    require_node("the oidc-provider peer")
    modules = PEER_DIR / "node_modules"
    if all((modules / name).is_dir() for name in ("oidc-provider", "aws-jwt-verify")):
        return
    completed = subprocess.run(
        ["npm", "ci", "--prefix", str(PEER_DIR), "--no-audit", "--no-fund"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, f"npm ci failed:\n{completed.stdout}{completed.stderr}"


class OidcPeer:
    """One oidc-provider process; ``issuer`` is its base URL."""

    def __init__(self, redirect_uris: list[str], **env: str) -> None:
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.redirect_uris = redirect_uris
        self.env = env
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> OidcPeer:
        install()
        env = {
            **os.environ,
            "PORT": str(self.port),
            "CLIENT_ID": CLIENT_ID,
            "CLIENT_SECRET": CLIENT_SECRET,
            "REDIRECT_URIS": ",".join(self.redirect_uris),
            **self.env,
        }
        self.process = subprocess.Popen(
            ["node", str(PEER_DIR / "op.mjs")],
            cwd=PEER_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()  # blocks until "OP ready" or exit
        assert line.startswith("OP ready"), f"oidc-provider did not start: {line!r}"
        return self

    def rotate_keys(self) -> None:
        """Make the provider sign with a new key (a new kid); the old one leaves its JWKS."""
        request = urllib.request.Request(self.issuer + "/test/rotate-keys", method="POST")
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 204

    def sign_in_as(self, account: str) -> None:
        """Make ``account`` (alice, bob or mallory) the one that signs in from now on."""
        request = urllib.request.Request(f"{self.issuer}/test/account/{account}", method="POST")
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 204

    def jwks_requests(self) -> int:
        """How many times its JWKS was fetched."""
        with urllib.request.urlopen(self.issuer + "/test/jwks-requests", timeout=10) as answer:
            return int(json.load(answer)["count"])

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            if self.process.stdout is not None:
                self.process.stdout.close()

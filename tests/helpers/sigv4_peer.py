"""The AWS SDK for JavaScript's SigV4 signer (@smithy/signature-v4, tests/peers/sigv4) run
through Node.js, to sign requests the way browsers and Node apps do.

The pinned packages are installed with ``npm ci`` the first time; without Node.js the tests that
need it skip (their ``needs_node`` mark), except in CI (COGNITIO_CI=1), where they fail.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.helpers.node import require_node

PEER_DIR = Path(__file__).resolve().parent.parent / "peers" / "sigv4"


def install() -> None:
    """``npm ci`` in the peer's folder when its node_modules are missing."""
    require_node("the JavaScript signer")
    if (PEER_DIR / "node_modules" / "@smithy" / "signature-v4").is_dir():
        return
    completed = subprocess.run(
        ["npm", "ci", "--prefix", str(PEER_DIR), "--no-audit", "--no-fund"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, f"npm ci failed:\n{completed.stdout}{completed.stderr}"


def js_sign(
    *,
    method: str,
    url: str,
    headers: dict[str, str],
    body: str,
    service: str,
    region: str,
    access_key_id: str,
    secret_key: str,
    session_token: str,
    presign_seconds: int | None = None,
) -> tuple[str, dict[str, str]]:
    """The URL and headers @smithy/signature-v4 signs (or presigns) the request with."""
    install()
    request = {
        "method": method,
        "url": url,
        "headers": headers,
        "body": body,
        "service": service,
        "region": region,
        "accessKeyId": access_key_id,
        "secretAccessKey": secret_key,
        "sessionToken": session_token,
        "presign": presign_seconds is not None,
        "expiresIn": presign_seconds,
    }
    completed = subprocess.run(
        ["node", str(PEER_DIR / "sign.mjs")],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    signed = json.loads(completed.stdout)
    return str(signed["url"]), {str(k): str(v) for k, v in signed["headers"].items()}

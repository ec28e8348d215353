"""An HTTP function for the test servers: a tiny web server in the test process that answers
Cognitio's JSON POSTs as a Lambda behind an HTTP endpoint would, checking the signature the way
docs/triggers.md tells receivers to."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SECRET = "http-function-secret"
MAX_AGE_SECONDS = 300  # the receiver's replay window: five minutes, as docs/triggers.md advises


def signature_is_valid(
    secret: str, body: bytes, timestamp: str, signature: str, now: float | None = None
) -> bool:
    """The receiver's check from docs/triggers.md: a fresh timestamp, and the HMAC-SHA256 of
    ``<timestamp>.<body>`` compared in constant time."""
    if not timestamp.isascii() or not timestamp.isdigit():
        return False
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > MAX_AGE_SECONDS:
        return False
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest(signature.encode(), b"sha256=" + mac.hexdigest().encode())


class HttpFunction:
    """Runs until stopped; ``calls`` keeps every event it received and whether it was signed."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.calls: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                signed = signature_is_valid(
                    SECRET,
                    body,
                    self.headers.get("X-Cognitio-Timestamp", ""),
                    self.headers.get("X-Cognitio-Signature", ""),
                )
                event = json.loads(body)
                outer.calls.append({"event": event, "signed": signed, "path": self.path})
                status, answer = 200, event
                if not signed:
                    status, answer = 401, {"errorMessage": "bad signature"}
                elif event["request"]["userAttributes"].get("email", "").startswith("deny"):
                    status, answer = 400, {"errorMessage": "Rejected over HTTP"}
                elif event["triggerSource"].startswith("PreSignUp"):
                    event["response"]["autoConfirmUser"] = True
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:  # quiet test output
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/cognito"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

"""An HTTP function for the test servers: a tiny web server in the test process that answers
Cognitio's JSON POSTs as a Lambda behind an HTTP endpoint would, checking the HMAC signature."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SECRET = "http-function-secret"


class HttpFunction:
    """Runs until stopped; ``calls`` keeps every event it received and whether it was signed."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.calls: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
                signed = hmac.compare_digest(self.headers.get("X-Cognitio-Signature", ""), expected)
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

"""Message delivery as a user meets it: SMS through the webhook, and failures that lose nothing."""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import client
from tests.mailbox import Mailbox
from tests.server import ServerProcess, free_port

PASSWORD = "Corr3ct-horse!"


class _Webhook(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # the HTTP verb names the method
        length = int(self.headers["Content-Length"])
        payload = json.loads(self.rfile.read(length))
        payload["signature"] = self.headers.get("X-Cognitio-Signature")
        type(self).received.append(payload)
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []
    handler = type("Webhook", (_Webhook,), {"received": received})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/sms", received
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_sign_up_code_goes_out_by_sms_webhook(
    tmp_path: Path, webhook: tuple[str, list[dict[str, Any]]]
) -> None:
    url, received = webhook
    server = ServerProcess(
        data_dir=tmp_path / "data",
        extra_env={"COGNITIO_SMS_WEBHOOK_URL": url, "COGNITIO_SMS_WEBHOOK_SECRET": "hook-secret"},
    )
    try:
        server.start()
        idp = client("cognito-idp", server.url)
        pool_id = idp.create_user_pool(PoolName="sms", AutoVerifiedAttributes=["phone_number"])[
            "UserPool"
        ]["Id"]
        client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="a")[
            "UserPoolClient"
        ]["ClientId"]
        answer = idp.sign_up(
            ClientId=client_id,
            Username="texter",
            Password=PASSWORD,
            UserAttributes=[{"Name": "phone_number", "Value": "+15555550123"}],
        )
        assert answer["CodeDeliveryDetails"] == {
            "Destination": "+*******0123",
            "DeliveryMedium": "SMS",
            "AttributeName": "phone_number",
        }
        assert len(received) == 1
        sms = received[0]
        assert sms["to"] == "+15555550123" and sms["user_pool_id"] == pool_id
        assert str(sms["signature"]).startswith("sha256=")
        code = re.findall(r"\d{6}", sms["body"])[-1]
        idp.confirm_sign_up(ClientId=client_id, Username="texter", ConfirmationCode=code)
        user = idp.admin_get_user(UserPoolId=pool_id, Username="texter")
        verified = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
        assert verified["phone_number_verified"] == "true"
    finally:
        server.stop()


def test_a_failed_delivery_keeps_the_user_and_a_resend_works_later(tmp_path: Path) -> None:
    dead_smtp = f"smtp://127.0.0.1:{free_port()}"
    server = ServerProcess(data_dir=tmp_path / "data", extra_env={"COGNITIO_SMTP_URL": dead_smtp})
    mailbox = Mailbox(free_port())
    mailbox.start()
    try:
        server.start()
        idp = client("cognito-idp", server.url)
        pool_id = idp.create_user_pool(PoolName="flaky", AutoVerifiedAttributes=["email"])[
            "UserPool"
        ]["Id"]
        client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="a")[
            "UserPoolClient"
        ]["ClientId"]
        with pytest.raises(idp.exceptions.CodeDeliveryFailureException):
            idp.sign_up(
                ClientId=client_id,
                Username="patient",
                Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": "patient@example.com"}],
            )
        assert idp.admin_get_user(UserPoolId=pool_id, Username="patient")["UserStatus"] == (
            "UNCONFIRMED"
        )
        server.stop()
        server.extra_env["COGNITIO_SMTP_URL"] = mailbox.url
        server.start()
        idp.resend_confirmation_code(ClientId=client_id, Username="patient")
        idp.confirm_sign_up(
            ClientId=client_id,
            Username="patient",
            ConfirmationCode=mailbox.last_code("patient@example.com"),
        )
        assert idp.admin_get_user(UserPoolId=pool_id, Username="patient")["UserStatus"] == (
            "CONFIRMED"
        )
    finally:
        server.stop()
        mailbox.stop()


def test_no_transport_outside_dev_mode_is_a_delivery_failure(tmp_path: Path) -> None:
    server = ServerProcess(data_dir=tmp_path / "data")
    try:
        server.start()
        idp = client("cognito-idp", server.url)
        pool_id = idp.create_user_pool(PoolName="mute")["UserPool"]["Id"]
        with pytest.raises(idp.exceptions.CodeDeliveryFailureException, match="email"):
            idp.admin_create_user(
                UserPoolId=pool_id,
                Username="invitee",
                UserAttributes=[{"Name": "email", "Value": "invitee@example.com"}],
                DesiredDeliveryMediums=["EMAIL"],
            )
        user = idp.admin_get_user(UserPoolId=pool_id, Username="invitee")
        assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"
        # Nor is there an outbox to read the invitation from: its pages are dev mode's alone.
        for page in ("/_dev/outbox", "/_dev/outbox.html"):
            with pytest.raises(urllib.error.HTTPError) as missing:
                urllib.request.urlopen(f"{server.url}{page}", timeout=5)
            assert missing.value.code == 404
            missing.value.close()
    finally:
        server.stop()

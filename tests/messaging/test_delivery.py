"""The Messenger: development capture, transports, failures and what reaches the log."""

from __future__ import annotations

import asyncio
import logging

import pytest

from cognitio.messaging.delivery import DEFAULT_SENDER, Messenger, mask_destination
from cognitio.messaging.email import SmtpSender
from cognitio.messaging.messages import DeliveryError, OutgoingMessage
from cognitio.messaging.outbox import Outbox
from cognitio.messaging.sms import WebhookSmsProvider
from tests.messaging.conftest import SMTP_PASSWORD, SMTP_USER, StartSmtp, WebhookServer

CODE = "918273"
EMAIL = OutgoingMessage(
    channel="email",
    to="jane.doe@example.com",
    subject="Your verification code",
    body=f"Your verification code is {CODE}. ",
    user_pool_id="us-east-1_Abc123",
)
SMS = OutgoingMessage(
    channel="sms",
    to="+15555551234",
    subject=None,
    body=f"Your verification code is {CODE}. ",
    user_pool_id="us-east-1_Abc123",
)


class RecordingEmail:
    def __init__(self) -> None:
        self.sent: list[tuple[OutgoingMessage, str]] = []

    async def send(self, message: OutgoingMessage, default_sender: str) -> None:
        self.sent.append((message, default_sender))


class RecordingSms:
    def __init__(self) -> None:
        self.sent: list[OutgoingMessage] = []

    async def send(self, message: OutgoingMessage) -> None:
        self.sent.append(message)


class BrokenSms:
    """A provider whose error quotes the message, as a careless one might."""

    async def send(self, message: OutgoingMessage) -> None:
        raise RuntimeError(f"could not send {message.body!r}")


# -- masking -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("jane.doe@example.com", "j***@example.com"),
        ("j@example.com", "j***@example.com"),
        ("@example.com", "***@example.com"),
        ("+15555551234", "+*******1234"),
        ("+4915112345678", "+*********5678"),
        ("+123", "+***"),
        ("", ""),
    ],
)
def test_mask_destination_keeps_only_a_hint(address: str, masked: str) -> None:
    assert mask_destination(address) == masked


# -- outside development -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (EMAIL, "no email transport configured (set COGNITIO_SMTP_URL)"),
        (SMS, "no SMS transport configured (set COGNITIO_SMS_WEBHOOK_URL)"),
    ],
)
def test_without_a_transport_delivery_fails(message: OutgoingMessage, reason: str) -> None:
    messenger = Messenger(smtp=None, sms=None)

    with pytest.raises(DeliveryError) as caught:
        asyncio.run(messenger.deliver(message))
    assert str(caught.value) == reason


def test_each_channel_goes_to_its_transport() -> None:
    email, sms = RecordingEmail(), RecordingSms()
    messenger = Messenger(smtp=email, sms=sms, default_sender="auth@example.org")

    asyncio.run(messenger.deliver(EMAIL))
    asyncio.run(messenger.deliver(SMS))

    assert email.sent == [(EMAIL, "auth@example.org")]
    assert sms.sent == [SMS]


def test_transport_failure_is_passed_on() -> None:
    class Refusing:
        async def send(self, message: OutgoingMessage, default_sender: str) -> None:
            raise DeliveryError("SMTP server mail.example.com:25 refused: 550 no")

    messenger = Messenger(smtp=Refusing(), sms=None)

    with pytest.raises(DeliveryError, match="refused: 550"):
        asyncio.run(messenger.deliver(EMAIL))


def test_unexpected_provider_error_becomes_a_delivery_error_without_the_body() -> None:
    messenger = Messenger(smtp=None, sms=BrokenSms())

    with pytest.raises(DeliveryError) as caught:
        asyncio.run(messenger.deliver(SMS))
    assert str(caught.value) == "sms transport raised RuntimeError"
    assert isinstance(caught.value.__cause__, RuntimeError)


# -- development ---------------------------------------------------------------------------------


def test_in_development_the_outbox_is_enough() -> None:
    outbox = Outbox()
    messenger = Messenger(smtp=None, sms=None, outbox=outbox)

    asyncio.run(messenger.deliver(EMAIL))
    asyncio.run(messenger.deliver(SMS))

    assert [(m["channel"], m["to"], m["body"]) for m in outbox.list()] == [
        ("email", "jane.doe@example.com", EMAIL.body),
        ("sms", "+15555551234", SMS.body),
    ]


def test_in_development_a_configured_transport_still_sends() -> None:
    outbox, sms = Outbox(), RecordingSms()
    messenger = Messenger(smtp=None, sms=sms, outbox=outbox, echo=True)

    asyncio.run(messenger.deliver(SMS))

    assert sms.sent == [SMS]
    assert len(outbox) == 1


def test_in_development_a_failed_send_is_still_in_the_outbox() -> None:
    outbox = Outbox()
    messenger = Messenger(smtp=None, sms=BrokenSms(), outbox=outbox)

    with pytest.raises(DeliveryError):
        asyncio.run(messenger.deliver(SMS))
    assert [m["body"] for m in outbox.list()] == [SMS.body]


def test_echo_prints_the_message(capsys: pytest.CaptureFixture[str]) -> None:
    messenger = Messenger(smtp=None, sms=None, echo=True)

    asyncio.run(messenger.deliver(EMAIL))

    printed = capsys.readouterr().out
    assert "email to jane.doe@example.com (user pool us-east-1_Abc123)" in printed
    assert "Subject: Your verification code" in printed
    assert f"Your verification code is {CODE}." in printed


def test_without_echo_nothing_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    messenger = Messenger(smtp=None, sms=None, outbox=Outbox())

    asyncio.run(messenger.deliver(SMS))

    assert capsys.readouterr().out == ""


def test_messenger_delivers_through_real_smtp(smtp_server: StartSmtp) -> None:
    server = smtp_server("plain")
    messenger = Messenger(
        smtp=SmtpSender(f"smtp://127.0.0.1:{server.port}"), sms=None, default_sender=DEFAULT_SENDER
    )

    asyncio.run(messenger.deliver(EMAIL))

    [envelope] = server.mailbox.envelopes
    assert envelope.mail_from == "no-reply@cognitio.local"
    assert envelope.rcpt_tos == ["jane.doe@example.com"]


# -- the log -------------------------------------------------------------------------------------


def product_log(caplog: pytest.LogCaptureFixture) -> str:
    """Every record this process wrote, formatted with tracebacks, except the test SMTP server's."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(
        formatter.format(record) for record in caplog.records if record.name != "mail.log"
    )


def test_log_names_channel_and_masked_destination_only(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    messenger = Messenger(smtp=RecordingEmail(), sms=RecordingSms())

    asyncio.run(messenger.deliver(EMAIL))
    asyncio.run(messenger.deliver(SMS))

    log = product_log(caplog)
    assert "email to j***@example.com sent" in log
    assert "sms to +*******1234 sent" in log
    assert CODE not in log
    assert "jane.doe@example.com" not in log and "+15555551234" not in log


def test_log_never_holds_the_body_or_the_smtp_password(
    caplog: pytest.LogCaptureFixture, smtp_server: StartSmtp, webhook_server: WebhookServer
) -> None:
    caplog.set_level(logging.DEBUG)
    server = smtp_server("starttls")
    good = f"smtp+starttls://{SMTP_USER}:s3cret%3Ap%40ss%2Fword@127.0.0.1:{server.port}"
    wrong = f"smtp+starttls://{SMTP_USER}:{CODE}-wrong@127.0.0.1:{server.port}"
    sms = WebhookSmsProvider(webhook_server.url, secret="hook-secret")
    outbox = Outbox()

    asyncio.run(
        Messenger(smtp=SmtpSender(good, verify=False), sms=sms, outbox=outbox).deliver(EMAIL)
    )
    asyncio.run(Messenger(smtp=None, sms=sms).deliver(SMS))
    with pytest.raises(DeliveryError):
        asyncio.run(Messenger(smtp=SmtpSender(wrong, verify=False), sms=None).deliver(EMAIL))
    webhook_server.status = 500
    with pytest.raises(DeliveryError):
        asyncio.run(Messenger(smtp=None, sms=sms, outbox=outbox).deliver(SMS))
    with pytest.raises(DeliveryError):
        asyncio.run(Messenger(smtp=None, sms=BrokenSms()).deliver(SMS))

    assert len(server.mailbox.envelopes) == 1
    log = product_log(caplog)
    assert "email to j***@example.com not sent: SMTP server" in log
    assert "sms to +*******1234 not sent: SMS webhook answered HTTP 500" in log
    for secret in (CODE, SMTP_PASSWORD, "s3cret", "hook-secret", EMAIL.body.strip()):
        assert secret not in log

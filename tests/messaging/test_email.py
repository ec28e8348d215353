"""SmtpSender against a real SMTP server, and the SMTP URL rules."""

from __future__ import annotations

import asyncio
import email
import email.policy
import logging
from email.message import EmailMessage
from email.utils import parsedate_to_datetime

import pytest

from cognitio.messaging.email import SmtpSender, SmtpTarget, build_email, parse_smtp_url
from cognitio.messaging.messages import DeliveryError, OutgoingMessage
from tests.messaging.conftest import SMTP_PASSWORD, SMTP_USER, StartSmtp, free_port

DEFAULT_SENDER = "no-reply@cognitio.local"


def verification_email(**changes: str | None) -> OutgoingMessage:
    fields: dict[str, str | None] = {
        "to": "jane@example.com",
        "subject": "Your verification code",
        "body": "Your verification code is 123456. ",
        "sender": None,
    }
    fields.update(changes)
    return OutgoingMessage(
        channel="email",
        to=fields["to"] or "",
        subject=fields["subject"],
        body=fields["body"] or "",
        user_pool_id="us-east-1_Abc123",
        sender=fields["sender"],
    )


def received(server_mail: bytes | str | None) -> EmailMessage:
    assert isinstance(server_mail, bytes)
    parsed = email.message_from_bytes(server_mail, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def text_of(mail: EmailMessage) -> str:
    """The body as written, without the wire's CRLF line ends."""
    content = mail.get_content()
    assert isinstance(content, str)
    return content.replace("\r\n", "\n")


def url(security: str, port: int, credentials: bool = False) -> str:
    scheme = {"plain": "smtp", "starttls": "smtp+starttls", "tls": "smtps"}[security]
    # The password holds ':', '@' and '/', so it has to be percent-encoded.
    userinfo = f"{SMTP_USER}:s3cret%3Ap%40ss%2Fword@" if credentials else ""
    return f"{scheme}://{userinfo}127.0.0.1:{port}"


# -- URL parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("smtp://mail.example.com", SmtpTarget("plain", "mail.example.com", 25)),
        ("smtp+starttls://mail.example.com", SmtpTarget("starttls", "mail.example.com", 587)),
        ("smtps://mail.example.com", SmtpTarget("tls", "mail.example.com", 465)),
        ("smtp://mail.example.com:2525", SmtpTarget("plain", "mail.example.com", 2525)),
        ("SMTP://Mail.Example.com/", SmtpTarget("plain", "mail.example.com", 25)),
        ("smtp://[::1]:1025", SmtpTarget("plain", "::1", 1025)),
        (
            "smtps://me%40example.com:p%3Ass%2Fw%40rd@mail.example.com:4650",
            SmtpTarget("tls", "mail.example.com", 4650, "me@example.com", "p:ss/w@rd"),
        ),
        (
            "smtp+starttls://apikey:@smtp.example.net",
            SmtpTarget("starttls", "smtp.example.net", 587, "apikey", ""),
        ),
    ],
)
def test_parse_smtp_url_reads_security_host_port_and_credentials(
    text: str, expected: SmtpTarget
) -> None:
    target = parse_smtp_url(text)
    assert target == expected
    assert target.password == expected.password


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "unsupported scheme ''"),
        ("http://mail.example.com", "unsupported scheme 'http'"),
        ("mail.example.com:25", "unsupported scheme"),
        ("smtp://", "names no host"),
        ("smtp://mail.example.com:0", "port must be a number from 1 to 65535"),
        ("smtp://mail.example.com:99999", "port must be a number from 1 to 65535"),
        ("smtp://mail.example.com:twenty-five", "port must be a number from 1 to 65535"),
        ("smtp://mail.example.com/outbound", "no path, query or fragment"),
        ("smtp://mail.example.com?tls=1", "no path, query or fragment"),
        ("smtp://mailer@mail.example.com", "both a user name and a password"),
        ("smtp://:hunter2@mail.example.com", "both a user name and a password"),
        ("smtp://[::1", "not a valid URL"),
    ],
)
def test_parse_smtp_url_rejects_bad_urls_with_one_line(text: str, reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_smtp_url(text)
    assert reason in str(caught.value)
    assert "\n" not in str(caught.value)


def test_errors_and_reprs_never_show_the_smtp_password() -> None:
    with pytest.raises(ValueError) as caught:
        parse_smtp_url("smtp+starttls://mailer:hunter2@mail.example.com:port")
    assert "hunter2" not in str(caught.value)
    sender = SmtpSender("smtps://mailer:hunter2@mail.example.com")
    for text in (repr(sender), repr(sender.target), sender.target.display_url):
        assert "hunter2" not in text
    assert sender.target.display_url == "smtps://mailer:***@mail.example.com:465"


def test_credentials_over_plain_smtp_are_warned_about(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="cognitio.messaging"):
        SmtpSender("smtp://mailer:hunter2@mail.example.com")
    assert "without TLS" in caplog.text
    assert "hunter2" not in caplog.text


# -- the message ---------------------------------------------------------------------------------


def test_built_email_has_the_headers_a_mail_server_expects() -> None:
    message = verification_email(
        subject="Bestätigung\r\nBcc: victim@example.com", body="Ihr Code lautet 123456. ✓"
    )
    mail = build_email(message, "Cognitio <no-reply@auth.example.org>")
    assert mail["From"] == "Cognitio <no-reply@auth.example.org>"
    assert mail["To"] == "jane@example.com"
    assert mail["Subject"] == "Bestätigung Bcc: victim@example.com"
    assert mail["Bcc"] is None
    assert parsedate_to_datetime(mail["Date"]).tzinfo is not None
    assert mail["Message-ID"].endswith("@auth.example.org>")
    assert mail.get_content_charset() == "utf-8"
    assert mail.get_content() == "Ihr Code lautet 123456. ✓\n"


def test_pool_sender_and_reply_to_replace_the_default() -> None:
    message = OutgoingMessage(
        channel="email",
        to="jane@example.com",
        subject="s",
        body="b",
        user_pool_id="us-east-1_Abc123",
        sender="Example <hello@example.com>",
        reply_to="support@example.com",
    )
    mail = build_email(message, DEFAULT_SENDER)
    assert mail["From"] == "Example <hello@example.com>"
    assert mail["Reply-To"] == "support@example.com"


# -- delivery to a real server ---------------------------------------------------------------------


def test_plain_smtp_delivers_the_message(smtp_server: StartSmtp) -> None:
    server = smtp_server("plain")
    sender = SmtpSender(url("plain", server.port), local_hostname="cognitio.test")

    asyncio.run(sender.send(verification_email(), DEFAULT_SENDER))

    [envelope] = server.mailbox.envelopes
    assert envelope.mail_from == DEFAULT_SENDER
    assert envelope.rcpt_tos == ["jane@example.com"]
    mail = received(envelope.content)
    assert mail["Subject"] == "Your verification code"
    assert mail["From"] == DEFAULT_SENDER
    assert text_of(mail) == "Your verification code is 123456. \n"


def test_starttls_with_login_delivers_the_message(smtp_server: StartSmtp) -> None:
    server = smtp_server("starttls")
    sender = SmtpSender(url("starttls", server.port, credentials=True), verify=False)

    asyncio.run(sender.send(verification_email(sender="hello@example.com"), DEFAULT_SENDER))

    [envelope] = server.mailbox.envelopes
    assert envelope.mail_from == "hello@example.com"
    assert text_of(received(envelope.content)) == "Your verification code is 123456. \n"


def test_implicit_tls_with_login_delivers_the_message(smtp_server: StartSmtp) -> None:
    server = smtp_server("tls")
    sender = SmtpSender(url("tls", server.port, credentials=True), verify=False)

    asyncio.run(sender.send(verification_email(), DEFAULT_SENDER))

    assert [e.rcpt_tos for e in server.mailbox.envelopes] == [["jane@example.com"]]


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_untrusted_certificate_is_refused_by_default(smtp_server: StartSmtp, security: str) -> None:
    server = smtp_server(security)
    sender = SmtpSender(url(security, server.port, credentials=True))

    with pytest.raises(DeliveryError, match="certificate not trusted"):
        asyncio.run(sender.send(verification_email(), DEFAULT_SENDER))
    assert server.mailbox.envelopes == []


def test_wrong_password_is_a_delivery_error_that_hides_it(smtp_server: StartSmtp) -> None:
    server = smtp_server("starttls")
    sender = SmtpSender(
        f"smtp+starttls://{SMTP_USER}:wrong-password@127.0.0.1:{server.port}", verify=False
    )

    with pytest.raises(DeliveryError, match="refused: 535") as caught:
        asyncio.run(sender.send(verification_email(), DEFAULT_SENDER))
    assert "wrong-password" not in str(caught.value)
    assert SMTP_PASSWORD not in str(caught.value)
    assert server.mailbox.envelopes == []


def test_starttls_required_but_not_offered_is_a_delivery_error(smtp_server: StartSmtp) -> None:
    server = smtp_server("plain")
    sender = SmtpSender(url("starttls", server.port), verify=False)

    with pytest.raises(DeliveryError, match="STARTTLS"):
        asyncio.run(sender.send(verification_email(), DEFAULT_SENDER))
    assert server.mailbox.envelopes == []


def test_unreachable_server_is_a_delivery_error() -> None:
    sender = SmtpSender(f"smtp://127.0.0.1:{free_port()}", timeout=5)

    with pytest.raises(DeliveryError, match="failed"):
        asyncio.run(sender.send(verification_email(), DEFAULT_SENDER))


def test_header_injection_in_the_recipient_is_refused() -> None:
    sender = SmtpSender(f"smtp://127.0.0.1:{free_port()}")

    with pytest.raises(DeliveryError, match="invalid address"):
        asyncio.run(
            sender.send(verification_email(to="a@example.com\r\nBcc: b@example.com"), "x@y.z")
        )


@pytest.mark.parametrize("to", ["x,victim@ex.com", "Jane <jane@example.com>", "a<b>c@d.com"])
def test_the_envelope_never_takes_recipients_from_the_to_header(
    smtp_server: StartSmtp, to: str
) -> None:
    """Security review #21: a value that parses as a list or a display name is not sent."""
    server = smtp_server("plain")
    sender = SmtpSender(url("plain", server.port))

    with pytest.raises(DeliveryError, match="invalid address"):
        asyncio.run(sender.send(verification_email(to=to), DEFAULT_SENDER))
    assert server.mailbox.envelopes == []


def test_the_envelope_has_exactly_the_one_recipient(smtp_server: StartSmtp) -> None:
    """Security review #21: the SMTP recipients are given explicitly, one address."""
    server = smtp_server("plain")
    sender = SmtpSender(url("plain", server.port))

    asyncio.run(sender.send(verification_email(to="jane.doe+tag@example.com"), DEFAULT_SENDER))

    [envelope] = server.mailbox.envelopes
    assert envelope.rcpt_tos == ["jane.doe+tag@example.com"]

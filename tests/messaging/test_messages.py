"""Templates, Cognito's default texts and the pool's sender address."""

from __future__ import annotations

import dataclasses

import pytest

from cognitio.messaging.messages import (
    DEFAULT_EMAIL_VERIFICATION_MESSAGE,
    DEFAULT_EMAIL_VERIFICATION_SUBJECT,
    DEFAULT_INVITATION_EMAIL_MESSAGE,
    DEFAULT_INVITATION_EMAIL_SUBJECT,
    DEFAULT_INVITATION_SMS_MESSAGE,
    DEFAULT_SMS_AUTHENTICATION_MESSAGE,
    DEFAULT_SMS_VERIFICATION_MESSAGE,
    OutgoingMessage,
    render,
    sender_from_email_configuration,
)


def test_defaults_are_cognitos_texts() -> None:
    """As DescribeUserPool shows them for a pool created without message settings."""
    assert DEFAULT_EMAIL_VERIFICATION_SUBJECT == "Your verification code"
    assert DEFAULT_EMAIL_VERIFICATION_MESSAGE == "Your verification code is {####}. "
    assert DEFAULT_SMS_VERIFICATION_MESSAGE == "Your verification code is {####}. "
    assert DEFAULT_SMS_AUTHENTICATION_MESSAGE == "Your authentication code is {####}. "
    assert DEFAULT_INVITATION_EMAIL_SUBJECT == "Your temporary password"
    invitation = "Your username is {username} and temporary password is {####}. "
    assert invitation == DEFAULT_INVITATION_EMAIL_MESSAGE
    assert invitation == DEFAULT_INVITATION_SMS_MESSAGE


def test_render_fills_the_code() -> None:
    assert render(DEFAULT_EMAIL_VERIFICATION_MESSAGE, code="123456", username=None) == (
        "Your verification code is 123456. "
    )


def test_render_fills_username_and_temporary_password() -> None:
    text = render(DEFAULT_INVITATION_EMAIL_MESSAGE, code="Tmp#Pass1", username="jane")
    assert text == "Your username is jane and temporary password is Tmp#Pass1. "


def test_render_replaces_every_occurrence() -> None:
    assert render("{####}-{####} {username}{username}", code="1", username="u") == "1-1 uu"


def test_placeholder_without_a_value_stays_as_written() -> None:
    """Cognito only fills {username} in invitations; elsewhere it is plain text."""
    text = render("Hi {username}, code {####}", code="42", username=None)
    assert text == "Hi {username}, code 42"


def test_values_are_not_rendered_again() -> None:
    assert render("{username}: {####}", code="{username}", username="{####}") == (
        "{####}: {username}"
    )


def test_outgoing_message_is_immutable() -> None:
    message = OutgoingMessage("sms", "+15555550123", None, "hi", "us-east-1_Abc123")
    assert message.sender is None and message.reply_to is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        message.body = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("configuration", "sender"),
    [
        (None, None),
        ({}, None),
        ({"EmailSendingAccount": "COGNITO_DEFAULT"}, None),
        ({"From": "Example <hello@example.com>"}, "Example <hello@example.com>"),
        (
            {
                "EmailSendingAccount": "DEVELOPER",
                "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/hello@example.com",
            },
            "hello@example.com",
        ),
        (
            {
                "From": "Support <support@example.com>",
                "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/hello@example.com",
            },
            "Support <support@example.com>",
        ),
        ({"SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/example.com"}, None),
    ],
)
def test_sender_comes_from_the_pools_email_configuration(
    configuration: dict[str, str] | None, sender: str | None
) -> None:
    assert sender_from_email_configuration(configuration) == sender

"""What a user pool sends: the message itself, its templates and Cognito's default texts.

Placeholders are Cognito's: ``{####}`` for the code or temporary password and ``{username}`` for
the user name in AdminCreateUser invitations. The defaults are what DescribeUserPool shows for a
pool created without message settings. See "Customizing email verification messages" and
"Customizing user invitation messages" in the Amazon Cognito Developer Guide:
https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings-message-customizations.html
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from cognitio.documents import JsonValue

Channel = Literal["email", "sms"]

CODE_PLACEHOLDER = "{####}"
USERNAME_PLACEHOLDER = "{username}"

DEFAULT_EMAIL_VERIFICATION_SUBJECT = "Your verification code"
DEFAULT_EMAIL_VERIFICATION_MESSAGE = "Your verification code is {####}. "
DEFAULT_SMS_VERIFICATION_MESSAGE = "Your verification code is {####}. "
DEFAULT_SMS_AUTHENTICATION_MESSAGE = "Your authentication code is {####}. "
DEFAULT_INVITATION_EMAIL_SUBJECT = "Your temporary password"
DEFAULT_INVITATION_EMAIL_MESSAGE = "Your username is {username} and temporary password is {####}. "
DEFAULT_INVITATION_SMS_MESSAGE = "Your username is {username} and temporary password is {####}. "

_PLACEHOLDER = re.compile(r"\{####\}|\{username\}")


class DeliveryError(Exception):
    """A message could not be handed to its transport; the text names no secret and no body."""


@dataclass(frozen=True)
class Wording:
    """Which of Cognito's messages this is and what its placeholders stood for, so a
    CustomMessage function can word it anew (``source`` is its triggerSource)."""

    source: str
    code: str
    username: str | None = None


@dataclass(frozen=True)
class OutgoingMessage:
    """One email or SMS, rendered and addressed, ready for a transport."""

    channel: Channel
    to: str
    # Email only; None for SMS.
    subject: str | None
    body: str
    user_pool_id: str
    # The email From header; None means the server's default sender.
    sender: str | None = None
    # The email Reply-To header, from the pool's EmailConfiguration.ReplyToEmailAddress.
    reply_to: str | None = None
    wording: Wording | None = None


def render(template: str, *, code: str | None, username: str | None) -> str:
    """Fill Cognito's placeholders; one given as None stays as written.

    Both are replaced in a single pass, so a user name that contains ``{####}`` is not then
    replaced by the code.
    """
    values = {CODE_PLACEHOLDER: code, USERNAME_PLACEHOLDER: username}

    def substitute(match: re.Match[str]) -> str:
        value = values[match.group(0)]
        return match.group(0) if value is None else value

    return _PLACEHOLDER.sub(substitute, template)


def sender_from_email_configuration(configuration: Mapping[str, JsonValue] | None) -> str | None:
    """The From address a pool's EmailConfiguration asks for, or None for the default sender.

    ``From`` wins; otherwise the address of an SES email identity in ``SourceArn``
    (``arn:aws:ses:REGION:ACCOUNT:identity/NAME@DOMAIN``). A domain identity names no address.
    """
    if not configuration:
        return None
    given = configuration.get("From")
    if isinstance(given, str) and given.strip():
        return given.strip()
    arn = configuration.get("SourceArn")
    if isinstance(arn, str):
        identity = arn.rpartition(":identity/")[2] if ":identity/" in arn else ""
        if "@" in identity:
            return identity
    return None

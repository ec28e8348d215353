"""Delivery of the email and SMS a user pool sends: codes, invitations, password resets.

``messages`` holds the message and Cognito's templates, ``email`` and ``sms`` the transports,
``outbox`` the development outbox, and ``delivery`` the Messenger that composes them.
"""

from cognitio.messaging.delivery import DEFAULT_SENDER, Messenger, mask_destination
from cognitio.messaging.email import SmtpSender, SmtpTarget, parse_smtp_url
from cognitio.messaging.messages import DeliveryError, OutgoingMessage, render
from cognitio.messaging.outbox import Outbox
from cognitio.messaging.sms import SmsProvider, WebhookSmsProvider

__all__ = [
    "DEFAULT_SENDER",
    "DeliveryError",
    "Messenger",
    "Outbox",
    "OutgoingMessage",
    "SmsProvider",
    "SmtpSender",
    "SmtpTarget",
    "WebhookSmsProvider",
    "mask_destination",
    "parse_smtp_url",
    "render",
]

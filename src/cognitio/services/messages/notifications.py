"""Which message a user gets, where it goes, and how Cognito shows the destination.

Verification codes (sign-up, resend, forgot password, attribute verification) use the pool's
VerificationMessageTemplate (or the legacy Email/Sms verification fields it mirrors);
invitations use AdminCreateUserConfig.InviteMessageTemplate. Cognito prefers SMS to email when a
user can get both, unless the pool's AccountRecoverySetting says otherwise for password resets.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cognitio.messaging.messages import (
    DEFAULT_EMAIL_VERIFICATION_MESSAGE,
    DEFAULT_EMAIL_VERIFICATION_SUBJECT,
    DEFAULT_INVITATION_EMAIL_MESSAGE,
    DEFAULT_INVITATION_EMAIL_SUBJECT,
    DEFAULT_INVITATION_SMS_MESSAGE,
    DEFAULT_SMS_VERIFICATION_MESSAGE,
    OutgoingMessage,
    Wording,
    render,
)
from cognitio.services.pools.settings import PoolSettings

_MEDIUM = {"email": "EMAIL", "phone_number": "SMS"}
_CHANNEL = {"email": "email", "phone_number": "sms"}


@dataclass(frozen=True, slots=True)
class Destination:
    attribute: str  # "email" | "phone_number"
    address: str

    def details(self) -> dict[str, str]:
        """Cognito's CodeDeliveryDetails for this destination."""
        return {
            "Destination": mask(self.attribute, self.address),
            "DeliveryMedium": _MEDIUM[self.attribute],
            "AttributeName": self.attribute,
        }


def mask(attribute: str, address: str) -> str:
    """Cognito's masked destination: ``j***@e***`` for email, ``+*******1234`` for phones."""
    if attribute == "email":
        local, _, domain = address.partition("@")
        return f"{local[:1]}***@{domain[:1]}***"
    return address[:1] + "*" * max(len(address) - 5, 0) + address[-4:]


def sign_up_destination(pool: PoolSettings, attributes: Mapping[str, str]) -> Destination | None:
    """Where a sign-up code goes: an auto-verified attribute the user has, SMS first."""
    auto = pool.auto_verified_attributes
    for attribute in ("phone_number", "email"):
        if attribute in auto and attributes.get(attribute):
            return Destination(attribute, attributes[attribute])
    return None


def recovery_destination(pool: PoolSettings, attributes: Mapping[str, str]) -> Destination | None:
    """Where a password-reset code goes: a verified contact, in the pool's recovery order."""
    if pool.recovery_mechanisms:
        order = [
            name.removeprefix("verified_")
            for name in pool.recovery_mechanisms
            if name != "admin_only"
        ]
    else:
        order = ["phone_number", "email"]
    for attribute in order:
        if attributes.get(attribute) and attributes.get(f"{attribute}_verified") == "true":
            return Destination(attribute, attributes[attribute])
    return None


def verification_message(
    pool_id: str, pool: PoolSettings, destination: Destination, code: str, source: str
) -> OutgoingMessage:
    """A message carrying a verification or reset code; ``source`` is its CustomMessage
    triggerSource (CustomMessage_SignUp, CustomMessage_ForgotPassword, ...)."""
    template = pool.verification_message
    subject: str | None
    if destination.attribute == "email":
        body = template.email_message or DEFAULT_EMAIL_VERIFICATION_MESSAGE
        subject = template.email_subject or DEFAULT_EMAIL_VERIFICATION_SUBJECT
    else:
        body, subject = template.sms_message or DEFAULT_SMS_VERIFICATION_MESSAGE, None
    text = render(body, code=code, username=None)
    return _message(pool_id, pool, destination, subject, text, Wording(source, code))


def invitation_message(
    pool_id: str, pool: PoolSettings, destination: Destination, username: str, password: str
) -> OutgoingMessage:
    """AdminCreateUser's invitation with the temporary password."""
    template = pool.invite_message
    subject: str | None
    if destination.attribute == "email":
        body = template.email_message or DEFAULT_INVITATION_EMAIL_MESSAGE
        subject = template.email_subject or DEFAULT_INVITATION_EMAIL_SUBJECT
    else:
        body, subject = template.sms_message or DEFAULT_INVITATION_SMS_MESSAGE, None
    text = render(body, code=password, username=username)
    wording = Wording("CustomMessage_AdminCreateUser", password, username)
    return _message(pool_id, pool, destination, subject, text, wording)


def _message(
    pool_id: str,
    pool: PoolSettings,
    destination: Destination,
    subject: str | None,
    body: str,
    wording: Wording,
) -> OutgoingMessage:
    return OutgoingMessage(
        channel="email" if destination.attribute == "email" else "sms",
        to=destination.address,
        subject=subject,
        body=body,
        user_pool_id=pool_id,
        sender=pool.email_sender,
        reply_to=pool.reply_to_email,
        wording=wording,
    )

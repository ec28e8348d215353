"""Every challenge RespondToAuthChallenge answers, each described once.

A :class:`Challenge` names the function that answers it and says what the engine and the hosted
pages need to know about it: where its state comes back (a Session, or the SECRET_BLOCK of the
SRP verifiers), whether a client may answer it without a Session (pycognito's DEVICE_SRP_AUTH),
which form fields of the hosted pages answer it, and how a hosted page asks for it. Neither the
engine nor the pages keep lists of challenge names of their own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from cognitio.services.mfa.mfa import EMAIL, SMS, TOTP
from cognitio.services.mfa.passkeys import WEB_AUTHN
from cognitio.services.signin.auth_sessions import AuthSession
from cognitio.services.signin.completion import DEVICE_SRP_AUTH, NEW_PASSWORD_REQUIRED
from cognitio.services.signin.context import FlowContext
from cognitio.services.signin.custom_auth import CUSTOM_CHALLENGE, answer_custom_challenge
from cognitio.services.signin.device_srp import (
    DEVICE_PASSWORD_VERIFIER,
    answer_device_password,
    answer_device_srp,
)
from cognitio.services.signin.mfa_challenges import (
    answer_code,
    answer_select,
    mfa_setup,
    software_token,
)
from cognitio.services.signin.mfa_step import MFA_SETUP, SELECT, SMS_OTP
from cognitio.services.signin.new_password import new_password
from cognitio.services.signin.password_verifier import check_device_first, verify_password_claim
from cognitio.services.signin.request import AuthRequest, Step
from cognitio.services.signin.srp_flow import CHALLENGE as PASSWORD_VERIFIER
from cognitio.services.signin.user_auth import SELECT_CHALLENGE, answer_web_authn
from cognitio.services.signin.user_auth import answer_select as answer_select_challenge

Answer = Callable[[FlowContext, AuthRequest, AuthSession], Awaitable[Step]]
Precheck = Callable[[FlowContext, AuthRequest, str], Awaitable[None]]
# The page a hosted sign-in shows for a challenge: a form of fields, the software-token setup
# (a QR code), the browser's passkey prompt; None: not a step of the hosted pages.
Page = Literal["form", "setup", "passkey"]


@dataclass(frozen=True)
class FormField:
    """A field of a hosted page's form and the ChallengeResponses member it fills."""

    name: str
    member: str
    # Codes are typed, and a stray space is not part of one; a password's spaces are its own.
    strip: bool = False


@dataclass(frozen=True)
class Challenge:
    name: str
    answer: Answer
    # The state comes back in PASSWORD_CLAIM_SECRET_BLOCK, not in a Session (srp_spec §4.4).
    session_in_secret_block: bool = False
    # A client may answer without a Session, and without SECRET_HASH (pycognito's device step).
    sessionless: bool = False
    # The hosted pages: which page asks for it, with what fields, heading and hint (the hint's
    # {placeholders} are ChallengeParameters), and its name as an option of SELECT_MFA_TYPE.
    page: Page | None = None
    fields: tuple[FormField, ...] = ()
    heading: str = ""
    hint: str | None = None
    label: str | None = None
    # A check that must fail before the Session is spent, given the Session as sent.
    before_spending: Precheck | None = None


def _code(member: str) -> tuple[FormField, ...]:
    return (FormField("code", member, strip=True),)


_SENT_TO = "It went to {CODE_DELIVERY_DESTINATION}."

CHALLENGES: dict[str, Challenge] = {
    challenge.name: challenge
    for challenge in (
        Challenge(
            TOTP,
            software_token,
            page="form",
            fields=_code("SOFTWARE_TOKEN_MFA_CODE"),
            heading="Enter the code from your authenticator app",
            label="Authenticator app",
        ),
        Challenge(
            SMS,
            answer_code,
            page="form",
            fields=_code("SMS_MFA_CODE"),
            heading="Enter the code we texted you",
            hint=_SENT_TO,
            label="Text message",
        ),
        Challenge(
            EMAIL,
            answer_code,
            page="form",
            fields=_code("EMAIL_OTP_CODE"),
            heading="Enter the code we emailed you",
            hint=_SENT_TO,
            label="Email",
        ),
        Challenge(
            SMS_OTP,
            answer_code,
            page="form",
            fields=_code("SMS_OTP_CODE"),
            heading="Enter the code we texted you",
            hint=_SENT_TO,
        ),
        Challenge(
            SELECT,
            answer_select,
            page="form",
            fields=(FormField("answer", "ANSWER"),),
            heading="Choose how to get your code",
        ),
        Challenge(
            NEW_PASSWORD_REQUIRED,
            new_password,
            page="form",
            fields=(FormField("new_password", "NEW_PASSWORD"),),
            heading="Choose a new password",
            hint="Your temporary password has to go.",
        ),
        Challenge(MFA_SETUP, mfa_setup, page="setup"),
        Challenge(
            WEB_AUTHN,
            answer_web_authn,
            page="passkey",
            fields=(FormField("credential", "CREDENTIAL"),),
        ),
        Challenge(SELECT_CHALLENGE, answer_select_challenge),
        Challenge(CUSTOM_CHALLENGE, answer_custom_challenge),
        Challenge(
            PASSWORD_VERIFIER,
            verify_password_claim,
            session_in_secret_block=True,
            before_spending=check_device_first,
        ),
        Challenge(DEVICE_SRP_AUTH, answer_device_srp, sessionless=True),
        Challenge(DEVICE_PASSWORD_VERIFIER, answer_device_password, session_in_secret_block=True),
    )
}

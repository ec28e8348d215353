"""What an unknown user is shown when the app client hides whether users exist.

With PreventUserExistenceErrors ENABLED, Cognito answers ForgotPassword, ResendConfirmationCode
and the passwordless first factors for a user that does not exist as it would for one that does
(developer guide, "Managing error responses"). The answers here are stable (the same name gets
the same answer every time, as a real user would) and plausible (shaped like a real user's),
derived with an HMAC of the pool and the name under a key of their own, so nothing about them
tells an unknown user from a known one.
"""

from __future__ import annotations

import hmac

from cognitio.services.messages.notifications import Destination
from cognitio.services.pools.settings import PoolSettings

DECOY_KEY_PURPOSE = "decoy-destination"
# Mail domains common enough that a masked ``x***@g***`` says nothing.
_DOMAINS = ("gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "icloud.com", "proton.me")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _digest(key: bytes, pool_id: str, username: str, purpose: str) -> bytes:
    return hmac.digest(key, f"{purpose}:{pool_id}:{username}".encode(), "sha256")


def decoy_destination(key: bytes, pool_id: str, username: str, attribute: str) -> Destination:
    """A made-up address for ``username`` of the kind ``attribute`` names, the same every time.

    An email-shaped username is its own address (what a pool that signs in with email shows).
    Otherwise the address is drawn from the name's digest as real ones fall: it starts as the
    username does about half the time (people's addresses often do), with any letter otherwise,
    at a common mail provider or at some other domain, so that no masked form (``r***@e***``)
    is one a decoy could not show. A phone number is a North American one, the masked form
    showing only its last four digits.
    """
    digest = _digest(key, pool_id, username.lower(), "address")
    if attribute == "phone_number":
        number = int.from_bytes(digest[:8], "big") % 10**10
        return Destination(attribute, f"+1{number:010d}")
    local, at, domain = username.partition("@")
    if at and local and "." in domain:
        return Destination(attribute, username.lower())
    first = username[:1].lower()
    if digest[8] & 1 or not (first.isascii() and first.isalnum()):
        first = _LETTERS[digest[9] % len(_LETTERS)]
    if digest[10] % 10 < 6:
        domain = _DOMAINS[digest[11] % len(_DOMAINS)]
    else:
        domain = f"{_LETTERS[digest[11] % len(_LETTERS)]}{digest[12:14].hex()}.com"
    return Destination(attribute, f"{first}{digest[14:17].hex()}@{domain}")


def decoy_subject(key: bytes, pool_id: str, username: str) -> str:
    """The ``sub`` an unknown user's code messages are counted under, the same every time."""
    return "decoy-" + _digest(key, pool_id, username.lower(), "subject")[:16].hex()


def decoy_has_mfa(key: bytes, pool: PoolSettings, username: str) -> bool:
    """Whether an unknown user acts as one with MFA: never in a pool without MFA; otherwise
    as the name's digest says, so that being offered no passwordless factor (what a user with
    MFA sees) tells nothing about whether the user exists."""
    if pool.mfa_configuration == "OFF":
        return False
    return _digest(key, "", username.lower(), "mfa")[0] & 1 == 1


def decoy_attribute(pool: PoolSettings, *, recovery: bool = False) -> str:
    """Which kind of address a code for an unknown user claims to go to.

    For a reset, the first of the pool's recovery mechanisms (SMS before email when it names
    none); otherwise the address the pool verifies, SMS first, as for sign-up codes.
    """
    auto = pool.auto_verified_attributes
    if recovery and pool.recovery_mechanisms:
        for name in (m.removeprefix("verified_") for m in pool.recovery_mechanisms):
            if name in ("email", "phone_number"):
                return name
    return "phone_number" if "phone_number" in auto else "email"

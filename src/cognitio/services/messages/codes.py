"""One-time codes: six digits from a CSPRNG, stored only as a keyed hash, single use.

Lifetimes from Cognito's developer guide ("Quotas"): a sign-up or attribute verification code
lasts 24 hours, a password-reset code 1 hour. A code survives a few wrong guesses, then must be
requested again.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets

from cognitio.errors import (
    CodeMismatchException,
    CognitoError,
    ExpiredCodeException,
    LimitExceededException,
)
from cognitio.services.common import ids
from cognitio.services.security.rate_limits import RateLimits
from cognitio.store.records import CodeRecord
from cognitio.store.repositories import Transaction

log = logging.getLogger(__name__)

SIGN_UP = "signup"
RESET = "reset"
MFA = "mfa"
# The kind a passwordless sign-in code is counted as (its purpose is MFA, like a second factor).
FIRST_FACTOR = "otp"
HOUR_MS = 3_600_000
# A sign-in's SMS or email code lasts 3 minutes, the shortest MFA code lifetime Cognito states.
LIFETIME_MS = {SIGN_UP: 24 * HOUR_MS, RESET: HOUR_MS, MFA: 3 * 60_000}
VERIFY_LIFETIME_MS = 24 * HOUR_MS
MAX_ATTEMPTS = 5


def is_code(text: str) -> bool:
    """Whether ``text`` can be a code at all: ASCII digits (not ``١٢٣٤٥٦``, which isdigit takes)."""
    return text.isascii() and text.isdigit()


def verify_purpose(attribute: str) -> str:
    return f"verify:{attribute}"


class Codes:
    """Issues and checks codes; the hash key never leaves this object.

    With ``limits``, a code issued for a message (``message_to``) first passes the cooldown and
    the daily cap of its user and its destination (security review #10).
    """

    def __init__(self, key: bytes, limits: RateLimits | None = None) -> None:
        self._key = key
        self._limits = limits

    def _hash(self, sub: str, purpose: str, code: str) -> str:
        message = f"{sub}\x00{purpose}\x00{code}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    async def issue(
        self, tx: Transaction, sub: str, purpose: str, *, pending_value: str | None = None
    ) -> str:
        """A new code for (sub, purpose), replacing any earlier one; returns the plaintext."""
        code = f"{secrets.randbelow(1_000_000):06d}"
        now = ids.now_ms()
        lifetime = LIFETIME_MS.get(purpose, VERIFY_LIFETIME_MS)
        record = CodeRecord(
            sub=sub,
            purpose=purpose,
            code_hash=self._hash(sub, purpose, code),
            expires_ms=now + lifetime,
            attempts=0,
            created_ms=now,
            pending_value=pending_value,
        )
        await tx.users.put_code(record)
        return code

    async def issue_for_message(
        self,
        tx: Transaction,
        sub: str,
        purpose: str,
        to: tuple[str, str],
        *,
        kind: str | None = None,
        pending_value: str | None = None,
    ) -> str | None:
        """:meth:`issue` for a message to ``to`` (pool id, address), which the code-message
        limits count under ``kind`` (by default the purpose's: ``verify:email`` and
        ``verify:phone_number`` are both ``verify``): LimitExceededException past them. None
        when the message is withheld (a destination's daily total of codes anyone may ask
        for): no code is made, the user's earlier one stays good, and nothing is to be sent.
        """
        if not await self.limit_message(tx, sub, kind or purpose.partition(":")[0], *to):
            log.info("a code message was withheld: its destination had its daily total")
            return None
        return await self.issue(tx, sub, purpose, pending_value=pending_value)

    async def limit_message(
        self,
        tx: Transaction | None,
        sub: str,
        kind: str,
        pool_id: str,
        address: str,
        *,
        decoy: bool = False,
    ) -> bool:
        """Count a message carrying a code of ``kind`` against the limits of ``sub`` and
        ``address``: LimitExceededException past them, False if it is to be withheld. Decoys
        of unknown users count too, under a made-up ``sub`` and buckets of their own, so the
        limit tells nobody whether a user exists and touches no real address's count."""
        if self._limits is None:
            return True
        return await self._limits.check_message(tx, sub, kind, pool_id, address, decoy=decoy)

    async def matches(self, tx: Transaction, sub: str, purpose: str, code: str) -> bool:
        """Whether :meth:`consume` would accept the code now; changes nothing.

        For steps that must run before the code is spent (a PostConfirmation function, which
        may refuse and so leave the code usable).
        """
        record = await tx.users.get_code(sub, purpose)
        return (
            record is not None
            and record.attempts < MAX_ATTEMPTS
            and ids.now_ms() <= record.expires_ms
            and is_code(code)
            and hmac.compare_digest(
                record.code_hash.encode(), self._hash(sub, purpose, code).encode()
            )
        )

    async def consume(
        self, tx: Transaction, sub: str, purpose: str, code: str
    ) -> CognitoError | None:
        """Spend the code, or return Cognito's error for a wrong, used-up or old one.

        The error is returned, not raised, so the caller commits the counted attempt first.
        """
        failure, _ = await self.consume_with_value(tx, sub, purpose, code)
        return failure

    async def consume_with_value(
        self, tx: Transaction, sub: str, purpose: str, code: str
    ) -> tuple[CognitoError | None, str | None]:
        """As :meth:`consume`, also giving the pending value the code confirms.

        The attempt is counted first, by a conditional update that refuses a sixth: parallel
        guesses cannot pass the limit, with or without a row lock (security review #24).
        """
        counted = await tx.users.count_code_attempt(sub, purpose, MAX_ATTEMPTS)
        record = await tx.users.get_code(sub, purpose)
        if record is None:
            return _mismatch(), None
        if not counted:
            return LimitExceededException(
                "Attempt limit exceeded, please try after some time."
            ), None
        if ids.now_ms() > record.expires_ms:
            return ExpiredCodeException("Invalid code provided, please request a code again."), None
        expected = record.code_hash.encode()
        given = self._hash(sub, purpose, code).encode() if is_code(code) else b""
        if not hmac.compare_digest(expected, given):
            return _mismatch(), None
        await tx.users.delete_code(sub, purpose)
        return None, record.pending_value


def _mismatch() -> CodeMismatchException:
    return CodeMismatchException("Invalid verification code provided, please try again.")

"""Cognito's lockout after failed sign-in attempts ("Authentication flows", lockout behaviour).

After 5 failed attempts a user is locked out for 1 second, and every further failure doubles
that, to about 15 minutes: after the n-th failure (n >= 5) the lockout lasts 2^(n-5) seconds.
An attempt during a lockout fails with "Password attempts exceeded" and is not counted. A
successful sign-in after the lockout, or 15 minutes without attempts, starts the count again.

Each attempt is counted *before* it is checked, in one atomic statement, so parallel guesses see
each other and no more than 5 get through before the lock (a check first would let every guess
in flight pass). A correct answer then takes its own count back, or clears the counter.

Wrong second-factor codes (SOFTWARE_TOKEN_MFA, SMS_MFA, EMAIL_OTP, SMS_OTP) have a counter of
their own, :data:`MFA`, which a correct password does not touch: only a sign-in that ends in
tokens clears it (or 15 quiet minutes). Its first lock lasts a minute, so guessing a TOTP code
costs a password sign-in per guess and at most 5 guesses per lock. While it holds, answers get
Cognito's "Too many invalid credentials attempts. User temporarily locked." The state lives in
the database, so every node applies the same lockout.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from cognitio.errors import CognitoError, NotAuthorizedException
from cognitio.services.common import ids
from cognitio.store.repositories import Store

FREE_FAILURES = 5
MAX_LOCKOUT_MS = 15 * 60 * 1000  # Cognito's ceiling, about 15 minutes
QUIET_RESET_MS = 15 * 60 * 1000  # 15 minutes without attempts forgets the failures


def attempts_exceeded() -> NotAuthorizedException:
    return NotAuthorizedException("Password attempts exceeded")


def mfa_attempts_exceeded() -> NotAuthorizedException:
    return NotAuthorizedException(
        "Too many invalid credentials attempts. User temporarily locked. "
        "Please try again after few seconds."
    )


@dataclass(frozen=True)
class Policy:
    table: str
    first_lock_ms: int
    locked: Callable[[], CognitoError]


PASSWORD = Policy("sign_in_failures", 1000, attempts_exceeded)
MFA = Policy("mfa_failures", 60_000, mfa_attempts_exceeded)
# Wrong passwords for a name that belongs to no user, where the app client hides whether users
# exist: counted under a made-up subject, so the lockout answers as it would for a user.
DECOY = Policy("decoy_failures", 1000, attempts_exceeded)
_PRUNE_ODDS = 1000  # one decoy attempt in this many also forgets the quiet counters


class Lockout:
    def __init__(self, store: Store, policy: Policy = PASSWORD) -> None:
        self._store = store
        self._policy = policy

    async def attempt(self, sub: str, *, locked: Callable[[], CognitoError] | None = None) -> None:
        """Count an attempt before it is checked; raise ``locked()`` while the user is locked.

        The caller then calls :meth:`succeeded` or :meth:`forgive` when the answer was right.
        """
        now = ids.now_ms()
        table = self._policy.table
        async with self._store.write() as tx:
            state = await tx.sign_in_failures.count(table, sub, now, now - QUIET_RESET_MS)
            failures, locked_until = state.failures, state.locked_until_ms
            if locked_until > now:
                raise (locked or self._policy.locked)()
            if failures >= FREE_FAILURES:
                # The first lock after the fifth failure, doubling with each one after it.
                span = self._policy.first_lock_ms * 2 ** min(failures - FREE_FAILURES, 20)
                await tx.sign_in_failures.lock(table, sub, now + min(span, MAX_LOCKOUT_MS))
            if self._policy is DECOY and random.randrange(_PRUNE_ODDS) == 0:  # housekeeping
                await tx.sign_in_failures.prune(table, now - QUIET_RESET_MS, now)

    async def succeeded(self, sub: str) -> None:
        """A right answer that ends the count (a password, a completed sign-in)."""
        async with self._store.write_statement() as tx:
            await tx.sign_in_failures.clear(self._policy.table, sub)

    async def forgive(self, sub: str) -> None:
        """A right answer that leaves earlier failures standing: take its own count back."""
        async with self._store.write() as tx:
            await tx.sign_in_failures.uncount(self._policy.table, sub, FREE_FAILURES)

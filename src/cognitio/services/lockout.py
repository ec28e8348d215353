"""Cognito's lockout after failed password checks ("Authentication flows", lockout behaviour).

After 5 failed attempts a user is locked out for 1 second, and every further failure doubles
that, to about 15 minutes: after the n-th failure (n >= 5) the lockout lasts 2^(n-5) seconds.
An attempt during a lockout fails with "Password attempts exceeded" and is not counted. A
successful sign-in after the lockout, or 15 minutes without attempts, starts the count again.
The state lives in the database, so every node applies the same lockout.
"""

from __future__ import annotations

from cognitio.errors import NotAuthorizedException
from cognitio.services import ids
from cognitio.store.repositories import Store

FREE_FAILURES = 5
MAX_LOCKOUT_MS = 15 * 60 * 1000  # Cognito's ceiling, about 15 minutes
QUIET_RESET_MS = 15 * 60 * 1000  # 15 minutes without attempts forgets the failures


def attempts_exceeded() -> NotAuthorizedException:
    return NotAuthorizedException("Password attempts exceeded")


class Lockout:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def check(self, sub: str) -> bool:
        """Refuse an attempt while the user is locked out; whether failures are on record."""
        async with self._store.read() as tx:
            state = await tx.tokens.failures(sub)
        if state is not None and ids.now_ms() < state[2]:
            raise attempts_exceeded()
        return state is not None

    async def failed(self, sub: str) -> None:
        """Count a wrong password (in its own transaction: the caller's answer is an error)."""
        now = ids.now_ms()
        async with self._store.write() as tx:
            state = await tx.tokens.failures(sub)
            failures = 0 if state is None or now - state[1] > QUIET_RESET_MS else state[0]
            failures += 1
            locked_until = now
            if failures >= FREE_FAILURES:
                # 1 s after the fifth failure, doubling with each one after it.
                locked_until = now + min(1000 * 2 ** (failures - FREE_FAILURES), MAX_LOCKOUT_MS)
            await tx.tokens.put_failures(sub, failures, now, locked_until)

    async def succeeded(self, sub: str) -> None:
        async with self._store.write() as tx:
            await tx.tokens.clear_failures(sub)

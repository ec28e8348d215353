"""Password hashing with Argon2id (RFC 9106), on argon2-cffi.

Hashes are PHC strings (``$argon2id$v=19$m=...,t=...,p=...$salt$hash``), so each one carries the
parameters it was made with: raising the parameters later only makes :meth:`needs_rehash` true
for old hashes, which a caller rehashes after the next successful sign-in.

Hashing costs tens of milliseconds of CPU by design. The ``*_async`` methods run it on a small
thread pool of this hasher's own (argon2-cffi releases the GIL while it works), so the event loop
keeps serving other requests. :meth:`PasswordHasher.verify_dummy_async` spends the same work for a
user that does not exist, so a sign-in for an unknown user takes as long as a wrong password.

The pool's queue is bounded: past ``max_queue`` hashes waiting for a worker, a new one is refused
with Cognito's TooManyRequestsException, so a flood of password
checks costs a bounded amount of memory and latency instead of queueing without end. Each client
(the request's address, :data:`cognitio.client_address.client_address`) may hold at most
``per_client`` of those places at once, so one client cannot fill the queue and make everyone
else's sign-in wait behind its hashes; past its share, its own calls are refused.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar, TypeVarTuple

import argon2
from argon2.exceptions import InvalidHashError, VerificationError

from cognitio.client_address import client_address
from cognitio.errors import TooManyRequestsException

_Args = TypeVarTuple("_Args")
_Result = TypeVar("_Result")


@dataclass(frozen=True)
class Argon2Params:
    """Argon2id cost parameters (RFC 9106 section 3.1)."""

    # 19 MiB, t=2, p=1: OWASP's minimum recommended configuration for Argon2id
    # (Password Storage Cheat Sheet).
    memory_kib: int = 19456
    time_cost: int = 2
    parallelism: int = 1


def _encode(password: str) -> bytes:
    # "surrogatepass" keeps a lone surrogate (which JSON can carry) hashable instead of raising.
    return password.encode("utf-8", "surrogatepass")


class PasswordHasher:
    """Hashes and verifies passwords with Argon2id under one set of parameters."""

    def __init__(
        self, params: Argon2Params | None = None, *, max_queue: int = 256, per_client: int = 0
    ) -> None:
        self.params = params or Argon2Params()
        self._workers = os.cpu_count() or 1
        self._max_pending = self._workers + max_queue
        self._per_client = per_client  # 0: no share per client
        # Hashes running or queued, in all and per client; touched only from the event loop.
        self._pending = 0
        self._pending_by: dict[str, int] = {}
        self._argon2 = argon2.PasswordHasher(
            time_cost=self.params.time_cost,
            memory_cost=self.params.memory_kib,
            parallelism=self.params.parallelism,
            type=argon2.Type.ID,
        )
        self._executor: ThreadPoolExecutor | None = None
        self._executor_lock = threading.Lock()
        self._dummy_hash: str | None = None
        self._dummy_lock = threading.Lock()

    def hash(self, password: str) -> str:
        """The PHC string of *password* under a fresh random salt."""
        return self._argon2.hash(_encode(password))

    def verify(self, stored: str, password: str) -> bool:
        """Whether *password* matches *stored*; False for a mismatch or a malformed hash."""
        try:
            return self._argon2.verify(stored, _encode(password))
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        """Whether *stored* used other parameters (or is unreadable) and should be redone."""
        try:
            return self._argon2.check_needs_rehash(stored)
        except InvalidHashError:
            return True

    async def hash_async(self, password: str) -> str:
        """:meth:`hash`, on this hasher's thread pool."""
        return await self._run(self.hash, password)

    async def verify_async(self, stored: str, password: str) -> bool:
        """:meth:`verify`, on this hasher's thread pool."""
        return await self._run(self.verify, stored, password)

    async def verify_dummy_async(self, password: str) -> bool:
        """Spend the work of one verification for a user who does not exist; always False."""
        return await self._run(self._verify_dummy, password)

    def close(self) -> None:
        """Stop the thread pool; a later async call starts a new one."""
        with self._executor_lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)

    def _verify_dummy(self, password: str) -> bool:
        self.verify(self._dummy(), password)
        return False

    def _dummy(self) -> str:
        """A hash of a random secret under these parameters, made on first use."""
        with self._dummy_lock:
            if self._dummy_hash is None:
                self._dummy_hash = self.hash(secrets.token_urlsafe(32))
            return self._dummy_hash

    async def _run(self, function: Callable[[*_Args], _Result], *args: *_Args) -> _Result:
        client = client_address.get() if self._per_client else None
        held = 0 if client is None else self._pending_by.get(client, 0)
        if self._pending >= self._max_pending or (client is not None and held >= self._per_client):
            raise TooManyRequestsException("Too many requests")
        loop = asyncio.get_running_loop()
        self._pending += 1
        if client is not None:
            self._pending_by[client] = held + 1
        try:
            return await loop.run_in_executor(self._pool(), function, *args)
        finally:
            self._pending -= 1
            if client is not None:
                left = self._pending_by[client] - 1
                if left:
                    self._pending_by[client] = left
                else:
                    del self._pending_by[client]

    def _pool(self) -> ThreadPoolExecutor:
        with self._executor_lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    max_workers=self._workers, thread_name_prefix="password-hash"
                )
            return self._executor

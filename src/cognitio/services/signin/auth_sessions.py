"""The ``Session`` string between auth challenges: opaque, tamper-proof, expiring, single-use.

It is the session's own state sealed with AES-GCM under the master key (so any node can open it
and no node keeps it in memory), valid for the app client's AuthSessionValidity (3 minutes by
default), and spent once: its id goes into ``spent_sessions`` when it is answered.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import asdict, dataclass, field

import orjson

from cognitio.crypto.envelope import DecryptionError, Envelope
from cognitio.documents import JsonObject
from cognitio.errors import NotAuthorizedException
from cognitio.services.common import ids
from cognitio.store.repositories import Transaction

_CONTEXT = "auth-session"


@dataclass
class AuthSession:
    sid: str
    pool_id: str
    client_id: str
    sub: str
    username: str
    challenge: str
    expires_ms: int
    data: JsonObject = field(default_factory=dict)


class Sessions:
    def __init__(self, envelope: Envelope) -> None:
        self._envelope = envelope

    def issue(
        self,
        *,
        pool_id: str,
        client_id: str,
        sub: str,
        username: str,
        challenge: str,
        validity_minutes: int,
        data: JsonObject | None = None,
        sid: str | None = None,
    ) -> str:
        session = AuthSession(
            sid=sid or str(uuid.uuid4()),
            pool_id=pool_id,
            client_id=client_id,
            sub=sub,
            username=username,
            challenge=challenge,
            expires_ms=ids.now_ms() + validity_minutes * 60_000,
            data=data or {},
        )
        return self._seal(session)

    def _seal(self, session: AuthSession) -> str:
        """The sealed Session. A decoy's (no user: ``sub`` empty) is sealed with a made-up
        ``sub`` of a user's length and the same fields, so a Session's length cannot tell a
        made-up sign-in from a real one."""
        fields = asdict(session)
        fields["decoy"] = 0 if session.sub else 1
        if not session.sub:
            fields["sub"] = str(uuid.uuid4())
        sealed = self._envelope.seal(orjson.dumps(fields), _CONTEXT)
        return base64.urlsafe_b64encode(sealed).decode().rstrip("=")

    async def spend(
        self, tx: Transaction, token: str, *, client_id: str, challenge: str
    ) -> AuthSession:
        """The session a client answers, used up; NotAuthorizedException if it cannot be."""
        session = self._open(token)
        if session is None or session.client_id != client_id or session.challenge != challenge:
            raise NotAuthorizedException("Invalid session for the user.")
        now = ids.now_ms()
        if now > session.expires_ms:
            raise NotAuthorizedException("Invalid session for the user, session is expired.")
        if not await tx.spent_sessions.spend(session.sid, session.expires_ms, now):
            raise NotAuthorizedException(
                "Invalid session for the user, session can only be used once."
            )
        return session

    async def spend_any_client(self, tx: Transaction, token: str, *, challenge: str) -> AuthSession:
        """As :meth:`spend`, for calls that name no client (AssociateSoftwareToken,
        VerifySoftwareToken); the session still carries and keeps its client."""
        session = self._open(token)
        if session is None:
            raise NotAuthorizedException("Invalid session for the user.")
        return await self.spend(tx, token, client_id=session.client_id, challenge=challenge)

    def reissue(self, session: AuthSession, *, data: JsonObject | None = None) -> str:
        """A fresh Session string for the same sign-in, step and deadline."""
        renewed = AuthSession(
            sid=str(uuid.uuid4()),
            pool_id=session.pool_id,
            client_id=session.client_id,
            sub=session.sub,
            username=session.username,
            challenge=session.challenge,
            expires_ms=session.expires_ms,
            data={**session.data, **(data or {})},
        )
        return self._seal(renewed)

    def peek(self, token: str) -> AuthSession | None:
        """What a Session says, without checking or spending it."""
        return self._open(token)

    def _open(self, token: str) -> AuthSession | None:
        try:
            blob = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            fields = orjson.loads(self._envelope.open(blob, _CONTEXT))
            if fields.pop("decoy", 0):
                fields["sub"] = ""
            return AuthSession(**fields)
        except (binascii.Error, ValueError, TypeError, DecryptionError, orjson.JSONDecodeError):
            return None

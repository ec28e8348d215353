"""What every sign-in flow and challenge works with: one public :class:`FlowContext`.

The flows and challenges are functions of their own modules; each is given the context and
reaches the rest of the house only through it: the store, the sealed Sessions, the two lockouts
(passwords, and MFA and one-time codes), the password store, tokens and PreTokenGeneration, the
triggers, MFA, one-time codes, devices, and the delivery of messages. The context issues
challenges; the modules that end a sign-in (:mod:`cognitio.services.signin.completion`) build on it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from cognitio.crypto.envelope import Envelope
from cognitio.documents import JsonObject
from cognitio.errors import CognitoError, NotAuthorizedException
from cognitio.messaging.messages import OutgoingMessage
from cognitio.services.clients.app_clients import ClientAuthenticator, SecretHashProof
from cognitio.services.clients.settings import client_settings
from cognitio.services.messages.codes import Codes
from cognitio.services.messages.user_messages import UserMessages
from cognitio.services.mfa.devices import Devices
from cognitio.services.mfa.mfa import Mfa
from cognitio.services.security.lockout import DECOY as DECOY_LOCKOUT
from cognitio.services.security.lockout import MFA as MFA_LOCKOUT
from cognitio.services.security.lockout import Lockout
from cognitio.services.signin.auth_sessions import Sessions
from cognitio.services.signin.request import AuthRequest, ChallengeIssued
from cognitio.services.tokens.tokens import ADMIN_SCOPE, TokenOverrides, Tokens
from cognitio.services.triggers.triggers import Call, Triggers, pre_token_generation
from cognitio.services.users.accounts import PasswordStore
from cognitio.services.users.decoys import DECOY_KEY_PURPOSE, decoy_subject
from cognitio.store.records import UserRecord
from cognitio.store.repositories import Store


def _incorrect() -> CognitoError:
    return NotAuthorizedException("Incorrect username or password.")


class FlowContext:
    """The collaborators of the sign-in flows, and the challenges they issue."""

    def __init__(
        self,
        store: Store,
        passwords: PasswordStore,
        tokens: Tokens,
        envelope: Envelope,
        mfa: Mfa,
        codes: Codes,
        messages: UserMessages,
        devices: Devices,
        triggers: Triggers,
    ) -> None:
        self.store = store
        self.passwords = passwords
        self.tokens = tokens
        # Seals the SRP verifiers and derives the decoys' keys.
        self.envelope = envelope
        self.mfa = mfa
        self.codes = codes
        self.devices = devices
        self.triggers = triggers
        self.sessions = Sessions(envelope)
        self.lockout = Lockout(store)
        self.mfa_lockout = Lockout(store, MFA_LOCKOUT)
        # Wrong passwords for unknown names, where the client hides whether users exist.
        self.decoy_lockout = Lockout(store, DECOY_LOCKOUT)
        # Derives the made-up answers for unknown users (users.decoys).
        self.decoy_key = envelope.derive_key(DECOY_KEY_PURPOSE)
        self._messages = messages
        self.clients = ClientAuthenticator(envelope)

    async def deliver(
        self, messages: list[OutgoingMessage], request: AuthRequest, user: UserRecord
    ) -> None:
        """Send messages of this sign-in (codes), through the pool's message triggers; after
        the answer, where the client hides whether users exist (a decoy sends nothing)."""
        later = client_settings(request.client).prevent_user_existence_errors
        await self._messages.deliver(messages, call=request.call(user), user=user, later=later)

    async def count_decoy_failure(self, request: AuthRequest, name: str) -> None:
        """A wrong password for ``name``, which belongs to no user: counted as a user's would
        be, so "Password attempts exceeded" comes after as many tries as for a real user."""
        await self.decoy_lockout.attempt(decoy_subject(self.decoy_key, request.pool.id, name))

    async def verify_answer(
        self,
        sub: str,
        check: bool | Callable[[], Awaitable[bool]],
        *,
        wrong: Callable[[], CognitoError] = _incorrect,
        second_factor: bool = False,
    ) -> None:
        """One step for every answer that can be guessed: count the attempt first (refused
        while the user is locked out, and before any costly check), check it, refuse a wrong
        one with ``wrong()``. ``check`` is the check to run, or its result where it costs
        nothing to know (a compare). A right password (or passkey) clears the count; a right
        second factor leaves it to the end of the sign-in (``_after_right_code``)."""
        lockout = self.mfa_lockout if second_factor else self.lockout
        await lockout.attempt(sub)
        right = check if isinstance(check, bool) else await check()
        if not right:
            raise wrong()
        if not second_factor:
            await lockout.succeeded(sub)

    def check_secret_hash(self, request: AuthRequest, username: str) -> None:
        """The request's SECRET_HASH, for a client with a secret (or the hosted pages' trusted
        path, a :class:`~cognitio.services.clients.app_clients.TrustedCaller` for its client)."""
        proof = request.proof or SecretHashProof(request.parameters.get("SECRET_HASH"))
        self.clients.check_proof(request.client, proof, username)

    async def token_overrides(
        self, call: Call, source: str, user: UserRecord
    ) -> TokenOverrides | None:
        """What the pool's PreTokenGeneration function changes, if it has one."""
        if self.triggers.configured(call.pool, "PreTokenGeneration") is None:
            return None
        async with self.store.read() as tx:
            groups = await tx.groups.of_user(user.sub)
        return await pre_token_generation(self.triggers, call, source, user, groups, [ADMIN_SCOPE])

    def challenge(
        self,
        request: AuthRequest,
        user: UserRecord,
        name: str,
        parameters: dict[str, str],
        *,
        data: JsonObject | None = None,
        sid: str | None = None,
    ) -> ChallengeIssued:
        """The challenge ``name`` for ``user``, with its sealed Session."""
        return self.challenge_as(
            request, user.sub, user.username, name, parameters, data=data, sid=sid
        )

    def challenge_as(
        self,
        request: AuthRequest,
        sub: str,
        username: str,
        name: str,
        parameters: dict[str, str],
        *,
        data: JsonObject | None = None,
        sid: str | None = None,
    ) -> ChallengeIssued:
        """A challenge for ``sub`` (empty for a decoy: no answer to it can succeed).

        The Session carries the sign-in's device and whether it is a hosted-page sign-in.
        """
        if request.device_key:
            data = {**(data or {}), "device_key": request.device_key}
        if request.hosted:
            data = {**(data or {}), "hosted": True}
        session = self.sessions.issue(
            sid=sid,
            pool_id=request.pool.id,
            client_id=request.client.id,
            sub=sub,
            username=username,
            challenge=name,
            validity_minutes=session_minutes(request),
            data=data,
        )
        return ChallengeIssued(name, session, parameters)


def session_minutes(request: AuthRequest) -> int:
    """How long a challenge's Session lives: the client's AuthSessionValidity (3 by default)."""
    return client_settings(request.client).auth_session_validity_minutes

"""What a sign-in is asked and what it answers.

The commands (:class:`InitiateAuth`, :class:`RespondToAuthChallenge`) are what ``api/`` makes of
the four operations' parameters; :class:`AuthRequest` is one step as the flows see it (the pool,
the app client, the parameters); a step ends in a :class:`ChallengeIssued`, a
:class:`~cognitio.services.tokens.tokens.TokenSet` or, on the hosted pages, a
:class:`HostedSignIn`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cognitio.services.clients.app_clients import TrustedCaller
from cognitio.services.pools.user_pools import Caller
from cognitio.services.tokens.tokens import TokenSet
from cognitio.services.triggers.triggers import Call
from cognitio.store.records import ClientRecord, UserPoolRecord, UserRecord


@dataclass(frozen=True, slots=True)
class AdminCaller:
    """The admin twins (AdminInitiateAuth, AdminRespondToAuthChallenge): who asks, and the pool
    they name, which must exist in the caller's region and hold the client."""

    caller: Caller
    pool_id: str


@dataclass(frozen=True, slots=True)
class InitiateAuth:
    """InitiateAuth, or AdminInitiateAuth when ``admin`` is given."""

    client_id: str
    flow: str
    # AuthParameters: passwords, SRP values and refresh tokens, never shown.
    parameters: Mapping[str, str] = field(repr=False)
    metadata: Mapping[str, str] = field(default_factory=dict)
    admin: AdminCaller | None = None


@dataclass(frozen=True, slots=True)
class RespondToAuthChallenge:
    """RespondToAuthChallenge, or AdminRespondToAuthChallenge when ``admin`` is given; the
    hosted pages answer their own challenges with it too."""

    client_id: str
    challenge_name: str
    # ChallengeResponses: passwords and codes, never shown.
    responses: Mapping[str, str] = field(repr=False)
    session: str | None = field(default=None, repr=False)
    metadata: Mapping[str, str] = field(default_factory=dict)
    admin: AdminCaller | None = None


@dataclass(frozen=True, slots=True)
class AuthRequest:
    pool: UserPoolRecord
    client: ClientRecord
    # AuthParameters or ChallengeResponses; never shown, since they hold passwords and codes.
    parameters: dict[str, str] = field(repr=False)
    admin: bool
    # The confirmed device this sign-in named (DEVICE_KEY), carried from step to step.
    device_key: str | None = None
    # The request's ClientMetadata, for the Lambda triggers this step runs.
    metadata: dict[str, str] = field(default_factory=dict)
    # A sign-in on the hosted pages: it ends in a hosted session (and an authorization code),
    # not in tokens.
    hosted: bool = False
    # A TrustedCaller: the server's own hosted pages, which checked the client themselves, so no
    # SECRET_HASH is asked for; None: the caller proves the client with SECRET_HASH.
    proof: TrustedCaller | None = None

    def call(self, user: UserRecord) -> Call:
        """The trigger context of this step for ``user``."""
        return Call(self.pool, user.username, self.client.id, self.metadata)


@dataclass(frozen=True, slots=True)
class ChallengeIssued:
    """The next challenge of a sign-in: its name as Cognito spells it, the sealed Session (None
    for the SRP verifiers, whose state travels in the SECRET_BLOCK), its ChallengeParameters and,
    for USER_AUTH's SELECT_CHALLENGE, the AvailableChallenges."""

    name: str
    session: str | None = field(repr=False)
    parameters: Mapping[str, str] = field(repr=False)
    available: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class HostedSignIn:
    """How a sign-in on the hosted pages ends: who signed in (the pages then start their own
    session and hand out an authorization code); no tokens."""

    sub: str


# What a step of a sign-in answers: a challenge, tokens, or on the hosted pages the end of it.
Step = ChallengeIssued | TokenSet | HostedSignIn
# What an API caller gets: the API cannot finish a hosted-page sign-in.
Outcome = ChallengeIssued | TokenSet

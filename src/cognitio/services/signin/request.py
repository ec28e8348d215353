"""One step of a sign-in as the flows see it: the pool, the app client, the parameters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cognitio.services.triggers.triggers import Call
from cognitio.store.records import ClientRecord, UserPoolRecord, UserRecord


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
    # not in tokens, and the server is the client, so no SECRET_HASH is asked for.
    hosted: bool = False

    def call(self, user: UserRecord) -> Call:
        """The trigger context of this step for ``user``."""
        return Call(self.pool, user.username, self.client.id, self.metadata)


@dataclass(frozen=True, slots=True)
class HostedSignIn:
    """How a sign-in on the hosted pages ends: who signed in (the pages then start their own
    session and hand out an authorization code); no tokens."""

    sub: str


# What a step of a sign-in answers: a challenge or tokens in AWS's shape, or, on the hosted
# pages, the end of the sign-in.
Step = dict[str, Any] | HostedSignIn

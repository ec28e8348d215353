"""InitiateAuth, AdminInitiateAuth and RespondToAuthChallenge: the engine that dispatches.

Behaviour from the InitiateAuth / AdminInitiateAuth API references and the developer guide's
"Authentication flows" page: the app client must allow the flow (ExplicitAuthFlows, whose
default is SRP, custom and refresh), SECRET_HASH is required for clients with a secret, and a
user's state decides the answer — tokens, a challenge, or Cognito's error.

This module only resolves the client, checks what the request may do and dispatches: each flow
(``FLOWS``) and each challenge (described in :mod:`cognitio.services.signin.challenges`) is a
function of a module of its own, given the :class:`~cognitio.services.signin.context.FlowContext`.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from dataclasses import replace

from cognitio.documents import text_member
from cognitio.errors import (
    InvalidParameterException,
    NotAuthorizedException,
    UnsupportedOperationException,
)
from cognitio.services.clients.app_clients import AppClient, TrustedCaller, resolve
from cognitio.services.clients.settings import client_settings
from cognitio.services.pools.settings import pool_settings
from cognitio.services.pools.user_pools import load_pool
from cognitio.services.signin.challenges import CHALLENGES
from cognitio.services.signin.context import FlowContext
from cognitio.services.signin.custom_auth import custom_auth_flow
from cognitio.services.signin.device_srp import armed_session
from cognitio.services.signin.password import password_flow
from cognitio.services.signin.refresh import refresh_flow
from cognitio.services.signin.request import (
    AdminCaller,
    AuthRequest,
    HostedSignIn,
    InitiateAuth,
    Outcome,
    RespondToAuthChallenge,
    Step,
)
from cognitio.services.signin.srp_flow import srp_flow
from cognitio.services.signin.user_auth import user_auth_flow
from cognitio.store.records import ClientRecord

_DEFAULT_FLOWS = ("ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")
# The client setting that allows each flow.
_ALLOWED_BY = {
    "USER_PASSWORD_AUTH": "ALLOW_USER_PASSWORD_AUTH",
    "ADMIN_USER_PASSWORD_AUTH": "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ADMIN_NO_SRP_AUTH": "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "REFRESH_TOKEN_AUTH": "ALLOW_REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN": "ALLOW_REFRESH_TOKEN_AUTH",
    "USER_AUTH": "ALLOW_USER_AUTH",
    "USER_SRP_AUTH": "ALLOW_USER_SRP_AUTH",
    "CUSTOM_AUTH": "ALLOW_CUSTOM_AUTH",
}
# Legacy ExplicitAuthFlows values only add to what clients could always do (SRP, custom,
# refresh), as before the ALLOW_ values existed; CUSTOM_AUTH_FLOW_ONLY keeps custom (and
# refresh) alone.
_LEGACY_ADDS = {
    "ADMIN_NO_SRP_AUTH": "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "USER_PASSWORD_AUTH": "ALLOW_USER_PASSWORD_AUTH",
}
_CUSTOM_ONLY = ("ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")
# Flows that belong to one operation only (botocore's AuthFlow documentation).
_ADMIN_ONLY = frozenset({"ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"})
_CLIENT_ONLY = frozenset({"USER_PASSWORD_AUTH"})


def allowed_flows(client: ClientRecord) -> frozenset[str]:
    """The ALLOW_ settings a client's ExplicitAuthFlows amount to, legacy values translated."""
    flows = client_settings(client).explicit_auth_flows or _DEFAULT_FLOWS
    if not any(flow in _LEGACY_ADDS or flow == "CUSTOM_AUTH_FLOW_ONLY" for flow in flows):
        return frozenset(flows)
    base = _CUSTOM_ONLY if "CUSTOM_AUTH_FLOW_ONLY" in flows else _DEFAULT_FLOWS
    return frozenset(base).union(_LEGACY_ADDS[flow] for flow in flows if flow in _LEGACY_ADDS)


Flow = Callable[[FlowContext, AuthRequest], Awaitable[Step]]


class Authenticator:
    """Runs the flow a request names."""

    def __init__(self, context: FlowContext) -> None:
        # What the flows and challenges work with; OAuth and the MFA_SETUP operations too.
        self.context = context
        self._store = context.store

    async def _client(self, client_id: str, admin: AdminCaller | None) -> AppClient:
        """The app client and its pool; the admin twins name the pool too, which must exist
        (ResourceNotFoundException first, as for any admin operation) and hold the client."""
        async with self._store.read() as tx:
            if admin is None:
                return await resolve(tx, client_id)
            await load_pool(tx, admin.caller, admin.pool_id)
            return await resolve(tx, client_id, pool_id=admin.pool_id)

    async def initiate(self, command: InitiateAuth) -> Outcome:
        """InitiateAuth and its admin twin: a challenge, or tokens."""
        found = await self._client(command.client_id, command.admin)
        client, pool = found.client, found.pool
        flow_name, admin = command.flow, command.admin is not None
        if flow_name in (_CLIENT_ONLY if admin else _ADMIN_ONLY):
            raise InvalidParameterException("Initiate Auth method not supported.")
        flow = FLOWS.get(flow_name)
        if flow is None:
            raise UnsupportedOperationException(
                f"The {flow_name} flow is not available in this version of Cognitio yet."
            )
        if _ALLOWED_BY[flow_name] not in allowed_flows(client):
            raise InvalidParameterException(f"{flow_name} flow not enabled for this client")
        parameters = dict(command.parameters)
        request = AuthRequest(pool, client, parameters, admin, metadata=dict(command.metadata))
        return _for_api(await flow(self.context, request))

    async def hosted_sign_in(self, client_id: str, username: str, password: str) -> Step:
        """The hosted sign-in page: a password sign-in whatever the client's ExplicitAuthFlows,
        ending in a :class:`HostedSignIn` or the next challenge."""
        found = await self._client(client_id, None)
        parameters = {"USERNAME": username, "PASSWORD": password}
        return await password_flow(self.context, _hosted(found, parameters))

    async def hosted_first_factor(
        self, client_id: str, username: str, factor: str | None = None
    ) -> Step:
        """The hosted sign-in page without a password: USER_AUTH with ``factor`` (WEB_AUTHN), or
        a one-time code — EMAIL_OTP, or SMS_OTP when only that is allowed —, whatever the
        client's ExplicitAuthFlows."""
        found = await self._client(client_id, None)
        pool = found.pool
        allowed = pool_settings(pool).allowed_first_auth_factors
        if factor is None:
            factor = "EMAIL_OTP" if "EMAIL_OTP" in allowed else "SMS_OTP"
        parameters = {"USERNAME": username, "PREFERRED_CHALLENGE": factor}
        return await user_auth_flow(self.context, _hosted(found, parameters))

    async def respond(self, command: RespondToAuthChallenge) -> Outcome:
        """RespondToAuthChallenge and its admin twin: the next challenge, or tokens."""
        return _for_api(await self._respond(command, hosted=False))

    async def respond_hosted(self, command: RespondToAuthChallenge) -> Step:
        """The hosted pages answer a challenge of their own sign-in: the server's pages stand
        for the client (a :class:`TrustedCaller`), so no SECRET_HASH."""
        return await self._respond(command, hosted=True)

    async def _respond(self, command: RespondToAuthChallenge, *, hosted: bool) -> Step:
        """Find the challenge, get its Session back (or the device's arm), check SECRET_HASH
        where it applies, spend the Session, and hand the answer to the challenge's function."""
        found = await self._client(command.client_id, command.admin)
        client, pool = found.client, found.pool
        name = command.challenge_name
        challenge = CHALLENGES.get(name)
        if challenge is None:
            raise UnsupportedOperationException(
                f"The {name} challenge is not available in this version of Cognitio yet."
            )
        responses = dict(command.responses)
        session_token = command.session
        if not session_token and challenge.session_in_secret_block:
            session_token = _session_in_secret_block(responses)
        request = AuthRequest(
            pool,
            client,
            responses,
            command.admin is not None,
            metadata=dict(command.metadata),
            proof=_trusted(client) if hosted else None,
        )
        # pycognito sends no SECRET_HASH with DEVICE_SRP_AUTH; the device's proof follows.
        if not challenge.sessionless or "SECRET_HASH" in responses:
            self.context.check_secret_hash(request, responses.get("USERNAME", ""))
        if not session_token:
            if not challenge.sessionless:
                raise InvalidParameterException("Missing required parameter Session")
            session = await armed_session(self.context, request)
        else:
            if challenge.before_spending is not None:
                await challenge.before_spending(self.context, request, session_token)
            # Spent in a transaction of its own: a wrong answer uses the session up as well.
            async with self._store.write() as tx:
                session = await self.context.sessions.spend(
                    tx, session_token, client_id=client.id, challenge=name
                )
        if hosted != bool(session.data.get("hosted")):
            # A hosted-page sign-in is finished on the hosted pages, and only there.
            raise NotAuthorizedException("Invalid session for the user.")
        device_key = text_member(session.data, "device_key")
        request = replace(request, device_key=device_key, hosted=hosted)
        return await challenge.answer(self.context, request, session)


def _hosted(found: AppClient, parameters: dict[str, str]) -> AuthRequest:
    """A sign-in the hosted pages begin: they checked the client (the authorization request),
    so they are trusted to stand for it, and it ends in a hosted session."""
    return AuthRequest(
        found.pool,
        found.client,
        parameters,
        admin=False,
        hosted=True,
        proof=_trusted(found.client),
    )


def _trusted(client: ClientRecord) -> TrustedCaller:
    """The hosted pages' proof: they stand for the client their authorization request named."""
    return TrustedCaller(client.id, via="hosted pages")


def _for_api(step: Step) -> Outcome:
    """An API call's answer: only a hosted-page sign-in ends without tokens, and the API cannot
    continue one (its Session says so), so this never refuses what the API began."""
    if isinstance(step, HostedSignIn):
        raise NotAuthorizedException("Invalid session for the user.")
    return step


def _session_in_secret_block(responses: dict[str, str]) -> str | None:
    """The verifier challenges carry their state in the SECRET_BLOCK, not in a Session."""
    block = responses.get("PASSWORD_CLAIM_SECRET_BLOCK")
    if not block:
        return None
    try:
        raw = base64.b64decode(block, validate=True)
    except (binascii.Error, ValueError):
        return None
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


FLOWS: dict[str, Flow] = {
    "USER_PASSWORD_AUTH": password_flow,
    "ADMIN_USER_PASSWORD_AUTH": password_flow,
    "ADMIN_NO_SRP_AUTH": password_flow,
    "REFRESH_TOKEN_AUTH": refresh_flow,
    "REFRESH_TOKEN": refresh_flow,
    "USER_SRP_AUTH": srp_flow,
    "USER_AUTH": user_auth_flow,
    "CUSTOM_AUTH": custom_auth_flow,
}

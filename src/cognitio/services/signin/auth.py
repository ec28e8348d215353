"""InitiateAuth and AdminInitiateAuth: a registry of flows, one function each.

Behaviour from the InitiateAuth / AdminInitiateAuth API references and the developer guide's
"Authentication flows" page: the app client must allow the flow (ExplicitAuthFlows, whose
default is SRP, custom and refresh), SECRET_HASH is required for clients with a secret, and a
user's state decides the answer — tokens, a challenge, or Cognito's error.
"""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

import orjson

from cognitio.crypto.envelope import Envelope
from cognitio.errors import (
    InvalidParameterException,
    NotAuthorizedException,
    PasswordResetRequiredException,
    ResourceNotFoundException,
    UnsupportedOperationException,
    UserNotConfirmedException,
    UserNotFoundException,
)
from cognitio.services.clients.secret_hash import check_secret_hash, client_secret_opener
from cognitio.services.common import ids
from cognitio.services.messages.codes import Codes
from cognitio.services.mfa.devices import Devices, skips_mfa, tracks_devices
from cognitio.services.mfa.mfa import EMAIL, SMS, TOTP, Mfa
from cognitio.services.mfa.passkeys import WEB_AUTHN
from cognitio.services.pools.attributes import check_client_may_write, check_values, schema_by_name
from cognitio.services.security.lockout import MFA as MFA_LOCKOUT
from cognitio.services.security.lockout import Lockout
from cognitio.services.security.passwords import check_policy
from cognitio.services.signin.auth_sessions import AuthSession, Sessions
from cognitio.services.signin.custom_auth import (
    CUSTOM_CHALLENGE,
    answer_custom_challenge,
    custom_auth_flow,
    next_step,
    step,
)
from cognitio.services.signin.device_srp import (
    DEVICE_PASSWORD_VERIFIER,
    DEVICE_SRP_AUTH,
    answer_device_password,
    answer_device_srp,
    armed_session,
    device_challenge,
)
from cognitio.services.signin.mfa_challenges import (
    MFA_SETUP,
    SELECT,
    SMS_OTP,
    answer_code,
    answer_select,
    mfa_setup,
    second_step,
    software_token,
)
from cognitio.services.signin.refresh import refresh_flow
from cognitio.services.signin.srp_flow import CHALLENGE as PASSWORD_VERIFIER
from cognitio.services.signin.srp_flow import srp_flow, verify_password_claim
from cognitio.services.signin.user_auth import SELECT_CHALLENGE, answer_web_authn, user_auth_flow
from cognitio.services.signin.user_auth import answer_select as answer_select_challenge
from cognitio.services.tokens.tokens import ADMIN_SCOPE, TokenOverrides, Tokens
from cognitio.services.triggers.triggers import (
    Call,
    Triggers,
    post_authentication,
    pre_authentication,
    pre_authentication_unknown,
    pre_token_generation,
)
from cognitio.services.users import migration
from cognitio.services.users.accounts import PasswordStore, find_user, save, with_password
from cognitio.services.users.attribute_changes import change_attributes
from cognitio.services.users.migration import migrate
from cognitio.services.users.users import Users
from cognitio.store.records import ClientRecord, UserPoolRecord, UserRecord
from cognitio.store.repositories import Store

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
_INCORRECT = "Incorrect username or password."


def allowed_flows(client: ClientRecord) -> frozenset[str]:
    """The ALLOW_ settings a client's ExplicitAuthFlows amount to, legacy values translated."""
    flows = client.config.get("ExplicitAuthFlows") or _DEFAULT_FLOWS
    if not any(flow in _LEGACY_ADDS or flow == "CUSTOM_AUTH_FLOW_ONLY" for flow in flows):
        return frozenset(flows)
    base = _CUSTOM_ONLY if "CUSTOM_AUTH_FLOW_ONLY" in flows else _DEFAULT_FLOWS
    return frozenset(base).union(_LEGACY_ADDS[flow] for flow in flows if flow in _LEGACY_ADDS)


@dataclass(frozen=True, slots=True)
class AuthRequest:
    pool: UserPoolRecord
    client: ClientRecord
    parameters: dict[str, str]
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


Flow = Callable[["Authenticator", AuthRequest], Awaitable[dict[str, Any]]]


class Authenticator:
    """Runs the flow a request names."""

    def __init__(
        self,
        store: Store,
        passwords: PasswordStore,
        tokens: Tokens,
        envelope: Envelope,
        mfa: Mfa,
        codes: Codes,
        users: Users,
        devices: Devices,
        triggers: Triggers,
    ) -> None:
        self._store = store
        self._devices = devices
        self.triggers = triggers
        self._mfa = mfa
        self._codes = codes
        self._users = users
        self._sessions = Sessions(envelope)
        self.lockout = Lockout(store)
        self.mfa_lockout = Lockout(store, MFA_LOCKOUT)
        self._passwords = passwords
        self._tokens = tokens
        self._open_secret = client_secret_opener(envelope)

    async def initiate(self, params: dict[str, Any], *, admin: bool) -> dict[str, Any]:
        flow_name = params["AuthFlow"]
        async with self._store.read() as tx:
            client = await tx.clients.find(params["ClientId"])
            pool = None if client is None else await tx.pools.get(client.pool_id)
        if client is None or pool is None or (admin and pool.id != params.get("UserPoolId")):
            raise ResourceNotFoundException(
                f"User pool client {params['ClientId']} does not exist."
            )
        if flow_name in (_CLIENT_ONLY if admin else _ADMIN_ONLY):
            raise InvalidParameterException("Initiate Auth method not supported.")
        flow = FLOWS.get(flow_name)
        if flow is None:
            raise UnsupportedOperationException(
                f"The {flow_name} flow is not available in this version of Cognitio yet."
            )
        if _ALLOWED_BY[flow_name] not in allowed_flows(client):
            raise InvalidParameterException(f"{flow_name} flow not enabled for this client")
        parameters = dict(params.get("AuthParameters") or {})
        metadata = dict(params.get("ClientMetadata") or {})
        return await flow(self, AuthRequest(pool, client, parameters, admin, metadata=metadata))

    def check_secret_hash(self, request: AuthRequest, username: str) -> None:
        check_secret_hash(
            request.client, request.parameters.get("SECRET_HASH"), username, self._open_secret
        )

    async def password_flow(self, request: AuthRequest) -> dict[str, Any]:
        username, password = request.parameters.get("USERNAME"), request.parameters.get("PASSWORD")
        if not username:
            raise InvalidParameterException("Missing required parameter USERNAME")
        if not password:
            raise InvalidParameterException("Missing required parameter PASSWORD")
        if not request.hosted:
            self.check_secret_hash(request, username)
        async with self._store.read() as tx:
            user = await find_user(tx, request.pool, username)
        if user is None:
            call = Call(request.pool, username, request.client.id, request.metadata)
            user = await migrate(
                self._store, self._passwords, self.triggers, call, migration.ON_SIGN_IN, password
            )
            if user is not None:
                # Checked by the old system: the user signs in with the password just given.
                return await self._after_password(request, user)
        if user is None or user.password_hash is None:
            await self._passwords.hasher.verify_dummy_async(password)
            if user is None:
                await pre_authentication_unknown(
                    self.triggers, request.pool, request.client, username, request.metadata
                )
            if request.client.config.get("PreventUserExistenceErrors") == "ENABLED":
                raise NotAuthorizedException(_INCORRECT)
            raise UserNotFoundException("User does not exist.")
        await pre_authentication(self.triggers, request.call(user), user, request.metadata or None)
        await self.lockout.attempt(user.sub)
        if not await self._passwords.hasher.verify_async(user.password_hash, password):
            raise NotAuthorizedException(_INCORRECT)
        await self.lockout.succeeded(user.sub)
        return await self._after_password(request, user)

    async def _after_password(self, request: AuthRequest, user: UserRecord) -> dict[str, Any]:
        if not user.enabled:
            raise NotAuthorizedException("User is disabled.")
        if user.status == "UNCONFIRMED":
            raise UserNotConfirmedException("User is not confirmed.")
        if user.status == "RESET_REQUIRED":
            raise PasswordResetRequiredException("Password reset required for the user")
        if user.status == "FORCE_CHANGE_PASSWORD":
            days = request.pool.config["Policies"]["PasswordPolicy"].get(
                "TemporaryPasswordValidityDays", 7
            )
            set_ms = user.password_set_ms or user.created_ms
            if time.time() * 1000 > set_ms + days * 86_400_000:
                raise NotAuthorizedException(
                    "Temporary password has expired and must be reset by an administrator."
                )
            return self._new_password_challenge(request, user)
        device_key = request.parameters.get("DEVICE_KEY")
        if device_key and tracks_devices(request.pool):
            request = replace(request, device_key=device_key)
        return await self._second_factor(request, user)

    async def _second_factor(
        self,
        request: AuthRequest,
        user: UserRecord,
        source: str = "TokenGeneration_Authentication",
    ) -> dict[str, Any]:
        """After the first factor: the MFA challenge (unless a remembered device skips it),
        else the end of the sign-in."""
        device = None
        if request.device_key and tracks_devices(request.pool):
            async with self._store.read() as tx:
                device = await self._devices.confirmed(tx, user, request.device_key)
        if device is None or not skips_mfa(request.pool, device):
            challenge = await second_step(self, request, user)
            if challenge is not None:
                return challenge
        return await self.complete(request, user, source=source)

    async def after_password_claim(
        self, request: AuthRequest, user: UserRecord, session: AuthSession
    ) -> dict[str, Any]:
        """A PASSWORD_VERIFIER that checked: the rest of a password sign-in, or back to the
        custom sign-in that asked for it."""
        custom = session.data.get("custom")
        if custom is None:
            return await self._after_password(request, user)
        return await next_step(self, request, user, [*custom, step(PASSWORD_VERIFIER, True)])

    async def complete(
        self,
        request: AuthRequest,
        user: UserRecord,
        *,
        device_proven: bool = False,
        source: str = "TokenGeneration_Authentication",
    ) -> dict[str, Any]:
        """The end of a sign-in: the device's own proof if it named one, then the tokens.

        PostAuthentication and PreTokenGeneration run here, before anything is written. Tokens
        of a sign-in without a device carry NewDeviceMetadata when the pool tracks devices.
        """
        if request.device_key is not None and not device_proven:
            return await device_challenge(self, request, user)
        call = request.call(user)
        new_device = request.device_key is None and tracks_devices(request.pool)
        if request.hosted:
            await post_authentication(self.triggers, call, user, new_device=False)
            return {"Hosted": {"sub": user.sub}}
        await post_authentication(self.triggers, call, user, new_device=new_device)
        if device_proven:
            source = "TokenGeneration_AuthenticateDevice"
        overrides = await self.token_overrides(call, source, user)
        async with self._store.write() as tx:
            result = await self._tokens.issue(
                tx, request.client, user, device_key=request.device_key, overrides=overrides
            )
            if request.device_key is not None:
                await tx.devices.authenticated(request.device_key, ids.now_ms())
            elif tracks_devices(request.pool):
                result["NewDeviceMetadata"] = await self._devices.issue(tx, request.pool, user)
        return {"ChallengeParameters": {}, "AuthenticationResult": result}

    async def token_overrides(
        self, call: Call, source: str, user: UserRecord
    ) -> TokenOverrides | None:
        """What the pool's PreTokenGeneration function changes, if it has one."""
        if self.triggers.configured(call.pool, "PreTokenGeneration") is None:
            return None
        async with self._store.read() as tx:
            groups = await tx.groups.of_user(user.sub)
        return await pre_token_generation(self.triggers, call, source, user, groups, [ADMIN_SCOPE])

    def _challenge(
        self,
        request: AuthRequest,
        user: UserRecord,
        name: str,
        parameters: dict[str, str],
        *,
        data: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        return self.challenge_as(request, user.sub, user.username, name, parameters, data=data)

    def challenge_as(
        self,
        request: AuthRequest,
        sub: str,
        username: str,
        name: str,
        parameters: dict[str, str],
        *,
        data: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A challenge for ``sub`` (empty for a decoy: no answer to it can succeed)."""
        if request.device_key:
            data = {**(data or {}), "device_key": request.device_key}
        if request.hosted:
            data = {**(data or {}), "hosted": True}
        session = self._sessions.issue(
            pool_id=request.pool.id,
            client_id=request.client.id,
            sub=sub,
            username=username,
            challenge=name,
            validity_minutes=int(request.client.config.get("AuthSessionValidity", 3)),
            data=data,
        )
        return {"ChallengeName": name, "Session": session, "ChallengeParameters": parameters}

    def _new_password_challenge(self, request: AuthRequest, user: UserRecord) -> dict[str, Any]:
        """A user with a temporary password must choose a new one (and any required attribute)."""
        required = [
            entry["Name"]
            for entry in request.pool.config["SchemaAttributes"]
            if entry.get("Required")
            and entry["Name"] != "sub"
            and not user.attributes.get(entry["Name"])
        ]
        shown = {k: v for k, v in user.attributes.items() if not k.startswith("dev:")}
        session = self._sessions.issue(
            pool_id=request.pool.id,
            client_id=request.client.id,
            sub=user.sub,
            username=user.username,
            challenge="NEW_PASSWORD_REQUIRED",
            validity_minutes=int(request.client.config.get("AuthSessionValidity", 3)),
            data={"hosted": True} if request.hosted else None,
        )
        return {
            "ChallengeName": "NEW_PASSWORD_REQUIRED",
            "Session": session,
            "ChallengeParameters": {
                "USER_ID_FOR_SRP": user.username,
                "requiredAttributes": orjson.dumps(
                    [f"userAttributes.{n}" for n in required]
                ).decode(),
                "userAttributes": orjson.dumps(shown).decode(),
            },
        }

    async def hosted_sign_in(self, client_id: str, username: str, password: str) -> dict[str, Any]:
        """The hosted sign-in page: a password sign-in whatever the client's ExplicitAuthFlows,
        ending in ``{"Hosted": {"sub": ...}}`` or the next challenge."""
        async with self._store.read() as tx:
            client = await tx.clients.find(client_id)
            pool = None if client is None else await tx.pools.get(client.pool_id)
        if client is None or pool is None:
            raise ResourceNotFoundException(f"User pool client {client_id} does not exist.")
        parameters = {"USERNAME": username, "PASSWORD": password}
        return await self.password_flow(
            AuthRequest(pool, client, parameters, admin=False, hosted=True)
        )

    async def hosted_first_factor(
        self, client_id: str, username: str, factor: str | None = None
    ) -> dict[str, Any]:
        """The hosted sign-in page without a password: USER_AUTH with ``factor`` (WEB_AUTHN), or
        a one-time code — EMAIL_OTP, or SMS_OTP when only that is allowed —, whatever the
        client's ExplicitAuthFlows."""
        async with self._store.read() as tx:
            client = await tx.clients.find(client_id)
            pool = None if client is None else await tx.pools.get(client.pool_id)
        if client is None or pool is None:
            raise ResourceNotFoundException(f"User pool client {client_id} does not exist.")
        allowed = (
            pool.config.get("Policies", {})
            .get("SignInPolicy", {})
            .get("AllowedFirstAuthFactors", [])
        )
        if factor is None:
            factor = "EMAIL_OTP" if "EMAIL_OTP" in allowed else "SMS_OTP"
        parameters = {"USERNAME": username, "PREFERRED_CHALLENGE": factor}
        return await user_auth_flow(
            self, AuthRequest(pool, client, parameters, admin=False, hosted=True)
        )

    async def respond(
        self, params: dict[str, Any], *, admin: bool, hosted: bool = False
    ) -> dict[str, Any]:
        """RespondToAuthChallenge and its admin twin: a registry of challenge answers.

        ``hosted``: the hosted pages answer a challenge of their own sign-in (no SECRET_HASH).
        """
        async with self._store.read() as tx:
            client = await tx.clients.find(params["ClientId"])
            pool = None if client is None else await tx.pools.get(client.pool_id)
        if client is None or pool is None or (admin and pool.id != params.get("UserPoolId")):
            raise ResourceNotFoundException(
                f"User pool client {params['ClientId']} does not exist."
            )
        name = params["ChallengeName"]
        answer = CHALLENGES.get(name)
        if answer is None:
            raise UnsupportedOperationException(
                f"The {name} challenge is not available in this version of Cognitio yet."
            )
        responses = dict(params.get("ChallengeResponses") or {})
        session_token = params.get("Session") or _session_in_secret_block(name, responses)
        metadata = dict(params.get("ClientMetadata") or {})
        request = AuthRequest(pool, client, responses, admin, metadata=metadata)
        # pycognito sends no SECRET_HASH with DEVICE_SRP_AUTH; the device's proof follows.
        if not hosted and (name != DEVICE_SRP_AUTH or "SECRET_HASH" in responses):
            self.check_secret_hash(request, responses.get("USERNAME", ""))
        if not session_token:
            if name != DEVICE_SRP_AUTH:
                raise InvalidParameterException("Missing required parameter Session")
            session = await armed_session(self, request)
        else:
            if name == PASSWORD_VERIFIER and responses.get("DEVICE_KEY"):
                await self._check_device_first(request, session_token)
            # Spent in a transaction of its own: a wrong answer uses the session up as well.
            async with self._store.write() as tx:
                session = await self._sessions.spend(
                    tx, session_token, client_id=client.id, challenge=name
                )
        if hosted != bool(session.data.get("hosted")):
            # A hosted-page sign-in is finished on the hosted pages, and only there.
            raise NotAuthorizedException("Invalid session for the user.")
        device_key = session.data.get("device_key")
        request = replace(request, device_key=device_key, hosted=bool(session.data.get("hosted")))
        return await answer(self, request, session)

    async def _check_device_first(self, request: AuthRequest, session_token: str) -> None:
        """A PASSWORD_VERIFIER naming an unknown device fails *before* its block is used up.

        amazon-cognito-identity-js then sends the same answer without DEVICE_KEY, and Amplify
        signs the same SECRET_BLOCK again (``srp_spec.md`` section 4.4, step 2).
        """
        if not tracks_devices(request.pool):
            return
        session = self._sessions.peek(session_token)
        if session is None or not session.sub:
            return  # spending it fails next, as it should
        async with self._store.read() as tx:
            user = await tx.users.get(session.sub)
            if user is not None:
                await self._devices.confirmed(tx, user, request.parameters["DEVICE_KEY"])

    async def new_password(self, request: AuthRequest, session: AuthSession) -> dict[str, Any]:
        """NEW_PASSWORD_REQUIRED: the new password and any attributes, then MFA if it applies.

        The attributes are written as UpdateUserAttributes writes them: only what the client's
        WriteAttributes allow, never a verified flag, and a changed address loses its
        verification (security review #2). With the pool's MFA ON, or a user with a factor,
        the MFA challenge (or MFA_SETUP) follows before any token (fidelity finding A2).
        """
        responses = request.parameters
        password = responses.get("NEW_PASSWORD")
        if not password:
            raise InvalidParameterException("Missing required parameter NEW_PASSWORD")
        policy = request.pool.config["Policies"]["PasswordPolicy"]
        check_policy(password, policy, operation="RespondToAuthChallenge", member="NEW_PASSWORD")
        given = {
            key.removeprefix("userAttributes."): value
            for key, value in responses.items()
            if key.startswith("userAttributes.")
        }
        check_client_may_write(request.client.config, given)
        schema = schema_by_name(request.pool.config["SchemaAttributes"])
        async with self._store.write() as tx:
            user = await tx.users.get(session.sub, for_update=True)
            if user is None or user.status != "FORCE_CHANGE_PASSWORD":
                raise NotAuthorizedException("Invalid session for the user.")
            check_values(schema, given, existing=user.attributes)
            merged = {**user.attributes, **given}
            for name, entry in schema.items():
                if entry.get("Required") and name != "sub" and not merged.get(name):
                    raise InvalidParameterException(f"Invalid attributes given, {name} is missing")
            change = await change_attributes(tx, self._codes, request.pool, user, given)
            await self._passwords.check_reuse(tx, request.pool, user, password)
            credentials = await self._passwords.credentials(request.pool.id, user, password)
            changed = replace(user, attributes=change.attributes)
            user = await save(
                tx, request.pool, user, with_password(changed, credentials, "CONFIRMED")
            )
        if change.messages:
            await self._users.deliver(change.messages, call=request.call(user), user=user)
        return await self._second_factor(
            request, user, source="TokenGeneration_NewPasswordChallenge"
        )


def _session_in_secret_block(challenge: str, responses: dict[str, str]) -> str | None:
    """The verifier challenges carry their state in the SECRET_BLOCK, not in a Session."""
    block = responses.get("PASSWORD_CLAIM_SECRET_BLOCK")
    if challenge not in (PASSWORD_VERIFIER, DEVICE_PASSWORD_VERIFIER) or not block:
        return None
    try:
        raw = base64.b64decode(block, validate=True)
    except (binascii.Error, ValueError):
        return None
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


Answer = Callable[["Authenticator", AuthRequest, AuthSession], Awaitable[dict[str, Any]]]

CHALLENGES: dict[str, Answer] = {
    TOTP: software_token,
    MFA_SETUP: mfa_setup,
    SMS: answer_code,
    SMS_OTP: answer_code,
    EMAIL: answer_code,
    SELECT: answer_select,
    SELECT_CHALLENGE: answer_select_challenge,
    WEB_AUTHN: answer_web_authn,
    CUSTOM_CHALLENGE: answer_custom_challenge,
    "NEW_PASSWORD_REQUIRED": Authenticator.new_password,
    PASSWORD_VERIFIER: verify_password_claim,
    DEVICE_SRP_AUTH: answer_device_srp,
    DEVICE_PASSWORD_VERIFIER: answer_device_password,
}

FLOWS: dict[str, Flow] = {
    "USER_PASSWORD_AUTH": Authenticator.password_flow,
    "ADMIN_USER_PASSWORD_AUTH": Authenticator.password_flow,
    "ADMIN_NO_SRP_AUTH": Authenticator.password_flow,
    "REFRESH_TOKEN_AUTH": refresh_flow,
    "REFRESH_TOKEN": refresh_flow,
    "USER_SRP_AUTH": srp_flow,
    "USER_AUTH": user_auth_flow,
    "CUSTOM_AUTH": custom_auth_flow,
}

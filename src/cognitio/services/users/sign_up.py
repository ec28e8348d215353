"""Public user operations, named by an app client: SignUp, ConfirmSignUp, ResendConfirmationCode,
ForgotPassword and ConfirmForgotPassword (each as its Cognito API reference page describes).

These take no signature: the caller is identified by ClientId, and proves itself with a
:data:`~cognitio.services.clients.app_clients.ClientProof`: the SECRET_HASH an API caller sent
when the client has a secret, or the hosted pages' trusted path. With the client's
PreventUserExistenceErrors ENABLED, an unknown user gets the same answers a real one would, so
the operations do not reveal who has an account.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from cognitio.crypto.envelope import Envelope
from cognitio.errors import (
    CodeMismatchException,
    CognitoError,
    InvalidParameterException,
    NotAuthorizedException,
    UserNotFoundException,
)
from cognitio.messaging.messages import OutgoingMessage
from cognitio.services.clients.app_clients import ClientAuthenticator, ClientProof, resolve
from cognitio.services.clients.settings import client_settings
from cognitio.services.messages import codes as purposes
from cognitio.services.messages.codes import Codes
from cognitio.services.messages.notifications import (
    Destination,
    recovery_destination,
    sign_up_destination,
    verification_message,
)
from cognitio.services.messages.user_messages import UserMessages
from cognitio.services.pools.attributes import (
    VERIFIED_FLAGS,
    check_client_may_write,
    check_required,
    check_values,
)
from cognitio.services.pools.settings import pool_settings
from cognitio.services.security.passwords import check_policy
from cognitio.services.triggers.triggers import Call, Triggers, post_confirmation, pre_sign_up
from cognitio.services.users.accounts import (
    PasswordStore,
    check_username,
    find_user,
    new_user,
    save,
    save_new,
    with_password,
)
from cognitio.services.users.decoys import (
    DECOY_KEY_PURPOSE,
    decoy_attribute,
    decoy_destination,
    decoy_subject,
)
from cognitio.services.users.migration import ON_RESET, migrate
from cognitio.store.records import ClientRecord, UserPoolRecord, UserRecord
from cognitio.store.repositories import Store, Transaction

_NOT_FOUND = "Username/client id combination not found."


@dataclass(frozen=True, slots=True)
class SignUp:
    """SignUp: a new user with a password and attributes."""

    client_id: str
    username: str
    password: str | None = field(repr=False)
    proof: ClientProof
    attributes: dict[str, str] = field(default_factory=dict)
    validation_data: dict[str, str] | None = None
    client_metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SignUpResult:
    """A signed-up user: its sub, whether PreSignUp confirmed it, and where its code went."""

    user_sub: str
    confirmed: bool
    delivery: Destination | None


@dataclass(frozen=True, slots=True)
class ConfirmSignUp:
    """ConfirmSignUp: the code sent at sign-up."""

    client_id: str
    username: str
    code: str = field(repr=False)
    proof: ClientProof
    force_alias_creation: bool = False
    client_metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ResendConfirmationCode:
    """ResendConfirmationCode: a new sign-up code."""

    client_id: str
    username: str
    proof: ClientProof
    client_metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ForgotPassword:
    """ForgotPassword: a code to reset the password with."""

    client_id: str
    username: str
    proof: ClientProof
    client_metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ConfirmForgotPassword:
    """ConfirmForgotPassword: the reset code and the new password."""

    client_id: str
    username: str
    code: str = field(repr=False)
    password: str = field(repr=False)
    proof: ClientProof
    client_metadata: Mapping[str, str] = field(default_factory=dict)


SelfServiceCommand = (
    SignUp | ConfirmSignUp | ResendConfirmationCode | ForgotPassword | ConfirmForgotPassword
)


def _hides_users(client: ClientRecord) -> bool:
    return client_settings(client).prevent_user_existence_errors


class SelfService:
    """Operations a user performs through an app client."""

    def __init__(
        self,
        store: Store,
        envelope: Envelope,
        passwords: PasswordStore,
        codes: Codes,
        messages: UserMessages,
        triggers: Triggers,
    ) -> None:
        self._store = store
        self._triggers = triggers
        self._envelope = envelope
        self._clients = ClientAuthenticator(envelope)
        self._passwords = passwords
        self._codes = codes
        self._messages = messages

    async def _client(
        self, tx: Transaction, command: SelfServiceCommand
    ) -> tuple[ClientRecord, UserPoolRecord]:
        """The command's app client and pool, once its proof holds."""
        found = await resolve(tx, command.client_id)
        self._clients.check_proof(found.client, command.proof, command.username)
        return found.client, found.pool

    async def sign_up(self, command: SignUp) -> SignUpResult:
        async with self._store.read() as tx:
            client, pool = await self._client(tx, command)
        if pool_settings(pool).allow_admin_create_user_only:
            raise NotAuthorizedException("SignUp is not permitted for this user pool")
        schema = pool_settings(pool).schema_by_name
        attributes = dict(command.attributes)
        check_client_may_write(client_settings(client).write_attributes, attributes)
        check_values(schema, attributes)
        attributes = {**attributes, **check_username(pool, command.username)}
        check_required(schema, attributes)
        password = command.password
        if password is None:
            raise InvalidParameterException("A password is required to sign up.")
        check_policy(password, pool_settings(pool).password_policy)
        user = new_user(pool, command.username, attributes, "UNCONFIRMED")
        call = Call(pool, user.username, client.id, dict(command.client_metadata))
        decision = await pre_sign_up(
            self._triggers, call, "PreSignUp_SignUp", attributes, command.validation_data or None
        )
        attributes = decision.apply(attributes)
        status = "CONFIRMED" if decision.confirm else "UNCONFIRMED"
        user = replace(user, attributes=attributes, status=status)
        user = with_password(
            user, await self._passwords.credentials(pool.id, user, password), status
        )
        destination = (
            None if decision.confirm else sign_up_destination(pool_settings(pool), attributes)
        )
        message = None
        async with self._store.write() as tx:
            user = await save_new(tx, pool, user)
            if destination is not None:
                code = await self._codes.issue_for_message(
                    tx, user.sub, purposes.SIGN_UP, (pool.id, destination.address)
                )
                if code is not None:
                    message = verification_message(
                        pool.id, pool_settings(pool), destination, code, "CustomMessage_SignUp"
                    )
        if message is not None:
            await self._messages.deliver([message], call=call, user=user)
        if decision.confirm:
            # Confirmed by PreSignUp: PostConfirmation runs as for ConfirmSignUp, once the user
            # exists, so the function can act on it (add it to a group, say).
            await post_confirmation(self._triggers, call, "PostConfirmation_ConfirmSignUp", user)
        return SignUpResult(user.sub, decision.confirm, destination)

    async def _before_confirming(
        self,
        command: ConfirmSignUp | ConfirmForgotPassword,
        purpose: str,
        source: str,
        confirmed: Confirm,
    ) -> None:
        """Run PostConfirmation when the code is right, before anything is changed: a function
        that refuses leaves the user, and the code, as they were."""
        async with self._store.read() as tx:
            client, pool = await self._client(tx, command)
            if self._triggers.configured(pool, "PostConfirmation") is None:
                return
            user = await find_user(tx, pool, command.username)
            if user is None or not await self._codes.matches(tx, user.sub, purpose, command.code):
                return  # the change below fails with the right error
        changed = confirmed(pool, user)
        if changed is None:
            return
        call = Call(pool, user.username, client.id, dict(command.client_metadata))
        await post_confirmation(self._triggers, call, source, changed)

    async def confirm_sign_up(self, command: ConfirmSignUp) -> None:
        await self._before_confirming(
            command, purposes.SIGN_UP, "PostConfirmation_ConfirmSignUp", _confirmed_sign_up
        )
        failure: CognitoError | None = None
        async with self._store.write() as tx:
            client, pool = await self._client(tx, command)
            user = await find_user(tx, pool, command.username, for_update=True)
            if user is None:
                if _hides_users(client):
                    raise CodeMismatchException(
                        "Invalid verification code provided, please try again."
                    )
                raise UserNotFoundException(_NOT_FOUND)
            if user.status != "UNCONFIRMED":
                raise NotAuthorizedException(
                    f"User cannot be confirmed. Current status is {user.status}"
                )
            failure = await self._codes.consume(tx, user.sub, purposes.SIGN_UP, command.code)
            if failure is None:
                confirmed = _confirmed_sign_up(pool, user)
                assert confirmed is not None  # the user is UNCONFIRMED, checked above
                await save(tx, pool, user, confirmed, force_alias=command.force_alias_creation)
        if failure is not None:
            raise failure

    async def resend_confirmation_code(self, command: ResendConfirmationCode) -> Destination:
        """Where the new code went (made up, for an unknown user of a client that hides them)."""
        async with self._store.write() as tx:
            client, pool = await self._client(tx, command)
            user = await find_user(tx, pool, command.username, for_update=True)
            if user is None:
                return await self._pretend(tx, client, pool, command.username)
            if user.status != "UNCONFIRMED":
                raise InvalidParameterException("User is already confirmed.")
            destination = sign_up_destination(pool_settings(pool), user.attributes)
            if destination is None:
                raise InvalidParameterException(
                    "Auto verification not turned on for this user pool, or the user has no "
                    "address to verify."
                )
            code = await self._codes.issue_for_message(
                tx, user.sub, purposes.SIGN_UP, (pool.id, destination.address)
            )
            messages = (
                []
                if code is None
                else [
                    verification_message(
                        pool.id, pool_settings(pool), destination, code, "CustomMessage_ResendCode"
                    )
                ]
            )
        call = Call(pool, user.username, client.id, dict(command.client_metadata))
        await self._messages.deliver(messages, call=call, user=user, later=_hides_users(client))
        return destination

    async def forgot_password(self, command: ForgotPassword) -> Destination:
        """Where the reset code went (made up, for a user a hiding client does not reveal)."""
        async with self._store.read() as tx:
            client, pool = await self._client(tx, command)
            known = await find_user(tx, pool, command.username)
        if known is None:
            call = Call(pool, command.username, client.id, dict(command.client_metadata))
            await migrate(self._store, self._passwords, self._triggers, call, ON_RESET, None)
        async with self._store.write() as tx:
            user = await find_user(tx, pool, command.username, for_update=True)
            destination = (
                None if user is None else recovery_destination(pool_settings(pool), user.attributes)
            )
            if user is None or (_hides_users(client) and (destination is None or not user.enabled)):
                return await self._pretend(tx, client, pool, command.username, recovery=True)
            if not user.enabled:
                raise NotAuthorizedException("User is disabled.")
            if destination is None:
                raise InvalidParameterException(
                    "Cannot reset password for the user as there is no registered/verified "
                    "email or phone_number"
                )
            code = await self._codes.issue_for_message(
                tx, user.sub, purposes.RESET, (pool.id, destination.address)
            )
            messages: list[OutgoingMessage] = (
                []
                if code is None
                else [
                    verification_message(
                        pool.id,
                        pool_settings(pool),
                        destination,
                        code,
                        "CustomMessage_ForgotPassword",
                    )
                ]
            )
        call = Call(pool, user.username, client.id, dict(command.client_metadata))
        await self._messages.deliver(messages, call=call, user=user, later=_hides_users(client))
        return destination

    async def confirm_forgot_password(self, command: ConfirmForgotPassword) -> None:
        async with self._store.read() as tx:
            client, pool = await self._client(tx, command)
        check_policy(
            command.password,
            pool_settings(pool).password_policy,
            operation="ConfirmForgotPassword",
        )
        await self._before_confirming(
            command, purposes.RESET, "PostConfirmation_ConfirmForgotPassword", _reset
        )
        failure: CognitoError | None = None
        async with self._store.write() as tx:
            user = await find_user(tx, pool, command.username, for_update=True)
            if user is None:
                if _hides_users(client):
                    raise CodeMismatchException(
                        "Invalid verification code provided, please try again."
                    )
                raise UserNotFoundException(_NOT_FOUND)
            failure = await self._codes.consume(tx, user.sub, purposes.RESET, command.code)
            if failure is None:
                await self._passwords.check_reuse(tx, pool, user, command.password)
                credentials = await self._passwords.credentials(pool.id, user, command.password)
                status = "UNCONFIRMED" if user.status == "UNCONFIRMED" else "CONFIRMED"
                await save(tx, pool, user, with_password(user, credentials, status))
                await tx.hosted_sessions.end_all(user.sub)  # signs the pages out
        if failure is not None:
            raise failure

    async def _pretend(
        self,
        tx: Transaction,
        client: ClientRecord,
        pool: UserPoolRecord,
        username: str,
        *,
        recovery: bool = False,
    ) -> Destination:
        """What an unknown user gets when the client hides whether users exist: a made-up
        destination, stable and plausible (security review #8), under the same message limits
        as a real user's code."""
        if not _hides_users(client):
            raise UserNotFoundException(_NOT_FOUND)
        attribute = decoy_attribute(pool_settings(pool), recovery=recovery)
        key = self._envelope.derive_key(DECOY_KEY_PURPOSE)
        destination = decoy_destination(key, pool.id, username, attribute)
        sub = decoy_subject(key, pool.id, username)
        kind = purposes.RESET if recovery else purposes.SIGN_UP
        await self._codes.limit_message(tx, sub, kind, pool.id, destination.address, decoy=True)
        return destination


Confirm = Callable[[UserPoolRecord, UserRecord], UserRecord | None]


def _confirmed_sign_up(pool: UserPoolRecord, user: UserRecord) -> UserRecord | None:
    """The user ConfirmSignUp makes: CONFIRMED, the address the code went to verified."""
    if user.status != "UNCONFIRMED":
        return None
    attributes = dict(user.attributes)
    destination = sign_up_destination(pool_settings(pool), attributes)
    if destination is not None:
        attributes[VERIFIED_FLAGS[destination.attribute]] = "true"
    return replace(user, status="CONFIRMED", attributes=attributes)


def _reset(_pool: UserPoolRecord, user: UserRecord) -> UserRecord | None:
    """The user ConfirmForgotPassword makes (its new password aside)."""
    return replace(user, status="UNCONFIRMED" if user.status == "UNCONFIRMED" else "CONFIRMED")

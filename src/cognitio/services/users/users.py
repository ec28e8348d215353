"""Admin user operations (IAM-authorised): create, get, delete, enable, disable, attributes,
confirmation and passwords. Behaviour follows each operation's page in the Cognito API reference.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from cognitio.errors import (
    InvalidParameterException,
    NotAuthorizedException,
    UnsupportedUserStateException,
)
from cognitio.messaging.messages import OutgoingMessage
from cognitio.services.messages import codes as code_purposes
from cognitio.services.messages.codes import Codes
from cognitio.services.messages.notifications import (
    Destination,
    invitation_message,
    recovery_destination,
    verification_message,
)
from cognitio.services.messages.user_messages import UserMessages
from cognitio.services.pools.attributes import check_values
from cognitio.services.pools.settings import pool_settings
from cognitio.services.pools.user_pools import Caller, load_pool
from cognitio.services.security.passwords import (
    PasswordPolicy,
    check_policy,
    generate_temporary_password,
)
from cognitio.services.sts.revocations import now_ms, revoke_signed_out_user
from cognitio.services.tokens.sign_out import sign_out_everywhere
from cognitio.services.triggers.triggers import Call, Triggers, post_confirmation, pre_sign_up
from cognitio.services.users.accounts import (
    PasswordStore,
    SignInCache,
    check_username,
    find_user,
    new_user,
    require_user,
    save,
    save_new,
    user_not_found,
    with_password,
)
from cognitio.services.users.attribute_changes import change_attributes, without_attributes
from cognitio.store.records import MfaRecord, UserPoolRecord, UserRecord
from cognitio.store.repositories import Store


@dataclass(frozen=True, slots=True)
class AdminCreateUser:
    """AdminCreateUser, or (``message_action`` RESEND) a new invitation for the user."""

    pool_id: str
    username: str
    attributes: dict[str, str] = field(default_factory=dict)
    validation_data: dict[str, str] | None = None
    temporary_password: str | None = field(default=None, repr=False)
    message_action: Literal["RESEND", "SUPPRESS"] | None = None
    desired_delivery_mediums: tuple[str, ...] = ("SMS",)
    force_alias_creation: bool = False
    client_metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AdminUpdateUserAttributes:
    """AdminUpdateUserAttributes: attribute values to set."""

    pool_id: str
    username: str
    attributes: dict[str, str]
    client_metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AdminDeleteUserAttributes:
    """AdminDeleteUserAttributes: attribute names to remove."""

    pool_id: str
    username: str
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AdminSetUserPassword:
    """AdminSetUserPassword: a temporary password, or a permanent one."""

    pool_id: str
    username: str
    password: str = field(repr=False)
    permanent: bool = False


@dataclass(frozen=True, slots=True)
class AdminResetUserPassword:
    """AdminResetUserPassword: send the user a reset code."""

    pool_id: str
    username: str
    client_metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AdminUser:
    """AdminGetUser's user and its MFA settings (None when it has none)."""

    user: UserRecord
    factors: MfaRecord | None


def _policy(pool: UserPoolRecord) -> PasswordPolicy:
    return pool_settings(pool).password_policy


class Users:
    """The Admin* user operations."""

    def __init__(
        self,
        store: Store,
        passwords: PasswordStore,
        codes: Codes,
        messages: UserMessages,
        sign_in: SignInCache,
        triggers: Triggers,
    ) -> None:
        self._store = store
        self._sign_in = sign_in
        self._triggers = triggers
        self._passwords = passwords
        self._codes = codes
        self._messages = messages

    async def create(self, caller: Caller, command: AdminCreateUser) -> UserRecord:
        async with self._store.read() as tx:
            pool = await load_pool(tx, caller, command.pool_id)
        if command.message_action == "RESEND":
            return await self._resend_invitation(caller, pool, command)
        attributes = dict(command.attributes)
        check_values(pool_settings(pool).schema_by_name, attributes)
        attributes = {**attributes, **check_username(pool, command.username)}
        # Required attributes may be missing here: the user supplies them with the new password
        # (NEW_PASSWORD_REQUIRED names them in requiredAttributes).
        if command.message_action != "SUPPRESS":
            _check_mediums(command.desired_delivery_mediums, attributes)
        password = command.temporary_password
        if password is None:
            password = generate_temporary_password(_policy(pool))
        else:
            check_policy(
                password, _policy(pool), operation="AdminCreateUser", member="temporaryPassword"
            )
        user = new_user(pool, command.username, attributes, "FORCE_CHANGE_PASSWORD")
        call = Call(pool, user.username, None, dict(command.client_metadata))
        decision = await pre_sign_up(
            self._triggers,
            call,
            "PreSignUp_AdminCreateUser",
            attributes,
            command.validation_data or None,
        )
        # An administrator's user still sets a password first: only the addresses change.
        user = replace(user, attributes=decision.apply(attributes))
        user = with_password(
            user,
            await self._passwords.credentials(pool.id, user, password),
            "FORCE_CHANGE_PASSWORD",
        )
        async with self._store.write() as tx:
            await save_new(
                tx,
                pool,
                user,
                force_alias=command.force_alias_creation,
                exists_message="User account already exists",
            )
        if command.message_action != "SUPPRESS":
            await self._messages.deliver(
                self._invitations(pool, user, password, command), call=call, user=user
            )
        return user

    def _invitations(
        self, pool: UserPoolRecord, user: UserRecord, password: str, command: AdminCreateUser
    ) -> list[OutgoingMessage]:
        messages = []
        for medium in command.desired_delivery_mediums:
            attribute = "email" if medium == "EMAIL" else "phone_number"
            address = user.attributes.get(attribute)
            if not address:
                continue  # checked before the user was created
            destination = Destination(attribute, address)
            messages.append(
                invitation_message(
                    pool.id, pool_settings(pool), destination, user.username, password
                )
            )
        return messages

    async def _resend_invitation(
        self, caller: Caller, pool: UserPoolRecord, command: AdminCreateUser
    ) -> UserRecord:
        password = command.temporary_password or generate_temporary_password(_policy(pool))
        check_policy(
            password, _policy(pool), operation="AdminCreateUser", member="temporaryPassword"
        )
        async with self._store.write() as tx:
            user = await require_user(tx, pool, command.username, for_update=True)
            if user.status != "FORCE_CHANGE_PASSWORD":
                raise UnsupportedUserStateException(
                    f"Resend not possible. {user.username} status is not FORCE_CHANGE_PASSWORD."
                )
            credentials = await self._passwords.credentials(pool.id, user, password)
            user = await save(
                tx, pool, user, with_password(user, credentials, "FORCE_CHANGE_PASSWORD")
            )
        # RESEND is the message action here, so the invitation always goes.
        call = Call(pool, user.username, None, dict(command.client_metadata))
        await self._messages.deliver(
            self._invitations(pool, user, password, command), call=call, user=user
        )
        return user

    async def get(self, caller: Caller, pool_id: str, username: str) -> AdminUser:
        async with self._store.read() as tx:
            rules = await self._sign_in.rules(tx, caller, pool_id)
            user = await find_user(tx, rules, username)
            if user is None:
                await load_pool(tx, caller, pool_id)  # gone since cached: not found as a pool
                raise user_not_found()
            factors = await tx.mfa.get(user.sub)
        return AdminUser(user, factors)

    async def delete(self, caller: Caller, pool_id: str, username: str) -> None:
        async with self._store.write() as tx:
            pool = await load_pool(tx, caller, pool_id)
            user = await require_user(tx, pool, username, for_update=True)
            await tx.users.delete(user.sub)
            # Identities linked to the user (ServerSideTokenCheck) lose their credentials.
            await revoke_signed_out_user(tx, user.pool_id, user.sub, now_ms())

    async def set_enabled(self, caller: Caller, pool_id: str, username: str, enabled: bool) -> None:
        """AdminEnableUser / AdminDisableUser. Disabling "revokes all access tokens for the
        user" (AdminDisableUser reference): an enable later brings none of them back."""
        async with self._store.write() as tx:
            pool = await load_pool(tx, caller, pool_id)
            user = await require_user(tx, pool, username, for_update=True)
            await save(tx, pool, user, replace(user, enabled=enabled))
            if not enabled:
                await sign_out_everywhere(tx, user)

    async def global_sign_out(self, caller: Caller, pool_id: str, username: str) -> None:
        """AdminUserGlobalSignOut: every sign-in of the user ends (tokens and hosted sessions)."""
        async with self._store.write() as tx:
            pool = await load_pool(tx, caller, pool_id)
            user = await require_user(tx, pool, username, for_update=True)
            await sign_out_everywhere(tx, user)

    async def confirm(
        self, caller: Caller, pool_id: str, username: str, metadata: Mapping[str, str]
    ) -> None:
        """AdminConfirmSignUp; PostConfirmation runs first, and may refuse."""

        def confirm(_pool: UserPoolRecord, user: UserRecord) -> UserRecord:
            if user.status != "UNCONFIRMED":
                raise NotAuthorizedException(
                    f"User cannot be confirmed. Current status is {user.status}"
                )
            return replace(user, status="CONFIRMED")

        async with self._store.read() as tx:
            pool = await load_pool(tx, caller, pool_id)
            user = await require_user(tx, pool, username)
        if self._triggers.configured(pool, "PostConfirmation") is not None:
            call = Call(pool, user.username, None, dict(metadata))
            await post_confirmation(
                self._triggers, call, "PostConfirmation_ConfirmSignUp", confirm(pool, user)
            )
        await self._change(caller, pool_id, username, confirm)

    async def update_attributes(self, caller: Caller, command: AdminUpdateUserAttributes) -> None:
        async with self._store.write() as tx:
            pool = await load_pool(tx, caller, command.pool_id)
            user = await require_user(tx, pool, command.username, for_update=True)
            given = command.attributes
            change = await change_attributes(tx, self._codes, pool, user, given)
            user = await save(tx, pool, user, replace(user, attributes=change.attributes))
        call = Call(pool, user.username, None, dict(command.client_metadata))
        await self._messages.deliver(change.messages, call=call, user=user)

    async def delete_attributes(self, caller: Caller, command: AdminDeleteUserAttributes) -> None:
        def remove(pool: UserPoolRecord, user: UserRecord) -> UserRecord:
            kept = without_attributes(pool, user, command.names)
            return replace(user, attributes=kept)

        await self._change(caller, command.pool_id, command.username, remove)

    async def set_password(self, caller: Caller, command: AdminSetUserPassword) -> None:
        password, permanent = command.password, command.permanent
        async with self._store.read() as tx:
            pool = await load_pool(tx, caller, command.pool_id)
        check_policy(password, _policy(pool), operation="AdminSetUserPassword")
        async with self._store.write() as tx:
            user = await require_user(tx, pool, command.username, for_update=True)
            await self._passwords.check_reuse(tx, pool, user, password)
            credentials = await self._passwords.credentials(pool.id, user, password)
            status = "CONFIRMED" if permanent else "FORCE_CHANGE_PASSWORD"
            await save(tx, pool, user, with_password(user, credentials, status))
            await tx.hosted_sessions.end_all(user.sub)  # a new password signs the pages out

    async def reset_password(self, caller: Caller, command: AdminResetUserPassword) -> None:
        message = None
        async with self._store.write() as tx:
            pool = await load_pool(tx, caller, command.pool_id)
            user = await require_user(tx, pool, command.username, for_update=True)
            destination = recovery_destination(pool_settings(pool), user.attributes)
            if destination is None:
                raise InvalidParameterException(
                    "Cannot reset password for the user as there is no registered/verified "
                    "email or phone_number"
                )
            if user.status in ("UNCONFIRMED", "FORCE_CHANGE_PASSWORD"):
                raise NotAuthorizedException("User password cannot be reset in the current state.")
            code = await self._codes.issue(tx, user.sub, code_purposes.RESET)
            message = verification_message(
                pool.id, pool_settings(pool), destination, code, "CustomMessage_ForgotPassword"
            )
            user = await save(tx, pool, user, replace(user, status="RESET_REQUIRED"))
            await tx.hosted_sessions.end_all(user.sub)  # a reset signs the pages out
        call = Call(pool, user.username, None, dict(command.client_metadata))
        await self._messages.deliver([message], call=call, user=user)

    async def _change(
        self,
        caller: Caller,
        pool_id: str,
        username: str,
        change: Callable[[UserPoolRecord, UserRecord], UserRecord],
    ) -> UserRecord:
        async with self._store.write() as tx:
            pool = await load_pool(tx, caller, pool_id)
            user = await require_user(tx, pool, username, for_update=True)
            return await save(tx, pool, user, change(pool, user))


def _check_mediums(mediums: tuple[str, ...], attributes: dict[str, str]) -> None:
    if "EMAIL" in mediums and not attributes.get("email"):
        raise InvalidParameterException("No email provided but desired delivery medium was Email")

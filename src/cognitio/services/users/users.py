"""Admin user operations (IAM-authorised): create, get, delete, enable, disable, attributes,
confirmation and passwords. Behaviour follows each operation's page in the Cognito API reference.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from cognitio.errors import (
    CodeDeliveryFailureException,
    InvalidParameterException,
    NotAuthorizedException,
    UnsupportedUserStateException,
)
from cognitio.messaging.delivery import DeliveryError, Messenger
from cognitio.messaging.messages import OutgoingMessage
from cognitio.services.messages import codes as code_purposes
from cognitio.services.messages.codes import Codes
from cognitio.services.messages.notifications import (
    Destination,
    invitation_message,
    recovery_destination,
    verification_message,
)
from cognitio.services.mfa.mfa import view as mfa_view
from cognitio.services.pools.attributes import (
    as_dict,
    check_values,
    schema_by_name,
)
from cognitio.services.pools.user_pools import Caller, load_pool
from cognitio.services.security.passwords import check_policy, generate_temporary_password
from cognitio.services.tokens.sign_out import sign_out_everywhere
from cognitio.services.triggers.message_triggers import custom_messages, hand_to_senders
from cognitio.services.triggers.triggers import Call, Triggers, post_confirmation, pre_sign_up
from cognitio.services.users.accounts import (
    PasswordStore,
    SignInCache,
    admin_get_view,
    check_username,
    find_user,
    new_user,
    require_user,
    save,
    save_new,
    user_not_found,
    user_view,
    with_password,
)
from cognitio.services.users.attribute_changes import change_attributes, without_attributes
from cognitio.store.records import UserPoolRecord, UserRecord
from cognitio.store.repositories import Store

log = logging.getLogger(__name__)
# Messages sent after their answer (deliver(later=True)): how many may wait, and how many are
# sent at once (fewer than the trigger threads, so a trigger's timeout runs only while it runs).
_LATER_QUEUE = 10_000
_LATER_WORKERS = 8
_Delivery = tuple[list[OutgoingMessage], Call | None, UserRecord | None]


def _schema(pool: UserPoolRecord) -> dict[str, Any]:
    return schema_by_name(pool.config["SchemaAttributes"])


def _policy(pool: UserPoolRecord) -> dict[str, Any]:
    policy: dict[str, Any] = pool.config["Policies"]["PasswordPolicy"]
    return policy


class Users:
    """The Admin* user operations."""

    def __init__(
        self,
        store: Store,
        passwords: PasswordStore,
        codes: Codes,
        messenger: Messenger,
        sign_in: SignInCache,
        triggers: Triggers,
    ) -> None:
        self._store = store
        self._sign_in = sign_in
        self._triggers = triggers
        self._passwords = passwords
        self._codes = codes
        self._messenger = messenger
        # Deliveries after their answer went out (deliver(later=True)): a bounded queue and a
        # few workers, made on first use (inside the event loop).
        self._later: asyncio.Queue[_Delivery] | None = None
        self._workers: list[asyncio.Task[None]] = []

    async def deliver(
        self,
        messages: list[OutgoingMessage],
        *,
        call: Call | None = None,
        user: UserRecord | None = None,
        later: bool = False,
    ) -> None:
        """Send after commit: a failed delivery loses nothing, the caller can resend.

        With the trigger context (``call``, ``user``), the pool's CustomEmailSender and
        CustomSMSSender functions take the messages they send, and its CustomMessage function
        words the rest first.

        ``later``: send once the answer has gone out, for an app client that hides whether
        users exist: a made-up answer sends nothing, so a real one must not wait for the
        message (or the functions that word it) either, nor fail when delivery does (the
        failure is logged). They wait in a bounded queue for a few workers, so a flood of
        them costs bounded memory and never more trigger threads than the workers; when the
        queue is full the caller sends its own, as without ``later``.
        """
        if later and messages:
            queue = self._later_queue()
            if not queue.full():
                queue.put_nowait((messages, call, user))
                return
        if call is not None and user is not None:
            messages = await hand_to_senders(self._triggers, call, user, messages)
            messages = await custom_messages(self._triggers, call, user, messages)
        for message in messages:
            try:
                await self._messenger.deliver(message)
            except DeliveryError as error:
                raise CodeDeliveryFailureException(
                    f"Unable to deliver the message to the {message.channel} destination: {error}"
                ) from None

    def _later_queue(self) -> asyncio.Queue[_Delivery]:
        if self._later is None:
            self._later = asyncio.Queue(maxsize=_LATER_QUEUE)
            self._workers = [asyncio.create_task(self._work()) for _ in range(_LATER_WORKERS)]
        return self._later

    async def _work(self) -> None:
        assert self._later is not None
        while True:
            messages, call, user = await self._later.get()
            try:
                await self._deliver_logged(messages, call, user)
            finally:
                self._later.task_done()

    async def _deliver_logged(
        self, messages: list[OutgoingMessage], call: Call | None, user: UserRecord | None
    ) -> None:
        try:
            await self.deliver(messages, call=call, user=user)
        except Exception as error:  # no one to answer: the log says what failed, not the message
            first = messages[0]
            attribute = "email" if first.channel == "email" else "phone_number"
            shown = Destination(attribute, first.to).details()["Destination"]
            log.warning(
                "a code message was not delivered: %s (pool %s, to %s)",
                type(error).__name__,
                first.user_pool_id,
                shown,
            )

    async def close(self, timeout_s: float = 10.0) -> None:
        """Send the messages still waiting (for up to ``timeout_s``), then stop the workers."""
        if self._later is None:
            return
        try:
            await asyncio.wait_for(self._later.join(), timeout_s)
        except TimeoutError:
            log.warning("%d code messages were not sent before shutdown", self._later.qsize())
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._later, self._workers = None, []

    async def create(self, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
        async with self._store.read() as tx:
            pool = await load_pool(tx, caller, params["UserPoolId"])
        if params.get("MessageAction") == "RESEND":
            return await self._resend_invitation(caller, pool, params)
        attributes = as_dict(params.get("UserAttributes"))
        schema = _schema(pool)
        check_values(schema, attributes)
        attributes = {**attributes, **check_username(pool, params["Username"])}
        # Required attributes may be missing here: the user supplies them with the new password
        # (NEW_PASSWORD_REQUIRED names them in requiredAttributes).
        if params.get("MessageAction") != "SUPPRESS":
            _check_mediums(params.get("DesiredDeliveryMediums") or ["SMS"], attributes)
        password = params.get("TemporaryPassword")
        if password is None:
            password = generate_temporary_password(_policy(pool))
        else:
            check_policy(
                password, _policy(pool), operation="AdminCreateUser", member="temporaryPassword"
            )
        user = new_user(pool, params["Username"], attributes, "FORCE_CHANGE_PASSWORD")
        call = Call(pool, user.username, None, params.get("ClientMetadata") or {})
        decision = await pre_sign_up(
            self._triggers,
            call,
            "PreSignUp_AdminCreateUser",
            attributes,
            as_dict(params.get("ValidationData")) or None,
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
                force_alias=bool(params.get("ForceAliasCreation")),
                exists_message="User account already exists",
            )
        if params.get("MessageAction") != "SUPPRESS":
            await self.deliver(
                self._invitations(pool, user, password, params), call=call, user=user
            )
        return {"User": user_view(user)}

    def _invitations(
        self, pool: UserPoolRecord, user: UserRecord, password: str, params: dict[str, Any]
    ) -> list[OutgoingMessage]:
        mediums = params.get("DesiredDeliveryMediums") or ["SMS"]
        messages = []
        for medium in mediums:
            attribute = "email" if medium == "EMAIL" else "phone_number"
            address = user.attributes.get(attribute)
            if not address:
                continue  # checked before the user was created
            destination = Destination(attribute, address)
            messages.append(
                invitation_message(pool.id, pool.config, destination, user.username, password)
            )
        return messages

    async def _resend_invitation(
        self, caller: Caller, pool: UserPoolRecord, params: dict[str, Any]
    ) -> dict[str, Any]:
        password = params.get("TemporaryPassword") or generate_temporary_password(_policy(pool))
        check_policy(
            password, _policy(pool), operation="AdminCreateUser", member="temporaryPassword"
        )
        async with self._store.write() as tx:
            user = await require_user(tx, pool, params["Username"], for_update=True)
            if user.status != "FORCE_CHANGE_PASSWORD":
                raise UnsupportedUserStateException(
                    f"Resend not possible. {user.username} status is not FORCE_CHANGE_PASSWORD."
                )
            credentials = await self._passwords.credentials(pool.id, user, password)
            user = await save(
                tx, pool, user, with_password(user, credentials, "FORCE_CHANGE_PASSWORD")
            )
        if params.get("MessageAction") != "SUPPRESS":
            call = Call(pool, user.username, None, params.get("ClientMetadata") or {})
            await self.deliver(
                self._invitations(pool, user, password, params), call=call, user=user
            )
        return {"User": user_view(user)}

    async def get(self, caller: Caller, pool_id: str, username: str) -> dict[str, Any]:
        async with self._store.read() as tx:
            rules = await self._sign_in.rules(tx, caller, pool_id)
            user = await find_user(tx, rules, username)
            if user is None:
                await load_pool(tx, caller, pool_id)  # gone since cached: not found as a pool
                raise user_not_found()
            factors = await tx.mfa.get(user.sub)
        return {**admin_get_view(user), **mfa_view(factors)}

    async def delete(self, caller: Caller, pool_id: str, username: str) -> None:
        async with self._store.write() as tx:
            pool = await load_pool(tx, caller, pool_id)
            user = await require_user(tx, pool, username, for_update=True)
            await tx.users.delete(user.sub)

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
        self, caller: Caller, pool_id: str, username: str, metadata: dict[str, str]
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
            call = Call(pool, user.username, None, metadata)
            await post_confirmation(
                self._triggers, call, "PostConfirmation_ConfirmSignUp", confirm(pool, user)
            )
        await self._change(caller, pool_id, username, confirm)

    async def update_attributes(self, caller: Caller, params: dict[str, Any]) -> None:
        async with self._store.write() as tx:
            pool = await load_pool(tx, caller, params["UserPoolId"])
            user = await require_user(tx, pool, params["Username"], for_update=True)
            given = as_dict(params["UserAttributes"])
            change = await change_attributes(tx, self._codes, pool, user, given)
            user = await save(tx, pool, user, replace(user, attributes=change.attributes))
        call = Call(pool, user.username, None, params.get("ClientMetadata") or {})
        await self.deliver(change.messages, call=call, user=user)

    async def delete_attributes(self, caller: Caller, params: dict[str, Any]) -> None:
        def remove(pool: UserPoolRecord, user: UserRecord) -> UserRecord:
            kept = without_attributes(pool, user, params["UserAttributeNames"])
            return replace(user, attributes=kept)

        await self._change(caller, params["UserPoolId"], params["Username"], remove)

    async def set_password(self, caller: Caller, params: dict[str, Any]) -> None:
        password, permanent = params["Password"], bool(params.get("Permanent", False))
        async with self._store.read() as tx:
            pool = await load_pool(tx, caller, params["UserPoolId"])
        check_policy(password, _policy(pool), operation="AdminSetUserPassword")
        async with self._store.write() as tx:
            user = await require_user(tx, pool, params["Username"], for_update=True)
            await self._passwords.check_reuse(tx, pool, user, password)
            credentials = await self._passwords.credentials(pool.id, user, password)
            status = "CONFIRMED" if permanent else "FORCE_CHANGE_PASSWORD"
            await save(tx, pool, user, with_password(user, credentials, status))
            await tx.tokens.end_hosted_sessions(user.sub)  # a new password signs the pages out

    async def reset_password(self, caller: Caller, params: dict[str, Any]) -> None:
        message = None
        async with self._store.write() as tx:
            pool = await load_pool(tx, caller, params["UserPoolId"])
            user = await require_user(tx, pool, params["Username"], for_update=True)
            destination = recovery_destination(pool.config, user.attributes)
            if destination is None:
                raise InvalidParameterException(
                    "Cannot reset password for the user as there is no registered/verified "
                    "email or phone_number"
                )
            if user.status in ("UNCONFIRMED", "FORCE_CHANGE_PASSWORD"):
                raise NotAuthorizedException("User password cannot be reset in the current state.")
            code = await self._codes.issue(tx, user.sub, code_purposes.RESET)
            message = verification_message(
                pool.id, pool.config, destination, code, "CustomMessage_ForgotPassword"
            )
            user = await save(tx, pool, user, replace(user, status="RESET_REQUIRED"))
            await tx.tokens.end_hosted_sessions(user.sub)  # a reset signs the pages out
        call = Call(pool, user.username, None, params.get("ClientMetadata") or {})
        await self.deliver([message], call=call, user=user)

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


def _check_mediums(mediums: list[str], attributes: dict[str, str]) -> None:
    if "EMAIL" in mediums and not attributes.get("email"):
        raise InvalidParameterException("No email provided but desired delivery medium was Email")

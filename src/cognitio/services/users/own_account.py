"""Operations a signed-in user performs on their own account, authorised by the access token:
ChangePassword, DeleteUser, UpdateUserAttributes, DeleteUserAttributes,
GetUserAttributeVerificationCode and VerifyUserAttribute (Cognito API reference pages).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from cognitio.errors import (
    CognitoError,
    InvalidParameterException,
    LimitExceededException,
    NotAuthorizedException,
)
from cognitio.services.clients.read_attributes import readable
from cognitio.services.clients.settings import client_settings
from cognitio.services.messages import codes as purposes
from cognitio.services.messages.codes import Codes
from cognitio.services.messages.notifications import Destination, verification_message
from cognitio.services.messages.user_messages import UserMessages
from cognitio.services.pools.attributes import (
    VERIFIED_FLAGS,
    check_client_may_write,
)
from cognitio.services.pools.settings import pool_settings
from cognitio.services.security.lockout import Lockout
from cognitio.services.security.passwords import check_policy
from cognitio.services.sts.revocations import now_ms, revoke_signed_out_user
from cognitio.services.tokens.access_tokens import current_user, signed_in
from cognitio.services.tokens.tokens import Tokens
from cognitio.services.triggers.triggers import Call
from cognitio.services.users.accounts import PasswordStore, save, with_password
from cognitio.services.users.attribute_changes import change_attributes, without_attributes
from cognitio.store.records import ClientRecord, MfaRecord, UserPoolRecord, UserRecord
from cognitio.store.repositories import Store, Transaction


@dataclass(frozen=True, slots=True)
class ChangePassword:
    """ChangePassword: the current password and the one to take its place."""

    access_token: str = field(repr=False)
    previous_password: str | None = field(repr=False)
    proposed_password: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class UpdateUserAttributes:
    """UpdateUserAttributes: attribute values to set."""

    access_token: str = field(repr=False)
    attributes: dict[str, str]
    client_metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DeleteUserAttributes:
    """DeleteUserAttributes: attribute names to remove."""

    access_token: str = field(repr=False)
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GetUserAttributeVerificationCode:
    """GetUserAttributeVerificationCode: a code for the user's email or phone_number."""

    access_token: str = field(repr=False)
    attribute: str
    client_metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class VerifyUserAttribute:
    """VerifyUserAttribute: the code that verifies an email or phone_number."""

    access_token: str = field(repr=False)
    attribute: str
    code: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class SignedInUser:
    """GetUser's answer: the user, the attributes their token's client may read, their MFA."""

    user: UserRecord
    attributes: dict[str, str]
    mfa: MfaRecord | None


class OwnAccount:
    def __init__(
        self,
        store: Store,
        tokens: Tokens,
        passwords: PasswordStore,
        codes: Codes,
        messages: UserMessages,
    ) -> None:
        self._store = store
        self._tokens = tokens
        self._passwords = passwords
        self._codes = codes
        self._messages = messages
        self._lockout = Lockout(store)

    async def get_user(self, access_token: str) -> SignedInUser:
        """GetUser: the user the access token speaks for, as its client may read them."""
        async with self._store.read() as tx:
            user, claims = await signed_in(tx, self._tokens, access_token)
            factors = await tx.mfa.get(user.sub)
            reads = await self._tokens.client_reads.read_attributes(
                tx, str(claims.get("client_id", ""))
            )
        return SignedInUser(user, readable(reads, user.attributes), factors)

    async def _context(
        self, tx: Transaction, access_token: str
    ) -> tuple[UserRecord, UserPoolRecord, ClientRecord]:
        user, claims = await signed_in(tx, self._tokens, access_token)
        pool = await tx.pools.get(user.pool_id)
        client = await tx.clients.find(str(claims["client_id"]))
        if pool is None or client is None:
            raise NotAuthorizedException("Invalid Access Token")
        return user, pool, client

    async def change_password(self, command: ChangePassword) -> None:
        async with self._store.read() as tx:
            user, pool, _ = await self._context(tx, command.access_token)
        # PreviousPassword is a guess like a sign-in's, so it counts in the user's lockout
        # (security review #20); it is checked outside the write transaction.
        await self._lockout.attempt(user.sub, locked=_attempt_limit)
        previous = command.previous_password or ""
        if user.password_hash is None or not await self._passwords.hasher.verify_async(
            user.password_hash, previous
        ):
            raise NotAuthorizedException("Incorrect username or password.")
        await self._lockout.succeeded(user.sub)
        async with self._store.write() as tx:
            checked = user
            user, pool, _ = await self._context(tx, command.access_token)
            if user.password_hash != checked.password_hash:
                raise NotAuthorizedException("Incorrect username or password.")
            proposed = command.proposed_password
            check_policy(
                proposed,
                pool_settings(pool).password_policy,
                operation="ChangePassword",
                member="proposedPassword",
            )
            await self._passwords.check_reuse(tx, pool, user, proposed)
            credentials = await self._passwords.credentials(pool.id, user, proposed)
            await save(tx, pool, user, with_password(user, credentials, user.status))
            await tx.hosted_sessions.end_all(user.sub)  # a new password signs the pages out

    async def delete_user(self, access_token: str) -> None:
        async with self._store.write() as tx:
            user = await current_user(tx, self._tokens, access_token)
            await tx.users.delete(user.sub)
            await revoke_signed_out_user(tx, user.pool_id, user.sub, now_ms())

    async def update_attributes(self, command: UpdateUserAttributes) -> tuple[Destination, ...]:
        """Where the codes for changed addresses went (none when nothing needs verifying)."""
        given = command.attributes
        async with self._store.write() as tx:
            user, pool, client = await self._context(tx, command.access_token)
            check_client_may_write(client_settings(client).write_attributes, given)
            change = await change_attributes(tx, self._codes, pool, user, given)
            user = await save(tx, pool, user, replace(user, attributes=change.attributes))
        call = Call(pool, user.username, client.id, dict(command.client_metadata))
        await self._messages.deliver(change.messages, call=call, user=user)
        return tuple(change.deliveries)

    async def delete_attributes(self, command: DeleteUserAttributes) -> None:
        names = list(command.names)
        async with self._store.write() as tx:
            user, pool, client = await self._context(tx, command.access_token)
            check_client_may_write(client_settings(client).write_attributes, names)
            kept = without_attributes(pool, user, names)
            await save(tx, pool, user, replace(user, attributes=kept))

    async def verification_code(self, command: GetUserAttributeVerificationCode) -> Destination:
        """Where the code went."""
        attribute = command.attribute
        async with self._store.write() as tx:
            user, pool, client = await self._context(tx, command.access_token)
            if attribute not in VERIFIED_FLAGS or not user.attributes.get(attribute):
                raise InvalidParameterException(
                    f"The user has no {attribute} to verify."
                    if attribute in VERIFIED_FLAGS
                    else "Only email and phone_number can be verified."
                )
            destination = Destination(attribute, user.attributes[attribute])
            code = await self._codes.issue_for_message(
                tx, user.sub, purposes.verify_purpose(attribute), (pool.id, destination.address)
            )
            messages = (
                []
                if code is None
                else [
                    verification_message(
                        pool.id,
                        pool_settings(pool),
                        destination,
                        code,
                        "CustomMessage_VerifyUserAttribute",
                    )
                ]
            )
        call = Call(pool, user.username, client.id, dict(command.client_metadata))
        await self._messages.deliver(messages, call=call, user=user)
        return destination

    async def verify_attribute(self, command: VerifyUserAttribute) -> None:
        attribute = command.attribute
        if attribute not in VERIFIED_FLAGS:
            raise InvalidParameterException("Only email and phone_number can be verified.")
        failure: CognitoError | None = None
        async with self._store.write() as tx:
            user, pool, _ = await self._context(tx, command.access_token)
            failure, pending = await self._codes.consume_with_value(
                tx, user.sub, purposes.verify_purpose(attribute), command.code
            )
            if failure is None:
                attributes = {**user.attributes, VERIFIED_FLAGS[attribute]: "true"}
                if pending is not None:
                    attributes[attribute] = pending
                await save(tx, pool, user, replace(user, attributes=attributes))
        if failure is not None:
            raise failure


def _attempt_limit() -> LimitExceededException:
    return LimitExceededException("Attempt limit exceeded, please try after some time.")

"""What every user operation shares: names, aliases, passwords, search values, wire views.

Sign-in names follow Cognito's "User pool attributes" page. A user has a username (a UUID when
the pool signs in with UsernameAttributes); a case-insensitive pool matches it lower-cased.
An alias (email, phone_number, preferred_username) belongs to one user: preferred_username as
soon as it is set, email and phone_number once verified. In a pool that signs in with email or
phone, those values are unique from the start. The database enforces every one of these rules.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace

from cognitio.crypto import srp
from cognitio.crypto.envelope import Envelope
from cognitio.crypto.passwords import PasswordHasher
from cognitio.errors import (
    AliasExistsException,
    ConcurrentModificationException,
    InvalidParameterException,
    PasswordHistoryPolicyViolationException,
    UsernameExistsException,
    UserNotFoundException,
)
from cognitio.services.common import ids
from cognitio.services.pools.attributes import canonical_values
from cognitio.services.pools.settings import SignInNames, pool_settings
from cognitio.services.pools.user_pools import Caller, check_pool_region, load_pool
from cognitio.store.records import UserPoolRecord, UserRecord
from cognitio.store.repositories import Transaction


@dataclass(frozen=True, slots=True)
class SignInRules:
    """A pool's id and its immutable sign-in settings, cheap to keep per node."""

    id: str
    names: SignInNames


# What finding a user needs of a pool: its id and its sign-in settings.
PoolLike = UserPoolRecord | SignInRules


def sign_in_names(pool: PoolLike) -> SignInNames:
    return pool.names if isinstance(pool, SignInRules) else pool_settings(pool).sign_in_names


class SignInCache:
    """Sign-in rules by pool id, so reading a user need not load the pool's whole settings.

    Safe to keep: the settings cannot change, and a deleted pool is noticed on the slow path
    (a user that is not found makes the caller check that the pool still exists).
    """

    def __init__(self, limit: int = 10_000) -> None:
        self._rules: dict[str, SignInRules] = {}
        self._limit = limit

    async def rules(self, tx: Transaction, caller: Caller, pool_id: str) -> SignInRules:
        check_pool_region(caller, pool_id)
        rules = self._rules.get(pool_id)
        if rules is None:
            pool = await load_pool(tx, caller, pool_id)
            rules = SignInRules(pool.id, pool_settings(pool).sign_in_names)
            if len(self._rules) >= self._limit:
                self._rules.clear()
            self._rules[pool_id] = rules
        return rules


def user_not_found() -> UserNotFoundException:
    return UserNotFoundException("User does not exist.")


def case_sensitive(pool: PoolLike) -> bool:
    return sign_in_names(pool).case_sensitive


def name_key(pool: PoolLike, value: str) -> str:
    """How a name or alias value is matched in this pool."""
    return value if case_sensitive(pool) else value.lower()


def sign_in_attributes(pool: PoolLike) -> list[str]:
    """Attributes that sign a user in besides the username."""
    return list(sign_in_names(pool).sign_in_attributes)


async def find_user(
    tx: Transaction, pool: PoolLike, name: str, *, for_update: bool = False
) -> UserRecord | None:
    """The user a sign-in name means: username, then an alias, then the `sub` itself."""
    user = await tx.users.by_username(pool.id, name_key(pool, name), for_update=for_update)
    if user is not None:
        return user
    for kind in sign_in_attributes(pool):
        owner = await tx.users.alias_owner(pool.id, kind, alias_key(pool, kind, name))
        if owner is not None:
            return await tx.users.get(owner, for_update=for_update)
    if _looks_like_uuid(name):
        user = await tx.users.get(name, for_update=for_update)
        if user is not None and user.pool_id == pool.id:
            return user
    return None


async def require_user(
    tx: Transaction, pool: PoolLike, name: str, *, for_update: bool = False
) -> UserRecord:
    user = await find_user(tx, pool, name, for_update=for_update)
    if user is None:
        raise user_not_found()
    return user


def alias_key(pool: PoolLike, kind: str, value: str) -> str:
    return value if kind == "phone_number" else name_key(pool, value)


def _looks_like_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def wanted_aliases(pool: UserPoolRecord, attributes: Mapping[str, str]) -> dict[str, str]:
    """The aliases a user with these attributes should hold: kind -> value."""
    wanted: dict[str, str] = {}
    for kind in pool_settings(pool).username_attributes:
        if attributes.get(kind):
            wanted[kind] = attributes[kind]
    for kind in pool_settings(pool).alias_attributes:
        value = attributes.get(kind)
        if not value:
            continue
        if kind == "preferred_username" or attributes.get(f"{kind}_verified") == "true":
            wanted[kind] = value
    return wanted


async def sync_aliases(
    tx: Transaction,
    pool: UserPoolRecord,
    user: UserRecord,
    *,
    force: bool = False,
    creating: bool = False,
) -> None:
    """Make the user's aliases match its attributes; a taken alias is an error unless forced."""
    await tx.users.release_aliases(user.sub)
    for kind, value in wanted_aliases(pool, user.attributes).items():
        key = alias_key(pool, kind, value)
        if await tx.users.claim_alias(pool.id, kind, key, user.sub):
            continue
        if not force or kind in pool_settings(pool).username_attributes:
            raise _alias_taken(pool, kind, creating=creating)
        await tx.users.release_alias(pool.id, kind, key)
        await tx.users.claim_alias(pool.id, kind, key, user.sub)


def _alias_taken(pool: PoolLike, kind: str, *, creating: bool) -> Exception:
    if kind not in sign_in_names(pool).username_attributes:
        return AliasExistsException(f"An account with the {kind} already exists.")
    if creating:
        return UsernameExistsException(f"An account with the given {kind} already exists.")
    # An update that takes another user's sign-in email or phone: Cognito calls it an alias.
    return AliasExistsException(f"An account with the given {kind} already exists.")


def search_values(user: UserRecord) -> list[tuple[str, str]]:
    """What ListUsers can filter on: every attribute, the username, both statuses, the sub."""
    values = [
        ("username", user.username_key),
        ("sub", user.sub),
        ("cognito:user_status", user.status),
        ("status", "Enabled" if user.enabled else "Disabled"),
    ]
    values += [(name, value) for name, value in user.attributes.items() if value]
    return values


async def save_new(
    tx: Transaction,
    pool: UserPoolRecord,
    user: UserRecord,
    *,
    force_alias: bool = False,
    exists_message: str = "User already exists",
) -> UserRecord:
    """Insert a user with its aliases and search values, or raise UsernameExistsException."""
    user = _canonical(pool, user)
    if not await tx.users.insert(user):
        raise UsernameExistsException(exists_message)
    if user.password_hash is not None:
        await tx.users.remember_password(user.sub, user.password_hash, user.updated_ms)
    await sync_aliases(tx, pool, user, force=force_alias, creating=True)
    await tx.users.set_search_values(pool.id, user.sub, search_values(user))
    return user


async def save(
    tx: Transaction,
    pool: UserPoolRecord,
    before: UserRecord,
    after: UserRecord,
    *,
    force_alias: bool = False,
) -> UserRecord:
    """Write a changed user (under the row lock its caller took) with aliases and search values."""
    after = replace(_canonical(pool, after), updated_ms=ids.now_ms(), version=before.version + 1)
    if not await tx.users.update(after):
        raise ConcurrentModificationException("The user was changed by another request; try again.")
    if after.password_hash is not None and after.password_hash != before.password_hash:
        await tx.users.remember_password(after.sub, after.password_hash, after.updated_ms)
    if after.attributes != before.attributes:
        await sync_aliases(tx, pool, after, force=force_alias)
    await tx.users.set_search_values(pool.id, after.sub, search_values(after))
    return after


def _canonical(pool: UserPoolRecord, user: UserRecord) -> UserRecord:
    """Boolean attributes are stored as "true"/"false", however they were written."""
    attributes = canonical_values(pool_settings(pool).schema, user.attributes)
    return user if attributes == user.attributes else replace(user, attributes=attributes)


def new_user(
    pool: UserPoolRecord, username: str, attributes: dict[str, str], status: str
) -> UserRecord:
    sub = str(uuid.uuid4())
    if pool_settings(pool).username_attributes:
        username = sub  # the sign-in name lives in an attribute; the username is a UUID
    now = ids.now_ms()
    return UserRecord(
        sub=sub,
        pool_id=pool.id,
        username=username,
        username_key=name_key(pool, username),
        status=status,
        enabled=True,
        attributes=attributes,
        password_hash=None,
        srp_sealed=None,
        password_set_ms=None,
        created_ms=now,
        updated_ms=now,
        version=1,
    )


@dataclass(frozen=True, slots=True)
class Credentials:
    """What is stored when a password is set: an argon2id hash and the sealed SRP verifier."""

    password_hash: str
    srp_sealed: bytes


class PasswordStore:
    """Turns a password into what the user row keeps."""

    def __init__(self, hasher: PasswordHasher, envelope: Envelope) -> None:
        self.hasher = hasher
        self._envelope = envelope

    async def check_reuse(
        self, tx: Transaction, pool: UserPoolRecord, user: UserRecord, password: str
    ) -> None:
        """Refuse a password among the user's last PasswordHistorySize ones."""
        size = pool_settings(pool).password_policy.password_history_size
        if not size:
            return
        for earlier in await tx.users.recent_passwords(user.sub, size):
            if await self.hasher.verify_async(earlier, password):
                raise PasswordHistoryPolicyViolationException(
                    f"The password must not be any of the last {size} passwords of this user."
                )

    async def credentials(self, pool_id: str, user: UserRecord, password: str) -> Credentials:
        verifier = srp.make_verifier(pool_id, user.username, password)
        return Credentials(
            password_hash=await self.hasher.hash_async(password),
            srp_sealed=self._envelope.seal(verifier.to_bytes(), f"srp:{user.sub}"),
        )


def with_password(user: UserRecord, credentials: Credentials, status: str) -> UserRecord:
    return replace(
        user,
        password_hash=credentials.password_hash,
        srp_sealed=credentials.srp_sealed,
        password_set_ms=ids.now_ms(),
        status=status,
    )


def check_username(pool: UserPoolRecord, username: str) -> dict[str, str]:
    """Attributes implied by the name a user signs up with; refuses names the pool forbids."""
    username_attributes = pool_settings(pool).username_attributes
    if username_attributes:
        if "email" in username_attributes and "@" in username:
            return {"email": username}
        if "phone_number" in username_attributes and username.startswith("+"):
            return {"phone_number": username}
        wanted = " or ".join(
            "an email" if kind == "email" else "a phone number" for kind in username_attributes
        )
        raise InvalidParameterException(f"Username should be {wanted}.")
    aliases = pool_settings(pool).alias_attributes
    if "email" in aliases and "@" in username:
        raise InvalidParameterException(
            "Username cannot be of email format, since user pool is configured for email alias."
        )
    if (
        "phone_number" in aliases
        and username.startswith("+")
        and username[1:].isascii()
        and username[1:].isdigit()
    ):
        raise InvalidParameterException(
            "Username cannot be of phone number format, since user pool is configured for "
            "phone_number alias."
        )
    return {}

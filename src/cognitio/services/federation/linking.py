"""AdminLinkProviderForUser and AdminDisableProviderForUser: which user an external identity
signs in as, set and unset by an administrator.

Linking points an identity that has not signed in yet at an existing user (a native user, or a
federated one): when it signs in, it is that user. At most five identities per user. A native
user is never a source, and an identity that already signed in cannot be merged into another
user (Cognito's own messages say so). Disabling an identity removes its link, so its next
sign-in makes a user of its own; disabling a native user (ProviderName ``Cognito``) takes away
its password, so it signs in through its linked providers only.

The source is named by its subject (``Cognito_Subject``: the provider's id for the user, a SAML
NameID) or, for OIDC and SAML providers only, by a user pool attribute the provider's
AttributeMapping fills (``email``, ``custom:employee_id``): API reference, SourceUser of
AdminLinkProviderForUser. Such a link matches the first sign-in whose mapped value equals the
link's exactly (:mod:`.federated_users`), and is then replaced by a link on that identity's
subject; from then on AdminDisableProviderForUser names it by ``Cognito_Subject``, as Cognito's
reference says for SAML.

Abuse cases: linking is how an external account gains a native user's groups and roles, so only
the signed admin API does it, only for a provider the pool has; social providers link on the
subject only, which the provider — not the user — chooses; a link on an attribute is spent by
the one identity that matched it first, so a second account with the same email cannot follow.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from cognitio.errors import (
    InvalidParameterException,
    LimitExceededException,
    ResourceNotFoundException,
)
from cognitio.services.common import ids
from cognitio.services.federation.attribute_mapping import (
    Identity,
    identities_value,
    read_identities,
)
from cognitio.services.federation.provider_types import SOCIAL_TYPES
from cognitio.services.pools.settings import pool_settings
from cognitio.services.pools.user_pools import Caller, load_pool
from cognitio.services.users.accounts import name_key, save, user_not_found
from cognitio.store.records import (
    SUBJECT_ATTRIBUTE,
    UserIdentityRecord,
    UserPoolRecord,
    UserRecord,
)
from cognitio.store.repositories import Store, Transaction

COGNITO = "Cognito"
SUBJECT = SUBJECT_ATTRIBUTE
MAX_LINKED = 5
# The longest ProviderAttributeValue kept (the store's column); subjects are far shorter.
MAX_VALUE_CHARS = 512

# The type of a pool's provider by name, or None when the pool has no such provider.
ProviderType = Callable[[Transaction, str, str], Awaitable[str | None]]


async def stored_provider_type(tx: Transaction, pool_id: str, name: str) -> str | None:
    """The type of the pool's provider ``name``, as the store keeps it."""
    record = await tx.identity_providers.get(pool_id, name)
    return None if record is None else record.type


@dataclass(frozen=True, slots=True)
class ProviderUser:
    """ProviderUserIdentifierType: a user as a provider names it."""

    provider_name: str
    attribute_name: str | None
    attribute_value: str


class Linking:
    def __init__(self, store: Store, provider_type: ProviderType = stored_provider_type) -> None:
        self._store = store
        self._provider_type = provider_type

    async def link(
        self, caller: Caller, pool_id: str, destination: ProviderUser, source: ProviderUser
    ) -> None:
        """AdminLinkProviderForUser."""
        if source.provider_name == COGNITO:
            raise InvalidParameterException(
                "Invalid SourceUser: Cognito users with a username/password may not be passed "
                "in as a SourceUser, only as a DestinationUser"
            )
        if not source.attribute_name:
            raise InvalidParameterException(
                "SourceUser.ProviderAttributeName is required: Cognito_Subject, or for OIDC and "
                "SAML providers a user pool attribute the provider's AttributeMapping fills."
            )
        _check_value(source.attribute_value, "SourceUser")
        async with self._store.write() as tx:
            pool = await load_pool(tx, caller, pool_id)
            source_type = await self._provider(tx, pool, source.provider_name)
            attribute = source.attribute_name
            if attribute != SUBJECT:
                _check_attribute(pool, source_type, attribute)
            user = await self._destination(tx, pool, destination)
            if await tx.identities.owner(
                pool.id, source.provider_name, source.attribute_value, attribute
            ):
                raise InvalidParameterException(
                    "Merging is not currently supported, provide a SourceUser that has not "
                    "been signed up in order to link"
                )
            linked = await tx.identities.of_user(user.sub)
            if len(linked) >= MAX_LINKED:
                raise LimitExceededException(
                    f"A user can have at most {MAX_LINKED} linked identities."
                )
            now = ids.now_ms()
            record = UserIdentityRecord(
                pool.id, source.provider_name, source.attribute_value, user.sub, now, attribute
            )
            if not await tx.identities.link(record):
                raise InvalidParameterException(
                    "Merging is not currently supported, provide a SourceUser that has not "
                    "been signed up in order to link"
                )
            identity = Identity(
                provider_name=source.provider_name,
                provider_type=source_type,
                user_id=source.attribute_value,
                issuer=None,
                primary=False,
                created_ms=now,
            )
            listed = read_identities(user.attributes.get("identities"))
            attributes = {**user.attributes, "identities": identities_value([*listed, identity])}
            await save(tx, pool, user, replace(user, attributes=attributes))

    async def disable(self, caller: Caller, pool_id: str, user: ProviderUser) -> None:
        """AdminDisableProviderForUser."""
        async with self._store.write() as tx:
            pool = await load_pool(tx, caller, pool_id)
            if user.provider_name == COGNITO:
                if user.attribute_name != SUBJECT:
                    raise InvalidParameterException(
                        "To disable a Cognito user, ProviderAttributeName must be Cognito_Subject."
                    )
                native = await tx.users.by_username(
                    pool.id, name_key(pool, user.attribute_value), for_update=True
                )
                if native is None:
                    raise user_not_found()
                if native.password_hash is not None:
                    await save(
                        tx,
                        pool,
                        native,
                        replace(native, password_hash=None, srp_sealed=None, password_set_ms=None),
                    )
                return
            kind = await self._provider(tx, pool, user.provider_name)
            attribute = user.attribute_name or ""
            if attribute != SUBJECT and kind in SOCIAL_TYPES:
                raise InvalidParameterException(
                    "User.ProviderAttributeName must be Cognito_Subject for a social identity "
                    "provider."
                )
            if not attribute:
                raise InvalidParameterException(
                    "User.ProviderAttributeName is required: Cognito_Subject, or the attribute "
                    "an identity that has not signed in yet was linked on."
                )
            sub = await tx.identities.owner(
                pool.id, user.provider_name, user.attribute_value, attribute
            )
            if sub is None:
                raise user_not_found()
            await tx.identities.unlink(pool.id, user.provider_name, user.attribute_value, attribute)
            owner = await tx.users.get(sub, for_update=True)
            if owner is None:
                return
            kept = [
                identity
                for identity in read_identities(owner.attributes.get("identities"))
                if (identity.provider_name, identity.user_id)
                != (user.provider_name, user.attribute_value)
            ]
            attributes = dict(owner.attributes)
            if kept:
                attributes["identities"] = identities_value(kept)
            else:
                attributes.pop("identities", None)
            await save(tx, pool, owner, replace(owner, attributes=attributes))

    async def _provider(self, tx: Transaction, pool: UserPoolRecord, name: str) -> str:
        """The type of the pool's provider ``name``, or ResourceNotFoundException."""
        kind = await self._provider_type(tx, pool.id, name)
        if kind is None:
            raise ResourceNotFoundException(f"Identity provider {name} does not exist.")
        return kind

    async def _destination(
        self, tx: Transaction, pool: UserPoolRecord, destination: ProviderUser
    ) -> UserRecord:
        if destination.provider_name == COGNITO:
            found = await tx.users.by_username(
                pool.id, name_key(pool, destination.attribute_value), for_update=True
            )
        else:
            await self._provider(tx, pool, destination.provider_name)
            sub = await tx.identities.owner(
                pool.id, destination.provider_name, destination.attribute_value
            )
            found = None if sub is None else await tx.users.get(sub, for_update=True)
        if found is None:
            raise user_not_found()
        return found


def _check_value(value: str, member: str) -> None:
    if not value:
        raise InvalidParameterException(f"{member}.ProviderAttributeValue is required.")
    if len(value) > MAX_VALUE_CHARS:
        raise InvalidParameterException(
            f"{member}.ProviderAttributeValue must be at most {MAX_VALUE_CHARS} characters."
        )


def _check_attribute(pool: UserPoolRecord, provider_type: str, attribute: str) -> None:
    """A link on an attribute other than the subject: OIDC and SAML only, and on a user pool
    attribute that an AttributeMapping can fill (it exists and is mutable)."""
    if provider_type in SOCIAL_TYPES:
        raise InvalidParameterException(
            "SourceUser.ProviderAttributeName must be Cognito_Subject for a social identity "
            f"provider ({provider_type}): it is linked by the provider's id for the user."
        )
    entry = pool_settings(pool).schema_by_name.get(attribute)
    if entry is None or not entry.get("Mutable") or attribute == "identities":
        raise InvalidParameterException(
            f"SourceUser.ProviderAttributeName {attribute} is neither Cognito_Subject nor a "
            "mutable attribute of the user pool that the provider's AttributeMapping can fill."
        )

"""The user an external identity signs in as, made on its first sign-in as Cognito makes it.

A provider's user signs in as the user its identity is linked to (``user_identities``): on the
first sign-in, a new user named ``<ProviderName>_<id>`` with the status EXTERNAL_PROVIDER, the
mapped attributes, the ``identities`` attribute, and membership of the pool's automatic group
``<poolId>_<ProviderName>``; PreSignUp runs first (``PreSignUp_ExternalProvider``; a refusal
stops the sign-in) and PostConfirmation after (``PostConfirmation_ConfirmSignUp``). On every
later sign-in the mapped attributes are written again. Two first sign-ins racing on two nodes
make one user: the identity's row is the database's to keep unique.

An identity with no link on its subject may match an administrator's link on an attribute
(AdminLinkProviderForUser with ``email``, say, for OIDC and SAML): the link whose value equals,
exactly and case for case, the value the AttributeMapping writes to that attribute on this
sign-in. The match spends the link: it is replaced by a link on the identity's subject, and the
user's ``identities`` entry takes the subject as its ``userId``, so later sign-ins go by subject.

Abuse cases: a provider cannot name a pool's native user (its users are always
``<ProviderName>_<id>``, and only AdminLinkProviderForUser links an identity to a native user);
a disabled user stays out; an overlong or odd claim fails the sign-in with a reason, it is never
stored cut short. A link on an attribute is taken by one identity only (the first to sign in
with the value; two racing sign-ins cannot both take it), so a second account of the provider
that shows the same email makes a user of its own; an attribute with several values (SAML)
matches no link; links that point at two different users refuse the sign-in rather than pick.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from cognitio.documents import JsonObject, JsonValue
from cognitio.errors import CognitoError, UsernameExistsException
from cognitio.services.common import ids
from cognitio.services.federation.attribute_mapping import (
    Identity,
    MappingError,
    attribute_value,
    federated_username,
    identities_value,
    mapped_attributes,
    read_identities,
)
from cognitio.services.triggers.triggers import (
    Call,
    Triggers,
    post_confirmation,
    pre_sign_up,
    string_map,
)
from cognitio.services.users.accounts import name_key, save, save_new
from cognitio.store.records import GroupRecord, UserIdentityRecord, UserPoolRecord, UserRecord
from cognitio.store.repositories import Store, Transaction

EXTERNAL_PROVIDER = "EXTERNAL_PROVIDER"
# The attributes that carry a verified flag (``email_verified``, ``phone_number_verified``).
_VERIFIABLE = ("email", "phone_number")


class FederatedSignInError(Exception):
    """The identity cannot sign in; ``reason`` is safe to show, and to send to the app as an
    ``error_description`` (Cognito's wording where it has one)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Raced(Exception):
    """Another sign-in of the same identity spent the link or made the identity's user
    first; the transaction rolls back."""


@dataclass(frozen=True, slots=True)
class ExternalUser:
    """What a provider said about the user signing in, and how the pool maps it."""

    provider_name: str
    provider_type: str
    # The provider's id for the user: OIDC and Google ``sub``, Facebook ``id``, Amazon
    # ``user_id``, Apple ``sub``, SAML NameID.
    user_id: str
    # The provider's issuer or entity ID (OIDC, SAML); None for the social providers.
    issuer: str | None
    claims: JsonObject
    attribute_mapping: Mapping[str, str]
    # What the InboundFederation trigger sees of the provider's answer: ``tokenResponse``,
    # ``idToken`` and ``userInfo`` (OIDC and social), or ``samlResponse`` (SAML).
    answer: JsonObject = field(default_factory=dict, repr=False)


def automatic_group(pool_id: str, provider_name: str) -> str:
    """The group Cognito puts a provider's users in: ``us-east-1_AbC123dEf_Google``."""
    return f"{pool_id}_{provider_name}"


class FederatedUsers:
    """Finds or makes the user an external identity signs in as."""

    def __init__(self, store: Store, triggers: Triggers) -> None:
        self._store = store
        self._triggers = triggers

    async def sign_in(
        self, pool: UserPoolRecord, client_id: str, external: ExternalUser
    ) -> UserRecord:
        """The user ``external`` signs in as, its mapped attributes written again."""
        claims = await self._inbound_federation(pool, client_id, external)
        try:
            attributes = mapped_attributes(external.attribute_mapping, claims)
        except MappingError as error:
            raise FederatedSignInError(error.reason) from None
        async with self._store.read() as tx:
            sub = await tx.identities.owner(pool.id, external.provider_name, external.user_id)
        if sub is None:
            linked = await self._linked_on_attribute(pool, external, claims, attributes)
            if linked is not None:
                return linked
            async with self._store.read() as tx:  # an attribute link spent by a racing sign-in
                sub = await tx.identities.owner(pool.id, external.provider_name, external.user_id)
        if sub is None:
            return await self._first_sign_in(pool, client_id, external, attributes)
        async with self._store.write() as tx:
            user = await tx.users.get(sub, for_update=True)
            if user is None:  # deleted since the lookup: start again as a first sign-in
                return await self._first_sign_in(pool, client_id, external, attributes)
            if not user.enabled:
                raise FederatedSignInError("User is disabled.")
            merged = {**user.attributes, **attributes, **_unverified(user.attributes, attributes)}
            if merged != user.attributes:
                try:
                    user = await save(tx, pool, user, replace(user, attributes=merged))
                except CognitoError as error:  # a mapped value another user holds as an alias
                    raise FederatedSignInError(str(error)) from None
            return user

    async def _linked_on_attribute(
        self,
        pool: UserPoolRecord,
        external: ExternalUser,
        claims: JsonObject,
        attributes: dict[str, str],
    ) -> UserRecord | None:
        """The user an administrator's link on an attribute points this identity at, the link
        spent and replaced by one on the identity's subject; None when no link matches (or a
        racing sign-in of the same identity spent it first)."""
        async with self._store.read() as tx:
            names = await tx.identities.linked_attributes(pool.id, external.provider_name)
        values = {
            name: value
            for name in names
            if (value := _link_value(external.attribute_mapping, claims, name)) is not None
        }
        if not values:
            return None
        try:
            return await self._spend_link(pool, external, values, attributes)
        except _Raced:  # rolled back: the identity's subject now says where it signs in
            return None

    async def _spend_link(
        self,
        pool: UserPoolRecord,
        external: ExternalUser,
        values: dict[str, str],
        attributes: dict[str, str],
    ) -> UserRecord | None:
        async with self._store.write() as tx:
            owners: dict[str, str] = {}
            for name, value in values.items():
                sub = await tx.identities.owner(pool.id, external.provider_name, value, name)
                if sub is not None:
                    owners[name] = sub
            if not owners:
                return None
            if len(set(owners.values())) > 1:
                raise FederatedSignInError(
                    "This identity matches links to more than one user; an administrator must "
                    "remove all but one (AdminDisableProviderForUser)."
                )
            user = await tx.users.get(next(iter(owners.values())), for_update=True)
            if user is None:
                return None
            if not user.enabled:
                raise FederatedSignInError("User is disabled.")
            for name in owners:
                if not await tx.identities.unlink(
                    pool.id, external.provider_name, values[name], name
                ):
                    raise _Raced
            now = ids.now_ms()
            subject = UserIdentityRecord(
                pool.id, external.provider_name, external.user_id, user.sub, now
            )
            if not await tx.identities.link(subject):
                raise _Raced
            spent = {(external.provider_name, values[name]) for name in owners}
            identities = [
                Identity(
                    provider_name=identity.provider_name,
                    provider_type=identity.provider_type,
                    user_id=external.user_id,
                    issuer=external.issuer,
                    primary=identity.primary,
                    created_ms=identity.created_ms,
                )
                if (identity.provider_name, identity.user_id) in spent
                else identity
                for identity in read_identities(user.attributes.get("identities"))
            ]
            merged = {**user.attributes, **attributes, **_unverified(user.attributes, attributes)}
            merged["identities"] = identities_value(identities)
            try:
                return await save(tx, pool, user, replace(user, attributes=merged))
            except CognitoError as error:  # a mapped value another user holds as an alias
                raise FederatedSignInError(str(error)) from None

    async def _inbound_federation(
        self, pool: UserPoolRecord, client_id: str, external: ExternalUser
    ) -> JsonObject:
        """InboundFederation_ExternalProvider, before the mapping: the provider's attributes the
        function keeps (``userAttributesToMap``; an empty answer keeps them all)."""
        request: JsonObject = {
            "providerName": external.provider_name,
            "providerType": external.provider_type,
            "attributes": {part: _string_map(value) for part, value in external.answer.items()},
        }
        call = Call(pool, federated_username(external.provider_name, external.user_id), client_id)
        try:
            response = await self._triggers.run(
                call,
                "InboundFederation",
                "InboundFederation_ExternalProvider",
                request,
                response={"userAttributesToMap": {}},
            )
            kept = string_map((response or {}).get("userAttributesToMap"))
        except CognitoError as error:
            raise FederatedSignInError(str(error)) from None
        return {**kept} if kept else external.claims

    async def _first_sign_in(
        self,
        pool: UserPoolRecord,
        client_id: str,
        external: ExternalUser,
        attributes: dict[str, str],
    ) -> UserRecord:
        username = federated_username(external.provider_name, external.user_id)
        call = Call(pool, username, client_id)
        try:
            await pre_sign_up(
                self._triggers, call, "PreSignUp_ExternalProvider", dict(attributes), None
            )
        except CognitoError as error:
            raise FederatedSignInError(str(error)) from None
        now = ids.now_ms()
        identity = Identity(
            provider_name=external.provider_name,
            provider_type=external.provider_type,
            user_id=external.user_id,
            issuer=external.issuer,
            primary=True,
            created_ms=now,
        )
        user = UserRecord(
            sub=str(uuid.uuid4()),
            pool_id=pool.id,
            username=username,
            username_key=name_key(pool, username),
            status=EXTERNAL_PROVIDER,
            enabled=True,
            attributes={**attributes, "identities": identities_value([identity])},
            password_hash=None,
            srp_sealed=None,
            password_set_ms=None,
            created_ms=now,
            updated_ms=now,
            version=1,
        )
        link = UserIdentityRecord(pool.id, external.provider_name, external.user_id, user.sub, now)
        try:
            async with self._store.write() as tx:
                user = await save_new(tx, pool, user)
                if not await tx.identities.link(link):
                    raise UsernameExistsException(username)
                await _join_automatic_group(tx, pool.id, external.provider_name, user.sub, now)
        except CognitoError:
            # Another sign-in of the same identity made its user first: that is the user.
            async with self._store.read() as tx:
                sub = await tx.identities.owner(pool.id, external.provider_name, external.user_id)
                existing = None if sub is None else await tx.users.get(sub)
            if existing is not None and existing.username_key == user.username_key:
                return existing
            # Cognito's known answer when the identity was linked to another user meanwhile
            # (AdminLinkProviderForUser inside PreSignUp_ExternalProvider, commonly): this
            # sign-in fails, the next one signs in as the linked user.
            raise FederatedSignInError(f"Already found an entry for username {username}") from None
        try:
            await post_confirmation(self._triggers, call, "PostConfirmation_ConfirmSignUp", user)
        except CognitoError as error:
            raise FederatedSignInError(str(error)) from None
        return user


async def _join_automatic_group(
    tx: Transaction, pool_id: str, provider_name: str, sub: str, now: int
) -> None:
    name = automatic_group(pool_id, provider_name)
    await tx.groups.insert(GroupRecord(pool_id, name, None, None, None, now, now))
    await tx.groups.add_member(pool_id, name, sub)


def _unverified(before: Mapping[str, str], mapped: Mapping[str, str]) -> dict[str, str]:
    """The verified flags a sign-in clears: a mapped email or phone number that changed is the
    provider's word, not a verified address, unless the mapping sets its flag too. (A linked
    native user's verified address must not lend its flag to whatever the provider sends.)"""
    return {
        f"{name}_verified": "false"
        for name in _VERIFIABLE
        if name in mapped
        and mapped[name] != before.get(name)
        and f"{name}_verified" not in mapped
        and before.get(f"{name}_verified") is not None
    }


def _link_value(mapping: Mapping[str, str], claims: JsonObject, attribute: str) -> str | None:
    """The value a link on ``attribute`` is compared with: what the mapping writes to it from
    this sign-in's claims, as the provider sent it; None when the mapping does not fill it or
    the attribute has several values (a link names one user, never one value among many)."""
    claim = mapping.get(attribute)
    if claim is None or attribute == "username":
        return None
    value = claims.get(claim)
    if isinstance(value, list):
        if len(value) != 1:
            return None
        value = value[0]
    if isinstance(value, dict | list):
        return None
    return attribute_value(value)


def _string_map(value: JsonValue) -> JsonObject:
    """A part of the provider's answer as the trigger's string map."""
    if not isinstance(value, dict):
        return {}
    found: JsonObject = {}
    for name, item in value.items():
        text = attribute_value(item)
        if text is not None:
            found[name] = text
    return found


def linked_identities(user: UserRecord) -> list[Identity]:
    """The external identities the user's ``identities`` attribute lists."""
    return read_identities(user.attributes.get("identities"))

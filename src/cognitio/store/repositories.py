"""What services may ask of storage: typed protocols, one per aggregate.

Services open a transaction with ``Store.read()`` or ``Store.write()`` and use the repositories
it carries; they never see SQL or a connection.
"""

from __future__ import annotations

import builtins
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Protocol

from cognitio.store.records import (
    SUBJECT_ATTRIBUTE,
    AccessKeyRecord,
    AuthorizationCodeRecord,
    BrandingRecord,
    ClientRecord,
    CodeRecord,
    CredentialRevocationRecord,
    DeveloperUserRecord,
    DeviceRecord,
    DomainRecord,
    EventRecord,
    GroupRecord,
    HostedSessionRecord,
    IdentityLoginRecord,
    IdentityPoolRecord,
    IdentityPoolSummary,
    IdentityProviderRecord,
    IdentityRecord,
    IssuerKeyRecord,
    MfaRecord,
    PasskeyRecord,
    RefreshTokenRecord,
    ResourceServerRecord,
    SamlCertificateRecord,
    SigningKeyRecord,
    UiCustomizationRecord,
    UserIdentityRecord,
    UserListing,
    UserPoolRecord,
    UserPoolSummary,
    UserRecord,
)
from cognitio.store.sealed import SealedColumn

# Keyset position for pagination: (created_ms, id) of the last row returned.
Cursor = tuple[int, str]


class MetaRepository(Protocol):
    async def get(self, key: str) -> bytes | None: ...
    async def put_if_absent(self, key: str, value: bytes) -> bool: ...


class AccessKeyRepository(Protocol):
    async def insert(self, record: AccessKeyRecord) -> bool:
        """False when the access key id exists."""
        ...

    async def get(self, access_key_id: str) -> AccessKeyRecord | None: ...
    async def list(self) -> list[AccessKeyRecord]: ...
    async def delete(self, access_key_id: str) -> bool: ...


class UserPoolRepository(Protocol):
    async def insert(self, record: UserPoolRecord) -> bool:
        """False when the id is taken."""
        ...

    async def get(self, pool_id: str, *, for_update: bool = False) -> UserPoolRecord | None:
        """The pool; ``for_update`` holds it against other writers until the transaction ends."""
        ...

    async def update(self, record: UserPoolRecord) -> bool:
        """Write ``record`` (its version already bumped) if the stored version is the one before."""
        ...

    async def delete(self, pool_id: str) -> bool: ...

    async def list(self, region: str, after: Cursor | None, limit: int) -> list[UserPoolSummary]:
        """Pools of one region in creation order, after the cursor."""
        ...


class ClientRepository(Protocol):
    async def insert(self, record: ClientRecord) -> bool: ...
    async def get(
        self, pool_id: str, client_id: str, *, for_update: bool = False
    ) -> ClientRecord | None: ...
    async def update(self, record: ClientRecord) -> bool: ...
    async def delete(self, pool_id: str, client_id: str) -> bool: ...
    async def list(self, pool_id: str, after: Cursor | None, limit: int) -> list[ClientRecord]: ...
    async def count(self, pool_id: str) -> int: ...
    async def find(self, client_id: str) -> ClientRecord | None:
        """A client by id alone (public operations name only the client)."""
        ...


class UserRepository(Protocol):
    async def insert(self, record: UserRecord) -> bool:
        """False when the pool has a user with that username_key."""
        ...

    async def get(self, sub: str, *, for_update: bool = False) -> UserRecord | None: ...
    async def by_username(
        self, pool_id: str, username_key: str, *, for_update: bool = False
    ) -> UserRecord | None: ...
    async def update(self, record: UserRecord) -> bool:
        """Write ``record`` (version bumped) if the stored version is the one before."""
        ...

    async def delete(self, sub: str) -> bool: ...
    async def count(self, pool_id: str) -> int: ...
    async def page(self, pool_id: str, after_sub: str | None, limit: int) -> list[UserListing]:
        """Users of a pool ordered by sub."""
        ...

    async def search(
        self,
        pool_id: str,
        name: str,
        value: str,
        *,
        prefix: bool,
        after: tuple[str, str] | None,
        limit: int,
    ) -> list[tuple[str, UserListing]]:
        """Users whose indexed ``name`` equals (or starts with) ``value``, by (value, sub)."""
        ...

    async def set_search_values(
        self, pool_id: str, sub: str, values: list[tuple[str, str]]
    ) -> None:
        """Replace the user's searchable (name, value) pairs."""
        ...

    async def alias_owner(self, pool_id: str, kind: str, value_key: str) -> str | None: ...
    async def claim_alias(self, pool_id: str, kind: str, value_key: str, sub: str) -> bool:
        """Take the alias for ``sub``; False when another user holds it."""
        ...

    async def release_alias(self, pool_id: str, kind: str, value_key: str) -> None: ...
    async def release_aliases(self, sub: str, kind: str | None = None) -> None: ...

    async def recent_passwords(self, sub: str, limit: int) -> list[str]:
        """The newest ``limit`` earlier password hashes."""
        ...

    async def remember_password(self, sub: str, password_hash: str, created_ms: int) -> None:
        """Keep a password hash for the history check, and only the newest 24."""
        ...

    async def put_code(self, record: CodeRecord) -> None:
        """Store the live code of (sub, purpose), replacing any earlier one."""
        ...

    async def get_code(self, sub: str, purpose: str) -> CodeRecord | None: ...
    async def count_code_attempt(self, sub: str, purpose: str, most: int) -> bool:
        """Count a guess unless ``most`` were counted already; whether it was counted."""
        ...

    async def delete_code(self, sub: str, purpose: str) -> None: ...


class IssuerKeys(Protocol):
    async def all(self) -> list[IssuerKeyRecord]:
        """Every key of the identity issuer, oldest first."""
        ...

    async def insert(self, record: IssuerKeyRecord) -> bool:
        """False when a key with that kid exists (another node made it first)."""
        ...


class SigningKeys(Protocol):
    async def of_pool(self, pool_id: str) -> list[SigningKeyRecord]: ...
    async def get(self, kid: str) -> SigningKeyRecord | None: ...
    async def insert(self, record: SigningKeyRecord) -> bool:
        """False when the pool already has a key for that purpose."""
        ...


class RefreshTokens(Protocol):
    async def insert(self, record: RefreshTokenRecord) -> None: ...
    async def get(self, token_hash: str) -> RefreshTokenRecord | None: ...
    async def mark_rotated(self, token_hash: str, rotated_ms: int) -> bool:
        """Mark a current token replaced; False when it was replaced already (a race lost)."""
        ...

    async def revoke_origin(self, origin_jti: str) -> None:
        """Revoke the refresh token of a sign-in and, with it, its access tokens."""
        ...

    async def origin_revoked(self, origin_jti: str) -> bool: ...
    async def revoke_user(self, sub: str) -> None:
        """Revoke every refresh token of a user (sign-out everywhere)."""
        ...


class AuthorizationCodes(Protocol):
    async def insert(self, record: AuthorizationCodeRecord) -> None:
        """Keep a new authorization code (and drop codes expired a day ago)."""
        ...

    async def get(self, code_hash: str) -> AuthorizationCodeRecord | None: ...
    async def spend(self, code_hash: str, origin_jti: str) -> bool:
        """Mark the code exchanged, naming the sign-in it issued; False if it was before."""
        ...


# The longest id a spent Session, trip or assertion is kept under (spent_sessions.sid).
SPENT_ID_CHARS = 36


def check_spent_id(sid: str) -> None:
    """Refuse an id longer than the column (a programming error, not bad input)."""
    if len(sid) > SPENT_ID_CHARS:
        raise ValueError(f"a spent id is at most {SPENT_ID_CHARS} characters: {len(sid)}")


class SpentSessions(Protocol):
    async def spend(self, sid: str, expires_ms: int, now_ms: int) -> bool:
        """Mark a Session used (and forget those expired by ``now_ms``); False when it was
        used before. ``sid`` is at most SPENT_ID_CHARS long (ValueError otherwise, on every
        backend: SQLite would take a longer one that PostgreSQL refuses)."""
        ...


class HostedSessions(Protocol):
    async def insert(self, record: HostedSessionRecord, now_ms: int) -> None:
        """Keep a new hosted sign-in (and drop the expired ones)."""
        ...

    async def get(self, sid: str) -> HostedSessionRecord | None: ...
    async def end(self, sid: str) -> None: ...
    async def end_all(self, sub: str) -> None:
        """End every hosted sign-in of a user (sign-out everywhere, a new password)."""
        ...


@dataclass(frozen=True, slots=True)
class FailureState:
    """A failure counter after an attempt was counted (or refused, while locked)."""

    failures: int
    locked_until_ms: int


class SignInFailures(Protocol):
    """Attempt counters: ``table`` is sign_in_failures (passwords), mfa_failures (second
    factors) or decoy_failures (passwords of names that belong to no user)."""

    async def count(self, table: str, sub: str, now_ms: int, quiet_before_ms: int) -> FailureState:
        """Count an attempt unless the user is locked; a count last raised before
        ``quiet_before_ms`` starts again at one."""
        ...

    async def lock(self, table: str, sub: str, until_ms: int) -> None: ...
    async def uncount(self, table: str, sub: str, free: int) -> None:
        """Take back one attempt; with ``free`` or fewer counted, lift the lock too."""
        ...

    async def clear(self, table: str, sub: str) -> None: ...
    async def prune(self, table: str, quiet_since_ms: int, now_ms: int) -> None:
        """Forget counters with no failure since ``quiet_since_ms`` and no lock still on."""
        ...


class LimitRepository(Protocol):
    """Rate buckets."""

    async def take(self, buckets: list[tuple[str, int, int]], now_ms: int) -> set[str]:
        """Take one token from each (name, interval ms, tolerance ms) bucket that has one;
        the names that had room. Names must differ; at most five per call."""
        ...

    async def prune(self, before_ms: int) -> None:
        """Forget buckets that are full again."""
        ...


class MfaRepository(Protocol):
    async def get(self, sub: str) -> MfaRecord | None: ...
    async def put(self, record: MfaRecord) -> None: ...
    async def use_step(self, sub: str, step: int) -> bool:
        """Record a TOTP step as used; False when it (or a later one) was used already."""
        ...


class DeviceRepository(Protocol):
    async def insert(self, record: DeviceRecord) -> None: ...
    async def get(self, device_key: str) -> DeviceRecord | None: ...
    async def page(self, sub: str, after: Cursor | None, limit: int) -> list[DeviceRecord]:
        """The user's confirmed devices in creation order, after the cursor."""
        ...

    async def confirm(
        self,
        device_key: str,
        *,
        name: str | None,
        salt: bytes,
        verifier_sealed: bytes,
        remembered: bool,
        now_ms: int,
    ) -> bool:
        """Store the device's verifier; False when it was confirmed already."""
        ...

    async def set_remembered(self, device_key: str, remembered: bool, now_ms: int) -> None: ...
    async def delete(self, device_key: str) -> bool: ...
    async def prune_unconfirmed(self, sub: str, before_ms: int) -> None:
        """Drop the user's devices issued before ``before_ms`` and never confirmed."""
        ...

    async def arm(self, device_key: str, until_ms: int, armed_by: str) -> None:
        """Allow one DEVICE_SRP_AUTH answer for the device until ``until_ms``, to the sign-in
        ``armed_by`` (``"<client id>:<origin>:<session id>"``)."""
        ...

    async def take_arm(
        self, device_key: str, now_ms: int, armed_by: str, *, any_session: bool = False
    ) -> bool:
        """Use the allowance up; False when there was none, it expired, or another sign-in
        holds it. With ``any_session``, ``armed_by`` is ``"<client id>:<origin>:"`` and any
        sign-in of that client from that origin may take it."""
        ...

    async def authenticated(self, device_key: str, now_ms: int) -> None: ...


class PasskeyRepository(Protocol):
    async def insert(self, record: PasskeyRecord) -> bool:
        """False when a passkey with that credential id exists."""
        ...

    async def get(self, credential_id: str) -> PasskeyRecord | None: ...
    async def of_user(self, sub: str) -> list[PasskeyRecord]:
        """All of the user's passkeys, oldest first."""
        ...

    async def page(self, sub: str, after: Cursor | None, limit: int) -> list[PasskeyRecord]: ...
    async def count(self, sub: str) -> int: ...
    async def used(self, credential_id: str, sign_count: int, now_ms: int) -> bool:
        """Record a sign-in; False when the stored counter moved on meanwhile."""
        ...

    async def delete(self, sub: str, credential_id: str) -> bool: ...


class GroupRepository(Protocol):
    async def insert(self, record: GroupRecord) -> bool:
        """False when the pool has a group of that name."""
        ...

    async def get(self, pool_id: str, name: str) -> GroupRecord | None: ...
    async def update(self, record: GroupRecord) -> bool: ...
    async def delete(self, pool_id: str, name: str) -> bool: ...
    async def page(self, pool_id: str, after: str | None, limit: int) -> list[GroupRecord]:
        """A pool's groups by name, after the name given."""
        ...

    async def add_member(self, pool_id: str, name: str, sub: str) -> None:
        """Idempotent: adding a member twice leaves one membership."""
        ...

    async def remove_member(self, pool_id: str, name: str, sub: str) -> None: ...
    async def of_user(self, sub: str) -> list[GroupRecord]:
        """Every group the user is in, by name."""
        ...

    async def of_user_page(self, sub: str, after: str | None, limit: int) -> list[GroupRecord]: ...
    async def members(
        self, pool_id: str, name: str, after_sub: str | None, limit: int
    ) -> list[UserListing]:
        """The group's users, by sub."""
        ...


class OAuthRepository(Protocol):
    """Resource servers and domains."""

    async def insert_server(self, record: ResourceServerRecord) -> bool:
        """False when the pool has a resource server with that identifier."""
        ...

    async def server(self, pool_id: str, identifier: str) -> ResourceServerRecord | None: ...
    async def update_server(self, record: ResourceServerRecord) -> bool: ...
    async def delete_server(self, pool_id: str, identifier: str) -> bool: ...
    async def servers(
        self, pool_id: str, after: str | None, limit: int
    ) -> list[ResourceServerRecord]:
        """A pool's resource servers by identifier."""
        ...

    async def insert_domain(self, record: DomainRecord) -> bool:
        """False when the name is taken, or the pool has a domain of that kind."""
        ...

    async def domain(self, domain: str) -> DomainRecord | None: ...
    async def domains_of(self, pool_id: str) -> list[DomainRecord]: ...
    async def update_domain(self, record: DomainRecord) -> bool: ...
    async def delete_domain(self, domain: str) -> bool: ...
    async def put_ui(self, record: UiCustomizationRecord) -> None:
        """Store a client's (or the pool's, "ALL") UI customisation, replacing any."""
        ...

    async def ui(self, pool_id: str, client_id: str) -> UiCustomizationRecord | None: ...
    async def insert_branding(self, record: BrandingRecord) -> bool:
        """False when the client has a branding style already."""
        ...

    async def branding(self, pool_id: str, branding_id: str) -> BrandingRecord | None: ...
    async def branding_of(self, pool_id: str, client_id: str) -> BrandingRecord | None: ...
    async def update_branding(self, record: BrandingRecord) -> bool: ...
    async def delete_branding(self, pool_id: str, branding_id: str) -> bool: ...


class IdentityProviderRepository(Protocol):
    """A pool's identity providers, their identifiers, and its SAML signing certificate."""

    async def insert(self, record: IdentityProviderRecord) -> bool:
        """False when the pool has a provider of that name (its identifiers are not claimed:
        see :meth:`claim_identifiers`)."""
        ...

    async def claim_identifiers(self, pool_id: str, name: str, identifiers: list[str]) -> bool:
        """Make ``identifiers`` the provider's, in place of the ones it had; False when
        another provider of the pool holds one of them (the transaction must then roll back)."""
        ...

    async def get(
        self, pool_id: str, name: str, *, for_update: bool = False
    ) -> IdentityProviderRecord | None:
        """The pool's provider ``name``; ``for_update`` locks its row until the transaction
        ends (PostgreSQL; SQLite's single writer needs no lock), for a read-modify-write."""
        ...

    async def by_identifier(self, pool_id: str, identifier: str) -> IdentityProviderRecord | None:
        """The provider an IdpIdentifier names."""
        ...

    async def update(self, record: IdentityProviderRecord) -> bool:
        """Write everything but the name, type, id and creation time; False when it is gone."""
        ...

    async def claim_metadata_refresh(
        self, pool_id: str, name: str, tried_ms: int | None, now_ms: int
    ) -> bool:
        """Record a refresh of the provider's MetadataURL as tried at ``now_ms``, if the last
        try is still ``tried_ms``: True for the one caller (of any node) that should fetch."""
        ...

    async def delete(self, pool_id: str, name: str) -> bool:
        """Delete the provider and its identifiers."""
        ...

    async def page(
        self, pool_id: str, after: str | None, limit: int
    ) -> list[IdentityProviderRecord]:
        """A pool's providers by name, after the name given."""
        ...

    async def count(self, pool_id: str) -> int: ...
    async def signing_certificate(self, pool_id: str) -> SamlCertificateRecord | None: ...
    async def insert_signing_certificate(self, record: SamlCertificateRecord) -> bool:
        """False when the pool has one already (another request made it first)."""
        ...


class SealedRepository(Protocol):
    """Every sealed column, for re-sealing under a new master key."""

    async def page(
        self, column: SealedColumn, after: str, limit: int
    ) -> list[tuple[str, bytes]]: ...
    async def replace(self, column: SealedColumn, key: str, old: bytes, new: bytes) -> bool: ...


class UserIdentities(Protocol):
    """Which user an external identity signs in as; one user per identity per pool."""

    async def link(self, record: UserIdentityRecord) -> bool:
        """False when the identity already signs in as a user."""
        ...

    async def owner(
        self,
        pool_id: str,
        provider_name: str,
        provider_user_id: str,
        attribute_name: str = SUBJECT_ATTRIBUTE,
    ) -> str | None:
        """The sub the identity signs in as (by default, the identity named by its subject)."""
        ...

    async def linked_attributes(self, pool_id: str, provider_name: str) -> list[str]:
        """The attributes other than the subject that some identity of the provider is linked
        on, by name."""
        ...

    async def of_user(self, sub: str) -> list[UserIdentityRecord]:
        """The user's identities, oldest first."""
        ...

    async def unlink(
        self,
        pool_id: str,
        provider_name: str,
        provider_user_id: str,
        attribute_name: str = SUBJECT_ATTRIBUTE,
    ) -> bool: ...


class IdentityPoolRepository(Protocol):
    """Identity pools (cognito-identity)."""

    async def insert(self, record: IdentityPoolRecord) -> bool:
        """False when the id is taken."""
        ...

    async def get(self, pool_id: str, *, for_update: bool = False) -> IdentityPoolRecord | None:
        """The pool; ``for_update`` holds it against other writers until the transaction ends."""
        ...

    async def update(self, record: IdentityPoolRecord) -> bool:
        """Write ``record`` (its version already bumped) if the stored version is the one before."""
        ...

    async def delete(self, pool_id: str) -> bool:
        """Delete the pool with its identities and their logins."""
        ...

    async def list(
        self, region: str, after: Cursor | None, limit: int
    ) -> list[IdentityPoolSummary]:
        """Pools of one region in creation order, after the cursor."""
        ...

    async def count(self, region: str) -> int: ...


class PoolIdentityRepository(Protocol):
    """The identities of identity pools and their logins."""

    async def insert(self, record: IdentityRecord) -> bool:
        """False when the id is taken; the record's logins are not written (see add_login)."""
        ...

    async def get(self, identity_id: str, *, for_update: bool = False) -> IdentityRecord | None:
        """The identity with its logins; ``for_update`` holds it against other writers (a
        deletion waits) until the transaction ends."""
        ...

    async def list(
        self, pool_id: str, after: Cursor | None, limit: int, *, hide_disabled: bool = False
    ) -> list[IdentityRecord]:
        """The pool's identities with their logins, in creation order, after the cursor."""
        ...

    async def delete(self, identity_id: str) -> bool:
        """Delete the identity and its logins."""
        ...

    async def disable(self, identity_id: str, updated_ms: int) -> bool: ...

    async def add_login(self, record: IdentityLoginRecord) -> bool:
        """False when the identity has a login of that provider already, or the provider's
        subject is linked to an identity of the pool."""
        ...

    async def owner(self, pool_id: str, provider_name: str, subject: str) -> str | None:
        """The identity the provider's subject is linked to."""
        ...

    async def remove_login(self, identity_id: str, provider_name: str) -> bool: ...

    async def merge_into(self, source_id: str, target_id: str, updated_ms: int) -> None:
        """Move every login and developer user of ``source_id`` to ``target_id`` and disable
        ``source_id``. The caller has checked that no provider ends up twice on the target."""
        ...

    async def add_developer_user(self, record: DeveloperUserRecord) -> bool:
        """False when the identifier is linked to an identity of the pool already."""
        ...

    async def developer_owner(self, pool_id: str, user_identifier: str) -> str | None:
        """The identity the developer user identifier is linked to."""
        ...

    async def developer_users(
        self, identity_id: str, after: str | None, limit: int
    ) -> builtins.list[DeveloperUserRecord]:
        """The identity's developer users in identifier order, after ``after``."""
        ...

    async def remove_developer_user(
        self, pool_id: str, user_identifier: str, identity_id: str
    ) -> bool: ...


class CredentialRevocations(Protocol):
    """Not-before instants of temporary credentials (see cognitio.services.sts.revocations)."""

    async def revoke(self, kind: str, subject: str, not_before_ms: int) -> None:
        """Refuse ``subject``'s credentials issued at or before ``not_before_ms``; an earlier
        instant never replaces a later one."""
        ...

    async def of_session(
        self, identity_id: str, role_arn: str, identity_pool_id: str
    ) -> list[CredentialRevocationRecord]:
        """The revocations that name this identity, this role or this identity pool."""
        ...

    async def since(self, after_ms: int) -> list[CredentialRevocationRecord]:
        """Every revocation whose instant is after ``after_ms``."""
        ...

    async def prune(self, before_ms: int) -> int:
        """Forget revocations older than ``before_ms`` (no credentials they refuse live on)."""
        ...

    async def linked_identities(self, provider_name: str, subject: str) -> list[tuple[str, str]]:
        """(identity id, identity pool id) of every identity the provider's subject is linked to."""
        ...


class EventOutbox(Protocol):
    """The transactional outbox (see cognitio.services.events): appended to in the transaction
    of the change an event tells, so an event is written exactly when its change is."""

    async def append(self, record: EventRecord) -> None: ...


class Transaction(Protocol):
    @property
    def meta(self) -> MetaRepository: ...
    @property
    def keys(self) -> AccessKeyRepository: ...
    @property
    def pools(self) -> UserPoolRepository: ...
    @property
    def clients(self) -> ClientRepository: ...
    @property
    def users(self) -> UserRepository: ...
    @property
    def signing_keys(self) -> SigningKeys: ...
    @property
    def issuer_keys(self) -> IssuerKeys: ...
    @property
    def refresh_tokens(self) -> RefreshTokens: ...
    @property
    def authorization_codes(self) -> AuthorizationCodes: ...
    @property
    def spent_sessions(self) -> SpentSessions: ...
    @property
    def hosted_sessions(self) -> HostedSessions: ...
    @property
    def sign_in_failures(self) -> SignInFailures: ...
    @property
    def mfa(self) -> MfaRepository: ...
    @property
    def devices(self) -> DeviceRepository: ...
    @property
    def passkeys(self) -> PasskeyRepository: ...
    @property
    def groups(self) -> GroupRepository: ...
    @property
    def identities(self) -> UserIdentities: ...
    @property
    def oauth(self) -> OAuthRepository: ...
    @property
    def limits(self) -> LimitRepository: ...
    @property
    def identity_providers(self) -> IdentityProviderRepository: ...
    @property
    def sealed(self) -> SealedRepository: ...
    @property
    def identity_pools(self) -> IdentityPoolRepository: ...
    @property
    def pool_identities(self) -> PoolIdentityRepository: ...
    @property
    def credential_revocations(self) -> CredentialRevocations: ...
    @property
    def events(self) -> EventOutbox: ...


class Store(Protocol):
    def read(self) -> AbstractAsyncContextManager[Transaction]: ...
    def write(self) -> AbstractAsyncContextManager[Transaction]: ...
    def write_statement(self) -> AbstractAsyncContextManager[Transaction]:
        """For writes that are each a single atomic statement: no transaction around them
        where the database allows it."""
        ...

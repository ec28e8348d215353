"""The store protocols in memory, for service unit tests: the same answers as the SQL store.

Faithful where services depend on it: an insert that would break a unique key answers False
where the SQL store's ``ON CONFLICT DO NOTHING`` does, and raises :class:`DuplicateKey` where the
SQL store's plain INSERT raises the driver's integrity error; conditional updates (versions,
single-use codes and sessions, counters that only move forward) change a row only when the
condition holds; pages come in the SQL store's order. A write transaction copies the state when
it begins and puts the copy back when its block raises.

It is safe for one asyncio thread only: writers take turns through an ``asyncio.Lock``, and a
read sees whatever the current writer has written so far (no isolation between the two). Rows
are copied in and out, so a caller changing a record it holds changes nothing stored. Deleting a
pool or a user takes what refers to it along, as the schema's ON DELETE CASCADE does; an insert
is not checked against the rows it refers to (the SQL store's foreign keys would refuse one whose
user or pool is missing).
"""

from __future__ import annotations

import asyncio
import builtins
import copy
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import TypeVar

from cognitio.documents import object_member
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
from cognitio.store.repositories import Cursor, FailureState, check_spent_id
from cognitio.store.sealed import SealedColumn

_T = TypeVar("_T")
_PASSWORD_HISTORY = 24  # as the SQL store keeps


class DuplicateKey(Exception):
    """A plain insert hit a unique key (the SQL store raises its driver's integrity error)."""


def _copy(value: _T) -> _T:
    return copy.deepcopy(value)


def _after(cursor: Cursor | None, created_ms: int, key: str) -> bool:
    return cursor is None or (created_ms, key) > cursor


@dataclass
class _Device:
    record: DeviceRecord
    armed_until_ms: int | None = None
    armed_by: str | None = None


@dataclass
class _State:
    """Every table, as dicts keyed by its primary key."""

    meta: dict[str, bytes] = field(default_factory=dict)
    access_keys: dict[str, AccessKeyRecord] = field(default_factory=dict)
    pools: dict[str, UserPoolRecord] = field(default_factory=dict)
    clients: dict[str, ClientRecord] = field(default_factory=dict)
    users: dict[str, UserRecord] = field(default_factory=dict)
    search: set[tuple[str, str, str, str]] = field(default_factory=set)  # pool, name, value, sub
    aliases: dict[tuple[str, str, str], str] = field(default_factory=dict)
    history: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    codes: dict[tuple[str, str], CodeRecord] = field(default_factory=dict)
    signing_keys: dict[str, SigningKeyRecord] = field(default_factory=dict)
    issuer_keys: dict[str, IssuerKeyRecord] = field(default_factory=dict)
    refresh_tokens: dict[str, RefreshTokenRecord] = field(default_factory=dict)
    authorization_codes: dict[str, AuthorizationCodeRecord] = field(default_factory=dict)
    spent_sessions: dict[str, int] = field(default_factory=dict)
    hosted_sessions: dict[str, HostedSessionRecord] = field(default_factory=dict)
    failures: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # n, last, locked
    buckets: dict[str, int] = field(default_factory=dict)  # bucket -> theoretical arrival ms
    mfa: dict[str, MfaRecord] = field(default_factory=dict)
    devices: dict[str, _Device] = field(default_factory=dict)
    passkeys: dict[str, PasskeyRecord] = field(default_factory=dict)
    groups: dict[tuple[str, str], GroupRecord] = field(default_factory=dict)
    members: set[tuple[str, str, str]] = field(default_factory=set)  # pool, group, sub
    # (pool, provider, attribute name, value) -> the link
    identities: dict[tuple[str, str, str, str], UserIdentityRecord] = field(default_factory=dict)
    servers: dict[tuple[str, str], ResourceServerRecord] = field(default_factory=dict)
    domains: dict[str, DomainRecord] = field(default_factory=dict)
    ui: dict[tuple[str, str], UiCustomizationRecord] = field(default_factory=dict)
    branding: dict[tuple[str, str], BrandingRecord] = field(default_factory=dict)
    providers: dict[tuple[str, str], IdentityProviderRecord] = field(default_factory=dict)
    identifiers: dict[tuple[str, str], str] = field(default_factory=dict)  # -> provider name
    saml_certificates: dict[str, SamlCertificateRecord] = field(default_factory=dict)
    identity_pools: dict[str, IdentityPoolRecord] = field(default_factory=dict)
    pool_identities: dict[str, IdentityRecord] = field(default_factory=dict)  # without logins
    identity_logins: dict[tuple[str, str], IdentityLoginRecord] = field(default_factory=dict)
    # (pool id, user identifier) -> the developer user
    developer_users: dict[tuple[str, str], DeveloperUserRecord] = field(default_factory=dict)
    revocations: dict[tuple[str, str], int] = field(default_factory=dict)  # -> not before (ms)
    events: list[EventRecord] = field(default_factory=list)  # in the order written


class _Repository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    @property
    def _db(self) -> _State:
        return self._store.state


def _drop_user(db: _State, sub: str) -> None:
    """Delete a user and what refers to it, as the schema's ON DELETE CASCADE does."""
    del db.users[sub]
    db.search = {row for row in db.search if row[3] != sub}
    db.aliases = {key: owner for key, owner in db.aliases.items() if owner != sub}
    db.history.pop(sub, None)
    db.codes = {key: code for key, code in db.codes.items() if key[0] != sub}
    db.refresh_tokens = {k: r for k, r in db.refresh_tokens.items() if r.sub != sub}
    db.authorization_codes = {k: c for k, c in db.authorization_codes.items() if c.sub != sub}
    db.hosted_sessions = {k: h for k, h in db.hosted_sessions.items() if h.sub != sub}
    # Decoy counters name no user, so nothing removes them.
    db.failures = {k: f for k, f in db.failures.items() if k[1] != sub or k[0] == "decoy_failures"}
    db.mfa.pop(sub, None)
    db.devices = {k: d for k, d in db.devices.items() if d.record.sub != sub}
    db.passkeys = {k: p for k, p in db.passkeys.items() if p.sub != sub}
    db.members = {m for m in db.members if m[2] != sub}
    db.identities = {k: i for k, i in db.identities.items() if i.sub != sub}


def _drop_pool(db: _State, pool_id: str) -> None:
    """Delete a pool and everything in it, as the schema's ON DELETE CASCADE does."""
    del db.pools[pool_id]
    for sub in [sub for sub, user in db.users.items() if user.pool_id == pool_id]:
        _drop_user(db, sub)
    db.clients = {k: c for k, c in db.clients.items() if c.pool_id != pool_id}
    db.signing_keys = {k: r for k, r in db.signing_keys.items() if r.pool_id != pool_id}
    db.groups = {k: g for k, g in db.groups.items() if k[0] != pool_id}
    db.members = {m for m in db.members if m[0] != pool_id}
    db.servers = {k: r for k, r in db.servers.items() if k[0] != pool_id}
    db.domains = {k: d for k, d in db.domains.items() if d.pool_id != pool_id}
    db.ui = {k: u for k, u in db.ui.items() if k[0] != pool_id}
    db.branding = {k: b for k, b in db.branding.items() if k[0] != pool_id}
    db.providers = {k: p for k, p in db.providers.items() if k[0] != pool_id}
    db.identifiers = {k: n for k, n in db.identifiers.items() if k[0] != pool_id}
    db.saml_certificates.pop(pool_id, None)


class MemoryMetaRepository(_Repository):
    async def get(self, key: str) -> bytes | None:
        return self._db.meta.get(key)

    async def put_if_absent(self, key: str, value: bytes) -> bool:
        if key in self._db.meta:
            return False
        self._db.meta[key] = value
        return True


class MemoryAccessKeyRepository(_Repository):
    async def insert(self, record: AccessKeyRecord) -> bool:
        if record.access_key_id in self._db.access_keys:
            return False
        self._db.access_keys[record.access_key_id] = _copy(record)
        return True

    async def get(self, access_key_id: str) -> AccessKeyRecord | None:
        return _copy(self._db.access_keys.get(access_key_id))

    async def list(self) -> list[AccessKeyRecord]:
        rows = sorted(self._db.access_keys.values(), key=lambda r: (r.created_ms, r.access_key_id))
        return _copy(rows)

    async def delete(self, access_key_id: str) -> bool:
        return self._db.access_keys.pop(access_key_id, None) is not None


class MemoryUserPoolRepository(_Repository):
    async def insert(self, record: UserPoolRecord) -> bool:
        if record.id in self._db.pools:
            return False
        self._db.pools[record.id] = _copy(record)
        return True

    async def get(self, pool_id: str, *, for_update: bool = False) -> UserPoolRecord | None:
        return _copy(self._db.pools.get(pool_id))

    async def update(self, record: UserPoolRecord) -> bool:
        stored = self._db.pools.get(record.id)
        if stored is None or stored.version != record.version - 1:
            return False
        self._db.pools[record.id] = _copy(
            replace(record, region=stored.region, created_ms=stored.created_ms)
        )
        return True

    async def delete(self, pool_id: str) -> bool:
        if pool_id not in self._db.pools:
            return False
        _drop_pool(self._db, pool_id)
        return True

    async def list(self, region: str, after: Cursor | None, limit: int) -> list[UserPoolSummary]:
        rows = sorted(
            (p for p in self._db.pools.values() if p.region == region),
            key=lambda p: (p.created_ms, p.id),
        )
        return [
            UserPoolSummary(
                id=p.id,
                name=p.name,
                lambda_config=_copy(object_member(p.config, "LambdaConfig")),
                created_ms=p.created_ms,
                updated_ms=p.updated_ms,
            )
            for p in rows
            if _after(after, p.created_ms, p.id)
        ][:limit]


class MemoryClientRepository(_Repository):
    async def insert(self, record: ClientRecord) -> bool:
        if record.id in self._db.clients:
            return False
        self._db.clients[record.id] = _copy(record)
        return True

    async def get(
        self, pool_id: str, client_id: str, *, for_update: bool = False
    ) -> ClientRecord | None:
        record = self._db.clients.get(client_id)
        return _copy(record) if record is not None and record.pool_id == pool_id else None

    async def update(self, record: ClientRecord) -> bool:
        stored = self._db.clients.get(record.id)
        if stored is None or stored.pool_id != record.pool_id:
            return False
        if stored.version != record.version - 1:
            return False
        self._db.clients[record.id] = _copy(
            replace(record, secret_sealed=stored.secret_sealed, created_ms=stored.created_ms)
        )
        return True

    async def delete(self, pool_id: str, client_id: str) -> bool:
        if await self.get(pool_id, client_id) is None:
            return False
        del self._db.clients[client_id]
        return True

    async def list(self, pool_id: str, after: Cursor | None, limit: int) -> list[ClientRecord]:
        rows = sorted(
            (c for c in self._db.clients.values() if c.pool_id == pool_id),
            key=lambda c: (c.created_ms, c.id),
        )
        return _copy([c for c in rows if _after(after, c.created_ms, c.id)][:limit])

    async def count(self, pool_id: str) -> int:
        return sum(1 for c in self._db.clients.values() if c.pool_id == pool_id)

    async def find(self, client_id: str) -> ClientRecord | None:
        return _copy(self._db.clients.get(client_id))


def _listing(user: UserRecord) -> UserListing:
    return UserListing(
        sub=user.sub,
        username=user.username,
        status=user.status,
        enabled=user.enabled,
        attributes=dict(user.attributes),
        created_ms=user.created_ms,
        updated_ms=user.updated_ms,
    )


class MemoryUserRepository(_Repository):
    async def insert(self, record: UserRecord) -> bool:
        taken = any(
            u.pool_id == record.pool_id and u.username_key == record.username_key
            for u in self._db.users.values()
        )
        if taken or record.sub in self._db.users:
            return False
        self._db.users[record.sub] = _copy(record)
        return True

    async def get(self, sub: str, *, for_update: bool = False) -> UserRecord | None:
        return _copy(self._db.users.get(sub))

    async def by_username(
        self, pool_id: str, username_key: str, *, for_update: bool = False
    ) -> UserRecord | None:
        for user in self._db.users.values():
            if user.pool_id == pool_id and user.username_key == username_key:
                return _copy(user)
        return None

    async def update(self, record: UserRecord) -> bool:
        stored = self._db.users.get(record.sub)
        if stored is None or stored.version != record.version - 1:
            return False
        # The SQL UPDATE leaves the pool, the username and its key as they were.
        updated = _copy(record)
        updated.pool_id, updated.username = stored.pool_id, stored.username
        updated.username_key, updated.created_ms = stored.username_key, stored.created_ms
        self._db.users[record.sub] = updated
        return True

    async def delete(self, sub: str) -> bool:
        if sub not in self._db.users:
            return False
        _drop_user(self._db, sub)
        return True

    async def count(self, pool_id: str) -> int:
        return sum(1 for u in self._db.users.values() if u.pool_id == pool_id)

    async def page(self, pool_id: str, after_sub: str | None, limit: int) -> list[UserListing]:
        rows = sorted(
            (u for u in self._db.users.values() if u.pool_id == pool_id),
            key=lambda u: u.sub,
        )
        return [_listing(u) for u in rows if after_sub is None or u.sub > after_sub][:limit]

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
        found = sorted(
            (v, sub)
            for p, n, v, sub in self._db.search
            if p == pool_id
            and n == name
            and (v.startswith(value) if prefix else v == value)
            and (after is None or (v, sub) > after)
            and sub in self._db.users
        )
        return [(v, _listing(self._db.users[sub])) for v, sub in found[:limit]]

    async def set_search_values(
        self, pool_id: str, sub: str, values: list[tuple[str, str]]
    ) -> None:
        self._db.search = {row for row in self._db.search if row[3] != sub}
        self._db.search.update((pool_id, name, value, sub) for name, value in values)

    async def alias_owner(self, pool_id: str, kind: str, value_key: str) -> str | None:
        return self._db.aliases.get((pool_id, kind, value_key))

    async def claim_alias(self, pool_id: str, kind: str, value_key: str, sub: str) -> bool:
        if (pool_id, kind, value_key) in self._db.aliases:
            return False
        self._db.aliases[(pool_id, kind, value_key)] = sub
        return True

    async def release_alias(self, pool_id: str, kind: str, value_key: str) -> None:
        self._db.aliases.pop((pool_id, kind, value_key), None)

    async def release_aliases(self, sub: str, kind: str | None = None) -> None:
        self._db.aliases = {
            key: owner
            for key, owner in self._db.aliases.items()
            if not (owner == sub and (kind is None or key[1] == kind))
        }

    async def recent_passwords(self, sub: str, limit: int) -> list[str]:
        newest = sorted(self._db.history.get(sub, []), reverse=True)
        return [password_hash for _, password_hash in newest[:limit]]

    async def remember_password(self, sub: str, password_hash: str, created_ms: int) -> None:
        rows = self._db.history.setdefault(sub, [])
        if all(ms != created_ms for ms, _ in rows):
            rows.append((created_ms, password_hash))
        rows.sort(reverse=True)
        del rows[_PASSWORD_HISTORY:]

    async def put_code(self, record: CodeRecord) -> None:
        self._db.codes[(record.sub, record.purpose)] = _copy(record)

    async def get_code(self, sub: str, purpose: str) -> CodeRecord | None:
        return _copy(self._db.codes.get((sub, purpose)))

    async def count_code_attempt(self, sub: str, purpose: str, most: int) -> bool:
        record = self._db.codes.get((sub, purpose))
        if record is None or record.attempts >= most:
            return False
        self._db.codes[(sub, purpose)] = replace(record, attempts=record.attempts + 1)
        return True

    async def delete_code(self, sub: str, purpose: str) -> None:
        self._db.codes.pop((sub, purpose), None)


class MemoryIssuerKeys(_Repository):
    async def all(self) -> list[IssuerKeyRecord]:
        keys = sorted(self._db.issuer_keys.values(), key=lambda k: (k.created_ms, k.kid))
        return _copy(keys)

    async def insert(self, record: IssuerKeyRecord) -> bool:
        if record.kid in self._db.issuer_keys:
            return False
        self._db.issuer_keys[record.kid] = _copy(record)
        return True


class MemorySigningKeys(_Repository):
    async def of_pool(self, pool_id: str) -> list[SigningKeyRecord]:
        return _copy([k for k in self._db.signing_keys.values() if k.pool_id == pool_id])

    async def get(self, kid: str) -> SigningKeyRecord | None:
        return _copy(self._db.signing_keys.get(kid))

    async def insert(self, record: SigningKeyRecord) -> bool:
        taken = any(
            k.pool_id == record.pool_id and k.purpose == record.purpose
            for k in self._db.signing_keys.values()
        )
        if taken or record.kid in self._db.signing_keys:
            return False
        self._db.signing_keys[record.kid] = _copy(record)
        return True


class MemoryRefreshTokens(_Repository):
    async def insert(self, record: RefreshTokenRecord) -> None:
        if record.token_hash in self._db.refresh_tokens:
            raise DuplicateKey(record.token_hash)
        self._db.refresh_tokens[record.token_hash] = _copy(record)

    async def get(self, token_hash: str) -> RefreshTokenRecord | None:
        return _copy(self._db.refresh_tokens.get(token_hash))

    async def mark_rotated(self, token_hash: str, rotated_ms: int) -> bool:
        record = self._db.refresh_tokens.get(token_hash)
        if record is None or record.rotated_ms is not None:
            return False
        self._db.refresh_tokens[token_hash] = replace(record, rotated_ms=rotated_ms)
        return True

    async def revoke_origin(self, origin_jti: str) -> None:
        self._revoke(lambda r: r.origin_jti == origin_jti)

    async def origin_revoked(self, origin_jti: str) -> bool:
        return any(
            r.origin_jti == origin_jti and r.revoked for r in self._db.refresh_tokens.values()
        )

    async def revoke_user(self, sub: str) -> None:
        self._revoke(lambda r: r.sub == sub)

    def _revoke(self, which: Callable[[RefreshTokenRecord], bool]) -> None:
        tokens = self._db.refresh_tokens
        for key, record in list(tokens.items()):
            if which(record):
                tokens[key] = replace(record, revoked=True)


class MemoryAuthorizationCodes(_Repository):
    async def insert(self, record: AuthorizationCodeRecord) -> None:
        before_ms = record.expires_ms - 86_400_000  # a day, as the SQL store prunes
        codes = self._db.authorization_codes
        for key in [k for k, c in codes.items() if c.expires_ms < before_ms]:
            del codes[key]
        if record.code_hash in codes:
            raise DuplicateKey(record.code_hash)
        codes[record.code_hash] = _copy(record)

    async def get(self, code_hash: str) -> AuthorizationCodeRecord | None:
        return _copy(self._db.authorization_codes.get(code_hash))

    async def spend(self, code_hash: str, origin_jti: str) -> bool:
        record = self._db.authorization_codes.get(code_hash)
        if record is None or record.origin_jti is not None:
            return False
        self._db.authorization_codes[code_hash] = replace(record, origin_jti=origin_jti)
        return True


class MemorySpentSessions(_Repository):
    async def spend(self, sid: str, expires_ms: int, now_ms: int) -> bool:
        check_spent_id(sid)
        spent = self._db.spent_sessions
        for key in [k for k, expires in spent.items() if expires < now_ms]:
            del spent[key]
        if sid in spent:
            return False
        spent[sid] = expires_ms
        return True


class MemoryHostedSessions(_Repository):
    async def insert(self, record: HostedSessionRecord, now_ms: int) -> None:
        sessions = self._db.hosted_sessions
        for key in [k for k, s in sessions.items() if s.expires_ms < now_ms]:
            del sessions[key]
        if record.sid in sessions:
            raise DuplicateKey(record.sid)
        sessions[record.sid] = _copy(record)

    async def get(self, sid: str) -> HostedSessionRecord | None:
        return _copy(self._db.hosted_sessions.get(sid))

    async def end(self, sid: str) -> None:
        self._db.hosted_sessions.pop(sid, None)

    async def end_all(self, sub: str) -> None:
        sessions = self._db.hosted_sessions
        for key in [k for k, s in sessions.items() if s.sub == sub]:
            del sessions[key]


class MemorySignInFailures(_Repository):
    async def count(self, table: str, sub: str, now_ms: int, quiet_before_ms: int) -> FailureState:
        row = self._db.failures.get((table, sub))
        if row is None:
            row = self._db.failures[(table, sub)] = [1, now_ms, 0]
        elif row[2] <= now_ms:  # not locked: counted (afresh after a quiet spell)
            row[0] = 1 if row[1] < quiet_before_ms else row[0] + 1
            row[1] = now_ms
        return FailureState(failures=row[0], locked_until_ms=row[2])

    async def lock(self, table: str, sub: str, until_ms: int) -> None:
        row = self._db.failures.get((table, sub))
        if row is not None:
            row[2] = until_ms

    async def uncount(self, table: str, sub: str, free: int) -> None:
        row = self._db.failures.get((table, sub))
        if row is not None and row[0] > 0:
            if row[0] <= free:
                row[2] = 0
            row[0] -= 1

    async def clear(self, table: str, sub: str) -> None:
        self._db.failures.pop((table, sub), None)

    async def prune(self, table: str, quiet_since_ms: int, now_ms: int) -> None:
        failures = self._db.failures
        for key in [
            k
            for k, (_, last, locked) in failures.items()
            if k[0] == table and last < quiet_since_ms and locked < now_ms
        ]:
            del failures[key]


class MemoryLimitRepository(_Repository):
    async def take(self, buckets: list[tuple[str, int, int]], now_ms: int) -> set[str]:
        """GCRA, as the SQL store's statement: a missing bucket is a full one."""
        admitted: set[str] = set()
        for name, interval_ms, tolerance_ms in buckets:
            tat = self._db.buckets.get(name)
            if tat is None:
                self._db.buckets[name] = now_ms + interval_ms
                admitted.add(name)
            elif tat - now_ms <= tolerance_ms:
                self._db.buckets[name] = max(tat, now_ms) + interval_ms
                admitted.add(name)
        return admitted

    async def prune(self, before_ms: int) -> None:
        buckets = self._db.buckets
        for key in [k for k, tat in buckets.items() if tat < before_ms]:
            del buckets[key]


class MemoryMfaRepository(_Repository):
    async def get(self, sub: str) -> MfaRecord | None:
        return _copy(self._db.mfa.get(sub))

    async def put(self, record: MfaRecord) -> None:
        self._db.mfa[record.sub] = _copy(record)

    async def use_step(self, sub: str, step: int) -> bool:
        record = self._db.mfa.get(sub)
        if record is None or record.totp_last_step >= step:
            return False
        self._db.mfa[sub] = replace(record, totp_last_step=step)
        return True


class MemoryDeviceRepository(_Repository):
    async def insert(self, record: DeviceRecord) -> None:
        if record.device_key in self._db.devices:
            raise DuplicateKey(record.device_key)
        self._db.devices[record.device_key] = _Device(_copy(record))

    async def get(self, device_key: str) -> DeviceRecord | None:
        device = self._db.devices.get(device_key)
        return None if device is None else _copy(device.record)

    async def page(self, sub: str, after: Cursor | None, limit: int) -> list[DeviceRecord]:
        rows = sorted(
            (
                d.record
                for d in self._db.devices.values()
                if d.record.sub == sub and d.record.verifier_sealed is not None
            ),
            key=lambda r: (r.created_ms, r.device_key),
        )
        return _copy([r for r in rows if _after(after, r.created_ms, r.device_key)][:limit])

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
        device = self._db.devices.get(device_key)
        if device is None or device.record.verifier_sealed is not None:
            return False
        device.record = replace(
            device.record,
            name=name,
            salt=salt,
            verifier_sealed=verifier_sealed,
            remembered=remembered,
            updated_ms=now_ms,
        )
        return True

    async def set_remembered(self, device_key: str, remembered: bool, now_ms: int) -> None:
        device = self._db.devices.get(device_key)
        if device is not None:
            device.record = replace(device.record, remembered=remembered, updated_ms=now_ms)

    async def delete(self, device_key: str) -> bool:
        return self._db.devices.pop(device_key, None) is not None

    async def prune_unconfirmed(self, sub: str, before_ms: int) -> None:
        devices = self._db.devices
        for key in [
            k
            for k, d in devices.items()
            if d.record.sub == sub
            and d.record.verifier_sealed is None
            and d.record.created_ms < before_ms
        ]:
            del devices[key]

    async def arm(self, device_key: str, until_ms: int, armed_by: str) -> None:
        device = self._db.devices.get(device_key)
        if device is not None:
            device.armed_until_ms, device.armed_by = until_ms, armed_by

    async def take_arm(
        self, device_key: str, now_ms: int, armed_by: str, *, any_session: bool = False
    ) -> bool:
        device = self._db.devices.get(device_key)
        if device is None or device.armed_until_ms is None or device.armed_by is None:
            return False
        if device.armed_until_ms < now_ms:
            return False
        if device.armed_by != armed_by and not (
            any_session and device.armed_by.startswith(armed_by)
        ):
            return False
        device.armed_until_ms = device.armed_by = None
        return True

    async def authenticated(self, device_key: str, now_ms: int) -> None:
        device = self._db.devices.get(device_key)
        if device is not None:
            device.record = replace(device.record, authenticated_ms=now_ms)


class MemoryPasskeyRepository(_Repository):
    async def insert(self, record: PasskeyRecord) -> bool:
        if record.credential_id in self._db.passkeys:
            return False
        self._db.passkeys[record.credential_id] = _copy(record)
        return True

    async def get(self, credential_id: str) -> PasskeyRecord | None:
        return _copy(self._db.passkeys.get(credential_id))

    async def of_user(self, sub: str) -> list[PasskeyRecord]:
        return await self.page(sub, None, len(self._db.passkeys))

    async def page(self, sub: str, after: Cursor | None, limit: int) -> list[PasskeyRecord]:
        rows = sorted(
            (p for p in self._db.passkeys.values() if p.sub == sub),
            key=lambda p: (p.created_ms, p.credential_id),
        )
        return _copy([p for p in rows if _after(after, p.created_ms, p.credential_id)][:limit])

    async def count(self, sub: str) -> int:
        return sum(1 for p in self._db.passkeys.values() if p.sub == sub)

    async def used(self, credential_id: str, sign_count: int, now_ms: int) -> bool:
        record = self._db.passkeys.get(credential_id)
        if record is None or not (record.sign_count < sign_count or record.sign_count == 0):
            return False
        self._db.passkeys[credential_id] = replace(record, sign_count=sign_count, used_ms=now_ms)
        return True

    async def delete(self, sub: str, credential_id: str) -> bool:
        record = self._db.passkeys.get(credential_id)
        if record is None or record.sub != sub:
            return False
        del self._db.passkeys[credential_id]
        return True


class MemoryGroupRepository(_Repository):
    async def insert(self, record: GroupRecord) -> bool:
        key = (record.pool_id, record.name)
        if key in self._db.groups:
            return False
        self._db.groups[key] = _copy(record)
        return True

    async def get(self, pool_id: str, name: str) -> GroupRecord | None:
        return _copy(self._db.groups.get((pool_id, name)))

    async def update(self, record: GroupRecord) -> bool:
        stored = self._db.groups.get((record.pool_id, record.name))
        if stored is None:
            return False
        self._db.groups[(record.pool_id, record.name)] = replace(
            _copy(record), created_ms=stored.created_ms
        )
        return True

    async def delete(self, pool_id: str, name: str) -> bool:
        if self._db.groups.pop((pool_id, name), None) is None:
            return False
        self._db.members = {m for m in self._db.members if m[:2] != (pool_id, name)}
        return True

    async def page(self, pool_id: str, after: str | None, limit: int) -> list[GroupRecord]:
        rows = sorted(
            (g for (p, n), g in self._db.groups.items() if p == pool_id and n > (after or "")),
            key=lambda g: g.name,
        )
        return _copy(rows[:limit])

    async def add_member(self, pool_id: str, name: str, sub: str) -> None:
        self._db.members.add((pool_id, name, sub))

    async def remove_member(self, pool_id: str, name: str, sub: str) -> None:
        self._db.members.discard((pool_id, name, sub))

    async def of_user(self, sub: str) -> list[GroupRecord]:
        return await self.of_user_page(sub, None, len(self._db.groups))

    async def of_user_page(self, sub: str, after: str | None, limit: int) -> list[GroupRecord]:
        rows = sorted(
            (
                self._db.groups[(p, n)]
                for p, n, s in self._db.members
                if s == sub and (p, n) in self._db.groups and n > (after or "")
            ),
            key=lambda g: g.name,
        )
        return _copy(rows[:limit])

    async def members(
        self, pool_id: str, name: str, after_sub: str | None, limit: int
    ) -> list[UserListing]:
        subs = sorted(
            s
            for p, n, s in self._db.members
            if p == pool_id and n == name and s > (after_sub or "") and s in self._db.users
        )
        return [_listing(self._db.users[s]) for s in subs[:limit]]


class MemoryUserIdentities(_Repository):
    async def link(self, record: UserIdentityRecord) -> bool:
        key = (
            record.pool_id,
            record.provider_name,
            record.attribute_name,
            record.provider_user_id,
        )
        if key in self._db.identities:
            return False
        self._db.identities[key] = record
        return True

    async def owner(
        self,
        pool_id: str,
        provider_name: str,
        provider_user_id: str,
        attribute_name: str = SUBJECT_ATTRIBUTE,
    ) -> str | None:
        found = self._db.identities.get((pool_id, provider_name, attribute_name, provider_user_id))
        return None if found is None else found.sub

    async def linked_attributes(self, pool_id: str, provider_name: str) -> list[str]:
        return sorted(
            {
                attribute
                for pool, provider, attribute, _ in self._db.identities
                if (pool, provider) == (pool_id, provider_name) and attribute != SUBJECT_ATTRIBUTE
            }
        )

    async def of_user(self, sub: str) -> list[UserIdentityRecord]:
        return sorted(
            (i for i in self._db.identities.values() if i.sub == sub),
            key=lambda i: (i.created_ms, i.provider_name, i.attribute_name, i.provider_user_id),
        )

    async def unlink(
        self,
        pool_id: str,
        provider_name: str,
        provider_user_id: str,
        attribute_name: str = SUBJECT_ATTRIBUTE,
    ) -> bool:
        key = (pool_id, provider_name, attribute_name, provider_user_id)
        return self._db.identities.pop(key, None) is not None


class MemoryOAuthRepository(_Repository):
    async def insert_server(self, record: ResourceServerRecord) -> bool:
        key = (record.pool_id, record.identifier)
        if key in self._db.servers:
            return False
        self._db.servers[key] = _copy(record)
        return True

    async def server(self, pool_id: str, identifier: str) -> ResourceServerRecord | None:
        return _copy(self._db.servers.get((pool_id, identifier)))

    async def update_server(self, record: ResourceServerRecord) -> bool:
        key = (record.pool_id, record.identifier)
        stored = self._db.servers.get(key)
        if stored is None:
            return False
        self._db.servers[key] = replace(stored, name=record.name, scopes=_copy(record.scopes))
        return True

    async def delete_server(self, pool_id: str, identifier: str) -> bool:
        return self._db.servers.pop((pool_id, identifier), None) is not None

    async def servers(
        self, pool_id: str, after: str | None, limit: int
    ) -> list[ResourceServerRecord]:
        rows = sorted(
            (s for (p, i), s in self._db.servers.items() if p == pool_id and i > (after or "")),
            key=lambda s: s.identifier,
        )
        return _copy(rows[:limit])

    async def insert_domain(self, record: DomainRecord) -> bool:
        same_kind = any(
            d.pool_id == record.pool_id and d.custom == record.custom
            for d in self._db.domains.values()
        )
        if same_kind or record.domain in self._db.domains:
            return False
        self._db.domains[record.domain] = _copy(record)
        return True

    async def domain(self, domain: str) -> DomainRecord | None:
        return _copy(self._db.domains.get(domain))

    async def domains_of(self, pool_id: str) -> list[DomainRecord]:
        rows = sorted(
            (d for d in self._db.domains.values() if d.pool_id == pool_id), key=lambda d: d.custom
        )
        return _copy(rows)

    async def update_domain(self, record: DomainRecord) -> bool:
        stored = self._db.domains.get(record.domain)
        if stored is None:
            return False
        self._db.domains[record.domain] = replace(
            stored,
            certificate_arn=record.certificate_arn,
            managed_login_version=record.managed_login_version,
        )
        return True

    async def delete_domain(self, domain: str) -> bool:
        return self._db.domains.pop(domain, None) is not None

    async def put_ui(self, record: UiCustomizationRecord) -> None:
        key = (record.pool_id, record.client_id)
        stored = self._db.ui.get(key)
        created_ms = record.created_ms if stored is None else stored.created_ms
        self._db.ui[key] = replace(_copy(record), created_ms=created_ms)

    async def ui(self, pool_id: str, client_id: str) -> UiCustomizationRecord | None:
        return _copy(self._db.ui.get((pool_id, client_id)))

    async def insert_branding(self, record: BrandingRecord) -> bool:
        taken = any(
            b.pool_id == record.pool_id and b.client_id == record.client_id
            for b in self._db.branding.values()
        )
        if taken or (record.pool_id, record.branding_id) in self._db.branding:
            return False
        self._db.branding[(record.pool_id, record.branding_id)] = _copy(record)
        return True

    async def branding(self, pool_id: str, branding_id: str) -> BrandingRecord | None:
        return _copy(self._db.branding.get((pool_id, branding_id)))

    async def branding_of(self, pool_id: str, client_id: str) -> BrandingRecord | None:
        for record in self._db.branding.values():
            if record.pool_id == pool_id and record.client_id == client_id:
                return _copy(record)
        return None

    async def update_branding(self, record: BrandingRecord) -> bool:
        key = (record.pool_id, record.branding_id)
        stored = self._db.branding.get(key)
        if stored is None:
            return False
        self._db.branding[key] = replace(
            stored,
            use_defaults=record.use_defaults,
            settings=_copy(record.settings),
            assets=_copy(record.assets),
            updated_ms=record.updated_ms,
        )
        return True

    async def delete_branding(self, pool_id: str, branding_id: str) -> bool:
        return self._db.branding.pop((pool_id, branding_id), None) is not None


class MemoryIdentityProviderRepository(_Repository):
    async def insert(self, record: IdentityProviderRecord) -> bool:
        key = (record.pool_id, record.name)
        if key in self._db.providers:
            return False
        self._db.providers[key] = _copy(record)
        return True

    async def claim_identifiers(self, pool_id: str, name: str, identifiers: list[str]) -> bool:
        held = self._db.identifiers
        for key in [k for k, owner in held.items() if k[0] == pool_id and owner == name]:
            del held[key]
        for identifier in identifiers:
            if (pool_id, identifier) in held:
                return False
            held[(pool_id, identifier)] = name
        return True

    async def get(
        self, pool_id: str, name: str, *, for_update: bool = False
    ) -> IdentityProviderRecord | None:
        return _copy(self._db.providers.get((pool_id, name)))

    async def by_identifier(self, pool_id: str, identifier: str) -> IdentityProviderRecord | None:
        name = self._db.identifiers.get((pool_id, identifier))
        return None if name is None else await self.get(pool_id, name)

    async def update(self, record: IdentityProviderRecord) -> bool:
        stored = self._db.providers.get((record.pool_id, record.name))
        if stored is None:
            return False
        self._db.providers[(record.pool_id, record.name)] = replace(
            _copy(record), id=stored.id, type=stored.type, created_ms=stored.created_ms
        )
        return True

    async def claim_metadata_refresh(
        self, pool_id: str, name: str, tried_ms: int | None, now_ms: int
    ) -> bool:
        stored = self._db.providers.get((pool_id, name))
        if stored is None or stored.metadata_tried_ms != tried_ms:
            return False
        self._db.providers[(pool_id, name)] = replace(stored, metadata_tried_ms=now_ms)
        return True

    async def delete(self, pool_id: str, name: str) -> bool:
        if self._db.providers.pop((pool_id, name), None) is None:
            return False
        self._db.identifiers = {
            k: n for k, n in self._db.identifiers.items() if k[0] != pool_id or n != name
        }
        return True

    async def page(
        self, pool_id: str, after: str | None, limit: int
    ) -> list[IdentityProviderRecord]:
        rows = sorted(
            (
                p
                for (pool, n), p in self._db.providers.items()
                if pool == pool_id and n > (after or "")
            ),
            key=lambda p: p.name,
        )
        return _copy(rows[:limit])

    async def count(self, pool_id: str) -> int:
        return sum(1 for pool, _ in self._db.providers if pool == pool_id)

    async def signing_certificate(self, pool_id: str) -> SamlCertificateRecord | None:
        return _copy(self._db.saml_certificates.get(pool_id))

    async def insert_signing_certificate(self, record: SamlCertificateRecord) -> bool:
        if record.pool_id in self._db.saml_certificates:
            return False
        self._db.saml_certificates[record.pool_id] = _copy(record)
        return True


class MemoryIdentityPoolRepository(_Repository):
    async def insert(self, record: IdentityPoolRecord) -> bool:
        if record.id in self._db.identity_pools:
            return False
        self._db.identity_pools[record.id] = _copy(record)
        return True

    async def get(self, pool_id: str, *, for_update: bool = False) -> IdentityPoolRecord | None:
        return _copy(self._db.identity_pools.get(pool_id))

    async def update(self, record: IdentityPoolRecord) -> bool:
        stored = self._db.identity_pools.get(record.id)
        if stored is None or stored.version != record.version - 1:
            return False
        self._db.identity_pools[record.id] = _copy(
            replace(record, region=stored.region, created_ms=stored.created_ms)
        )
        return True

    async def delete(self, pool_id: str) -> bool:
        if self._db.identity_pools.pop(pool_id, None) is None:
            return False
        gone = {k for k, i in self._db.pool_identities.items() if i.pool_id == pool_id}
        for identity_id in gone:
            _drop_identity(self._db, identity_id)
        return True

    async def list(
        self, region: str, after: Cursor | None, limit: int
    ) -> list[IdentityPoolSummary]:
        rows = sorted(
            (p for p in self._db.identity_pools.values() if p.region == region),
            key=lambda p: (p.created_ms, p.id),
        )
        return [
            IdentityPoolSummary(id=p.id, name=p.name, created_ms=p.created_ms)
            for p in rows
            if _after(after, p.created_ms, p.id)
        ][:limit]

    async def count(self, region: str) -> int:
        return sum(1 for p in self._db.identity_pools.values() if p.region == region)


def _drop_identity(db: _State, identity_id: str) -> None:
    """Delete an identity and its logins, as the schema's ON DELETE CASCADE does."""
    del db.pool_identities[identity_id]
    db.identity_logins = {k: v for k, v in db.identity_logins.items() if k[0] != identity_id}
    db.developer_users = {
        k: v for k, v in db.developer_users.items() if v.identity_id != identity_id
    }


class MemoryPoolIdentityRepository(_Repository):
    async def insert(self, record: IdentityRecord) -> bool:
        if record.id in self._db.pool_identities:
            return False
        self._db.pool_identities[record.id] = replace(record, logins={})
        return True

    def _with_logins(self, record: IdentityRecord) -> IdentityRecord:
        logins = {
            login.provider_name: login.subject
            for key, login in sorted(self._db.identity_logins.items())
            if key[0] == record.id
        }
        developers = sorted(
            (d for d in self._db.developer_users.values() if d.identity_id == record.id),
            key=lambda d: d.user_identifier,
        )
        return replace(
            record,
            logins=logins,
            developer_users=tuple(d.user_identifier for d in developers),
            developer_provider=developers[0].provider_name if developers else None,
        )

    async def get(self, identity_id: str, *, for_update: bool = False) -> IdentityRecord | None:
        record = self._db.pool_identities.get(identity_id)
        return None if record is None else self._with_logins(record)

    async def list(
        self, pool_id: str, after: Cursor | None, limit: int, *, hide_disabled: bool = False
    ) -> list[IdentityRecord]:
        rows = sorted(
            (
                i
                for i in self._db.pool_identities.values()
                if i.pool_id == pool_id and not (hide_disabled and i.disabled)
            ),
            key=lambda i: (i.created_ms, i.id),
        )
        shown = [i for i in rows if _after(after, i.created_ms, i.id)][:limit]
        return [self._with_logins(i) for i in shown]

    async def delete(self, identity_id: str) -> bool:
        if identity_id not in self._db.pool_identities:
            return False
        _drop_identity(self._db, identity_id)
        return True

    async def disable(self, identity_id: str, updated_ms: int) -> bool:
        record = self._db.pool_identities.get(identity_id)
        if record is None:
            return False
        self._db.pool_identities[identity_id] = replace(
            record, disabled=True, updated_ms=updated_ms
        )
        return True

    async def add_login(self, record: IdentityLoginRecord) -> bool:
        key = (record.identity_id, record.provider_name)
        taken = await self.owner(record.pool_id, record.provider_name, record.subject)
        if key in self._db.identity_logins or taken is not None:
            return False
        self._db.identity_logins[key] = record
        return True

    async def owner(self, pool_id: str, provider_name: str, subject: str) -> str | None:
        for login in self._db.identity_logins.values():
            if (login.pool_id, login.provider_name, login.subject) == (
                pool_id,
                provider_name,
                subject,
            ):
                return login.identity_id
        return None

    async def remove_login(self, identity_id: str, provider_name: str) -> bool:
        return self._db.identity_logins.pop((identity_id, provider_name), None) is not None

    async def merge_into(self, source_id: str, target_id: str, updated_ms: int) -> None:
        for (owner, provider), login in list(self._db.identity_logins.items()):
            if owner == source_id:
                del self._db.identity_logins[(owner, provider)]
                self._db.identity_logins[(target_id, provider)] = replace(
                    login, identity_id=target_id
                )
        for key, developer in list(self._db.developer_users.items()):
            if developer.identity_id == source_id:
                self._db.developer_users[key] = replace(developer, identity_id=target_id)
        await self.disable(source_id, updated_ms)
        target = self._db.pool_identities.get(target_id)
        if target is not None:
            self._db.pool_identities[target_id] = replace(target, updated_ms=updated_ms)

    async def add_developer_user(self, record: DeveloperUserRecord) -> bool:
        key = (record.pool_id, record.user_identifier)
        if key in self._db.developer_users:
            return False
        self._db.developer_users[key] = record
        return True

    async def developer_owner(self, pool_id: str, user_identifier: str) -> str | None:
        found = self._db.developer_users.get((pool_id, user_identifier))
        return None if found is None else found.identity_id

    async def developer_users(
        self, identity_id: str, after: str | None, limit: int
    ) -> builtins.list[DeveloperUserRecord]:
        found = sorted(
            (
                d
                for d in self._db.developer_users.values()
                if d.identity_id == identity_id and d.user_identifier > (after or "")
            ),
            key=lambda d: d.user_identifier,
        )
        return found[:limit]

    async def remove_developer_user(
        self, pool_id: str, user_identifier: str, identity_id: str
    ) -> bool:
        found = self._db.developer_users.get((pool_id, user_identifier))
        if found is None or found.identity_id != identity_id:
            return False
        del self._db.developer_users[(pool_id, user_identifier)]
        return True


class MemorySealedRepository(_Repository):
    """Re-sealing walks the SQL tables; in memory there is nothing sealed to walk."""

    async def page(self, column: SealedColumn, after: str, limit: int) -> list[tuple[str, bytes]]:
        raise NotImplementedError("re-sealing needs the SQL store")

    async def replace(self, column: SealedColumn, key: str, old: bytes, new: bytes) -> bool:
        raise NotImplementedError("re-sealing needs the SQL store")


class MemoryCredentialRevocations(_Repository):
    async def revoke(self, kind: str, subject: str, not_before_ms: int) -> None:
        known = self._db.revocations.get((kind, subject), not_before_ms)
        self._db.revocations[(kind, subject)] = max(known, not_before_ms)

    async def of_session(
        self, identity_id: str, role_arn: str, identity_pool_id: str
    ) -> list[CredentialRevocationRecord]:
        wanted = {
            ("identity", identity_id),
            ("role", role_arn),
            ("identity-pool", identity_pool_id),
        }
        return [
            CredentialRevocationRecord(kind, subject, ms)
            for (kind, subject), ms in self._db.revocations.items()
            if (kind, subject) in wanted
        ]

    async def since(self, after_ms: int) -> list[CredentialRevocationRecord]:
        return [
            CredentialRevocationRecord(kind, subject, ms)
            for (kind, subject), ms in sorted(self._db.revocations.items())
            if ms > after_ms
        ]

    async def prune(self, before_ms: int) -> int:
        old = [key for key, ms in self._db.revocations.items() if ms < before_ms]
        for key in old:
            del self._db.revocations[key]
        return len(old)

    async def linked_identities(self, provider_name: str, subject: str) -> list[tuple[str, str]]:
        return sorted(
            (login.identity_id, login.pool_id)
            for login in self._db.identity_logins.values()
            if login.provider_name == provider_name and login.subject == subject
        )


class MemoryTransaction:
    """The repositories, all over one store's state."""

    def __init__(self, store: MemoryStore) -> None:
        self.meta = MemoryMetaRepository(store)
        self.keys = MemoryAccessKeyRepository(store)
        self.pools = MemoryUserPoolRepository(store)
        self.clients = MemoryClientRepository(store)
        self.users = MemoryUserRepository(store)
        self.signing_keys = MemorySigningKeys(store)
        self.issuer_keys = MemoryIssuerKeys(store)
        self.refresh_tokens = MemoryRefreshTokens(store)
        self.authorization_codes = MemoryAuthorizationCodes(store)
        self.spent_sessions = MemorySpentSessions(store)
        self.hosted_sessions = MemoryHostedSessions(store)
        self.sign_in_failures = MemorySignInFailures(store)
        self.mfa = MemoryMfaRepository(store)
        self.devices = MemoryDeviceRepository(store)
        self.passkeys = MemoryPasskeyRepository(store)
        self.groups = MemoryGroupRepository(store)
        self.identities = MemoryUserIdentities(store)
        self.oauth = MemoryOAuthRepository(store)
        self.limits = MemoryLimitRepository(store)
        self.sealed = MemorySealedRepository(store)
        self.identity_providers = MemoryIdentityProviderRepository(store)
        self.identity_pools = MemoryIdentityPoolRepository(store)
        self.pool_identities = MemoryPoolIdentityRepository(store)
        self.credential_revocations = MemoryCredentialRevocations(store)
        self.events = MemoryEventOutbox(store)


class MemoryEventOutbox(_Repository):
    async def append(self, record: EventRecord) -> None:
        if any(known.id == record.id for known in self._db.events):
            raise ValueError(f"event {record.id} is in the outbox already")
        seq = self._db.events[-1].seq + 1 if self._db.events else 1
        self._db.events.append(replace(record, seq=seq))


class MemoryStore:
    """The Store protocol in memory (one asyncio thread; see the module docstring)."""

    def __init__(self) -> None:
        self.state = _State()
        self._write_turn = asyncio.Lock()
        self._tx = MemoryTransaction(self)

    def read(self) -> AbstractAsyncContextManager[MemoryTransaction]:
        return self._read()

    def write(self) -> AbstractAsyncContextManager[MemoryTransaction]:
        return self._write()

    def write_statement(self) -> AbstractAsyncContextManager[MemoryTransaction]:
        return self._write()

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[MemoryTransaction]:
        yield self._tx

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[MemoryTransaction]:
        async with self._write_turn:
            before = copy.deepcopy(self.state)
            try:
                yield self._tx
            except BaseException:
                self.state = before
                raise

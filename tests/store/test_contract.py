"""The store contract: what services rely on, run against memory, SQLite and PostgreSQL.

PostgreSQL joins when COGNITIO_TEST_DATABASE_URL names a server; the suite makes its own
database there and drops it at the end, as the server tests do.
"""

from __future__ import annotations

import asyncio
import functools
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from cognitio.store import migrate
from cognitio.store.db import Database
from cognitio.store.memory import MemoryStore
from cognitio.store.records import (
    AccessKeyRecord,
    AuthorizationCodeRecord,
    ClientRecord,
    CodeRecord,
    DeveloperUserRecord,
    DeviceRecord,
    DomainRecord,
    GroupRecord,
    HostedSessionRecord,
    IdentityLoginRecord,
    IdentityPoolRecord,
    IdentityProviderRecord,
    IdentityRecord,
    MfaRecord,
    PasskeyRecord,
    RefreshTokenRecord,
    ResourceServerRecord,
    SamlCertificateRecord,
    SigningKeyRecord,
    UiCustomizationRecord,
    UserIdentityRecord,
    UserPoolRecord,
    UserRecord,
)
from cognitio.store.repositories import SPENT_ID_CHARS, FailureState, Store
from cognitio.store.sql import SqlStore
from tests.conftest import POSTGRES_URL
from tests.server import PostgresDatabase

Scenario = Callable[[Store], Awaitable[None]]
Run = Callable[[Scenario], None]
NOW = 1_700_000_000_000


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path: Path = tmp_path_factory.mktemp("contract") / "cognitio.db"
    asyncio.run(migrate.upgrade(f"sqlite:///{path}"))
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    assert POSTGRES_URL
    database = PostgresDatabase(POSTGRES_URL)
    url = database.create()
    try:
        asyncio.run(migrate.upgrade("postgresql+asyncpg://" + url.partition("://")[2]))
        yield url
    finally:
        database.drop()


@pytest.fixture(params=["memory", "sqlite"] + (["postgresql"] if POSTGRES_URL else []))
def run(request: pytest.FixtureRequest) -> Run:
    """Run a scenario against a fresh store of the backend (SQL ones share a database, so
    each scenario makes its own ids)."""

    url = ""
    if request.param != "memory":
        fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
        url = str(request.getfixturevalue(fixture))

    def go(scenario: Scenario) -> None:
        async def main() -> None:
            if not url:
                await scenario(MemoryStore())
                return
            database = Database(url)
            await database.open()
            try:
                await scenario(SqlStore(database))
            finally:
                await database.dispose()

        asyncio.run(main())

    return go


def _id(prefix: str = "") -> str:
    return prefix + uuid.uuid4().hex[:20]


async def _pool(store: Store, region: str = "us-east-1", created_ms: int = NOW) -> str:
    pool_id = f"{region}_{_id()}"
    record = UserPoolRecord(
        id=pool_id,
        region=region,
        name="pool",
        config={"LambdaConfig": {}},
        created_ms=created_ms,
        updated_ms=created_ms,
        version=1,
    )
    async with store.write() as tx:
        assert await tx.pools.insert(record)
    return pool_id


def _user(pool_id: str, name: str | None = None, sub: str | None = None) -> UserRecord:
    name = name or _id("user-")
    return UserRecord(
        sub=sub or str(uuid.uuid4()),
        pool_id=pool_id,
        username=name,
        username_key=name.lower(),
        status="CONFIRMED",
        enabled=True,
        attributes={"email": f"{name}@example.com"},
        password_hash=None,
        srp_sealed=None,
        password_set_ms=None,
        created_ms=NOW,
        updated_ms=NOW,
        version=1,
    )


async def _pool_and_user(store: Store) -> tuple[str, str]:
    pool_id = await _pool(store)
    user = _user(pool_id)
    async with store.write() as tx:
        assert await tx.users.insert(user)
    return pool_id, user.sub


def _refresh(pool_id: str, sub: str, origin_jti: str) -> RefreshTokenRecord:
    return RefreshTokenRecord(
        token_hash=_id("rt-"),
        pool_id=pool_id,
        client_id="client",
        sub=sub,
        origin_jti=origin_jti,
        auth_time=NOW // 1000,
        created_ms=NOW,
        expires_ms=NOW + 3_600_000,
        revoked=False,
    )


# Pools and versions


def test_pools_are_unique_and_updated_only_from_the_version_read(run: Run) -> None:
    async def scenario(store: Store) -> None:
        pool_id = await _pool(store)
        async with store.write() as tx:
            pool = await tx.pools.get(pool_id)
            assert pool is not None and pool.name == "pool"
            assert not await tx.pools.insert(pool)  # the id is taken
            renamed = replace(pool, name="renamed", version=2)
            assert await tx.pools.update(renamed)
            assert not await tx.pools.update(renamed)  # a stale version loses
        async with store.read() as tx:
            stored = await tx.pools.get(pool_id)
            assert stored is not None and (stored.name, stored.version) == ("renamed", 2)
        async with store.write() as tx:
            assert await tx.pools.delete(pool_id)
            assert not await tx.pools.delete(pool_id)
            assert await tx.pools.get(pool_id) is None

    run(scenario)


def test_pools_and_clients_page_in_creation_order(run: Run) -> None:
    async def scenario(store: Store) -> None:
        region = _id("r")
        ids = [await _pool(store, region, created_ms=NOW + n // 2) for n in range(5)]
        expected = sorted(ids, key=lambda i: (NOW + ids.index(i) // 2, i))
        async with store.read() as tx:
            first = await tx.pools.list(region, None, 2)
            assert [p.id for p in first] == expected[:2]
            cursor = (first[-1].created_ms, first[-1].id)
            rest = await tx.pools.list(region, cursor, 10)
            assert [p.id for p in rest] == expected[2:]
        pool_id = ids[0]
        clients = [
            ClientRecord(
                id=_id("c"),
                pool_id=pool_id,
                name=f"client-{n}",
                config={},
                secret_sealed=None,
                created_ms=NOW + n,
                updated_ms=NOW + n,
                version=1,
            )
            for n in range(3)
        ]
        async with store.write() as tx:
            for client in clients:
                assert await tx.clients.insert(client)
            assert not await tx.clients.insert(clients[0])
        async with store.read() as tx:
            assert await tx.clients.count(pool_id) == 3
            page = await tx.clients.list(pool_id, (NOW, clients[0].id), 10)
            assert [c.id for c in page] == [c.id for c in clients[1:]]
            found = await tx.clients.find(clients[2].id)
            assert found is not None and found.pool_id == pool_id
            assert await tx.clients.get("another-pool", clients[2].id) is None

    run(scenario)


# Users


def test_usernames_are_unique_per_pool_and_users_page_by_sub(run: Run) -> None:
    async def scenario(store: Store) -> None:
        pool_id = await _pool(store)
        users = [_user(pool_id, f"name-{n}") for n in range(3)]
        async with store.write() as tx:
            for user in users:
                assert await tx.users.insert(user)
            assert not await tx.users.insert(_user(pool_id, "name-0"))
        async with store.read() as tx:
            found = await tx.users.by_username(pool_id, "name-1")
            assert found is not None and found.sub == users[1].sub
            assert await tx.users.count(pool_id) == 3
            subs = sorted(u.sub for u in users)
            first = await tx.users.page(pool_id, None, 2)
            assert [u.sub for u in first] == subs[:2]
            assert [u.sub for u in await tx.users.page(pool_id, subs[1], 2)] == subs[2:]

    run(scenario)


def test_a_user_update_needs_the_version_read(run: Run) -> None:
    async def scenario(store: Store) -> None:
        _, sub = await _pool_and_user(store)
        async with store.write() as tx:
            user = await tx.users.get(sub, for_update=True)
            assert user is not None
            user.status, user.version = "RESET_REQUIRED", 2
            assert await tx.users.update(user)
            assert not await tx.users.update(user)
        async with store.read() as tx:
            stored = await tx.users.get(sub)
            assert stored is not None and stored.status == "RESET_REQUIRED"

    run(scenario)


def test_an_alias_has_one_owner(run: Run) -> None:
    async def scenario(store: Store) -> None:
        pool_id, sub = await _pool_and_user(store)
        other = _user(pool_id)
        async with store.write() as tx:
            assert await tx.users.insert(other)
            assert await tx.users.claim_alias(pool_id, "email", "a@example.com", sub)
            assert not await tx.users.claim_alias(pool_id, "email", "a@example.com", other.sub)
            assert await tx.users.alias_owner(pool_id, "email", "a@example.com") == sub
            await tx.users.release_aliases(sub, "email")
            assert await tx.users.alias_owner(pool_id, "email", "a@example.com") is None
            assert await tx.users.claim_alias(pool_id, "email", "a@example.com", other.sub)

    run(scenario)


def test_search_matches_exact_or_prefix_in_value_order(run: Run) -> None:
    async def scenario(store: Store) -> None:
        pool_id = await _pool(store)
        users = [_user(pool_id) for _ in range(3)]
        values = ["ann@example.com", "anna@example.com", "bob@example.com"]
        async with store.write() as tx:
            for user, value in zip(users, values, strict=True):
                assert await tx.users.insert(user)
                await tx.users.set_search_values(pool_id, user.sub, [("email", value)])
        async with store.read() as tx:
            exact = await tx.users.search(
                pool_id, "email", "ann@example.com", prefix=False, after=None, limit=10
            )
            assert [listing.sub for _, listing in exact] == [users[0].sub]
            prefix = await tx.users.search(
                pool_id, "email", "ann", prefix=True, after=None, limit=1
            )
            assert [value for value, _ in prefix] == ["ann@example.com"]
            after = (prefix[0][0], prefix[0][1].sub)
            more = await tx.users.search(
                pool_id, "email", "ann", prefix=True, after=after, limit=10
            )
            assert [value for value, _ in more] == ["anna@example.com"]

    run(scenario)


def test_password_history_keeps_the_newest(run: Run) -> None:
    async def scenario(store: Store) -> None:
        _, sub = await _pool_and_user(store)
        async with store.write() as tx:
            for n in range(30):
                await tx.users.remember_password(sub, f"hash-{n}", NOW + n)
        async with store.read() as tx:
            assert await tx.users.recent_passwords(sub, 2) == ["hash-29", "hash-28"]
            assert len(await tx.users.recent_passwords(sub, 100)) == 24

    run(scenario)


def test_a_code_replaces_the_last_and_counts_a_bounded_number_of_tries(run: Run) -> None:
    async def scenario(store: Store) -> None:
        _, sub = await _pool_and_user(store)
        code = CodeRecord(
            sub=sub, purpose="reset", code_hash="h1", expires_ms=NOW, attempts=0, created_ms=NOW
        )
        async with store.write() as tx:
            await tx.users.put_code(code)
            await tx.users.put_code(replace(code, code_hash="h2"))
            assert await tx.users.count_code_attempt(sub, "reset", 2)
            assert await tx.users.count_code_attempt(sub, "reset", 2)
            assert not await tx.users.count_code_attempt(sub, "reset", 2)
            stored = await tx.users.get_code(sub, "reset")
            assert stored is not None and (stored.code_hash, stored.attempts) == ("h2", 2)
            await tx.users.delete_code(sub, "reset")
            assert await tx.users.get_code(sub, "reset") is None
            assert not await tx.users.count_code_attempt(sub, "reset", 2)

    run(scenario)


# Signing keys, refresh tokens, authorization codes, sessions


def test_a_pool_has_one_signing_key_per_purpose(run: Run) -> None:
    async def scenario(store: Store) -> None:
        pool_id = await _pool(store)

        def key(purpose: str) -> SigningKeyRecord:
            return SigningKeyRecord(
                kid=_id("k"),
                pool_id=pool_id,
                purpose=purpose,
                private_sealed=b"sealed",
                created_ms=NOW,
            )

        first = key("id")
        async with store.write() as tx:
            assert await tx.signing_keys.insert(first)
            assert not await tx.signing_keys.insert(key("id"))
            assert await tx.signing_keys.insert(key("access"))
        async with store.read() as tx:
            assert {k.purpose for k in await tx.signing_keys.of_pool(pool_id)} == {"id", "access"}
            assert await tx.signing_keys.get(first.kid) == first
            assert await tx.signing_keys.get("no-such-kid") is None

    run(scenario)


def test_a_refresh_token_rotates_once_and_revokes_by_origin_or_user(run: Run) -> None:
    async def scenario(store: Store) -> None:
        pool_id, sub = await _pool_and_user(store)
        token, other = _refresh(pool_id, sub, "origin-1"), _refresh(pool_id, sub, "origin-2")
        async with store.write() as tx:
            await tx.refresh_tokens.insert(token)
            await tx.refresh_tokens.insert(other)
            assert await tx.refresh_tokens.get(token.token_hash) == token
            assert await tx.refresh_tokens.mark_rotated(token.token_hash, NOW + 1)
            assert not await tx.refresh_tokens.mark_rotated(token.token_hash, NOW + 2)
            assert not await tx.refresh_tokens.origin_revoked("origin-1")
            await tx.refresh_tokens.revoke_origin("origin-1")
            assert await tx.refresh_tokens.origin_revoked("origin-1")
            assert not await tx.refresh_tokens.origin_revoked("origin-2")
            await tx.refresh_tokens.revoke_user(sub)
            assert await tx.refresh_tokens.origin_revoked("origin-2")
            stored = await tx.refresh_tokens.get(token.token_hash)
            assert stored is not None and stored.revoked and stored.rotated_ms == NOW + 1

    run(scenario)


def test_a_refresh_token_hash_is_unique(run: Run) -> None:
    async def scenario(store: Store) -> None:
        pool_id, sub = await _pool_and_user(store)
        token = _refresh(pool_id, sub, "origin")
        async with store.write() as tx:
            await tx.refresh_tokens.insert(token)
        with pytest.raises(Exception):  # noqa: B017 -- each backend raises its own error
            async with store.write() as tx:
                await tx.refresh_tokens.insert(token)

    run(scenario)


def test_an_authorization_code_is_spent_once_and_old_ones_are_dropped(run: Run) -> None:
    async def scenario(store: Store) -> None:
        pool_id, sub = await _pool_and_user(store)

        def code(expires_ms: int) -> AuthorizationCodeRecord:
            return AuthorizationCodeRecord(
                code_hash=_id("code-"),
                pool_id=pool_id,
                client_id="client",
                sub=sub,
                redirect_uri="https://app.example.com/cb",
                scopes="openid",
                code_challenge=None,
                nonce=None,
                auth_time=NOW // 1000,
                expires_ms=expires_ms,
            )

        old, new = code(NOW - 2 * 86_400_000), code(NOW)
        async with store.write() as tx:
            await tx.authorization_codes.insert(old)
            await tx.authorization_codes.insert(new)  # drops codes expired a day before it
            assert await tx.authorization_codes.get(old.code_hash) is None
            assert await tx.authorization_codes.spend(new.code_hash, "origin")
            assert not await tx.authorization_codes.spend(new.code_hash, "again")
            stored = await tx.authorization_codes.get(new.code_hash)
            assert stored is not None and stored.origin_jti == "origin"

    run(scenario)


def test_a_session_is_spent_once_until_it_expires(run: Run) -> None:
    async def scenario(store: Store) -> None:
        sid = _id("sid-")
        async with store.write() as tx:
            assert await tx.spent_sessions.spend(sid, NOW + 10, NOW)
            assert not await tx.spent_sessions.spend(sid, NOW + 10, NOW + 5)
            # Once expired it is forgotten (the Session itself is refused for its age).
            assert await tx.spent_sessions.spend(sid, NOW + 10, NOW + 11)
            # The column's width, on every backend (SQLite would not refuse a longer id).
            assert await tx.spent_sessions.spend("x" * SPENT_ID_CHARS, NOW + 10, NOW)
            with pytest.raises(ValueError, match="at most 36"):
                await tx.spent_sessions.spend("x" * (SPENT_ID_CHARS + 1), NOW + 10, NOW)

    run(scenario)


def test_hosted_sessions_end_one_by_one_or_all_of_a_user(run: Run) -> None:
    async def scenario(store: Store) -> None:
        pool_id, sub = await _pool_and_user(store)
        sessions = [
            HostedSessionRecord(
                sid=_id("h-"), pool_id=pool_id, sub=sub, auth_time=NOW // 1000, expires_ms=NOW + n
            )
            for n in (10, 20, 30)
        ]
        async with store.write() as tx:
            for session in sessions:
                await tx.hosted_sessions.insert(session, NOW)
            assert await tx.hosted_sessions.get(sessions[0].sid) == sessions[0]
            await tx.hosted_sessions.end(sessions[0].sid)
            assert await tx.hosted_sessions.get(sessions[0].sid) is None
            late = HostedSessionRecord(
                sid=_id("h-"), pool_id=pool_id, sub=sub, auth_time=0, expires_ms=NOW + 100
            )
            await tx.hosted_sessions.insert(late, NOW + 25)  # drops the one expired at +20
            assert await tx.hosted_sessions.get(sessions[1].sid) is None
            assert await tx.hosted_sessions.get(sessions[2].sid) is not None
            await tx.hosted_sessions.end_all(sub)
            assert await tx.hosted_sessions.get(late.sid) is None

    run(scenario)


# Counters and buckets


def test_failures_count_lock_and_start_over_after_a_quiet_spell(run: Run) -> None:
    async def scenario(store: Store) -> None:
        _, sub = await _pool_and_user(store)
        table = "sign_in_failures"
        async with store.write() as tx:
            failures = tx.sign_in_failures
            assert await failures.count(table, sub, NOW, NOW - 100) == FailureState(1, 0)
            assert await failures.count(table, sub, NOW + 1, NOW - 100) == FailureState(2, 0)
            await failures.lock(table, sub, NOW + 50)
            # Locked: refused and not counted.
            assert await failures.count(table, sub, NOW + 2, NOW - 100) == FailureState(2, NOW + 50)
            await failures.uncount(table, sub, 5)  # two or fewer: the lock lifts
            assert await failures.count(table, sub, NOW + 3, NOW - 100) == FailureState(2, 0)
            # Nothing since before the quiet mark: one again.
            assert await failures.count(table, sub, NOW + 500, NOW + 400) == FailureState(1, 0)
            await failures.clear(table, sub)
            assert await failures.count(table, sub, NOW + 501, NOW) == FailureState(1, 0)
            await failures.prune(table, NOW + 1000, NOW + 1000)
            assert await failures.count(table, sub, NOW + 502, NOW) == FailureState(1, 0)

    run(scenario)


def test_a_rate_bucket_admits_up_to_its_tolerance(run: Run) -> None:
    async def scenario(store: Store) -> None:
        bucket = _id("bucket-")
        async with store.write() as tx:
            admitted = [await tx.limits.take([(bucket, 100, 100)], NOW) for _ in range(3)]
            assert admitted == [{bucket}, {bucket}, set()]
            assert await tx.limits.take([(bucket, 100, 100)], NOW + 100) == {bucket}

    run(scenario)


# Second factors, devices, passkeys, groups


def test_a_totp_step_is_used_once_and_only_forward(run: Run) -> None:
    async def scenario(store: Store) -> None:
        _, sub = await _pool_and_user(store)
        async with store.write() as tx:
            await tx.mfa.put(MfaRecord(sub=sub, totp_enabled=True))
            assert await tx.mfa.use_step(sub, 10)
            assert not await tx.mfa.use_step(sub, 10)
            assert not await tx.mfa.use_step(sub, 9)
            assert await tx.mfa.use_step(sub, 11)

    run(scenario)


def test_a_device_is_confirmed_once_and_its_allowance_taken_once(run: Run) -> None:
    async def scenario(store: Store) -> None:
        pool_id, sub = await _pool_and_user(store)
        device = DeviceRecord(
            device_key=f"us-east-1_{uuid.uuid4()}",
            pool_id=pool_id,
            sub=sub,
            group_key="group",
            name=None,
            salt=None,
            verifier_sealed=None,
            remembered=False,
            created_ms=NOW,
            updated_ms=NOW,
        )
        async with store.write() as tx:
            await tx.devices.insert(device)
            assert await tx.devices.page(sub, None, 10) == []  # unconfirmed: not listed
            key = device.device_key
            confirm = functools.partial(
                tx.devices.confirm, key, name="phone", salt=b"s", verifier_sealed=b"v", now_ms=NOW
            )
            assert await confirm(remembered=True)
            assert not await confirm(remembered=False)
            assert [d.device_key for d in await tx.devices.page(sub, None, 10)] == [
                device.device_key
            ]
            await tx.devices.arm(device.device_key, NOW + 10, "client:origin:session")
            assert not await tx.devices.take_arm(device.device_key, NOW, "client:origin:other")
            assert await tx.devices.take_arm(
                device.device_key, NOW, "client:origin:", any_session=True
            )
            assert not await tx.devices.take_arm(device.device_key, NOW, "client:origin:session")
            await tx.devices.arm(device.device_key, NOW + 10, "client:origin:session")
            assert not await tx.devices.take_arm(
                device.device_key, NOW + 11, "client:origin:session"
            )

    run(scenario)


def test_a_passkey_counter_only_moves_forward(run: Run) -> None:
    async def scenario(store: Store) -> None:
        pool_id, sub = await _pool_and_user(store)
        passkey = PasskeyRecord(
            credential_id=_id("cred"),
            pool_id=pool_id,
            sub=sub,
            public_key=b"cose",
            sign_count=5,
            relying_party_id="example.com",
            name="key",
            attachment=None,
            transports=["usb"],
            created_ms=NOW,
        )
        async with store.write() as tx:
            assert await tx.passkeys.insert(passkey)
            assert not await tx.passkeys.insert(passkey)
            assert not await tx.passkeys.used(passkey.credential_id, 5, NOW)
            assert await tx.passkeys.used(passkey.credential_id, 6, NOW)
            assert await tx.passkeys.count(sub) == 1
            assert not await tx.passkeys.delete("another-sub", passkey.credential_id)
            assert await tx.passkeys.delete(sub, passkey.credential_id)

    run(scenario)


def test_group_names_are_unique_and_membership_idempotent(run: Run) -> None:
    async def scenario(store: Store) -> None:
        pool_id, sub = await _pool_and_user(store)
        groups = [
            GroupRecord(
                pool_id=pool_id,
                name=name,
                description=None,
                role_arn=None,
                precedence=None,
                created_ms=NOW,
                updated_ms=NOW,
            )
            for name in ("b", "a", "c")
        ]
        async with store.write() as tx:
            for group in groups:
                assert await tx.groups.insert(group)
            assert not await tx.groups.insert(groups[0])
            await tx.groups.add_member(pool_id, "a", sub)
            await tx.groups.add_member(pool_id, "a", sub)
            await tx.groups.add_member(pool_id, "c", sub)
        async with store.read() as tx:
            assert [g.name for g in await tx.groups.page(pool_id, None, 2)] == ["a", "b"]
            assert [g.name for g in await tx.groups.page(pool_id, "b", 2)] == ["c"]
            assert [g.name for g in await tx.groups.of_user(sub)] == ["a", "c"]
            assert [u.sub for u in await tx.groups.members(pool_id, "a", None, 10)] == [sub]

    run(scenario)


# Identity providers


def _provider(pool_id: str, name: str, identifiers: list[str]) -> IdentityProviderRecord:
    return IdentityProviderRecord(
        pool_id=pool_id,
        name=name,
        id=str(uuid.uuid4()),
        type="OIDC",
        details={"client_id": "c", "oidc_issuer": "https://issuer.example"},
        secrets_sealed=b"sealed",
        attribute_mapping={"username": "sub", "email": "email"},
        identifiers=identifiers,
        metadata_xml=None,
        created_ms=NOW,
        updated_ms=NOW,
    )


def test_identity_providers_are_unique_by_name_and_by_identifier(run: Run) -> None:
    async def scenario(store: Store) -> None:
        pool_id, other_pool = await _pool(store), await _pool(store)
        first = _provider(pool_id, "b", ["example.com", "corp"])
        async with store.write() as tx:
            assert await tx.identity_providers.insert(first)
            assert await tx.identity_providers.claim_identifiers(pool_id, "b", first.identifiers)
            assert not await tx.identity_providers.insert(_provider(pool_id, "b", []))
            assert await tx.identity_providers.insert(_provider(other_pool, "b", []))
            # Another pool may use the same identifier.
            assert await tx.identity_providers.claim_identifiers(other_pool, "b", ["corp"])
        with pytest.raises(RuntimeError):
            async with store.write() as tx:
                assert await tx.identity_providers.insert(_provider(pool_id, "a", ["corp"]))
                assert not await tx.identity_providers.claim_identifiers(pool_id, "a", ["corp"])
                raise RuntimeError("the identifier is taken: roll back")
        async with store.read() as tx:
            assert await tx.identity_providers.get(pool_id, "a") is None
            assert await tx.identity_providers.get(pool_id, "b") == first
            found = await tx.identity_providers.by_identifier(pool_id, "corp")
            assert found is not None and found.name == "b"
            assert await tx.identity_providers.by_identifier(pool_id, "nothing") is None
            assert await tx.identity_providers.count(pool_id) == 1

    run(scenario)


def test_a_provider_read_for_update_waits_for_a_writer_that_holds_it(run: Run) -> None:
    """UpdateIdentityProvider and a metadata refresh each read the row, check it and write it
    back: read for update, the second sees the first's write instead of the row before it."""

    async def scenario(store: Store) -> None:
        pool_id = await _pool(store)
        async with store.write() as tx:
            assert await tx.identity_providers.insert(_provider(pool_id, "a", []))
        holding = asyncio.Event()
        seen: list[int] = []

        async def first() -> None:
            async with store.write() as tx:
                stored = await tx.identity_providers.get(pool_id, "a", for_update=True)
                assert stored is not None
                holding.set()
                # Give the second writer time to ask for the row while this one holds it.
                await asyncio.sleep(0.2)
                assert await tx.identity_providers.update(replace(stored, updated_ms=NOW + 1))

        async def second() -> None:
            await holding.wait()
            async with store.write() as tx:
                stored = await tx.identity_providers.get(pool_id, "a", for_update=True)
                assert stored is not None
                seen.append(stored.updated_ms)

        await asyncio.gather(first(), second())
        assert seen == [NOW + 1]

    run(scenario)


def test_identity_providers_update_page_and_delete_with_their_identifiers(run: Run) -> None:
    async def scenario(store: Store) -> None:
        pool_id = await _pool(store)
        async with store.write() as tx:
            for name in ("c", "a", "b"):
                record = _provider(pool_id, name, [f"{name}.example"])
                assert await tx.identity_providers.insert(record)
                assert await tx.identity_providers.claim_identifiers(
                    pool_id, name, record.identifiers
                )
        async with store.write() as tx:
            stored = await tx.identity_providers.get(pool_id, "a")
            assert stored is not None
            changed = replace(
                stored,
                details={"client_id": "d"},
                attribute_mapping={"username": "sub"},
                identifiers=["new.example"],
                secrets_sealed=None,
                updated_ms=NOW + 1,
            )
            assert await tx.identity_providers.update(changed)
            assert await tx.identity_providers.claim_identifiers(pool_id, "a", ["new.example"])
            assert not await tx.identity_providers.update(_provider(pool_id, "zz", []))
        async with store.read() as tx:
            assert await tx.identity_providers.get(pool_id, "a") == changed
            assert await tx.identity_providers.by_identifier(pool_id, "a.example") is None
            page = await tx.identity_providers.page(pool_id, None, 2)
            assert [p.name for p in page] == ["a", "b"]
            page = await tx.identity_providers.page(pool_id, "b", 2)
            assert [p.name for p in page] == ["c"]
        async with store.write() as tx:
            assert await tx.identity_providers.delete(pool_id, "a")
            assert not await tx.identity_providers.delete(pool_id, "a")
            # Its identifier is free again.
            assert await tx.identity_providers.insert(_provider(pool_id, "d", []))
            assert await tx.identity_providers.claim_identifiers(pool_id, "d", ["new.example"])
            assert await tx.identity_providers.count(pool_id) == 3
            assert await tx.pools.delete(pool_id)
        async with store.read() as tx:
            assert await tx.identity_providers.count(pool_id) == 0
            assert await tx.identity_providers.by_identifier(pool_id, "new.example") is None

    run(scenario)


def test_a_pool_has_one_saml_signing_certificate(run: Run) -> None:
    async def scenario(store: Store) -> None:
        pool_id = await _pool(store)
        first = SamlCertificateRecord(pool_id, "PEM-1", b"sealed-1", NOW)
        async with store.write() as tx:
            assert await tx.identity_providers.signing_certificate(pool_id) is None
            assert await tx.identity_providers.insert_signing_certificate(first)
            second = SamlCertificateRecord(pool_id, "PEM-2", b"sealed-2", NOW)
            assert not await tx.identity_providers.insert_signing_certificate(second)
        async with store.read() as tx:
            assert await tx.identity_providers.signing_certificate(pool_id) == first

    run(scenario)


# Meta, access keys, resource servers, domains, UI


def test_an_external_identity_signs_in_as_one_user(run: Run) -> None:
    async def scenario(store: Store) -> None:
        pool_id, sub = await _pool_and_user(store)
        other = _user(pool_id)
        first = UserIdentityRecord(pool_id, "Google", "1069", sub, NOW)
        second = UserIdentityRecord(pool_id, "MySAML", "alice@example.com", sub, NOW + 1)
        async with store.write() as tx:
            assert await tx.users.insert(other)
            assert await tx.identities.link(second)
            assert await tx.identities.link(first)
            assert not await tx.identities.link(replace(first, sub=other.sub))
            assert await tx.identities.owner(pool_id, "Google", "1069") == sub
            assert await tx.identities.owner(pool_id, "Google", "1070") is None
            assert await tx.identities.owner(pool_id, "google", "1069") is None
            assert await tx.identities.of_user(sub) == [first, second]
            assert await tx.identities.unlink(pool_id, "Google", "1069")
            assert not await tx.identities.unlink(pool_id, "Google", "1069")
            assert await tx.identities.link(replace(first, sub=other.sub))
            assert await tx.users.delete(other.sub)
            assert await tx.identities.owner(pool_id, "Google", "1069") is None
            assert await tx.identities.of_user(sub) == [second]

    run(scenario)


def test_an_identity_is_linked_on_its_subject_or_on_an_attribute(run: Run) -> None:
    async def scenario(store: Store) -> None:
        pool_id, sub = await _pool_and_user(store)
        other = _user(pool_id)
        on_subject = UserIdentityRecord(pool_id, "MyOIDC", "ann@example.com", other.sub, NOW)
        on_email = UserIdentityRecord(
            pool_id, "MyOIDC", "ann@example.com", sub, NOW + 1, attribute_name="email"
        )
        on_tenant = replace(on_email, provider_user_id="t1", attribute_name="custom:tenant")
        async with store.write() as tx:
            assert await tx.users.insert(other)
            assert await tx.identities.link(on_subject)
            # The same value on another attribute is another link.
            assert await tx.identities.link(on_email)
            assert not await tx.identities.link(replace(on_email, sub=other.sub))
            assert await tx.identities.link(on_tenant)
            assert await tx.identities.owner(pool_id, "MyOIDC", "ann@example.com") == other.sub
            found = await tx.identities.owner(pool_id, "MyOIDC", "ann@example.com", "email")
            assert found == sub
            assert await tx.identities.owner(pool_id, "MyOIDC", "Ann@example.com", "email") is None
            assert await tx.identities.linked_attributes(pool_id, "MyOIDC") == [
                "custom:tenant",
                "email",
            ]
            assert await tx.identities.linked_attributes(pool_id, "Other") == []
            assert await tx.identities.of_user(sub) == [on_tenant, on_email]
            assert await tx.identities.unlink(pool_id, "MyOIDC", "ann@example.com", "email")
            assert not await tx.identities.unlink(pool_id, "MyOIDC", "ann@example.com", "email")
            assert await tx.identities.owner(pool_id, "MyOIDC", "ann@example.com") == other.sub

    run(scenario)


def test_one_caller_claims_a_metadata_refresh(run: Run) -> None:
    async def scenario(store: Store) -> None:
        pool_id = await _pool(store)
        record = replace(_provider(pool_id, "a", []), metadata_fetched_ms=NOW)
        async with store.write() as tx:
            assert await tx.identity_providers.insert(record)
        async with store.write() as tx:
            assert await tx.identity_providers.claim_metadata_refresh(pool_id, "a", None, NOW + 5)
            assert not await tx.identity_providers.claim_metadata_refresh(
                pool_id, "a", None, NOW + 6
            )
            assert not await tx.identity_providers.claim_metadata_refresh(
                pool_id, "zz", None, NOW + 6
            )
        async with store.write() as tx:
            stored = await tx.identity_providers.get(pool_id, "a")
            assert stored == replace(record, metadata_tried_ms=NOW + 5)
            assert await tx.identity_providers.claim_metadata_refresh(
                pool_id, "a", NOW + 5, NOW + 9
            )
            assert await tx.identity_providers.update(replace(stored, metadata_fetched_ms=NOW + 9))
        async with store.read() as tx:
            stored = await tx.identity_providers.get(pool_id, "a")
            assert stored is not None
            assert (stored.metadata_fetched_ms, stored.metadata_tried_ms) == (NOW + 9, NOW + 5)

    run(scenario)


def test_meta_and_access_keys_are_written_once(run: Run) -> None:
    async def scenario(store: Store) -> None:
        key, key_id = _id("meta-"), _id("AKIA")
        record = AccessKeyRecord(
            access_key_id=key_id, secret_sealed=b"sealed", description="ops", created_ms=NOW
        )
        async with store.write() as tx:
            assert await tx.meta.put_if_absent(key, b"first")
            assert not await tx.meta.put_if_absent(key, b"second")
            assert await tx.meta.get(key) == b"first"
            assert await tx.keys.insert(record)
            assert not await tx.keys.insert(record)
            assert await tx.keys.get(key_id) == record
            assert key_id in [k.access_key_id for k in await tx.keys.list()]
            assert await tx.keys.delete(key_id)
            assert not await tx.keys.delete(key_id)

    run(scenario)


def test_resource_servers_are_unique_and_paged_by_identifier(run: Run) -> None:
    async def scenario(store: Store) -> None:
        pool_id = await _pool(store)
        servers = [
            ResourceServerRecord(
                pool_id=pool_id,
                identifier=identifier,
                name=identifier,
                scopes=[{"ScopeName": "read", "ScopeDescription": "Read"}],
                created_ms=NOW,
            )
            for identifier in ("https://b", "https://a", "https://c")
        ]
        async with store.write() as tx:
            for server in servers:
                assert await tx.oauth.insert_server(server)
            assert not await tx.oauth.insert_server(servers[0])
            renamed = replace(servers[0], name="renamed", scopes=[])
            assert await tx.oauth.update_server(renamed)
            assert await tx.oauth.server(pool_id, "https://b") == renamed
        async with store.read() as tx:
            first = await tx.oauth.servers(pool_id, None, 2)
            assert [s.identifier for s in first] == ["https://a", "https://b"]
            rest = await tx.oauth.servers(pool_id, "https://b", 2)
            assert [s.identifier for s in rest] == ["https://c"]

    run(scenario)


def test_a_pool_has_one_domain_of_each_kind(run: Run) -> None:
    async def scenario(store: Store) -> None:
        pool_id, other_pool = await _pool(store), await _pool(store)

        def domain(name: str, pool: str, *, custom: bool) -> DomainRecord:
            return DomainRecord(
                domain=name,
                pool_id=pool,
                custom=custom,
                certificate_arn=None,
                managed_login_version=1,
                created_ms=NOW,
            )

        prefix, custom = _id("auth-"), _id("login.") + ".example.com"
        async with store.write() as tx:
            assert await tx.oauth.insert_domain(domain(prefix, pool_id, custom=False))
            assert not await tx.oauth.insert_domain(domain(_id("x-"), pool_id, custom=False))
            assert not await tx.oauth.insert_domain(domain(prefix, other_pool, custom=False))
            assert await tx.oauth.insert_domain(domain(custom, pool_id, custom=True))
            kinds = [d.custom for d in await tx.oauth.domains_of(pool_id)]
            assert kinds == [False, True]
            assert await tx.oauth.delete_domain(prefix)
            assert await tx.oauth.domain(prefix) is None

    run(scenario)


def test_ui_customisation_is_replaced(run: Run) -> None:
    async def scenario(store: Store) -> None:
        pool_id = await _pool(store)
        first = UiCustomizationRecord(
            pool_id=pool_id,
            client_id="ALL",
            css=".a {}",
            image=None,
            created_ms=NOW,
            updated_ms=NOW,
        )
        async with store.write() as tx:
            await tx.oauth.put_ui(first)
            await tx.oauth.put_ui(replace(first, css=".b {}", updated_ms=NOW + 1))
            stored = await tx.oauth.ui(pool_id, "ALL")
            assert stored is not None and (stored.css, stored.updated_ms) == (".b {}", NOW + 1)
            assert await tx.oauth.ui(pool_id, "client") is None

    run(scenario)


def test_deleting_a_user_or_pool_takes_what_refers_to_it(run: Run) -> None:
    async def scenario(store: Store) -> None:
        pool_id, sub = await _pool_and_user(store)
        email = _id() + "@example.com"
        token = _refresh(pool_id, sub, "origin")
        code = CodeRecord(
            sub=sub, purpose="reset", code_hash="h", expires_ms=NOW, attempts=0, created_ms=NOW
        )
        async with store.write() as tx:
            assert await tx.users.claim_alias(pool_id, "email", email, sub)
            await tx.users.put_code(code)
            await tx.refresh_tokens.insert(token)
            assert await tx.users.delete(sub)
            assert not await tx.users.delete(sub)
            assert await tx.users.alias_owner(pool_id, "email", email) is None
            assert await tx.users.get_code(sub, "reset") is None
            assert await tx.refresh_tokens.get(token.token_hash) is None
            user = _user(pool_id)
            assert await tx.users.insert(user)
            assert await tx.pools.delete(pool_id)
            assert await tx.users.get(user.sub) is None
            assert await tx.users.count(pool_id) == 0

    run(scenario)


# Transactions


def test_a_write_that_raises_leaves_nothing_behind(run: Run) -> None:
    async def scenario(store: Store) -> None:
        pool_id, sub = await _pool_and_user(store)
        sid = _id("sid-")
        with pytest.raises(RuntimeError):
            async with store.write() as tx:
                await tx.refresh_tokens.insert(_refresh(pool_id, sub, "origin"))
                await tx.refresh_tokens.revoke_origin("origin")
                user = await tx.users.get(sub)
                assert user is not None
                user.status, user.version = "DISABLED", 2
                assert await tx.users.update(user)
                assert await tx.spent_sessions.spend(sid, NOW + 10, NOW)
                raise RuntimeError("abandoned")
        async with store.write() as tx:
            stored = await tx.users.get(sub)
            assert stored is not None and (stored.status, stored.version) == ("CONFIRMED", 1)
            assert not await tx.refresh_tokens.origin_revoked("origin")
            assert await tx.spent_sessions.spend(sid, NOW + 10, NOW)

    run(scenario)


def _identity_pool(region: str = "us-east-1", created_ms: int = NOW) -> IdentityPoolRecord:
    return IdentityPoolRecord(
        id=f"{region}:{uuid.uuid4()}",
        region=region,
        name="pool",
        allow_unauthenticated=False,
        allow_classic_flow=None,
        developer_provider_name=None,
        providers={"SupportedLoginProviders": {"accounts.google.com": "app"}},
        tags={"team": "blue"},
        roles={},
        role_mappings={},
        principal_tags={},
        created_ms=created_ms,
        updated_ms=created_ms,
        version=1,
    )


def test_identity_pools_keep_every_setting_and_update_by_version(run: Run) -> None:
    async def scenario(store: Store) -> None:
        record = _identity_pool()
        async with store.write() as tx:
            assert await tx.identity_pools.insert(record)
            assert not await tx.identity_pools.insert(record)
        async with store.read() as tx:
            assert await tx.identity_pools.get(record.id) == record
        changed = replace(
            record,
            allow_classic_flow=False,
            developer_provider_name="login.example",
            roles={"authenticated": "arn:aws:iam::000000000000:role/Auth"},
            role_mappings={"graph.facebook.com": {"Type": "Token"}},
            principal_tags={"graph.facebook.com": {"UseDefaults": True, "PrincipalTags": {}}},
            version=2,
            updated_ms=NOW + 5,
        )
        async with store.write() as tx:
            assert await tx.identity_pools.update(changed)
            # A writer that read version 1 too loses.
            assert not await tx.identity_pools.update(replace(changed, name="late"))
        async with store.read() as tx:
            assert await tx.identity_pools.get(record.id, for_update=True) == changed
            assert await tx.identity_pools.get(f"us-east-1:{uuid.uuid4()}") is None

    run(scenario)


def test_identity_pools_list_by_region_in_creation_order(run: Run) -> None:
    async def scenario(store: Store) -> None:
        region = "eu-" + uuid.uuid4().hex[:8]
        records = [_identity_pool(region, NOW + n) for n in (2, 1, 3)]
        async with store.write() as tx:
            for record in records:
                assert await tx.identity_pools.insert(record)
            assert await tx.identity_pools.insert(_identity_pool("other-region-1"))
        ordered = sorted(records, key=lambda r: r.created_ms)
        async with store.read() as tx:
            assert await tx.identity_pools.count(region) == 3
            first = await tx.identity_pools.list(region, None, 2)
            assert [p.id for p in first] == [r.id for r in ordered[:2]]
            rest = await tx.identity_pools.list(region, (first[-1].created_ms, first[-1].id), 2)
            assert [p.id for p in rest] == [ordered[2].id]

    run(scenario)


def test_an_identity_has_one_login_per_provider_and_a_subject_one_identity(run: Run) -> None:
    async def scenario(store: Store) -> None:
        pool = _identity_pool()
        first = IdentityRecord(
            id=f"us-east-1:{uuid.uuid4()}", pool_id=pool.id, created_ms=NOW, updated_ms=NOW
        )
        second = replace(first, id=f"us-east-1:{uuid.uuid4()}", created_ms=NOW + 1)

        def login(identity: IdentityRecord, provider: str, subject: str) -> IdentityLoginRecord:
            return IdentityLoginRecord(identity.id, pool.id, provider, subject, NOW)

        async with store.write() as tx:
            assert await tx.identity_pools.insert(pool)
            assert await tx.pool_identities.insert(first)
            assert await tx.pool_identities.insert(second)
            assert not await tx.pool_identities.insert(first)
            assert await tx.pool_identities.add_login(login(first, "accounts.google.com", "g1"))
            # The identity's Google slot is taken.
            assert not await tx.pool_identities.add_login(login(first, "accounts.google.com", "g2"))
            # g1 belongs to the first identity.
            assert not await tx.pool_identities.add_login(
                login(second, "accounts.google.com", "g1")
            )
            assert await tx.pool_identities.add_login(login(second, "accounts.google.com", "g2"))
            assert await tx.pool_identities.add_login(login(first, "graph.facebook.com", "g1"))
        async with store.read() as tx:
            assert await tx.pool_identities.owner(pool.id, "accounts.google.com", "g1") == first.id
            assert await tx.pool_identities.owner(pool.id, "accounts.google.com", "g3") is None
            found = await tx.pool_identities.get(first.id)
            assert found is not None
            assert found.logins == {"accounts.google.com": "g1", "graph.facebook.com": "g1"}
        async with store.write() as tx:
            assert await tx.pool_identities.remove_login(first.id, "accounts.google.com")
            assert not await tx.pool_identities.remove_login(first.id, "accounts.google.com")
            assert await tx.pool_identities.add_login(login(second, "graph.facebook.com", "f2"))
        async with store.read() as tx:
            assert await tx.pool_identities.owner(pool.id, "accounts.google.com", "g1") is None

    run(scenario)


def test_identities_list_with_logins_and_go_with_their_pool(run: Run) -> None:
    async def scenario(store: Store) -> None:
        pool = _identity_pool()
        identities = [
            IdentityRecord(
                id=f"us-east-1:{uuid.uuid4()}",
                pool_id=pool.id,
                created_ms=NOW + n,
                updated_ms=NOW + n,
            )
            for n in range(3)
        ]
        async with store.write() as tx:
            assert await tx.identity_pools.insert(pool)
            for identity in identities:
                assert await tx.pool_identities.insert(identity)
            for provider in ("www.amazon.com", "accounts.google.com"):
                login = IdentityLoginRecord(identities[0].id, pool.id, provider, "s", NOW)
                assert await tx.pool_identities.add_login(login)
            assert await tx.pool_identities.disable(identities[1].id, NOW + 10)
        async with store.read() as tx:
            page = await tx.pool_identities.list(pool.id, None, 2)
            assert [i.id for i in page] == [identities[0].id, identities[1].id]
            assert page[0].logins == {"accounts.google.com": "s", "www.amazon.com": "s"}
            assert page[1].disabled and page[1].updated_ms == NOW + 10 and page[1].logins == {}
            after = (page[-1].created_ms, page[-1].id)
            assert [i.id for i in await tx.pool_identities.list(pool.id, after, 2)] == [
                identities[2].id
            ]
            shown = await tx.pool_identities.list(pool.id, None, 5, hide_disabled=True)
            assert [i.id for i in shown] == [identities[0].id, identities[2].id]
        async with store.write() as tx:
            assert await tx.pool_identities.delete(identities[2].id)
            assert not await tx.pool_identities.delete(identities[2].id)
            assert await tx.identity_pools.delete(pool.id)
            assert not await tx.identity_pools.delete(pool.id)
        async with store.read() as tx:
            assert await tx.pool_identities.get(identities[0].id) is None
            assert await tx.pool_identities.owner(pool.id, "www.amazon.com", "s") is None

    run(scenario)


def test_developer_users_belong_to_one_identity_and_move_with_a_merge(run: Run) -> None:
    async def scenario(store: Store) -> None:
        pool = _identity_pool()
        first = IdentityRecord(
            id=f"us-east-1:{uuid.uuid4()}", pool_id=pool.id, created_ms=NOW, updated_ms=NOW
        )
        second = replace(first, id=f"us-east-1:{uuid.uuid4()}", created_ms=NOW + 1)
        provider = "login.example.app"

        def developer(identity: IdentityRecord, user: str) -> DeveloperUserRecord:
            return DeveloperUserRecord(pool.id, user, identity.id, provider, NOW)

        async with store.write() as tx:
            assert await tx.identity_pools.insert(pool)
            assert await tx.pool_identities.insert(first)
            assert await tx.pool_identities.insert(second)
            assert await tx.pool_identities.add_developer_user(developer(first, "bob"))
            assert await tx.pool_identities.add_developer_user(developer(first, "alice"))
            # An identifier belongs to one identity of the pool.
            assert not await tx.pool_identities.add_developer_user(developer(second, "bob"))
            assert await tx.pool_identities.add_developer_user(developer(second, "carol"))
            login = IdentityLoginRecord(second.id, pool.id, "accounts.google.com", "g", NOW)
            assert await tx.pool_identities.add_login(login)
        async with store.read() as tx:
            assert await tx.pool_identities.developer_owner(pool.id, "bob") == first.id
            assert await tx.pool_identities.developer_owner(pool.id, "dave") is None
            found = await tx.pool_identities.get(first.id)
            assert found is not None and found.authenticated
            assert (found.developer_users, found.developer_provider) == (("alice", "bob"), provider)
            page = await tx.pool_identities.developer_users(first.id, None, 1)
            assert [d.user_identifier for d in page] == ["alice"]
            rest = await tx.pool_identities.developer_users(first.id, "alice", 5)
            assert [d.user_identifier for d in rest] == ["bob"]
            listed = await tx.pool_identities.list(pool.id, None, 5)
            assert [i.developer_users for i in listed] == [("alice", "bob"), ("carol",)]
        async with store.write() as tx:
            await tx.pool_identities.merge_into(second.id, first.id, NOW + 20)
        async with store.read() as tx:
            merged = await tx.pool_identities.get(first.id)
            gone = await tx.pool_identities.get(second.id)
            assert merged is not None and gone is not None
            assert merged.developer_users == ("alice", "bob", "carol")
            assert merged.logins == {"accounts.google.com": "g"} and merged.updated_ms == NOW + 20
            assert gone.disabled and not gone.authenticated
            assert await tx.pool_identities.owner(pool.id, "accounts.google.com", "g") == first.id
        async with store.write() as tx:
            assert not await tx.pool_identities.remove_developer_user(pool.id, "bob", second.id)
            assert await tx.pool_identities.remove_developer_user(pool.id, "bob", first.id)
            assert await tx.pool_identities.delete(first.id)
        async with store.read() as tx:
            assert await tx.pool_identities.developer_owner(pool.id, "bob") is None
            # Deleting the identity took its identifiers with it.
            assert await tx.pool_identities.developer_owner(pool.id, "alice") is None

    run(scenario)

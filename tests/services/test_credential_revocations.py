"""Not-before instants that revoke stateless credentials: who they refuse, the millisecond at
the boundary, which instant wins, pruning, the published list's shape, and a user pool user's
identities after a global sign-out (the memory store)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from cognitio.authz.verifier import refuse_if_revoked
from cognitio.crypto.envelope import Envelope
from cognitio.documents import JsonObject
from cognitio.services.sts.credentials import CredentialAuthority, SessionClaims
from cognitio.services.sts.errors import CredentialsRevoked
from cognitio.services.sts.revocations import (
    RETENTION_MS,
    RevocationKind,
    RevocationList,
    issued_ms,
    revoke_in,
    revoke_signed_out_user,
    revoked,
)
from cognitio.store.memory import MemoryStore
from cognitio.store.records import IdentityLoginRecord, IdentityPoolRecord, IdentityRecord

ROLE = "arn:aws:iam::000000000000:role/Guest"
POOL = "us-east-1:2f7b1d43-5b8e-4e57-9a3c-6a51f1d2e0aa"
ALICE = "us-east-1:0d6c8a9e-3f51-4c27-8d1b-5e2f7a9c4b10"
BOB = "us-east-1:7a1e0c52-9b44-4d1f-8e36-2c5d9f0b7e21"
ISSUED = datetime(2026, 12, 6, 3, 0, 0, 123_000, tzinfo=UTC)


def _claims(identity: str = ALICE, *, issued: datetime = ISSUED, **changes: Any) -> SessionClaims:
    values: dict[str, Any] = {
        "identity_id": identity,
        "identity_pool_id": POOL,
        "role_arn": ROLE,
        "session_name": "CognitoIdentityCredentials",
        "issued_at": issued,
        "expires_at": issued + timedelta(hours=1),
        **changes,
    }
    return SessionClaims(**values)


def _revocations(store: MemoryStore, claims: SessionClaims) -> int | None:
    async def read() -> int | None:
        async with store.read() as tx:
            found = await tx.credential_revocations.of_session(
                claims.identity_id, claims.role_arn, claims.identity_pool_id
            )
        return max((record.not_before_ms for record in found), default=None)

    return asyncio.run(read())


def _revoke(store: MemoryStore, kind: RevocationKind, subject: str, at_ms: int) -> None:
    async def write() -> None:
        async with store.write() as tx:
            await revoke_in(tx, kind, subject, at_ms)

    asyncio.run(write())


def test_revoking_one_identity_leaves_another_alone() -> None:
    store = MemoryStore()
    _revoke(store, RevocationKind.IDENTITY, ALICE, issued_ms(_claims()) + 1)
    alice, bob = _claims(ALICE), _claims(BOB)
    assert revoked(alice, _revocations(store, alice))
    assert not revoked(bob, _revocations(store, bob))


def test_a_role_or_a_pool_revocation_reaches_every_session_under_it() -> None:
    for kind, subject in ((RevocationKind.ROLE, ROLE), (RevocationKind.IDENTITY_POOL, POOL)):
        store = MemoryStore()
        _revoke(store, kind, subject, issued_ms(_claims()))
        for identity in (ALICE, BOB):
            assert revoked(_claims(identity), _revocations(store, _claims(identity)))
        other = _claims(role_arn=f"{ROLE}2", identity_pool_id=f"{POOL[:-2]}ff")
        assert not revoked(other, _revocations(store, other))


def test_credentials_issued_in_the_revocations_millisecond_are_refused_the_next_are_not() -> None:
    """The boundary: issued <= not-before is revoked; a millisecond later is not."""
    at = issued_ms(_claims())
    assert revoked(_claims(), at)
    assert not revoked(_claims(issued=ISSUED + timedelta(milliseconds=1)), at)
    assert revoked(_claims(issued=ISSUED - timedelta(milliseconds=1)), at)


def test_minted_credentials_keep_the_issue_millisecond_through_the_token() -> None:
    authority = CredentialAuthority.from_envelope(Envelope(b"r" * 32), ["k1"])
    minted = authority.mint(_claims(issued=ISSUED + timedelta(microseconds=456)))
    opened = authority.open(minted.access_key_id, minted.session_token, now=ISSUED)
    assert opened.claims.issued_at == ISSUED
    assert revoked(opened.claims, issued_ms(_claims()))
    assert not revoked(opened.claims, issued_ms(_claims()) - 1)


def test_a_later_revocation_wins_and_an_earlier_one_does_not_undo_it() -> None:
    store = MemoryStore()
    at = issued_ms(_claims())
    _revoke(store, RevocationKind.IDENTITY, ALICE, at)
    _revoke(store, RevocationKind.IDENTITY, ALICE, at - 60_000)  # a node with a slow clock
    assert _revocations(store, _claims()) == at


def test_revocations_older_than_any_live_credential_are_pruned() -> None:
    store = MemoryStore()
    at = issued_ms(_claims())
    _revoke(store, RevocationKind.IDENTITY, BOB, at - RETENTION_MS - 1)
    _revoke(store, RevocationKind.IDENTITY, ALICE, at)
    assert _revocations(store, _claims(BOB)) is None
    assert _revocations(store, _claims(ALICE)) == at


def test_the_verifiers_refusal_is_access_denied_with_an_explicit_deny() -> None:
    with pytest.raises(CredentialsRevoked) as refused:
        refuse_if_revoked(_claims(), issued_ms(_claims()))
    assert (refused.value.code, refused.value.status) == ("AccessDenied", 403)
    assert refused.value.message.startswith(
        "User: arn:aws:sts::000000000000:assumed-role/Guest/CognitoIdentityCredentials is not "
        "authorized to perform this request with an explicit deny"
    )
    refuse_if_revoked(_claims(), None)
    refuse_if_revoked(_claims(), issued_ms(_claims()) - 1)


def test_the_published_list_round_trips_and_answers_per_session() -> None:
    published = RevocationList(
        generated_ms=1, identities={ALICE: 5}, roles={ROLE: 7}, identity_pools={POOL: 6}
    )
    again = RevocationList.from_document(published.to_document())
    assert again == published
    assert again.not_before_ms(_claims()) == 7
    assert again.not_before_ms(_claims(BOB, role_arn=f"{ROLE}2")) == 6


@pytest.mark.parametrize(
    "forged",
    [
        [],
        {"generatedMs": "1", "identities": {}, "roles": {}, "identityPools": {}},
        {"generatedMs": True, "identities": {}, "roles": {}, "identityPools": {}},
        {"generatedMs": 1, "identities": {ALICE: "9"}, "roles": {}, "identityPools": {}},
        {"generatedMs": 1, "identities": {ALICE: -1}, "roles": {}, "identityPools": {}},
        {"generatedMs": 1, "identities": {ALICE: 2**60}, "roles": {}, "identityPools": {}},
        {"generatedMs": 1, "identities": [ALICE], "roles": {}, "identityPools": {}},
        {"generatedMs": 1, "identities": {}, "roles": {}},
    ],
)
def test_a_list_of_the_wrong_shape_is_refused(forged: object) -> None:
    with pytest.raises(ValueError):
        RevocationList.from_document(forged)


def _pool(pool_id: str, check: bool, user_pool: str = "us-east-1_Abc") -> IdentityPoolRecord:
    provider: JsonObject = {
        "ProviderName": f"cognito-idp.us-east-1.amazonaws.com/{user_pool}",
        "ClientId": "c" * 26,
        "ServerSideTokenCheck": check,
    }
    return IdentityPoolRecord(
        id=pool_id,
        region="us-east-1",
        name="p",
        allow_unauthenticated=False,
        allow_classic_flow=None,
        developer_provider_name=None,
        providers={"CognitoIdentityProviders": [provider]},
        tags={},
        roles={},
        role_mappings={},
        principal_tags={},
        created_ms=0,
        updated_ms=0,
        version=1,
    )


def test_a_signed_out_user_loses_the_credentials_of_pools_that_check_tokens_only() -> None:
    store = MemoryStore()
    checking, trusting = f"{POOL[:-2]}01", f"{POOL[:-2]}02"
    provider = "cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc"

    async def run() -> int:
        async with store.write() as tx:
            for pool_id, identity, check in ((checking, ALICE, True), (trusting, BOB, False)):
                await tx.identity_pools.insert(_pool(pool_id, check))
                await tx.pool_identities.insert(IdentityRecord(identity, pool_id, 0, 0, False))
                await tx.pool_identities.add_login(
                    IdentityLoginRecord(identity, pool_id, provider, "user-sub", 0)
                )
            return await revoke_signed_out_user(tx, "us-east-1_Abc", "user-sub", 10)

    assert asyncio.run(run()) == 1
    assert _revocations(store, _claims(ALICE, identity_pool_id=checking)) == 10
    assert _revocations(store, _claims(BOB, identity_pool_id=trusting)) is None

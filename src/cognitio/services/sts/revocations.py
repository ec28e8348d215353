"""Revoking temporary credentials that carry everything in themselves.

Credentials are stateless (:mod:`.credentials`), so they cannot be deleted; instead the database
keeps *not-before instants*: credentials of an identity, of a role or of an identity pool issued
at or before the instant are refused. It is the shape of IAM's "Revoke active sessions" (an
inline ``Deny`` on ``aws:TokenIssueTime`` older than the revocation, IAM User Guide, "Revoking
IAM role temporary security credentials"), kept per identity and per pool as well as per role.

A revocation lives as long as a credential it refuses could: the longest session (12 hours) and
five minutes of clock skew. Older rows are pruned whenever a revocation is written, so the
published list stays short.

Issue times carry milliseconds. A credential issued in the same millisecond as a revocation is
refused too (``issued <= not_before``): when in doubt, the credential loses.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from cognitio.documents import JsonObject
from cognitio.services.iam.roles import MAX_SESSION_S
from cognitio.services.sts.credentials import SessionClaims
from cognitio.store.records import CredentialRevocationRecord
from cognitio.store.repositories import Store, Transaction

RETENTION_MS = (MAX_SESSION_S + 300) * 1000  # the longest session, and 5 minutes of skew
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)
SIGNATURE_HEADER = "x-cognitio-signature"
_MAX_ENTRIES = 100_000  # per kind, in a published list a verifier accepts


class RevocationKind(StrEnum):
    """What a revocation names."""

    IDENTITY = "identity"  # an identity id
    ROLE = "role"  # a role ARN
    IDENTITY_POOL = "identity-pool"  # an identity pool id


def issued_ms(claims: SessionClaims) -> int:
    """When the credentials were issued, in epoch milliseconds (exact, no float)."""
    return (claims.issued_at - _EPOCH) // _MS


def now_ms() -> int:
    return (datetime.now(UTC) - _EPOCH) // _MS


@dataclass(frozen=True, slots=True)
class RevocationList:
    """Every revocation in force at ``generated_ms``: what a verifier checks credentials by."""

    generated_ms: int
    identities: Mapping[str, int] = field(default_factory=dict)
    roles: Mapping[str, int] = field(default_factory=dict)
    identity_pools: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, records: Iterable[CredentialRevocationRecord], generated_ms: int) -> RevocationList:
        by_kind: dict[str, dict[str, int]] = {kind.value: {} for kind in RevocationKind}
        for record in records:
            if record.kind in by_kind:
                by_kind[record.kind][record.subject] = record.not_before_ms
        return cls(
            generated_ms,
            by_kind[RevocationKind.IDENTITY],
            by_kind[RevocationKind.ROLE],
            by_kind[RevocationKind.IDENTITY_POOL],
        )

    def not_before_ms(self, claims: SessionClaims) -> int | None:
        """The latest instant that revokes credentials with these claims, if any."""
        return latest(
            self.identities.get(claims.identity_id),
            self.roles.get(claims.role_arn),
            self.identity_pools.get(claims.identity_pool_id),
        )

    def to_document(self) -> JsonObject:
        return {
            "generatedMs": self.generated_ms,
            "identities": dict(self.identities),
            "roles": dict(self.roles),
            "identityPools": dict(self.identity_pools),
        }

    @classmethod
    def from_document(cls, document: object) -> RevocationList:
        """The list a revocation endpoint answered; ValueError for anything else."""
        if not isinstance(document, dict):
            raise ValueError("a revocation list is a JSON object")
        generated = document.get("generatedMs")
        if not _is_ms(generated):
            raise ValueError("generatedMs must be epoch milliseconds")
        assert isinstance(generated, int)
        return cls(
            generated,
            _instants(document.get("identities")),
            _instants(document.get("roles")),
            _instants(document.get("identityPools")),
        )


def list_signature(secret: str, amz_date: str, body: bytes) -> str:
    """How a revocation list answered to a request dated ``amz_date`` is signed for the
    administrator who asked: HMAC-SHA256 with that administrator's secret access key."""
    message = b"cognitio-revocations\n" + amz_date.encode("latin-1") + b"\n" + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def latest(*instants: int | None) -> int | None:
    known = [instant for instant in instants if instant is not None]
    return max(known) if known else None


def revoked(claims: SessionClaims, not_before_ms: int | None) -> bool:
    """Whether credentials with ``claims`` were issued at or before ``not_before_ms``."""
    return not_before_ms is not None and issued_ms(claims) <= not_before_ms


def _is_ms(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**53


def _instants(value: object) -> dict[str, int]:
    if not isinstance(value, dict) or len(value) > _MAX_ENTRIES:
        raise ValueError("each kind of revocation is an object of names to instants")
    if not all(isinstance(name, str) and _is_ms(ms) for name, ms in value.items()):
        raise ValueError("a revocation instant must be epoch milliseconds")
    return dict(value)


async def token_revoked(
    tx: Transaction, identity_id: str, identity_pool_id: str, issued_s: int
) -> bool:
    """Whether an identity's OpenID token issued at ``issued_s`` (its ``iat``, whole seconds)
    predates a revocation of the identity or its pool, which meant to end what it would buy.
    A token of the revocation's own second is taken as older (when in doubt, it loses)."""
    records = await tx.credential_revocations.of_session(identity_id, "", identity_pool_id)
    not_before = latest(
        *(record.not_before_ms for record in records if record.kind != RevocationKind.ROLE)
    )
    return not_before is not None and issued_s * 1000 <= not_before


async def revoke_in(tx: Transaction, kind: RevocationKind, subject: str, at_ms: int) -> None:
    """Within ``tx``: refuse ``subject``'s credentials issued at or before ``at_ms``."""
    await tx.credential_revocations.revoke(kind.value, subject, at_ms)
    await tx.credential_revocations.prune(at_ms - RETENTION_MS)


async def revoke_signed_out_user(tx: Transaction, user_pool_id: str, sub: str, at_ms: int) -> int:
    """Within ``tx``: revoke the identities a user pool user is linked to in every identity
    pool whose ``CognitoIdentityProviders`` entry for that user pool has ServerSideTokenCheck
    (the user signed out everywhere, or was deleted). The number of identities revoked."""
    # Identities keep a user pool login under its AWS name, and the user's sub as the subject.
    provider = f"cognito-idp.{user_pool_id.partition('_')[0]}.amazonaws.com/{user_pool_id}"
    revoked_count = 0
    checks: dict[str, bool] = {}
    for identity_id, pool_id in await tx.credential_revocations.linked_identities(provider, sub):
        if pool_id not in checks:
            pool = await tx.identity_pools.get(pool_id)
            checks[pool_id] = pool is not None and _checks_tokens(pool.providers, user_pool_id)
        if checks[pool_id]:
            await revoke_in(tx, RevocationKind.IDENTITY, identity_id, at_ms)
            revoked_count += 1
    return revoked_count


def _checks_tokens(providers: JsonObject, user_pool_id: str) -> bool:
    entries = providers.get("CognitoIdentityProviders")
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or entry.get("ServerSideTokenCheck") is not True:
            continue
        name = entry.get("ProviderName")
        if isinstance(name, str) and name.rpartition("/")[2] == user_pool_id:
            return True
    return False


class CredentialRevocations:
    """Revokes credentials and answers whether a session is revoked, from the database."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def revoke(self, kind: RevocationKind, subject: str) -> int:
        """Revoke now; the instant (epoch milliseconds) credentials must be issued after."""
        at = now_ms()
        async with self._store.write() as tx:
            await revoke_in(tx, kind, subject, at)
        return at

    async def not_before_ms(self, claims: SessionClaims) -> int | None:
        """The latest revocation of this session's identity, role or pool (one query)."""
        async with self._store.read() as tx:
            records = await tx.credential_revocations.of_session(
                claims.identity_id, claims.role_arn, claims.identity_pool_id
            )
        return latest(*(record.not_before_ms for record in records))

    async def published(self) -> RevocationList:
        """Every revocation that can still refuse a live credential."""
        at = now_ms()
        async with self._store.read() as tx:
            records = await tx.credential_revocations.since(at - RETENTION_MS)
        return RevocationList.of(records, at)

"""Signing keys, refresh tokens, authorization codes, spent and hosted sessions, in SQL."""

from __future__ import annotations

from cognitio.store.records import (
    AuthorizationCodeRecord,
    HostedSessionRecord,
    IssuerKeyRecord,
    RefreshTokenRecord,
    SigningKeyRecord,
)
from cognitio.store.repositories import check_spent_id
from cognitio.store.sqlbase import Query, Row, Runner

_KEY_COLUMNS = "kid, pool_id, purpose, private_sealed, created_ms"
_KEYS_OF_POOL = Query(f"SELECT {_KEY_COLUMNS} FROM signing_keys WHERE pool_id = :pool_id")
_KEY_BY_KID = Query(f"SELECT {_KEY_COLUMNS} FROM signing_keys WHERE kid = :kid")
_KEY_INSERT = Query(
    f"INSERT INTO signing_keys ({_KEY_COLUMNS}) VALUES (:kid, :pool_id, :purpose, "
    ":private_sealed, :created_ms) ON CONFLICT DO NOTHING"
)
_ISSUER_KEYS = Query(
    "SELECT kid, private_sealed, created_ms FROM identity_issuer_keys ORDER BY created_ms, kid"
)
_ISSUER_KEY_INSERT = Query(
    "INSERT INTO identity_issuer_keys (kid, private_sealed, created_ms) "
    "VALUES (:kid, :private_sealed, :created_ms) ON CONFLICT DO NOTHING"
)
_REFRESH_COLUMNS = (
    "token_hash, pool_id, client_id, sub, origin_jti, auth_time, created_ms, expires_ms, revoked, "
    "rotated_ms, device_key, scopes"
)
_REFRESH_INSERT = Query(
    f"INSERT INTO refresh_tokens ({_REFRESH_COLUMNS}) VALUES (:token_hash, :pool_id, "
    ":client_id, :sub, :origin_jti, :auth_time, :created_ms, :expires_ms, :revoked, :rotated_ms, "
    ":device_key, :scopes)"
)
_CODE_COLUMNS = (
    "code_hash, pool_id, client_id, sub, redirect_uri, scopes, code_challenge, nonce, auth_time, "
    "expires_ms, origin_jti"
)
_CODE_INSERT = Query(
    f"INSERT INTO authorization_codes ({_CODE_COLUMNS}) VALUES (:code_hash, :pool_id, "
    ":client_id, :sub, :redirect_uri, :scopes, :code_challenge, :nonce, :auth_time, "
    ":expires_ms, :origin_jti)"
)
_CODE_GET = Query(f"SELECT {_CODE_COLUMNS} FROM authorization_codes WHERE code_hash = :hash")
# Exchanging a code and recording what it issued is one statement: it happens once.
_CODE_SPEND = Query(
    "UPDATE authorization_codes SET origin_jti = :origin_jti "
    "WHERE code_hash = :hash AND origin_jti IS NULL"
)
_CODE_PRUNE = Query("DELETE FROM authorization_codes WHERE expires_ms < :before_ms")
_REFRESH_GET = Query(f"SELECT {_REFRESH_COLUMNS} FROM refresh_tokens WHERE token_hash = :hash")
_REFRESH_ROTATED = Query(
    "UPDATE refresh_tokens SET rotated_ms = :rotated_ms WHERE token_hash = :hash "
    "AND rotated_ms IS NULL"
)
_REFRESH_REVOKE_ORIGIN = Query(
    "UPDATE refresh_tokens SET revoked = :yes WHERE origin_jti = :origin_jti"
)
_ORIGIN_REVOKED = Query(
    "SELECT 1 FROM refresh_tokens WHERE origin_jti = :origin_jti AND revoked = :yes LIMIT 1"
)
_SPEND_SESSION = Query(
    "INSERT INTO spent_sessions (sid, expires_ms) VALUES (:sid, :expires_ms) ON CONFLICT DO NOTHING"
)
_FORGET_SPENT = Query("DELETE FROM spent_sessions WHERE expires_ms < :now")
_REFRESH_REVOKE_USER = Query("UPDATE refresh_tokens SET revoked = :yes WHERE sub = :sub")
_HOSTED_COLUMNS = "sid, pool_id, sub, auth_time, expires_ms"
_HOSTED_INSERT = Query(
    f"INSERT INTO hosted_sessions ({_HOSTED_COLUMNS}) "
    "VALUES (:sid, :pool_id, :sub, :auth_time, :expires_ms)"
)
_HOSTED_GET = Query(f"SELECT {_HOSTED_COLUMNS} FROM hosted_sessions WHERE sid = :sid")
_HOSTED_END = Query("DELETE FROM hosted_sessions WHERE sid = :sid")
_HOSTED_END_USER = Query("DELETE FROM hosted_sessions WHERE sub = :sub")
_HOSTED_PRUNE = Query("DELETE FROM hosted_sessions WHERE expires_ms < :now")


class _Repository:
    def __init__(self, sql: Runner) -> None:
        self._sql = sql


class SqlSigningKeys(_Repository):
    async def of_pool(self, pool_id: str) -> list[SigningKeyRecord]:
        rows = await self._sql.all(_KEYS_OF_POOL, {"pool_id": pool_id})
        return [_key(row) for row in rows]

    async def get(self, kid: str) -> SigningKeyRecord | None:
        row = await self._sql.one(_KEY_BY_KID, {"kid": kid})
        return None if row is None else _key(row)

    async def insert(self, record: SigningKeyRecord) -> bool:
        params = {
            "kid": record.kid,
            "pool_id": record.pool_id,
            "purpose": record.purpose,
            "private_sealed": record.private_sealed,
            "created_ms": record.created_ms,
        }
        return await self._sql.run(_KEY_INSERT, params) == 1


class SqlIssuerKeys(_Repository):
    async def all(self) -> list[IssuerKeyRecord]:
        rows = await self._sql.all(_ISSUER_KEYS, {})
        return [
            IssuerKeyRecord(kid=row[0], private_sealed=bytes(row[1]), created_ms=row[2])
            for row in rows
        ]

    async def insert(self, record: IssuerKeyRecord) -> bool:
        params = {
            "kid": record.kid,
            "private_sealed": record.private_sealed,
            "created_ms": record.created_ms,
        }
        return await self._sql.run(_ISSUER_KEY_INSERT, params) == 1


class SqlRefreshTokens(_Repository):
    async def insert(self, record: RefreshTokenRecord) -> None:
        await self._sql.run(
            _REFRESH_INSERT,
            {
                "token_hash": record.token_hash,
                "pool_id": record.pool_id,
                "client_id": record.client_id,
                "sub": record.sub,
                "origin_jti": record.origin_jti,
                "auth_time": record.auth_time,
                "created_ms": record.created_ms,
                "expires_ms": record.expires_ms,
                "revoked": record.revoked,
                "rotated_ms": record.rotated_ms,
                "device_key": record.device_key,
                "scopes": record.scopes,
            },
        )

    async def get(self, token_hash: str) -> RefreshTokenRecord | None:
        row = await self._sql.one(_REFRESH_GET, {"hash": token_hash})
        if row is None:
            return None
        return RefreshTokenRecord(
            token_hash=row[0],
            pool_id=row[1],
            client_id=row[2],
            sub=row[3],
            origin_jti=row[4],
            auth_time=row[5],
            created_ms=row[6],
            expires_ms=row[7],
            revoked=bool(row[8]),
            rotated_ms=row[9],
            device_key=row[10],
            scopes=row[11],
        )

    async def mark_rotated(self, token_hash: str, rotated_ms: int) -> bool:
        """Mark a current token replaced; False when it was replaced already (a race lost)."""
        params = {"hash": token_hash, "rotated_ms": rotated_ms}
        return await self._sql.run(_REFRESH_ROTATED, params) == 1

    async def revoke_origin(self, origin_jti: str) -> None:
        await self._sql.run(_REFRESH_REVOKE_ORIGIN, {"origin_jti": origin_jti, "yes": True})

    async def origin_revoked(self, origin_jti: str) -> bool:
        params = {"origin_jti": origin_jti, "yes": True}
        return await self._sql.one(_ORIGIN_REVOKED, params) is not None

    async def revoke_user(self, sub: str) -> None:
        await self._sql.run(_REFRESH_REVOKE_USER, {"sub": sub, "yes": True})


class SqlAuthorizationCodes(_Repository):
    async def insert(self, record: AuthorizationCodeRecord) -> None:
        await self._sql.run(_CODE_PRUNE, {"before_ms": record.expires_ms - 86_400_000})
        await self._sql.run(
            _CODE_INSERT,
            {
                "code_hash": record.code_hash,
                "pool_id": record.pool_id,
                "client_id": record.client_id,
                "sub": record.sub,
                "redirect_uri": record.redirect_uri,
                "scopes": record.scopes,
                "code_challenge": record.code_challenge,
                "nonce": record.nonce,
                "auth_time": record.auth_time,
                "expires_ms": record.expires_ms,
                "origin_jti": record.origin_jti,
            },
        )

    async def get(self, code_hash: str) -> AuthorizationCodeRecord | None:
        row = await self._sql.one(_CODE_GET, {"hash": code_hash})
        if row is None:
            return None
        return AuthorizationCodeRecord(
            code_hash=row[0],
            pool_id=row[1],
            client_id=row[2],
            sub=row[3],
            redirect_uri=row[4],
            scopes=row[5],
            code_challenge=row[6],
            nonce=row[7],
            auth_time=int(row[8]),
            expires_ms=int(row[9]),
            origin_jti=row[10],
        )

    async def spend(self, code_hash: str, origin_jti: str) -> bool:
        params = {"hash": code_hash, "origin_jti": origin_jti}
        return await self._sql.run(_CODE_SPEND, params) == 1


class SqlSpentSessions(_Repository):
    async def spend(self, sid: str, expires_ms: int, now_ms: int) -> bool:
        check_spent_id(sid)
        await self._sql.run(_FORGET_SPENT, {"now": now_ms})
        return await self._sql.run(_SPEND_SESSION, {"sid": sid, "expires_ms": expires_ms}) == 1


class SqlHostedSessions(_Repository):
    async def insert(self, record: HostedSessionRecord, now_ms: int) -> None:
        await self._sql.run(_HOSTED_PRUNE, {"now": now_ms})
        params = {
            "sid": record.sid,
            "pool_id": record.pool_id,
            "sub": record.sub,
            "auth_time": record.auth_time,
            "expires_ms": record.expires_ms,
        }
        await self._sql.run(_HOSTED_INSERT, params)

    async def get(self, sid: str) -> HostedSessionRecord | None:
        row = await self._sql.one(_HOSTED_GET, {"sid": sid})
        if row is None:
            return None
        return HostedSessionRecord(
            sid=row[0], pool_id=row[1], sub=row[2], auth_time=int(row[3]), expires_ms=int(row[4])
        )

    async def end(self, sid: str) -> None:
        await self._sql.run(_HOSTED_END, {"sid": sid})

    async def end_all(self, sub: str) -> None:
        await self._sql.run(_HOSTED_END_USER, {"sub": sub})


def _key(row: Row) -> SigningKeyRecord:
    return SigningKeyRecord(
        kid=row[0],
        pool_id=row[1],
        purpose=row[2],
        private_sealed=bytes(row[3]),
        created_ms=row[4],
    )

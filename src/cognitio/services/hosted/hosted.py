"""What the hosted pages keep beside the OAuth protocol: the hosted session cookie (who signed
in and, after a SAML sign-in, what single logout needs; sealed under the master key), how the
pages look for a client, and the SecretHash the pages send when they stand in for a client that
has a secret."""

from __future__ import annotations

import base64
import time
import uuid
from dataclasses import dataclass

import orjson

from cognitio.crypto.envelope import DecryptionError, Envelope
from cognitio.documents import JsonObject, JsonValue
from cognitio.errors import NotAuthorizedException
from cognitio.services.common import ids
from cognitio.services.federation.saml_sign_on import SamlSignOn
from cognitio.services.mfa import passkeys
from cognitio.services.oauth.oauth import Authorization
from cognitio.services.pools.branding import Look, image_type, logo_asset, look
from cognitio.store.records import HostedSessionRecord
from cognitio.store.repositories import Store

SESSION_SECONDS = 3600  # the hosted session: an hour, as Cognito's cookie
_SESSION_CONTEXT = "hosted-session"


@dataclass(frozen=True, slots=True)
class _Cookie:
    """What a hosted session cookie seals: the session's id, whose it is, and the SAML sign-on
    it came from (for single logout)."""

    sid: str
    sub: str | None
    sign_on: SamlSignOn | None = None


class Hosted:
    def __init__(self, store: Store, envelope: Envelope, base_url: str) -> None:
        self._store = store
        self._envelope = envelope
        self._base_url = base_url

    @property
    def base_url(self) -> str:
        """The server's public URL, where the pages' logos are served."""
        return self._base_url

    async def look(self, request: Authorization) -> Look:
        """How the hosted pages look for the request's client."""
        async with self._store.read() as tx:
            return await look(tx, request.pool.id, request.client.id, self._base_url)

    async def branding_image(
        self, pool_id: str, kind: str, client_id: str
    ) -> tuple[bytes, str] | None:
        """A logo the pages show: ``ui`` (SetUICustomization) or ``style`` (branding)."""
        async with self._store.read() as tx:
            if kind == "ui":
                record = await tx.oauth.ui(pool_id, client_id)
                if record is None or record.image is None:
                    return None
                return record.image, image_type(record.image) or "application/octet-stream"
            style = await tx.oauth.branding_of(pool_id, client_id)
        return None if style is None else logo_asset(style)

    async def passkey_options(self, request: Authorization, sub: str) -> JsonObject:
        """The /passkeys/add page: CredentialCreationOptions for the signed-in user."""
        async with self._store.write() as tx:
            user = await tx.users.get(sub)
            if user is None or not user.enabled:
                raise NotAuthorizedException("The user cannot sign in.")
            return await passkeys.registration_options(tx, request.pool, user, request.client.id)

    async def add_passkey(self, request: Authorization, sub: str, credential: JsonValue) -> None:
        """The /passkeys/add page's answer: the browser's new credential, verified and kept."""
        async with self._store.write() as tx:
            user = await tx.users.get(sub)
            if user is None or not user.enabled:
                raise NotAuthorizedException("The user cannot sign in.")
            await passkeys.register(tx, request.pool, user, request.client.id, credential)

    # The hosted session: who signed in on the hosted pages. The cookie seals the session's id
    # and a row keeps it, so ending the row (/logout, GlobalSignOut, a new password) ends the
    # cookie on every node; checking it costs one primary-key read.

    async def start_session(self, pool_id: str, sub: str, sign_on: SamlSignOn | None = None) -> str:
        """A new hosted session for the user, as the cookie's (sealed) value; ``sign_on`` is
        the SAML sign-in it came from, kept (sealed) for single logout."""
        now = int(time.time())
        record = HostedSessionRecord(
            sid=str(uuid.uuid4()),
            pool_id=pool_id,
            sub=sub,
            auth_time=now,
            expires_ms=(now + SESSION_SECONDS) * 1000,
        )
        async with self._store.write() as tx:
            await tx.hosted_sessions.insert(record, now * 1000)
        state: JsonObject = {
            "sid": record.sid,
            "pool_id": pool_id,
            "sub": sub,
            "auth_time": now,
            "exp": now + SESSION_SECONDS,
        }
        remembered = None if sign_on is None else sign_on.document()
        if remembered is not None:
            state["saml"] = remembered
        sealed = self._envelope.seal(orjson.dumps(state), _SESSION_CONTEXT)
        return base64.urlsafe_b64encode(sealed).decode().rstrip("=")

    def _opened(self, value: str | None, pool_id: str) -> _Cookie | None:
        """The cookie's state, if it is sealed by this server, of that pool and not expired."""
        if not value:
            return None
        try:
            blob = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
            state: JsonValue = orjson.loads(self._envelope.open(blob, _SESSION_CONTEXT))
        except (ValueError, DecryptionError, orjson.JSONDecodeError):
            return None
        if not isinstance(state, dict):
            return None
        sid = state.get("sid")
        if not isinstance(sid, str):
            return None  # a cookie sealed before sessions had ids: signed out
        expires = state.get("exp", 0)
        if isinstance(expires, bool) or not isinstance(expires, int | float):
            return None
        if state.get("pool_id") != pool_id or expires < time.time():
            return None
        sub = state.get("sub")
        return _Cookie(
            sid=sid,
            sub=sub if isinstance(sub, str) else None,
            sign_on=SamlSignOn.from_document(state.get("saml")),
        )

    async def open_session(self, value: str | None, pool_id: str) -> tuple[str, int] | None:
        """(sub, auth_time) of a live hosted session of that pool, or None."""
        state = self._opened(value, pool_id)
        record = None if state is None else await self._live(state, pool_id)
        return None if record is None else (record.sub, record.auth_time)

    async def end_session(self, value: str | None, pool_id: str) -> SamlSignOn | None:
        """/logout: the cookie's session ends, wherever the cookie is replayed from. The SAML
        sign-on it came from, when it was still live and came from one (single logout)."""
        state = self._opened(value, pool_id)
        if state is None:
            return None
        live = await self._live(state, pool_id)
        async with self._store.write() as tx:
            await tx.hosted_sessions.end(state.sid)
        return None if live is None else state.sign_on

    async def _live(self, state: _Cookie, pool_id: str) -> HostedSessionRecord | None:
        """The session's row, if it has not ended, expired, or changed hands."""
        async with self._store.read() as tx:
            record = await tx.hosted_sessions.get(state.sid)
        if (
            record is None
            or record.pool_id != pool_id
            or record.sub != state.sub
            or record.expires_ms < ids.now_ms()
        ):
            return None
        return record

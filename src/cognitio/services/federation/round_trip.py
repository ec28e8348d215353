"""The round trip to an external identity provider: what the browser carries out and back.

A sign-in at a provider leaves with a ``state`` (OIDC and the social providers) or a
``RelayState`` (SAML) that holds, sealed with the master key, everything the server needs when
the browser returns: the pool, the provider, the app's own /oauth2/authorize query (checked
again on return), the nonce or AuthnRequest ID sent out, and the hash of a random value the
browser keeps in a cookie. Nothing is stored while the user is away, so any node can finish what
another began. On return the state must open, be less than five minutes old (Cognito cancels
slower sign-ins), belong to the same browser, and not have been used: its id is spent once, in
the store every node shares.

A sign-out at a SAML provider (IDPSignout) leaves the same way, its RelayState carrying the
app's /logout query. Each purpose seals under its own context, so a sign-in's state never opens
as a sign-out's, nor the other way round.

Abuse cases: a state made for one browser and replayed in another (login CSRF) fails the cookie
check; a state replayed in the same browser is spent; a state forged or edited does not open; a
state from another pool or provider does not match the endpoint's; an old state has expired.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import TypeVar

import orjson

from cognitio.crypto.envelope import DecryptionError, Envelope
from cognitio.documents import DocumentError, JsonObject, int_member, text_member
from cognitio.services.common import ids
from cognitio.store.repositories import Store

LIFETIME_MS = 5 * 60_000
_T = TypeVar("_T")
# A state is a few hundred characters; anything much longer was not made here.
_MAX_STATE_CHARS = 4096


@dataclass(frozen=True, slots=True)
class Purpose:
    """What a trip is for: the context it is sealed under, and how its errors name it."""

    context: str
    noun: str
    again: str


SIGN_IN = Purpose("federation/round-trip", "sign-in", "Please sign in again.")
SIGN_OUT = Purpose("federation/sign-out-trip", "sign-out", "Please sign out again.")


class RoundTripError(Exception):
    """The browser came back with a state that cannot finish a sign-in; ``reason`` is safe to
    show on a page."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class RoundTrip:
    """One sign-in's (or sign-out's) trip to a provider."""

    id: str
    pool_id: str
    provider_name: str
    # The app's /oauth2/authorize query string (a sign-out: its /logout query), checked again
    # when the browser returns.
    query: str
    # The OpenID Connect nonce sent to the provider (also where none was asked for).
    nonce: str
    # The SAML AuthnRequest's (or LogoutRequest's) ID, for InResponseTo; None for OIDC and the
    # social providers.
    request_id: str | None
    expires_ms: int
    binding_hash: str = ""
    purpose: Purpose = SIGN_IN


class RoundTrips:
    """Seals and opens round-trip states; spends each once."""

    def __init__(self, store: Store, envelope: Envelope) -> None:
        self._store = store
        self._envelope = envelope

    def depart(
        self,
        pool_id: str,
        provider_name: str,
        query: str,
        *,
        request_id: str | None = None,
        purpose: Purpose = SIGN_IN,
    ) -> tuple[RoundTrip, str, str]:
        """A new trip: the trip, its sealed state, and the cookie value to set in the browser."""
        cookie = secrets.token_urlsafe(32)
        trip = RoundTrip(
            id=secrets.token_urlsafe(16),
            pool_id=pool_id,
            provider_name=provider_name,
            query=query,
            nonce=secrets.token_urlsafe(24),
            request_id=request_id,
            expires_ms=ids.now_ms() + LIFETIME_MS,
            binding_hash=_hash(cookie),
            purpose=purpose,
        )
        document: JsonObject = {
            "i": trip.id,
            "p": trip.pool_id,
            "n": trip.provider_name,
            "q": trip.query,
            "o": trip.nonce,
            "r": trip.request_id,
            "e": trip.expires_ms,
            "b": trip.binding_hash,
        }
        sealed = self._envelope.seal(orjson.dumps(document), purpose.context)
        return trip, base64.urlsafe_b64encode(sealed).decode().rstrip("="), cookie

    def open(self, state: str | None, purpose: Purpose = SIGN_IN) -> RoundTrip:
        """The trip ``state`` describes, if it opens (as a trip for ``purpose``) and has not
        expired (not spent yet)."""
        if not state or len(state) > _MAX_STATE_CHARS:
            raise RoundTripError(f"The {purpose.noun} request is missing or not valid.")
        try:
            raw = base64.urlsafe_b64decode(state + "=" * (-len(state) % 4))
            document = orjson.loads(self._envelope.open(raw, purpose.context))
            if not isinstance(document, dict):
                raise DocumentError("state")
            trip = RoundTrip(
                id=_required(text_member(document, "i")),
                pool_id=_required(text_member(document, "p")),
                provider_name=_required(text_member(document, "n")),
                query=_required(text_member(document, "q")),
                nonce=_required(text_member(document, "o")),
                request_id=text_member(document, "r"),
                expires_ms=_required(int_member(document, "e")),
                binding_hash=_required(text_member(document, "b")),
                purpose=purpose,
            )
        except (ValueError, binascii.Error, DecryptionError, orjson.JSONDecodeError):
            raise RoundTripError(f"The {purpose.noun} request is not valid.") from None
        if trip.expires_ms < ids.now_ms():
            raise RoundTripError(f"The {purpose.noun} took too long. {purpose.again}")
        return trip

    async def finish(self, trip: RoundTrip, cookie: str | None, *, cookie_required: bool) -> None:
        """Check the browser is the one that left, then spend the trip: a second return with
        the same state fails. Without ``cookie_required`` (a cross-site form post on a server
        without https, where browsers do not send the cookie) a missing cookie is let pass, but
        a wrong one never is."""
        purpose = trip.purpose
        elsewhere = f"This {purpose.noun} began in another browser. {purpose.again}"
        if cookie is None:
            if cookie_required:
                raise RoundTripError(elsewhere)
        elif not hmac.compare_digest(_hash(cookie), trip.binding_hash):
            raise RoundTripError(elsewhere)
        async with self._store.write() as tx:
            fresh = await tx.spent_sessions.spend(
                f"federation:{trip.id}", trip.expires_ms, ids.now_ms()
            )
        if not fresh:
            raise RoundTripError(f"This {purpose.noun} was already used. {purpose.again}")


def _hash(cookie: str) -> str:
    return hashlib.sha256(cookie.encode()).hexdigest()


def _required(value: _T | None) -> _T:
    if value is None:
        raise DocumentError("a member of the state is missing")
    return value

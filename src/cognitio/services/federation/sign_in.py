"""A sign-in through an external identity provider, from the app's /oauth2/authorize to the
user it signs in as.

``depart`` checks that the app client may use the provider, seals the round trip (the app's own
authorization request travels inside it) and answers the provider's URL and the cookie that
binds the trip to the browser. ``arrive`` takes what the provider sent back to
``/oauth2/idpresponse``: the trip is opened, checked against the browser and spent; the code is
redeemed and the provider's token validated by the provider type's relying party; the user is
found or made (:mod:`.federated_users`). The web edge then checks the app's request again and
answers the app as after any hosted sign-in.

Every way it can fail ends as one :class:`FederationFailed`, whose reason is safe to show and
whose ``query`` (when the trip was opened) lets the web edge send the error to the app's
redirect URI, as Cognito does after a provider returns.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import orjson

from cognitio.documents import JsonObject
from cognitio.errors import CognitoError
from cognitio.services.clients.settings import client_settings
from cognitio.services.common import ids
from cognitio.services.federation.federated_users import (
    ExternalUser,
    FederatedSignInError,
    FederatedUsers,
)
from cognitio.services.federation.oidc import Callback, FederationClients
from cognitio.services.federation.provider_config import ProviderConfig, ProviderType
from cognitio.services.federation.providers import IdentityProvider, IdentityProviders
from cognitio.services.federation.relying_parties import relying_party
from cognitio.services.federation.round_trip import RoundTrip, RoundTripError, RoundTrips
from cognitio.services.federation.saml.errors import SamlRejected
from cognitio.services.federation.saml.redirect import authn_request, new_request_id
from cognitio.services.federation.saml.responses import accept_response
from cognitio.services.federation.saml_sign_on import SamlSignOn
from cognitio.services.federation.upstream import IdentityProviderError
from cognitio.store.records import ClientRecord, UserPoolRecord
from cognitio.store.repositories import Store

SAML = "SAML"
# Where OIDC and the social providers send the browser back.
OIDC_CALLBACK = "/oauth2/idpresponse"
# The cookie that binds a trip to the browser: one per trip, so two sign-ins in two tabs do not
# undo each other.
COOKIE_PREFIX = "cognitio-federation-"


class FederationFailed(Exception):
    """A sign-in through a provider cannot go on. ``reason`` is safe to show; ``query`` is the
    app's authorization request when the trip was opened (so the error can go to the app)."""

    def __init__(self, reason: str, query: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.query = query


@dataclass(frozen=True, slots=True)
class Departure:
    """Where to send the browser, and the cookie to set on the way."""

    url: str
    cookie_name: str
    cookie_value: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class Arrival:
    """The signed-in user, and the app's authorization request to finish; ``sign_on`` is what
    single logout needs after a SAML sign-in."""

    pool_id: str
    query: str
    sub: str
    auth_time: int
    sign_on: SamlSignOn | None = None


def cookie_name(trip_id: str) -> str:
    return COOKIE_PREFIX + trip_id[:16]


class FederatedSignIn:
    def __init__(
        self,
        store: Store,
        providers: IdentityProviders,
        round_trips: RoundTrips,
        clients: FederationClients,
        users: FederatedUsers,
    ) -> None:
        self._store = store
        self._providers = providers
        self._round_trips = round_trips
        self._clients = clients
        self._users = users

    async def close(self) -> None:
        """Close the connections to providers and stop metadata refreshes (at shutdown)."""
        await self._providers.close()
        await self._clients.upstream.aclose()

    async def depart(
        self,
        pool: UserPoolRecord,
        client: ClientRecord,
        provider_name: str,
        query: str,
        base_url: str,
    ) -> Departure:
        """The first leg: to ``provider_name`` for the app's request ``query``; ``base_url``
        is the origin the browser is on (a pool's domain, or the server's)."""
        if provider_name not in client_settings(client).supported_identity_providers:
            raise FederationFailed(f"The app client does not allow sign-in with {provider_name}.")
        provider = await self._providers.signing_in(pool.id, provider_name)
        if provider is None:
            raise FederationFailed(f"The identity provider {provider_name} does not exist.")
        if provider.record.type == SAML:
            return await self._depart_saml(provider, query, base_url)
        trip, state, cookie = self._round_trips.depart(pool.id, provider_name, query)
        try:
            party = relying_party(_config(provider), self._clients)
            request = await party.authorization_request(base_url + OIDC_CALLBACK, state, trip.nonce)
        except IdentityProviderError as error:
            raise FederationFailed(error.reason, query) from None
        return Departure(request.url, cookie_name(trip.id), cookie)

    async def _depart_saml(
        self, provider: IdentityProvider, query: str, base_url: str
    ) -> Departure:
        """A signed AuthnRequest on the IdP's Redirect binding; the trip is its RelayState."""
        try:
            idp, sp = await self._providers.saml_parties(provider, base_url)
        except CognitoError as error:  # metadata that no longer reads
            raise FederationFailed(str(error), query) from None
        request_id = new_request_id()
        record = provider.record
        trip, state, cookie = self._round_trips.depart(
            record.pool_id, record.name, query, request_id=request_id
        )
        request = authn_request(idp, sp, state, request_id=request_id)
        return Departure(request.url, cookie_name(trip.id), cookie)

    def trip_of(self, params: Mapping[str, str]) -> RoundTrip:
        """The trip a provider's answer names (opened, not yet spent)."""
        try:
            return self._round_trips.open(params.get("state"))
        except RoundTripError as error:
            raise FederationFailed(error.reason) from None

    async def arrive(
        self,
        trip: RoundTrip,
        params: Mapping[str, str],
        cookie: str | None,
        base_url: str,
        *,
        cookie_required: bool,
    ) -> Arrival:
        """The way back from an OIDC or social provider: its answer ``params`` for ``trip``."""
        try:
            await self._round_trips.finish(trip, cookie, cookie_required=cookie_required)
        except RoundTripError as error:
            raise FederationFailed(error.reason) from None
        try:
            callback = Callback.from_params(params)
            provider = await self._providers.signing_in(trip.pool_id, trip.provider_name)
            if provider is None:
                raise FederationFailed("The identity provider no longer exists.", trip.query)
            party = relying_party(_config(provider), self._clients)
            identity = await party.complete(callback, base_url + OIDC_CALLBACK, trip.nonce)
        except IdentityProviderError as error:
            raise FederationFailed(error.reason, trip.query) from None
        external = ExternalUser(
            provider_name=provider.record.name,
            provider_type=provider.record.type,
            user_id=identity.user_id,
            issuer=identity.issuer,
            claims=identity.attributes,
            attribute_mapping=provider.record.attribute_mapping,
            answer={
                "tokenResponse": identity.token_response,
                "idToken": _claims_of(identity.id_token),
                "userInfo": identity.userinfo or {},
            },
        )
        return await self._signed_in(trip, external)

    async def arrive_saml(
        self,
        trip: RoundTrip,
        saml_response: str,
        cookie: str | None,
        base_url: str,
        *,
        cookie_required: bool,
    ) -> Arrival:
        """The way back from a SAML provider (SP-initiated): the response to the AuthnRequest
        ``trip`` sent."""
        try:
            await self._round_trips.finish(trip, cookie, cookie_required=cookie_required)
        except RoundTripError as error:
            raise FederationFailed(error.reason) from None
        provider = await self._providers.signing_in(trip.pool_id, trip.provider_name)
        if provider is None or provider.record.type != SAML:
            raise FederationFailed("The identity provider no longer exists.", trip.query)
        return await self._accept_saml(trip, provider, saml_response, base_url)

    async def arrive_unsolicited(
        self, relay_state: str, saml_response: str, base_url: str
    ) -> Arrival:
        """IdP-initiated SAML: a response no request asked for, whose RelayState carries the
        app's authorization parameters (``client_id``, ``redirect_uri``, ``scope``,
        ``identity_provider`` or ``idp_identifier``, ``state``). Only for a provider with
        IDPInit, which the app client supports; the assertion must carry no InResponseTo and
        be less than six minutes old."""
        params = dict(parse_qsl(relay_state))
        client_id = params.get("client_id", "")
        async with self._store.read() as tx:
            client = await tx.clients.find(client_id) if client_id else None
            pool = None if client is None else await tx.pools.get(client.pool_id)
        if client is None or pool is None:
            raise FederationFailed("The sign-in request does not name an app client.")
        name = params.get("identity_provider") or await self._providers.name_by_identifier(
            pool.id, params.get("idp_identifier", "")
        )
        if not name or name not in client_settings(client).supported_identity_providers:
            raise FederationFailed("The app client does not allow this sign-in.", relay_state)
        provider = await self._providers.signing_in(pool.id, name)
        if provider is None or provider.record.type != SAML:
            raise FederationFailed("The identity provider does not exist.", relay_state)
        if provider.details.get("IDPInit") != "true":
            raise FederationFailed(
                "The identity provider does not allow IdP-initiated sign-in.", relay_state
            )
        # No trip left: this one only names the pool, the provider and the app's request.
        trip = RoundTrip("", pool.id, name, relay_state, "", None, 0)
        return await self._accept_saml(trip, provider, saml_response, base_url)

    async def _accept_saml(
        self, trip: RoundTrip, provider: IdentityProvider, saml_response: str, base_url: str
    ) -> Arrival:
        try:
            idp, sp = await self._providers.saml_parties(provider, base_url)
            assertion = await accept_response(
                saml_response,
                idp=idp,
                sp=sp,
                request_id=trip.request_id,
                replay=_SpentAssertions(self._store, trip.pool_id, trip.provider_name),
            )
        except (SamlRejected, CognitoError) as error:
            raise FederationFailed(str(error), trip.query) from None
        claims: JsonObject = {
            name: values[0] if len(values) == 1 else list(values)
            for name, values in assertion.attributes.items()
        }
        external = ExternalUser(
            provider_name=provider.record.name,
            provider_type=SAML,
            user_id=assertion.name_id,
            issuer=assertion.issuer,
            claims=claims,
            attribute_mapping=provider.record.attribute_mapping,
            answer={"samlResponse": claims},
        )
        sign_on = SamlSignOn(
            provider_name=provider.record.name,
            name_id=assertion.name_id,
            issuer=assertion.issuer,
            name_id_format=assertion.name_id_format,
            name_qualifier=assertion.name_qualifier,
            sp_name_qualifier=assertion.sp_name_qualifier,
            session_index=assertion.session_index,
        )
        return await self._signed_in(trip, external, sign_on)

    async def _signed_in(
        self, trip: RoundTrip, external: ExternalUser, sign_on: SamlSignOn | None = None
    ) -> Arrival:
        async with self._store.read() as tx:
            pool = await tx.pools.get(trip.pool_id)
        if pool is None:
            raise FederationFailed("The user pool no longer exists.")
        client_id = dict(parse_qsl(trip.query)).get("client_id", "")
        try:
            user = await self._users.sign_in(pool, client_id, external)
        except FederatedSignInError as error:
            raise FederationFailed(error.reason, trip.query) from None
        return Arrival(trip.pool_id, trip.query, user.sub, ids.now_ms() // 1000, sign_on)


class _SpentAssertions:
    """The replay cache SAML asks for, over the spent ids every node shares. The store keeps ids
    of at most 36 characters, and an IdP's assertion IDs have no length limit, so the key is a
    digest of the pool, the provider and the assertion ID: ``saml:`` and 31 base64url
    characters (186 bits)."""

    def __init__(self, store: Store, pool_id: str, provider_name: str) -> None:
        self._store = store
        self._pool_id = pool_id
        self._provider_name = provider_name

    def key(self, assertion_id: str) -> str:
        named = orjson.dumps([self._pool_id, self._provider_name, assertion_id])
        digest = base64.urlsafe_b64encode(hashlib.sha256(named).digest()).decode()
        return "saml:" + digest[:31]

    async def spend(self, assertion_id: str, expires_ms: int) -> bool:
        async with self._store.write() as tx:
            return await tx.spent_sessions.spend(self.key(assertion_id), expires_ms, ids.now_ms())


def _claims_of(id_token: str | None) -> JsonObject:
    """The claims of an ID token the relying party has already validated."""
    if not id_token or id_token.count(".") != 2:
        return {}
    payload = id_token.split(".")[1]
    try:
        claims = orjson.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, orjson.JSONDecodeError):
        return {}
    return claims if isinstance(claims, dict) else {}


def _config(provider: IdentityProvider) -> ProviderConfig:
    record = provider.record
    try:
        kind = ProviderType(record.type)
    except ValueError:
        raise IdentityProviderError(
            f"Sign-in through {record.type} providers is not available here yet.",
            f"no relying party for {record.type}",
        ) from None
    return ProviderConfig.from_details(
        record.name, kind, provider.details, record.attribute_mapping
    )

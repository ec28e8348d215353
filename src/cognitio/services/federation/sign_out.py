"""Single logout with a SAML provider (IDPSignout): the way out from ``/logout`` and the way
back at ``/saml2/logout``.

Cognito's developer guide ("Signing out SAML users with single sign-out", and the /logout
endpoint's page): when a user who signed in through a SAML provider with ``IDPSignout`` comes
to ``/logout``, the pool ends its session and sends the browser to the SingleLogoutService URL
of the IdP's metadata with a LogoutRequest signed by the pool's signing certificate
(HTTP-Redirect binding, RSA-SHA256). The IdP answers at ``/saml2/logout`` with a
LogoutResponse (the guide asks for the POST binding; a signed Redirect answer is read too), and
the browser then goes where ``/logout`` was asked to send it. The guide describes no
IdP-initiated LogoutRequest at ``/saml2/logout``; the web edge refuses one.

What the LogoutRequest must name comes from the sign-in (:class:`~.saml_sign_on.SamlSignOn`:
the provider, the NameID as the assertion gave it and the first AuthnStatement's SessionIndex)
and rides sealed inside the hosted session cookie. The LogoutRequest's RelayState is a sign-out
round trip (:data:`~.round_trip.SIGN_OUT`) carrying the app's /logout query: sealed, five
minutes, bound to the browser by a cookie, spent once. A provider without IDPSignout or without
a Redirect SingleLogoutService, one that is gone or now has another entity ID than the IdP
that signed the user in, or a session that did not come from SAML, signs out of the pool only,
as before.
"""

from __future__ import annotations

from dataclasses import dataclass

from cognitio.errors import CognitoError
from cognitio.services.federation.providers import IdentityProvider, IdentityProviders
from cognitio.services.federation.round_trip import (
    SIGN_OUT,
    RoundTrip,
    RoundTripError,
    RoundTrips,
)
from cognitio.services.federation.saml.errors import SamlRejected
from cognitio.services.federation.saml.redirect import (
    SamlLogoutResult,
    logout_request,
    new_request_id,
    read_logout_response_post,
    read_logout_response_redirect,
)
from cognitio.services.federation.saml_sign_on import SamlSignOn
from cognitio.services.federation.sign_in import (
    SAML,
    Departure,
    FederationFailed,
    cookie_name,
)


@dataclass(frozen=True, slots=True)
class LogoutAnswer:
    """What came back to ``/saml2/logout``: the raw query of a Redirect-binding answer (its
    signature is over the query as received), or the POST binding's ``SAMLResponse``."""

    raw_query: str | None = None
    saml_response: str | None = None


class FederatedSignOut:
    def __init__(self, providers: IdentityProviders, round_trips: RoundTrips) -> None:
        self._providers = providers
        self._round_trips = round_trips

    async def depart(
        self, pool_id: str, sign_on: SamlSignOn, query: str, base_url: str
    ) -> Departure | None:
        """The way to the IdP for a session that signed in with ``sign_on``, whose /logout
        asked for ``query``; None when the provider does not take part in single logout.
        ``base_url`` is the origin the browser is on (where the IdP will answer)."""
        provider = await self._providers.signing_in(pool_id, sign_on.provider_name)
        if provider is None or provider.record.type != SAML:
            return None
        try:
            idp, sp = await self._providers.saml_parties(provider, base_url)
        except CognitoError:  # metadata that no longer reads: no SLO endpoint to go to
            return None
        if not idp.idp_signout or not idp.slo_redirect_url:
            return None
        if sign_on.issuer != idp.entity_id:
            # The provider's name now stands for another IdP (UpdateIdentityProvider with other
            # metadata, or a provider made again): the NameID is not its to hear about.
            return None
        request_id = new_request_id()
        trip, state, cookie = self._round_trips.depart(
            pool_id, provider.record.name, query, request_id=request_id, purpose=SIGN_OUT
        )
        request = logout_request(
            idp,
            sp,
            name_id=sign_on.name_id,
            name_id_format=sign_on.name_id_format,
            name_qualifier=sign_on.name_qualifier,
            sp_name_qualifier=sign_on.sp_name_qualifier,
            session_index=sign_on.session_index,
            relay_state=state,
            request_id=request_id,
        )
        return Departure(request.url, cookie_name(trip.id), cookie)

    def trip_of(self, relay_state: str | None) -> RoundTrip:
        """The sign-out trip a LogoutResponse's RelayState names (opened, not yet spent)."""
        try:
            return self._round_trips.open(relay_state, SIGN_OUT)
        except RoundTripError as error:
            raise FederationFailed(error.reason) from None

    async def arrive(
        self,
        trip: RoundTrip,
        answer: LogoutAnswer,
        cookie: str | None,
        base_url: str,
        *,
        cookie_required: bool,
    ) -> None:
        """The IdP's LogoutResponse to the request ``trip`` sent: the trip is checked against
        the browser and spent, then the response must be signed by the IdP, answer that
        request, name the IdP and this endpoint, and report Success."""
        try:
            await self._round_trips.finish(trip, cookie, cookie_required=cookie_required)
        except RoundTripError as error:
            raise FederationFailed(error.reason) from None
        provider = await self._providers.signing_in(trip.pool_id, trip.provider_name)
        if provider is None or provider.record.type != SAML or trip.request_id is None:
            raise FederationFailed("The identity provider no longer exists.")
        result = await self._read(provider, trip.request_id, answer, base_url)
        if not result.success:
            code = result.status or ""
            short = code.rsplit(":", 1)[-1] if code and len(code) <= 100 else "missing"
            raise FederationFailed(
                f"You are signed out here, but the identity provider did not sign you out "
                f"(status {short})."
            )

    async def _read(
        self, provider: IdentityProvider, request_id: str, answer: LogoutAnswer, base_url: str
    ) -> SamlLogoutResult:
        try:
            idp, sp = await self._providers.saml_parties(provider, base_url)
            if answer.raw_query is not None:
                return read_logout_response_redirect(
                    answer.raw_query, idp=idp, sp=sp, request_id=request_id
                )
            return read_logout_response_post(
                answer.saml_response or "", idp=idp, sp=sp, request_id=request_id
            )
        except (SamlRejected, CognitoError) as error:
            raise FederationFailed(str(error)) from None

"""Single logout with a SAML provider through a real server, the browser played with httpx and
the IdP by the in-process signxml fixture: /logout sends a signed LogoutRequest naming the
sign-in, /saml2/logout takes only the IdP's signed answer to that request, once, in the browser
that left, and then goes where the app's /logout asked. The abuse cases come first."""

from __future__ import annotations

import base64
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, parse_qsl, quote, urlencode, urlsplit

import httpx
import pytest
from lxml import etree

from cognitio.services.federation.saml import SamlKeyPair
from cognitio.services.federation.saml.redirect import verify_redirect_signature
from tests.helpers.federated_browser import saml_metadata
from tests.helpers.oauth import CALLBACK
from tests.helpers.saml_idp import SAML, SAMLP, FixtureIdp, encode, key_pair, q
from tests.helpers.saml_idp import signed_redirect_query as redirect_query
from tests.server import ServerProcess

SSO = "https://idp.example.test/sso"
SLO = "https://idp.example.test/slo"
SIGNED_OUT = "http://localhost:8000/signed-out"
PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"


@pytest.fixture(scope="module")
def idp_keys() -> SamlKeyPair:
    return key_pair("logout-idp")


@dataclass(frozen=True)
class World:
    """A pool with a SAML provider (IDPSignout on, a Redirect SLO service) and an app client."""

    server: ServerProcess
    api: Any
    pool_id: str
    client_id: str
    fixture: FixtureIdp

    @property
    def logout_url(self) -> str:
        return f"{self.server.url}/saml2/logout"


@pytest.fixture
def world(server: ServerProcess, idp: Any, idp_keys: SamlKeyPair) -> World:
    pool_id = idp.create_user_pool(PoolName="slo")["UserPool"]["Id"]
    add_provider(idp, pool_id, "Corp", idp_keys, slo=SLO, signout=True)
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="app",
        SupportedIdentityProviders=["Corp"],
        CallbackURLs=[CALLBACK],
        LogoutURLs=[SIGNED_OUT],
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid", "email"],
        AllowedOAuthFlowsUserPoolClient=True,
    )["UserPoolClient"]["ClientId"]
    fixture = FixtureIdp(
        keys=idp_keys,
        sp_entity_id=f"urn:amazon:cognito:sp:{pool_id}",
        acs_url=f"{server.url}/saml2/idpresponse",
        entity_id="urn:example:idp",
    )
    return World(server, idp, pool_id, client_id, fixture)


def add_provider(
    idp: Any, pool_id: str, name: str, keys: SamlKeyPair, *, slo: str | None, signout: bool
) -> None:
    idp.create_identity_provider(
        UserPoolId=pool_id,
        ProviderName=name,
        ProviderType="SAML",
        ProviderDetails={
            "MetadataFile": saml_metadata(SSO, certificate_pem=keys.certificate_pem, slo_url=slo),
            "IDPSignout": "true" if signout else "false",
        },
        AttributeMapping={"email": "email"},
    )


@pytest.fixture
def browser(world: World) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=world.server.url, trust_env=False) as http:
        yield http


def authorize_query(world: World, provider: str = "Corp") -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": world.client_id,
        "redirect_uri": CALLBACK,
        "scope": "openid email",
        "state": "app-state",
        "identity_provider": provider,
    }


def redirect_message(url: str) -> tuple[etree._Element, dict[str, str]]:
    """The message a Redirect-binding URL carries, and its query's fields."""
    fields = dict(parse_qsl(urlsplit(url).query))
    deflated = base64.b64decode(fields["SAMLRequest"])
    return etree.fromstring(zlib.decompress(deflated, -15)), fields


def sign_in(world: World, browser: httpx.Client, provider: str = "Corp") -> None:
    """Through the IdP to the app: the browser keeps a hosted session from a SAML sign-in."""
    out = browser.get("/oauth2/authorize", params=authorize_query(world, provider))
    assert out.status_code == 302, out.text
    request, fields = redirect_message(out.headers["location"])
    response = world.fixture.response(in_response_to=request.get("ID"))
    back = browser.post(
        "/saml2/idpresponse",
        data={"SAMLResponse": encode(response), "RelayState": fields["RelayState"]},
    )
    assert back.status_code == 302, back.text
    assert back.headers["location"].startswith(CALLBACK)


def log_out(world: World, browser: httpx.Client, **extra: str) -> httpx.Response:
    params = {"client_id": world.client_id, "logout_uri": SIGNED_OUT, **extra}
    return browser.get("/logout", params=params)


@dataclass(frozen=True)
class Departed:
    """A sign-out on its way to the IdP: the LogoutRequest, its ID and RelayState."""

    request: etree._Element
    request_id: str
    relay_state: str
    url: str


def depart(world: World, browser: httpx.Client) -> Departed:
    sign_in(world, browser)
    out = log_out(world, browser)
    assert out.status_code == 302, out.text
    assert out.headers["location"].startswith(SLO + "?")
    request, fields = redirect_message(out.headers["location"])
    return Departed(request, str(request.get("ID")), fields["RelayState"], out.headers["location"])


def answer(world: World, departed: Departed, **knobs: Any) -> dict[str, str]:
    """The IdP's LogoutResponse to ``departed`` on the POST binding."""
    response = world.fixture.logout_response(
        in_response_to=knobs.pop("in_response_to", departed.request_id),
        destination=knobs.pop("destination", world.logout_url),
        **knobs,
    )
    return {"SAMLResponse": encode(response), "RelayState": departed.relay_state}


def still_signed_in(world: World, browser: httpx.Client) -> bool:
    """Whether the browser's hosted session still signs it in (prompt=none)."""
    query = {**authorize_query(world), "prompt": "none"}
    del query["identity_provider"]
    silent = browser.get("/oauth2/authorize", params=query)
    assert silent.status_code == 302, silent.text
    return "code" in parse_qs(urlsplit(silent.headers["location"]).query)


def refused(answer: httpx.Response, reason: str) -> None:
    assert answer.status_code == 400, answer.text
    assert "location" not in answer.headers
    assert reason in answer.text


# Abuse cases.


def test_a_logout_uri_the_client_does_not_list_is_refused_and_nothing_is_ended(
    world: World, browser: httpx.Client
) -> None:
    sign_in(world, browser)
    out = browser.get(
        "/logout", params={"client_id": world.client_id, "logout_uri": "https://evil.example/"}
    )
    assert out.status_code == 400
    assert "location" not in out.headers
    assert still_signed_in(world, browser)


def test_a_logout_response_is_spent_by_its_first_use(world: World, browser: httpx.Client) -> None:
    departed = depart(world, browser)
    fields = answer(world, departed)
    first = browser.post("/saml2/logout", data=fields)
    assert first.status_code == 302, first.text
    refused(browser.post("/saml2/logout", data=fields), "This sign-out was already used.")


def test_a_response_to_another_request_is_refused(world: World, browser: httpx.Client) -> None:
    departed = depart(world, browser)
    other = depart(world, browser)
    fields = answer(world, departed, in_response_to=other.request_id)
    refused(
        browser.post("/saml2/logout", data=fields),
        "The logout response does not answer this sign-out&#39;s request.",
    )


def test_an_unsigned_response_is_refused(world: World, browser: httpx.Client) -> None:
    fields = answer(world, depart(world, browser), sign_it=False)
    refused(browser.post("/saml2/logout", data=fields), "The logout response is not signed.")


def test_a_response_signed_by_another_key_is_refused(world: World, browser: httpx.Client) -> None:
    fields = answer(world, depart(world, browser), signing_keys=key_pair("mallory"))
    refused(browser.post("/saml2/logout", data=fields), "signature is not valid.")


def test_a_response_from_another_issuer_or_for_another_endpoint_is_refused(
    world: World, browser: httpx.Client
) -> None:
    departed = depart(world, browser)
    refused(
        browser.post("/saml2/logout", data=answer(world, departed, issuer="urn:example:other")),
        "was not issued by the identity provider",
    )
    departed = depart(world, browser)
    elsewhere = answer(world, departed, destination="https://sp.example/saml2/logout")
    refused(browser.post("/saml2/logout", data=elsewhere), "meant for another endpoint")


def test_a_tampered_relay_state_does_not_open(world: World, browser: httpx.Client) -> None:
    departed = depart(world, browser)
    fields = answer(world, departed)
    state = fields["RelayState"]
    middle = len(state) // 2
    fields["RelayState"] = (
        state[:middle] + ("A" if state[middle] != "A" else "B") + state[middle + 1 :]
    )
    refused(browser.post("/saml2/logout", data=fields), "The sign-out request is not valid.")
    fields["RelayState"] = ""
    refused(browser.post("/saml2/logout", data=fields), "The sign-out request is missing")


def test_a_sign_in_relay_state_does_not_open_as_a_sign_out(
    world: World, browser: httpx.Client
) -> None:
    departed = depart(world, browser)
    out = browser.get("/oauth2/authorize", params=authorize_query(world))
    _, sign_in_fields = redirect_message(out.headers["location"])
    fields = answer(world, departed)
    fields["RelayState"] = sign_in_fields["RelayState"]
    refused(browser.post("/saml2/logout", data=fields), "The sign-out request is not valid.")


def test_a_redirect_answer_from_another_browser_is_refused(
    world: World, browser: httpx.Client, idp_keys: SamlKeyPair
) -> None:
    departed = depart(world, browser)
    response = world.fixture.logout_response(
        in_response_to=departed.request_id, destination=world.logout_url, sign_it=False
    )
    query = redirect_query("SAMLResponse", response, departed.relay_state, idp_keys)
    with httpx.Client(base_url=world.server.url, trust_env=False) as other:
        refused(other.get(f"/saml2/logout?{query}"), "This sign-out began in another browser.")
    # The trip was not spent by the refusal: the browser that left can still come back.
    back = browser.get(f"/saml2/logout?{query}")
    assert back.status_code == 302, back.text


def test_oversized_answers_are_refused(world: World, browser: httpx.Client) -> None:
    departed = depart(world, browser)
    fields = {"SAMLResponse": "A" * 100_004, "RelayState": departed.relay_state}
    too_large = browser.post("/saml2/logout", data=fields)
    assert too_large.status_code in (400, 413), too_large.text
    assert "location" not in too_large.headers
    fields = {"SAMLResponse": "A" * 20_000, "RelayState": departed.relay_state}
    long_query = browser.get(f"/saml2/logout?{urlencode(fields)}")
    assert long_query.status_code in (400, 413, 414, 431)
    assert "location" not in long_query.headers


def test_a_logout_request_from_the_idp_is_not_accepted(
    world: World, browser: httpx.Client, idp_keys: SamlKeyPair
) -> None:
    sign_in(world, browser)
    request = etree.Element(q(SAMLP, "LogoutRequest"), nsmap={"samlp": SAMLP, "saml": SAML})
    request.set("ID", "_idp-logout")
    request.set("Version", "2.0")
    request.set("IssueInstant", "2030-01-01T00:00:00Z")
    etree.SubElement(request, q(SAML, "Issuer")).text = "urn:example:idp"
    etree.SubElement(request, q(SAML, "NameID")).text = "alice"
    query = redirect_query("SAMLRequest", request, None, idp_keys)
    refused(
        browser.get(f"/saml2/logout?{query}"),
        "Sign-out requests from the identity provider are not accepted here.",
    )
    posted = browser.post("/saml2/logout", data={"SAMLRequest": encode(request)})
    refused(posted, "Sign-out requests from the identity provider are not accepted here.")
    assert still_signed_in(world, browser)


def test_a_redirect_answer_whose_relay_state_is_not_the_signed_one_is_refused(
    world: World, browser: httpx.Client, idp_keys: SamlKeyPair
) -> None:
    departed = depart(world, browser)
    response = world.fixture.logout_response(
        in_response_to=departed.request_id, destination=world.logout_url
    )
    query = redirect_query("SAMLResponse", response, "what-the-idp-signed", idp_keys)
    # A second RelayState under an encoded name: the page would read it, the signature is not
    # over it.
    swapped = f"{query}&RelayStat%65={quote(departed.relay_state, safe='')}"
    refused(browser.get(f"/saml2/logout?{swapped}"), "signature is not valid")


def test_an_answer_without_a_message_is_refused(world: World, browser: httpx.Client) -> None:
    refused(browser.get("/saml2/logout"), "carries no SAMLResponse")
    refused(browser.post("/saml2/logout", data={"RelayState": "x"}), "carries no SAMLResponse")


# The flow.


def test_logout_sends_a_signed_logout_request_naming_the_sign_in(
    world: World, browser: httpx.Client
) -> None:
    departed = depart(world, browser)
    request = departed.request
    assert request.tag == q(SAMLP, "LogoutRequest")
    assert request.get("Destination") == SLO
    assert request.findtext(q(SAML, "Issuer")) == f"urn:amazon:cognito:sp:{world.pool_id}"
    name_id = request.find(q(SAML, "NameID"))
    assert name_id is not None
    assert (name_id.text, name_id.get("Format")) == ("alice", PERSISTENT)
    assert request.findtext(q(SAMLP, "SessionIndex")) == "_session-1"
    certificate = world.api.get_signing_certificate(UserPoolId=world.pool_id)["Certificate"]
    lines = "\n".join(certificate[i : i + 64] for i in range(0, len(certificate), 64))
    pem = f"-----BEGIN CERTIFICATE-----\n{lines}\n-----END CERTIFICATE-----\n"
    assert verify_redirect_signature(urlsplit(departed.url).query, (pem,))
    # The pool's session ended on the way out, whatever the IdP does.
    assert not still_signed_in(world, browser)


def test_the_sign_on_rides_sealed_in_the_session_cookie(
    world: World, browser: httpx.Client
) -> None:
    sign_in(world, browser)
    cookie = browser.cookies[f"cognitio-session-{world.pool_id}"]
    opened = base64.urlsafe_b64decode(cookie + "=" * (-len(cookie) % 4))
    for secret in (b"alice", b"_session-1", b"Corp", b"persistent"):
        assert secret not in opened


def test_the_idps_answer_on_the_post_binding_ends_at_the_logout_uri(
    world: World, browser: httpx.Client
) -> None:
    departed = depart(world, browser)
    back = browser.post("/saml2/logout", data=answer(world, departed))
    assert back.status_code == 302, back.text
    assert back.headers["location"] == SIGNED_OUT
    assert not still_signed_in(world, browser)


def test_the_idps_signed_answer_on_the_redirect_binding_is_read_too(
    world: World, browser: httpx.Client, idp_keys: SamlKeyPair
) -> None:
    departed = depart(world, browser)
    response = world.fixture.logout_response(
        in_response_to=departed.request_id, destination=world.logout_url, sign_it=False
    )
    query = redirect_query("SAMLResponse", response, departed.relay_state, idp_keys)
    back = browser.get(f"/saml2/logout?{query}")
    assert back.status_code == 302, back.text
    assert back.headers["location"] == SIGNED_OUT


def test_an_idp_that_did_not_sign_the_user_out_says_so(world: World, browser: httpx.Client) -> None:
    departed = depart(world, browser)
    fields = answer(world, departed, status="urn:oasis:names:tc:SAML:2.0:status:Responder")
    refused(
        browser.post("/saml2/logout", data=fields),
        "the identity provider did not sign you out (status Responder).",
    )
    assert not still_signed_in(world, browser)


def test_the_redirect_uri_form_returns_to_the_sign_in_page_after_the_idp(
    world: World, browser: httpx.Client
) -> None:
    sign_in(world, browser)
    query = authorize_query(world)
    del query["identity_provider"]
    out = browser.get("/logout", params=query)
    assert out.status_code == 302, out.text
    assert out.headers["location"].startswith(SLO + "?")
    request, fields = redirect_message(out.headers["location"])
    departed = Departed(request, str(request.get("ID")), fields["RelayState"], "")
    back = browser.post("/saml2/logout", data=answer(world, departed))
    assert back.status_code == 302, back.text
    assert back.headers["location"] == f"/login?{urlencode(query)}"


def test_without_idp_signout_or_an_slo_service_logout_ends_here_only(
    world: World, browser: httpx.Client, idp_keys: SamlKeyPair
) -> None:
    add_provider(world.api, world.pool_id, "NoSignOut", idp_keys, slo=SLO, signout=False)
    add_provider(world.api, world.pool_id, "NoSlo", idp_keys, slo=None, signout=True)
    world.api.update_user_pool_client(
        UserPoolId=world.pool_id,
        ClientId=world.client_id,
        SupportedIdentityProviders=["Corp", "NoSignOut", "NoSlo"],
        CallbackURLs=[CALLBACK],
        LogoutURLs=[SIGNED_OUT],
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid", "email"],
        AllowedOAuthFlowsUserPoolClient=True,
    )
    for provider in ("NoSignOut", "NoSlo"):
        sign_in(world, browser, provider)
        out = log_out(world, browser)
        assert out.status_code == 302, out.text
        assert out.headers["location"] == SIGNED_OUT
        assert not still_signed_in(world, browser)


def test_a_session_that_already_ended_does_not_go_to_the_idp(
    world: World, browser: httpx.Client
) -> None:
    sign_in(world, browser)
    cookie = browser.cookies[f"cognitio-session-{world.pool_id}"]
    assert log_out(world, browser).headers["location"].startswith(SLO)
    name = f"cognitio-session-{world.pool_id}"
    with httpx.Client(base_url=world.server.url, cookies={name: cookie}) as replay:
        again = log_out(world, replay)
    assert again.status_code == 302
    assert again.headers["location"] == SIGNED_OUT


def test_a_provider_that_now_names_another_idp_is_not_told_the_sign_ins_name_id(
    world: World, browser: httpx.Client
) -> None:
    sign_in(world, browser)
    other = key_pair("another-idp")
    metadata = saml_metadata(
        "https://other.example.test/sso",
        certificate_pem=other.certificate_pem,
        slo_url="https://other.example.test/slo",
    ).replace('entityID="urn:example:idp"', 'entityID="urn:example:another-idp"')
    world.api.update_identity_provider(
        UserPoolId=world.pool_id,
        ProviderName="Corp",
        ProviderDetails={"MetadataFile": metadata, "IDPSignout": "true"},
    )
    out = log_out(world, browser)
    assert out.status_code == 302, out.text
    assert out.headers["location"] == SIGNED_OUT
    assert not still_signed_in(world, browser)
    # The same IdP (its entity ID) with a new signing key is still the one the user signed
    # in with, and hears of it.
    for keys in (world.fixture.keys, other):
        world.api.update_identity_provider(
            UserPoolId=world.pool_id,
            ProviderName="Corp",
            ProviderDetails={
                "MetadataFile": saml_metadata(
                    SSO, certificate_pem=keys.certificate_pem, slo_url=SLO
                )
            },
        )
        if keys is world.fixture.keys:
            sign_in(world, browser)
    assert log_out(world, browser).headers["location"].startswith(SLO + "?")

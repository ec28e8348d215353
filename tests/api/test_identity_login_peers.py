"""Identity pool logins from real providers: an ID token of npm oidc-provider (an OpenID
Certified OP) for an ``[iam]`` OIDC provider, and an unsolicited SAML response of npm saml-idp,
set up as an IdP for AWS, for an ``[iam]`` SAML provider."""

from __future__ import annotations

import asyncio
import base64
import secrets
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from botocore.exceptions import ClientError

from cognitio.crypto.envelope import Envelope
from cognitio.services.sts.credentials import CredentialAuthority
from tests.conftest import client
from tests.helpers.errors import error_of
from tests.helpers.federation import REDIRECT_URI, follow
from tests.helpers.node import needs_node
from tests.helpers.oidc_peer import CLIENT_ID, CLIENT_SECRET, OidcPeer
from tests.helpers.saml_peer import USER, SamlIdpPeer, read_form, running_saml_idp
from tests.server import ServerProcess

pytestmark = needs_node

ACCOUNT = "123456789012"
MASTER_KEY = bytes(range(32))
ROLE = f"arn:aws:iam::{ACCOUNT}:role/"
AWS_SAML = "https://signin.aws.amazon.com/saml"
SAML_ARN = f"arn:aws:iam::{ACCOUNT}:saml-provider/Peer"


@pytest.fixture(scope="module")
def oidc_peer() -> Iterator[OidcPeer]:
    peer = OidcPeer([REDIRECT_URI]).start()
    yield peer
    peer.stop()


@pytest.fixture(scope="module")
def saml_peer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SamlIdpPeer]:
    workdir = tmp_path_factory.mktemp("saml-idp")
    with running_saml_idp(workdir, acs_url=AWS_SAML, audience=AWS_SAML) as peer:
        yield peer


@pytest.fixture(scope="module")
def peers_server(
    backend: str,
    make_server: Any,
    tmp_path_factory: pytest.TempPathFactory,
    oidc_peer: OidcPeer,
    saml_peer: SamlIdpPeer,
) -> ServerProcess:
    folder = tmp_path_factory.mktemp("peer-logins")
    with urllib.request.urlopen(saml_peer.base_url + "/metadata", timeout=10) as answer:
        (folder / "peer.xml").write_bytes(answer.read())
    (folder / "cognitio.toml").write_text(
        "federation_allow_insecure = true\n"
        f'[[iam.roles]]\narn = "{ROLE}Auth"\n'
        f'[[iam.oidc_providers]]\nurl = "{oidc_peer.issuer}"\nclient_ids = ["{CLIENT_ID}"]\n'
        '[[iam.saml_providers]]\nname = "Peer"\nmetadata_file = "peer.xml"\n'
    )
    key = base64.b64encode(MASTER_KEY).decode()
    process: ServerProcess = make_server(backend, extra_env={"COGNITIO_MASTER_KEY": key})
    process.start("--config", str(folder / "cognitio.toml"))
    return process


async def _id_token(peer: OidcPeer) -> str:
    """Sign in at oidc-provider (code flow) and redeem the code: the ID token."""
    query = {
        "client_id": CLIENT_ID,
        "response_type": "code",
        "scope": "openid email",
        "redirect_uri": REDIRECT_URI,
        "state": secrets.token_urlsafe(8),
        "nonce": secrets.token_urlsafe(8),
    }
    callback = await follow(f"{peer.issuer}/auth?{urlencode(query)}")
    assert callback.code is not None
    async with httpx.AsyncClient(trust_env=False) as http:
        answer = await http.post(
            peer.issuer + "/token",
            data={
                "grant_type": "authorization_code",
                "code": callback.code,
                "redirect_uri": REDIRECT_URI,
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
            },
        )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["id_token"])


def _pool(server: ServerProcess, oidc_peer: OidcPeer) -> tuple[Any, str, str]:
    identity = client("cognito-identity", server.url)
    key = oidc_peer.issuer.removeprefix("http://")
    pool_id = identity.create_identity_pool(
        IdentityPoolName="peers",
        AllowUnauthenticatedIdentities=False,
        OpenIdConnectProviderARNs=[f"arn:aws:iam::{ACCOUNT}:oidc-provider/{key}"],
        SamlProviderARNs=[SAML_ARN],
    )["IdentityPoolId"]
    identity.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={"authenticated": f"{ROLE}Auth"})
    return identity, pool_id, key


def _credentials(identity: Any, pool_id: str, logins: dict[str, str]) -> dict[str, Any]:
    identity_id = identity.get_id(IdentityPoolId=pool_id, Logins=logins)["IdentityId"]
    answer: dict[str, Any] = identity.get_credentials_for_identity(
        IdentityId=identity_id, Logins=logins
    )
    return answer


def _amr(answer: dict[str, Any]) -> tuple[str, ...]:
    authority = CredentialAuthority.from_envelope(Envelope(MASTER_KEY), ["k1"])
    credentials = answer["Credentials"]
    opened = authority.open(
        credentials["AccessKeyId"], credentials["SessionToken"], now=datetime.now(UTC)
    )
    return opened.claims.amr


def test_an_oidc_provider_id_token_gets_credentials(
    peers_server: ServerProcess, oidc_peer: OidcPeer
) -> None:
    identity, pool_id, key = _pool(peers_server, oidc_peer)
    token = asyncio.run(_id_token(oidc_peer))
    answer = _credentials(identity, pool_id, {key: token})
    assert _amr(answer) == ("authenticated", key, f"{key}:alice")
    # The same provider's token presented under another provider's key.
    with pytest.raises(ClientError) as caught:
        identity.get_id(IdentityPoolId=pool_id, Logins={"login.example.com": token})
    assert error_of(caught)[0] == "NotAuthorizedException"


def test_a_saml_idp_response_gets_credentials_once(
    peers_server: ServerProcess, oidc_peer: OidcPeer, saml_peer: SamlIdpPeer
) -> None:
    identity, pool_id, _ = _pool(peers_server, oidc_peer)
    with httpx.Client(trust_env=False) as browser:
        posted = browser.post(saml_peer.base_url + "/signin", data=USER)
    assert posted.status_code == 200, saml_peer.log()
    form = read_form(posted.text)
    assert form.action == AWS_SAML
    response = form.fields["SAMLResponse"]
    answer = _credentials(identity, pool_id, {SAML_ARN: response})
    assert _amr(answer) == ("authenticated", SAML_ARN, f"{SAML_ARN}:{USER['userName']}")
    with pytest.raises(ClientError) as caught:
        identity.get_credentials_for_identity(
            IdentityId=answer["IdentityId"], Logins={SAML_ARN: response}
        )
    assert error_of(caught) == (
        "NotAuthorizedException",
        "Invalid login token. The SAML assertion has already been used.",
    )

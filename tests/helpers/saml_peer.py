"""npm ``saml-idp`` as a real SAML identity provider on a free loopback port.

The Node project is ``tests/peers/saml`` (``package.json`` pins saml-idp and overrides its
``samlp`` dependency, which points at a git URL, with the registry release; the lock file is
committed). ``npm ci`` installs it the first time. Keys are made at run time with
cryptography into a temporary folder: the IdP's signing pair, and, for encrypted assertions,
the service provider's certificate and public key (saml-idp wants both files).

Headless use of its pages: ``GET /saml/sso?SAMLRequest=…`` answers a form (``userName``, the
attributes, a hidden ``_authnRequest``); ``POST /signin`` with that form answers an auto-post
form holding ``SAMLResponse`` and ``RelayState``. Without ``_authnRequest`` the response is
unsolicited (IdP-initiated). Started with ``--sloUrl``, ``GET /saml/slo?SAMLRequest=…`` (in the
browser that signed in, whose ``idp_sid`` cookie names the session) ends its session and
answers an auto-post form holding a signed ``LogoutResponse`` for the service provider.
"""

from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from cognitio.services.federation.saml import SamlKeyPair
from tests.helpers.saml_idp import key_pair
from tests.server import ServerProcess, free_port

PEER_DIR = Path(__file__).resolve().parent.parent / "peers" / "saml"
RUN_JS = PEER_DIR / "node_modules" / "saml-idp" / "bin" / "run.js"
ENTITY_ID = "urn:example:idp"
# The app the end-to-end tests sign in to, and the user saml-idp's login form signs in as.
APP = "https://app.example/callback"
USER = {
    "userName": "saml.jackson@example.com",
    "nameIdFormat": "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
    "email": "saml.jackson@example.com",
    "firstName": "Saml",
    "lastName": "Jackson",
}


def install() -> None:
    """``npm ci`` in the peer's folder when its packages are missing (slow the first time)."""
    if RUN_JS.is_file():
        return
    completed = subprocess.run(
        ["npm", "ci", "--prefix", str(PEER_DIR), "--no-audit", "--no-fund"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, f"npm ci failed:\n{completed.stdout}{completed.stderr}"


@dataclass(frozen=True)
class SamlIdpPeer:
    """A running saml-idp: its base URL, its signing certificate, its log."""

    base_url: str
    certificate_pem: str
    log_path: Path

    @property
    def sso_url(self) -> str:
        return self.base_url + "/saml/sso"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def running_saml_idp(
    workdir: Path,
    *,
    acs_url: str,
    audience: str,
    encrypt_for: SamlKeyPair | None = None,
    slo_url: str | None = None,
) -> Iterator[SamlIdpPeer]:
    """saml-idp started on a free port for one service provider, stopped on exit. With
    ``slo_url`` (the service provider's single logout endpoint) its metadata names its own
    ``/saml/slo`` and it answers LogoutRequests there."""
    install()
    workdir.mkdir(parents=True, exist_ok=True)
    keys = key_pair("saml-idp-peer")
    (workdir / "idp-cert.pem").write_text(keys.certificate_pem)
    (workdir / "idp-key.pem").write_text(_traditional_rsa(keys.private_key_pem))
    port = free_port()
    command = [
        "node",
        str(RUN_JS),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--cert",
        str(workdir / "idp-cert.pem"),
        "--key",
        str(workdir / "idp-key.pem"),
        "--issuer",
        ENTITY_ID,
        "--acsUrl",
        acs_url,
        "--audience",
        audience,
    ]
    if slo_url is not None:
        command += ["--sloUrl", slo_url]
    if encrypt_for is not None:
        certificate = x509.load_pem_x509_certificate(encrypt_for.certificate_pem.encode())
        public_key = certificate.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        (workdir / "sp-cert.pem").write_text(encrypt_for.certificate_pem)
        (workdir / "sp-pub.pem").write_bytes(public_key)
        command += [
            "--encryptAssertion",
            "--encryptionCert",
            str(workdir / "sp-cert.pem"),
            "--encryptionPublicKey",
            str(workdir / "sp-pub.pem"),
        ]
    log_path = workdir / f"saml-idp-{port}.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            command, cwd=PEER_DIR, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    peer = SamlIdpPeer(f"http://127.0.0.1:{port}", keys.certificate_pem, log_path)
    try:
        _wait_ready(process, peer)
        yield peer
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _traditional_rsa(private_key_pem: str) -> str:
    """saml-idp only reads ``BEGIN RSA PRIVATE KEY`` (PKCS#1) files."""
    key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()


def _wait_ready(process: subprocess.Popen[bytes], peer: SamlIdpPeer) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"saml-idp exited early:\n{peer.log()}")
        try:
            with urllib.request.urlopen(peer.base_url + "/metadata", timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.05)
    raise RuntimeError(f"saml-idp did not answer within 30 s:\n{peer.log()}")


class FormReader(HTMLParser):
    """The named inputs of an HTML page's forms (the last value of a name wins) and the
    action of its first form."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self.action: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = values.get("action")
        if tag in ("input", "textarea") and values.get("name"):
            name = values["name"]
            assert name is not None
            if values.get("type") in ("checkbox", "radio") and "checked" not in values:
                return
            self.fields[name] = values.get("value") or ""


def read_form(html: str) -> FormReader:
    reader = FormReader()
    reader.feed(html)
    return reader


def saml_app_client(idp: Any, pool_id: str, provider: str, name: str = "app", **extra: Any) -> str:
    """An app client of the code flow that signs in through ``provider`` only and comes back to
    APP; its id. ``extra``: more CreateUserPoolClient members (LogoutURLs, …)."""
    return str(
        idp.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName=name,
            SupportedIdentityProviders=[provider],
            CallbackURLs=[APP],
            AllowedOAuthFlows=["code"],
            AllowedOAuthScopes=["openid", "email"],
            AllowedOAuthFlowsUserPoolClient=True,
            **extra,
        )["UserPoolClient"]["ClientId"]
    )


def to_the_idp(browser: httpx.Client, server: ServerProcess, client_id: str) -> str:
    """From the app's /oauth2/authorize to the IdP's login page; that page's URL."""
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": APP,
        "scope": "openid email",
        "state": "app-state",
        "identity_provider": "MySAML",
    }
    answer = browser.get(f"{server.url}/oauth2/authorize?{urlencode(query)}")
    assert answer.status_code == 302, answer.text[:300]
    return str(answer.headers["location"])


def log_in(
    browser: httpx.Client, peer: SamlIdpPeer, url: str, user: dict[str, str] = USER
) -> dict[str, str]:
    """Post the IdP's login form as ``user``; the SAMLResponse form it auto-posts (action and
    fields)."""
    login = browser.get(url)
    assert login.status_code == 200, peer.log()
    form = read_form(login.text)
    assert form.action is not None
    answer = browser.post(
        peer.base_url + form.action, data={"_authnRequest": form.fields["_authnRequest"], **user}
    )
    assert answer.status_code == 200, peer.log()
    posted = read_form(answer.text)
    return {"action": posted.action or "", **posted.fields}

"""A browser signing in through an external provider on a real server: following redirects
and providers' auto-submitting form_post pages to the app's redirect URI, then redeeming the
app's code; and SAML metadata for providers that are only configured, never signed in to."""

from __future__ import annotations

import base64
import html
import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from tests.helpers.saml_idp import key_pair
from tests.server import ServerProcess

APP = "https://app.example/callback"

_FORM = re.compile(r'<form method="post" action="([^"]*)">(.*?)</form>', re.S)
_INPUT = re.compile(r'<input type="hidden" name="([^"]*)" value="([^"]*)">')


def step(browser: httpx.Client, url: str) -> str:
    """One page as a browser sees it: a redirect followed, or an auto-submitting form_post
    page submitted; the next URL."""
    answer = browser.get(url)
    if answer.status_code in (302, 303):
        return str(httpx.URL(url).join(answer.headers["location"]))
    form = _FORM.search(answer.text) if answer.status_code == 200 else None
    assert form is not None, f"{answer.status_code}: {answer.text[:300]}"
    fields = {html.unescape(k): html.unescape(v) for k, v in _INPUT.findall(form.group(2))}
    posted = browser.post(html.unescape(form.group(1)), data=fields)
    assert posted.status_code in (302, 303), f"{posted.status_code}: {posted.text[:300]}"
    return str(posted.headers["location"])


def browse(browser: httpx.Client, url: str) -> dict[str, str]:
    """From the app's authorization request to its redirect URI; that URI's parameters."""
    for _ in range(20):
        if url.startswith(APP):
            return dict(parse_qsl(urlsplit(url).query))
        url = step(browser, url)
    raise AssertionError("too many redirects")


def claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def redeem(server: ServerProcess, client_id: str, code: str) -> dict[str, Any]:
    """The app's code exchanged at /oauth2/token (a public client)."""
    answer = httpx.post(
        f"{server.url}/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "client_id": client_id,
            "code": code,
            "redirect_uri": APP,
        },
    )
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def saml_metadata(
    sso_url: str = "https://idp.example/sso",
    *,
    certificate_pem: str | None = None,
    slo_url: str | None = None,
) -> str:
    """An IdP's metadata: a signing certificate (a fresh one unless given), an HTTP-Redirect
    SSO service and, with ``slo_url``, an HTTP-Redirect single logout service."""
    pem = certificate_pem or key_pair("test-idp").certificate_pem
    redirect = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
    logout = f'<md:SingleLogoutService Binding="{redirect}" Location="{slo_url}"/>'
    certificate = "".join(line for line in pem.splitlines() if "CERTIFICATE" not in line)
    return (
        '<?xml version="1.0"?>'
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
        'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="urn:example:idp">'
        '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        '<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>'
        f"{certificate}"
        "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        f"{logout if slo_url else ''}"
        f'<md:SingleSignOnService Binding="{redirect}" Location="{sso_url}"/>'
        "</md:IDPSSODescriptor></md:EntityDescriptor>"
    )

"""Security review #11: the web routes take small forms only. A body past 64 KiB (declared or
streamed), too many fields, or multipart are refused before they are parsed, in each route's own
way: RFC 6749 JSON on /oauth2/*, a plain answer on the hosted pages. Identity providers post
to /saml2/* and /oauth2/idpresponse, where Cognito takes a 100,000-character SAMLResponse."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.helpers.oauth import oauth_client

MEGABYTE = b"client_id=nope&grant_type=authorization_code&code=" + b"x" * 1_000_000
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def fields(count: int) -> bytes:
    return "&".join(f"f{n}=v" for n in range(count)).encode()


def streamed(body: bytes) -> Iterator[bytes]:
    """The body in 16 KiB chunks, sent without Content-Length (chunked)."""
    for start in range(0, len(body), 16_384):
        yield body[start : start + 16_384]


@pytest.mark.parametrize("path", ["/oauth2/token", "/oauth2/revoke"])
def test_a_megabyte_body_is_refused_on_the_oauth_endpoints(server: Any, path: str) -> None:
    declared = httpx.post(f"{server.url}{path}", content=MEGABYTE, headers=FORM)
    assert declared.status_code == 413
    assert declared.json()["error"] == "invalid_request"
    chunked = httpx.post(f"{server.url}{path}", content=streamed(MEGABYTE), headers=FORM)
    assert chunked.status_code == 413
    assert chunked.json()["error"] == "invalid_request"


def test_a_megabyte_body_is_refused_on_the_hosted_pages(server: Any) -> None:
    for path in ("/login", "/mfa", "/signup", "/confirmForgotPassword", "/passkeys/add"):
        assert httpx.post(f"{server.url}{path}", content=MEGABYTE, headers=FORM).status_code == 413
    chunked = httpx.post(f"{server.url}/login", content=streamed(MEGABYTE), headers=FORM)
    assert chunked.status_code == 413


def test_five_thousand_fields_are_refused(server: Any) -> None:
    token = httpx.post(f"{server.url}/oauth2/token", content=fields(5000), headers=FORM)
    assert token.status_code == 400 and token.json()["error"] == "invalid_request"
    for path in ("/login", "/signup"):
        page = httpx.post(f"{server.url}{path}", content=fields(5000), headers=FORM)
        assert page.status_code == 400
        # A few hundred are too many as well: no hosted form has more than a handful.
        assert (
            httpx.post(f"{server.url}{path}", content=fields(500), headers=FORM).status_code == 400
        )


def test_multipart_is_refused_on_the_hosted_pages(idp: Any, server: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="limits")["UserPool"]["Id"]
    client = oauth_client(idp, pool_id, secret=False)
    query = (
        f"response_type=code&client_id={client['ClientId']}"
        "&redirect_uri=http://localhost:8000/callback"
    )
    sent = httpx.post(
        f"{server.url}/login",
        files={"upload": ("a.txt", b"hello")},
        data={"query": query, "username": "u", "password": "p"},
    )
    assert sent.status_code == 400
    assert "urlencoded" in sent.text
    token = httpx.post(f"{server.url}/oauth2/token", files={"upload": ("a.txt", b"hello")})
    assert token.status_code == 400 and token.json()["error"] == "invalid_request"


def test_a_small_form_still_reaches_the_routes(idp: Any, server: Any) -> None:
    """Within the limits nothing changes: the token endpoint reads the form and answers."""
    answer = httpx.post(
        f"{server.url}/oauth2/token",
        data={"grant_type": "authorization_code", "client_id": "nope", "code": "x"},
    )
    assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"
    streamed_ok = httpx.post(
        f"{server.url}/oauth2/token",
        content=streamed(b"grant_type=authorization_code&client_id=nope&code=x"),
        headers=FORM,
    )
    assert streamed_ok.status_code == 401 and streamed_ok.json()["error"] == "invalid_client"


def test_identity_providers_may_post_cognitos_100000_characters(server: Any) -> None:
    """A SAMLResponse of Cognito's 100,000 characters is read however its base64 is encoded
    (each "+", "/" and "=" becomes three characters); one character more, or a megabyte, is
    refused."""
    for path in ("/saml2/idpresponse", "/saml2/logout"):
        within = {"SAMLResponse": "+/" * 50_000, "RelayState": "x"}
        answer = httpx.post(f"{server.url}{path}", data=within)
        assert answer.status_code == 400, answer.status_code
        assert "too large" not in answer.text
        beyond = {"SAMLResponse": "+/" * 50_000 + "=", "RelayState": "x"}
        answer = httpx.post(f"{server.url}{path}", data=beyond)
        assert answer.status_code == 400 and "too large" in answer.text
        assert httpx.post(f"{server.url}{path}", content=MEGABYTE, headers=FORM).status_code == 413

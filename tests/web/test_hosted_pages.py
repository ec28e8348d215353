"""The hosted account pages, driven like a browser without JavaScript: sign-up with the emailed
code, a forgotten password, MFA set-up with a QR code, and CSRF protection."""

from __future__ import annotations

from typing import Any

import httpx
import pyotp

from tests.helpers.oauth import Browser, authlib_client, callback_url, hidden, oauth_client
from tests.helpers.pools import PASSWORD, make_user


def authorize_url(server: Any, client: dict[str, Any]) -> str:
    url, _ = authlib_client(server, client, "openid").create_authorization_url(
        f"{server.url}/oauth2/authorize"
    )
    return str(url)


def query_of(browser: Browser, url: str) -> str:
    login = browser.follow(browser.get(url))
    return hidden(login.text, "query")


def test_sign_up_confirm_then_sign_in(idp: Any, server: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="hosted", AutoVerifiedAttributes=["email"])["UserPool"][
        "Id"
    ]
    client = oauth_client(idp, pool_id)  # with a secret: the pages call as its trusted caller
    browser = Browser(server.url)
    query = query_of(browser, authorize_url(server, client))
    form = browser.get(f"/signup?{query}")
    assert form.status_code == 200
    confirm = browser.http.post(
        "/signup",
        data={
            "_csrf": hidden(form.text, "_csrf"),
            "query": query,
            "username": "newbie",
            "email": "newbie@example.com",
            "password": PASSWORD,
        },
    )
    assert confirm.status_code == 200, confirm.text
    assert "n***@e***" in confirm.text
    signed_up = browser.http.post(
        "/confirm",
        data={
            "_csrf": hidden(confirm.text, "_csrf"),
            "query": query,
            "username": "newbie",
            "code": server.last_code("newbie@example.com"),
        },
    )
    assert "Your account is confirmed" in signed_up.text
    assert 'value="newbie"' in signed_up.text  # the sign-in page knows who just signed up
    assert idp.admin_get_user(UserPoolId=pool_id, Username="newbie")["UserStatus"] == "CONFIRMED"
    back = browser.follow(browser.sign_in(authorize_url(server, client), "newbie"))
    assert "code=" in callback_url(back)


def test_a_weak_password_is_explained_on_the_sign_up_page(idp: Any, server: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="hosted")["UserPool"]["Id"]
    client = oauth_client(idp, pool_id, secret=False)
    browser = Browser(server.url)
    query = query_of(browser, authorize_url(server, client))
    form = browser.get(f"/signup?{query}")
    answer = browser.http.post(
        "/signup",
        data={
            "_csrf": hidden(form.text, "_csrf"),
            "query": query,
            "username": "weak",
            "email": "weak@example.com",
            "password": "lowercase-only",
        },
    )
    assert answer.status_code == 400
    assert "Password did not conform with policy" in answer.text


def test_forgot_password_resets_it(idp: Any, server: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="hosted")["UserPool"]["Id"]
    make_user(idp, pool_id, "forgetful", email="forgetful@example.com", email_verified="true")
    client = oauth_client(idp, pool_id, secret=False)
    browser = Browser(server.url)
    query = query_of(browser, authorize_url(server, client))
    form = browser.get(f"/forgotPassword?{query}")
    reset = browser.http.post(
        "/forgotPassword",
        data={"_csrf": hidden(form.text, "_csrf"), "query": query, "username": "forgetful"},
    )
    assert reset.status_code == 200
    done = browser.http.post(
        "/confirmForgotPassword",
        data={
            "_csrf": hidden(reset.text, "_csrf"),
            "query": query,
            "username": "forgetful",
            "code": server.last_code("forgetful@example.com"),
            "password": "Br4nd-new-pass!",
        },
    )
    assert "Your password is changed" in done.text
    assert 'value="forgetful"' in done.text
    back = browser.follow(
        browser.sign_in(authorize_url(server, client), "forgetful", "Br4nd-new-pass!")
    )
    assert "code=" in callback_url(back)


def test_mfa_setup_shows_a_qr_code_and_then_signs_in(idp: Any, server: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="hosted")["UserPool"]["Id"]
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id, SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration="ON"
    )
    make_user(idp, pool_id, "careful")
    client = oauth_client(idp, pool_id, secret=False)
    browser = Browser(server.url)
    setup = browser.sign_in(authorize_url(server, client), "careful")
    assert setup.status_code == 200, setup.text
    assert "<svg" in setup.text and 'role="img"' in setup.text
    secret = setup.text.split("Key: <code>")[1].split("</code>")[0]
    answer = browser.http.post(
        "/mfa",
        data={name: hidden(setup.text, name) for name in ("_csrf", "query", "session", "username")}
        | {"challenge": "MFA_SETUP", "code": pyotp.TOTP(secret).now()},
    )
    assert "code=" in callback_url(browser.follow(answer))
    assert idp.admin_get_user(UserPoolId=pool_id, Username="careful")["UserMFASettingList"] == [
        "SOFTWARE_TOKEN_MFA"
    ]


def test_a_form_without_its_csrf_token_is_refused(idp: Any, server: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="hosted")["UserPool"]["Id"]
    make_user(idp, pool_id, "victim")
    client = oauth_client(idp, pool_id, secret=False)
    browser = Browser(server.url)
    query = query_of(browser, authorize_url(server, client))
    forged = browser.http.post(
        "/login",
        data={"_csrf": "guess", "query": query, "username": "victim", "password": PASSWORD},
    )
    assert forged.status_code == 400
    assert "expired" in forged.text
    assert "cognitio-session" not in str(forged.headers.get("set-cookie"))


def test_a_one_time_code_signs_in_without_the_password(idp: Any, server: Any) -> None:
    pool_id = idp.create_user_pool(
        PoolName="hosted",
        Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}},
    )["UserPool"]["Id"]
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        EmailMfaConfiguration={"Message": "Sign-in code {####}", "Subject": "Your code"},
        MfaConfiguration="OPTIONAL",
    )
    make_user(idp, pool_id, "codes", email="codes@example.com", email_verified="true")
    client = oauth_client(idp, pool_id, secret=False)
    browser = Browser(server.url)
    url = authorize_url(server, client) + "&login_hint=codes"
    login = browser.follow(browser.get(url))
    assert 'value="codes"' in login.text  # login_hint fills the username
    assert 'value="code"' in login.text
    challenge = browser.http.post(
        "/login",
        data={
            "_csrf": hidden(login.text, "_csrf"),
            "query": hidden(login.text, "query"),
            "username": "codes",
            "method": "code",
        },
    )
    assert "Enter the code we emailed you" in challenge.text
    answer = browser.http.post(
        "/mfa",
        data={
            name: hidden(challenge.text, name)
            for name in ("_csrf", "query", "challenge", "session", "username")
        }
        | {"code": server.last_code("codes@example.com")},
    )
    assert "code=" in callback_url(browser.follow(answer))


def test_the_pages_send_a_content_security_policy(idp: Any, server: Any) -> None:
    """Security review #14: CSP, no Referer, and no HSTS on a plain-http server."""
    pool_id = idp.create_user_pool(PoolName="hosted")["UserPool"]["Id"]
    client = oauth_client(idp, pool_id, secret=False)
    browser = Browser(server.url)
    login = browser.follow(browser.get(authorize_url(server, client)))
    assert login.status_code == 200
    policy = {
        directive.split()[0]: directive.split()[1:]
        for directive in login.headers["content-security-policy"].split(";")
    }
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["img-src"] == ["'self'", "data:", server.url]
    # Forms post here and then redirect to the app's callback.
    assert policy["form-action"] == ["'self'", "http://localhost:8000"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert login.headers["referrer-policy"] == "no-referrer"
    assert "strict-transport-security" not in login.headers
    error = browser.get("/oauth2/authorize?response_type=code&client_id=nope&redirect_uri=x")
    assert "form-action 'self';" in error.headers["content-security-policy"]


def test_hsts_when_the_public_url_is_https(make_server: Any) -> None:
    """Security review #14: a server published over https asks browsers to stay on https."""
    https = make_server("sqlite", extra_env={"COGNITIO_PUBLIC_URL": "https://login.test.example"})
    https.start("--dev")
    page = httpx.get(f"{https.url}/oauth2/authorize?response_type=code&client_id=nope")
    assert page.status_code == 400
    assert page.headers["strict-transport-security"] == "max-age=31536000"


def test_every_form_without_its_csrf_token_is_shown_again_and_does_nothing(
    idp: Any, server: Any
) -> None:
    pool_id = idp.create_user_pool(PoolName="hosted")["UserPool"]["Id"]
    email = f"victim-{pool_id.lower()}@example.com"  # the outbox is the whole suite's
    make_user(idp, pool_id, "victim", email=email, email_verified="true")
    client = oauth_client(idp, pool_id, secret=False)
    browser = Browser(server.url)
    query = query_of(browser, authorize_url(server, client))
    forms = {
        "/signup": {"username": "intruder", "email": "i@example.com", "password": PASSWORD},
        "/confirm": {"username": "victim", "code": "123456"},
        "/forgotPassword": {"username": "victim"},
        "/confirmForgotPassword": {"username": "victim", "code": "1", "password": PASSWORD},
        "/mfa": {"challenge": "SMS_MFA", "session": "x", "username": "victim"},
    }
    for path, fields in forms.items():
        forged = browser.http.post(path, data={"_csrf": "guess", "query": query} | fields)
        assert forged.status_code == 400, path
        assert "expired" in forged.text, path
    users = idp.list_users(UserPoolId=pool_id)["Users"]
    assert [user["Username"] for user in users] == ["victim"]
    assert server.outbox(email) == []


def test_a_form_with_a_bad_authorization_request_is_refused_before_its_token(
    idp: Any, server: Any
) -> None:
    """The form's query is checked first: without a client there is no page to show again."""
    browser = Browser(server.url)
    answer = browser.http.post(
        "/signup", data={"_csrf": "guess", "query": "response_type=code&client_id=nobody"}
    )
    assert answer.status_code == 400
    assert "expired" not in answer.text

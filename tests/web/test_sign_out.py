"""Signing out of the hosted pages for real: the single-sign-on cookie ends with /logout,
GlobalSignOut, AdminUserGlobalSignOut and every password change or reset, wherever the cookie is
replayed from; implicit-grant tokens end with a global sign-out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.helpers.oauth import (
    Browser,
    authlib_client,
    callback_url,
    close_clients,  # noqa: F401  (autouse: closes each test's clients)
    oauth_client,
)
from tests.helpers.pools import FLOWS, PASSWORD, make_user, sign_in

NEW_PASSWORD = "N3w-horse-battery!"


class SignedIn(NamedTuple):
    """A user signed in on the hosted pages, and the cookie the browser was given."""

    pool_id: str
    api: str  # an API client (USER_PASSWORD_AUTH) of the pool
    web: str  # the OAuth client the user signed in to
    url: str  # its authorization URL
    cookie: str


def hosted_sign_in(idp: Any, server: Any) -> SignedIn:
    pool_id = idp.create_user_pool(PoolName="sso")["UserPool"]["Id"]
    make_user(idp, pool_id, "sso-user", email="sso-user@example.com", email_verified="true")
    api = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="api", ExplicitAuthFlows=FLOWS)
    client = oauth_client(idp, pool_id, secret=False)
    url, _ = authlib_client(server, client, "openid").create_authorization_url(
        f"{server.url}/oauth2/authorize"
    )
    browser = Browser(server.url)
    callback_url(browser.follow(browser.sign_in(url, "sso-user")))
    cookie = browser.http.cookies[f"cognitio-session-{pool_id}"]
    return SignedIn(pool_id, api["UserPoolClient"]["ClientId"], client["ClientId"], url, cookie)


def replayed(server: Any, signed: SignedIn, path: str, pool_id: str = "") -> httpx.Response:
    """A GET from another browser that presents only the captured cookie."""
    name = f"cognitio-session-{pool_id or signed.pool_id}"
    with httpx.Client(base_url=server.url, cookies={name: signed.cookie}) as http:
        return http.get(path)


def silent_answer(server: Any, signed: SignedIn, pool_id: str = "") -> dict[str, list[str]]:
    """What prompt=none gets with the captured cookie."""
    answer = replayed(server, signed, signed.url + "&prompt=none", pool_id)
    return parse_qs(urlsplit(callback_url(answer)).query)


def _logout(idp: Any, server: Any, signed: SignedIn) -> None:
    # From another browser holding a copy: the copy is what must stop working.
    out = replayed(
        server,
        signed,
        f"/logout?client_id={signed.web}&logout_uri=http://localhost:8000/signed-out",
    )
    assert out.status_code == 302


def _global_sign_out(idp: Any, server: Any, signed: SignedIn) -> None:
    idp.global_sign_out(AccessToken=sign_in(idp, signed.api, "sso-user")["AccessToken"])


def _admin_global_sign_out(idp: Any, server: Any, signed: SignedIn) -> None:
    idp.admin_user_global_sign_out(UserPoolId=signed.pool_id, Username="sso-user")


def _change_password(idp: Any, server: Any, signed: SignedIn) -> None:
    idp.change_password(
        AccessToken=sign_in(idp, signed.api, "sso-user")["AccessToken"],
        PreviousPassword=PASSWORD,
        ProposedPassword=NEW_PASSWORD,
    )


def _confirm_forgot_password(idp: Any, server: Any, signed: SignedIn) -> None:
    idp.forgot_password(ClientId=signed.api, Username="sso-user")
    idp.confirm_forgot_password(
        ClientId=signed.api,
        Username="sso-user",
        ConfirmationCode=server.last_code("sso-user@example.com"),
        Password=NEW_PASSWORD,
    )


def _admin_set_user_password(idp: Any, server: Any, signed: SignedIn) -> None:
    idp.admin_set_user_password(
        UserPoolId=signed.pool_id, Username="sso-user", Password=NEW_PASSWORD, Permanent=True
    )


def _admin_reset_user_password(idp: Any, server: Any, signed: SignedIn) -> None:
    idp.admin_reset_user_password(UserPoolId=signed.pool_id, Username="sso-user")


EVENTS: dict[str, Callable[[Any, Any, SignedIn], None]] = {
    "logout": _logout,
    "GlobalSignOut": _global_sign_out,
    "AdminUserGlobalSignOut": _admin_global_sign_out,
    "ChangePassword": _change_password,
    "ConfirmForgotPassword": _confirm_forgot_password,
    "AdminSetUserPassword": _admin_set_user_password,
    "AdminResetUserPassword": _admin_reset_user_password,
}


@pytest.mark.parametrize("event", list(EVENTS))
def test_the_sign_on_cookie_ends_with(event: str, idp: Any, server: Any) -> None:
    """Security review #7: a cookie captured before the event yields no code after it."""
    signed = hosted_sign_in(idp, server)
    assert "code" in silent_answer(server, signed)  # replaying it works until then
    EVENTS[event](idp, server, signed)
    assert silent_answer(server, signed)["error"] == ["login_required"]
    login = replayed(server, signed, signed.url)  # and without prompt=none: the sign-in page
    assert login.status_code == 302 and login.headers["location"].startswith("/login?")


def test_one_users_sign_out_leaves_other_users_signed_in(idp: Any, server: Any) -> None:
    """Security review #7: sign-out ends the user's own sessions only."""
    signed = hosted_sign_in(idp, server)
    make_user(idp, signed.pool_id, "bystander")
    other = Browser(server.url)
    callback_url(other.follow(other.sign_in(signed.url, "bystander")))
    idp.admin_user_global_sign_out(UserPoolId=signed.pool_id, Username="bystander")
    assert "code" in silent_answer(server, signed)


def test_a_forged_cookie_signs_no_one_in(idp: Any, server: Any) -> None:
    signed = hosted_sign_in(idp, server)
    forged = signed._replace(cookie=signed.cookie[:-4] + "AAAA")
    assert silent_answer(server, forged)["error"] == ["login_required"]


def test_implicit_tokens_end_with_global_sign_out(idp: Any, server: Any) -> None:
    """Security review #18: an implicit-grant access token is revoked by GlobalSignOut."""
    pool_id = idp.create_user_pool(PoolName="implicit")["UserPool"]["Id"]
    make_user(idp, pool_id, "implicit-user")
    client = oauth_client(idp, pool_id, secret=False)
    browser = Browser(server.url)
    url = (
        f"/oauth2/authorize?response_type=token&client_id={client['ClientId']}"
        "&redirect_uri=http://localhost:8000/callback"
        "&scope=openid+aws.cognito.signin.user.admin&state=s"
    )
    fragment = parse_qs(
        urlsplit(callback_url(browser.follow(browser.sign_in(url, "implicit-user")))).fragment
    )
    access = fragment["access_token"][0]
    assert "refresh_token" not in fragment
    assert idp.get_user(AccessToken=access)["Username"] == "implicit-user"
    idp.global_sign_out(AccessToken=access)
    with pytest.raises(idp.exceptions.NotAuthorizedException, match="revoked"):
        idp.get_user(AccessToken=access)
    info = httpx.get(f"{server.url}/oauth2/userInfo", headers={"Authorization": f"Bearer {access}"})
    assert info.status_code == 401


def test_implicit_tokens_end_with_admin_global_sign_out(idp: Any, server: Any) -> None:
    """Security review #18: and by AdminUserGlobalSignOut."""
    pool_id = idp.create_user_pool(PoolName="implicit")["UserPool"]["Id"]
    make_user(idp, pool_id, "implicit-user")
    client = oauth_client(idp, pool_id, secret=False)
    browser = Browser(server.url)
    url = (
        f"/oauth2/authorize?response_type=token&client_id={client['ClientId']}"
        "&redirect_uri=http://localhost:8000/callback&scope=aws.cognito.signin.user.admin"
    )
    fragment = parse_qs(
        urlsplit(callback_url(browser.follow(browser.sign_in(url, "implicit-user")))).fragment
    )
    access = fragment["access_token"][0]
    idp.get_user(AccessToken=access)
    idp.admin_user_global_sign_out(UserPoolId=pool_id, Username="implicit-user")
    with pytest.raises(idp.exceptions.NotAuthorizedException, match="revoked"):
        idp.get_user(AccessToken=access)

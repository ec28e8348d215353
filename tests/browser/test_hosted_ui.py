"""A real browser (Playwright driving Debian's Chromium, headless) on the hosted pages: sign up,
confirm with the emailed code, set up TOTP and reach the callback; sign out; sign in again with
a TOTP code. Each page is photographed (into COGNITIO_SCREENSHOTS when set, as for docs/)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import pyotp

from tests.helpers.browser import csp_violations, needs_chromium
from tests.helpers.mfa import next_step_code
from tests.helpers.oauth import CALLBACK, authlib_client, oauth_client
from tests.helpers.pools import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Dialog, Route

pytestmark = needs_chromium


def test_sign_up_confirm_set_up_totp_and_sign_in_again(
    idp: Any, server: Any, browser: Any, shots: Path
) -> None:
    pool_id = idp.create_user_pool(PoolName="Example Store", AutoVerifiedAttributes=["email"])[
        "UserPool"
    ]["Id"]
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id, SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration="ON"
    )
    client = oauth_client(idp, pool_id, secret=False, ClientName="Example Store")
    session = authlib_client(server, client, "openid email")
    verifier = "v" * 64
    url, state = session.create_authorization_url(
        f"{server.url}/oauth2/authorize", code_verifier=verifier
    )
    context = browser.new_context(viewport={"width": 480, "height": 800})
    page = context.new_page()
    refused = csp_violations(page)
    reached: list[str] = []

    def callback(route: Any) -> None:
        reached.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<h1>Signed in</h1>")

    page.route("http://localhost:8000/**", callback)

    page.goto(url)
    page.screenshot(path=str(shots / "1-sign-in.png"))
    page.get_by_role("link", name="Need an account? Sign up").click()
    page.get_by_label("Username").fill("browser-user")
    page.get_by_label("Email").fill("browser-user@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.screenshot(path=str(shots / "2-sign-up.png"))
    page.get_by_role("button", name="Sign up").click()
    page.get_by_label("Confirmation code").fill(server.last_code("browser-user@example.com"))
    page.screenshot(path=str(shots / "3-confirm.png"))
    page.get_by_role("button", name="Confirm").click()

    page.get_by_text("Your account is confirmed").wait_for()
    page.get_by_label("Username").fill("browser-user")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("img", name="QR code for your authenticator app").wait_for()
    page.screenshot(path=str(shots / "4-set-up-totp.png"))
    totp = pyotp.TOTP(page.locator("figcaption code").inner_text())
    page.get_by_label("Code from the app").fill(totp.now())
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("Signed in").wait_for()

    (location,) = reached
    query = parse_qs(urlsplit(location).query)
    assert query["state"] == [state]
    token = session.fetch_token(
        f"{server.url}/oauth2/token", authorization_response=location, code_verifier=verifier
    )
    assert idp.admin_get_user(UserPoolId=pool_id, Username="browser-user")["UserStatus"] == (
        "CONFIRMED"
    )
    assert token["id_token"]

    # Sign out through the browser's own cookie jar (the redirect's target is not served).
    out = page.request.get(
        f"{server.url}/logout?client_id={client['ClientId']}"
        "&logout_uri=http://localhost:8000/signed-out",
        max_redirects=0,
    )
    assert out.headers["location"] == "http://localhost:8000/signed-out"
    page.goto(url)
    page.get_by_label("Username").fill("browser-user")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(next_step_code(totp))
    page.screenshot(path=str(shots / "5-totp-code.png"))
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("Signed in").wait_for()
    assert reached[-1].startswith(CALLBACK) and "code=" in reached[-1]
    assert refused == []
    context.close()


def test_a_passkey_added_on_the_hosted_page_signs_in(
    idp: Any, server: Any, browser: Any, shots: Path
) -> None:
    """Chromium's virtual authenticator (DevTools WebAuthn domain) stands in for the device."""
    pool_id = idp.create_user_pool(
        PoolName="Passkey Store",
        Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"]}},
    )["UserPool"]["Id"]
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        WebAuthnConfiguration={"RelyingPartyId": "localhost", "UserVerification": "preferred"},
        MfaConfiguration="OFF",
    )
    idp.admin_create_user(UserPoolId=pool_id, Username="passkey-user", MessageAction="SUPPRESS")
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username="passkey-user", Password=PASSWORD, Permanent=True
    )
    client = oauth_client(
        idp, pool_id, secret=False, AllowedOAuthScopes=["openid", "aws.cognito.signin.user.admin"]
    )
    base = server.url.replace("127.0.0.1", "localhost")  # an RP ID must be a domain name
    session = authlib_client(server, client, "openid aws.cognito.signin.user.admin")
    url, _ = session.create_authorization_url(f"{base}/oauth2/authorize")
    query = url.split("?", 1)[1]

    context = browser.new_context()
    page = context.new_page()
    refused = csp_violations(page)
    reached: list[str] = []

    def fulfil(route: Route) -> None:
        reached.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<h1>Signed in</h1>")

    page.route("http://localhost:8000/**", fulfil)
    devtools = context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )

    page.goto(url)
    page.get_by_label("Username").fill("passkey-user")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_text("Signed in").wait_for()

    page.goto(f"{base}/passkeys/add?{query}")
    page.screenshot(path=str(shots / "6-add-passkey.png"))
    page.get_by_role("button", name="Create a passkey").click()
    page.get_by_text("Signed in").wait_for()
    listed = idp.admin_get_user_auth_factors(UserPoolId=pool_id, Username="passkey-user")
    assert "WEB_AUTHN" in listed["ConfiguredUserAuthFactors"]

    out = page.request.get(
        f"{base}/logout?client_id={client['ClientId']}&logout_uri=http://localhost:8000/signed-out",
        max_redirects=0,
    )
    assert out.status == 302
    page.goto(url)
    page.get_by_label("Username").fill("passkey-user")
    page.get_by_role("button", name="Sign in with a passkey").click()
    # The click navigates: wait for the next page before taking its picture.
    use_passkey = page.get_by_role("button", name="Use my passkey")
    use_passkey.wait_for()
    page.screenshot(path=str(shots / "7-passkey-sign-in.png"))
    use_passkey.click()
    page.get_by_text("Signed in").wait_for()
    assert "code=" in reached[-1]
    assert refused == []
    context.close()


def test_an_svg_logo_opened_directly_runs_no_script(idp: Any, server: Any, browser: Any) -> None:
    """Security review #13: the branding asset's sandbox holds in a real browser."""
    pool_id = idp.create_user_pool(PoolName="Styled")["UserPool"]["Id"]
    client = oauth_client(idp, pool_id, secret=False)
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="document.title=\'ran\'">'
        b"<script>document.title = 'ran'; alert(document.cookie)</script>"
        b'<rect width="10" height="10" style="fill: red"/></svg>'
    )
    asset = {"Category": "FORM_LOGO", "ColorMode": "LIGHT", "Extension": "SVG", "Bytes": svg}
    idp.create_managed_login_branding(
        UserPoolId=pool_id, ClientId=client["ClientId"], Assets=[asset]
    )
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.goto(f"{server.url}/_branding/{pool_id}/style/{client['ClientId']}")
    page.wait_for_load_state("load")
    assert page.evaluate("document.title") != "ran"
    assert dialogs == []
    context.close()

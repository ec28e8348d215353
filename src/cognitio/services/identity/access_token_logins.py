"""Access tokens of Facebook and Login with Amazon as identity pool logins.

Neither provider issues an ID token to an app, so the token is checked by asking the provider
(Cognito Developer Guide, "Setting up Facebook" and "Setting up Login with Amazon" for identity
pools): the token must be valid for a user and have been issued to the app ID the pool lists
in SupportedLoginProviders (``graph.facebook.com``, ``www.amazon.com``).

- Facebook: Graph API ``GET /{version}/me?fields=id`` names the user, ``GET /{version}/app``
  the app the token was issued to (https://developers.facebook.com/docs/graph-api/reference/
  application/); both with the token as a Bearer credential.
- Amazon: ``GET https://api.amazon.com/auth/o2/tokeninfo?access_token=…`` answers the token's
  ``aud`` (the security profile's client ID), ``app_id`` and ``user_id``
  (https://developer.amazon.com/docs/login-with-amazon/obtain-customer-profile.html); the
  pool's app ID may be either.

A 4xx answer means the provider refused the token (NotAuthorizedException); no answer, a 5xx
or an answer that cannot be read is ExternalServiceException. ``federation_endpoints`` can point
either provider at a stand-in.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from cognitio.documents import JsonObject
from cognitio.errors import NotAuthorizedException
from cognitio.services.federation.facebook import DEFAULT_API_VERSION
from cognitio.services.federation.upstream import IdentityProviderError, parse_json_object
from cognitio.services.identity.id_token_logins import app_ids, provider_failure
from cognitio.services.identity.login_kinds import Login, LoginContext, standard_amr

FACEBOOK_KEY = "graph.facebook.com"
AMAZON_KEY = "www.amazon.com"
_GRAPH = f"https://graph.facebook.com/{DEFAULT_API_VERSION}"
_TOKENINFO = "https://api.amazon.com/auth/o2/tokeninfo"
# An OAuth access token is visible ASCII (RFC 6750's b64token and more); a few KiB at most.
_ACCESS_TOKEN = re.compile(r"^[\x21-\x7e]{1,4096}$")
REFUSED = "Invalid login token. The identity provider refused the access token."
OTHER_APP = "Invalid login token. The access token was issued to another app."
_NO_USER = "Invalid login token. The identity provider named no user for the access token."


def _check_form(token: str) -> None:
    if not _ACCESS_TOKEN.match(token):
        raise NotAuthorizedException(REFUSED)


async def _ask(
    ctx: LoginContext, key: str, url: str, what: str, headers: dict[str, str] | None = None
) -> JsonObject:
    """The provider's JSON answer about a token; NotAuthorized when it refuses the token."""
    try:
        response = await ctx.services.clients.upstream.send("GET", url, what, headers=headers)
        if 400 <= response.status_code < 500:
            raise NotAuthorizedException(REFUSED)
        if response.status_code != 200:
            raise IdentityProviderError(
                "The identity provider refused the request.", f"{what}: {response.status_code}"
            )
        return parse_json_object(response.content, what)
    except IdentityProviderError as error:
        raise provider_failure(key, error) from None


def _text(document: JsonObject, name: str) -> str | None:
    value = document.get(name)
    return value if isinstance(value, str) and 0 < len(value) <= 255 else None


async def facebook_login(ctx: LoginContext, key: str, token: str) -> Login:
    """A Facebook user access token, issued to the pool's app."""
    allowed = app_ids(ctx, key)
    _check_form(token)
    bearer = {"Authorization": f"Bearer {token}"}
    endpoints = ctx.services.endpoints
    me = await _ask(
        ctx, key, endpoints.url("Facebook", f"{_GRAPH}/me?fields=id"), "graph me", bearer
    )
    app = await _ask(ctx, key, endpoints.url("Facebook", f"{_GRAPH}/app"), "graph app", bearer)
    app_id = _text(app, "id")
    if app_id is None or app_id not in allowed:
        raise NotAuthorizedException(OTHER_APP)
    user_id = _text(me, "id")
    if user_id is None:
        raise NotAuthorizedException(_NO_USER)
    claims: JsonObject = {"sub": user_id, "aud": app_id, "id": user_id}
    return Login(key, user_id, claims, standard_amr(key, user_id), key)


async def amazon_login(ctx: LoginContext, key: str, token: str) -> Login:
    """A Login with Amazon access token, issued to the pool's app."""
    allowed = app_ids(ctx, key)
    _check_form(token)
    url = ctx.services.endpoints.url(
        "LoginWithAmazon", f"{_TOKENINFO}?{urlencode({'access_token': token})}"
    )
    info = await _ask(ctx, key, url, "amazon tokeninfo")
    matched = next((i for i in (_text(info, "aud"), _text(info, "app_id")) if i in allowed), None)
    if matched is None:
        raise NotAuthorizedException(OTHER_APP)
    user_id = _text(info, "user_id")
    if user_id is None:
        raise NotAuthorizedException(_NO_USER)
    claims: JsonObject = {"sub": user_id, "aud": matched, "user_id": user_id}
    return Login(key, user_id, claims, standard_amr(key, user_id), key)

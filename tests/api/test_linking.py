"""AdminLinkProviderForUser and AdminDisableProviderForUser through boto3: the link shows in the
user's identities, Cognito's refusals, and a native user disabled loses its password."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.helpers.pools import make_user, setup_pool, sign_in

GOOGLE = {"client_id": "g-id", "client_secret": "g-secret", "authorize_scopes": "openid email"}


def native(name: str) -> dict[str, str]:
    return {"ProviderName": "Cognito", "ProviderAttributeValue": name}


def subject(provider: str, value: str) -> dict[str, str]:
    return {
        "ProviderName": provider,
        "ProviderAttributeName": "Cognito_Subject",
        "ProviderAttributeValue": value,
    }


def pool_with_google(idp: Any) -> tuple[str, str]:
    pool_id, client_id = setup_pool(idp)
    idp.create_identity_provider(
        UserPoolId=pool_id, ProviderName="Google", ProviderType="Google", ProviderDetails=GOOGLE
    )
    make_user(idp, pool_id, "ann")
    return pool_id, client_id


def identities(idp: Any, pool_id: str, name: str) -> list[dict[str, Any]]:
    user = idp.admin_get_user(UserPoolId=pool_id, Username=name)
    found = {a["Name"]: a["Value"] for a in user["UserAttributes"]}.get("identities")
    return [] if found is None else list(json.loads(found))


def test_a_linked_identity_shows_in_the_users_identities_until_disabled(idp: Any) -> None:
    pool_id, _ = pool_with_google(idp)
    idp.admin_link_provider_for_user(
        UserPoolId=pool_id, DestinationUser=native("ann"), SourceUser=subject("Google", "1069")
    )
    [linked] = identities(idp, pool_id, "ann")
    assert (linked["providerName"], linked["providerType"], linked["userId"]) == (
        "Google",
        "Google",
        "1069",
    )
    assert linked["primary"] == "false"
    idp.admin_disable_provider_for_user(UserPoolId=pool_id, User=subject("Google", "1069"))
    assert identities(idp, pool_id, "ann") == []
    with pytest.raises(idp.exceptions.UserNotFoundException):
        idp.admin_disable_provider_for_user(UserPoolId=pool_id, User=subject("Google", "1069"))


def test_linking_refuses_what_cognito_refuses(idp: Any) -> None:
    pool_id, _ = pool_with_google(idp)
    make_user(idp, pool_id, "bob")
    with pytest.raises(idp.exceptions.InvalidParameterException, match="SourceUser"):
        idp.admin_link_provider_for_user(
            UserPoolId=pool_id, DestinationUser=native("ann"), SourceUser=native("bob")
        )
    with pytest.raises(idp.exceptions.ResourceNotFoundException):
        idp.admin_link_provider_for_user(
            UserPoolId=pool_id, DestinationUser=native("ann"), SourceUser=subject("Okta", "1")
        )
    with pytest.raises(idp.exceptions.UserNotFoundException):
        idp.admin_link_provider_for_user(
            UserPoolId=pool_id, DestinationUser=native("nobody"), SourceUser=subject("Google", "1")
        )
    idp.admin_link_provider_for_user(
        UserPoolId=pool_id, DestinationUser=native("ann"), SourceUser=subject("Google", "7")
    )
    with pytest.raises(idp.exceptions.InvalidParameterException, match="Merging"):
        idp.admin_link_provider_for_user(
            UserPoolId=pool_id, DestinationUser=native("bob"), SourceUser=subject("Google", "7")
        )
    for number in range(4):
        idp.admin_link_provider_for_user(
            UserPoolId=pool_id,
            DestinationUser=native("ann"),
            SourceUser=subject("Google", f"1{number}"),
        )
    with pytest.raises(idp.exceptions.LimitExceededException):
        idp.admin_link_provider_for_user(
            UserPoolId=pool_id, DestinationUser=native("ann"), SourceUser=subject("Google", "99")
        )


def test_a_disabled_native_user_cannot_use_its_password(idp: Any) -> None:
    pool_id, client_id = pool_with_google(idp)
    sign_in(idp, client_id, "ann")
    idp.admin_disable_provider_for_user(UserPoolId=pool_id, User=subject("Cognito", "ann"))
    # A user without a password signs in as one that does not exist would (the client does
    # not hide user existence here).
    with pytest.raises(idp.exceptions.UserNotFoundException):
        sign_in(idp, client_id, "ann")
    assert idp.admin_get_user(UserPoolId=pool_id, Username="ann")["Enabled"]


OIDC = {
    "client_id": "o-id",
    "client_secret": "o-secret-value",
    "authorize_scopes": "openid email",
    "attributes_request_method": "GET",
    "oidc_issuer": "https://issuer.example.com",
}


def on_attribute(provider: str, name: str, value: str) -> dict[str, str]:
    return {
        "ProviderName": provider,
        "ProviderAttributeName": name,
        "ProviderAttributeValue": value,
    }


def test_an_oidc_identity_links_on_a_mapped_attribute_and_social_ones_do_not(idp: Any) -> None:
    pool_id, _ = pool_with_google(idp)
    idp.create_identity_provider(
        UserPoolId=pool_id,
        ProviderName="Corp",
        ProviderType="OIDC",
        ProviderDetails=OIDC,
        AttributeMapping={"email": "email"},
    )
    email = on_attribute("Corp", "email", "ann@example.com")
    idp.admin_link_provider_for_user(
        UserPoolId=pool_id, DestinationUser=native("ann"), SourceUser=email
    )
    [linked] = identities(idp, pool_id, "ann")
    assert (linked["providerName"], linked["userId"]) == ("Corp", "ann@example.com")
    with pytest.raises(idp.exceptions.InvalidParameterException, match="Merging"):
        idp.admin_link_provider_for_user(
            UserPoolId=pool_id, DestinationUser=native("ann"), SourceUser=email
        )
    with pytest.raises(idp.exceptions.InvalidParameterException, match="Cognito_Subject"):
        idp.admin_link_provider_for_user(
            UserPoolId=pool_id,
            DestinationUser=native("ann"),
            SourceUser=on_attribute("Google", "email", "ann@example.com"),
        )
    with pytest.raises(idp.exceptions.InvalidParameterException, match="mutable attribute"):
        idp.admin_link_provider_for_user(
            UserPoolId=pool_id,
            DestinationUser=native("ann"),
            SourceUser=on_attribute("Corp", "NoSuchAttribute", "x"),
        )
    # Not signed in yet: disabled by the attribute it was linked on, not by a subject.
    with pytest.raises(idp.exceptions.UserNotFoundException):
        idp.admin_disable_provider_for_user(
            UserPoolId=pool_id, User=subject("Corp", "ann@example.com")
        )
    idp.admin_disable_provider_for_user(UserPoolId=pool_id, User=email)
    assert identities(idp, pool_id, "ann") == []

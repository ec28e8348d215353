"""App clients through boto3 against a running server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def pool_id(idp: Any) -> str:
    return str(idp.create_user_pool(PoolName="clients")["UserPool"]["Id"])


def test_create_client_with_cognito_defaults(idp: Any, pool_id: str) -> None:
    client = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="web")["UserPoolClient"]
    assert len(client["ClientId"]) == 26 and client["ClientId"].isalnum()
    assert client["ClientId"] == client["ClientId"].lower()
    assert "ClientSecret" not in client
    assert client["UserPoolId"] == pool_id and client["ClientName"] == "web"
    assert client["RefreshTokenValidity"] == 30
    assert client["AllowedOAuthFlowsUserPoolClient"] is False
    assert client["EnableTokenRevocation"] is True
    assert client["EnablePropagateAdditionalUserContextData"] is False
    assert client["AuthSessionValidity"] == 3
    assert client["PreventUserExistenceErrors"] == "LEGACY"
    assert "ExplicitAuthFlows" not in client and "ReadAttributes" not in client
    described = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client["ClientId"])
    assert described["UserPoolClient"] == client


def test_generated_secret_is_shown_on_describe(idp: Any, pool_id: str) -> None:
    client = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="server", GenerateSecret=True
    )["UserPoolClient"]
    secret = client["ClientSecret"]
    assert len(secret) == 52
    described = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client["ClientId"])
    assert described["UserPoolClient"]["ClientSecret"] == secret
    custom = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="own-secret", ClientSecret="a" * 30 + "B" * 10
    )["UserPoolClient"]
    assert custom["ClientSecret"] == "a" * 30 + "B" * 10
    with pytest.raises(idp.exceptions.InvalidParameterException, match="both GenerateSecret"):
        idp.create_user_pool_client(
            UserPoolId=pool_id, ClientName="x", GenerateSecret=True, ClientSecret="c" * 40
        )


def test_client_keeps_every_setting(idp: Any, pool_id: str) -> None:
    settings: dict[str, Any] = {
        "RefreshTokenValidity": 10,
        "AccessTokenValidity": 30,
        "IdTokenValidity": 45,
        "TokenValidityUnits": {
            "AccessToken": "minutes",
            "IdToken": "minutes",
            "RefreshToken": "days",
        },
        "ReadAttributes": ["email", "email_verified", "name"],
        "WriteAttributes": ["email", "name"],
        "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        "SupportedIdentityProviders": ["COGNITO"],
        "CallbackURLs": ["https://app.example.com/cb", "http://localhost:3000/cb"],
        "LogoutURLs": ["https://app.example.com/bye"],
        "DefaultRedirectURI": "https://app.example.com/cb",
        "AllowedOAuthFlows": ["code"],
        "AllowedOAuthScopes": ["openid", "email", "profile"],
        "AllowedOAuthFlowsUserPoolClient": True,
        "PreventUserExistenceErrors": "ENABLED",
        "EnableTokenRevocation": False,
        "AuthSessionValidity": 10,
        "RefreshTokenRotation": {"Feature": "ENABLED", "RetryGracePeriodSeconds": 30},
    }
    client = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="full", **settings)
    created = client["UserPoolClient"]
    for key, value in settings.items():
        assert created[key] == value, key
    described = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=created["ClientId"])
    assert described["UserPoolClient"] == created


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"AccessTokenValidity": 2, "TokenValidityUnits": {"AccessToken": "minutes"}},
            "InvalidParameterException",
            "token validity",
        ),
        ({"IdTokenValidity": 25}, "InvalidParameterException", "token validity"),
        ({"RefreshTokenValidity": 3651}, "InvalidParameterException", "token validity"),
        (
            {"ExplicitAuthFlows": ["USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"]},
            "InvalidParameterException",
            "legacy",
        ),
        (
            {"ReadAttributes": ["custom:nope"]},
            "InvalidParameterException",
            "Invalid read attributes",
        ),
        ({"WriteAttributes": ["sub"]}, "InvalidParameterException", "Invalid write attributes"),
        (
            {"WriteAttributes": ["email_verified"]},
            "InvalidParameterException",
            "Invalid write attributes",
        ),
        (
            {"SupportedIdentityProviders": ["Google"]},
            "InvalidParameterException",
            "provider Google does not exist",
        ),
        ({"CallbackURLs": ["http://app.example.com"]}, "InvalidParameterException", "HTTPS"),
        ({"CallbackURLs": ["https://app.example.com/#x"]}, "InvalidParameterException", "fragment"),
        (
            {
                "CallbackURLs": ["https://a.example.com"],
                "DefaultRedirectURI": "https://b.example.com",
            },
            "InvalidParameterException",
            "DefaultRedirectURI",
        ),
        ({"AllowedOAuthScopes": ["api/read"]}, "ScopeDoesNotExistException", "api/read"),
        ({"AllowedOAuthFlowsUserPoolClient": True}, "InvalidOAuthFlowException", "required"),
        (
            {
                "AllowedOAuthFlowsUserPoolClient": True,
                "AllowedOAuthFlows": ["client_credentials", "code"],
                "AllowedOAuthScopes": ["openid"],
            },
            "InvalidOAuthFlowException",
            "client_credentials",
        ),
        (
            {
                "AllowedOAuthFlowsUserPoolClient": True,
                "AllowedOAuthFlows": ["client_credentials"],
                "AllowedOAuthScopes": ["openid"],
            },
            "InvalidOAuthFlowException",
            "client secret",
        ),
        (
            {
                "AllowedOAuthFlowsUserPoolClient": True,
                "AllowedOAuthFlows": ["code"],
                "AllowedOAuthScopes": ["openid"],
            },
            "InvalidOAuthFlowException",
            "CallbackUrls can not be empty",
        ),
        ({"EnablePropagateAdditionalUserContextData": True}, "InvalidParameterException", "secret"),
        ({"AuthSessionValidity": 16}, "InvalidParameterException", "authSessionValidity"),
    ],
)
def test_client_settings_cognito_refuses(
    idp: Any, pool_id: str, kwargs: dict[str, Any], error: str, message: str
) -> None:
    with pytest.raises(getattr(idp.exceptions, error), match=message):
        idp.create_user_pool_client(UserPoolId=pool_id, ClientName="bad", **kwargs)


def test_update_client_replaces_settings_and_keeps_the_secret(idp: Any, pool_id: str) -> None:
    created = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="before",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        ReadAttributes=["email"],
    )["UserPoolClient"]
    updated = idp.update_user_pool_client(
        UserPoolId=pool_id, ClientId=created["ClientId"], ClientName="after", AuthSessionValidity=5
    )["UserPoolClient"]
    assert updated["ClientName"] == "after"
    assert updated["ClientSecret"] == created["ClientSecret"]
    assert updated["AuthSessionValidity"] == 5
    assert "ExplicitAuthFlows" not in updated and "ReadAttributes" not in updated
    assert updated["CreationDate"] == created["CreationDate"]
    assert updated["LastModifiedDate"] >= created["LastModifiedDate"]
    described = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=created["ClientId"])
    assert described["UserPoolClient"] == updated


def test_delete_and_unknown_clients(idp: Any, pool_id: str) -> None:
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="gone")[
        "UserPoolClient"
    ]["ClientId"]
    idp.delete_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    calls: list[Callable[[], object]] = [
        lambda: idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id),
        lambda: idp.update_user_pool_client(UserPoolId=pool_id, ClientId=client_id),
        lambda: idp.delete_user_pool_client(UserPoolId=pool_id, ClientId=client_id),
    ]
    for call in calls:
        with pytest.raises(idp.exceptions.ResourceNotFoundException, match=client_id):
            call()
    with pytest.raises(idp.exceptions.ResourceNotFoundException, match="us-east-1_Missing00"):
        idp.create_user_pool_client(UserPoolId="us-east-1_Missing00", ClientName="x")


def test_a_client_of_another_pool_is_not_found(idp: Any, pool_id: str) -> None:
    other = idp.create_user_pool(PoolName="other")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(UserPoolId=other, ClientName="theirs")[
        "UserPoolClient"
    ]["ClientId"]
    with pytest.raises(idp.exceptions.ResourceNotFoundException):
        idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)


def test_list_clients_pages(idp: Any, pool_id: str) -> None:
    made = {
        idp.create_user_pool_client(UserPoolId=pool_id, ClientName=f"c{i}")["UserPoolClient"][
            "ClientId"
        ]
        for i in range(5)
    }
    pages = list(
        idp.get_paginator("list_user_pool_clients").paginate(
            UserPoolId=pool_id, PaginationConfig={"PageSize": 2}
        )
    )
    assert [len(page["UserPoolClients"]) for page in pages] == [2, 2, 1]
    listed = [c for page in pages for c in page["UserPoolClients"]]
    assert {c["ClientId"] for c in listed} == made
    assert all(set(c) == {"ClientId", "UserPoolId", "ClientName"} for c in listed)


def test_deleting_a_pool_deletes_its_clients(idp: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="cascade")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c")["UserPoolClient"][
        "ClientId"
    ]
    idp.delete_user_pool(UserPoolId=pool_id)
    with pytest.raises(idp.exceptions.ResourceNotFoundException):
        idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)


def test_concurrent_client_creation_gets_distinct_ids(idp: Any, pool_id: str, server: Any) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from tests.conftest import client

    clients = [client("cognito-idp", server.url) for _ in range(6)]

    def create(index: int) -> str:
        made = clients[index % len(clients)].create_user_pool_client(
            UserPoolId=pool_id, ClientName=f"parallel-{index}"
        )
        return str(made["UserPoolClient"]["ClientId"])

    with ThreadPoolExecutor(max_workers=6) as pool:
        ids = list(pool.map(create, range(30)))
    assert len(set(ids)) == 30
    listed = idp.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
    assert {c["ClientId"] for c in listed} == set(ids)

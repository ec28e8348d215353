"""Resource servers (custom scopes), user pool domains, and app clients that use them."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.helpers.errors import error_of

SCOPES = [
    {"ScopeName": "read", "ScopeDescription": "Read orders"},
    {"ScopeName": "write", "ScopeDescription": "Write orders"},
]


def new_pool(idp: Any) -> str:
    pool_id: str = idp.create_user_pool(PoolName="oauth")["UserPool"]["Id"]
    return pool_id


def test_resource_servers_are_created_listed_updated_and_deleted(idp: Any) -> None:
    pool_id = new_pool(idp)
    created = idp.create_resource_server(
        UserPoolId=pool_id,
        Identifier="https://api.example.com/orders",
        Name="Orders",
        Scopes=SCOPES,
    )["ResourceServer"]
    assert created == {
        "UserPoolId": pool_id,
        "Identifier": "https://api.example.com/orders",
        "Name": "Orders",
        "Scopes": SCOPES,
    }
    with pytest.raises(idp.exceptions.InvalidParameterException, match="already exists"):
        idp.create_resource_server(
            UserPoolId=pool_id, Identifier="https://api.example.com/orders", Name="Again"
        )
    for identifier in ("billing", "audit"):
        idp.create_resource_server(UserPoolId=pool_id, Identifier=identifier, Name=identifier)
    first = idp.list_resource_servers(UserPoolId=pool_id, MaxResults=2)
    rest = idp.list_resource_servers(UserPoolId=pool_id, MaxResults=2, NextToken=first["NextToken"])
    names = [s["Identifier"] for s in first["ResourceServers"] + rest["ResourceServers"]]
    assert names == ["audit", "billing", "https://api.example.com/orders"]

    updated = idp.update_resource_server(
        UserPoolId=pool_id, Identifier="billing", Name="Billing", Scopes=SCOPES[:1]
    )["ResourceServer"]
    assert updated["Scopes"] == SCOPES[:1]
    described = idp.describe_resource_server(UserPoolId=pool_id, Identifier="billing")
    assert described["ResourceServer"] == updated
    idp.delete_resource_server(UserPoolId=pool_id, Identifier="billing")
    with pytest.raises(ClientError) as excinfo:
        idp.describe_resource_server(UserPoolId=pool_id, Identifier="billing")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        "Resource server billing does not exist.",
    )


def test_clients_may_use_the_custom_scopes_that_exist(idp: Any) -> None:
    pool_id = new_pool(idp)
    with pytest.raises(idp.exceptions.ScopeDoesNotExistException):
        idp.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName="m2m",
            GenerateSecret=True,
            AllowedOAuthFlowsUserPoolClient=True,
            AllowedOAuthFlows=["client_credentials"],
            AllowedOAuthScopes=["orders/read"],
        )
    idp.create_resource_server(
        UserPoolId=pool_id, Identifier="orders", Name="Orders", Scopes=SCOPES
    )
    client = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="m2m",
        GenerateSecret=True,
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=["orders/read", "orders/write"],
    )["UserPoolClient"]
    assert client["AllowedOAuthScopes"] == ["orders/read", "orders/write"]
    with pytest.raises(idp.exceptions.InvalidOAuthFlowException, match="custom scopes"):
        idp.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName="mixed",
            GenerateSecret=True,
            AllowedOAuthFlowsUserPoolClient=True,
            AllowedOAuthFlows=["client_credentials"],
            AllowedOAuthScopes=["orders/read", "openid"],
        )
    web = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="web",
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid", "email", "orders/read"],
        CallbackURLs=["https://app.example.com/callback"],
        SupportedIdentityProviders=["COGNITO"],
    )["UserPoolClient"]
    assert "orders/read" in web["AllowedOAuthScopes"]


def test_a_pool_has_one_prefix_domain_and_one_custom_domain(idp: Any) -> None:
    pool_id = new_pool(idp)
    assert (
        idp.create_user_pool_domain(UserPoolId=pool_id, Domain="my-shop-login")[
            "ManagedLoginVersion"
        ]
        == 1
    )
    custom = idp.create_user_pool_domain(
        UserPoolId=pool_id,
        Domain="login.shop.example.com",
        CustomDomainConfig={"CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/x"},
        ManagedLoginVersion=2,
    )
    assert custom["CloudFrontDomain"] == "login.shop.example.com"
    pool = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert pool["Domain"] == "my-shop-login"
    assert pool["CustomDomain"] == "login.shop.example.com"
    described = idp.describe_user_pool_domain(Domain="my-shop-login")["DomainDescription"]
    assert described["UserPoolId"] == pool_id
    assert described["Status"] == "ACTIVE"
    assert idp.describe_user_pool_domain(Domain="nobody-has-this")["DomainDescription"] == {}

    with pytest.raises(idp.exceptions.InvalidParameterException, match="already has a prefix"):
        idp.create_user_pool_domain(UserPoolId=pool_id, Domain="another-prefix")
    other = new_pool(idp)
    with pytest.raises(ClientError) as excinfo:
        idp.create_user_pool_domain(UserPoolId=other, Domain="my-shop-login")
    assert error_of(excinfo) == (
        "InvalidParameterException",
        "Domain already associated with another user pool.",
    )
    with pytest.raises(idp.exceptions.InvalidParameterException, match="reserved word"):
        idp.create_user_pool_domain(UserPoolId=other, Domain="my-cognito-login")

    updated = idp.update_user_pool_domain(
        UserPoolId=pool_id, Domain="my-shop-login", ManagedLoginVersion=2
    )
    assert updated["ManagedLoginVersion"] == 2
    idp.delete_user_pool_domain(UserPoolId=pool_id, Domain="my-shop-login")
    assert "Domain" not in idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    with pytest.raises(idp.exceptions.ResourceNotFoundException):
        idp.delete_user_pool_domain(UserPoolId=pool_id, Domain="my-shop-login")
    idp.create_user_pool_domain(UserPoolId=other, Domain="my-shop-login")  # free again

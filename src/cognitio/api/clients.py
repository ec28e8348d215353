"""App client operations on the wire: requests to commands, records to UserPoolClientType."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cognitio.api.registry import IDP, Context, operation
from cognitio.services.clients.clients import ClientWithSecret, CreateClient, UpdateClient

# ListUserPoolClients' page size when MaxResults is left out.
_DEFAULT_PAGE = 60
# Request members that are not the client's settings.
_NOT_SETTINGS = ("UserPoolId", "ClientId", "ClientName", "GenerateSecret", "ClientSecret")


@operation(IDP, "CreateUserPoolClient")
async def create_user_pool_client(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    command = CreateClient(
        params["UserPoolId"],
        params["ClientName"],
        _settings(params),
        generate_secret=bool(params.get("GenerateSecret")),
        secret=params.get("ClientSecret"),
    )
    return {"UserPoolClient": client_shape(await ctx.services.clients.create(ctx.caller, command))}


@operation(IDP, "DescribeUserPoolClient")
async def describe_user_pool_client(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    client = await ctx.services.clients.describe(
        ctx.caller, params["UserPoolId"], params["ClientId"]
    )
    return {"UserPoolClient": client_shape(client)}


@operation(IDP, "UpdateUserPoolClient")
async def update_user_pool_client(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    command = UpdateClient(
        params["UserPoolId"], params["ClientId"], _settings(params), name=params.get("ClientName")
    )
    return {"UserPoolClient": client_shape(await ctx.services.clients.update(ctx.caller, command))}


@operation(IDP, "DeleteUserPoolClient")
async def delete_user_pool_client(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.clients.delete(ctx.caller, params["UserPoolId"], params["ClientId"])
    return {}


@operation(IDP, "ListUserPoolClients")
async def list_user_pool_clients(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    page = await ctx.services.clients.list_clients(
        ctx.caller,
        params["UserPoolId"],
        params.get("MaxResults", _DEFAULT_PAGE),
        params.get("NextToken"),
    )
    result: dict[str, Any] = {
        "UserPoolClients": [
            {"ClientId": row.id, "UserPoolId": row.pool_id, "ClientName": row.name}
            for row in page.clients
        ]
    }
    if page.next_token is not None:
        result["NextToken"] = page.next_token
    return result


def _settings(params: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in params.items() if name not in _NOT_SETTINGS}


def client_shape(described: ClientWithSecret) -> dict[str, Any]:
    """A UserPoolClientType: the ids, name, dates and secret, then the settings document."""
    record = described.client
    shape: dict[str, Any] = {
        "UserPoolId": record.pool_id,
        "ClientName": record.name,
        "ClientId": record.id,
        "LastModifiedDate": record.updated_ms / 1000,
        "CreationDate": record.created_ms / 1000,
    }
    if described.secret is not None:
        shape["ClientSecret"] = described.secret
    shape.update(record.config)
    return shape

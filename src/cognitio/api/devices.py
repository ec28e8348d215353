"""Remembered devices on the wire: ConfirmDevice and the device operations, own and admin."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cognitio.api.registry import IDP, Context, operation
from cognitio.errors import InvalidParameterException
from cognitio.services.mfa.devices import view
from cognitio.services.pools.user_pools import load_pool
from cognitio.services.tokens.access_tokens import current_user
from cognitio.services.users.accounts import require_user
from cognitio.store.records import UserPoolRecord, UserRecord
from cognitio.store.repositories import Transaction


async def _own(ctx: Context, tx: Transaction, params: dict[str, Any]) -> UserRecord:
    # GetDevice and ForgetDevice mark AccessToken optional, yet only a token says whose device.
    token = params.get("AccessToken")
    if not token:
        raise InvalidParameterException("AccessToken is required.")
    return await current_user(tx, ctx.services.tokens, token)


async def _theirs(
    ctx: Context, tx: Transaction, params: dict[str, Any]
) -> tuple[UserPoolRecord, UserRecord]:
    pool = await load_pool(tx, ctx.caller, params["UserPoolId"])
    return pool, await require_user(tx, pool, params["Username"])


@operation(IDP, "ConfirmDevice")
async def confirm_device(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.write() as tx:
        user = await _own(ctx, tx, params)
        pool = await tx.pools.get(user.pool_id)
        assert pool is not None  # the user's row proves its pool (foreign key)
        return await ctx.services.devices.confirm(tx, pool, user, params)


@operation(IDP, "GetDevice")
async def get_device(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.read() as tx:
        user = await _own(ctx, tx, params)
        device = await ctx.services.devices.confirmed(tx, user, params["DeviceKey"])
    return {"Device": view(device)}


@operation(IDP, "AdminGetDevice")
async def admin_get_device(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.read() as tx:
        _, user = await _theirs(ctx, tx, params)
        device = await ctx.services.devices.confirmed(tx, user, params["DeviceKey"])
    return {"Device": view(device)}


@operation(IDP, "ListDevices")
async def list_devices(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.read() as tx:
        user = await _own(ctx, tx, params)
        return await ctx.services.devices.listing(
            tx, user, params.get("Limit"), params.get("PaginationToken")
        )


@operation(IDP, "AdminListDevices")
async def admin_list_devices(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.read() as tx:
        _, user = await _theirs(ctx, tx, params)
        return await ctx.services.devices.listing(
            tx, user, params.get("Limit"), params.get("PaginationToken")
        )


@operation(IDP, "UpdateDeviceStatus")
async def update_device_status(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.write() as tx:
        user = await _own(ctx, tx, params)
        await ctx.services.devices.set_status(
            tx, user, params["DeviceKey"], params.get("DeviceRememberedStatus")
        )
    return {}


@operation(IDP, "AdminUpdateDeviceStatus")
async def admin_update_device_status(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.write() as tx:
        _, user = await _theirs(ctx, tx, params)
        await ctx.services.devices.set_status(
            tx, user, params["DeviceKey"], params.get("DeviceRememberedStatus")
        )
    return {}


@operation(IDP, "ForgetDevice")
async def forget_device(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.write() as tx:
        user = await _own(ctx, tx, params)
        await ctx.services.devices.forget(tx, user, params["DeviceKey"])
    return {}


@operation(IDP, "AdminForgetDevice")
async def admin_forget_device(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    async with ctx.services.store.write() as tx:
        _, user = await _theirs(ctx, tx, params)
        await ctx.services.devices.forget(tx, user, params["DeviceKey"])
    return {}

"""Remembered devices on the wire: ConfirmDevice and the device operations, own and admin."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cognitio.api.registry import IDP, Context, operation
from cognitio.errors import InvalidParameterException
from cognitio.services.mfa.devices import (
    NOT_REMEMBERED,
    REMEMBERED,
    DeviceConfirmation,
    VerifierConfig,
)
from cognitio.services.users.subjects import ByName, ByToken
from cognitio.store.records import DeviceRecord


def _device(device: DeviceRecord) -> dict[str, Any]:
    """A DeviceType."""
    attributes = [{"Name": "device_status", "Value": "valid"}]
    if device.name:
        attributes.append({"Name": "device_name", "Value": device.name})
    status = REMEMBERED if device.remembered else NOT_REMEMBERED
    attributes.append({"Name": "dev:device_remembered_status", "Value": status})
    shape: dict[str, Any] = {
        "DeviceKey": device.device_key,
        "DeviceAttributes": attributes,
        "DeviceCreateDate": device.created_ms / 1000,
        "DeviceLastModifiedDate": device.updated_ms / 1000,
    }
    if device.authenticated_ms is not None:
        shape["DeviceLastAuthenticatedDate"] = device.authenticated_ms / 1000
    return shape


def _own(params: dict[str, Any]) -> ByToken:
    # GetDevice and ForgetDevice mark AccessToken optional, yet only a token says whose device.
    token = params.get("AccessToken")
    if not token:
        raise InvalidParameterException("AccessToken is required.")
    return ByToken(token)


def _theirs(ctx: Context, params: dict[str, Any]) -> ByName:
    return ByName(ctx.caller, params["UserPoolId"], params["Username"])


@operation(IDP, "ConfirmDevice")
async def confirm_device(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    subject = _own(params)
    config = params.get("DeviceSecretVerifierConfig")
    confirmation = DeviceConfirmation(
        device_key=params["DeviceKey"],
        verifier=VerifierConfig(config.get("Salt"), config.get("PasswordVerifier"))
        if config
        else None,
        name=params.get("DeviceName"),
    )
    asks = await ctx.services.user_devices.confirm(subject.access_token, confirmation)
    return {"UserConfirmationNecessary": asks}


@operation(IDP, "GetDevice")
async def get_device(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    device = await ctx.services.user_devices.get(_own(params), params["DeviceKey"])
    return {"Device": _device(device)}


@operation(IDP, "AdminGetDevice")
async def admin_get_device(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    device = await ctx.services.user_devices.get(_theirs(ctx, params), params["DeviceKey"])
    return {"Device": _device(device)}


async def _list(ctx: Context, subject: ByToken | ByName, params: dict[str, Any]) -> dict[str, Any]:
    page = await ctx.services.user_devices.listing(
        subject, params.get("Limit"), params.get("PaginationToken")
    )
    shape: dict[str, Any] = {"Devices": [_device(device) for device in page.items]}
    if page.next_token is not None:
        shape["PaginationToken"] = page.next_token
    return shape


@operation(IDP, "ListDevices")
async def list_devices(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    return await _list(ctx, _own(params), params)


@operation(IDP, "AdminListDevices")
async def admin_list_devices(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    return await _list(ctx, _theirs(ctx, params), params)


@operation(IDP, "UpdateDeviceStatus")
async def update_device_status(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.user_devices.set_status(
        _own(params), params["DeviceKey"], params.get("DeviceRememberedStatus")
    )
    return {}


@operation(IDP, "AdminUpdateDeviceStatus")
async def admin_update_device_status(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.user_devices.set_status(
        _theirs(ctx, params), params["DeviceKey"], params.get("DeviceRememberedStatus")
    )
    return {}


@operation(IDP, "ForgetDevice")
async def forget_device(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.user_devices.forget(_own(params), params["DeviceKey"])
    return {}


@operation(IDP, "AdminForgetDevice")
async def admin_forget_device(ctx: Context, params: dict[str, Any]) -> Mapping[str, Any]:
    await ctx.services.user_devices.forget(_theirs(ctx, params), params["DeviceKey"])
    return {}

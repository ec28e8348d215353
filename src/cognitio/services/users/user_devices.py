"""A user's remembered devices: ConfirmDevice and the device operations, own and admin. What a
device is and how it is checked is :mod:`cognitio.services.mfa.devices`."""

from __future__ import annotations

from cognitio.services.common.pages import Page
from cognitio.services.mfa.devices import DeviceConfirmation, Devices
from cognitio.services.tokens.tokens import Tokens
from cognitio.services.users.subjects import ByToken, Subject, resolve
from cognitio.store.records import DeviceRecord
from cognitio.store.repositories import Store


class UserDevices:
    """The device operations on a user's account."""

    def __init__(self, store: Store, tokens: Tokens, devices: Devices) -> None:
        self._store = store
        self._tokens = tokens
        self._devices = devices

    async def confirm(self, access_token: str, confirmation: DeviceConfirmation) -> bool:
        """ConfirmDevice: True when the user decides whether it is remembered."""
        async with self._store.write() as tx:
            pool, user = await resolve(tx, self._tokens, ByToken(access_token))
            return await self._devices.confirm(tx, pool, user, confirmation)

    async def get(self, subject: Subject, device_key: str) -> DeviceRecord:
        """GetDevice and AdminGetDevice."""
        async with self._store.read() as tx:
            _, user = await resolve(tx, self._tokens, subject)
            return await self._devices.confirmed(tx, user, device_key)

    async def listing(
        self, subject: Subject, limit: int | None, token: str | None
    ) -> Page[DeviceRecord]:
        """ListDevices and AdminListDevices."""
        async with self._store.read() as tx:
            _, user = await resolve(tx, self._tokens, subject)
            return await self._devices.listing(tx, user, limit, token)

    async def set_status(self, subject: Subject, device_key: str, status: str | None) -> None:
        """UpdateDeviceStatus and AdminUpdateDeviceStatus."""
        async with self._store.write() as tx:
            _, user = await resolve(tx, self._tokens, subject)
            await self._devices.set_status(tx, user, device_key, status)

    async def forget(self, subject: Subject, device_key: str) -> None:
        """ForgetDevice and AdminForgetDevice."""
        async with self._store.write() as tx:
            _, user = await resolve(tx, self._tokens, subject)
            await self._devices.forget(tx, user, device_key)

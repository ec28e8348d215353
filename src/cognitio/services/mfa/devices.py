"""Remembered devices: NewDeviceMetadata, ConfirmDevice and the device operations.

From the developer guide's "Working with user devices in your user pool" and the DeviceConfiguration
reference: any DeviceConfiguration property turns device tracking on; a sign-in that names no
device gets a new DeviceKey and DeviceGroupKey; ConfirmDevice stores the device's SRP salt and
verifier (``srp_spec.md`` section 5.1) and remembers the device at once unless
DeviceOnlyRememberedOnUserPrompt asks the user first; with ChallengeRequiredOnNewDevice, a
remembered device signs in without the MFA step. The device's own proof is in
:mod:`cognitio.services.signin.device_srp`.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass

from cognitio.crypto import srp
from cognitio.crypto.envelope import DecryptionError, Envelope
from cognitio.errors import (
    DeviceKeyExistsException,
    InvalidParameterException,
    ResourceNotFoundException,
)
from cognitio.services.common import ids, pagination
from cognitio.services.common.pages import Page
from cognitio.services.pools.settings import pool_settings
from cognitio.store.records import DeviceRecord, UserPoolRecord, UserRecord
from cognitio.store.repositories import Transaction

REMEMBERED = "remembered"
NOT_REMEMBERED = "not_remembered"
_MAX_SALT_BYTES = 256
_DEFAULT_LIMIT = 60  # ListDevices' largest page
# A device issued at sign-in and never confirmed is dropped a day later.
_UNCONFIRMED_TTL_MS = 86_400_000


@dataclass(frozen=True, slots=True)
class NewDevice:
    """The device a sign-in's tokens introduce (NewDeviceMetadata), for ConfirmDevice."""

    device_key: str
    device_group_key: str


def tracks_devices(pool: UserPoolRecord) -> bool:
    """Whether the pool remembers devices: any DeviceConfiguration property turns it on."""
    return pool_settings(pool).device.remembers


def skips_mfa(pool: UserPoolRecord, device: DeviceRecord) -> bool:
    """ChallengeRequiredOnNewDevice: a remembered device signs in without the MFA step."""
    return pool_settings(pool).device.challenge_required_on_new_device and device.remembered


def device_missing() -> ResourceNotFoundException:
    # The clients match this message to forget the device they hold and sign in without it.
    return ResourceNotFoundException("Device does not exist.")


@dataclass(frozen=True, slots=True)
class VerifierConfig:
    """DeviceSecretVerifierConfig: the device's SRP salt and verifier, both base64."""

    salt: str | None
    password_verifier: str | None


@dataclass(frozen=True, slots=True)
class DeviceConfirmation:
    """ConfirmDevice's input."""

    device_key: str
    verifier: VerifierConfig | None
    name: str | None = None


class Devices:
    """Issues, confirms and looks up a user's devices; keeps their verifiers sealed."""

    def __init__(self, envelope: Envelope) -> None:
        self._envelope = envelope
        self._group_secret = envelope.derive_key("device-group-key")

    def group_key(self, user: UserRecord) -> str:
        """The user's DeviceGroupKey: one per user, stable for good (even with no device left),
        since the clients hash it into every device verifier."""
        digest = hmac.digest(self._group_secret, user.sub.encode(), "sha256")
        return ids.device_group_key(int.from_bytes(digest, "big"))

    async def issue(self, tx: Transaction, pool: UserPoolRecord, user: UserRecord) -> NewDevice:
        """NewDeviceMetadata for a sign-in that used no device."""
        now = ids.now_ms()
        await tx.devices.prune_unconfirmed(user.sub, now - _UNCONFIRMED_TTL_MS)
        group_key = self.group_key(user)
        device = DeviceRecord(
            device_key=ids.device_key(pool.id.partition("_")[0]),
            pool_id=pool.id,
            sub=user.sub,
            group_key=group_key,
            name=None,
            salt=None,
            verifier_sealed=None,
            remembered=False,
            created_ms=now,
            updated_ms=now,
        )
        await tx.devices.insert(device)
        return NewDevice(device.device_key, group_key)

    async def confirmed(self, tx: Transaction, user: UserRecord, device_key: str) -> DeviceRecord:
        """The user's confirmed device with that key, or "Device does not exist."."""
        device = await tx.devices.get(device_key)
        if device is None or device.sub != user.sub or not device.confirmed:
            raise device_missing()
        return device

    def verifier(self, device: DeviceRecord) -> int | None:
        """The device's SRP verifier ``v``; None if it cannot be opened."""
        if device.verifier_sealed is None:
            return None
        try:
            blob = self._envelope.open(device.verifier_sealed, f"device:{device.device_key}")
        except DecryptionError:
            return None
        return int.from_bytes(blob, "big")

    async def confirm(
        self,
        tx: Transaction,
        pool: UserPoolRecord,
        user: UserRecord,
        confirmation: DeviceConfirmation,
    ) -> bool:
        """ConfirmDevice: keep salt and verifier; remember the device unless the user decides.
        True when the user is to decide (UserConfirmationNecessary)."""
        device = await tx.devices.get(confirmation.device_key)
        if device is None or device.sub != user.sub:
            raise device_missing()
        if device.confirmed:
            raise DeviceKeyExistsException("Device key already exists.")
        config = confirmation.verifier
        if config is None:
            raise InvalidParameterException("DeviceSecretVerifierConfig is required.")
        salt = _decode(config.salt, "Salt")
        verifier = int.from_bytes(_decode(config.password_verifier, "PasswordVerifier"), "big")
        if len(salt) > _MAX_SALT_BYTES:
            raise InvalidParameterException("DeviceSecretVerifierConfig.Salt is too long.")
        if not 1 < verifier < srp.N:
            raise InvalidParameterException(
                "DeviceSecretVerifierConfig.PasswordVerifier is not a valid SRP verifier."
            )
        on_prompt = pool_settings(pool).device.device_only_remembered_on_user_prompt
        sealed = self._envelope.seal(
            verifier.to_bytes((verifier.bit_length() + 7) // 8, "big"),
            f"device:{device.device_key}",
        )
        done = await tx.devices.confirm(
            device.device_key,
            name=confirmation.name,
            salt=salt,
            verifier_sealed=sealed,
            remembered=not on_prompt,
            now_ms=ids.now_ms(),
        )
        if not done:  # confirmed by a concurrent request
            raise DeviceKeyExistsException("Device key already exists.")
        return on_prompt

    async def listing(
        self, tx: Transaction, user: UserRecord, limit: int | None, token: str | None
    ) -> Page[DeviceRecord]:
        """ListDevices and AdminListDevices: the user's confirmed devices, oldest first."""
        size = limit or _DEFAULT_LIMIT
        rows = await tx.devices.page(user.sub, pagination.decode(token), size + 1)
        shown = tuple(rows[:size])
        if len(rows) > size:
            last = shown[-1]
            return Page(shown, pagination.encode((last.created_ms, last.device_key)))
        return Page(shown)

    async def set_status(
        self, tx: Transaction, user: UserRecord, device_key: str, status: str | None
    ) -> None:
        """UpdateDeviceStatus: remembered or not_remembered."""
        if status not in (REMEMBERED, NOT_REMEMBERED):
            raise InvalidParameterException("DeviceRememberedStatus is required.")
        device = await self.confirmed(tx, user, device_key)
        await tx.devices.set_remembered(device.device_key, status == REMEMBERED, ids.now_ms())

    async def forget(self, tx: Transaction, user: UserRecord, device_key: str) -> None:
        """ForgetDevice: the device is gone; signing in with it answers "Device does not exist."."""
        device = await self.confirmed(tx, user, device_key)
        await tx.devices.delete(device.device_key)


def _decode(value: str | None, member: str) -> bytes:
    if not isinstance(value, str) or not value:
        raise InvalidParameterException(f"DeviceSecretVerifierConfig.{member} is required.")
    try:
        decoded = base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise InvalidParameterException(
            f"DeviceSecretVerifierConfig.{member} must be base64."
        ) from None
    if not decoded:
        raise InvalidParameterException(f"DeviceSecretVerifierConfig.{member} is required.")
    return decoded

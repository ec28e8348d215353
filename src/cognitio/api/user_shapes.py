"""The AWS shapes of users and of where their codes went: UserType, AdminGetUser's answer and
the MFA members it shares with GetUser, CodeDeliveryDetailsType, and the pages of ListUsers
(Cognito API reference, "Data Types")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cognitio.services.messages.notifications import Destination, mask
from cognitio.services.mfa.mfa import EMAIL, FACTOR_ORDER, SMS, TOTP
from cognitio.services.pools.attributes import as_list
from cognitio.services.users.user_list import UserPage
from cognitio.store.records import MfaRecord, UserListing, UserRecord

_MEDIUM = {"email": "EMAIL", "phone_number": "SMS"}


def user_type(
    user: UserRecord | UserListing, *, attributes_to_get: Sequence[str] | None = None
) -> dict[str, Any]:
    """UserType (ListUsers, AdminCreateUser)."""
    attributes = {"sub": user.sub, **user.attributes}
    if attributes_to_get is not None:
        attributes = {k: v for k, v in attributes.items() if k in attributes_to_get}
    return {
        "Username": user.username,
        "Attributes": as_list(attributes),
        "UserCreateDate": user.created_ms / 1000,
        "UserLastModifiedDate": user.updated_ms / 1000,
        "Enabled": user.enabled,
        "UserStatus": user.status,
    }


def admin_user(user: UserRecord) -> dict[str, Any]:
    """AdminGetUser's answer, its MFA members aside."""
    return {
        "Username": user.username,
        "UserAttributes": as_list({"sub": user.sub, **user.attributes}),
        "UserCreateDate": user.created_ms / 1000,
        "UserLastModifiedDate": user.updated_ms / 1000,
        "Enabled": user.enabled,
        "UserStatus": user.status,
    }


def code_delivery(destination: Destination) -> dict[str, str]:
    """CodeDeliveryDetailsType: the masked destination, its medium and its attribute."""
    return {
        "Destination": mask(destination.attribute, destination.address),
        "DeliveryMedium": _MEDIUM[destination.attribute],
        "AttributeName": destination.attribute,
    }


def user_page(page: UserPage, attributes_to_get: Sequence[str] | None) -> dict[str, Any]:
    """ListUsers' answer."""
    shown: dict[str, Any] = {
        "Users": [user_type(user, attributes_to_get=attributes_to_get) for user in page.users]
    }
    if page.pagination_token is not None:
        shown["PaginationToken"] = page.pagination_token
    return shown


def mfa_members(record: MfaRecord | None) -> dict[str, Any]:
    """The MFA members of GetUser and AdminGetUser (none for a user without MFA)."""
    if record is None:
        return {}
    on = {SMS: record.sms_enabled, TOTP: record.totp_enabled, EMAIL: record.email_enabled}
    factors = [factor for factor in FACTOR_ORDER if on[factor]]
    if not factors:
        return {}
    shown: dict[str, Any] = {"UserMFASettingList": factors}
    if record.sms_enabled:
        # The legacy view of SMS MFA, still read by older clients.
        shown["MFAOptions"] = [{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}]
    if record.preferred in factors:
        shown["PreferredMfaSetting"] = record.preferred
    return shown

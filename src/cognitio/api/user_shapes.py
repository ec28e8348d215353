"""The AWS shapes of users and of where their codes went: UserType, AdminGetUser's answer,
CodeDeliveryDetailsType, and the pages of ListUsers (Cognito API reference, "Data Types")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cognitio.services.messages.notifications import Destination, mask
from cognitio.services.pools.attributes import as_list
from cognitio.services.users.user_list import UserPage
from cognitio.store.records import UserListing, UserRecord

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

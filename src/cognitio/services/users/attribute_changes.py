"""Changing a user's attributes, shared by AdminUpdateUserAttributes / AdminDeleteUserAttributes
and their access-token twins UpdateUserAttributes / DeleteUserAttributes.

A changed email or phone number is unverified until proven with a code (sent when the attribute
is auto-verified). With the pool's AttributesRequireVerificationBeforeUpdate, a verified address
stays in place and the new one waits with the code until VerifyUserAttribute confirms it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from cognitio.messaging.messages import OutgoingMessage
from cognitio.services.messages import codes as purposes
from cognitio.services.messages.codes import Codes
from cognitio.services.messages.notifications import Destination, verification_message
from cognitio.services.pools.attributes import (
    VERIFIED_FLAGS,
    check_deletable,
    check_required,
    check_values,
)
from cognitio.services.pools.settings import pool_settings
from cognitio.store.records import UserPoolRecord, UserRecord
from cognitio.store.repositories import Transaction


@dataclass
class AttributeChange:
    attributes: dict[str, str]
    messages: list[OutgoingMessage] = field(default_factory=list)
    # Where each code went, for UpdateUserAttributes' answer.
    deliveries: list[Destination] = field(default_factory=list)


async def change_attributes(
    tx: Transaction, codes: Codes, pool: UserPoolRecord, user: UserRecord, given: dict[str, str]
) -> AttributeChange:
    """The user's attributes with ``given`` applied, and the verification codes to send."""
    schema = pool_settings(pool).schema_by_name
    check_values(schema, given, existing=user.attributes)
    change = AttributeChange({**user.attributes, **given})
    auto = pool_settings(pool).auto_verified_attributes
    held = pool_settings(pool).verify_before_update
    for attribute, flag in VERIFIED_FLAGS.items():
        new = given.get(attribute)
        # An admin may set the flag itself along with the address.
        if new in (None, "", user.attributes.get(attribute)) or flag in given:
            continue
        pending = None
        if attribute in held and user.attributes.get(flag) == "true":
            pending = new
            change.attributes[attribute] = user.attributes[attribute]
        else:
            change.attributes[flag] = "false"
        if attribute in auto:
            destination = Destination(attribute, new)
            purpose = purposes.verify_purpose(attribute)
            code = await codes.issue_for_message(
                tx, user.sub, purpose, (pool.id, new), pending_value=pending
            )
            if code is not None:
                change.messages.append(
                    verification_message(
                        pool.id,
                        pool_settings(pool),
                        destination,
                        code,
                        "CustomMessage_UpdateUserAttribute",
                    )
                )
            change.deliveries.append(destination)
    check_required(schema, change.attributes)
    return change


def without_attributes(
    pool: UserPoolRecord, user: UserRecord, names: Sequence[str]
) -> dict[str, str]:
    """The user's attributes less ``names`` (an address takes its verified flag with it)."""
    check_deletable(pool_settings(pool).schema_by_name, names)
    kept = {k: v for k, v in user.attributes.items() if k not in names}
    for attribute, flag in VERIFIED_FLAGS.items():
        if attribute in names:
            kept.pop(flag, None)
    return kept

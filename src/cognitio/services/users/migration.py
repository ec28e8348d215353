"""UserMigration: a user the pool does not know yet is brought in from the old system.

From the developer guide's "Migrate user Lambda trigger": when a sign-in that sends the password
(USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH) or a ForgotPassword names an unknown user, the
pool's UserMigration function gets the name (and the password, on sign-in) and answers with the
user's ``userAttributes`` and ``finalUserStatus``; the user is created with that password, and the
request carries on as if the user had always been there. A function that raises means the old
system does not know the user, or the password was wrong.
"""

from __future__ import annotations

from cognitio.documents import JsonObject
from cognitio.errors import InvalidLambdaResponseException
from cognitio.services.pools.attributes import check_values
from cognitio.services.pools.settings import pool_settings
from cognitio.services.triggers.triggers import Call, Triggers, flag, text
from cognitio.services.users.accounts import PasswordStore, check_username, new_user, save_new
from cognitio.services.users.accounts import with_password as with_credentials
from cognitio.store.records import UserRecord
from cognitio.store.repositories import Store

ON_SIGN_IN = "UserMigration_Authentication"
ON_RESET = "UserMigration_ForgotPassword"
_STATUSES = {"CONFIRMED", "RESET_REQUIRED"}


async def migrate(
    store: Store,
    passwords: PasswordStore,
    triggers: Triggers,
    call: Call,
    source: str,
    password: str | None,
) -> UserRecord | None:
    """Ask the pool's UserMigration function about ``call.user_name``; the user it describes,
    now saved, or None when the pool has no such function."""
    if triggers.configured(call.pool, "UserMigration") is None:
        return None
    request: JsonObject = {
        "validationData": call.client_metadata(),
        "clientMetadata": call.client_metadata(),
    }
    if password is not None:
        request["password"] = password
    response = await triggers.run(
        call,
        "UserMigration",
        source,
        request,
        response={
            "userAttributes": None,
            "finalUserStatus": None,
            "messageAction": None,
            "desiredDeliveryMediums": None,
            "forceAliasCreation": None,
        },
    )
    response = response or {}
    given = response.get("userAttributes")
    if not isinstance(given, dict):
        raise InvalidLambdaResponseException("Unrecognizable lambda output")
    attributes = {k: v for k, v in given.items() if isinstance(v, str)}
    if len(attributes) != len(given):
        raise InvalidLambdaResponseException("Unrecognizable lambda output")
    attributes = {k: v for k, v in attributes.items() if k not in ("sub", "username")}
    pool = call.pool
    check_values(pool_settings(pool).schema_by_name, attributes)
    attributes = {**attributes, **check_username(pool, call.user_name)}
    status = text(response, "finalUserStatus") or (
        "CONFIRMED" if source == ON_SIGN_IN else "RESET_REQUIRED"
    )
    if status not in _STATUSES:
        raise InvalidLambdaResponseException("Unrecognizable lambda output")
    user = new_user(pool, call.user_name, attributes, status)
    if password is not None:
        credentials = await passwords.credentials(pool.id, user, password)
        user = with_credentials(user, credentials, status)
    async with store.write() as tx:
        await save_new(tx, pool, user, force_alias=flag(response, "forceAliasCreation"))
    return user

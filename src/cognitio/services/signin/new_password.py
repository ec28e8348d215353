"""RespondToAuthChallenge NEW_PASSWORD_REQUIRED: a user with a temporary password chooses one.

The attributes are written as UpdateUserAttributes writes them: only what the client's
WriteAttributes allow, never a verified flag, and a changed address loses its verification
(security review #2). With the pool's MFA ON, or a user with a factor, the MFA challenge (or
MFA_SETUP) follows before any token (fidelity finding A2).
"""

from __future__ import annotations

from dataclasses import replace

from cognitio.errors import InvalidParameterException, NotAuthorizedException
from cognitio.services.clients.settings import client_settings
from cognitio.services.pools.attributes import check_client_may_write, check_values
from cognitio.services.pools.settings import pool_settings
from cognitio.services.security.passwords import check_policy
from cognitio.services.signin.auth_sessions import AuthSession
from cognitio.services.signin.completion import second_factor
from cognitio.services.signin.context import FlowContext
from cognitio.services.signin.request import AuthRequest, Step
from cognitio.services.users.accounts import save, with_password
from cognitio.services.users.attribute_changes import change_attributes


async def new_password(ctx: FlowContext, request: AuthRequest, session: AuthSession) -> Step:
    """The new password and any attributes, then MFA if it applies."""
    responses = request.parameters
    password = responses.get("NEW_PASSWORD")
    if not password:
        raise InvalidParameterException("Missing required parameter NEW_PASSWORD")
    policy = pool_settings(request.pool).password_policy
    check_policy(password, policy, operation="RespondToAuthChallenge", member="NEW_PASSWORD")
    given = {
        key.removeprefix("userAttributes."): value
        for key, value in responses.items()
        if key.startswith("userAttributes.")
    }
    check_client_may_write(client_settings(request.client).write_attributes, given)
    schema = pool_settings(request.pool).schema_by_name
    async with ctx.store.write() as tx:
        user = await tx.users.get(session.sub, for_update=True)
        if user is None or user.status != "FORCE_CHANGE_PASSWORD":
            raise NotAuthorizedException("Invalid session for the user.")
        check_values(schema, given, existing=user.attributes)
        merged = {**user.attributes, **given}
        for name, entry in schema.items():
            if entry.get("Required") and name != "sub" and not merged.get(name):
                raise InvalidParameterException(f"Invalid attributes given, {name} is missing")
        change = await change_attributes(tx, ctx.codes, request.pool, user, given)
        await ctx.passwords.check_reuse(tx, request.pool, user, password)
        credentials = await ctx.passwords.credentials(request.pool.id, user, password)
        changed = replace(user, attributes=change.attributes)
        user = await save(tx, request.pool, user, with_password(changed, credentials, "CONFIRMED"))
    if change.messages:
        await ctx.deliver(change.messages, request, user)
    return await second_factor(ctx, request, user, source="TokenGeneration_NewPasswordChallenge")

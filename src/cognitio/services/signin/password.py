"""USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH (and ADMIN_NO_SRP_AUTH): the password itself.

Behaviour from the InitiateAuth reference: the password is checked against the user's argon2id
hash (an unknown user costs the same work, against a dummy hash); an unknown user may be
migrated by the pool's UserMigration function, which checks the password in the old system.
PreAuthentication runs before the check; wrong passwords count towards the lockout.
"""

from __future__ import annotations

from cognitio.errors import InvalidParameterException, NotAuthorizedException, UserNotFoundException
from cognitio.services.clients.settings import client_settings
from cognitio.services.signin.completion import after_password
from cognitio.services.signin.context import FlowContext
from cognitio.services.signin.request import AuthRequest, Step
from cognitio.services.triggers.triggers import Call, pre_authentication, pre_authentication_unknown
from cognitio.services.users import migration
from cognitio.services.users.accounts import find_user
from cognitio.services.users.migration import migrate

_INCORRECT = "Incorrect username or password."


async def password_flow(ctx: FlowContext, request: AuthRequest) -> Step:
    """A sign-in with USERNAME and PASSWORD."""
    username, password = request.parameters.get("USERNAME"), request.parameters.get("PASSWORD")
    if not username:
        raise InvalidParameterException("Missing required parameter USERNAME")
    if not password:
        raise InvalidParameterException("Missing required parameter PASSWORD")
    ctx.check_secret_hash(request, username)
    async with ctx.store.read() as tx:
        user = await find_user(tx, request.pool, username)
    if user is None:
        call = Call(request.pool, username, request.client.id, request.metadata)
        user = await migrate(
            ctx.store, ctx.passwords, ctx.triggers, call, migration.ON_SIGN_IN, password
        )
        if user is not None:
            # Checked by the old system: the user signs in with the password just given.
            return await after_password(ctx, request, user)
    if user is None or user.password_hash is None:
        if user is None:
            await pre_authentication_unknown(
                ctx.triggers, request.pool, request.client, username, request.metadata
            )
        hides = client_settings(request.client).prevent_user_existence_errors
        if hides:
            # Counted, then hashed, as a user's wrong password is: a lockout answers as fast
            # and after as many tries, so neither tells who exists.
            if user is None:
                await ctx.count_decoy_failure(request, username)
            else:
                await ctx.lockout.attempt(user.sub)
        await ctx.passwords.hasher.verify_dummy_async(password)
        if hides:
            raise NotAuthorizedException(_INCORRECT)
        raise UserNotFoundException("User does not exist.")
    await pre_authentication(ctx.triggers, request.call(user), user, request.metadata or None)
    stored = user.password_hash
    await ctx.verify_answer(user.sub, lambda: ctx.passwords.hasher.verify_async(stored, password))
    return await after_password(ctx, request, user)

"""A user's MFA settings: AssociateSoftwareToken and VerifySoftwareToken for a signed-in user,
SetUserMFAPreference, SetUserSettings (legacy MFAOptions), AdminDeleteSoftwareToken and
GetUserAuthFactors, own and admin. What the factors are and how a code is checked is
:mod:`cognitio.services.mfa.mfa`; the MFA_SETUP step of a sign-in is ``signin``'s."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from cognitio.services.mfa.mfa import (
    Mfa,
    MfaOption,
    MfaPreferences,
    delete_software_token,
    set_legacy_options,
)
from cognitio.services.tokens.tokens import Tokens
from cognitio.services.users.subjects import ByToken, Subject, resolve
from cognitio.store.records import MfaRecord, UserPoolRecord, UserRecord
from cognitio.store.repositories import Store, Transaction

# The first factors a user can sign in with now (ConfiguredUserAuthFactors), which ``signin``
# knows; the application passes its function in.
FactorsOf = Callable[[Transaction, UserPoolRecord, UserRecord], Awaitable[list[str]]]


@dataclass(frozen=True, slots=True)
class AuthFactors:
    """GetUserAuthFactors' answer: the sign-in factors and the user's MFA record."""

    username: str
    configured: tuple[str, ...]
    mfa: MfaRecord | None


class MfaSettings:
    """The MFA operations on a user's account."""

    def __init__(self, store: Store, tokens: Tokens, mfa: Mfa, factors_of: FactorsOf) -> None:
        self._store = store
        self._tokens = tokens
        self._mfa = mfa
        self._factors_of = factors_of

    async def associate(self, access_token: str) -> str:
        """AssociateSoftwareToken for a signed-in user: the new secret."""
        async with self._store.write() as tx:
            pool, user = await resolve(tx, self._tokens, ByToken(access_token))
            return await self._mfa.associate(tx, pool, user)

    async def verify(self, access_token: str, code: str) -> None:
        """VerifySoftwareToken for a signed-in user."""
        async with self._store.write() as tx:
            _, user = await resolve(tx, self._tokens, ByToken(access_token))
            await self._mfa.verify_new(tx, user, code)

    async def set_preference(self, subject: Subject, wanted: MfaPreferences) -> None:
        """SetUserMFAPreference and AdminSetUserMFAPreference."""
        async with self._store.write() as tx:
            pool, user = await resolve(tx, self._tokens, subject)
            await self._mfa.set_preference(tx, pool, user, wanted)

    async def set_sms_options(self, subject: Subject, options: tuple[MfaOption, ...]) -> None:
        """SetUserSettings and AdminSetUserSettings."""
        async with self._store.write() as tx:
            _, user = await resolve(tx, self._tokens, subject)
            await set_legacy_options(tx, user, options)

    async def delete_software_token(self, subject: Subject) -> None:
        """AdminDeleteSoftwareToken."""
        async with self._store.write() as tx:
            _, user = await resolve(tx, self._tokens, subject)
            await delete_software_token(tx, user)

    async def auth_factors(self, subject: Subject) -> AuthFactors:
        """GetUserAuthFactors and AdminGetUserAuthFactors."""
        async with self._store.read() as tx:
            pool, user = await resolve(tx, self._tokens, subject)
            configured = await self._factors_of(tx, pool, user)
            return AuthFactors(user.username, tuple(configured), await tx.mfa.get(user.sub))

"""Handlers by operation: ``(service, operation name) -> async handler``.

A handler takes the request context and the validated input (AWS member names) and returns a
mapping in the operation's output shape; the wire layer serialises it. An operation without a
handler is routed but answers that it is not built yet.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cognitio.functions.invoker import Functions
from cognitio.services.clients.clients import Clients
from cognitio.services.hosted.hosted import Hosted
from cognitio.services.mfa.devices import Devices
from cognitio.services.mfa.mfa import Mfa
from cognitio.services.oauth.oauth import OAuth
from cognitio.services.pools.user_pools import Caller, UserPools
from cognitio.services.security.access_keys import AccessKeys
from cognitio.services.signin.auth import Authenticator
from cognitio.services.tokens.sign_out import SignOut
from cognitio.services.tokens.tokens import Tokens
from cognitio.services.triggers.triggers import Triggers
from cognitio.services.users.own_account import OwnAccount
from cognitio.services.users.sign_up import SelfService
from cognitio.services.users.user_list import UserList
from cognitio.services.users.users import Users
from cognitio.store.repositories import Store

IDP = "cognito-idp"
IDENTITY = "cognito-identity"


@dataclass(frozen=True, slots=True)
class Services:
    """The domain services a handler may call."""

    pools: UserPools
    clients: Clients
    keys: AccessKeys
    users: Users
    user_list: UserList
    self_service: SelfService
    store: Store
    tokens: Tokens
    auth: Authenticator
    sign_out: SignOut
    own_account: OwnAccount
    mfa: Mfa
    devices: Devices
    functions: Functions
    triggers: Triggers
    oauth: OAuth
    hosted: Hosted


@dataclass(slots=True)
class Context:
    """One request as a handler sees it."""

    caller: Caller
    services: Services
    # The access key that signed the request; None for operations that take no signature.
    access_key_id: str | None
    request_id: str


Handler = Callable[[Context, dict[str, Any]], Awaitable[Mapping[str, Any]]]

HANDLERS: dict[tuple[str, str], Handler] = {}


def operation(service: str, name: str) -> Callable[[Handler], Handler]:
    """Register the decorated coroutine as the handler of ``service``'s operation ``name``."""

    def register(handler: Handler) -> Handler:
        key = (service, name)
        if key in HANDLERS:
            raise RuntimeError(f"{service} {name} has two handlers")
        HANDLERS[key] = handler
        return handler

    return register

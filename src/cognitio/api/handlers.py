"""Every operation handler, registered: importing a handler module fills the registry."""

from __future__ import annotations

from collections.abc import Mapping

from cognitio.api import (
    account,
    auth,
    clients,
    devices,
    groups,
    mfa,
    oauth_config,
    passkeys,
    tags,
    user_pools,
    users,
)
from cognitio.api.registry import HANDLERS, Handler

MODULES = (
    account,
    auth,
    clients,
    devices,
    groups,
    mfa,
    oauth_config,
    passkeys,
    tags,
    user_pools,
    users,
)


def load_handlers() -> Mapping[tuple[str, str], Handler]:
    """The handler of each (service, operation) built."""
    return HANDLERS

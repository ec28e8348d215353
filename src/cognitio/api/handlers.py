"""Every operation handler, registered: importing a handler module fills the registry."""

from __future__ import annotations

from collections.abc import Mapping

# Imported for what importing them does: each module's @operation handlers register themselves.
from cognitio.api import (  # noqa: F401
    account,
    auth,
    clients,
    devices,
    groups,
    identities,
    identity_links,
    identity_pools,
    identity_providers,
    identity_roles,
    mfa,
    oauth_config,
    passkeys,
    tags,
    user_pools,
    users,
)
from cognitio.api.registry import HANDLERS, Handler


def load_handlers() -> Mapping[tuple[str, str], Handler]:
    """The handler of each (service, operation) built."""
    return HANDLERS

"""What an app client may read of a user: its ReadAttributes.

From CreateUserPoolClient's ReadAttributes: an access token "authorizes [the user] to read their
own attribute value for any attribute in this list". The ID token, GetUser and /oauth2/userInfo
show only those attributes (``sub`` is not an attribute here and is always shown). A client
without the setting reads every attribute, as it always has.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def readable(
    client_config: Mapping[str, Any] | None, attributes: Mapping[str, str]
) -> dict[str, str]:
    """``attributes`` less those the client may not read (security review #9)."""
    allowed = None if client_config is None else client_config.get("ReadAttributes")
    if allowed is None:
        return dict(attributes)
    permitted = set(allowed)
    return {name: value for name, value in attributes.items() if name in permitted}

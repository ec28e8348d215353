"""The one error the SAML service provider raises: a message it refused, and why.

``reason`` is written for the person who sees the sign-in fail (the hosted pages show it); it
names which rule the message broke and never echoes the message's content, a key or a stack.
"""

from __future__ import annotations


class SamlRejected(Exception):
    """A SAML message (response, logout response) that the service provider refuses."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

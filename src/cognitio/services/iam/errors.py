"""The error this package raises for a policy document it cannot accept."""

from __future__ import annotations


class PolicyError(ValueError):
    """A malformed policy document; the message names the statement and the member."""


class RoleError(ValueError):
    """A role in the configuration file that cannot be used; the message names it."""

"""The claims a user's groups put in tokens.

From the developer guide's "Adding groups to a user pool": a group's precedence is a number where
a lower number wins and no number loses to any number. ID and access tokens list the user's
groups in ``cognito:groups``; ID tokens also carry ``cognito:roles`` and
``cognito:preferred_role``, the role of the winning group — none when groups tie with different
roles.
"""

from __future__ import annotations

import math

from cognitio.documents import JsonArray, JsonObject
from cognitio.store.records import GroupRecord


def _rank(group: GroupRecord) -> float:
    return math.inf if group.precedence is None else group.precedence


def group_claims(groups: list[GroupRecord]) -> tuple[JsonObject, JsonObject]:
    """The claims groups add to (access token, ID token); empty when the user is in none."""
    if not groups:
        return {}, {}
    ordered = sorted(groups, key=lambda group: (_rank(group), group.name))
    names: JsonArray = [group.name for group in ordered]
    identity: JsonObject = {"cognito:groups": names}
    with_roles = [group for group in ordered if group.role_arn]
    if with_roles:
        identity["cognito:roles"] = list(dict.fromkeys(str(g.role_arn) for g in with_roles))
        best = _rank(with_roles[0])
        tied = {g.role_arn for g in with_roles if _rank(g) == best}
        if len(tied) == 1:
            identity["cognito:preferred_role"] = with_roles[0].role_arn
    return {"cognito:groups": names}, identity

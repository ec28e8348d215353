"""Which role a sign-in gets: the pool's default roles, or its role mapping for the provider.

Cognito Developer Guide, "Role-based access control"
(https://docs.aws.amazon.com/cognito/latest/developerguide/role-based-access-control.html):

- no mapping for the provider: the pool's authenticated role;
- ``Token``: a CustomRoleArn must be among the roles the provider grants (a user pool token's
  ``cognito:roles``, a SAML assertion's Role attribute); otherwise the preferred one (the
  token's ``cognito:preferred_role``, the assertion's only role); otherwise
  AmbiguousRoleResolution decides;
- a SAML provider without a mapping: its assertion's roles as with ``Token``, several without
  a CustomRoleArn refused; an assertion without a Role attribute gets the authenticated role;
- ``Rules``: in order, the first rule whose claim matches (Equals, Contains, StartsWith,
  NotEqual; NotEqual on a claim the token lacks is not evaluated) names the role, a
  CustomRoleArn choosing among the rules that match; no match: AmbiguousRoleResolution;
- AmbiguousRoleResolution ``AuthenticatedRole`` is the default authenticated role, ``Deny``
  refuses the sign-in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from cognitio.documents import JsonObject, JsonValue
from cognitio.errors import InvalidIdentityPoolConfigurationException, NotAuthorizedException
from cognitio.services.identity.login_kinds import Login

INVALID_CONFIGURATION = (
    "Invalid identity pool configuration. Check assigned IAM roles for this pool."
)
_AMBIGUOUS_DENIED = "The ambiguous role mapping rules denied this request"
_CUSTOM_ROLE_REFUSED = "The CustomRoleArn is not among the roles this login may assume."
_SEVERAL_ROLES = "The SAML assertion grants several roles; choose one with CustomRoleArn."


def default_role(roles: Mapping[str, str], kind: str) -> str:
    """The pool's ``authenticated`` or ``unauthenticated`` role, or the configuration error."""
    role = roles.get(kind)
    if not role:
        raise InvalidIdentityPoolConfigurationException(INVALID_CONFIGURATION)
    return role


def select_role(
    roles: Mapping[str, str],
    mapping: JsonValue,
    login: Login,
    custom_role_arn: str | None,
) -> str:
    """The role of an authenticated sign-in whose provider has ``mapping`` (None: no mapping)."""
    if not isinstance(mapping, dict):
        if login.provider_roles:
            chosen = _by_token(login, custom_role_arn)
            if chosen is None:
                raise NotAuthorizedException(_SEVERAL_ROLES)
            return chosen
        return default_role(roles, "authenticated")
    kind = mapping.get("Type")
    chosen = (
        _by_token(login, custom_role_arn)
        if kind == "Token"
        else _by_rules(mapping, login.claims, custom_role_arn)
    )
    if chosen is not None:
        return chosen
    if mapping.get("AmbiguousRoleResolution") == "Deny":
        raise NotAuthorizedException(_AMBIGUOUS_DENIED)
    return default_role(roles, "authenticated")


def _by_token(login: Login, custom_role_arn: str | None) -> str | None:
    if custom_role_arn is not None:
        if custom_role_arn not in login.granted_roles:
            raise NotAuthorizedException(_CUSTOM_ROLE_REFUSED)
        return custom_role_arn
    return login.preferred_role


def _by_rules(mapping: JsonObject, claims: JsonObject, custom_role_arn: str | None) -> str | None:
    configuration = mapping.get("RulesConfiguration")
    rules = configuration.get("Rules") if isinstance(configuration, dict) else None
    matching: list[str] = []
    for rule in rules if isinstance(rules, list) else []:
        if isinstance(rule, dict) and _rule_matches(rule, claims):
            role = rule.get("RoleARN")
            if isinstance(role, str):
                matching.append(role)
    if custom_role_arn is not None:
        if custom_role_arn not in matching:
            raise NotAuthorizedException(_CUSTOM_ROLE_REFUSED)
        return custom_role_arn
    return matching[0] if matching else None


_MATCHERS: dict[str, Callable[[str, str], bool]] = {
    "Equals": lambda claim, value: claim == value,
    "Contains": lambda claim, value: value in claim,
    "StartsWith": lambda claim, value: claim.startswith(value),
}


def _rule_matches(rule: JsonObject, claims: JsonObject) -> bool:
    claim, match_type, value = rule.get("Claim"), rule.get("MatchType"), rule.get("Value")
    if not isinstance(claim, str) or not isinstance(value, str) or claim not in claims:
        # A missing claim matches nothing, NotEqual included (it is not evaluated).
        return False
    values = _strings(claims[claim])
    if match_type == "NotEqual":
        return value not in values
    matcher = _MATCHERS.get(str(match_type))
    return matcher is not None and any(matcher(v, value) for v in values)


def _strings(value: JsonValue) -> list[str]:
    """A claim's values as strings: a list's members, or the one value."""
    items = value if isinstance(value, list) else [value]
    shown: list[str] = []
    for item in items:
        if isinstance(item, bool):
            shown.append("true" if item else "false")
        elif isinstance(item, str | int | float):
            shown.append(str(item))
    return shown


def roles_named_for(
    roles: Mapping[str, str], role_mappings: JsonObject, amr: Sequence[str]
) -> set[str]:
    """The role ARNs a pool names for identities signed in as ``amr`` says: a guest's, only
    its unauthenticated role; a signed-in identity's, its authenticated role and rules' roles
    (the ``amr`` condition of the trust policies AWS's console writes for a pool's roles)."""
    if "unauthenticated" in amr:
        guest_role = roles.get("unauthenticated")
        return {guest_role} if guest_role else set()
    signed_in = {kind: arn for kind, arn in roles.items() if kind != "unauthenticated"}
    return roles_named(signed_in, role_mappings)


def roles_named(roles: Mapping[str, str], role_mappings: JsonObject) -> set[str]:
    """The role ARNs a pool names: its default roles and its rules' RoleARNs, whole (a claim
    value, or an ARN another one begins with, names nothing)."""
    named = set(roles.values())
    for mapping in role_mappings.values():
        configuration = mapping.get("RulesConfiguration") if isinstance(mapping, dict) else None
        rules = configuration.get("Rules") if isinstance(configuration, dict) else None
        for rule in rules if isinstance(rules, list) else []:
            arn = rule.get("RoleARN") if isinstance(rule, dict) else None
            if isinstance(arn, str):
                named.add(arn)
    return named

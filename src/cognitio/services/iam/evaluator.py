"""Policy evaluation: policies and a request in, a decision and the statements behind it out.

IAM User Guide, "Policy evaluation logic" for one account, as identity pools use it:

- an explicit Deny in any policy wins; otherwise an Allow is needed; otherwise the request is
  implicitly denied;
- session policies (an unauthenticated identity's scope-down, a ``Policy`` passed to STS)
  narrow what the role's policies allow: both must allow, and a Deny in either wins;
- Action matches without regard to case, Resource with it; condition keys are case-insensitive.

A statement that cannot be decided (a variable the request has no value for, a value of the
wrong kind) is taken the safe way: it can deny, it cannot allow.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

from cognitio.services.iam.conditions import Context, Truth
from cognitio.services.iam.patterns import ContextValue, arn_match, glob_match, resolve
from cognitio.services.iam.policy import Effect, Policy, Statement


@dataclass(frozen=True)
class Principal:
    """Who asks, for trust policies: a type (``Federated``, ``AWS``...) and an id."""

    kind: str
    identifier: str


@dataclass(frozen=True)
class Request:
    """What is asked: an action on a resource (none for a trust policy), by a principal, with
    the request context's keys (``aws:PrincipalTag/team``, ``aws:SourceIp``...)."""

    action: str
    resource: str | None = None
    principal: Principal | None = None
    context: Mapping[str, ContextValue] = field(default_factory=dict)


class Outcome(Enum):
    ALLOW = "allow"
    EXPLICIT_DENY = "explicit deny"
    IMPLICIT_DENY = "implicit deny"


@dataclass(frozen=True)
class DecidingStatement:
    """A statement that decided, named for an explanation."""

    policy: str
    statement: str


@dataclass(frozen=True)
class Decision:
    """The outcome, the statements that decided it and a sentence saying why."""

    outcome: Outcome
    statements: tuple[DecidingStatement, ...]
    reason: str

    @property
    def allowed(self) -> bool:
        return self.outcome is Outcome.ALLOW


def evaluate(
    policies: Sequence[Policy], request: Request, session_policies: Sequence[Policy] | None = None
) -> Decision:
    """Decide ``request`` under ``policies``, narrowed by ``session_policies`` when given."""
    context = {key.lower(): value for key, value in request.context.items()}
    allows, denies = _applying(policies, request, context)
    session_allows: list[DecidingStatement] = []
    if session_policies is not None:
        session_allows, session_denies = _applying(session_policies, request, context)
        denies += session_denies
    if denies:
        return Decision(Outcome.EXPLICIT_DENY, tuple(denies), "a statement denies the request")
    if not allows:
        return Decision(Outcome.IMPLICIT_DENY, (), "no statement allows the request")
    if session_policies is not None and not session_allows:
        return Decision(Outcome.IMPLICIT_DENY, (), "no session policy allows the request")
    return Decision(Outcome.ALLOW, tuple(allows + session_allows), "a statement allows it")


def _applying(
    policies: Sequence[Policy], request: Request, context: Context
) -> tuple[list[DecidingStatement], list[DecidingStatement]]:
    allows: list[DecidingStatement] = []
    denies: list[DecidingStatement] = []
    for policy in policies:
        for statement in policy.statements:
            applies = _applies(statement, request, context)
            named = DecidingStatement(policy.name, statement.label)
            if statement.effect is Effect.DENY and applies is not False:
                denies.append(named)
            elif statement.effect is Effect.ALLOW and applies is True:
                allows.append(named)
    return allows, denies


def _applies(statement: Statement, request: Request, context: Context) -> Truth:
    if not _action_matches(statement, request.action):
        return False
    if not _principal_matches(statement, request.principal):
        return False
    result = _resource_matches(statement, request.resource, context)
    if result is False:
        return False
    for condition in statement.conditions:
        outcome = condition.evaluate(context)
        if outcome is False:
            return False
        if outcome is None:
            result = None
    return result


def _action_matches(statement: Statement, action: str) -> bool:
    named = any(glob_match(pattern, action, fold_case=True) for pattern in statement.actions)
    return named is not statement.not_action


def _principal_matches(statement: Statement, principal: Principal | None) -> bool:
    if statement.principals is None:
        return True
    named = principal is not None and statement.principals.covers(
        principal.kind, principal.identifier
    )
    return named is not statement.not_principal


def _resource_matches(statement: Statement, resource: str | None, context: Context) -> Truth:
    if statement.resources is None:
        return True
    if resource is None:
        return False
    named: Truth = False
    for pattern in statement.resources:
        resolved = resolve(pattern, context)
        if resolved is None:
            named = None
        elif arn_match(resolved, resource):
            named = True
            break
    if not statement.not_resource:
        return named
    return None if named is None else not named

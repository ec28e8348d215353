"""The role's policies decide: an :class:`~cognitio.authz.middleware.Authorizer` that evaluates
them for a verified principal's request.

A request is allowed when the role's permission policies allow its action on its resource, no
statement denies it, and — when the credentials carry a session policy (a guest's scope-down, a
``Policy`` passed to STS) — the session policy allows it too (IAM User Guide, "Policy
evaluation logic" and "Session policies"). The request context is
:func:`~cognitio.authz.context.request_context`'s. A refusal is AWS's ``AccessDenied`` with
IAM's sentence naming the session, the action, the resource and why.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache

from starlette.types import Scope

from cognitio.authz.context import request_context, session_arn
from cognitio.authz.targets import RequestLine, Target, TargetResolver
from cognitio.authz.verifier import Principal
from cognitio.services.iam.errors import PolicyError
from cognitio.services.iam.evaluator import Decision, Outcome, Request, evaluate
from cognitio.services.iam.patterns import ContextValue
from cognitio.services.iam.policy import Policy, PolicyKind, parse_policy_json
from cognitio.services.iam.roles import Role
from cognitio.services.iam.scope_down import BUILT_IN_SESSION_POLICIES, GUEST_SCOPE_DOWN_NAME
from cognitio.services.sts.errors import AccessDenied

SESSION_POLICY_NAME = "session policy"


def _utc_now() -> datetime:
    return datetime.now(UTC)


class PolicyAuthorizer:
    """Decides requests by the roles declared in the configuration (``[iam]``).

    ``session_policies`` names the policies a session token may refer to by id, beside the
    built-in guests' scope-down (:mod:`cognitio.services.iam.scope_down`), which they cannot
    replace; a token may also carry a session policy inline (a JSON document, as STS's
    ``Policy`` parameter is).
    ``targets`` names a request's action and resource for :meth:`__call__` (the middleware's
    hook); :meth:`decide` takes them named already.
    """

    def __init__(
        self,
        roles: Sequence[Role],
        *,
        targets: TargetResolver | None = None,
        session_policies: Mapping[str, Policy] | None = None,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._roles = {role.arn: role for role in roles}
        self._targets = targets
        self._session_policies = {**(session_policies or {}), **BUILT_IN_SESSION_POLICIES}
        self._clock = clock

    def decide(
        self,
        principal: Principal,
        action: str,
        resource: str,
        *,
        source_ip: str | None = None,
        secure: bool = False,
        extra: Mapping[str, ContextValue] | None = None,
    ) -> Decision:
        """The decision for ``principal`` taking ``action`` on ``resource``."""
        role = self._roles.get(principal.claims.role_arn)
        if role is None:
            return Decision(Outcome.IMPLICIT_DENY, (), "the session's role is not declared")
        session = self._session_policy(principal.claims.session_policy)
        if isinstance(session, str):
            return Decision(Outcome.IMPLICIT_DENY, (), session)
        try:
            context = request_context(
                principal, now=self._clock(), source_ip=source_ip, secure=secure, extra=extra
            )
        except ValueError as refused:
            return Decision(Outcome.IMPLICIT_DENY, (), str(refused))
        return evaluate(
            role.policies,
            Request(action=action, resource=resource, context=context),
            None if session is None else [session],
        )

    def check(
        self,
        principal: Principal,
        target: Target,
        *,
        source_ip: str | None = None,
        secure: bool = False,
    ) -> Decision:
        """:meth:`decide` for a named target; AccessDenied unless it is allowed."""
        decision = self.decide(
            principal,
            target.action,
            target.resource,
            source_ip=source_ip,
            secure=secure,
            extra=target.context,
        )
        if not decision.allowed:
            raise AccessDenied(refusal(principal, target.action, target.resource, decision))
        for action, resource in target.also:
            needed = self.decide(principal, action, resource, source_ip=source_ip, secure=secure)
            if not needed.allowed:
                raise AccessDenied(refusal(principal, action, resource, needed))
        return decision

    def __call__(self, principal: Principal, scope: Scope) -> None:
        if self._targets is None:
            raise AccessDenied("This authorizer names no actions for requests; it refuses all.")
        line = request_line(scope)
        target = self._targets(line)
        if target is None:
            raise AccessDenied(
                f"User: {session_arn(principal)} is not authorized to perform this request: "
                "it names no known action."
            )
        client = scope.get("client")
        self.check(
            principal,
            target,
            source_ip=str(client[0]) if client else None,
            secure=scope.get("scheme") == "https",
        )

    def _session_policy(self, reference: str | None) -> Policy | str | None:
        """The session policy a token refers to; a reason (str) when it cannot be had."""
        if reference is None:
            return None
        if reference.lstrip().startswith("{"):
            return _inline_session_policy(reference)
        policy = self._session_policies.get(reference)
        if policy is None:
            return "the session's policy is not known to this authorizer"
        return policy


@lru_cache(maxsize=256)
def _inline_session_policy(document: str) -> Policy | str:
    try:
        return parse_policy_json(document, name=SESSION_POLICY_NAME, kind=PolicyKind.PERMISSIONS)
    except PolicyError:
        return "the session's policy is not a valid policy document"


def refusal(principal: Principal, action: str, resource: str, decision: Decision) -> str:
    """IAM's sentence for a refused request."""
    session_names = (SESSION_POLICY_NAME, GUEST_SCOPE_DOWN_NAME)
    if decision.outcome is Outcome.EXPLICIT_DENY and any(
        found.policy in session_names for found in decision.statements
    ):
        why = "with an explicit deny in a session policy"
    elif decision.outcome is Outcome.EXPLICIT_DENY:
        why = "with an explicit deny in an identity-based policy"
    elif decision.reason == "no session policy allows the request":
        why = f"because no session policy allows the {action} action"
    elif decision.reason == "no statement allows the request":
        why = f"because no identity-based policy allows the {action} action"
    else:
        why = f"because {decision.reason}"
    return (
        f"User: {session_arn(principal)} is not authorized to perform: {action} on resource: "
        f"{resource} {why}"
    )


def request_line(scope: Scope) -> RequestLine:
    """The method, host, path and query of an ASGI request, as the client sent them."""
    headers: dict[str, str] = {}
    repeated: set[str] = set()
    for raw_name, raw_value in scope.get("headers", ()):
        name = raw_name.decode("latin-1").lower()
        if name in headers:
            repeated.add(name)
        headers[name] = raw_value.decode("latin-1")
    raw_path = scope.get("raw_path") or str(scope.get("path", "/")).encode()
    path = raw_path.decode("latin-1") if isinstance(raw_path, bytes) else str(raw_path)
    return RequestLine(
        method=str(scope["method"]),
        host=headers.get("host", ""),
        path=path,
        query=scope.get("query_string", b"").decode("latin-1"),
        headers=headers,
        repeated_headers=frozenset(repeated),
    )

"""The evaluator: explicit deny, allow, implicit deny, and the statements behind each decision."""

from __future__ import annotations

from cognitio.services.iam.evaluator import (
    DecidingStatement,
    Outcome,
    Principal,
    Request,
    evaluate,
)
from cognitio.services.iam.patterns import ContextValue
from cognitio.services.iam.policy import Policy, PolicyKind, parse_policy

SUB = "cognito-identity.amazonaws.com:sub"
IDENTITY = "us-east-1:4c1d8f2e-1111-2222-3333-444455556666"


def _policy(*statements: dict[str, object], name: str = "p") -> Policy:
    document = {"Version": "2012-10-17", "Statement": list(statements)}
    return parse_policy(document, name=name, kind=PolicyKind.PERMISSIONS)


def _allow(action: object = "s3:*", resource: object = "*", **more: object) -> dict[str, object]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **more}


def _deny(action: object = "s3:*", resource: object = "*", **more: object) -> dict[str, object]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **more}


def _request(
    action: str = "s3:GetObject",
    resource: str = "arn:aws:s3:::b/k",
    context: dict[str, ContextValue] | None = None,
) -> Request:
    return Request(action=action, resource=resource, context=context or {})


def test_an_allow_allows_and_names_its_statement() -> None:
    decision = evaluate([_policy(_allow(Sid="Read"), name="read")], _request())
    assert decision.outcome is Outcome.ALLOW
    assert decision.allowed
    assert decision.statements == (DecidingStatement("read", "statement 1 (Read)"),)


def test_nothing_allowing_is_an_implicit_deny() -> None:
    decision = evaluate([_policy(_allow("s3:PutObject"))], _request())
    assert decision.outcome is Outcome.IMPLICIT_DENY
    assert decision.statements == ()
    assert evaluate([], _request()).outcome is Outcome.IMPLICIT_DENY


def test_an_explicit_deny_wins_over_any_allow() -> None:
    policies = [_policy(_allow(), name="a"), _policy(_deny("s3:GetObject"), name="d")]
    decision = evaluate(policies, _request())
    assert decision.outcome is Outcome.EXPLICIT_DENY
    assert decision.statements == (DecidingStatement("d", "statement 1"),)


def test_action_matches_without_regard_to_case() -> None:
    policy = _policy(_allow("S3:getobject"))
    assert evaluate([policy], _request(action="s3:GETOBJECT")).allowed


def test_resource_matches_with_regard_to_case() -> None:
    policy = _policy(_allow(resource="arn:aws:s3:::b/K"))
    assert not evaluate([policy], _request(resource="arn:aws:s3:::b/k")).allowed
    assert evaluate([policy], _request(resource="arn:aws:s3:::b/K")).allowed


def test_wildcards_in_action_and_resource() -> None:
    policy = _policy(_allow("s3:Get*", "arn:aws:s3:::b/photo-??.jpg"))
    assert evaluate([policy], _request(resource="arn:aws:s3:::b/photo-01.jpg")).allowed
    assert not evaluate([policy], _request(resource="arn:aws:s3:::b/photo-1.jpg")).allowed
    assert not evaluate([policy], _request("s3:PutObject", "arn:aws:s3:::b/photo-01.jpg")).allowed


def test_not_action_applies_to_every_other_action() -> None:
    policy = _policy({"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"}, _allow("*"))
    assert evaluate([policy], _request("s3:GetObject")).allowed
    assert evaluate([policy], _request("dynamodb:GetItem")).outcome is Outcome.EXPLICIT_DENY


def test_not_resource_applies_to_every_other_resource() -> None:
    policy = _policy(
        _allow("s3:*"),
        {"Effect": "Deny", "Action": "s3:PutObject", "NotResource": "arn:aws:s3:::b/public/*"},
    )
    assert evaluate([policy], _request("s3:PutObject", "arn:aws:s3:::b/public/x")).allowed
    denied = evaluate([policy], _request("s3:PutObject", "arn:aws:s3:::b/private/x"))
    assert denied.outcome is Outcome.EXPLICIT_DENY


def test_a_deny_with_not_resource_never_grants() -> None:
    policy = _policy({"Effect": "Deny", "Action": "s3:*", "NotResource": "arn:aws:s3:::b/x"})
    assert (
        evaluate([policy], _request(resource="arn:aws:s3:::b/y")).outcome is Outcome.EXPLICIT_DENY
    )
    assert (
        evaluate([policy], _request(resource="arn:aws:s3:::b/x")).outcome is Outcome.IMPLICIT_DENY
    )


def test_the_identitys_own_prefix_through_a_policy_variable() -> None:
    """The Cognito guide's per-identity S3 policy."""
    policy = _policy(
        _allow(
            ["s3:GetObject", "s3:PutObject"],
            f"arn:aws:s3:::photos/${{{SUB}}}/*",
        ),
        _allow(
            "s3:ListBucket",
            "arn:aws:s3:::photos",
            Condition={"StringLike": {"s3:prefix": [f"${{{SUB}}}/*"]}},
        ),
    )
    context: dict[str, ContextValue] = {SUB: IDENTITY, "s3:prefix": f"{IDENTITY}/a"}
    own = _request("s3:PutObject", f"arn:aws:s3:::photos/{IDENTITY}/a.jpg", context)
    other = _request("s3:PutObject", "arn:aws:s3:::photos/us-east-1:other/a.jpg", context)
    listing = _request("s3:ListBucket", "arn:aws:s3:::photos", context)
    assert evaluate([policy], own).allowed
    assert not evaluate([policy], other).allowed
    assert evaluate([policy], listing).allowed
    listing_other = _request("s3:ListBucket", "arn:aws:s3:::photos", {**context, "s3:prefix": "x"})
    assert not evaluate([policy], listing_other).allowed


def test_a_principal_tag_with_a_default() -> None:
    policy = _policy(_allow(resource="arn:aws:s3:::team-${aws:PrincipalTag/team, 'none'}/*"))
    tagged = _request(resource="arn:aws:s3:::team-red/x", context={"aws:PrincipalTag/team": "red"})
    assert evaluate([policy], tagged).allowed
    assert evaluate([policy], _request(resource="arn:aws:s3:::team-none/x")).allowed
    assert not evaluate([policy], _request(resource="arn:aws:s3:::team-red/x")).allowed


def test_an_unresolved_variable_can_deny_but_never_allows() -> None:
    allow = _policy(_allow(resource="arn:aws:s3:::b/${aws:username}/*"))
    assert (
        evaluate([allow], _request(resource="arn:aws:s3:::b/x/y")).outcome is Outcome.IMPLICIT_DENY
    )
    guarded = _policy(
        _allow(),
        {"Effect": "Deny", "Action": "s3:*", "NotResource": "arn:aws:s3:::b/${aws:username}/*"},
    )
    assert evaluate([guarded], _request()).outcome is Outcome.EXPLICIT_DENY
    negated = _policy(_allow(Condition={"StringNotEquals": {"s3:prefix": "${aws:username}"}}))
    assert not evaluate([negated], _request(context={"s3:prefix": "a"})).allowed


def test_condition_blocks_are_anded() -> None:
    policy = _policy(
        _allow(
            Condition={
                "StringEquals": {"aws:PrincipalTag/team": "red", "aws:PrincipalTag/env": "prod"},
                "Bool": {"aws:SecureTransport": "true"},
            }
        )
    )
    context: dict[str, ContextValue] = {
        "aws:PrincipalTag/team": "red",
        "aws:PrincipalTag/env": "prod",
        "aws:SecureTransport": "true",
    }
    assert evaluate([policy], _request(context=context)).allowed
    for key in context:
        assert not evaluate([policy], _request(context={**context, key: "other"})).allowed


def test_a_session_policy_narrows_what_the_role_allows() -> None:
    role = _policy(_allow("s3:*"), name="role")
    session = _policy(_allow("s3:GetObject"), name="scope-down")
    assert evaluate([role], _request("s3:PutObject"), [session]).outcome is Outcome.IMPLICIT_DENY
    decision = evaluate([role], _request("s3:GetObject"), [session])
    assert decision.allowed
    assert {s.policy for s in decision.statements} == {"role", "scope-down"}
    # The session policy alone grants nothing the role does not.
    assert not evaluate([_policy(_allow("sqs:*"))], _request("s3:GetObject"), [session]).allowed
    # A Deny in the session policy wins, and an empty session set allows nothing.
    denying = _policy(_allow(), _deny("s3:GetObject"))
    assert evaluate([role], _request(), [denying]).outcome is Outcome.EXPLICIT_DENY
    assert not evaluate([role], _request(), []).allowed


def _trust(*statements: dict[str, object]) -> Policy:
    document = {"Version": "2012-10-17", "Statement": list(statements)}
    return parse_policy(document, name="trust", kind=PolicyKind.TRUST)


def test_a_trust_policy_names_who_may_assume_the_role() -> None:
    trust = _trust(
        {
            "Effect": "Allow",
            "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
            "Condition": {
                "StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:pool"},
                "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"},
            },
        }
    )
    cognito = Principal("Federated", "cognito-identity.amazonaws.com")
    context: dict[str, ContextValue] = {
        "cognito-identity.amazonaws.com:aud": "us-east-1:pool",
        "cognito-identity.amazonaws.com:amr": ("authenticated", "cognito-idp"),
    }
    assume = Request("sts:AssumeRoleWithWebIdentity", principal=cognito, context=context)
    assert evaluate([trust], assume).allowed
    guest = {**context, "cognito-identity.amazonaws.com:amr": ("unauthenticated",)}
    guest_request = Request("sts:AssumeRoleWithWebIdentity", principal=cognito, context=guest)
    assert not evaluate([trust], guest_request).allowed
    other = Request(
        "sts:AssumeRoleWithWebIdentity", principal=Principal("Federated", "x"), context=context
    )
    assert not evaluate([trust], other).allowed
    assert not evaluate([trust], Request("sts:AssumeRoleWithWebIdentity", context=context)).allowed


def test_not_principal_applies_to_every_other_principal() -> None:
    trust = _trust(
        {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"},
        {"Effect": "Deny", "NotPrincipal": {"AWS": "123456789012"}, "Action": "sts:AssumeRole"},
    )
    owner = Principal("AWS", "arn:aws:iam::123456789012:root")
    stranger = Principal("AWS", "arn:aws:iam::210987654321:root")
    assert evaluate([trust], Request("sts:AssumeRole", principal=owner)).allowed
    denied = evaluate([trust], Request("sts:AssumeRole", principal=stranger))
    assert denied.outcome is Outcome.EXPLICIT_DENY

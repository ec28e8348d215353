"""Properties of the evaluator over generated policies and requests."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cognitio.services.iam.evaluator import Outcome, Request, evaluate
from cognitio.services.iam.patterns import ContextValue
from cognitio.services.iam.policy import Policy, PolicyKind, parse_policy

ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "sqs:SendMessage"]
ACTION_PATTERNS = [*ACTIONS, "s3:*", "s3:Get*", "*", "S3:?etObject", "sqs:*Message"]
KEYS = ["k:team", "k:env", "aws:PrincipalTag/team"]
VALUES = ["red", "blue", "a*", "r?d", ""]

_text = st.text(alphabet="ab/-", max_size=6)
_glob = st.text(alphabet="ab/*?", max_size=6)
_resource_pattern = st.one_of(
    st.just("*"),
    _glob.map(lambda tail: f"arn:aws:s3:::b/{tail}"),
    _glob.map(lambda tail: f"arn:aws:s3:::b/${{k:team}}{tail}"),
    _glob.map(lambda tail: f"arn:aws:s3:::b/${{k:env, 'dev'}}/{tail}"),
)
_condition = st.fixed_dictionaries(
    {},
    optional={
        op: st.dictionaries(
            st.sampled_from(KEYS), st.lists(st.sampled_from(VALUES), min_size=1, max_size=3)
        ).filter(bool)
        for op in [
            "StringEquals",
            "StringNotEquals",
            "StringLike",
            "StringNotLike",
            "StringEqualsIfExists",
            "ForAnyValue:StringLike",
            "ForAllValues:StringEquals",
        ]
    },
)


@st.composite
def _statement(draw: st.DrawFn, effect: str | None = None) -> dict[str, object]:
    statement: dict[str, object] = {"Effect": effect or draw(st.sampled_from(["Allow", "Deny"]))}
    actions = draw(st.lists(st.sampled_from(ACTION_PATTERNS), min_size=1, max_size=3))
    statement["NotAction" if draw(st.booleans()) else "Action"] = actions
    resources = draw(st.lists(_resource_pattern, min_size=1, max_size=3))
    statement["NotResource" if draw(st.booleans()) else "Resource"] = resources
    condition = draw(_condition)
    if condition:
        statement["Condition"] = condition
    return statement


def _policy(statements: list[dict[str, object]], name: str = "p") -> Policy:
    document = {"Version": "2012-10-17", "Statement": statements}
    return parse_policy(document, name=name, kind=PolicyKind.PERMISSIONS)


_policies = st.lists(st.lists(_statement(), min_size=1, max_size=4), max_size=3).map(
    lambda documents: [_policy(statements, f"p{i}") for i, statements in enumerate(documents)]
)
_context = st.dictionaries(
    st.sampled_from(KEYS),
    st.one_of(
        st.sampled_from(VALUES[:2]), st.lists(st.sampled_from(VALUES[:2]), max_size=2).map(tuple)
    ),
).map(lambda context: dict[str, ContextValue](context))


@st.composite
def _request(draw: st.DrawFn) -> Request:
    return Request(
        action=draw(st.sampled_from(ACTIONS)),
        resource=f"arn:aws:s3:::b/{draw(_text)}",
        context=draw(_context),
    )


@given(_policies, _request())
def test_an_explicit_deny_always_wins(policies: list[Policy], request: Request) -> None:
    assert request.resource is not None
    deny = _policy([{"Effect": "Deny", "Action": request.action, "Resource": request.resource}])
    everything = _policy([{"Effect": "Allow", "Action": "*", "Resource": "*"}])
    decision = evaluate([everything, *policies, deny], request)
    assert decision.outcome is Outcome.EXPLICIT_DENY


@given(
    st.lists(st.sampled_from(ACTION_PATTERNS), min_size=1, max_size=3),
    st.lists(_glob.map(lambda tail: f"arn:aws:s3:::b/{tail}"), min_size=1, max_size=3),
    _request(),
)
def test_not_action_and_not_resource_are_complements(
    actions: list[str], resources: list[str], request: Request
) -> None:
    def allowed(statement: dict[str, object]) -> bool:
        return evaluate([_policy([{"Effect": "Allow", **statement}])], request).allowed

    assert allowed({"Action": actions, "Resource": "*"}) != allowed(
        {"NotAction": actions, "Resource": "*"}
    )
    assert allowed({"Action": "*", "Resource": resources}) != allowed(
        {"Action": "*", "NotResource": resources}
    )


@given(_policies, _request())
def test_allow_everything_allows_all_that_is_not_denied(
    policies: list[Policy], request: Request
) -> None:
    everything = _policy([{"Effect": "Allow", "Action": "*", "Resource": "*"}])
    before = evaluate(policies, request)
    after = evaluate([*policies, everything], request)
    if before.outcome is Outcome.EXPLICIT_DENY:
        assert after.outcome is Outcome.EXPLICIT_DENY
    else:
        assert after.outcome is Outcome.ALLOW


@given(_policies, st.lists(_statement(effect="Allow"), min_size=1, max_size=3), _request())
def test_adding_an_allow_never_takes_an_allow_away(
    policies: list[Policy], extra: list[dict[str, object]], request: Request
) -> None:
    before = evaluate(policies, request)
    after = evaluate([*policies, _policy(extra, "extra")], request)
    if before.allowed:
        assert after.allowed
    if before.outcome is Outcome.EXPLICIT_DENY:
        assert after.outcome is Outcome.EXPLICIT_DENY


@given(
    _glob,
    _glob,
    st.text(alphabet=st.characters(blacklist_characters="*?$", codec="utf-8"), max_size=8),
    _request(),
    st.sampled_from(["StringLike", "StringEquals", "StringNotLike", "ArnLike"]),
)
def test_a_variable_equals_its_value_written_literally(
    prefix: str, suffix: str, value: str, request: Request, operator: str
) -> None:
    context = {**request.context, "k:who": value}
    request = Request(request.action, request.resource, context=context)

    def decide(middle: str) -> Outcome:
        resource = f"arn:aws:s3:::b/{prefix}{middle}{suffix}"
        key = "k:team"
        statements: list[dict[str, object]] = [
            {"Effect": "Allow", "Action": "*", "Resource": resource},
            {
                "Effect": "Deny",
                "Action": "s3:PutObject",
                "Resource": "*",
                "Condition": {operator: {key: f"{prefix}{middle}{suffix}"}},
            },
        ]
        return evaluate([_policy(statements)], request).outcome

    assert decide("${k:who}") is decide(value)


@settings(max_examples=5, deadline=None)
@given(st.integers(min_value=1, max_value=3))
def test_evaluation_of_large_inputs_finishes(seed: int) -> None:
    """Thousands of statements and long names: the work grows with the input, no more."""
    statements: list[dict[str, object]] = [
        {
            "Effect": "Allow",
            "Action": "s3:Get*",
            # Half fail on the resource, half on the condition: every one is read to the end.
            "Resource": "*" if n % 2 else "arn:aws:s3:::b/" + "*a" * 40 + f"*{n}b",
            "Condition": {"StringLike": {"k:team": "*a" * 40 + "*z"}},
        }
        for n in range(2000)
    ]
    context: dict[str, ContextValue] = {"k:team": "a" * 20_000 * seed}
    request = Request("s3:GetObject", "arn:aws:s3:::b/" + "a" * 20_000 * seed, context=context)
    assert evaluate([_policy(statements)], request).outcome is Outcome.IMPLICIT_DENY

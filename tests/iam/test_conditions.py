"""Condition operators, family by family, and the rules for missing and multivalued keys."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from cognitio.services.iam.conditions import OPERATORS, parse_condition
from cognitio.services.iam.patterns import ContextValue

Ctx = Mapping[str, ContextValue]


def _check(operator: str, values: object, context: Ctx, key: str = "k:x") -> bool | None:
    condition = parse_condition(operator, key, values, variables=True)
    return condition.evaluate({name.lower(): value for name, value in context.items()})


@pytest.mark.parametrize(
    ("operator", "values", "actual", "expected"),
    [
        ("StringEquals", "Team", "Team", True),
        ("StringEquals", "Team", "team", False),
        ("StringEquals", "a*", "abc", False),
        ("StringEquals", "a*", "a*", True),
        ("StringNotEquals", ["a", "b"], "c", True),
        ("StringNotEquals", ["a", "b"], "b", False),
        ("StringEqualsIgnoreCase", "Team", "tEAM", True),
        ("StringNotEqualsIgnoreCase", "Team", "tEAM", False),
        ("StringLike", "home/*", "home/alice", True),
        ("StringLike", "home/?", "home/al", False),
        ("StringNotLike", ["home/*", "tmp/*"], "etc/x", True),
        ("StringNotLike", ["home/*", "tmp/*"], "tmp/x", False),
        ("NumericEquals", 10, "10.0", True),
        ("NumericNotEquals", "10", "11", True),
        ("NumericLessThan", "10", "9.5", True),
        ("NumericLessThan", "10", "10", False),
        ("NumericLessThanEquals", "10", "10", True),
        ("NumericGreaterThan", "10", "11", True),
        ("NumericGreaterThanEquals", "10", "9", False),
        ("DateEquals", "2026-01-01T00:00:00Z", "1767225600", True),
        ("DateNotEquals", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", True),
        ("DateLessThan", "2026-01-01T00:00:00Z", "2025-12-31T23:59:59Z", True),
        ("DateLessThanEquals", "2026-01-01", "2026-01-01T00:00:00Z", True),
        ("DateGreaterThan", "2026-01-01T00:00:00Z", "2026-01-01T00:00:01+00:00", True),
        ("DateGreaterThanEquals", "2026-01-01T00:00:00Z", "2025-01-01T00:00:00Z", False),
        ("Bool", "true", "true", True),
        ("Bool", True, "false", False),
        ("BinaryEquals", "QmluYXJ5", "QmluYXJ5", True),
        ("BinaryEquals", "QmluYXJ5", "QmluYXJz", False),
        ("IpAddress", "203.0.113.0/24", "203.0.113.9", True),
        ("IpAddress", "203.0.113.0/24", "198.51.100.1", False),
        ("IpAddress", "2001:db8::/32", "2001:db8::1", True),
        ("IpAddress", "2001:db8::/32", "203.0.113.9", False),
        ("NotIpAddress", "203.0.113.0/24", "198.51.100.1", True),
        ("ArnEquals", "arn:aws:iam::*:role/A", "arn:aws:iam::123456789012:role/A", True),
        ("ArnLike", "arn:aws:iam::*:role/A*", "arn:aws:iam::123456789012:role/B", False),
        ("ArnNotEquals", "arn:aws:iam::*:role/A", "arn:aws:iam::123456789012:role/B", True),
        ("ArnNotLike", "arn:aws:iam::*:role/*", "arn:aws:iam::123456789012:role/B", False),
    ],
)
def test_each_operator_compares_as_its_family_does(
    operator: str, values: object, actual: str, expected: bool
) -> None:
    assert _check(operator, values, {"k:x": actual}) is expected


def test_every_operator_family_is_covered() -> None:
    families = {operator.family for operator in OPERATORS.values()}
    assert families == {"String", "Numeric", "Date", "Bool", "Binary", "Ip", "Arn", "Null"}
    assert len(OPERATORS) == 27


def test_condition_keys_are_read_without_regard_to_case() -> None:
    assert _check("StringEquals", "x", {"AWS:PrincipalTag/Team": "x"}, key="aws:principaltag/team")


@pytest.mark.parametrize(
    ("operator", "expected"),
    [
        ("StringEquals", False),
        ("StringLike", False),
        ("NumericLessThan", False),
        ("IpAddress", False),
        ("StringNotEquals", True),
        ("StringNotLike", True),
        ("NotIpAddress", True),
        ("ArnNotLike", True),
        ("StringEqualsIfExists", True),
        ("NumericLessThanIfExists", True),
        ("ForAllValues:StringEquals", True),
        ("ForAnyValue:StringEquals", False),
        ("ForAnyValue:StringNotEquals", False),
    ],
)
def test_a_missing_key(operator: str, expected: bool) -> None:
    value = "203.0.113.0/24" if "Ip" in operator else "10"
    assert _check(operator, value, {}) is expected


def test_if_exists_compares_when_the_key_is_there() -> None:
    assert _check("StringEqualsIfExists", "a", {"k:x": "a"}) is True
    assert _check("StringEqualsIfExists", "a", {"k:x": "b"}) is False


def test_null_checks_presence() -> None:
    assert _check("Null", "true", {}) is True
    assert _check("Null", "true", {"k:x": "v"}) is False
    assert _check("Null", "false", {"k:x": "v"}) is True
    assert _check("Null", "false", {"k:x": ()}) is False


def test_a_plain_operator_against_several_values_is_false() -> None:
    assert _check("StringEquals", "a", {"k:x": ("a",)}) is False
    assert _check("StringNotEquals", "z", {"k:x": ("a", "b")}) is False


def test_for_any_value_needs_one_request_value_to_match() -> None:
    amr = {"k:x": ("authenticated", "cognito-idp.example.com/pool")}
    assert _check("ForAnyValue:StringLike", "authenticated", amr) is True
    assert _check("ForAnyValue:StringLike", "unauthenticated", amr) is False
    assert _check("ForAnyValue:StringEquals", "a", {"k:x": ()}) is False


def test_for_all_values_needs_every_request_value_to_match() -> None:
    tags = {"k:x": ("team", "cost")}
    assert _check("ForAllValues:StringEquals", ["team", "cost", "env"], tags) is True
    assert _check("ForAllValues:StringEquals", ["team"], tags) is False
    assert _check("ForAllValues:StringEquals", ["team"], {"k:x": ()}) is True


def test_values_under_one_key_are_ored() -> None:
    assert _check("StringEquals", ["a", "b", "c"], {"k:x": "c"}) is True


def test_a_variable_in_a_string_value_takes_the_request_value() -> None:
    context: dict[str, ContextValue] = {"k:x": "home/alice/", "aws:username": "alice"}
    assert _check("StringLike", "home/${aws:username}/*", context) is True
    context["aws:username"] = "bob"
    assert _check("StringLike", "home/${aws:username}/*", context) is False


def test_an_unresolved_variable_or_a_value_of_the_wrong_kind_is_undecided() -> None:
    assert _check("StringEquals", "${aws:username}", {"k:x": "a"}) is None
    assert _check("StringNotEquals", "${aws:username}", {"k:x": "a"}) is None
    assert _check("NumericLessThan", "10", {"k:x": "ten"}) is None
    assert _check("DateLessThan", "2026-01-01", {"k:x": "later"}) is None
    assert _check("Bool", "true", {"k:x": "yes"}) is None
    assert _check("IpAddress", "10.0.0.0/8", {"k:x": "host"}) is None

"""Condition operators: each family's parsing of policy values and comparison with the request.

IAM User Guide, "IAM JSON policy elements: Condition operators" and "Single-valued vs.
multivalued context keys". The rules kept here:

- a block's operators and keys are ANDed, the values under one key ORed;
- a key the request lacks makes an operator false, a negated one (``StringNotEquals``,
  ``NotIpAddress``...) true, an ``...IfExists`` one true, ``ForAllValues:`` true and
  ``ForAnyValue:`` false;
- a plain operator against a key with several values is false; ``ForAnyValue:`` and
  ``ForAllValues:`` compare each of the request's values;
- policy variables are read in String and Arn values only.

Comparisons answer True, False or None: None when a value cannot be decided (a variable the
request has no value for, a request value that is not a number or a date). The evaluator lets an
undecided statement deny but never allow.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from cognitio.services.iam.errors import PolicyError
from cognitio.services.iam.patterns import (
    ContextValue,
    Part,
    PatternError,
    arn_match,
    compile_pattern,
    glob_match,
    literal_text,
    resolve,
)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
ConditionValue = tuple[Part, ...] | Decimal | datetime | bytes | bool | Network
Context = Mapping[str, ContextValue]
Truth = bool | None


@dataclass(frozen=True)
class Operator:
    """One base operator: how its policy values are read and compared with a request value."""

    name: str
    family: str
    negated: bool
    parse: Callable[[str, bool], ConditionValue]
    compare: Callable[[ConditionValue, str, Context], Truth]


@dataclass(frozen=True)
class Condition:
    """One key under one operator, as written: ``{"ForAnyValue:StringLike": {key: values}}``."""

    operator: Operator
    written: str
    key: str
    values: tuple[ConditionValue, ...]
    any_value: bool = False
    all_values: bool = False
    if_exists: bool = False

    def evaluate(self, context: Context) -> Truth:
        """Whether the request satisfies this condition (None: undecidable)."""
        actual = context.get(self.key.lower())
        if self.operator.name == "Null":
            absent = actual is None or actual == ()
            return any(value is absent for value in self.values)
        if actual is None:
            if self.if_exists:
                return True
            if self.all_values:
                return True
            if self.any_value:
                return False
            return self.operator.negated
        if self.any_value or self.all_values:
            items = (actual,) if isinstance(actual, str) else actual
            results = [self._one(item, context) for item in items]
            return _any(results) if self.any_value else _all(results)
        if not isinstance(actual, str):
            return False
        return self._one(actual, context)

    def _one(self, actual: str, context: Context) -> Truth:
        matched = _any([self.operator.compare(value, actual, context) for value in self.values])
        if not self.operator.negated:
            return matched
        return None if matched is None else not matched


def _any(results: Sequence[Truth]) -> Truth:
    if True in results:
        return True
    return None if None in results else False


def _all(results: Sequence[Truth]) -> Truth:
    if False in results:
        return False
    return None if None in results else True


# Reading policy values; `variables` is whether the policy's Version reads ${...}.


def _string(wildcards: bool) -> Callable[[str, bool], ConditionValue]:
    def parse(text: str, variables: bool) -> ConditionValue:
        try:
            return compile_pattern(text, variables=variables, wildcards=wildcards)
        except PatternError as error:
            raise PolicyError(str(error)) from None

    return parse


def _no_variable(text: str) -> None:
    if "${" in text:
        raise PolicyError("policy variables are allowed only in String and Arn condition values")


def _number(text: str, variables: bool) -> ConditionValue:
    _no_variable(text)
    number = _decimal(text)
    if number is None:
        raise PolicyError(f"{text!r} is not a number")
    return number


def _date(text: str, variables: bool) -> ConditionValue:
    _no_variable(text)
    moment = _datetime(text)
    if moment is None:
        raise PolicyError(f"{text!r} is not an ISO 8601 date or a count of epoch seconds")
    return moment


def _bool(text: str, variables: bool) -> ConditionValue:
    _no_variable(text)
    if text.lower() not in ("true", "false"):
        raise PolicyError(f"{text!r} is not true or false")
    return text.lower() == "true"


def _binary(text: str, variables: bool) -> ConditionValue:
    _no_variable(text)
    data = _base64(text)
    if data is None:
        raise PolicyError(f"{text!r} is not base64")
    return data


def _network(text: str, variables: bool) -> ConditionValue:
    _no_variable(text)
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        raise PolicyError(f"{text!r} is not an IP address or CIDR range") from None


# Reading request values: None when the request's value is not of the family's kind.


def _decimal(text: str) -> Decimal | None:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _datetime(text: str) -> datetime | None:
    text = text.strip()
    epoch = _decimal(text)
    if epoch is not None:
        try:
            return datetime.fromtimestamp(float(epoch), UTC)
        except (OverflowError, OSError, ValueError):
            return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _base64(text: str) -> bytes | None:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None


# Comparisons.


def _string_equals(fold: bool) -> Callable[[ConditionValue, str, Context], Truth]:
    def compare(value: ConditionValue, actual: str, context: Context) -> Truth:
        assert isinstance(value, tuple)
        resolved = resolve(value, context)
        if resolved is None:
            return None
        expected = literal_text(resolved)
        if fold:
            return expected.casefold() == actual.casefold()
        return expected == actual

    return compare


def _string_like(value: ConditionValue, actual: str, context: Context) -> Truth:
    assert isinstance(value, tuple)
    resolved = resolve(value, context)
    return None if resolved is None else glob_match(resolved, actual)


def _arn_like(value: ConditionValue, actual: str, context: Context) -> Truth:
    assert isinstance(value, tuple)
    resolved = resolve(value, context)
    return None if resolved is None else arn_match(resolved, actual)


def _numeric(test: Callable[[Any, Any], bool]) -> Callable[[ConditionValue, str, Context], Truth]:
    def compare(value: ConditionValue, actual: str, context: Context) -> Truth:
        assert isinstance(value, Decimal)
        number = _decimal(actual)
        return None if number is None else test(number, value)

    return compare


def _dated(test: Callable[[Any, Any], bool]) -> Callable[[ConditionValue, str, Context], Truth]:
    def compare(value: ConditionValue, actual: str, context: Context) -> Truth:
        assert isinstance(value, datetime)
        moment = _datetime(actual)
        return None if moment is None else test(moment, value)

    return compare


def _bool_equals(value: ConditionValue, actual: str, context: Context) -> Truth:
    lowered = actual.strip().lower()
    if lowered not in ("true", "false"):
        return None
    return (lowered == "true") is value


def _binary_equals(value: ConditionValue, actual: str, context: Context) -> Truth:
    assert isinstance(value, bytes)
    data = _base64(actual)
    return None if data is None else data == value


def _in_network(value: ConditionValue, actual: str, context: Context) -> Truth:
    assert isinstance(value, ipaddress.IPv4Network | ipaddress.IPv6Network)
    try:
        address = ipaddress.ip_address(actual.strip())
    except ValueError:
        return None
    return address.version == value.version and address in value


def _null(value: ConditionValue, actual: str, context: Context) -> Truth:
    return None  # Null is decided on the key's presence, in Condition.evaluate


# Numbers and dates share these; the negated operator is the complement of Equals.
_ORDERINGS: tuple[tuple[str, bool, Callable[[Any, Any], bool]], ...] = (
    ("Equals", False, operator.eq),
    ("NotEquals", True, operator.eq),
    ("LessThan", False, operator.lt),
    ("LessThanEquals", False, operator.le),
    ("GreaterThan", False, operator.gt),
    ("GreaterThanEquals", False, operator.ge),
)


def _table() -> dict[str, Operator]:
    ops = [
        Operator("StringEquals", "String", False, _string(False), _string_equals(False)),
        Operator("StringNotEquals", "String", True, _string(False), _string_equals(False)),
        Operator("StringEqualsIgnoreCase", "String", False, _string(False), _string_equals(True)),
        Operator("StringNotEqualsIgnoreCase", "String", True, _string(False), _string_equals(True)),
        Operator("StringLike", "String", False, _string(True), _string_like),
        Operator("StringNotLike", "String", True, _string(True), _string_like),
        Operator("ArnEquals", "Arn", False, _string(True), _arn_like),
        Operator("ArnLike", "Arn", False, _string(True), _arn_like),
        Operator("ArnNotEquals", "Arn", True, _string(True), _arn_like),
        Operator("ArnNotLike", "Arn", True, _string(True), _arn_like),
        Operator("Bool", "Bool", False, _bool, _bool_equals),
        Operator("BinaryEquals", "Binary", False, _binary, _binary_equals),
        Operator("IpAddress", "Ip", False, _network, _in_network),
        Operator("NotIpAddress", "Ip", True, _network, _in_network),
        Operator("Null", "Null", False, _bool, _null),
    ]
    for suffix, negated, test in _ORDERINGS:
        ops.append(Operator(f"Numeric{suffix}", "Numeric", negated, _number, _numeric(test)))
        ops.append(Operator(f"Date{suffix}", "Date", negated, _date, _dated(test)))
    return {op.name: op for op in ops}


OPERATORS = _table()
_PREFIXES = ("ForAnyValue:", "ForAllValues:")


def parse_condition(written: str, key: str, raw: object, variables: bool) -> Condition:
    """One operator/key pair of a Condition block, checked (PolicyError names what is wrong)."""
    name = written
    prefix = next((p for p in _PREFIXES if name.startswith(p)), "")
    name = name[len(prefix) :]
    if_exists = name.endswith("IfExists") and name != "IfExists"
    if if_exists:
        name = name[: -len("IfExists")]
    found = OPERATORS.get(name)
    if found is None:
        raise PolicyError(f"unknown condition operator {written!r}")
    if found.name == "Null" and (prefix or if_exists):
        raise PolicyError(
            f"{written!r}: Null takes no ForAnyValue/ForAllValues prefix nor IfExists"
        )
    if not key or "${" in key:
        raise PolicyError(f"{written}: a condition key is a non-empty name without variables")
    items = raw if isinstance(raw, list) else [raw]
    if not items:
        raise PolicyError(f"{written}: {key}: has no values")
    values = []
    for item in items:
        if isinstance(item, bool):
            text = "true" if item else "false"
        elif isinstance(item, int | float | str):
            text = str(item)
        else:
            raise PolicyError(f"{written}: {key}: values are strings, numbers or booleans")
        try:
            values.append(found.parse(text, variables))
        except PolicyError as error:
            raise PolicyError(f"{written}: {key}: {error}") from None
    return Condition(
        operator=found,
        written=written,
        key=key,
        values=tuple(values),
        any_value=prefix == "ForAnyValue:",
        all_values=prefix == "ForAllValues:",
        if_exists=if_exists,
    )

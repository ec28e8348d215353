"""Request validation compiled from botocore's shapes (AWS JSON 1.1 input).

Protocol: https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html (member
names are the JSON keys as written in the model; timestamps are epoch seconds;
blobs are base64). Constraints: https://smithy.io/2.0/spec/constraint-traits.html.

Every shape compiles once into a closure ``check(value, path, errors)`` that
returns the converted value. Two failure kinds, as Cognito answers them:

- A value of the wrong JSON type raises ``SerializationException`` at once, in
  the words of AWS's JSON reader ("Start of list found where not expected",
  "NUMBER_VALUE can not be converted to a String") plus the member path.
- Constraint failures are *collected* and raised together as
  ``InvalidParameterException`` (cognito-identity says ``ValidationException``)
  in Coral's form: ``2 validation errors detected: Value 'x' at 'poolName'
  failed to satisfy constraint: Member must ...; Value null at 'userPoolId'
  failed to satisfy constraint: Member must not be null``.

Member paths are the member names with the first letter lowered, joined by
dots. A list element is ``<list>.<n>.member`` (1-based) and a map entry
``<map>.<key>.member``. As in Coral, constraints on the elements of a list (or
the keys and values of a map) of scalars are reported once for the whole
container and list every constraint of the element shape: ``Value '[a, b]' at
'explicitAuthFlows' failed to satisfy constraint: Member must satisfy
constraint: [Member must satisfy enum value set: [...]]``; for maps the prefix
is ``Map keys must satisfy constraint`` or ``Map value must satisfy
constraint``.

Choices where the wire leaves room:

- ``null`` for an optional member (or a map value) is treated as absent; a
  ``null`` list element is reported as ``Value null at '<list>.<n>.member'``.
- Unknown members are dropped silently, as AWS does.
- Values of shapes marked ``sensitive`` (or inside one, or containing one) are
  never echoed: ``Value at 'password' failed ...``. Blobs are never echoed
  either. Other echoes follow Java's ``toString`` (``[a, b]``, ``{k=v}``) and
  are cut at 256 characters.
- String length counts code points; list and map length counts entries; blob
  length counts decoded bytes.
- Integers take JSON numbers with no fractional part (``5.0`` is 5) within the
  32-bit (``integer``) or 64-bit (``long``) range; booleans are never numbers.
- Timestamps take epoch seconds (int or float) and become aware UTC
  ``datetime`` values; ISO strings are refused, as botocore never sends them.
- Blobs take standard base64 and become ``bytes``.
- Document shapes pass through untouched.
- No string (nor map key) may hold U+0000, which PostgreSQL text cannot store.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from cognitio.errors import CognitoError, InvalidParameterException, SerializationException
from cognitio.wire.constraints import Limits, failure, limits_of, member_path, summary

Check = Callable[[Any, str, list[str]], Any]
Validator = Callable[[object], dict[str, Any]]

_INTEGER_RANGES = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}
_EXPECTED = {
    "string": "a String",
    "integer": "an Integer",
    "long": "a Long",
    "boolean": "a Boolean",
    "timestamp": "a Timestamp",
    "blob": "a Blob",
    "structure": "a Structure",
    "list": "a List",
    "map": "a Map",
}
_SCALARS = frozenset(("string", "integer", "long", "boolean", "timestamp", "blob"))


def _mismatch(value: object, expected: str) -> str:
    """How AWS's JSON reader words ``value`` where ``expected`` belongs."""
    if isinstance(value, dict):
        return "Start of structure or map found where not expected"
    if isinstance(value, list):
        return "Start of list found where not expected"
    if value is None:
        found = "NULL_VALUE"
    elif isinstance(value, bool):
        found = "BOOLEAN_VALUE"
    else:
        found = "STRING_VALUE" if isinstance(value, str) else "NUMBER_VALUE"
    return f"{found} can not be converted to {expected}"


def type_error(value: object, path: str, expected: str) -> SerializationException:
    """The exception for ``value`` found at ``path`` where ``expected`` belongs."""
    words = _mismatch(value, expected)
    if words.startswith("Start"):
        return SerializationException(f"{words} at '{path}'; expected {expected}.")
    return SerializationException(f"{words} at '{path}'.")


# Scalar converters: JSON value in, Python value out, or SerializationException.


# PostgreSQL text cannot hold U+0000 (a query carrying one fails), so no string may; the
# models' patterns refuse it for most members already.
_NUL = "\x00"


def _no_nul(path: str) -> str:
    return f"Value at '{path}' failed to satisfy constraint: Member must not contain U+0000"


def _string(value: Any, path: str, errors: list[str]) -> Any:
    if isinstance(value, str):
        if _NUL in value:
            errors.append(_no_nul(path))
        return value
    raise type_error(value, path, "a String")


def _boolean(value: Any, path: str, errors: list[str]) -> Any:
    if value is True or value is False:
        return value
    raise type_error(value, path, "a Boolean")


def _whole_number(kind: str) -> Check:
    low, high = _INTEGER_RANGES[kind]
    expected = _EXPECTED[kind]

    def convert(value: Any, path: str, errors: list[str]) -> Any:
        if value.__class__ is int and low <= value <= high:
            return value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            raise type_error(value, path, expected)
        if not low <= value <= high:
            raise SerializationException(
                f"NUMBER_VALUE {value} is out of range for {expected} at '{path}'."
            )
        return value

    return convert


def _timestamp(value: Any, path: str, errors: list[str]) -> Any:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise type_error(value, path, "a Timestamp")
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        raise SerializationException(
            f"NUMBER_VALUE {value} is out of range for a Timestamp at '{path}'."
        ) from None


def _blob(value: Any, path: str, errors: list[str]) -> Any:
    if not isinstance(value, str):
        raise type_error(value, path, "a Blob")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise SerializationException(f"Invalid base64 value at '{path}'.") from None


def _document(value: Any, path: str, errors: list[str]) -> Any:
    return value


def _string_check(limits: Limits, echo: bool) -> Check:
    """A constrained string's check, with the common case (valid) in one call."""
    low, high, matches, allowed = limits.parts()
    broken = limits.compile()

    def check(value: Any, path: str, errors: list[str]) -> Any:
        if (
            value.__class__ is str
            and _NUL not in value
            and low <= len(value) <= high
            and (matches is None or matches(value))
            and (allowed is None or value in allowed)
        ):
            return value
        _string(value, path, errors)  # raises unless a string
        errors.extend(failure(value, path, problem, echo) for problem in broken(value))
        return value

    return check


_CONVERTERS: dict[str, Check] = {
    "string": _string,
    "boolean": _boolean,
    "integer": _whole_number("integer"),
    "long": _whole_number("long"),
    "timestamp": _timestamp,
    "blob": _blob,
}


class InputCompiler:
    """Compiles the input shapes of one service model; shapes are shared across operations."""

    def __init__(
        self,
        shapes: Mapping[str, Mapping[str, Any]],
        invalid: type[CognitoError] = InvalidParameterException,
    ) -> None:
        self._shapes = shapes
        # What the service calls a request its model refuses.
        self._invalid = invalid
        self._checks: dict[tuple[str, bool], Check] = {}
        self._sensitive: dict[str, bool] = {}

    def validator(self, shape_name: str | None) -> Validator:
        """The ``validate`` function for an operation whose input is ``shape_name``."""
        root = self.check(shape_name, hidden=False) if shape_name is not None else None

        def validate(body: object) -> dict[str, Any]:
            if not isinstance(body, dict):
                words = _mismatch(body, "a Structure")
                raise SerializationException(f"{words}; the request body must be a JSON object.")
            if root is None:
                return {}
            errors: list[str] = []
            result: dict[str, Any] = root(body, "", errors)
            if errors:
                raise self._invalid(summary(errors))
            return result

        return validate

    def check(self, name: str, hidden: bool) -> Check:
        """The check for shape ``name``; ``hidden`` when inside a sensitive shape."""
        key = (name, hidden)
        found = self._checks.get(key)
        if found is None:
            checks = self._checks
            # Stands in while the shape compiles, should it (indirectly) contain itself.
            checks[key] = lambda value, path, errors: checks[key](value, path, errors)
            found = checks[key] = self._build(name, hidden)
        return found

    def contains_sensitive(self, name: str) -> bool:
        """Whether the shape, or any shape inside it, is marked ``sensitive``."""
        if name not in self._sensitive:
            self._sensitive[name] = False  # provisional, for self-containing shapes
            spec = self._shapes[name]
            inner = [m["shape"] for m in spec.get("members", {}).values()]
            inner += [spec[part]["shape"] for part in ("member", "key", "value") if part in spec]
            self._sensitive[name] = bool(spec.get("sensitive")) or any(
                self.contains_sensitive(shape) for shape in inner
            )
        return self._sensitive[name]

    def _build(self, name: str, hidden: bool) -> Check:
        spec = self._shapes[name]
        hidden = hidden or bool(spec.get("sensitive"))
        kind = spec["type"]
        if spec.get("document"):
            return _document
        if kind == "structure":
            return self._structure(spec, hidden)
        if kind == "list":
            return self._list(name, spec, hidden)
        if kind == "map":
            return self._map(name, spec, hidden)
        convert = self._converter(name)
        limits = limits_of(spec)
        if limits is None:
            return convert
        if kind == "string":
            return _string_check(limits, echo=not hidden)
        broken = limits.compile()
        echo = not hidden and kind != "blob"

        def check(value: Any, path: str, errors: list[str]) -> Any:
            converted = convert(value, path, errors)
            problems = broken(converted)
            if problems:
                errors.extend(failure(converted, path, problem, echo) for problem in problems)
            return converted

        return check

    def _converter(self, name: str) -> Check:
        kind = self._shapes[name]["type"]
        if kind not in _CONVERTERS:
            raise ValueError(f"shape {name} of type {kind} is not a scalar")
        return _CONVERTERS[kind]

    def _scalar(self, name: str) -> tuple[Check, Callable[[Any], list[str]] | None]:
        limits = limits_of(self._shapes[name])
        return self._converter(name), limits.compile() if limits is not None else None

    def _is_scalar(self, name: str) -> bool:
        spec = self._shapes[name]
        return spec["type"] in _SCALARS and not spec.get("document")

    def _bracket(self, name: str) -> str:
        limits = limits_of(self._shapes[name])
        return ", ".join(limits.messages()) if limits is not None else ""

    def _size(self, spec: Mapping[str, Any]) -> Callable[[Any], list[str]] | None:
        limits = limits_of(spec)
        return limits.compile() if limits is not None else None

    def _echo(self, name: str, element: str, hidden: bool) -> bool:
        blob = self._shapes[element]["type"] == "blob"
        return not hidden and not blob and not self.contains_sensitive(name)

    def _structure(self, spec: Mapping[str, Any], hidden: bool) -> Check:
        members = {
            name: (self.check(member["shape"], hidden), member_path(name))
            for name, member in spec["members"].items()
        }
        required = tuple((name, member_path(name)) for name in spec.get("required", ()))

        def check(value: Any, path: str, errors: list[str]) -> Any:
            if not isinstance(value, dict):
                raise type_error(value, path, "a Structure")
            prefix = path + "." if path else ""
            out = {}
            for name, raw in value.items():
                entry = members.get(name)
                if entry is not None and raw is not None:
                    out[name] = entry[0](raw, prefix + entry[1], errors)
            for name, lower in required:
                if name not in out:
                    errors.append(
                        f"Value null at '{prefix}{lower}' failed to satisfy constraint: "
                        "Member must not be null"
                    )
            return out

        return check

    def _list(self, name: str, spec: Mapping[str, Any], hidden: bool) -> Check:
        element = spec["member"]["shape"]
        scalar = self._is_scalar(element)
        inner, broken = self._scalar(element) if scalar else (self.check(element, hidden), None)
        constraint = f"Member must satisfy constraint: [{self._bracket(element)}]"
        size = self._size(spec)
        echo = self._echo(name, element, hidden)

        def check(value: Any, path: str, errors: list[str]) -> Any:
            if not isinstance(value, list):
                raise type_error(value, path, "a List")
            out = []
            bad = False
            for index, item in enumerate(value, 1):
                if item is None:
                    errors.append(
                        f"Value null at '{path}.{index}.member' failed to satisfy constraint: "
                        "Member must not be null"
                    )
                    continue
                converted = inner(item, f"{path}.{index}.member", errors)
                if broken is not None and broken(converted):
                    bad = True
                out.append(converted)
            if bad:
                errors.append(failure(value, path, constraint, echo))
            if size is not None:
                errors.extend(failure(value, path, problem, echo) for problem in size(value))
            return out

        return check

    def _map(self, name: str, spec: Mapping[str, Any], hidden: bool) -> Check:
        key_shape = spec["key"]["shape"]
        _, key_broken = self._scalar(key_shape)
        keys_constraint = f"Map keys must satisfy constraint: [{self._bracket(key_shape)}]"
        element = spec["value"]["shape"]
        scalar = self._is_scalar(element)
        inner, broken = self._scalar(element) if scalar else (self.check(element, hidden), None)
        values_constraint = f"Map value must satisfy constraint: [{self._bracket(element)}]"
        size = self._size(spec)
        echo = self._echo(name, element, hidden)

        def check(value: Any, path: str, errors: list[str]) -> Any:
            if not isinstance(value, dict):
                raise type_error(value, path, "a Map")
            out = {}
            bad_keys = bad_values = False
            for key, raw in value.items():
                if raw is None:
                    continue
                if _NUL in key:
                    errors.append(_no_nul(path))
                if key_broken is not None and key_broken(key):
                    bad_keys = True
                converted = inner(raw, f"{path}.{key}.member", errors)
                if broken is not None and broken(converted):
                    bad_values = True
                out[key] = converted
            if bad_keys:
                errors.append(failure(value, path, keys_constraint, echo))
            if bad_values:
                errors.append(failure(value, path, values_constraint, echo))
            if size is not None:
                errors.extend(failure(value, path, problem, echo) for problem in size(value))
            return out

        return check

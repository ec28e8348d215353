"""A user pool's attribute schema: the standard attributes Cognito gives every pool, custom ones.

Facts from Cognito's developer guide ("User pool attributes") and its DescribeUserPool answers:
every pool carries the OIDC standard attributes below, in this order; custom attributes are
named ``custom:<name>`` (``dev:custom:<name>`` when developer-only), are never required, and a
pool holds at most 50 of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cognitio.documents import JsonObject, object_member, text_member
from cognitio.errors import InvalidParameterException

MAX_CUSTOM_ATTRIBUTES = 50

_TEXT = {"MinLength": "0", "MaxLength": "2048"}

# (name, data type, mutable, required, constraints) in the order Cognito lists them.
_STANDARD: tuple[tuple[str, str, bool, bool, dict[str, str] | None], ...] = (
    ("sub", "String", False, True, {"MinLength": "1", "MaxLength": "2048"}),
    ("name", "String", True, False, _TEXT),
    ("given_name", "String", True, False, _TEXT),
    ("family_name", "String", True, False, _TEXT),
    ("middle_name", "String", True, False, _TEXT),
    ("nickname", "String", True, False, _TEXT),
    ("preferred_username", "String", True, False, _TEXT),
    ("profile", "String", True, False, _TEXT),
    ("picture", "String", True, False, _TEXT),
    ("website", "String", True, False, _TEXT),
    ("email", "String", True, False, _TEXT),
    ("email_verified", "Boolean", True, False, None),
    ("gender", "String", True, False, _TEXT),
    ("birthdate", "String", True, False, {"MinLength": "10", "MaxLength": "10"}),
    ("zoneinfo", "String", True, False, _TEXT),
    ("locale", "String", True, False, _TEXT),
    ("phone_number", "String", True, False, _TEXT),
    ("phone_number_verified", "Boolean", True, False, None),
    ("address", "String", True, False, _TEXT),
    ("updated_at", "Number", True, False, {"MinValue": "0"}),
    ("identities", "String", True, False, {}),
)

STANDARD_NAMES = frozenset(entry[0] for entry in _STANDARD)
# Attributes Cognito manages itself: a schema entry may not change them.
_FIXED = frozenset({"sub", "identities"})
# Not importable through a CSV (GetCSVHeader leaves them out).
_NOT_IN_CSV = frozenset({"sub", "identities"})


def standard_schema() -> list[JsonObject]:
    """A fresh copy of the standard attributes, as DescribeUserPool lists them."""
    schema = []
    for name, data_type, mutable, required, constraints in _STANDARD:
        entry: JsonObject = {
            "Name": name,
            "AttributeDataType": data_type,
            "DeveloperOnlyAttribute": False,
            "Mutable": mutable,
            "Required": required,
        }
        if constraints is not None:
            key = (
                "NumberAttributeConstraints"
                if data_type == "Number"
                else "StringAttributeConstraints"
            )
            entry[key] = dict(constraints)
        schema.append(entry)
    return schema


def build_schema(requested: list[JsonObject]) -> list[JsonObject]:
    """The schema of a new pool: standard attributes with requested changes, then custom ones."""
    schema = standard_schema()
    by_name = {entry_name(entry): entry for entry in schema}
    seen: set[str] = set()
    custom: list[JsonObject] = []
    for item in requested:
        name = _requested_name(item)
        if name in seen:
            raise InvalidParameterException(f"Duplicate attribute name in schema: {name}")
        seen.add(name)
        if name in STANDARD_NAMES:
            _apply_standard(by_name[name], item)
        else:
            custom.append(custom_attribute(item))
    return add_custom(schema, custom)


def add_custom(schema: list[JsonObject], new: list[JsonObject]) -> list[JsonObject]:
    """Append custom attributes, refusing duplicates and the 51st.

    ``custom:x`` and ``dev:custom:x`` are one name: a clash names the request's ``custom:x``
    first, then the stored attribute.
    """
    existing = {_base_name(entry_name(entry)): entry_name(entry) for entry in schema}
    for entry in new:
        base = _base_name(entry_name(entry))
        if base in existing:
            raise InvalidParameterException(
                f"{base}: Existing attribute already has name {existing[base]}."
            )
        existing[base] = entry_name(entry)
    count = sum(1 for entry in schema if entry_name(entry) not in STANDARD_NAMES) + len(new)
    if count > MAX_CUSTOM_ATTRIBUTES:
        raise InvalidParameterException(
            f"A user pool can have at most {MAX_CUSTOM_ATTRIBUTES} custom attributes."
        )
    return schema + new


def custom_attribute(item: JsonObject) -> JsonObject:
    """A custom attribute as Cognito stores it, from a SchemaAttributeType request."""
    raw_name = _requested_name(item)
    if raw_name.startswith(("custom:", "dev:")):
        raise InvalidParameterException(
            f"Custom attribute name {raw_name} must not carry a prefix; Cognito adds custom:"
        )
    if item.get("Required"):
        raise InvalidParameterException("Required custom attributes are not supported currently.")
    data_type = item.get("AttributeDataType")
    if data_type is None:
        raise InvalidParameterException(
            "Invalid AttributeDataType input, consider using the provided AttributeDataType enum."
        )
    developer_only = bool(item.get("DeveloperOnlyAttribute", False))
    entry: JsonObject = {
        "Name": ("dev:custom:" if developer_only else "custom:") + raw_name,
        "AttributeDataType": data_type,
        "DeveloperOnlyAttribute": developer_only,
        "Mutable": bool(item.get("Mutable", True)),
        "Required": False,
    }
    names = _Names(raw_name, "custom:" + raw_name)
    if data_type == "String":
        entry["StringAttributeConstraints"] = _string_constraints(
            names, object_member(item, "StringAttributeConstraints"), default_max="2048"
        )
    elif data_type == "Number":
        entry["NumberAttributeConstraints"] = _number_constraints(
            names, object_member(item, "NumberAttributeConstraints")
        )
    return entry


def csv_header(schema: Iterable[JsonObject]) -> list[str]:
    """GetCSVHeader's columns: importable attributes, then Cognito's own two."""
    columns = [name for name in map(entry_name, schema) if name not in _NOT_IN_CSV]
    return [*columns, "cognito:mfa_enabled", "cognito:username"]


def entry_name(entry: JsonObject) -> str:
    """The Name of a schema entry the server built (every one has a name)."""
    return text_member(entry, "Name") or ""


def _requested_name(item: JsonObject) -> str:
    """The Name of a requested SchemaAttributeType (api/ has checked AddCustomAttributes')."""
    name = item.get("Name")
    if not isinstance(name, str) or not name:
        raise InvalidParameterException("Every schema attribute needs a Name.")
    return name


def _apply_standard(entry: JsonObject, item: JsonObject) -> None:
    name = entry_name(entry)
    data_type = item.get("AttributeDataType")
    if (data_type is not None and data_type != entry["AttributeDataType"]) or item.get(
        "DeveloperOnlyAttribute"
    ):
        raise InvalidParameterException(
            "You can not change AttributeDataType or set developerOnlyAttribute for standard "
            f"schema attribute {name}"
        )
    if name in _FIXED:
        if any(key in item for key in ("Mutable", "Required")) and (
            item.get("Mutable", entry["Mutable"]) != entry["Mutable"]
            or item.get("Required", entry["Required"]) != entry["Required"]
        ):
            raise InvalidParameterException(f"{name}: this attribute cannot be changed.")
        return
    if "Mutable" in item:
        entry["Mutable"] = bool(item["Mutable"])
    if "Required" in item:
        entry["Required"] = bool(item["Required"])
    names = _Names(name, name)
    if "StringAttributeConstraints" in item and entry["AttributeDataType"] == "String":
        entry["StringAttributeConstraints"] = _string_constraints(
            names,
            object_member(item, "StringAttributeConstraints"),
            default_max="2048",
            default_min="0",
        )
    if "NumberAttributeConstraints" in item and entry["AttributeDataType"] == "Number":
        entry["NumberAttributeConstraints"] = _number_constraints(
            names, object_member(item, "NumberAttributeConstraints")
        )


@dataclass(frozen=True, slots=True)
class _Names:
    """How refusals name an attribute: as the request does, and as users' attributes do."""

    requested: str
    attribute: str


def _base_name(name: str) -> str:
    """``custom:x`` for both ``custom:x`` and ``dev:custom:x``."""
    return name.removeprefix("dev:")


def _string_constraints(
    names: _Names,
    given: JsonObject,
    *,
    default_max: str,
    default_min: str | None = None,
) -> JsonObject:
    result: JsonObject = {}
    minimum = text_member(given, "MinLength")
    if minimum is None:
        minimum = default_min
    maximum = text_member(given, "MaxLength")
    if maximum is None:
        maximum = default_max
    if minimum is not None:
        result["MinLength"] = minimum
    result["MaxLength"] = maximum
    kind = "StringAttributeConstraints"
    low = _non_negative(names, kind, minimum or "0")
    high = _non_negative(names, kind, maximum)
    if max(low, high) > 2048:
        raise InvalidParameterException(
            f"user.{names.attribute}: String attributes cannot have a length of more than 2048"
        )
    if low > high:
        raise InvalidParameterException(
            f"user.{names.attribute}: Max length cannot be less than min length."
        )
    return result


def _number_constraints(names: _Names, given: JsonObject) -> JsonObject:
    result: JsonObject = dict(given)
    kind = "NumberAttributeConstraints"
    low_text, high_text = text_member(given, "MinValue"), text_member(given, "MaxValue")
    low = None if low_text is None else _non_negative(names, kind, low_text)
    high = None if high_text is None else _non_negative(names, kind, high_text)
    if low is not None and high is not None and low > high:
        raise InvalidParameterException(
            f"user.{names.attribute}: Max value cannot be less than min value."
        )
    return result


def _non_negative(names: _Names, kind: str, text: str) -> int:
    """A constraint's value: a non-negative integer, in ASCII digits."""
    try:
        if text.isascii() and text.isdigit():
            return int(text)
    except ValueError:  # more digits than Python converts
        pass
    raise InvalidParameterException(f"Invalid {kind} for schema attribute {names.requested}")

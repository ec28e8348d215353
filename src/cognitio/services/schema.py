"""A user pool's attribute schema: the standard attributes Cognito gives every pool, custom ones.

Facts from Cognito's developer guide ("User pool attributes") and its DescribeUserPool answers:
every pool carries the OIDC standard attributes below, in this order; custom attributes are
named ``custom:<name>`` (``dev:custom:<name>`` when developer-only), are never required, and a
pool holds at most 50 of them.
"""

from __future__ import annotations

from typing import Any

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


def standard_schema() -> list[dict[str, Any]]:
    """A fresh copy of the standard attributes, as DescribeUserPool lists them."""
    schema = []
    for name, data_type, mutable, required, constraints in _STANDARD:
        entry: dict[str, Any] = {
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


def build_schema(requested: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The schema of a new pool: standard attributes with requested changes, then custom ones."""
    schema = standard_schema()
    by_name = {entry["Name"]: entry for entry in schema}
    seen: set[str] = set()
    custom: list[dict[str, Any]] = []
    for item in requested:
        name = item["Name"]
        if name in seen:
            raise InvalidParameterException(f"Duplicate attribute name in schema: {name}")
        seen.add(name)
        if name in STANDARD_NAMES:
            _apply_standard(by_name[name], item)
        else:
            custom.append(custom_attribute(item))
    return add_custom(schema, custom)


def add_custom(schema: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Append custom attributes, refusing duplicates and the 51st."""
    existing = {entry["Name"] for entry in schema}
    for entry in new:
        if entry["Name"] in existing:
            raise InvalidParameterException(
                f"{entry['Name']}: Existing attribute already has name {entry['Name']}."
            )
        existing.add(entry["Name"])
    count = sum(1 for entry in schema if entry["Name"] not in STANDARD_NAMES) + len(new)
    if count > MAX_CUSTOM_ATTRIBUTES:
        raise InvalidParameterException(
            f"A user pool can have at most {MAX_CUSTOM_ATTRIBUTES} custom attributes."
        )
    return schema + new


def custom_attribute(item: dict[str, Any]) -> dict[str, Any]:
    """A custom attribute as Cognito stores it, from a SchemaAttributeType request."""
    raw_name = item["Name"]
    if raw_name.startswith(("custom:", "dev:")):
        raise InvalidParameterException(
            f"Custom attribute name {raw_name} must not carry a prefix; Cognito adds custom:"
        )
    if item.get("Required"):
        raise InvalidParameterException("Required custom attributes are not supported currently.")
    data_type = item.get("AttributeDataType", "String")
    developer_only = bool(item.get("DeveloperOnlyAttribute", False))
    entry: dict[str, Any] = {
        "Name": ("dev:custom:" if developer_only else "custom:") + raw_name,
        "AttributeDataType": data_type,
        "DeveloperOnlyAttribute": developer_only,
        "Mutable": bool(item.get("Mutable", True)),
        "Required": False,
    }
    if data_type == "String":
        entry["StringAttributeConstraints"] = _string_constraints(
            raw_name, item.get("StringAttributeConstraints"), default_max="2048"
        )
    elif data_type == "Number":
        entry["NumberAttributeConstraints"] = _number_constraints(
            raw_name, item.get("NumberAttributeConstraints")
        )
    return entry


def csv_header(schema: list[dict[str, Any]]) -> list[str]:
    """GetCSVHeader's columns: importable attributes, then Cognito's own two."""
    columns = [entry["Name"] for entry in schema if entry["Name"] not in _NOT_IN_CSV]
    return [*columns, "cognito:mfa_enabled", "cognito:username"]


def _apply_standard(entry: dict[str, Any], item: dict[str, Any]) -> None:
    name = entry["Name"]
    data_type = item.get("AttributeDataType")
    if data_type is not None and data_type != entry["AttributeDataType"]:
        raise InvalidParameterException(
            f"{name}: the standard attribute's type is {entry['AttributeDataType']}, "
            f"not {data_type}."
        )
    if item.get("DeveloperOnlyAttribute"):
        raise InvalidParameterException(
            f"{name}: DeveloperOnlyAttribute applies to custom attributes only."
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
    if "StringAttributeConstraints" in item and entry["AttributeDataType"] == "String":
        entry["StringAttributeConstraints"] = _string_constraints(
            name, item["StringAttributeConstraints"], default_max="2048", default_min="0"
        )
    if "NumberAttributeConstraints" in item and entry["AttributeDataType"] == "Number":
        entry["NumberAttributeConstraints"] = _number_constraints(
            name, item["NumberAttributeConstraints"]
        )


def _string_constraints(
    name: str, given: dict[str, str] | None, *, default_max: str, default_min: str | None = None
) -> dict[str, str]:
    given = given or {}
    result: dict[str, str] = {}
    if "MinLength" in given or default_min is not None:
        result["MinLength"] = given.get("MinLength", default_min or "0")
    result["MaxLength"] = given.get("MaxLength", default_max)
    low, high = _integer(name, result.get("MinLength", "0")), _integer(name, result["MaxLength"])
    if high > 2048 or low > high:
        raise InvalidParameterException(
            f"{name}: string length constraints must satisfy 0 <= MinLength <= MaxLength <= 2048."
        )
    return result


def _number_constraints(name: str, given: dict[str, str] | None) -> dict[str, str]:
    result = dict(given or {})
    low = _integer(name, result["MinValue"]) if "MinValue" in result else None
    high = _integer(name, result["MaxValue"]) if "MaxValue" in result else None
    if low is not None and high is not None and low > high:
        raise InvalidParameterException(f"{name}: MinValue must not exceed MaxValue.")
    return result


def _integer(name: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise InvalidParameterException(f"{name}: constraint {text!r} is not an integer.") from None

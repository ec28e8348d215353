"""User attributes checked against the pool's schema, as Cognito checks them.

Facts from the developer guide's "User pool attributes" page and Cognito's answers: every value is
a string; `email` must look like an address and `phone_number` must be E.164 (`+` and up to 15
digits); Boolean attributes (`*_verified`) take "true"/"false" in any case, stored lower-case;
Number attributes take integers; string lengths follow the schema's constraints; a required
attribute must be present when a user is created; an immutable attribute can be set once, at
creation; `sub` is Cognito's own.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping

from cognitio.documents import JsonObject, object_member, text_member
from cognitio.errors import InvalidParameterException
from cognitio.messaging.addresses import is_email_address

_PHONE = re.compile(r"^\+[0-9]{4,15}$")
_BOOLEAN_VALUES = ("true", "false")
# Attributes Cognito manages itself; nobody writes them through the API.
READ_ONLY = frozenset({"sub", "identities"})
VERIFIED_FLAGS = {"email": "email_verified", "phone_number": "phone_number_verified"}
_FLAG_NAMES = frozenset(VERIFIED_FLAGS.values())
MAX_VALUE_CHARS = 2048


def schema_by_name(schema: Iterable[JsonObject]) -> dict[str, JsonObject]:
    """The schema's entries (SchemaAttributeType documents) by attribute name."""
    return {text_member(entry, "Name") or "": entry for entry in schema}


def as_dict(attributes: list[dict[str, str]] | None) -> dict[str, str]:
    """Cognito's ``[{"Name", "Value"}]`` list as a dict; a name given twice is an error.

    The verified flags come out canonical ("True" is "true"), so every later check reads them
    one way.
    """
    result: dict[str, str] = {}
    for item in attributes or []:
        name = item["Name"]
        if name in result:
            raise InvalidParameterException(f"Duplicate attribute name: {name}")
        value = item.get("Value", "")
        result[name] = _canonical_boolean(value) if name in _FLAG_NAMES else value
    return result


def canonical_values(schema: Iterable[JsonObject], attributes: Mapping[str, str]) -> dict[str, str]:
    """The attributes with every Boolean value of the schema in lower case, as it is stored."""
    booleans = {
        text_member(entry, "Name")
        for entry in schema
        if entry.get("AttributeDataType") == "Boolean"
    }
    return {
        name: _canonical_boolean(value) if name in booleans else value
        for name, value in attributes.items()
    }


def _canonical_boolean(value: str) -> str:
    lowered = value.lower()
    return lowered if lowered in _BOOLEAN_VALUES else value


def as_list(attributes: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Name": name, "Value": value} for name, value in attributes.items()]


def _schema_error(detail: str) -> InvalidParameterException:
    return InvalidParameterException(f"Attributes did not conform to the schema: {detail}")


def check_values(
    schema: Mapping[str, JsonObject],
    values: Mapping[str, str],
    *,
    existing: Mapping[str, str] | None = None,
) -> None:
    """Each value fits its attribute; immutable ones are only set when ``existing`` lacks them."""
    for name, value in values.items():
        entry = schema.get(name)
        if entry is None:
            raise _schema_error(f"Type for attribute {{{name}}} could not be determined")
        if name in READ_ONLY or (
            existing is not None and not entry.get("Mutable", True) and name in existing
        ):
            raise InvalidParameterException(f"user.{name}: Attribute cannot be updated.")
        _check_value(name, entry, value)


def check_required(schema: Mapping[str, JsonObject], values: Mapping[str, str]) -> None:
    """Every required attribute has a value."""
    for name, entry in schema.items():
        if entry.get("Required") and name not in READ_ONLY and not values.get(name):
            raise _schema_error(f"{name}: The attribute is required")


def check_deletable(schema: Mapping[str, JsonObject], names: Iterable[str]) -> None:
    names = list(names)
    unknown = [name for name in names if name not in schema]
    if unknown:
        # Cognito's text: one newline-terminated line per unknown attribute.
        raise InvalidParameterException(
            "Invalid user attributes: "
            + "".join(f"user.{name}: Attribute does not exist in the schema.\n" for name in unknown)
        )
    for name in names:
        entry = schema[name]
        if name in READ_ONLY or not entry.get("Mutable", True):
            raise InvalidParameterException(f"user.{name}: Attribute cannot be updated.")
        if entry.get("Required"):
            raise InvalidParameterException(f"user.{name}: Required attribute cannot be deleted.")


def _check_value(name: str, entry: JsonObject, value: str) -> None:
    if len(value) > MAX_VALUE_CHARS:
        raise _schema_error(f"{name}: String must be no longer than {MAX_VALUE_CHARS} characters")
    kind = entry.get("AttributeDataType", "String")
    if name == "email" and value and not is_email_address(value):
        raise InvalidParameterException("Invalid email address format.")
    if name == "phone_number" and value and not _PHONE.match(value):
        raise InvalidParameterException("Invalid phone number format.")
    if kind == "Boolean" and value.lower() not in _BOOLEAN_VALUES:
        raise _schema_error(f"{name}: Value must be either true or false")
    if kind == "Number":
        _check_number(name, object_member(entry, "NumberAttributeConstraints"), value)
    if kind == "String":
        limits = object_member(entry, "StringAttributeConstraints")
        low = int(text_member(limits, "MinLength") or "0")
        high = int(text_member(limits, "MaxLength") or "2048")
        if not low <= len(value) <= high:
            raise _schema_error(f"{name}: String must be between {low} and {high} characters long")


def _check_number(name: str, limits: JsonObject, value: str) -> None:
    try:
        number = int(value)
    except ValueError:
        raise _schema_error(f"{name}: Number must be an integer") from None
    low, high = text_member(limits, "MinValue"), text_member(limits, "MaxValue")
    if low is not None and number < int(low):
        raise _schema_error(f"{name}: Number must be at least {low}")
    if high is not None and number > int(high):
        raise _schema_error(f"{name}: Number must be at most {high}")


def check_client_may_write(allowed: Collection[str] | None, names: Iterable[str]) -> None:
    """A public operation writes only what the app client's WriteAttributes (``allowed``;
    None when it names none) allow."""
    for name in names:
        # Only an administrator marks an address verified; users prove it with a code.
        permitted = name not in VERIFIED_FLAGS.values() and (
            name in allowed
            if allowed is not None
            else not name.startswith("dev:") and name not in READ_ONLY
        )
        if not permitted:
            raise InvalidParameterException("A client attempted to write unauthorized attribute")

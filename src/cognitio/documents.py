"""JSON documents, typed as JSON: what the code holds when a value is JSON by nature.

A pool's stored settings, a trigger's event and its function's answer, a token's claims, a
sealed Session's data and WebAuthn options are documents whose members the code reads but does
not own. They are typed :data:`JsonObject` rather than ``dict[str, Any]``, so mypy makes every
read narrow the member it takes (``isinstance``, or the readers below) instead of trusting it.

The readers are for documents the server wrote itself (stored settings, sealed data): a member
of the wrong type there is a bug or a damaged row, so they raise :class:`DocumentError` naming
the member. Documents from outside (a function's answer, a token) are narrowed where they
arrive, with the error Cognito answers for them.
"""

from __future__ import annotations

from typing import TypeAlias

JsonValue: TypeAlias = "str | int | float | bool | list[JsonValue] | dict[str, JsonValue] | None"
JsonObject: TypeAlias = dict[str, JsonValue]
JsonArray: TypeAlias = list[JsonValue]


class DocumentError(ValueError):
    """A member of a server-written document does not have the type the code expects."""


def as_object(value: JsonValue, what: str = "document") -> JsonObject:
    """``value`` as an object; None counts as an empty one."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise DocumentError(f"{what} is not an object")
    return value


def object_member(document: JsonObject, name: str) -> JsonObject:
    """The object member ``name`` (absent or null: an empty object)."""
    return as_object(document.get(name), name)


def objects_member(document: JsonObject, name: str) -> list[JsonObject]:
    """The list-of-objects member ``name`` (absent or null: empty)."""
    value = document.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise DocumentError(f"{name} is not a list")
    return [as_object(item, name) for item in value]


def text_member(document: JsonObject, name: str) -> str | None:
    """The string member ``name`` (absent or null: None)."""
    value = document.get(name)
    if value is None or isinstance(value, str):
        return value
    raise DocumentError(f"{name} is not a string")


def texts_member(document: JsonObject, name: str) -> tuple[str, ...]:
    """The list-of-strings member ``name`` (absent or null: empty)."""
    value = document.get(name)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise DocumentError(f"{name} is not a list of strings")
    return tuple(str(item) for item in value)


def flag_member(document: JsonObject, name: str) -> bool:
    """The boolean member ``name`` (absent or null: False)."""
    value = document.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise DocumentError(f"{name} is not a boolean")
    return value


def int_member(document: JsonObject, name: str) -> int | None:
    """The integer member ``name`` (absent or null: None); a boolean is not an integer."""
    value = document.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise DocumentError(f"{name} is not an integer")
    return value

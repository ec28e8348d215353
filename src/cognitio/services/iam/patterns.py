"""Wildcard patterns and policy variables, matched without regular expressions.

IAM's ``*`` (any run of characters) and ``?`` (any one character) appear in Action, Resource and
the ``...Like``/``Arn...`` condition values; ``${key}`` and ``${key, 'default'}`` are replaced by
the request's value for ``key``, and ``${*}``, ``${?}`` and ``${$}`` stand for those characters
themselves. A substituted value is literal text: a ``*`` in it matches only ``*``.
(IAM User Guide, "IAM policy elements: Variables and tags".)

Matching splits a pattern at its stars and finds each piece leftmost in turn, which is exact for
globs and needs no backtracking: a piece without ``?`` is found with ``str.find``, so matching
takes time linear in the text for a given pattern, whatever either holds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum


class Wild(Enum):
    """A wildcard in a pattern."""

    STAR = "*"
    ONE = "?"


@dataclass(frozen=True)
class Variable:
    """``${key}`` or ``${key, 'default'}``."""

    key: str
    default: str | None = None


Part = str | Wild | Variable
Resolved = tuple[str | Wild, ...]
ContextValue = str | tuple[str, ...]

_KEY = re.compile(r"^[A-Za-z0-9_.:/+=@-]+:[A-Za-z0-9_.:/+=@-]+$")
_DEFAULT = re.compile(r"^\s*,\s*'([^']*)'\s*$")
_ESCAPES = {"*": "*", "?": "?", "$": "$"}
# Keys that hold several values, which IAM does not let a variable stand for.
MULTIVALUED_KEYS = frozenset(
    {"cognito-identity.amazonaws.com:amr", "aws:tagkeys", "aws:calledvia"}
    | {"aws:principalservicenameslist"}
)


class PatternError(ValueError):
    """A pattern that cannot be read (an unterminated or malformed ``${...}``)."""


def compile_pattern(text: str, *, variables: bool, wildcards: bool) -> tuple[Part, ...]:
    """``text`` as parts; ``variables`` reads ``${...}``, ``wildcards`` reads ``*`` and ``?``."""
    parts: list[Part] = []
    literal: list[str] = []

    def flush() -> None:
        if literal:
            parts.append("".join(literal))
            literal.clear()

    index = 0
    while index < len(text):
        char = text[index]
        if variables and text.startswith("${", index):
            end = text.find("}", index + 2)
            if end < 0:
                raise PatternError("a '${' has no closing '}'")
            body = text[index + 2 : end]
            if body in _ESCAPES:
                literal.append(_ESCAPES[body])
            else:
                flush()
                parts.append(_variable(body))
            index = end + 1
            continue
        if wildcards and char in "*?":
            flush()
            wild = Wild(char)
            # A run of stars matches what one star does.
            if not (wild is Wild.STAR and parts and parts[-1] is Wild.STAR):
                parts.append(wild)
        else:
            literal.append(char)
        index += 1
    flush()
    return tuple(parts)


def _variable(body: str) -> Variable:
    key, comma, rest = body.partition(",")
    key = key.strip()
    if not _KEY.match(key):
        raise PatternError(f"'${{{body}}}' is not a policy variable such as ${{aws:username}}")
    if key.lower() in MULTIVALUED_KEYS:
        raise PatternError(f"'${{{key}}}' holds several values and cannot be a policy variable")
    if not comma:
        return Variable(key)
    default = _DEFAULT.match(comma + rest)
    if default is None:
        raise PatternError(f"'${{{body}}}': a default is written ${{key, 'value'}}")
    return Variable(key, default.group(1))


def literal_pattern(parts: Sequence[Part]) -> Resolved:
    """A pattern read without variables, as it is."""
    return tuple(part for part in parts if not isinstance(part, Variable))


def variables_in(parts: Sequence[Part]) -> tuple[Variable, ...]:
    """The variables ``parts`` hold."""
    return tuple(part for part in parts if isinstance(part, Variable))


def resolve(parts: Sequence[Part], context: Mapping[str, ContextValue]) -> Resolved | None:
    """``parts`` with each variable replaced by its literal value; None when one has no value.

    ``context`` is keyed by lower-case key names (IAM's keys are case-insensitive). A key with
    several values cannot stand in a variable, so it leaves the variable unresolved."""
    resolved: list[str | Wild] = []
    for part in parts:
        if not isinstance(part, Variable):
            resolved.append(part)
            continue
        value = context.get(part.key.lower())
        if isinstance(value, str):
            resolved.append(value)
        elif value is None and part.default is not None:
            resolved.append(part.default)
        else:
            return None
    return tuple(resolved)


def literal_text(parts: Resolved) -> str:
    """The text of a pattern read without wildcards (for equality operators)."""
    return "".join(part if isinstance(part, str) else part.value for part in parts)


def glob_match(parts: Resolved, text: str, *, fold_case: bool = False) -> bool:
    """Whether ``text`` matches the resolved pattern ``parts``."""
    pieces = _pieces(parts, fold_case)
    if fold_case:
        text = text.lower()
    if len(pieces) == 1:
        return _piece_at(pieces[0], text, 0) and _length(pieces[0]) == len(text)
    first, *middle, last = pieces
    if not _piece_at(first, text, 0):
        return False
    start = _length(first)
    end = len(text) - _length(last)
    if end < start or not _piece_at(last, text, end):
        return False
    for piece in middle:
        found = _find(piece, text, start, end)
        if found < 0:
            return False
        start = found + _length(piece)
    return True


# A piece is the text between two stars: literal runs and single-character wildcards.
_Piece = tuple[str | None, ...]


def _pieces(parts: Resolved, fold_case: bool) -> list[_Piece]:
    pieces: list[_Piece] = []
    current: list[str | None] = []
    for part in parts:
        if part is Wild.STAR:
            pieces.append(tuple(current))
            current = []
        elif part is Wild.ONE:
            current.append(None)
        elif isinstance(part, str) and part:
            current.append(part.lower() if fold_case else part)
    pieces.append(tuple(current))
    return pieces


def _length(piece: _Piece) -> int:
    return sum(1 if item is None else len(item) for item in piece)


def _piece_at(piece: _Piece, text: str, at: int) -> bool:
    position = at
    for item in piece:
        if item is None:
            if position >= len(text):
                return False
            position += 1
        else:
            if not text.startswith(item, position):
                return False
            position += len(item)
    return True


def _find(piece: _Piece, text: str, start: int, end: int) -> int:
    """The leftmost position in [start, end - len(piece)] where ``piece`` matches, or -1."""
    size = _length(piece)
    if all(item is not None for item in piece):
        literal = "".join(item for item in piece if item is not None)
        return text.find(literal, start, end)
    # Anchor on the longest literal run so a search for one costs a str.find, not a scan.
    offset, anchor = 0, ""
    position = 0
    for item in piece:
        if item is not None and len(item) > len(anchor):
            offset, anchor = position, item
        position += 1 if item is None else len(item)
    if not anchor:
        return start if end - start >= size else -1
    search = start + offset
    while True:
        hit = text.find(anchor, search, end - size + offset + len(anchor))
        if hit < 0:
            return -1
        if _piece_at(piece, text, hit - offset):
            return hit - offset
        search = hit + 1


def arn_match(parts: Resolved, text: str) -> bool:
    """ARN matching: each of the six colon-separated fields is matched on its own (a wildcard
    does not reach across a colon), the resource field taking any colons after the fifth."""
    if parts == (Wild.STAR,):
        return True
    fields = _split_fields(parts)
    values = text.split(":", 5)
    if len(fields) < 6 or len(values) < 6:
        return glob_match(parts, text)
    return all(glob_match(field, value) for field, value in zip(fields, values, strict=True))


def _split_fields(parts: Resolved) -> list[Resolved]:
    fields: list[list[str | Wild]] = [[]]
    for part in parts:
        if isinstance(part, str) and ":" in part and len(fields) < 6:
            head, *rest = part.split(":")
            fields[-1].append(head)
            for index, piece in enumerate(rest):
                if len(fields) < 6:
                    fields.append([piece])
                else:
                    fields[-1].append(":" + ":".join(rest[index:]))
                    break
        else:
            fields[-1].append(part)
    return [tuple(field) for field in fields]

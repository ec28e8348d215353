"""Java regular expressions from the AWS models, run by Python's ``re``.

The ``pattern`` trait of a botocore/Smithy shape is evaluated by AWS with
``java.util.regex`` and must match the *whole* value
(https://smithy.io/2.0/spec/constraint-traits.html#pattern-trait). Cognito's
messages quote the pattern verbatim, so callers keep the original text and use
:func:`matcher` only to test values.

Differences from Python's ``re`` that matter for the Cognito models, and how
:func:`translate` bridges them:

- ``\\w``, ``\\d``, ``\\s`` and ``\\b`` are ASCII-only in Java by default; the
  result is compiled with :data:`re.ASCII`, which gives the same sets.
- ``.`` in Java excludes every line terminator (``\\n \\r \\u0085 \\u2028 \\u2029``);
  Python's excludes only ``\\n``, so outside ``(?s)`` it is spelled out.
- ``\\p{X}`` / ``\\P{X}`` (Unicode general categories: ``L``, ``Lu``, ``IsL``...)
  do not exist in ``re``. Spelling a category out as code-point ranges takes
  hundreds of ranges (unassigned code points split every block) and ~15 ms of
  ``re.compile`` per class. Instead, every non-ASCII character of a value is
  first replaced by a *representative*: the first BMP character with the same
  general category (line terminators stand for themselves). Every class these
  patterns can contain treats a character and its representative alike, so the
  class only needs the ASCII members of the category plus its representatives.
  ASCII-only values, the common case, are matched as they are.
- Java's ``matches()`` anchors both ends: :func:`matcher` uses ``fullmatch``.

Constructs that would change meaning silently (nested classes, ``&&``
intersections, ``\\Q..\\E`` quoting, non-ASCII literals, unknown letter escapes)
raise :class:`UnsupportedPattern`, so a new model release fails loudly in the
test that compiles every pattern of both models.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

# The general categories of the Unicode standard (UAX #44, section 5.7.1).
GENERAL_CATEGORIES = (
    *("Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Pc", "Pd", "Ps", "Pe"),
    *("Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So", "Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co", "Cn"),
)
# Java's line terminators beyond ASCII; '.' must keep telling them apart.
_LINE_TERMINATORS = frozenset((0x85, 0x2028, 0x2029))
# Java's '.' without DOTALL: anything but a line terminator.
_JAVA_DOT = "[^\\n\\r\\x85\\u2028\\u2029]"
# Escapes whose meaning Java and Python (with re.ASCII) share.
_SHARED_LETTER_ESCAPES = frozenset("wWdDsSbBtnrf")
_PROPERTY_NAME = re.compile(r"\{(?:Is)?([A-Z][A-Za-z&]?)\}|([A-Z])")
_HEX_ESCAPE = re.compile(r"\\x([0-9A-Fa-f]{2})|\\u([0-9A-Fa-f]{4})")


class UnsupportedPattern(ValueError):
    """A Java regex construct this translator does not handle."""


def _key(code_point: int) -> tuple[str, bool]:
    return unicodedata.category(chr(code_point)), code_point in _LINE_TERMINATORS


@functools.cache
def _representatives() -> dict[tuple[str, bool], int]:
    """First non-ASCII BMP code point of each (category, is line terminator) pair."""
    found: dict[tuple[str, bool], int] = {}
    for code_point in range(0x80, 0x10000):
        found.setdefault(_key(code_point), code_point)
    return found


class _Canonical(dict[int, int]):
    """A ``str.translate`` table sending each code point to its representative."""

    def __missing__(self, code_point: int) -> int:
        if code_point < 0x80:
            # Kept too: a miss costs a Python call, a hit none (1 MiB of ASCII around one
            # non-ASCII character would take seconds).
            self[code_point] = code_point
            return code_point
        # Every general category has BMP members, so a representative is always
        # found; keeping the character is only a fallback.
        target = _representatives().get(_key(code_point), code_point)
        if code_point < 0x10000:  # bounded cache: astral input stays uncached
            self[code_point] = target
        return target


_CANONICAL = _Canonical()


def canonical(value: str) -> str:
    """``value`` with each non-ASCII character replaced by its representative."""
    return value if value.isascii() else value.translate(_CANONICAL)


def _categories(name: str) -> frozenset[str]:
    if name in ("L&", "LC"):
        return frozenset(("Lu", "Ll", "Lt"))
    chosen = frozenset(c for c in GENERAL_CATEGORIES if c == name or c[0] == name)
    if not chosen:
        raise UnsupportedPattern(f"unknown Unicode category {name!r}")
    return chosen


def _class_members(categories: frozenset[str]) -> str:
    """Class body for characters of ``categories`` once values are canonical."""
    members = [cp for cp in range(0x80) if unicodedata.category(chr(cp)) in categories]
    members += [cp for (category, _), cp in _representatives().items() if category in categories]
    return "".join(f"\\x{cp:02x}" if cp < 0x100 else f"\\u{cp:04x}" for cp in sorted(members))


def _property(pattern: str, at: int) -> tuple[str, int]:
    r"""The class body for ``\p..``/``\P..`` starting at ``at``, and where it ends."""
    match = _PROPERTY_NAME.match(pattern, at + 2)
    if match is None:
        raise UnsupportedPattern(f"unsupported property at {at} in {pattern!r}")
    categories = _categories(match.group(1) or match.group(2))
    if pattern[at + 1] == "P":
        categories = frozenset(GENERAL_CATEGORIES) - categories
    return _class_members(categories), match.end()


def _escape(pattern: str, at: int) -> tuple[str, int]:
    """Copy the escape at ``at`` if Java and Python read it alike."""
    hex_escape = _HEX_ESCAPE.match(pattern, at)
    if hex_escape is not None:
        if int(hex_escape.group(1) or hex_escape.group(2), 16) >= 0x80:
            raise UnsupportedPattern(f"non-ASCII escape in {pattern!r}")
        return hex_escape.group(), hex_escape.end()
    escaped = pattern[at + 1 : at + 2]
    if not escaped:
        raise UnsupportedPattern(f"trailing backslash in {pattern!r}")
    if escaped.isalnum() and escaped not in _SHARED_LETTER_ESCAPES:
        raise UnsupportedPattern(f"unsupported escape \\{escaped} in {pattern!r}")
    return pattern[at : at + 2], at + 2


def translate(pattern: str) -> tuple[str, bool]:
    """Python source for a Java regex (for ``re.ASCII``), and whether it uses ``\\p``."""
    if not pattern.isascii():
        raise UnsupportedPattern(f"non-ASCII literal in {pattern!r}")
    out: list[str] = []
    dotall = pattern.startswith("(?s)")
    uses_properties = in_class = False
    at = 0
    while at < len(pattern):
        char = pattern[at]
        if char == "\\":
            if pattern[at + 1 : at + 2] in ("p", "P"):
                body, at = _property(pattern, at)
                if in_class and pattern.startswith("-", at) and not pattern.startswith("-]", at):
                    # Java reads '-' after a class literally; the spelled-out
                    # body would turn it into a range.
                    raise UnsupportedPattern(f"'-' after a property in {pattern!r}")
                out.append(body if in_class else f"[{body}]")
                uses_properties = True
            else:
                text, at = _escape(pattern, at)
                out.append(text)
            continue
        if in_class:
            if char == "[" or pattern.startswith("&&", at):
                raise UnsupportedPattern(f"nested or intersected class in {pattern!r}")
            in_class = char != "]"
            # Python reserves '||' and '~~' for set operations; Java reads them
            # literally, as does Python once they are escaped.
            out.append("\\" + char if char in "|~" else char)
        elif char == "[":
            opening = "[^" if pattern.startswith("[^", at) else "["
            if pattern.startswith("]", at + len(opening)):
                raise UnsupportedPattern(f"class opening with ']' in {pattern!r}")
            out.append(opening)
            in_class = True
            at += len(opening)
            continue
        else:
            out.append(_JAVA_DOT if char == "." and not dotall else char)
        at += 1
    if in_class:
        raise UnsupportedPattern(f"unterminated class in {pattern!r}")
    return "".join(out), uses_properties


# Model patterns whose plain translation backtracks in more than linear time on a value that
# fails: ``[\S]+.*[\S]+`` takes seconds on 2 KB and hours on 1 MiB, and validation runs before
# any credential is checked. Each maps to a pattern that accepts exactly the same values and
# backtracks at most linearly (possessive quantifiers, atomic groups and lookaheads, which Java
# and Python 3.11's ``re`` share); messages keep quoting the original. tests/wire/test_patterns.py
# checks each pair for equal answers and every model pattern for speed on 1 MiB values.
_VISIBLE = "[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]"
_TEXT = "[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s*]"
_BLANK = "[ \\t\\x0B\\f]"  # Java's \s without its line terminators
LINEAR_FORMS: dict[str, str] = {
    # First and last character not blank, no line break, and any \x85, \u2028 or \u2029
    # (not blank, yet not matched by '.') outside the span from the first blank to the last.
    "^[\\S]+.*[\\S]+$": f"\\S(?:\\S*+{_BLANK}(?:.*{_BLANK})?)?\\S++",
    # '@' is itself in the class: all visible, with an '@' neither first nor last.
    f"{_VISIBLE}+@{_VISIBLE}+": f"{_VISIBLE}(?={_VISIBLE}*?@{_VISIBLE}){_VISIBLE}*+",
    # The placeholder's characters are in the class: the text contains it somewhere.
    f"{_TEXT}*\\{{####\\}}{_TEXT}*": f"(?={_TEXT}*?\\{{####\\}}){_TEXT}*+",
    f"{_TEXT}*\\{{##{_TEXT}*##\\}}{_TEXT}*": (f"(?=(?>{_TEXT}*?\\{{##){_TEXT}*?##\\}}){_TEXT}*+"),
    ".*\\{####\\}.*": "(?=.*?\\{####\\}).*+",
}


@functools.cache
def matcher(pattern: str) -> Callable[[str], object]:
    """A test, truthy when ``value`` matches the model's Java ``pattern`` as a whole."""
    source, uses_properties = translate(LINEAR_FORMS.get(pattern, pattern))
    fullmatch = re.compile(source, re.ASCII).fullmatch
    if not uses_properties:
        # Without \\p the classes judge non-ASCII characters exactly as Java does.
        return fullmatch
    return lambda value: fullmatch(canonical(value))

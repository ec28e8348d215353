"""Constraint checks and their messages, worded as AWS services word them.

AWS services built on Coral (AWS's service framework) share one message form.

A failure reads ``Value '<value>' at '<path>' failed to satisfy constraint:
<constraint>`` (``Value at`` when the value must not be echoed, ``Value null
at`` when it is missing), and a request's failures are joined into ``<n>
validation error(s) detected: <failure>; <failure>``. The constraint traits
themselves are described in https://smithy.io/2.0/spec/constraint-traits.html.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cognitio.wire.patterns import matcher

_ECHO_LIMIT = 256  # characters of a value quoted back in a message


def member_path(name: str) -> str:
    """Coral's spelling of a member in paths: the first letter lowered."""
    return name[:1].lower() + name[1:]


def _render(value: object) -> str:
    """Java's ``toString`` of a deserialised value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_render(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_render(v)}" for k, v in value.items()) + "}"
    return str(value)


def failure(value: object, path: str, constraint: str, echo: bool) -> str:
    """One Coral validation message; the value is shown only when ``echo``."""
    if not echo:
        return f"Value at '{path}' failed to satisfy constraint: {constraint}"
    shown = _render(value)
    if len(shown) > _ECHO_LIMIT:
        shown = shown[:_ECHO_LIMIT] + "..."
    return f"Value '{shown}' at '{path}' failed to satisfy constraint: {constraint}"


def summary(errors: list[str]) -> str:
    """Coral's one-line report of every collected failure."""
    plural = "s" if len(errors) > 1 else ""
    return f"{len(errors)} validation error{plural} detected: " + "; ".join(errors)


@dataclass(frozen=True, slots=True)
class Limits:
    """The constraint traits of one shape."""

    sized: bool  # bounds apply to len(value), not to the value itself
    low: int | None
    high: int | None
    pattern: str | None
    enum: tuple[str, ...] | None

    def _texts(self) -> tuple[str, str, str, str]:
        noun = "length" if self.sized else "value"
        return (
            f"Member must have {noun} less than or equal to {self.high}",
            f"Member must have {noun} greater than or equal to {self.low}",
            f"Member must satisfy regular expression pattern: {self.pattern}",
            f"Member must satisfy enum value set: [{', '.join(self.enum or ())}]",
        )

    def messages(self) -> list[str]:
        """Every declared constraint, in Coral's order: upper, lower bound, pattern, enum."""
        declared = (self.high, self.low, self.pattern, self.enum)
        return [
            text for text, value in zip(self._texts(), declared, strict=True) if value is not None
        ]

    def parts(self) -> tuple[int, int, Callable[[str], object] | None, frozenset[str] | None]:
        """The bounds (unbounded ends widened), the pattern test and the enum set."""
        low = -(2**64) if self.low is None else self.low
        high = 2**64 if self.high is None else self.high
        matches = matcher(self.pattern) if self.pattern is not None else None
        allowed = frozenset(self.enum) if self.enum is not None else None
        return low, high, matches, allowed

    def compile(self) -> Callable[[Any], list[str]]:
        """A function naming the constraints a converted value breaks (cheap when none)."""
        high_text, low_text, pattern_text, enum_text = self._texts()
        low, high, matches, allowed = self.parts()
        sized = self.sized

        def broken(value: Any) -> list[str]:
            size = len(value) if sized else value
            if (
                low <= size <= high
                and (matches is None or matches(value))
                and (allowed is None or value in allowed)
            ):
                return []
            if size > high:
                # Too long is reason enough: neither the pattern nor the enum is tried on an
                # oversized value, whose matching time would grow with what the caller sent.
                return [high_text]
            found = []
            if size < low:
                found.append(low_text)
            if matches is not None and not matches(value):
                found.append(pattern_text)
            if allowed is not None and value not in allowed:
                found.append(enum_text)
            return found

        return broken


def limits_of(spec: Mapping[str, Any]) -> Limits | None:
    """The constraints a shape declares, or ``None`` when it has none."""
    low, high, pattern, enum = (spec.get(k) for k in ("min", "max", "pattern", "enum"))
    if low is None and high is None and pattern is None and enum is None:
        return None
    sized = spec["type"] in ("string", "blob", "list", "map")
    return Limits(sized, low, high, pattern, tuple(enum) if enum is not None else None)

"""ListUsers' ``Filter``: ``name = "value"`` (equals) or ``name ^= "value"`` (starts with).

Grammar from the ListUsers API reference: an attribute name, an operator, and a value in double
quotes (a backslash escapes a quote or a backslash inside it); an empty filter lists everyone.
Cognito searches a fixed set of attributes; Cognitio searches any attribute, custom ones
included, plus ``username``, ``sub``, ``status`` (Enabled or Disabled) and ``cognito:user_status``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cognitio.errors import InvalidParameterException

_FILTER = re.compile(
    r'^\s*(?P<name>[A-Za-z0-9_:.\-]+)\s*(?P<op>\^=|=)\s*"(?P<value>(?:[^"\\]|\\.)*)"\s*$'
)
_ESCAPE = re.compile(r"\\(.)")


@dataclass(frozen=True, slots=True)
class UserFilter:
    name: str
    value: str
    prefix: bool


def parse(text: str | None) -> UserFilter | None:
    """The filter a ListUsers request names, or None for every user."""
    if text is None or not text.strip():
        return None
    match = _FILTER.match(text)
    if match is None:
        raise InvalidParameterException("Error while parsing filter.")
    value = _ESCAPE.sub(r"\1", match.group("value"))
    return UserFilter(name=match.group("name"), value=value, prefix=match.group("op") == "^=")

"""One email address, strictly: an RFC 5321 ``Mailbox`` (section 4.1.2) and nothing more.

A user's ``email`` attribute becomes the To header and the SMTP recipient of every code sent to
it, so it must name exactly one mailbox: no display name, no list (``a,b@c.d``), no angle
brackets, no quoted local part, no comments. What is stored is then exactly where mail goes.
The local part is a dot-atom (RFC 5322 section 3.2.3, UTF-8 allowed as in RFC 6531) and the
domain is dot-separated labels of letters, digits and hyphens. The pattern is linear: each
repetition is separated by a dot that no other part can match.
"""

from __future__ import annotations

import re
import unicodedata

# atext (RFC 5322 3.2.3) plus any non-ASCII character; controls and spaces are refused below.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\U0010ffff-]+"
_LETTER = r"[A-Za-z0-9\u0080-\U0010ffff]"
_LABEL = rf"{_LETTER}(?:[A-Za-z0-9\u0080-\U0010ffff-]*{_LETTER})?"
_ADDRESS = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})+")
MAX_LOCAL_PART = 64  # octets, RFC 5321 4.5.3.1.1
MAX_ADDRESS = 254  # a forward path of 256 octets less its angle brackets


def is_email_address(text: str) -> bool:
    """Whether *text* is one plain mailbox such as ``jane.doe@example.com``."""
    if len(text.encode()) > MAX_ADDRESS or _ADDRESS.fullmatch(text) is None:
        return False
    local = text.rpartition("@")[0]
    if len(local.encode()) > MAX_LOCAL_PART:
        return False
    # Non-ASCII may be letters, never separators, controls or invisible format characters.
    return not any(unicodedata.category(ch)[0] in "ZC" for ch in text if not ch.isascii())

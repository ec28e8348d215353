"""One place for redaction: a logging filter that masks secrets in whatever a log line holds.

``cognitio serve`` installs :class:`RedactingFilter` on every handler at start, so the lines of
every logger pass through it: ours, uvicorn's, and those of libraries and trigger handlers (a
handler that logs its UserMigration event, botocore logging request bodies at debug level). It
works on the formatted message and on the exception text, traceback included, by two rules:

- by name: the value after a key that names a secret, in JSON, Python reprs, ``key=value`` forms
  and query strings, and HTTP headers: passwords (``Password``, ``PreviousPassword``,
  ``PASSWORD``, ``NEW_PASSWORD``, ``TemporaryPassword``), codes (``code``, ``ConfirmationCode``,
  ``UserCode``, ``SOFTWARE_TOKEN_MFA_CODE``, ``EMAIL_OTP_CODE``...), tokens and Sessions
  (``AccessToken``, ``RefreshToken``, ``IdToken``, ``Session``, ``refresh_token``), secrets
  (``SECRET_HASH``, ``ClientSecret``, ``client_secret``, ``SecretAccessKey``, ``SecretCode``),
  SRP values (``SRP_A``, ``SRP_B``, ``SALT``, ``SECRET_BLOCK``, ``PASSWORD_CLAIM_SIGNATURE``),
  ``ANSWER``, ``code_verifier``, ``Authorization`` and ``Cookie``;
- by shape: JWTs (``eyJ…​.…​.…``), and long random-looking base64, base64url, base32 or hex runs
  (Sessions, refresh tokens, authorization codes, client and access-key secrets).

Every pattern is linear: each starts only at a word boundary and its repetitions are bounded or
cannot overlap, so a hostile string in a log line cannot make logging slow.
"""

from __future__ import annotations

import logging
import re
import traceback

MASK = "***"

# Words that make a key name a secret's; a key holding one of them anywhere (any case) is masked.
_NAME_WORDS = (
    "password|secret|token|session|signature|verifier|cookie|authorization|credential|"
    "csrf|passcode|srp_a|srp_b|salt|answer"
)
# A key made of word characters and hyphens (at most 64), containing a secret word or ending in
# "code" (code, ConfirmationCode, SMS_MFA_CODE; not CodeDeliveryDetails).
_KEY = rf"(?<![\w-])(?:[\w-]{{0,64}}?(?:{_NAME_WORDS})[\w-]{{0,64}}|[\w-]{{0,64}}?code)(?![\w-])"
# "Key": "value" | 'Key': 'value' | "Key": 123
_QUOTED_PAIR = re.compile(
    rf"(?P<head>(?P<q>[\"'])(?P<key>{_KEY})(?P=q)\s{{0,8}}:\s{{0,8}})"
    r"(?P<value>\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|-?[0-9][0-9.]*)",
    re.IGNORECASE,
)
# \"Key\": \"value\" (JSON inside a JSON string): the value ends at a \" before , } ] or space.
_ESCAPED_PAIR = re.compile(
    rf"(?P<head>\\\"(?P<key>{_KEY})\\\"\s{{0,8}}:\s{{0,8}})"
    r"(?P<value>\\\"[^\n]{0,4096}?\\\"(?=[,}\]\s]|$))",
    re.IGNORECASE,
)
# key=value | key='value' | key: value (headers, query strings, forms, reprs, kwargs)
_BARE_PAIR = re.compile(
    rf"(?P<head>(?P<key>{_KEY})(?:=|:[ \t]{{1,8}}))"
    r"(?P<value>\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|[^\s&,;'\"()\[\]{}<>]+)",
    re.IGNORECASE,
)
# ASGI header pairs: (b'authorization', b'AWS4-HMAC-SHA256 ...')
_HEADER_TUPLE = re.compile(
    r"(?P<head>b?(?P<q>[\"'])(?P<key>authorization|cookie|set-cookie|x-amz-security-token)"
    r"(?P=q),\s{0,8})(?P<value>b?'(?:[^'\\\n]|\\.)*'|b?\"(?:[^\"\\\n]|\\.)*\")",
    re.IGNORECASE,
)
# Authorization: <scheme> <credentials...> to the end of the line.
_AUTH_HEADER = re.compile(
    r"(?P<head>(?<![\w-])(?:authorization|proxy-authorization|cookie|set-cookie):[ \t]{0,8})"
    r"(?P<value>[^\r\n]+)",
    re.IGNORECASE,
)
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{0,8192}\.[A-Za-z0-9_-]{0,65536}\.[A-Za-z0-9_-]{0,8192}")
# A maximal run of base64 / base64url characters, 32 or longer (24 random bytes and more).
_RUN = re.compile(r"(?<![A-Za-z0-9+/_=-])[A-Za-z0-9+/_-]{32,}={0,2}(?![A-Za-z0-9+/_=-])")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def _looks_random(run: str) -> bool:
    """Whether a base64-alphabet run is a secret rather than a word, an id or a path."""
    if _UUID.fullmatch(run):
        return False
    digits = sum(ch.isdigit() for ch in run)
    upper = sum(ch.isupper() for ch in run)
    lower = sum(ch.islower() for ch in run)
    if "/" in run and "+" not in run and not (digits and upper and lower):
        return False  # a file path: /srv/cognitio/site-packages/...
    if digits and (upper or lower):
        return True  # hex, base32, lower-case alphanumerics, base64
    # No digit: random mixed case (a CamelCase name has far fewer capitals).
    return upper >= len(run) // 5 and lower >= len(run) // 5


def _mask_value(match: re.Match[str]) -> str:
    """The key as it was, the value masked inside its own quotes."""
    value, head = match.group("value"), match.group("head")
    for opening, closing in (('\\"', '\\"'), ("b'", "'"), ('b"', '"'), ('"', '"'), ("'", "'")):
        if value.startswith(opening) and value.endswith(closing) and len(value) > len(opening):
            return f"{head}{opening}{MASK}{closing}"
    return f"{head}{MASK}"


def redact(text: str) -> str:
    """*text* with every secret it holds replaced by ``***``."""
    text = _JWT.sub(MASK, text)
    text = _HEADER_TUPLE.sub(_mask_value, text)
    text = _AUTH_HEADER.sub(_mask_value, text)
    text = _QUOTED_PAIR.sub(_mask_value, text)
    text = _ESCAPED_PAIR.sub(_mask_value, text)
    text = _BARE_PAIR.sub(_mask_value, text)
    return _RUN.sub(lambda m: MASK if _looks_random(m.group(0)) else m.group(0), text)


class RedactingFilter(logging.Filter):
    """Masks secrets in a record's message and exception text before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep its parts, masked
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = redact(message), ()
        if record.exc_info and record.exc_info[0] is not None:
            text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            record.exc_text = redact(text)
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def install(filter_: logging.Filter | None = None) -> logging.Filter:
    """Put the filter on every handler of the root logger and of every logger configured so
    far (uvicorn's included); call it once logging is configured."""
    chosen = filter_ or RedactingFilter()
    loggers: list[logging.Logger] = [logging.getLogger()]
    loggers += [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    handlers = {id(handler): handler for logger in loggers for handler in logger.handlers}
    if logging.lastResort is not None:
        handlers[id(logging.lastResort)] = logging.lastResort
    for handler in handlers.values():
        if chosen not in handler.filters:
            handler.addFilter(chosen)
    return chosen

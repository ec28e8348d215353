"""A user pool's password rules: the PasswordPolicy check and temporary passwords.

Rules from "Adding user pool password requirements" in the Cognito Developer Guide
(https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-policies.html):
letters and numbers are Basic Latin only; the special characters are
``^ $ * . [ ] { } ( ) ? " ! @ # % & / \\ , > < ' : ; | _ ~ ` = + -`` and "the space character is
also treated as a special character"; passwords "can be up to 256 characters in length".

Cognito's answers, as reported by its users (it reports only the first rule a password breaks):

- ``InvalidPasswordException`` with ``<prefix>: <reason>``, where the reason is one of
  ``Password not long enough`` and ``Password must have uppercase|lowercase|numeric|symbol
  characters``. The prefix depends on the operation: SignUp says ``Password did not conform
  with policy``, AdminCreateUser ``Password did not conform with password policy``,
  ConfirmForgotPassword and the NEW_PASSWORD_REQUIRED answer ``Password does not conform to
  policy``. Which of the rules comes first when several break is not reported; the order here
  is the policy's own (length, uppercase, lowercase, numbers, symbols).
- ``InvalidParameterException`` for the limits that hold whatever the policy: 6 to 256
  characters and no whitespace at either end, in Coral's validation-error wording with the
  pattern ``^[\\S]+.*[\\S]+$`` that Cognito now reports (botocore's model still says ``[\\S]+``).
"""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass

from cognitio.documents import JsonObject, flag_member, int_member
from cognitio.errors import InvalidParameterException, InvalidPasswordException

MIN_LENGTH = 6
MAX_LENGTH = 256
SYMBOLS = frozenset("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ")
UPPERCASE = frozenset(string.ascii_uppercase)
LOWERCASE = frozenset(string.ascii_lowercase)
DIGITS = frozenset(string.digits)

EDGE_PATTERN = r"^[\S]+.*[\S]+$"
# EDGE_PATTERN as Java runs it: ``\S`` is ASCII (not space, \t, \n, \x0b, \f, \r), ``.`` stops
# at Java's line terminators, and matches() must cover the whole value.
# Spelled so that it backtracks in linear time (the literal spelling takes hours on a long value
# that fails): first and last characters not blank, no line break, and no \x85, \u2028 or
# \u2029 between the first blank and the last.
_EDGES = re.compile(r"\S(?:\S*+[ \t\x0b\f](?:[^\n\r\x85\u2028\u2029]*[ \t\x0b\f])?)?\S++", re.ASCII)

_DEFAULT_PREFIX = "Password did not conform with policy"
_PREFIXES: dict[str, str] = {
    "SignUp": _DEFAULT_PREFIX,
    "AdminCreateUser": "Password did not conform with password policy",
    "ConfirmForgotPassword": "Password does not conform to policy",
    "RespondToAuthChallenge": "Password does not conform to policy",
    "AdminRespondToAuthChallenge": "Password does not conform to policy",
}


@dataclass(frozen=True, slots=True)
class PasswordPolicy:
    """A pool's PasswordPolicy; the defaults are what a policy that leaves a member out means."""

    minimum_length: int = 8
    require_uppercase: bool = False
    require_lowercase: bool = False
    require_numbers: bool = False
    require_symbols: bool = False
    temporary_password_validity_days: int = 7
    password_history_size: int = 0  # 0: reuse is not checked

    @classmethod
    def from_document(cls, policy: JsonObject) -> PasswordPolicy:
        """The policy in Cognito's PasswordPolicyType shape."""
        minimum_length = int_member(policy, "MinimumLength")
        validity_days = int_member(policy, "TemporaryPasswordValidityDays")
        return cls(
            minimum_length=8 if minimum_length is None else minimum_length,
            require_uppercase=flag_member(policy, "RequireUppercase"),
            require_lowercase=flag_member(policy, "RequireLowercase"),
            require_numbers=flag_member(policy, "RequireNumbers"),
            require_symbols=flag_member(policy, "RequireSymbols"),
            temporary_password_validity_days=7 if validity_days is None else validity_days,
            password_history_size=int_member(policy, "PasswordHistorySize") or 0,
        )

    def requires(self) -> tuple[tuple[bool, frozenset[str], str], ...]:
        """(required, characters that satisfy it, reason), in the order they are checked."""
        return (
            (self.require_uppercase, UPPERCASE, "Password must have uppercase characters"),
            (self.require_lowercase, LOWERCASE, "Password must have lowercase characters"),
            (self.require_numbers, DIGITS, "Password must have numeric characters"),
            (self.require_symbols, SYMBOLS, "Password must have symbol characters"),
        )


TEMPORARY_MIN_LENGTH = 12
# Symbols for generated passwords: the policy's set without the space (not allowed at the ends)
# and without characters that need escaping in the HTML or SMS invitation: " & ' < > \ `
_TEMPORARY_SYMBOLS = "^$*.[]{}()?!@#%/,:;|_~=+-"
_TEMPORARY_CLASSES = (
    string.ascii_uppercase,
    string.ascii_lowercase,
    string.digits,
    _TEMPORARY_SYMBOLS,
)


def check_policy(
    password: str,
    policy: PasswordPolicy,
    *,
    operation: str = "SignUp",
    member: str = "password",
) -> None:
    """Raise Cognito's error if *password* breaks the hard limits or the pool's PasswordPolicy.

    *operation* picks the wording of the policy message; *member* is the request member named
    in a validation error (``password``, ``temporaryPassword``, ``proposedPassword``).
    """
    _check_limits(password, member)
    prefix = _PREFIXES.get(operation, _DEFAULT_PREFIX)
    if len(password) < policy.minimum_length:
        raise InvalidPasswordException(f"{prefix}: Password not long enough")
    present = set(password)
    for required, characters, reason in policy.requires():
        if required and present.isdisjoint(characters):
            raise InvalidPasswordException(f"{prefix}: {reason}")


def _check_limits(password: str, member: str) -> None:
    constraints = []
    if len(password) > MAX_LENGTH:
        # Too long is reported alone: the pattern is not tried on an oversized value.
        constraints.append(f"Member must have length less than or equal to {MAX_LENGTH}")
    elif len(password) < MIN_LENGTH:
        constraints.append(f"Member must have length greater than or equal to {MIN_LENGTH}")
    if len(password) <= MAX_LENGTH and not _EDGES.fullmatch(password):
        constraints.append(f"Member must satisfy regular expression pattern: {EDGE_PATTERN}")
    if constraints:
        # The password is never echoed: "Value at", not "Value '...' at".
        failures = [f"Value at '{member}' failed to satisfy constraint: {c}" for c in constraints]
        plural = "s" if len(failures) > 1 else ""
        raise InvalidParameterException(
            f"{len(failures)} validation error{plural} detected: " + "; ".join(failures)
        )


def generate_temporary_password(policy: PasswordPolicy) -> str:
    """A random password that satisfies *policy*: every character class, at least 12 long."""
    length = max(policy.minimum_length, TEMPORARY_MIN_LENGTH)
    # One of each class whatever the policy asks, so the result passes any policy.
    characters = [secrets.choice(chars) for chars in _TEMPORARY_CLASSES]
    alphabet = "".join(_TEMPORARY_CLASSES)
    characters += [secrets.choice(alphabet) for _ in range(length - len(characters))]
    secrets.SystemRandom().shuffle(characters)
    return "".join(characters)

"""Security review #1 (ReDoS): no value makes request validation slow.

Validation runs before any credential is checked, on values of up to 1 MiB, so every pattern
must run in linear time and a value that is already too long is not run through its pattern.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import signal
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.loaders import create_loader

from cognitio.errors import InvalidParameterException
from cognitio.services.security.passwords import PasswordPolicy, check_policy
from cognitio.wire.model import SHAPE_OVERRIDES, operations
from cognitio.wire.patterns import LINEAR_FORMS, canonical, matcher, translate

MIB = 1024 * 1024
# Generous: a linear pass over these values takes milliseconds; the patterns this replaces
# took hours.
SECONDS_PER_PATTERN = 5.0
# Characters that the models' classes tell apart: word, '@', blanks, line terminators (ASCII and
# not), a letter beyond ASCII, a control, and the placeholders' pieces.
BLOCKS = ("a", "@", " ", "\t", "\n", "\x85", "\u2028", "é", "\x00", "{####}", "{##", "##}", "#")
UNITS = ("a", "_", ":", "@", " ", "é", "a b", "{####}", "{##}")
ENDINGS = (" ", "\n", "\x00", "\u2028")


def every_pattern() -> set[str]:
    """Every pattern the front door compiles: both models, plus the project's overrides."""
    loader = create_loader()
    found = set()
    for service in ("cognito-idp", "cognito-identity"):
        for shape in loader.load_service_model(service, "service-2")["shapes"].values():
            if "pattern" in shape:
                found.add(shape["pattern"])
        for changes in SHAPE_OVERRIDES.get(service, {}).values():
            if "pattern" in changes:
                found.add(changes["pattern"])
    return found


def literal(pattern: str) -> Callable[[str], object]:
    """The pattern as written, without its linear form: the reference for what it accepts."""
    source, uses_properties = translate(pattern)
    fullmatch = re.compile(source, re.ASCII).fullmatch
    return (lambda value: fullmatch(canonical(value))) if uses_properties else fullmatch


@pytest.mark.parametrize("pattern", sorted(LINEAR_FORMS))
def test_each_linear_form_accepts_exactly_what_its_pattern_accepts(pattern: str) -> None:
    reference, linear = literal(pattern), matcher(pattern)
    tried = accepted = 0
    for size in range(5):
        for blocks in itertools.product(BLOCKS, repeat=size):
            value = "".join(blocks)
            expected = reference(value) is not None
            assert (linear(value) is not None) == expected, (pattern, value)
            tried += 1
            accepted += expected
    assert 0 < accepted < tried  # the sample tells the two answers apart


def adversarial(size: int) -> list[str]:
    """Values of ``size`` characters that keep a backtracking matcher busy before failing."""
    values = []
    for unit, ending in itertools.product(UNITS, ENDINGS):
        body = unit * (size // len(unit))
        values.append(body[: size - len(ending)] + ending)
    for first, second in itertools.combinations(("a", "@", " ", "#", "\u2028"), 2):
        values.append(((first + second) * (size // 2))[: size - 1] + "!")
    return values


class TooSlow(Exception):
    """Raised inside a match that has used up its time (``re`` checks for signals)."""


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds``, so a slow pattern fails instead of hanging."""

    def interrupt(signum: int, frame: object) -> None:
        raise TooSlow

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_every_pattern_runs_in_linear_time_on_1_mib_values() -> None:
    """The one timed test: each pattern gets a generous bound for all its adversarial values."""
    values = adversarial(MIB)
    slow = {}
    for pattern in sorted(every_pattern()):
        matches = matcher(pattern)
        started = time.monotonic()
        try:
            with deadline(SECONDS_PER_PATTERN):
                for value in values:
                    matches(value)
        except TooSlow:
            pass
        elapsed = time.monotonic() - started
        if elapsed >= SECONDS_PER_PATTERN:
            slow[pattern] = round(elapsed, 1)
    assert not slow


def invalid(operation: str, body: dict[str, Any]) -> str:
    with pytest.raises(InvalidParameterException) as caught:
        operations()[f"AWSCognitoIdentityProviderService.{operation}"].validate(body)
    return caught.value.message


def test_a_value_over_its_maximum_length_is_refused_on_its_length_alone() -> None:
    message = invalid("SignUp", {"ClientId": "c", "Username": "u", "Password": "a" * 300 + " "})
    assert message == (
        "1 validation error detected: Value at 'password' failed to satisfy constraint: "
        "Member must have length less than or equal to 256"
    )
    message = invalid("CreateUserPool", {"PoolName": "p", "MfaConfiguration": "X" * 4000})
    assert "length" not in message and "enum value set" in message  # no maximum: enum checked


def test_a_long_value_breaking_the_pattern_is_refused_at_once() -> None:
    with deadline(SECONDS_PER_PATTERN):
        message = invalid("SignUp", {"ClientId": "c", "Username": "u", "Password": "a" * MIB + " "})
        assert message.endswith("Member must have length less than or equal to 256")
        assert "length less than" in invalid(
            "UpdateUserPool",
            {"UserPoolId": "us-east-1_a", "EmailVerificationMessage": "{####}" * 100_000 + "\x00"},
        )


def test_a_long_new_password_is_checked_against_the_policy_at_once() -> None:
    """NEW_PASSWORD arrives in a map of up to 128 KiB values, past the wire's own check."""
    with deadline(SECONDS_PER_PATTERN), pytest.raises(InvalidParameterException) as caught:
        check_policy("a" * 131_072 + " ", PasswordPolicy(), member="NEW_PASSWORD")
    assert caught.value.message.endswith("Member must have length less than or equal to 256")


def test_an_oversized_password_in_sign_up_is_answered_at_once(make_server: Any) -> None:
    """The probe of the review: one unauthenticated SignUp used to hold the server for hours."""
    server = make_server("sqlite")
    server.start()
    body = json.dumps(
        {"ClientId": "nonexistentclient", "Username": "x", "Password": "a" * 500_000 + " "}
    )
    request = urllib.request.Request(
        server.url + "/",
        data=body.encode(),
        headers={
            "X-Amz-Target": "AWSCognitoIdentityProviderService.SignUp",
            "Content-Type": "application/x-amz-json-1.1",
        },
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=SECONDS_PER_PATTERN * 2)
    assert caught.value.code == 400
    assert json.loads(caught.value.read())["__type"] == "InvalidParameterException"

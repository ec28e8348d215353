"""SAML time values, read strictly and written as SAML writes them."""

from __future__ import annotations

import pytest

from cognitio.services.federation.saml import SamlRejected
from cognitio.services.federation.saml.instants import format_instant, instant_ms


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-12-05T22:41:45Z", 1_796_510_505_000),
        ("2026-12-05T22:41:45.123Z", 1_796_510_505_123),
        ("2026-12-05T22:41:45.123456789Z", 1_796_510_505_123),
        ("2026-12-05T23:41:45+01:00", 1_796_510_505_000),
        ("2026-12-05T22:41:45", 1_796_510_505_000),
    ],
)
def test_saml_times_are_read_as_epoch_milliseconds(value: str, expected: int) -> None:
    assert instant_ms(value, "IssueInstant") == expected


@pytest.mark.parametrize(
    "value",
    ["", "yesterday", "2026-13-05T22:41:45Z", "2026-12-05 22:41:45Z", "2026-12-05T22:41:45Z" * 4],
)
def test_anything_else_is_refused(value: str) -> None:
    with pytest.raises(SamlRejected) as caught:
        instant_ms(value, "NotOnOrAfter")
    assert caught.value.reason == "The assertion's NotOnOrAfter is not a valid time."


def test_times_round_trip() -> None:
    assert format_instant(1_796_510_505_123) == "2026-12-05T22:41:45.123Z"
    assert instant_ms(format_instant(1_796_510_505_007), "x") == 1_796_510_505_007

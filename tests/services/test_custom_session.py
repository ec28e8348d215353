"""A custom sign-in's steps travel in the sealed Session as JSON and come back as they were."""

from __future__ import annotations

import pytest

from cognitio.documents import DocumentError, JsonObject, JsonValue
from cognitio.services.signin.custom_session import read_steps, step, steps_document


def test_steps_come_back_from_the_session_data_as_they_were_sealed() -> None:
    steps = [step("SRP_A", True), step("CUSTOM_CHALLENGE", False, "captcha")]
    data: JsonObject = {"custom": steps_document(steps)}
    assert read_steps(data) == steps


def test_the_event_sees_every_member_of_each_step() -> None:
    assert steps_document([step("PASSWORD_VERIFIER", True)]) == [
        {"challengeName": "PASSWORD_VERIFIER", "challengeResult": True, "challengeMetadata": None}
    ]


def test_no_steps_and_an_empty_list_of_steps_differ() -> None:
    """A custom sign-in that asked for the password first has steps, even none."""
    assert read_steps({}) is None
    assert read_steps({"custom": []}) == []


@pytest.mark.parametrize(
    "custom",
    [
        "SRP_A",
        [{"challengeResult": True}],
        [{"challengeName": "SRP_A", "challengeResult": "yes"}],
        [{"challengeName": "SRP_A", "challengeResult": True, "challengeMetadata": 3}],
    ],
)
def test_a_damaged_step_is_a_document_error(custom: JsonValue) -> None:
    with pytest.raises(DocumentError):
        read_steps({"custom": custom})

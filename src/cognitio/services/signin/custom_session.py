"""The ``session`` of a CUSTOM_AUTH sign-in: its steps so far, one ChallengeResult each.

DefineAuthChallenge and CreateAuthChallenge see them as ``request.session`` (developer guide,
"Define Auth challenge Lambda trigger": ``challengeName``, ``challengeResult``,
``challengeMetadata`` per step); between challenges they travel in the sealed Session's data
under ``custom``.
"""

from __future__ import annotations

from typing import TypedDict

from cognitio.documents import (
    DocumentError,
    JsonArray,
    JsonObject,
    flag_member,
    objects_member,
    text_member,
)


class ChallengeResult(TypedDict):
    """One step of a custom sign-in: the challenge, whether it was passed, and the
    ``challengeMetadata`` CreateAuthChallenge gave it."""

    challengeName: str
    challengeResult: bool
    challengeMetadata: str | None


def step(name: str, result: bool, metadata: str | None = None) -> ChallengeResult:
    """One entry of the ``session`` DefineAuthChallenge sees."""
    return {"challengeName": name, "challengeResult": result, "challengeMetadata": metadata}


def steps_document(steps: list[ChallengeResult]) -> JsonArray:
    """The steps as JSON: an event's ``request.session``, or the sealed Session's ``custom``."""
    return [
        {
            "challengeName": entry["challengeName"],
            "challengeResult": entry["challengeResult"],
            "challengeMetadata": entry["challengeMetadata"],
        }
        for entry in steps
    ]


def read_steps(data: JsonObject) -> list[ChallengeResult] | None:
    """The steps a sealed Session's data carries; None when it carries none (the sign-in is
    not a custom one)."""
    if data.get("custom") is None:
        return None
    return [_read_step(entry) for entry in objects_member(data, "custom")]


def _read_step(entry: JsonObject) -> ChallengeResult:
    name = text_member(entry, "challengeName")
    if name is None:
        raise DocumentError("challengeName is missing")
    return step(
        name, flag_member(entry, "challengeResult"), text_member(entry, "challengeMetadata")
    )

"""A function's answer is JSON from outside: each member the server reads is narrowed, and a
member of the wrong type is Cognito's InvalidLambdaResponseException, never a server error."""

from __future__ import annotations

import pytest

from cognitio.documents import JsonObject, JsonValue
from cognitio.errors import InvalidLambdaResponseException
from cognitio.services.triggers.triggers import flag, mapping, string_map, strings, text


def test_members_of_the_right_type_are_read() -> None:
    answer: JsonObject = {"on": True, "name": "x", "claims": {"a": 1}, "scopes": ["s1", "s2"]}
    assert flag(answer, "on") is True
    assert text(answer, "name") == "x"
    assert mapping(answer["claims"]) == {"a": 1}
    assert strings(answer["scopes"]) == ["s1", "s2"]


def test_absent_or_null_members_read_as_empty() -> None:
    answer: JsonObject = {"gone": None}
    assert flag(answer, "missing") is False
    assert flag(answer, "gone") is False
    assert text(answer, "gone") is None
    assert mapping(answer.get("missing")) == {}
    assert strings(answer.get("gone")) == []


@pytest.mark.parametrize("value", ["true", 1, [], {}])
def test_a_flag_that_is_not_a_boolean_is_unrecognizable(value: JsonValue) -> None:
    with pytest.raises(InvalidLambdaResponseException, match="Unrecognizable lambda output"):
        flag({"on": value}, "on")


@pytest.mark.parametrize("value", [1, True, ["x"], {"x": "y"}])
def test_a_text_that_is_not_a_string_is_unrecognizable(value: JsonValue) -> None:
    with pytest.raises(InvalidLambdaResponseException, match="Unrecognizable lambda output"):
        text({"name": value}, "name")


@pytest.mark.parametrize("value", ["x", 1, [{"a": 1}]])
def test_a_mapping_that_is_not_an_object_is_unrecognizable(value: JsonValue) -> None:
    with pytest.raises(InvalidLambdaResponseException, match="Unrecognizable lambda output"):
        mapping(value)


@pytest.mark.parametrize("value", ["s1", {"s": 1}, ["s1", 2], ["s1", None], [["s1"]]])
def test_strings_that_are_not_a_list_of_strings_are_unrecognizable(value: JsonValue) -> None:
    with pytest.raises(InvalidLambdaResponseException, match="Unrecognizable lambda output"):
        strings(value)


def test_a_string_map_takes_scalars_as_text_and_leaves_out_nulls() -> None:
    assert string_map({"s": "x", "n": 5, "f": 1.5, "b": False, "gone": None}) == {
        "s": "x",
        "n": "5",
        "f": "1.5",
        "b": "false",
    }
    assert string_map(None) == {}


@pytest.mark.parametrize("value", ["x", ["a"], {"a": {"b": "c"}}, {"a": ["b"]}])
def test_a_string_map_with_structures_is_unrecognizable(value: JsonValue) -> None:
    with pytest.raises(InvalidLambdaResponseException, match="Unrecognizable lambda output"):
        string_map(value)

"""Wildcards and policy variables: IAM's ``*`` and ``?``, ``${key, 'default'}`` and the escapes."""

from __future__ import annotations

import pytest

from cognitio.services.iam.patterns import (
    PatternError,
    Resolved,
    Variable,
    Wild,
    arn_match,
    compile_pattern,
    glob_match,
    literal_pattern,
    resolve,
)


def _matches(
    pattern: str, text: str, context: dict[str, str | tuple[str, ...]] | None = None
) -> bool:
    resolved = resolve(compile_pattern(pattern, variables=True, wildcards=True), context or {})
    assert resolved is not None
    return glob_match(resolved, text)


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("abc", "abc", True),
        ("abc", "abcd", False),
        ("a*c", "abbbc", True),
        ("a*c", "ac", True),
        ("a?c", "abc", True),
        ("a?c", "ac", False),
        ("*", "", True),
        ("", "", True),
        ("", "x", False),
        ("*b*b*", "abxxb", True),
        ("*b*b*", "abx", False),
        ("a*b?d*e", "aXXbcdYYe", True),
        ("a*b?d*e", "aXXbcYYe", False),
        ("photos/*/x", "photos/a/b/x", True),
        ("??", "é!", True),
    ],
)
def test_star_matches_any_run_and_question_mark_one_character(
    pattern: str, text: str, expected: bool
) -> None:
    assert _matches(pattern, text) is expected


def test_escapes_stand_for_the_characters_themselves() -> None:
    assert _matches("a${*}b", "a*b")
    assert not _matches("a${*}b", "axb")
    assert _matches("a${?}b", "a?b")
    assert not _matches("a${?}b", "axb")
    assert _matches("cost${$}", "cost$")


def test_a_variable_takes_the_request_value_and_its_default_when_absent() -> None:
    pattern = "home/${aws:username, 'guest'}/*"
    assert _matches(pattern, "home/alice/file", {"aws:username": "alice"})
    assert not _matches(pattern, "home/bob/file", {"aws:username": "alice"})
    assert _matches(pattern, "home/guest/file")


def test_a_substituted_value_is_literal_text_not_a_wildcard() -> None:
    pattern = "home/${aws:username}/x"
    assert _matches(pattern, "home/*/x", {"aws:username": "*"})
    assert not _matches(pattern, "home/alice/x", {"aws:username": "*"})
    assert not _matches(pattern, "home/a/x", {"aws:username": "?"})


def test_a_variable_without_value_or_default_leaves_the_pattern_unresolved() -> None:
    parts = compile_pattern("x/${aws:username}", variables=True, wildcards=True)
    assert resolve(parts, {}) is None
    # A key with several values cannot stand in a variable.
    assert resolve(parts, {"aws:username": ("a", "b")}) is None


def test_variable_names_are_read_without_regard_to_case() -> None:
    parts = compile_pattern("${AWS:UserName}", variables=True, wildcards=True)
    assert parts == (Variable("AWS:UserName"),)
    assert resolve(parts, {"aws:username": "z"}) == ("z",)


def test_without_variables_the_dollar_brace_is_plain_text() -> None:
    parts = compile_pattern("a${x}*", variables=False, wildcards=True)
    assert parts == ("a${x}", Wild.STAR)


@pytest.mark.parametrize(
    "text",
    ["a${aws:username", "${}", "${nocolon}", "${aws:username, default}", "${aws:x, 'a', 'b'}"],
)
def test_a_malformed_variable_is_refused(text: str) -> None:
    with pytest.raises(PatternError):
        compile_pattern(text, variables=True, wildcards=True)


def test_a_multivalued_key_cannot_be_a_variable() -> None:
    with pytest.raises(PatternError, match="several values"):
        compile_pattern("${cognito-identity.amazonaws.com:amr}", variables=True, wildcards=True)


def test_arn_fields_are_matched_one_by_one() -> None:
    def arn(pattern: str, text: str) -> bool:
        return arn_match(
            literal_pattern(compile_pattern(pattern, variables=False, wildcards=True)), text
        )

    assert arn("arn:aws:s3:::photos/*", "arn:aws:s3:::photos/a:b/c")
    assert arn("arn:aws:iam::*:role/Admin", "arn:aws:iam::123456789012:role/Admin")
    # A star in the account field does not reach across the colons around it.
    assert not arn("arn:aws:iam::*:role/Admin", "arn:aws:iam::1:2:role/Admin")
    assert arn("*", "anything at all")
    assert not arn("arn:aws:s3:::b/*", "arn:aws:S3:::b/x")


def test_matching_long_adversarial_inputs_finishes() -> None:
    """The inputs that make a backtracking matcher exponential are linear here."""

    def glob(pattern: str) -> Resolved:
        return literal_pattern(compile_pattern(pattern, variables=False, wildcards=True))

    text = "a" * 200_000
    assert not glob_match(glob("*a" * 50 + "*b"), text)
    assert not glob_match(glob("*a" * 50 + "b*"), text)
    assert glob_match(glob("*a?a*"), text)
    # Every anchor hit fails late: the slowest case, len(text) x len(piece) steps.
    assert not glob_match(glob("*" + "a?" * 20 + "c*"), text[:50_000])

"""The models' Java patterns, run by Python: every one compiles and judges values as Java does."""

from __future__ import annotations

import unicodedata
import warnings

import pytest
from botocore.loaders import create_loader

from cognitio.wire.patterns import (
    GENERAL_CATEGORIES,
    UnsupportedPattern,
    _representatives,
    canonical,
    matcher,
)

USERNAME = r"[\p{L}\p{M}\p{S}\p{N}\p{P}]+"  # UsernameType, GroupNameType, RedirectUrlType...


def model_patterns() -> dict[str, str]:
    """Every distinct pattern of both models, with one shape that uses it."""
    loader = create_loader()
    found: dict[str, str] = {}
    for service in ("cognito-idp", "cognito-identity"):
        for name, shape in loader.load_service_model(service, "service-2")["shapes"].items():
            if "pattern" in shape:
                found.setdefault(shape["pattern"], name)
    return found


def test_every_pattern_of_both_models_compiles_without_warnings() -> None:
    patterns = model_patterns()
    assert len(patterns) > 50
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for pattern in patterns:
            assert callable(matcher(pattern)), pattern


@pytest.mark.parametrize(
    ("shape", "good", "bad"),
    [
        ("UserPoolIdType", ["us-east-1_AbCdEf123", "eu-west-2_x"], ["us-east-1", "us_east!1"]),
        ("ClientNameType", ["My App", "web-client.v2@corp"], ["app!", "café"]),
        (
            "ArnType",
            ["arn:aws:iam::123456789012:role/CognitoSms", "arn:aws:lambda:us-east-1:1:function:f"],
            ["arn:aws:iam::role", "aws:iam::123:role/x"],
        ),
        # A zero-width joiner is a format character (Cf), so Java refuses it too.
        (
            "UsernameType",
            ["jane@example.com", "jöhn", "山田", "😀"],
            ["a b", "a\u00a0b", "👩\u200d💻"],
        ),
        ("EmailAddressType", ["jane@example.com", "ü@ß.de"], ["jane.example.com", "a b@c"]),
        ("DomainType", ["my-app", "a"], ["-app", "app-", "My-App"]),
        ("ScopeType", ["openid", "https://api/read"], ["a b", 'say"hi"']),
        ("PasswordType", ["Correct-Horse-1"], ["two words", ""]),
        ("HexStringType", ["0aF9"], ["0x1"]),
        ("LanguageIdType", ["cognito:english", "cognito:chinese-simplified"], ["english"]),
        ("EmailVerificationMessageType", ["Code: {####}\nBye"], ["No code", "Code {###}"]),
        ("ProviderNameType", ["Sign in with Corp"], ["a\u200bb"]),
    ],
)
def test_known_values_match_and_known_bad_ones_do_not(
    shape: str, good: list[str], bad: list[str]
) -> None:
    shapes = create_loader().load_service_model("cognito-idp", "service-2")["shapes"]
    matches = matcher(shapes[shape]["pattern"])
    assert [value for value in good if not matches(value)] == []
    assert [value for value in bad if matches(value)] == []


def test_identity_pool_ids_match_their_pattern() -> None:
    shapes = create_loader().load_service_model("cognito-identity", "service-2")["shapes"]
    matches = matcher(shapes["IdentityPoolId"]["pattern"])
    assert matches("us-east-1:0f4b3c2a-1111-2222-3333-444455556666")
    assert not matches("us-east-1_0f4b3c2a")


def test_unicode_categories_agree_with_unicodedata_on_every_bmp_character() -> None:
    letters_to_punctuation = matcher(USERNAME)
    not_separator = matcher(r"[^\p{Z}]")
    for code_point in range(0x10000):
        char = chr(code_point)
        major = unicodedata.category(char)[0]
        assert bool(letters_to_punctuation(char)) == (major in "LMSNP"), hex(code_point)
        assert bool(not_separator(char)) == (major != "Z"), hex(code_point)


def test_astral_characters_are_judged_by_their_category() -> None:
    letters_to_punctuation = matcher(USERNAME)
    assert letters_to_punctuation("\U0001d49c\U0001f600\U00020000")  # Lu, So, Lo
    assert not letters_to_punctuation("\U000e0001")  # Cf: language tag
    assert not letters_to_punctuation("\U000f0000")  # Co: private use


def test_representatives_share_the_category_they_stand_for() -> None:
    representatives = _representatives()
    assert {category for category, _ in representatives} == set(GENERAL_CATEGORIES)
    for (category, _), code_point in representatives.items():
        assert unicodedata.category(chr(code_point)) == category


def test_canonical_form_keeps_ascii_and_length() -> None:
    assert canonical("plain ascii") == "plain ascii"
    assert len(canonical("jöhn 😀")) == len("jöhn 😀")


def test_java_dot_excludes_every_line_terminator() -> None:
    assert not matcher(r".*")("a\u2028b")
    assert not matcher(r".*")("a\rb")
    assert matcher(r"(?s).*")("a\u2028b\rc")


def test_property_escapes_work_outside_classes_and_negated() -> None:
    assert matcher(r"\p{Lu}\P{L}")("A1")
    assert not matcher(r"\p{Lu}\P{L}")("aB")
    assert matcher(r"\pN+")("١٢٣")


@pytest.mark.parametrize(
    "pattern",
    [
        r"[a[b]]",
        r"[a-z&&[^x]]",
        r"\Qa.b\E",
        "é+",
        r"\x{e9}",
        r"\p{Greek}",
        r"[\p{L}-z]",
        "[a",
        "a\\",
    ],
)
def test_constructs_that_would_change_meaning_are_refused(pattern: str) -> None:
    with pytest.raises(UnsupportedPattern):
        matcher(pattern)

"""A pool's PasswordPolicy: Cognito's errors for passwords that break it; temporary passwords."""

from __future__ import annotations

from typing import Any

import pytest

from cognitio.errors import InvalidParameterException, InvalidPasswordException
from cognitio.services.security import passwords
from cognitio.services.security.passwords import SYMBOLS, PasswordPolicy

STRICT: dict[str, Any] = {
    "MinimumLength": 8,
    "RequireUppercase": True,
    "RequireLowercase": True,
    "RequireNumbers": True,
    "RequireSymbols": True,
}
LENIENT: dict[str, Any] = {
    "MinimumLength": 6,
    "RequireUppercase": False,
    "RequireLowercase": False,
    "RequireNumbers": False,
    "RequireSymbols": False,
}
PREFIX = "Password did not conform with policy: "


def check_policy(password: str, policy: dict[str, Any], **kwargs: str) -> None:
    """The check, given the policy as a pool stores it."""
    passwords.check_policy(password, PasswordPolicy.from_document(policy), **kwargs)


def generate_temporary_password(policy: dict[str, Any]) -> str:
    return passwords.generate_temporary_password(PasswordPolicy.from_document(policy))


def policy_message(password: str, policy: dict[str, Any], **kwargs: str) -> str:
    with pytest.raises(InvalidPasswordException) as caught:
        check_policy(password, policy, **kwargs)
    return caught.value.message


def parameter_message(password: str, policy: dict[str, Any], **kwargs: str) -> str:
    with pytest.raises(InvalidParameterException) as caught:
        check_policy(password, policy, **kwargs)
    return caught.value.message


@pytest.mark.parametrize("password", ["Passw0rd!", "Corr3ct-Horse!", "Zz9" + "x" * 250 + "~"])
def test_a_password_that_meets_the_policy_passes(password: str) -> None:
    check_policy(password, STRICT)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Pa0rd!x", "Password not long enough"),
        ("passw0rd!", "Password must have uppercase characters"),
        ("PASSW0RD!", "Password must have lowercase characters"),
        ("Password!", "Password must have numeric characters"),
        ("Passw0rdX", "Password must have symbol characters"),
    ],
)
def test_each_broken_rule_has_cognitos_message(password: str, reason: str) -> None:
    assert policy_message(password, STRICT) == PREFIX + reason


def test_only_the_first_broken_rule_is_reported() -> None:
    assert policy_message("abcdefg", STRICT) == PREFIX + "Password not long enough"
    assert policy_message("password", STRICT) == PREFIX + "Password must have uppercase characters"


def test_minimum_length_comes_from_the_policy() -> None:
    policy = {**LENIENT, "MinimumLength": 12}
    assert policy_message("abcdefghijk", policy) == PREFIX + "Password not long enough"
    check_policy("abcdefghijkl", policy)


def test_rules_the_policy_does_not_require_are_not_checked() -> None:
    check_policy("aaaaaa", LENIENT)
    check_policy("123456", LENIENT)
    check_policy("éééééé", LENIENT)


@pytest.mark.parametrize(
    ("operation", "prefix"),
    [
        ("SignUp", "Password did not conform with policy"),
        ("AdminCreateUser", "Password did not conform with password policy"),
        ("ConfirmForgotPassword", "Password does not conform to policy"),
        ("RespondToAuthChallenge", "Password does not conform to policy"),
        ("ChangePassword", "Password did not conform with policy"),
    ],
)
def test_the_message_prefix_follows_the_operation(operation: str, prefix: str) -> None:
    message = policy_message("password", STRICT, operation=operation)
    assert message == f"{prefix}: Password must have uppercase characters"


@pytest.mark.parametrize("symbol", sorted(SYMBOLS))
def test_every_documented_special_character_counts_as_a_symbol(symbol: str) -> None:
    check_policy(f"Passw0rd{symbol}x", STRICT)


def test_the_documented_symbol_set_is_complete() -> None:
    """The developer guide's list, as printed there, plus the space."""
    documented = "^ $ * . [ ] { } ( ) ? \" ! @ # % & / \\ , > < ' : ; | _ ~ ` = + -"
    assert set(documented.split()) | {" "} == SYMBOLS


@pytest.mark.parametrize("character", ["é", "€", "\t", "ß", "¿"])
def test_other_characters_are_not_symbols(character: str) -> None:
    assert policy_message(f"Passw0rd{character}x", STRICT) == (
        PREFIX + "Password must have symbol characters"
    )


def test_digits_are_0_to_9_only() -> None:
    assert (
        policy_message("Password\u0661!", STRICT)
        == PREFIX + "Password must have numeric characters"
    )


def test_non_latin_letters_are_allowed_alongside_the_required_ones() -> None:
    check_policy("Pässwörd-€-1", STRICT)


def test_non_latin_letters_do_not_satisfy_a_letter_rule() -> None:
    assert policy_message("ÄÖÜ123!é", {**STRICT, "RequireLowercase": False}) == (
        PREFIX + "Password must have uppercase characters"
    )
    assert policy_message("äöü123!É", {**STRICT, "RequireUppercase": False}) == (
        PREFIX + "Password must have lowercase characters"
    )


def test_an_inner_space_is_allowed_and_counts_as_a_symbol() -> None:
    check_policy("Correct Horse 1", STRICT)


@pytest.mark.parametrize("password", [" Passw0rd!", "Passw0rd! ", "\tPassw0rd!", "Passw0rd!\n"])
def test_whitespace_at_either_end_is_an_invalid_parameter(password: str) -> None:
    assert parameter_message(password, STRICT) == (
        "1 validation error detected: Value at 'password' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: ^[\\S]+.*[\\S]+$"
    )


def test_a_line_break_inside_is_an_invalid_parameter() -> None:
    """Java's ``.`` does not cross a line terminator."""
    assert "regular expression pattern" in parameter_message("Passw0rd\n!x", STRICT)


def test_more_than_256_characters_is_an_invalid_parameter() -> None:
    check_policy("Aa1!" + "x" * 252, STRICT)
    assert parameter_message("Aa1!" + "x" * 253, STRICT) == (
        "1 validation error detected: Value at 'password' failed to satisfy constraint: "
        "Member must have length less than or equal to 256"
    )


def test_fewer_than_6_characters_is_an_invalid_parameter_whatever_the_policy() -> None:
    assert parameter_message("Aa1!x", LENIENT) == (
        "1 validation error detected: Value at 'password' failed to satisfy constraint: "
        "Member must have length greater than or equal to 6"
    )


def test_every_broken_limit_is_reported_together_for_the_named_member() -> None:
    assert parameter_message("", STRICT, member="proposedPassword") == (
        "2 validation errors detected: "
        "Value at 'proposedPassword' failed to satisfy constraint: "
        "Member must have length greater than or equal to 6; "
        "Value at 'proposedPassword' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: ^[\\S]+.*[\\S]+$"
    )


def test_a_rejected_password_is_never_in_the_message() -> None:
    for password in (" Secret-Value-9", "secret-value"):
        with pytest.raises((InvalidParameterException, InvalidPasswordException)) as caught:
            check_policy(password, STRICT)
        assert "ecret" not in str(caught.value)


@pytest.mark.parametrize("minimum", [6, 8, 12, 13, 40, 99])
@pytest.mark.parametrize("policy", [STRICT, LENIENT], ids=["strict", "lenient"])
def test_temporary_password_satisfies_the_policy(minimum: int, policy: dict[str, Any]) -> None:
    policy = {**policy, "MinimumLength": minimum}
    for _ in range(50):
        password = generate_temporary_password(policy)
        assert len(password) == max(minimum, 12)
        check_policy(password, STRICT | {"MinimumLength": minimum})


def test_temporary_passwords_differ() -> None:
    passwords = {generate_temporary_password(STRICT) for _ in range(100)}
    assert len(passwords) == 100


def test_temporary_password_avoids_characters_that_need_escaping() -> None:
    """The password travels in HTML email and SMS; space may not start or end it."""
    for _ in range(200):
        password = generate_temporary_password(STRICT)
        assert not set(password) & set(" \"&'<>\\`")

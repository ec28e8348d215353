"""A provider's claims become pool attributes as Cognito maps them, and the ``identities``
attribute round-trips in Cognito's shape."""

from __future__ import annotations

import orjson
import pytest

from cognitio.documents import JsonObject, JsonValue
from cognitio.services.federation.attribute_mapping import (
    MAX_VALUE_CHARS,
    Identity,
    MappingError,
    attribute_value,
    federated_username,
    identities_value,
    mapped_attributes,
    read_identities,
)


def test_the_username_is_the_provider_name_and_its_id() -> None:
    assert federated_username("Google", "1069") == "Google_1069"
    assert federated_username("MySAML", "alice@example.com") == "MySAML_alice@example.com"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a", "a"),
        (True, "true"),
        (False, "false"),
        (42, "42"),
        (1.5, "1.5"),
        (["staff", "admins"], "staff,admins"),
        ({"street_address": "1 Main St"}, '{"street_address":"1 Main St"}'),
        (None, None),
    ],
)
def test_claim_values_become_strings(value: JsonValue, expected: str | None) -> None:
    assert attribute_value(value) == expected


def test_mapped_attributes_take_what_the_provider_sent_and_no_more() -> None:
    mapping = {
        "email": "email",
        "email_verified": "email_verified",
        "given_name": "firstName",
        "custom:team": "groups",
        "username": "sub",
    }
    claims: JsonObject = {"email": "a@example.com", "email_verified": True, "groups": ["x", "y"]}
    assert mapped_attributes(mapping, claims) == {
        "email": "a@example.com",
        "email_verified": "true",
        "custom:team": "x,y",
    }


def test_an_overlong_value_fails_the_sign_in() -> None:
    with pytest.raises(MappingError, match="longer than"):
        mapped_attributes({"name": "name"}, {"name": "n" * (MAX_VALUE_CHARS + 1)})


def test_identities_round_trip_in_cognitos_shape() -> None:
    identity = Identity("Google", "Google", "1069", None, True, 1673913190125)
    value = identities_value([identity])
    assert orjson.loads(value) == [
        {
            "userId": "1069",
            "providerName": "Google",
            "providerType": "Google",
            "issuer": None,
            "primary": "true",
            "dateCreated": "1673913190125",
        }
    ]
    assert read_identities(value) == [identity]


@pytest.mark.parametrize("value", [None, "", "not json", "{}", "[1, null, {}]"])
def test_a_damaged_identities_value_reads_as_none(value: str | None) -> None:
    assert read_identities(value) == []

"""Response serialisation: what boto3 reads back from a handler's plain dict."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import botocore.session
from botocore.parsers import create_parser

from cognitio.wire.model import operations
from cognitio.wire.serialize import OutputCompiler, epoch_seconds

IDP = "AWSCognitoIdentityProviderService."
IDENTITY = "AWSCognitoIdentityService."
CREATED = datetime(2025, 3, 1, 12, 30, 15, 250000, tzinfo=UTC)


def serialize(target: str, result: dict[str, Any]) -> dict[str, Any]:
    return operations()[target].serialize(result)


def as_boto3_sees_it(service: str, operation: str, body: dict[str, Any]) -> dict[str, Any]:
    """Parse ``body`` the way botocore parses an AWS JSON 1.1 response."""
    model = botocore.session.get_session().get_service_model(service)
    response = {"status_code": 200, "headers": {}, "body": json.dumps(body).encode()}
    parsed: dict[str, Any] = create_parser("json").parse(
        response, model.operation_model(operation).output_shape
    )
    parsed.pop("ResponseMetadata", None)
    return parsed


def test_members_outside_the_output_shape_are_dropped_at_every_level() -> None:
    result = {
        "UserPool": {
            "Id": "us-east-1_AbCdEf123",
            "PasswordHash": "never leaves",
            "Policies": {"PasswordPolicy": {"MinimumLength": 8, "Pepper": "internal"}},
        },
        "Internal": True,
    }
    assert serialize(IDP + "DescribeUserPool", result) == {
        "UserPool": {
            "Id": "us-east-1_AbCdEf123",
            "Policies": {"PasswordPolicy": {"MinimumLength": 8}},
        }
    }


def test_none_is_dropped_in_structures_lists_and_maps() -> None:
    result = {
        "UserPool": {
            "Name": None,
            "AutoVerifiedAttributes": ["email", None],
            "UserPoolTags": {"env": "prod", "team": None},
        }
    }
    assert serialize(IDP + "DescribeUserPool", result) == {
        "UserPool": {"AutoVerifiedAttributes": ["email"], "UserPoolTags": {"env": "prod"}}
    }


def test_datetimes_become_epoch_seconds_that_boto3_reads_back() -> None:
    result = {"UserPool": {"Id": "us-east-1_AbCdEf123", "CreationDate": CREATED}}
    body = serialize(IDP + "DescribeUserPool", result)
    assert body["UserPool"]["CreationDate"] == 1740832215.25
    parsed = as_boto3_sees_it("cognito-idp", "DescribeUserPool", body)
    assert parsed["UserPool"]["CreationDate"] == CREATED


def test_epoch_seconds_are_whole_when_the_datetime_is() -> None:
    assert epoch_seconds(datetime(2025, 3, 1, tzinfo=UTC)) == 1740787200
    assert isinstance(epoch_seconds(datetime(2025, 3, 1, tzinfo=UTC)), int)


def test_naive_datetimes_are_taken_as_utc_and_offsets_are_honoured() -> None:
    naive = datetime(2025, 3, 1, 12, 30)
    east = datetime(2025, 3, 1, 14, 30, tzinfo=timezone(timedelta(hours=2)))
    assert epoch_seconds(naive) == epoch_seconds(east) == 1740832200


def test_numeric_timestamps_pass_through() -> None:
    body = serialize(IDP + "DescribeUserPool", {"UserPool": {"LastModifiedDate": 1740832200}})
    assert body == {"UserPool": {"LastModifiedDate": 1740832200}}


def test_bytes_become_base64_that_boto3_decodes() -> None:
    image = bytes(range(256))
    result = {
        "ManagedLoginBranding": {
            "ManagedLoginBrandingId": "0f4b3c2a-1111-4222-8333-444455556666",
            "Assets": [
                {
                    "Category": "FAVICON_ICO",
                    "ColorMode": "LIGHT",
                    "Extension": "ICO",
                    "Bytes": image,
                }
            ],
        }
    }
    body = serialize(IDP + "DescribeManagedLoginBranding", result)
    assert isinstance(body["ManagedLoginBranding"]["Assets"][0]["Bytes"], str)
    parsed = as_boto3_sees_it("cognito-idp", "DescribeManagedLoginBranding", body)
    assert parsed["ManagedLoginBranding"]["Assets"][0]["Bytes"] == image


def test_documents_pass_through() -> None:
    settings = {"categories": {"form": {"displayGraphics": True}}, "list": [1, None]}
    result = {"ManagedLoginBranding": {"Settings": settings}}
    body = serialize(IDP + "DescribeManagedLoginBranding", result)
    assert body["ManagedLoginBranding"]["Settings"] == settings


def test_identity_pool_output_round_trips_through_botocore() -> None:
    result = {
        "IdentityId": "us-east-1:0f4b3c2a-1111-2222-3333-444455556666",
        "Logins": ["graph.facebook.com"],
        "CreationDate": CREATED,
        "LastModifiedDate": CREATED,
        "Secret": "dropped",
    }
    body = serialize(IDENTITY + "DescribeIdentity", result)
    assert "Secret" not in body
    parsed = as_boto3_sees_it("cognito-identity", "DescribeIdentity", body)
    assert parsed == {k: v for k, v in result.items() if k != "Secret"}


def test_the_result_is_json_ready() -> None:
    result = {
        "UserPool": {
            "Id": "us-east-1_AbCdEf123",
            "CreationDate": CREATED,
            "SchemaAttributes": [{"Name": "email", "Mutable": True}],
        }
    }
    body = serialize(IDP + "DescribeUserPool", result)
    assert json.loads(json.dumps(body)) == body


def test_a_shape_that_contains_itself_compiles_and_filters() -> None:
    shapes: dict[str, dict[str, Any]] = {
        "Node": {
            "type": "structure",
            "members": {"Seen": {"shape": "When"}, "Children": {"shape": "Nodes"}},
        },
        "Nodes": {"type": "list", "member": {"shape": "Node"}},
        "When": {"type": "timestamp"},
    }
    emit = OutputCompiler(shapes).serializer("Node")
    tree = {"Seen": CREATED, "Extra": 1, "Children": [{"Seen": CREATED, "Children": [{"X": 2}]}]}
    assert emit(tree) == {
        "Seen": 1740832215.25,
        "Children": [{"Seen": 1740832215.25, "Children": [{}]}],
    }

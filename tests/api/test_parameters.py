"""Every built operation refuses missing and malformed parameters with Cognito's error."""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest

from cognitio.api.handlers import load_handlers
from cognitio.api.registry import IDP
from tests.helpers.wire import PREFIX, call

MODEL = botocore.session.get_session().get_service_model(IDP)
BUILT = sorted(name for service, name in load_handlers() if service == IDP)


def _camel(name: str) -> str:
    return name[0].lower() + name[1:]


_NO_ID = MODEL.shape_for("StringType")


@pytest.mark.parametrize(
    "operation",
    [name for name in BUILT if MODEL.operation_model(name).input_shape.required_members],
)
def test_missing_required_members_are_each_named(server: Any, operation: str) -> None:
    required = MODEL.operation_model(operation).input_shape.required_members
    status, _, body = call(server.url, f"{PREFIX[IDP]}.{operation}", b"{}")
    assert (status, body["__type"]) == (400, "InvalidParameterException")
    count = len(required)
    noun = "error" if count == 1 else "errors"
    assert body["message"].startswith(f"{count} validation {noun} detected: ")
    for member in required:
        assert f"Value null at '{_camel(member)}' failed to satisfy constraint" in body["message"]


@pytest.mark.parametrize(
    "operation",
    [
        name
        for name in BUILT
        # Where the model gives UserPoolId its pattern (the linking operations take a plain
        # string there).
        if "pattern"
        in MODEL.operation_model(name).input_shape.members.get("UserPoolId", _NO_ID).metadata
    ],
)
def test_a_malformed_pool_id_fails_its_pattern(server: Any, operation: str) -> None:
    shape = MODEL.operation_model(operation).input_shape
    params: dict[str, Any] = {"UserPoolId": "not a pool id!"}
    # Fill the other required members with values that pass, so only the pool id fails.
    fillers = {
        "ClientId": "a" * 26,
        "ClientName": "name",
        "MaxResults": 10,
        "CustomAttributes": [{"Name": "x", "AttributeDataType": "String"}],
        "Username": "someone",
        "UserAttributes": [{"Name": "name", "Value": "x"}],
        "UserAttributeNames": ["name"],
        "Password": "Passw0rd!",
        "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
        "ChallengeName": "NEW_PASSWORD_REQUIRED",
        "MFAOptions": [],
        "DeviceKey": "us-east-1_0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
        "GroupName": "team",
        "Identifier": "orders",
        "Name": "Orders",
        "Domain": "my-login",
        "ManagedLoginBrandingId": "0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0",
        "ProviderName": "Corp",
        "ProviderType": "OIDC",
        "ProviderDetails": {"client_id": "x"},
        "IdpIdentifier": "example.com",
    }
    for member in shape.required_members:
        if member != "UserPoolId":
            params[member] = fillers[member]
    import json

    status, _, body = call(server.url, f"{PREFIX[IDP]}.{operation}", json.dumps(params).encode())
    assert (status, body["__type"]) == (400, "InvalidParameterException")
    assert body["message"] == (
        "1 validation error detected: Value 'not a pool id!' at 'userPoolId' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+"
    )


@pytest.mark.parametrize("arn_operation", ["TagResource", "UntagResource", "ListTagsForResource"])
def test_a_malformed_arn_fails_its_constraints(server: Any, arn_operation: str) -> None:
    extra: dict[str, dict[str, Any]] = {
        "TagResource": {"Tags": {"a": "b"}},
        "UntagResource": {"TagKeys": ["a"]},
    }
    import json

    body_in = {"ResourceArn": "nope", **extra.get(arn_operation, {})}
    status, _, body = call(
        server.url, f"{PREFIX[IDP]}.{arn_operation}", json.dumps(body_in).encode()
    )
    assert (status, body["__type"]) == (400, "InvalidParameterException")
    assert "at 'resourceArn' failed to satisfy constraint" in body["message"]

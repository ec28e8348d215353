"""The AWS JSON 1.1 front door: routing, signatures, errors, headers."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import botocore.session
import pytest
from botocore import UNSIGNED
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from cognitio.api.handlers import load_handlers
from tests.conftest import client
from tests.helpers.wire import PREFIX, call
from tests.server import ACCESS_KEY_ID, REGION, SECRET_ACCESS_KEY


def test_responses_carry_a_request_id_and_epoch_timestamps(server: Any) -> None:
    status, headers, body = call(
        server.url, f"{PREFIX['cognito-idp']}.CreateUserPool", b'{"PoolName": "raw"}'
    )
    assert status == 200
    assert len(headers["x-amzn-requestid"]) == 36
    assert headers["content-type"] == "application/x-amz-json-1.1"
    assert isinstance(body["UserPool"]["CreationDate"], (int, float))


def test_unknown_target_is_unknown_operation(server: Any) -> None:
    status, headers, body = call(server.url, f"{PREFIX['cognito-idp']}.MakeCoffee", b"{}")
    assert status == 400
    assert body["__type"] == "UnknownOperationException"
    assert headers["x-amzn-errortype"] == "UnknownOperationException"
    assert "x-amzn-requestid" in headers


def test_malformed_json_is_a_serialization_error(server: Any) -> None:
    status, _, body = call(server.url, f"{PREFIX['cognito-idp']}.CreateUserPool", b'{"PoolName": ')
    assert (status, body["__type"]) == (400, "SerializationException")


def test_wrong_json_type_is_a_serialization_error(server: Any) -> None:
    status, _, body = call(
        server.url, f"{PREFIX['cognito-idp']}.CreateUserPool", b'{"PoolName": ["x"]}'
    )
    assert (status, body["__type"]) == (400, "SerializationException")
    assert "PoolName" in body["message"] or "poolName" in body["message"]


def test_missing_required_member_is_named(server: Any) -> None:
    status, _, body = call(server.url, f"{PREFIX['cognito-idp']}.CreateUserPool", b"{}")
    assert status == 400
    assert body["__type"] == "InvalidParameterException"
    assert body["message"] == (
        "1 validation error detected: Value null at 'poolName' failed to satisfy constraint: "
        "Member must not be null"
    )


def test_constraint_errors_are_collected_aws_style(idp: Any, server: Any) -> None:
    unchecked = client(
        "cognito-idp",
        server.url,
        config=Config(parameter_validation=False, retries={"max_attempts": 0}),
    )
    with pytest.raises(unchecked.exceptions.InvalidParameterException) as caught:
        unchecked.create_user_pool(PoolName="bad/name", MfaConfiguration="SOMETIMES")
    message = caught.value.response["Error"]["Message"]
    assert message.startswith("2 validation errors detected: ")
    assert (
        "at 'poolName' failed to satisfy constraint: Member must satisfy regular expression pattern"
        in message
    )
    assert (
        "Value 'SOMETIMES' at 'mfaConfiguration' failed to satisfy constraint: "
        "Member must satisfy enum value set: [OFF, ON, OPTIONAL]" in message
    )


def test_sensitive_values_are_not_echoed(server: Any) -> None:
    unchecked = client(
        "cognito-idp",
        server.url,
        config=Config(parameter_validation=False, retries={"max_attempts": 0}),
    )
    pool_id = unchecked.create_user_pool(PoolName="sensitive")["UserPool"]["Id"]
    with pytest.raises(unchecked.exceptions.InvalidParameterException) as caught:
        unchecked.create_user_pool_client(UserPoolId=pool_id, ClientName="c", ClientSecret="short!")
    message = caught.value.response["Error"]["Message"]
    assert "short!" not in message and "clientSecret" in message


def test_unsigned_admin_call_is_refused(server: Any) -> None:
    unsigned = client(
        "cognito-idp",
        server.url,
        config=Config(signature_version=UNSIGNED, retries={"max_attempts": 0}),
    )
    with pytest.raises(unsigned.exceptions.ClientError) as caught:
        unsigned.list_user_pools(MaxResults=1)
    assert caught.value.response["Error"]["Code"] == "MissingAuthenticationTokenException"


def test_wrong_secret_is_an_invalid_signature(server: Any) -> None:
    forged = client("cognito-idp", server.url, aws_secret_access_key="x" * 40)
    with pytest.raises(forged.exceptions.ClientError) as caught:
        forged.list_user_pools(MaxResults=1)
    error = caught.value.response["Error"]
    assert error["Code"] == "InvalidSignatureException"
    assert "signature we calculated does not match" in error["Message"]


def test_unknown_key_is_unrecognized(server: Any) -> None:
    stranger = client("cognito-idp", server.url, aws_access_key_id="AKIAUNKNOWN000000000")
    with pytest.raises(stranger.exceptions.ClientError) as caught:
        stranger.list_user_pools(MaxResults=1)
    assert caught.value.response["Error"]["Code"] == "UnrecognizedClientException"


def test_tampered_body_fails_the_signature(server: Any) -> None:
    target = f"{PREFIX['cognito-idp']}.CreateUserPool"
    body = b'{"PoolName": "one"}'
    request = AWSRequest(
        method="POST",
        url=server.url + "/",
        data=body,
        headers={"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"},
    )
    SigV4Auth(Credentials(ACCESS_KEY_ID, SECRET_ACCESS_KEY), "cognito-idp", REGION).add_auth(
        request
    )
    raw = urllib.request.Request(
        server.url + "/",
        data=b'{"PoolName": "two"}',
        headers=dict(request.headers.items()),
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(raw)
    assert json.loads(caught.value.read())["__type"] == "InvalidSignatureException"


def test_signature_for_the_other_service_is_refused(server: Any) -> None:
    status, _, body = call(
        server.url,
        f"{PREFIX['cognito-identity']}.ListIdentityPools",
        b'{"MaxResults": 1}',
        service="cognito-idp",
    )
    assert (status, body["__type"]) == (400, "InvalidSignatureException")
    assert "cognito-identity" in body["message"]


def test_unbuilt_operation_names_itself_without_a_5xx(idp: Any) -> None:
    with pytest.raises(idp.exceptions.UnsupportedOperationException, match="ListTerms"):
        idp.list_terms(UserPoolId="us-east-1_Whatever0")


def test_unbuilt_public_operation_needs_no_signature(server: Any) -> None:
    status, _, body = call(
        server.url,
        f"{PREFIX['cognito-idp']}.UpdateAuthEventFeedback",
        b'{"UserPoolId": "us-east-1_x", "Username": "u", "EventId": "e", '
        b'"FeedbackToken": "t", "FeedbackValue": "Valid"}',
        sign=False,
    )
    assert (status, body["__type"]) == (400, "UnsupportedOperationException")
    assert "UpdateAuthEventFeedback" in body["message"]


def test_every_operation_of_both_models_is_routed(server: Any) -> None:
    session = botocore.session.get_session()
    handlers = load_handlers()
    counts = {}
    for service in ("cognito-idp", "cognito-identity"):
        model = session.get_service_model(service)
        counts[service] = len(model.operation_names)
        for name in model.operation_names:
            status, _, body = call(server.url, f"{PREFIX[service]}.{name}", b"{}", service=service)
            assert body["__type"] != "UnknownOperationException", name
            assert status < 500, (name, body)
            if (service, name) in handlers:
                assert body.get("__type") != "UnsupportedOperationException", name
            else:
                assert (status, body["__type"]) == (400, "UnsupportedOperationException"), name
                assert name in body["message"]
    assert counts == {"cognito-idp": 153, "cognito-identity": 23}


def test_a_signature_without_x_amz_target_cannot_be_replayed_as_another_operation(
    server: Any, idp: Any
) -> None:
    """Security review #5: a signature over content-type;host;x-amz-date only is refused, so it
    cannot be replayed under another X-Amz-Target; boto3, which signs the target, still works."""
    pool_id = idp.create_user_pool(PoolName="replay")["UserPool"]["Id"]
    body = json.dumps({"UserPoolId": pool_id}).encode()
    request = AWSRequest(
        method="POST",
        url=server.url + "/",
        data=body,
        headers={"Content-Type": "application/x-amz-json-1.1"},
    )
    SigV4Auth(Credentials(ACCESS_KEY_ID, SECRET_ACCESS_KEY), "cognito-idp", REGION).add_auth(
        request
    )
    headers = dict(request.headers.items())
    assert "x-amz-target" not in headers["Authorization"]
    for operation in ("DescribeUserPool", "DeleteUserPool"):
        headers["X-Amz-Target"] = f"{PREFIX['cognito-idp']}.{operation}"
        raw = urllib.request.Request(server.url + "/", data=body, headers=headers, method="POST")
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(raw)
        answer = json.loads(caught.value.read())
        assert (caught.value.code, answer["__type"]) == (400, "IncompleteSignatureException")
        assert answer["message"] == (
            "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization."
        )
    assert idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["Id"] == pool_id

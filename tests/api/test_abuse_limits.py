"""Abuse limits (security review #10): token buckets per client IP and per user on the
unauthenticated operations and the hosted POSTs, and a cooldown on code messages.

Each test runs its own server with tiny limits set through the environment; the rate is so slow
(one token per thousand seconds) that only the burst counts, so nothing depends on timing.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Any

import pytest

from tests.api.test_auth import PASSWORD, make_user, setup_pool, sign_in
from tests.conftest import client
from tests.server import ServerProcess

SLOW = "0.001"  # tokens per second: none come back during a test


def limited_server(make_server: Any, backend: str, **limits: str) -> ServerProcess:
    env = {
        "COGNITIO_RATE_LIMIT_IP_PER_SECOND": "0",
        "COGNITIO_RATE_LIMIT_USER_PER_SECOND": "0",
        "COGNITIO_CODE_MESSAGE_INTERVAL_S": "0",
        "COGNITIO_CODE_MESSAGES_PER_DAY": "0",
    }
    env.update({f"COGNITIO_{name.upper()}": value for name, value in limits.items()})
    process: ServerProcess = make_server(backend, extra_env=env)
    process.start("--dev")
    return process


def post_form(url: str) -> int:
    request = urllib.request.Request(url, data=b"grant_type=client_credentials", method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_one_address_gets_its_burst_then_too_many_requests(make_server: Any, backend: str) -> None:
    """Security review #10: per-IP bucket on unsigned calls and hosted POSTs; GetUser is free."""
    server = limited_server(
        make_server, backend, rate_limit_ip_per_second=SLOW, rate_limit_ip_burst="6"
    )
    idp = client("cognito-idp", server.url)
    _, client_id = setup_pool(idp)  # signed: not counted
    for _ in range(5):
        with pytest.raises(idp.exceptions.UserNotFoundException):
            idp.initiate_auth(
                ClientId=client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": "nobody", "PASSWORD": PASSWORD},
            )
    assert post_form(f"{server.url}/oauth2/token") != 429  # the sixth token
    with pytest.raises(idp.exceptions.TooManyRequestsException) as refused:
        idp.sign_up(ClientId=client_id, Username="late", Password=PASSWORD)
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert refused.value.response["Error"]["Message"] == "Too many requests"
    assert post_form(f"{server.url}/oauth2/token") == 429
    # An access token's operations are not counted (nor slowed) by the address's bucket.
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.get_user(AccessToken="not-a-token")
    # Signed administration is not limited either.
    assert idp.list_user_pools(MaxResults=1)


def test_one_user_gets_its_burst_whatever_the_address(make_server: Any, backend: str) -> None:
    """Security review #10: per-user bucket (app client and username) on unsigned calls."""
    server = limited_server(
        make_server, backend, rate_limit_user_per_second=SLOW, rate_limit_user_burst="3"
    )
    idp = client("cognito-idp", server.url)
    pool_id, client_id = setup_pool(idp)
    make_user(idp, pool_id, "popular")
    make_user(idp, pool_id, "quiet")
    for _ in range(3):
        assert sign_in(idp, client_id, "popular")["AccessToken"]
    with pytest.raises(idp.exceptions.TooManyRequestsException):
        sign_in(idp, client_id, "POPULAR")  # the same user, however it is spelt
    assert sign_in(idp, client_id, "quiet")["AccessToken"]


def test_code_messages_have_a_cooldown_per_user_and_destination(
    make_server: Any, backend: str
) -> None:
    """Security review #10: ForgotPassword and GetUserAttributeVerificationCode resend codes
    only within the burst, then answer LimitExceededException; the destination counts too."""
    server = limited_server(
        make_server, backend, code_message_interval_s="3600", code_message_burst="2"
    )
    idp = client("cognito-idp", server.url)
    pool_id, client_id = setup_pool(idp)
    for name in ("flooded", "neighbour", "other"):
        address = "other@example.com" if name == "other" else "victim@example.com"
        make_user(idp, pool_id, name, email=address, email_verified="true")
    for _ in range(2):
        idp.forgot_password(ClientId=client_id, Username="flooded")
    with pytest.raises(idp.exceptions.LimitExceededException) as refused:
        idp.forgot_password(ClientId=client_id, Username="flooded")
    assert (
        refused.value.response["Error"]["Message"]
        == "Attempt limit exceeded, please try after some time."
    )
    # Another user with the same address: the destination's cooldown holds.
    token = sign_in(idp, client_id, "neighbour")["AccessToken"]
    with pytest.raises(idp.exceptions.LimitExceededException):
        idp.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    # Another address is not affected.
    idp.forgot_password(ClientId=client_id, Username="other")


def test_code_messages_have_a_daily_cap(make_server: Any, backend: str) -> None:
    """Security review #10: a user's code messages stop at the daily cap (resend of sign-up)."""
    server = limited_server(make_server, backend, code_messages_per_day="3")
    idp = client("cognito-idp", server.url)
    pool_id = idp.create_user_pool(PoolName="capped", AutoVerifiedAttributes=["email"])["UserPool"][
        "Id"
    ]
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="app")["UserPoolClient"][
        "ClientId"
    ]
    attributes = [{"Name": "email", "Value": "joiner@example.com"}]
    idp.sign_up(ClientId=client_id, Username="joiner", Password=PASSWORD, UserAttributes=attributes)
    for _ in range(2):
        idp.resend_confirmation_code(ClientId=client_id, Username="joiner")
    with pytest.raises(idp.exceptions.LimitExceededException):
        idp.resend_confirmation_code(ClientId=client_id, Username="joiner")

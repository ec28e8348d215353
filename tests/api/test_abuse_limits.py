"""Abuse limits (security review #10): token buckets per client IP and per user on the
unauthenticated operations and the hosted POSTs, and a cooldown on code messages.

Each test runs its own server with tiny limits set through the environment; the rate is so slow
(one token per thousand seconds) that only the burst counts, so nothing depends on timing.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from typing import Any

import httpx
import pytest

from tests.conftest import client
from tests.helpers.pools import FLOWS, PASSWORD, make_user, setup_pool, sign_in
from tests.server import ServerProcess, free_port

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


def from_address(idp: Any, address: str) -> Any:
    """``idp``, its calls sent as if through a proxy for ``address`` (X-Forwarded-For)."""

    def add_header(request: Any, **_: Any) -> None:
        request.headers["X-Forwarded-For"] = address

    idp.meta.events.register("before-send.cognito-idp.*", add_header)
    return idp


def test_one_user_gets_its_burst_per_address(make_server: Any, backend: str) -> None:
    """Security review #10: per-user bucket (app client and username) on unsigned calls. Attack
    F5: it is counted per client IP, so whoever calls on a name cannot use up its owner's
    sign-ins (SRP's first step alone drained a bucket of the user alone)."""
    server = limited_server(
        make_server,
        backend,
        rate_limit_user_per_second=SLOW,
        rate_limit_user_burst="3",
        trusted_proxies="127.0.0.1",
    )
    idp = client("cognito-idp", server.url)
    pool_id, client_id = setup_pool(idp, ExplicitAuthFlows=[*FLOWS, "ALLOW_USER_SRP_AUTH"])
    make_user(idp, pool_id, "popular")
    make_user(idp, pool_id, "quiet")
    attacker = from_address(client("cognito-idp", server.url), "203.0.113.9")
    owner = from_address(client("cognito-idp", server.url), "198.51.100.7")
    srp_a = format(2**2048 - 12345, "x")  # any A will do: the first step checks nothing more
    for _ in range(3):
        attacker.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_SRP_AUTH",
            AuthParameters={"USERNAME": "popular", "SRP_A": srp_a},
        )
    with pytest.raises(attacker.exceptions.TooManyRequestsException):
        sign_in(attacker, client_id, "POPULAR")  # the same user, however it is spelt
    assert sign_in(attacker, client_id, "quiet")["AccessToken"]
    for _ in range(3):
        assert sign_in(owner, client_id, "popular")["AccessToken"]
    with pytest.raises(owner.exceptions.TooManyRequestsException):
        sign_in(owner, client_id, "popular")


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
    with pytest.raises(idp.exceptions.LimitExceededException):
        idp.forgot_password(ClientId=client_id, Username="neighbour")
    # Another address is not affected.
    idp.forgot_password(ClientId=client_id, Username="other")
    # Nor are codes of another kind to the same address (attack F2): the user's own requests.
    token = sign_in(idp, client_id, "neighbour")["AccessToken"]
    idp.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")


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


def test_reset_codes_do_not_use_up_a_users_sign_in_codes(make_server: Any, backend: str) -> None:
    """Attack F2: anyone may ask for a user's password-reset codes until the limit answers;
    the user's own sign-in codes (email MFA) have buckets of their own and still come."""
    server = limited_server(
        make_server, backend, code_message_interval_s="3600", code_message_burst="2"
    )
    idp = client("cognito-idp", server.url)
    pool_id, client_id = setup_pool(idp)
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        EmailMfaConfiguration={"Message": "Your code: {####}", "Subject": "Sign-in"},
        MfaConfiguration="OPTIONAL",
    )
    make_user(idp, pool_id, "target", email="target@example.com", email_verified="true")
    idp.admin_set_user_mfa_preference(
        UserPoolId=pool_id, Username="target", EmailMfaSettings={"Enabled": True}
    )
    for _ in range(2):
        idp.forgot_password(ClientId=client_id, Username="target")
    with pytest.raises(idp.exceptions.LimitExceededException):
        idp.forgot_password(ClientId=client_id, Username="target")
    challenge = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "target", "PASSWORD": PASSWORD},
    )
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    done = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="EMAIL_OTP",
        Session=challenge["Session"],
        ChallengeResponses={
            "USERNAME": "target",
            "EMAIL_OTP_CODE": server.last_code("target@example.com"),
        },
    )
    assert done["AuthenticationResult"]["AccessToken"]


def test_unknown_users_meet_the_same_message_limit(make_server: Any, backend: str) -> None:
    """Attack F1: with PreventUserExistenceErrors, an unknown user's made-up code messages are
    limited like a real user's, so the limit does not tell who exists."""
    server = limited_server(
        make_server, backend, code_message_interval_s="3600", code_message_burst="2"
    )
    idp = client("cognito-idp", server.url)
    pool_id, _ = setup_pool(idp)
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="hiding", PreventUserExistenceErrors="ENABLED"
    )["UserPoolClient"]["ClientId"]
    make_user(idp, pool_id, "known", email="known@example.com", email_verified="true")
    for name in ("known", "ghost"):
        answers = [idp.forgot_password(ClientId=client_id, Username=name) for _ in range(2)]
        assert answers[0]["CodeDeliveryDetails"] == answers[1]["CodeDeliveryDetails"]
        with pytest.raises(idp.exceptions.LimitExceededException) as refused:
            idp.forgot_password(ClientId=client_id, Username=name.upper())
        assert refused.value.response["Error"]["Message"] == (
            "Attempt limit exceeded, please try after some time."
        )


def test_attribute_changes_cannot_flood_an_address(make_server: Any, backend: str) -> None:
    """Abuse case: a user who points their email at someone else's address, again and again,
    sends that address a code each time until the destination's limit stops it."""
    server = limited_server(
        make_server, backend, code_message_interval_s="3600", code_message_burst="2"
    )
    idp = client("cognito-idp", server.url)
    pool_id = idp.create_user_pool(PoolName="verifying", AutoVerifiedAttributes=["email"])[
        "UserPool"
    ]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=FLOWS
    )["UserPoolClient"]["ClientId"]
    tokens = []
    for name in ("first", "second", "third"):
        make_user(idp, pool_id, name, email=f"{name}@example.com", email_verified="true")
        tokens.append(sign_in(idp, client_id, name)["AccessToken"])

    def point_at(token: str, address: str) -> Any:
        attributes = [{"Name": "email", "Value": address}]
        return idp.update_user_attributes(AccessToken=token, UserAttributes=attributes)

    for token in tokens[:2]:
        point_at(token, "victim@example.com")
    with pytest.raises(idp.exceptions.LimitExceededException):
        point_at(tokens[2], "victim@example.com")
    # Refused, the change is not made: the third user keeps a verified address.
    kept = idp.get_user(AccessToken=tokens[2])["UserAttributes"]
    assert {"Name": "email", "Value": "third@example.com"} in kept
    assert server.last_code("victim@example.com")


def test_strangers_cannot_use_up_a_users_own_codes(make_server: Any, backend: str) -> None:
    """Attack finding 1 (second round): codes anyone may ask for (a reset, a passwordless
    sign-in code) are counted per client address, and a decoy is counted in buckets of its
    own even when its made-up address is a real one, so a stranger elsewhere, asking for the
    user's codes or for an unknown name that is the user's address, uses up only their own."""
    server = limited_server(
        make_server,
        backend,
        code_message_interval_s="3600",
        code_message_burst="2",
        trusted_proxies="127.0.0.1",
    )
    admin = client("cognito-idp", server.url)
    pool_id = admin.create_user_pool(
        PoolName="strangers",
        Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}},
    )["UserPool"]["Id"]
    client_id = admin.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="hiding",
        ExplicitAuthFlows=["ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH"],
        PreventUserExistenceErrors="ENABLED",
    )["UserPoolClient"]["ClientId"]
    make_user(admin, pool_id, "bob", email="robert@example.com", email_verified="true")
    stranger = from_address(client("cognito-idp", server.url), "203.0.113.9")
    owner = from_address(client("cognito-idp", server.url), "198.51.100.7")

    def code_sign_in(idp: Any, name: str) -> Any:
        return idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_AUTH",
            AuthParameters={"USERNAME": name, "PREFERRED_CHALLENGE": "EMAIL_OTP"},
        )

    def reset(idp: Any, name: str) -> Any:
        return idp.forgot_password(ClientId=client_id, Username=name)

    # The address as an unknown name (its decoy), then the user: each, twice, then refused.
    for name in ("robert@example.com", "bob"):
        for ask in (reset, code_sign_in):
            ask(stranger, name)
            ask(stranger, name)
            with pytest.raises(stranger.exceptions.LimitExceededException):
                ask(stranger, name)
    for _ in range(2):
        owner.forgot_password(ClientId=client_id, Username="bob")
        assert code_sign_in(owner, "bob")["ChallengeName"] == "EMAIL_OTP"
    with pytest.raises(owner.exceptions.LimitExceededException):
        owner.forgot_password(ClientId=client_id, Username="bob")


def test_one_address_gets_a_daily_total_from_everywhere(make_server: Any, backend: str) -> None:
    """Attack findings 5 (second round) and 1 (third): codes anyone may ask for have a daily
    total per destination, whoever asks from wherever. Past it the answer does not change and
    nothing is sent, and the code the user already holds stays good: reaching the total
    refuses no one, so strangers cannot turn it against the user, and a user's own codes
    (attribute verification) do not count."""
    server = limited_server(
        make_server,
        backend,
        code_messages_per_destination_per_day="2",
        trusted_proxies="127.0.0.1",
    )
    idp = client("cognito-idp", server.url)
    pool_id = idp.create_user_pool(PoolName="total", AutoVerifiedAttributes=["email"])["UserPool"][
        "Id"
    ]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=FLOWS
    )["UserPoolClient"]["ClientId"]
    make_user(idp, pool_id, "holder", email="victim@example.com", email_verified="true")
    addresses = ["203.0.113.9", "198.51.100.7", "192.0.2.44"]
    askers = [from_address(client("cognito-idp", server.url), a) for a in addresses]
    answers = [
        asker.forgot_password(ClientId=client_id, Username="holder")["CodeDeliveryDetails"]
        for asker in askers
    ]
    assert answers[0] == answers[1] == answers[2]
    sent = server.outbox("victim@example.com")
    assert len(sent) == 2  # the third was withheld
    idp.confirm_forgot_password(
        ClientId=client_id,
        Username="holder",
        ConfirmationCode=server.last_code("victim@example.com"),
        Password="An0ther-horse!",
    )
    make_user(idp, pool_id, "pointer", email="pointer@example.com", email_verified="true")
    token = sign_in(idp, client_id, "pointer")["AccessToken"]
    attributes = [{"Name": "email", "Value": "victim@example.com"}]
    idp.update_user_attributes(AccessToken=token, UserAttributes=attributes)
    assert len(server.outbox("victim@example.com")) == 3  # a verification code is not counted


def test_a_device_step_without_its_session_comes_from_where_the_sign_in_did(
    make_server: Any, backend: str
) -> None:
    """Attack finding 4 (second round): pycognito answers DEVICE_SRP_AUTH without the
    Session; such an answer takes the arm only from the client address that armed it, so a
    stolen device secret elsewhere cannot finish the owner's sign-in."""
    from tests.helpers.devices import (
        REMEMBER_ALWAYS,
        device_pool,
        password_sign_in,
        remembered_device,
    )

    server = limited_server(make_server, backend, trusted_proxies="127.0.0.1")
    idp = client("cognito-idp", server.url)
    pool_id, client_id = device_pool(idp, REMEMBER_ALWAYS)
    device = remembered_device(idp, server, pool_id, client_id, "carried")
    owner = from_address(client("cognito-idp", server.url), "198.51.100.7")
    thief = from_address(client("cognito-idp", server.url), "203.0.113.9")

    def answer(idp: Any) -> Any:
        return idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="DEVICE_SRP_AUTH",
            ChallengeResponses={"USERNAME": "carried", "DEVICE_KEY": device.key, "SRP_A": "2"},
        )

    step = password_sign_in(owner, client_id, "carried", DEVICE_KEY=device.key)
    assert step["ChallengeName"] == "DEVICE_SRP_AUTH"
    with pytest.raises(thief.exceptions.NotAuthorizedException, match="Invalid session"):
        answer(thief)
    assert answer(owner)["ChallengeName"] == "DEVICE_PASSWORD_VERIFIER"


def test_a_client_that_hides_users_answers_before_the_message_is_sent(
    make_server: Any, backend: str
) -> None:
    """Attack finding 2 (second round): a made-up answer sends nothing, so a real one must not
    wait for the message either: with PreventUserExistenceErrors the code goes out after the
    answer, and a failed delivery is logged, not answered; other clients still hear of it."""
    dead_smtp = f"smtp://127.0.0.1:{free_port()}"
    server = limited_server(make_server, backend, smtp_url=dead_smtp)
    idp = client("cognito-idp", server.url)
    pool_id, open_client = setup_pool(idp)
    hiding = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="hiding", PreventUserExistenceErrors="ENABLED"
    )["UserPoolClient"]["ClientId"]
    make_user(idp, pool_id, "mailed", email="mailed@example.com", email_verified="true")
    known = idp.forgot_password(ClientId=hiding, Username="mailed")["CodeDeliveryDetails"]
    unknown = idp.forgot_password(ClientId=hiding, Username="ghost")["CodeDeliveryDetails"]
    assert known["DeliveryMedium"] == unknown["DeliveryMedium"] == "EMAIL"
    with pytest.raises(idp.exceptions.CodeDeliveryFailureException):
        idp.forgot_password(ClientId=open_client, Username="mailed")
    for _ in range(100):  # the background delivery fails, and says so in the log
        if "a code message was not delivered" in server.log():
            break
        time.sleep(0.05)
    assert "a code message was not delivered: CodeDeliveryFailureException" in server.log()


def test_sts_web_identity_calls_share_the_address_bucket(make_server: Any, backend: str) -> None:
    """AssumeRoleWithWebIdentity takes no signature and costs a signature check: it counts
    against the caller's address like the unsigned JSON operations, and past the burst STS
    answers Throttling."""
    server = limited_server(
        make_server, backend, rate_limit_ip_per_second=SLOW, rate_limit_ip_burst="3"
    )
    form = {
        "Action": "AssumeRoleWithWebIdentity",
        "Version": "2011-06-15",
        "RoleArn": "arn:aws:iam::000000000000:role/Anything",
        "RoleSessionName": "probe",
        "WebIdentityToken": "not-a-token",
    }
    codes = []
    for _ in range(4):
        answer = httpx.post(server.url, data=form)
        codes.append((answer.status_code, answer.text.split("<Code>")[1].split("</Code>")[0]))
    assert codes[:3] == [(400, "InvalidIdentityToken")] * 3
    assert codes[3] == (400, "Throttling")
    # Signed calls are not counted: GetCallerIdentity without credentials is refused for
    # that, not throttled.
    unsigned = httpx.post(server.url, data={"Action": "GetCallerIdentity", "Version": "2011-06-15"})
    assert "<Code>Throttling</Code>" not in unsigned.text

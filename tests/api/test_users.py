"""Users through boto3: sign-up, confirmation, admin management, recovery, ListUsers."""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.conftest import client
from tests.mailbox import Mailbox
from tests.server import ServerProcess

PASSWORD = "Corr3ct-horse!"


def email() -> str:
    return f"u{uuid.uuid4().hex[:10]}@example.com"


def make_pool(idp: Any, **kwargs: Any) -> tuple[str, str]:
    pool_id = idp.create_user_pool(PoolName="users", **kwargs)["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="app")["UserPoolClient"][
        "ClientId"
    ]
    return pool_id, client_id


def attributes(user: dict[str, Any], key: str = "Attributes") -> dict[str, str]:
    return {item["Name"]: item["Value"] for item in user[key]}


def test_sign_up_sends_a_code_by_email_that_confirms_the_user(
    idp: Any, server: ServerProcess, mailbox: Mailbox
) -> None:
    pool_id, client_id = make_pool(idp, AutoVerifiedAttributes=["email"])
    address = email()
    answer = idp.sign_up(
        ClientId=client_id,
        Username="alice",
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": address}],
    )
    assert answer["UserConfirmed"] is False
    assert uuid.UUID(answer["UserSub"])
    details = answer["CodeDeliveryDetails"]
    assert details == {
        "Destination": f"{address[0]}***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    mails = mailbox.to(address)
    assert len(mails) == 1 and mails[0].subject == "Your verification code"
    code = mailbox.last_code(address)
    assert server.last_code(address) == code
    user = idp.admin_get_user(UserPoolId=pool_id, Username="alice")
    assert user["UserStatus"] == "UNCONFIRMED"
    with pytest.raises(idp.exceptions.CodeMismatchException):
        idp.confirm_sign_up(
            ClientId=client_id,
            Username="alice",
            ConfirmationCode="000000" if code != "000000" else "111111",
        )
    idp.confirm_sign_up(ClientId=client_id, Username="alice", ConfirmationCode=code)
    user = idp.admin_get_user(UserPoolId=pool_id, Username="alice")
    assert user["UserStatus"] == "CONFIRMED"
    assert attributes(user, "UserAttributes")["email_verified"] == "true"
    assert attributes(user, "UserAttributes")["sub"] == answer["UserSub"]
    with pytest.raises(idp.exceptions.NotAuthorizedException, match="Current status is CONFIRMED"):
        idp.confirm_sign_up(ClientId=client_id, Username="alice", ConfirmationCode=code)


def test_sign_up_errors(idp: Any) -> None:
    pool_id, client_id = make_pool(
        idp, Schema=[{"Name": "email", "AttributeDataType": "String", "Required": True}]
    )
    with pytest.raises(
        idp.exceptions.InvalidParameterException, match="email: The attribute is required"
    ):
        idp.sign_up(ClientId=client_id, Username="bob", Password=PASSWORD)
    with pytest.raises(idp.exceptions.InvalidPasswordException, match="Password not long enough"):
        idp.sign_up(
            ClientId=client_id,
            Username="bob",
            Password="Sh0rt!",
            UserAttributes=[{"Name": "email", "Value": email()}],
        )
    with pytest.raises(
        idp.exceptions.InvalidParameterException, match="Invalid email address format"
    ):
        idp.sign_up(
            ClientId=client_id,
            Username="bob",
            Password=PASSWORD,
            UserAttributes=[{"Name": "email", "Value": "not-an-email"}],
        )
    with pytest.raises(idp.exceptions.InvalidParameterException, match="could not be determined"):
        idp.sign_up(
            ClientId=client_id,
            Username="bob",
            Password=PASSWORD,
            UserAttributes=[
                {"Name": "email", "Value": email()},
                {"Name": "custom:nope", "Value": "x"},
            ],
        )
    idp.sign_up(
        ClientId=client_id,
        Username="bob",
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": email()}],
    )
    with pytest.raises(idp.exceptions.UsernameExistsException, match="User already exists"):
        idp.sign_up(
            ClientId=client_id,
            Username="BOB",
            Password=PASSWORD,
            UserAttributes=[{"Name": "email", "Value": email()}],
        )
    with pytest.raises(idp.exceptions.ResourceNotFoundException, match="client"):
        idp.sign_up(ClientId="x" * 26, Username="carol", Password=PASSWORD)
    idp.update_user_pool(
        UserPoolId=pool_id, AdminCreateUserConfig={"AllowAdminCreateUserOnly": True}
    )
    with pytest.raises(idp.exceptions.NotAuthorizedException, match="SignUp is not permitted"):
        idp.sign_up(
            ClientId=client_id,
            Username="dave",
            Password=PASSWORD,
            UserAttributes=[{"Name": "email", "Value": email()}],
        )


def test_secret_hash_is_required_and_checked(idp: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="secret")["UserPool"]["Id"]
    made = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="s", GenerateSecret=True)
    client_id, secret = made["UserPoolClient"]["ClientId"], made["UserPoolClient"]["ClientSecret"]
    with pytest.raises(idp.exceptions.NotAuthorizedException, match="secret was not received"):
        idp.sign_up(ClientId=client_id, Username="erin", Password=PASSWORD)
    with pytest.raises(idp.exceptions.NotAuthorizedException, match="Unable to verify secret hash"):
        idp.sign_up(ClientId=client_id, Username="erin", Password=PASSWORD, SecretHash="AAAA")
    digest = hmac.new(secret.encode(), ("erin" + client_id).encode(), hashlib.sha256).digest()
    answer = idp.sign_up(
        ClientId=client_id,
        Username="erin",
        Password=PASSWORD,
        SecretHash=base64.b64encode(digest).decode(),
    )
    assert answer["UserConfirmed"] is False


def test_email_as_username(idp: Any, server: ServerProcess) -> None:
    pool_id, client_id = make_pool(
        idp, UsernameAttributes=["email"], AutoVerifiedAttributes=["email"]
    )
    address = email()
    sub = idp.sign_up(ClientId=client_id, Username=address, Password=PASSWORD)["UserSub"]
    user = idp.admin_get_user(UserPoolId=pool_id, Username=address.upper())
    assert user["Username"] == sub
    assert attributes(user, "UserAttributes")["email"] == address
    with pytest.raises(
        idp.exceptions.InvalidParameterException, match="Username should be an email"
    ):
        idp.sign_up(ClientId=client_id, Username="plainname", Password=PASSWORD)
    with pytest.raises(idp.exceptions.UsernameExistsException, match="email already exists"):
        idp.sign_up(ClientId=client_id, Username=address, Password=PASSWORD)
    idp.confirm_sign_up(
        ClientId=client_id, Username=address, ConfirmationCode=server.last_code(address)
    )


def test_email_alias_belongs_to_one_verified_user(idp: Any) -> None:
    pool_id, _ = make_pool(idp, AliasAttributes=["email", "preferred_username"])
    address = email()
    with pytest.raises(idp.exceptions.InvalidParameterException, match="cannot be of email format"):
        idp.admin_create_user(UserPoolId=pool_id, Username=address, MessageAction="SUPPRESS")
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username="first",
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": address},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "preferred_username", "Value": "Firsty"},
        ],
    )
    assert idp.admin_get_user(UserPoolId=pool_id, Username=address)["Username"] == "first"
    assert idp.admin_get_user(UserPoolId=pool_id, Username="firsty")["Username"] == "first"
    verified = [
        {"Name": "email", "Value": address},
        {"Name": "email_verified", "Value": "true"},
    ]
    with pytest.raises(idp.exceptions.AliasExistsException, match="email already exists"):
        idp.admin_create_user(
            UserPoolId=pool_id, Username="second", MessageAction="SUPPRESS", UserAttributes=verified
        )
    # Unverified, the same address is no alias and may be shared.
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username="third",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": address}],
    )
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username="fourth",
        MessageAction="SUPPRESS",
        UserAttributes=verified,
        ForceAliasCreation=True,
    )
    assert idp.admin_get_user(UserPoolId=pool_id, Username=address)["Username"] == "fourth"


def test_admin_create_user_invites_by_email_with_a_temporary_password(
    idp: Any, mailbox: Mailbox
) -> None:
    pool_id, _ = make_pool(
        idp,
        AdminCreateUserConfig={
            "InviteMessageTemplate": {
                "EmailSubject": "Welcome",
                "EmailMessage": "Hello {username}, your password is {####}",
            }
        },
    )
    address = email()
    created = idp.admin_create_user(
        UserPoolId=pool_id,
        Username="newbie",
        UserAttributes=[{"Name": "email", "Value": address}],
        DesiredDeliveryMediums=["EMAIL"],
    )["User"]
    assert created["Username"] == "newbie"
    assert created["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert created["Enabled"] is True
    assert uuid.UUID(attributes(created)["sub"])
    mail = mailbox.to(address)[-1]
    assert mail.subject == "Welcome"
    assert mail.body.startswith("Hello newbie, your password is ")
    temporary = mail.body.rsplit(" ", 1)[-1]
    assert len(temporary) >= 12
    with pytest.raises(
        idp.exceptions.UsernameExistsException,
        match="User account already exists",
    ):
        idp.admin_create_user(UserPoolId=pool_id, Username="NEWBIE", MessageAction="SUPPRESS")
    resent = idp.admin_create_user(
        UserPoolId=pool_id,
        Username="newbie",
        MessageAction="RESEND",
        DesiredDeliveryMediums=["EMAIL"],
    )["User"]
    assert resent["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert len(mailbox.to(address)) == 2
    with pytest.raises(idp.exceptions.InvalidParameterException, match="No email provided"):
        idp.admin_create_user(
            UserPoolId=pool_id, Username="nomail", DesiredDeliveryMediums=["EMAIL"]
        )
    with pytest.raises(idp.exceptions.InvalidPasswordException, match="password policy"):
        idp.admin_create_user(
            UserPoolId=pool_id,
            Username="weak",
            TemporaryPassword="weakpassword",
            MessageAction="SUPPRESS",
        )


def test_admin_user_lifecycle(idp: Any) -> None:
    pool_id, _ = make_pool(
        idp, Schema=[{"Name": "tier", "AttributeDataType": "String", "Mutable": False}]
    )
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username="life",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "custom:tier", "Value": "gold"}, {"Name": "name", "Value": "L"}],
    )
    idp.admin_disable_user(UserPoolId=pool_id, Username="life")
    assert idp.admin_get_user(UserPoolId=pool_id, Username="life")["Enabled"] is False
    idp.admin_enable_user(UserPoolId=pool_id, Username="life")
    assert idp.admin_get_user(UserPoolId=pool_id, Username="life")["Enabled"] is True
    idp.admin_update_user_attributes(
        UserPoolId=pool_id, Username="life", UserAttributes=[{"Name": "name", "Value": "Life"}]
    )
    got = attributes(idp.admin_get_user(UserPoolId=pool_id, Username="life"), "UserAttributes")
    assert got["name"] == "Life" and got["custom:tier"] == "gold"
    with pytest.raises(
        idp.exceptions.InvalidParameterException, match="Attribute cannot be updated"
    ):
        idp.admin_update_user_attributes(
            UserPoolId=pool_id,
            Username="life",
            UserAttributes=[{"Name": "custom:tier", "Value": "silver"}],
        )
    idp.admin_delete_user_attributes(
        UserPoolId=pool_id, Username="life", UserAttributeNames=["name"]
    )
    got = attributes(idp.admin_get_user(UserPoolId=pool_id, Username="life"), "UserAttributes")
    assert "name" not in got
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username="life", Password=PASSWORD, Permanent=True
    )
    assert idp.admin_get_user(UserPoolId=pool_id, Username="life")["UserStatus"] == "CONFIRMED"
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username="life", Password=PASSWORD, Permanent=False
    )
    assert (
        idp.admin_get_user(UserPoolId=pool_id, Username="life")["UserStatus"]
        == "FORCE_CHANGE_PASSWORD"
    )
    idp.admin_delete_user(UserPoolId=pool_id, Username="life")
    calls: list[Callable[[], object]] = [
        lambda: idp.admin_get_user(UserPoolId=pool_id, Username="life"),
        lambda: idp.admin_delete_user(UserPoolId=pool_id, Username="life"),
        lambda: idp.admin_disable_user(UserPoolId=pool_id, Username="life"),
        lambda: idp.admin_confirm_sign_up(UserPoolId=pool_id, Username="life"),
    ]
    for call in calls:
        with pytest.raises(idp.exceptions.UserNotFoundException, match="User does not exist"):
            call()


def test_admin_confirm_sign_up(idp: Any) -> None:
    pool_id, client_id = make_pool(idp)
    idp.sign_up(ClientId=client_id, Username="pending", Password=PASSWORD)
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username="pending")
    assert idp.admin_get_user(UserPoolId=pool_id, Username="pending")["UserStatus"] == "CONFIRMED"
    with pytest.raises(idp.exceptions.NotAuthorizedException, match="Current status is CONFIRMED"):
        idp.admin_confirm_sign_up(UserPoolId=pool_id, Username="pending")


def test_resend_confirmation_code_replaces_the_old_code(idp: Any, server: ServerProcess) -> None:
    _, client_id = make_pool(idp, AutoVerifiedAttributes=["email"])
    address = email()
    idp.sign_up(
        ClientId=client_id,
        Username="resender",
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": address}],
    )
    first = server.last_code(address)
    details = idp.resend_confirmation_code(ClientId=client_id, Username="resender")
    assert details["CodeDeliveryDetails"]["AttributeName"] == "email"
    second = server.last_code(address)
    if first != second:
        with pytest.raises(idp.exceptions.CodeMismatchException):
            idp.confirm_sign_up(ClientId=client_id, Username="resender", ConfirmationCode=first)
    idp.confirm_sign_up(ClientId=client_id, Username="resender", ConfirmationCode=second)
    with pytest.raises(idp.exceptions.InvalidParameterException, match="User is already confirmed"):
        idp.resend_confirmation_code(ClientId=client_id, Username="resender")
    with pytest.raises(
        idp.exceptions.UserNotFoundException, match="Username/client id combination"
    ):
        idp.resend_confirmation_code(ClientId=client_id, Username="nobody")


def test_wrong_codes_run_out(idp: Any, server: ServerProcess) -> None:
    _, client_id = make_pool(idp, AutoVerifiedAttributes=["email"])
    address = email()
    idp.sign_up(
        ClientId=client_id,
        Username="guesser",
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": address}],
    )
    code = server.last_code(address)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(idp.exceptions.CodeMismatchException):
            idp.confirm_sign_up(ClientId=client_id, Username="guesser", ConfirmationCode=wrong)
    with pytest.raises(idp.exceptions.LimitExceededException, match="Attempt limit exceeded"):
        idp.confirm_sign_up(ClientId=client_id, Username="guesser", ConfirmationCode=code)


def test_forgot_password_flow(idp: Any, server: ServerProcess) -> None:
    pool_id, client_id = make_pool(idp, AutoVerifiedAttributes=["email"])
    address = email()
    idp.sign_up(
        ClientId=client_id,
        Username="forgetful",
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": address}],
    )
    idp.confirm_sign_up(
        ClientId=client_id, Username="forgetful", ConfirmationCode=server.last_code(address)
    )
    details = idp.forgot_password(ClientId=client_id, Username="forgetful")["CodeDeliveryDetails"]
    assert details["DeliveryMedium"] == "EMAIL"
    code = server.last_code(address)
    with pytest.raises(idp.exceptions.InvalidPasswordException):
        idp.confirm_forgot_password(
            ClientId=client_id, Username="forgetful", ConfirmationCode=code, Password="weakweak"
        )
    idp.confirm_forgot_password(
        ClientId=client_id, Username="forgetful", ConfirmationCode=code, Password="N3w-password!"
    )
    with pytest.raises(idp.exceptions.CodeMismatchException):
        idp.confirm_forgot_password(
            ClientId=client_id,
            Username="forgetful",
            ConfirmationCode=code,
            Password="N3w-password!",
        )
    idp.admin_create_user(UserPoolId=pool_id, Username="nocontact", MessageAction="SUPPRESS")
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username="nocontact", Password=PASSWORD, Permanent=True
    )
    with pytest.raises(idp.exceptions.InvalidParameterException, match="no registered/verified"):
        idp.forgot_password(ClientId=client_id, Username="nocontact")
    idp.admin_reset_user_password(UserPoolId=pool_id, Username="forgetful")
    assert (
        idp.admin_get_user(UserPoolId=pool_id, Username="forgetful")["UserStatus"]
        == "RESET_REQUIRED"
    )


def test_prevent_user_existence_errors_hides_unknown_users(idp: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="quiet", AutoVerifiedAttributes=["email"])["UserPool"][
        "Id"
    ]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="q", PreventUserExistenceErrors="ENABLED"
    )["UserPoolClient"]["ClientId"]
    details = idp.forgot_password(ClientId=client_id, Username="ghost")["CodeDeliveryDetails"]
    assert details["DeliveryMedium"] == "EMAIL"
    assert idp.resend_confirmation_code(ClientId=client_id, Username="ghost")["CodeDeliveryDetails"]
    with pytest.raises(idp.exceptions.CodeMismatchException):
        idp.confirm_sign_up(ClientId=client_id, Username="ghost", ConfirmationCode="123456")


def test_concurrent_sign_ups_of_one_name_create_one_user(idp: Any, server: ServerProcess) -> None:
    pool_id, client_id = make_pool(idp)
    clients = [client("cognito-idp", server.url) for _ in range(8)]

    def sign_up(index: int) -> str:
        try:
            clients[index].sign_up(ClientId=client_id, Username="Racer", Password=PASSWORD)
        except clients[index].exceptions.UsernameExistsException:
            return "exists"
        return "created"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(sign_up, range(8)))
    assert outcomes.count("created") == 1 and outcomes.count("exists") == 7
    listed = idp.list_users(UserPoolId=pool_id, Filter='username = "racer"')["Users"]
    assert len(listed) == 1


def test_list_users_walks_every_page_and_filters(idp: Any) -> None:
    pool_id, _ = make_pool(idp, Schema=[{"Name": "team", "AttributeDataType": "String"}])
    for index in range(23):
        idp.admin_create_user(
            UserPoolId=pool_id,
            Username=f"member{index:02d}",
            MessageAction="SUPPRESS",
            UserAttributes=[
                {
                    "Name": "email",
                    "Value": f"member{index:02d}@{'alpha' if index % 2 else 'beta'}.example",
                },
                {"Name": "custom:team", "Value": "red" if index < 5 else "blue"},
            ],
        )
    seen = [
        user["Username"]
        for page in idp.get_paginator("list_users").paginate(
            UserPoolId=pool_id, PaginationConfig={"PageSize": 4}
        )
        for user in page["Users"]
    ]
    assert sorted(seen) == [f"member{i:02d}" for i in range(23)] and len(set(seen)) == 23
    prefix = idp.list_users(UserPoolId=pool_id, Filter='email ^= "member1"')["Users"]
    assert sorted(u["Username"] for u in prefix) == [f"member{i}" for i in range(10, 20)]
    paged = [
        user["Username"]
        for page in idp.get_paginator("list_users").paginate(
            UserPoolId=pool_id, Filter='email ^= "member"', PaginationConfig={"PageSize": 4}
        )
        for user in page["Users"]
    ]
    assert sorted(paged) == sorted(seen) and len(paged) == 23
    exact = idp.list_users(UserPoolId=pool_id, Filter='username = "MEMBER07"')["Users"]
    assert [u["Username"] for u in exact] == ["member07"]
    red = idp.list_users(UserPoolId=pool_id, Filter='custom:team = "red"', Limit=2)
    assert len(red["Users"]) == 2 and red["PaginationToken"]
    rest = idp.list_users(
        UserPoolId=pool_id, Filter='custom:team = "red"', PaginationToken=red["PaginationToken"]
    )
    assert len(rest["Users"]) == 3
    status = idp.list_users(
        UserPoolId=pool_id, Filter='cognito:user_status = "FORCE_CHANGE_PASSWORD"'
    )
    assert len(status["Users"]) == 23
    # Limit 0 (the model's minimum) is an empty page, filtered or not, never a server error.
    for kwargs in ({}, {"Filter": 'custom:team = "red"'}):
        empty = idp.list_users(UserPoolId=pool_id, Limit=0, **kwargs)
        assert empty["Users"] == [] and "PaginationToken" not in empty
    slim = idp.list_users(UserPoolId=pool_id, Limit=1, AttributesToGet=["email"])["Users"][0]
    assert [a["Name"] for a in slim["Attributes"]] == ["email"]
    with pytest.raises(
        idp.exceptions.InvalidParameterException, match="Error while parsing filter"
    ):
        idp.list_users(UserPoolId=pool_id, Filter="email = unquoted")
    assert idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["EstimatedNumberOfUsers"] == 23


def test_password_history_refuses_recent_passwords(idp: Any) -> None:
    pool_id, _ = make_pool(
        idp, Policies={"PasswordPolicy": {"MinimumLength": 8, "PasswordHistorySize": 2}}
    )
    idp.admin_create_user(UserPoolId=pool_id, Username="history", MessageAction="SUPPRESS")
    first, second, third = "first-pass-1", "second-pass-2", "third-pass-3"
    for password in (first, second):
        idp.admin_set_user_password(
            UserPoolId=pool_id, Username="history", Password=password, Permanent=True
        )
    with pytest.raises(idp.exceptions.PasswordHistoryPolicyViolationException):
        idp.admin_set_user_password(
            UserPoolId=pool_id, Username="history", Password=first, Permanent=True
        )
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username="history", Password=third, Permanent=True
    )
    # Two passwords later, the first is allowed again.
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username="history", Password=first, Permanent=True
    )


def test_passwords_may_hold_inner_spaces_but_not_outer_ones(idp: Any) -> None:
    _, client_id = make_pool(idp)
    idp.sign_up(ClientId=client_id, Username="spacey", Password="Correct horse 9!")
    with pytest.raises(idp.exceptions.InvalidParameterException, match="regular expression"):
        idp.sign_up(ClientId=client_id, Username="spacey2", Password=" Correct horse 9!")


def test_sign_up_writes_only_what_the_client_may_write(idp: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="writes")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="narrow", WriteAttributes=["email"]
    )["UserPoolClient"]["ClientId"]
    with pytest.raises(
        idp.exceptions.InvalidParameterException, match="attempted to write unauthorized"
    ):
        idp.sign_up(
            ClientId=client_id,
            Username="writer",
            Password=PASSWORD,
            UserAttributes=[{"Name": "name", "Value": "Not allowed"}],
        )
    idp.sign_up(
        ClientId=client_id,
        Username="writer",
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": email()}],
    )


def test_admin_address_change_waits_for_proof_unless_marked_verified(
    idp: Any, server: ServerProcess
) -> None:
    pool_id, _ = make_pool(
        idp,
        AutoVerifiedAttributes=["email"],
        UserAttributeUpdateSettings={"AttributesRequireVerificationBeforeUpdate": ["email"]},
    )
    kept, proposed, forced = email(), email(), email()
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username="mover",
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": kept},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    idp.admin_update_user_attributes(
        UserPoolId=pool_id, Username="mover", UserAttributes=[{"Name": "email", "Value": proposed}]
    )
    got = attributes(idp.admin_get_user(UserPoolId=pool_id, Username="mover"), "UserAttributes")
    assert got["email"] == kept and got["email_verified"] == "true"
    assert server.last_code(proposed)
    idp.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username="mover",
        UserAttributes=[
            {"Name": "email", "Value": forced},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    got = attributes(idp.admin_get_user(UserPoolId=pool_id, Username="mover"), "UserAttributes")
    assert got["email"] == forced and got["email_verified"] == "true"
    assert not server.outbox(forced)

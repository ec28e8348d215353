"""UserMigration: users come over lazily from an old pool on a second server, through a handler
written as a Lambda handler (tests/lambdas/handlers.py) that checks the password there."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import client, write_functions_config
from tests.helpers.errors import error_of
from tests.helpers.pools import PASSWORD, make_user
from tests.helpers.triggers import ARN, events
from tests.server import ACCESS_KEY_ID, REGION, SECRET_ACCESS_KEY, ServerProcess


@pytest.fixture(scope="module")
def old_pool(make_server: Any) -> Iterator[dict[str, str]]:
    """The old system: another server with a pool, an app client and two users."""
    old: ServerProcess = make_server("sqlite")
    old.start()
    idp = client("cognito-idp", old.url)
    pool_id = idp.create_user_pool(PoolName="old", AliasAttributes=["email"])["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="old", ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    make_user(idp, pool_id, "veteran", email="veteran@example.com", email_verified="true")
    make_user(idp, pool_id, "forgetful", email="forgetful@example.com", email_verified="true")
    yield {"url": old.url, "pool_id": pool_id, "client_id": client_id}
    old.stop()


@pytest.fixture(scope="module")
def new_server(
    backend: str,
    make_server: Any,
    old_pool: dict[str, str],
    http_function: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> ServerProcess:
    """The new system, its UserMigration function pointed at the old pool."""
    folder = tmp_path_factory.mktemp(f"migration-{backend}")
    config = write_functions_config(folder, http_function.url)
    server: ServerProcess = make_server(
        backend,
        extra_env={
            "TRIGGER_LOG": str(folder / "triggers.jsonl"),
            "HTTP_FUNCTION_SECRET": "unused",
            "OLD_POOL_ENDPOINT": old_pool["url"],
            "OLD_POOL_ID": old_pool["pool_id"],
            "OLD_CLIENT_ID": old_pool["client_id"],
            "AWS_ACCESS_KEY_ID": ACCESS_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
            "AWS_DEFAULT_REGION": REGION,
        },
    )
    server.start("--dev", "--config", str(config))
    return server


@pytest.fixture
def new_pool(new_server: ServerProcess) -> tuple[Any, str, str]:
    idp = client("cognito-idp", new_server.url)
    pool_id = idp.create_user_pool(
        PoolName="new",
        AliasAttributes=["email"],
        LambdaConfig={"UserMigration": ARN.format("user-migration")},
    )["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="new", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    return idp, pool_id, client_id


def sign_in(idp: Any, client_id: str, name: str, password: str = PASSWORD) -> Any:
    return idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": name, "PASSWORD": password},
    )


def test_a_user_comes_over_with_their_password_on_first_sign_in(
    new_pool: tuple[Any, str, str], new_server: ServerProcess
) -> None:
    idp, pool_id, client_id = new_pool
    with pytest.raises(idp.exceptions.UserNotFoundException):
        idp.admin_get_user(UserPoolId=pool_id, Username="veteran")
    tokens = sign_in(idp, client_id, "veteran")["AuthenticationResult"]
    assert idp.get_user(AccessToken=tokens["AccessToken"])["Username"] == "veteran"
    user = idp.admin_get_user(UserPoolId=pool_id, Username="veteran")
    assert user["UserStatus"] == "CONFIRMED"
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["email"] == "veteran@example.com"
    assert attributes["email_verified"] == "true"
    # From now on the password is checked here; the function is not asked again.
    assert sign_in(idp, client_id, "veteran@example.com")["AuthenticationResult"]
    (event,) = events(new_server, pool_id, "UserMigration_Authentication")
    assert event["userName"] == "veteran"
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        sign_in(idp, client_id, "veteran", "Wrong-passw0rd!")


def test_a_wrong_password_or_an_unknown_user_does_not_come_over(
    new_pool: tuple[Any, str, str],
) -> None:
    idp, pool_id, client_id = new_pool
    with pytest.raises(ClientError) as excinfo:
        sign_in(idp, client_id, "veteran", "Wrong-passw0rd!")
    assert error_of(excinfo) == (
        "UserLambdaValidationException",
        "UserMigration failed with error Bad password.",
    )
    with pytest.raises(ClientError) as excinfo:
        sign_in(idp, client_id, "stranger")
    assert error_of(excinfo) == (
        "UserLambdaValidationException",
        "UserMigration failed with error User not found.",
    )
    with pytest.raises(idp.exceptions.UserNotFoundException):
        idp.admin_get_user(UserPoolId=pool_id, Username="veteran")


def test_forgot_password_brings_the_user_over_to_reset(
    new_pool: tuple[Any, str, str], new_server: ServerProcess
) -> None:
    idp, pool_id, client_id = new_pool
    answer = idp.forgot_password(ClientId=client_id, Username="forgetful")
    assert answer["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    assert idp.admin_get_user(UserPoolId=pool_id, Username="forgetful")["UserStatus"] == (
        "RESET_REQUIRED"
    )
    idp.confirm_forgot_password(
        ClientId=client_id,
        Username="forgetful",
        ConfirmationCode=new_server.last_code("forgetful@example.com"),
        Password="Br4nd-new-pass!",
    )
    assert sign_in(idp, client_id, "forgetful", "Br4nd-new-pass!")["AuthenticationResult"]

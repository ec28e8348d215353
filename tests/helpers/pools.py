"""A pool with a password-flow client, users with a known password, and a password sign-in."""

from __future__ import annotations

from typing import Any

PASSWORD = "Corr3ct-horse!"
FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


def setup_pool(idp: Any, **client_options: Any) -> tuple[str, str]:
    pool_id = idp.create_user_pool(PoolName="auth")["UserPool"]["Id"]
    options = {"ExplicitAuthFlows": FLOWS, **client_options}
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="app", **options)[
        "UserPoolClient"
    ]["ClientId"]
    return pool_id, client_id


def make_user(idp: Any, pool_id: str, name: str, **attributes: str) -> None:
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username=name,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()],
    )
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username=name, Password=PASSWORD, Permanent=True
    )


def sign_in(idp: Any, client_id: str, name: str, password: str = PASSWORD) -> dict[str, Any]:
    answer = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": name, "PASSWORD": password},
    )
    result: dict[str, Any] = answer["AuthenticationResult"]
    return result

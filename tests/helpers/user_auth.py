"""A pool whose client signs in by choice (USER_AUTH), and the first call of that flow."""

from __future__ import annotations

from typing import Any

FLOWS = ["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


def choice_pool(idp: Any, factors: list[str]) -> tuple[str, str]:
    pool_id = idp.create_user_pool(
        PoolName="choice", Policies={"SignInPolicy": {"AllowedFirstAuthFactors": factors}}
    )["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=FLOWS
    )["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def user_auth(idp: Any, client_id: str, **parameters: str) -> dict[str, Any]:
    answer: dict[str, Any] = idp.initiate_auth(
        ClientId=client_id, AuthFlow="USER_AUTH", AuthParameters=parameters
    )
    return answer

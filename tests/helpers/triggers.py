"""A pool whose triggers call tests/lambdas, the events they recorded, and a sign-up."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers.pools import FLOWS, PASSWORD

ARN = "arn:aws:lambda:us-east-1:123456789012:function:{}"


def pool_with(idp: Any, **functions: str) -> tuple[str, str]:
    """A pool whose LambdaConfig maps each trigger to the named test function."""
    config: dict[str, Any] = {}
    for trigger, name in functions.items():
        if trigger == "PreTokenGenerationV2":
            config["PreTokenGenerationConfig"] = {
                "LambdaArn": ARN.format(name),
                "LambdaVersion": "V2_0",
            }
        else:
            config[trigger] = ARN.format(name)
    pool_id = idp.create_user_pool(
        PoolName="triggers", LambdaConfig=config, AutoVerifiedAttributes=["email"]
    )["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=FLOWS
    )["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def events(server: Any, pool_id: str, source: str | None = None) -> list[dict[str, Any]]:
    """What the recording handlers received for this pool, oldest first."""
    path = Path(server.extra_env["TRIGGER_LOG"])
    if not path.exists():
        return []
    found = [json.loads(line) for line in path.read_text().splitlines()]
    return [
        e
        for e in found
        if e["userPoolId"] == pool_id and (source is None or e["triggerSource"] == source)
    ]


def sign_up(idp: Any, client_id: str, name: str, email: str, **extra: Any) -> Any:
    return idp.sign_up(
        ClientId=client_id,
        Username=name,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": email}],
        **extra,
    )

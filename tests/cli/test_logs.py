"""Secrets never reach the server's output."""

from __future__ import annotations

from pathlib import Path

import pytest
from botocore.config import Config

from tests.conftest import client
from tests.server import SECRET_ACCESS_KEY, ServerProcess


def test_secrets_stay_out_of_the_log_even_at_debug_level(tmp_path: Path) -> None:
    server = ServerProcess(data_dir=tmp_path / "data")
    try:
        server.start("--log-level", "debug")
        idp = client("cognito-idp", server.url)
        pool_id = idp.create_user_pool(PoolName="quiet")["UserPool"]["Id"]
        made = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c", GenerateSecret=True)[
            "UserPoolClient"
        ]
        idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=made["ClientId"])
        unchecked = client(
            "cognito-idp",
            server.url,
            config=Config(parameter_validation=False, retries={"max_attempts": 0}),
        )
        refused = "custom-secret-never-logged!"
        with pytest.raises(unchecked.exceptions.InvalidParameterException):
            unchecked.create_user_pool_client(
                UserPoolId=pool_id, ClientName="c2", ClientSecret=refused
            )
        forged = client("cognito-idp", server.url, aws_secret_access_key="f" * 40)
        with pytest.raises(forged.exceptions.ClientError, match="InvalidSignatureException"):
            forged.list_user_pools(MaxResults=1)
    finally:
        server.stop()
    log = server.log()
    assert "Uvicorn running" in log or "Cognitio is serving" in log
    for secret in (made["ClientSecret"], SECRET_ACCESS_KEY, refused, "f" * 40):
        assert secret not in log

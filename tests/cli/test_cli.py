"""The command line: settings, admin keys, restarts."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import client
from tests.server import ServerProcess


def cognitio(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("COGNITIO_")}
    clean.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "cognitio", *args],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--port", "70000"], {}, "port: 70000 is outside 0-65535"),
        ([], {"COGNITIO_REGION": "mars"}, "region: 'mars' is not an AWS region"),
        ([], {"COGNITIO_ACCOUNT_ID": "12"}, "account_id: '12' is not 12 digits"),
        ([], {"COGNITIO_PUBLIC_URL": "ftp://x"}, "public_url"),
        ([], {"COGNITIO_MASTER_KEY": "c2hvcnQ="}, "must decode to 32 bytes"),
        ([], {"COGNITIO_ADMIN_ACCESS_KEY_ID": "AKIAONLYTHEID0000000"}, "must be set together"),
        (["--database-url", "mysql://x/y"], {}, "database_url: 'mysql' is not supported"),
        (["--config", "/nonexistent/cognitio.toml"], {}, "config: file not found"),
    ],
)
def test_an_invalid_setting_stops_the_start_with_one_line(
    tmp_path: Path, args: list[str], env: dict[str, str], message: str
) -> None:
    result = cognitio("serve", "--data-dir", str(tmp_path), *args, env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cognitio: ")
    assert message in lines[0]


def test_unknown_setting_in_the_config_file_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "cognitio.toml"
    config.write_text('port = 1234\ncolour = "blue"\n')
    result = cognitio("serve", "--config", str(config), "--data-dir", str(tmp_path))
    assert result.returncode == 2
    assert "unknown setting 'colour'" in result.stderr


def test_config_file_settings_apply_and_flags_win(tmp_path: Path) -> None:
    port = ServerProcess(data_dir=tmp_path / "data").port
    config = tmp_path / "cognitio.toml"
    config.write_text('port = 1\nregion = "eu-central-1"\naccount_id = "000011112222"\n')
    server = ServerProcess(data_dir=tmp_path / "data", port=port)
    try:
        server.start("--config", str(config), "--port", str(port))
        idp = client("cognito-idp", server.url, region_name="eu-central-1")
        pool = idp.create_user_pool(PoolName="from-config")["UserPool"]
        assert pool["Arn"].startswith("arn:aws:cognito-idp:eu-central-1:000011112222:userpool/")
    finally:
        server.stop()


def test_generated_key_is_printed_once_and_works(tmp_path: Path) -> None:
    server = ServerProcess(data_dir=tmp_path / "data", admin_env=False)
    try:
        server.start()
        banner = server.log()
        key_id = re.search(r"AWS_ACCESS_KEY_ID=(AKIA[A-Z2-7]{16})", banner)
        secret = re.search(r"AWS_SECRET_ACCESS_KEY=(\S{40})", banner)
        assert key_id and secret
        assert f"AWS_ENDPOINT_URL={server.url}" in banner
        idp = client(
            "cognito-idp",
            server.url,
            aws_access_key_id=key_id.group(1),
            aws_secret_access_key=secret.group(1),
        )
        assert idp.list_user_pools(MaxResults=1)["UserPools"] == []
        server.stop()
        server.log_path.unlink()  # type: ignore[union-attr]
        server.start()
        assert secret.group(1) not in server.log()
    finally:
        server.stop()


def test_keys_create_list_delete(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    created = cognitio("keys", "create", "--description", "ci robot", "--data-dir", data)
    assert created.returncode == 0, created.stderr
    values = dict(line.split("=", 1) for line in created.stdout.strip().splitlines())
    key_id, secret = values["AWS_ACCESS_KEY_ID"], values["AWS_SECRET_ACCESS_KEY"]
    assert secret not in (tmp_path / "data" / "cognitio.db").read_bytes().decode("latin-1")
    listed = cognitio("keys", "list", "--data-dir", data)
    assert key_id in listed.stdout and "ci robot" in listed.stdout and secret not in listed.stdout

    server = ServerProcess(data_dir=tmp_path / "data")
    try:
        server.start()
        robot = client(
            "cognito-idp", server.url, aws_access_key_id=key_id, aws_secret_access_key=secret
        )
        robot.list_user_pools(MaxResults=1)
        assert cognitio("keys", "delete", key_id, "--data-dir", data).returncode == 0
        # Deleted by another process: a node drops its key cache on restart (and after seconds).
        server.stop()
        server.start()
        with pytest.raises(robot.exceptions.ClientError) as caught:
            robot.list_user_pools(MaxResults=1)
        assert caught.value.response["Error"]["Code"] == "UnrecognizedClientException"
    finally:
        server.stop()
    missing = cognitio("keys", "delete", key_id, "--data-dir", data)
    assert missing.returncode == 1 and "no access key" in missing.stderr


def test_master_key_file_is_private_and_a_different_key_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert cognitio("keys", "list", "--data-dir", str(data)).returncode == 0
    key_file = data / "master.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    other = base64.b64encode(os.urandom(32)).decode()
    result = cognitio("keys", "list", "--data-dir", str(data), env={"COGNITIO_MASTER_KEY": other})
    assert result.returncode == 2
    assert "master key does not match" in result.stderr
    key_file.chmod(0o644)
    loose = cognitio("keys", "list", "--data-dir", str(data))
    assert loose.returncode == 2 and "chmod 600" in loose.stderr


def test_a_restart_keeps_pools_and_clients(backend: str, make_server: Any) -> None:
    server: ServerProcess = make_server(backend)
    server.start()
    try:
        idp = client("cognito-idp", server.url)
        pool = idp.create_user_pool(PoolName="durable", DeletionProtection="ACTIVE")["UserPool"]
        made = idp.create_user_pool_client(
            UserPoolId=pool["Id"], ClientName="durable-client", GenerateSecret=True
        )["UserPoolClient"]
        server.stop()
        server.start()
        assert idp.describe_user_pool(UserPoolId=pool["Id"])["UserPool"] == pool
        kept = idp.describe_user_pool_client(UserPoolId=pool["Id"], ClientId=made["ClientId"])
        assert kept["UserPoolClient"] == made
    finally:
        server.stop()


def test_issuer_template_sets_the_token_issuer(tmp_path: Path) -> None:
    import base64 as b64
    import json

    template = "https://cognito-idp.{region}.amazonaws.com/{pool_id}"
    server = ServerProcess(
        data_dir=tmp_path / "data", extra_env={"COGNITIO_ISSUER_TEMPLATE": template}
    )
    try:
        server.start()
        idp = client("cognito-idp", server.url)
        pool_id = idp.create_user_pool(PoolName="issuer")["UserPool"]["Id"]
        client_id = idp.create_user_pool_client(
            UserPoolId=pool_id, ClientName="c", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
        )["UserPoolClient"]["ClientId"]
        idp.admin_create_user(UserPoolId=pool_id, Username="iss", MessageAction="SUPPRESS")
        idp.admin_set_user_password(
            UserPoolId=pool_id, Username="iss", Password="Corr3ct-horse!", Permanent=True
        )
        tokens = idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "iss", "PASSWORD": "Corr3ct-horse!"},
        )["AuthenticationResult"]
        payload = tokens["AccessToken"].split(".")[1]
        claims = json.loads(b64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        assert claims["iss"] == f"https://cognito-idp.us-east-1.amazonaws.com/{pool_id}"
        assert idp.get_user(AccessToken=tokens["AccessToken"])["Username"] == "iss"
    finally:
        server.stop()
    bad = cognitio(
        "serve", "--data-dir", str(tmp_path), env={"COGNITIO_ISSUER_TEMPLATE": "x/{nope}"}
    )
    assert bad.returncode == 2 and "issuer_template" in bad.stderr


# Every interface, on purpose: the warning is about exactly that.
ANY_HOST = "0.0.0.0"  # noqa: S104 (the bind-everywhere warning under test)


@pytest.mark.parametrize(
    ("args", "env", "config"),
    [
        (["--dev", "--host", ANY_HOST], {}, ""),
        (["--host", ANY_HOST], {"COGNITIO_DEV": "true"}, ""),
        (["--host", ANY_HOST], {}, "dev = true\n"),
    ],
)
def test_dev_mode_beyond_loopback_warns_loudly(
    tmp_path: Path, args: list[str], env: dict[str, str], config: str
) -> None:
    """Security review #24: --dev (flag, COGNITIO_DEV or the config file) off loopback warns."""
    if config:
        (tmp_path / "cognitio.toml").write_text(config)
        args = [*args, "--config", str(tmp_path / "cognitio.toml")]
    server = ServerProcess(data_dir=tmp_path / "data", extra_env=env)
    try:
        server.start(*args)
    finally:
        server.stop()
    log = server.log()
    assert "WARNING: dev mode is listening on 0.0.0.0, beyond this machine" in log
    assert "/_dev/outbox" in log


@pytest.mark.parametrize(
    ("args", "env"),
    [(["--dev"], {}), (["--dev", "--host", "localhost"], {}), (["--host", ANY_HOST], {})],
)
def test_dev_mode_on_loopback_or_production_anywhere_does_not_warn(
    tmp_path: Path, args: list[str], env: dict[str, str]
) -> None:
    server = ServerProcess(data_dir=tmp_path / "data", extra_env=env)
    try:
        server.start(*args)
    finally:
        server.stop()
    log = server.log()
    assert "Cognitio is serving" in log
    assert "dev mode is listening" not in log

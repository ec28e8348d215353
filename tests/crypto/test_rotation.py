"""Rotating the master key end to end: a server on key A, then B with A kept, re-sealed, then B
alone; and the key file's own rotation."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
import time
from typing import Any

import pyotp
import pytest
from pycognito.aws_srp import AWSSRP

from tests.conftest import client
from tests.server import ServerProcess

PASSWORD = "Corr3ct-horse!"
FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


def new_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def cognitio(
    server: ServerProcess, *args: str, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """A `cognitio` command on the server's storage, with only *env* as its COGNITIO_ settings."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("COGNITIO_")}
    clean.update(env)
    storage = ["--data-dir", str(server.data_dir)]
    if server.database_url:
        storage += ["--database-url", server.database_url]
    return subprocess.run(
        [sys.executable, "-m", "cognitio", *args, *storage],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class Pool:
    """A pool with a secret client (SRP users) and a public one (TOTP users)."""

    def __init__(self, idp: Any) -> None:
        self.id = idp.create_user_pool(PoolName="rotation")["UserPool"]["Id"]
        idp.set_user_pool_mfa_config(
            UserPoolId=self.id,
            SoftwareTokenMfaConfiguration={"Enabled": True},
            MfaConfiguration="OPTIONAL",
        )
        secret_client = idp.create_user_pool_client(
            UserPoolId=self.id, ClientName="secret", GenerateSecret=True, ExplicitAuthFlows=FLOWS
        )["UserPoolClient"]
        self.secret_client_id = secret_client["ClientId"]
        self.client_secret = secret_client["ClientSecret"]
        self.public_client_id = idp.create_user_pool_client(
            UserPoolId=self.id, ClientName="public", ExplicitAuthFlows=FLOWS
        )["UserPoolClient"]["ClientId"]
        self.totp: dict[str, pyotp.TOTP] = {}

    def make_user(self, idp: Any, name: str) -> None:
        idp.admin_create_user(UserPoolId=self.id, Username=name, MessageAction="SUPPRESS")
        idp.admin_set_user_password(
            UserPoolId=self.id, Username=name, Password=PASSWORD, Permanent=True
        )

    def enrol_totp(self, idp: Any, name: str) -> None:
        self.make_user(idp, name)
        token = idp.initiate_auth(
            ClientId=self.public_client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD},
        )["AuthenticationResult"]["AccessToken"]
        totp = pyotp.TOTP(idp.associate_software_token(AccessToken=token)["SecretCode"])
        idp.verify_software_token(AccessToken=token, UserCode=totp.now())
        idp.set_user_mfa_preference(
            AccessToken=token, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
        )
        self.totp[name] = totp

    def srp_sign_in(self, idp: Any, name: str) -> None:
        """SRP (the sealed verifier) through the secret client (the sealed client secret),
        then the tokens (the sealed signing keys) at GetUser and a refresh."""
        srp = AWSSRP(
            name,
            PASSWORD,
            self.id,
            self.secret_client_id,
            client=idp,
            client_secret=self.client_secret,
        )
        result = srp.authenticate_user()["AuthenticationResult"]
        assert idp.get_user(AccessToken=result["AccessToken"])["Username"] == name

    def totp_sign_in(self, idp: Any, name: str) -> None:
        """A code for the sealed TOTP secret, on a step the enrolment did not use."""
        challenge = idp.initiate_auth(
            ClientId=self.public_client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD},
        )
        assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
        done = idp.respond_to_auth_challenge(
            ClientId=self.public_client_id,
            ChallengeName="SOFTWARE_TOKEN_MFA",
            Session=challenge["Session"],
            ChallengeResponses={
                "USERNAME": name,
                "SOFTWARE_TOKEN_MFA_CODE": self.totp[name].at(time.time() + 30),
            },
        )
        assert idp.get_user(AccessToken=done["AuthenticationResult"]["AccessToken"])


def test_rotating_the_master_key_keeps_every_secret_working(backend: str, make_server: Any) -> None:
    """Security review #23: key A, then B with A kept, re-seal, then B alone: all still works."""
    key_a, key_b = new_key(), new_key()
    server: ServerProcess = make_server(backend, extra_env={"COGNITIO_MASTER_KEY": key_a})
    server.start()
    try:
        idp = client("cognito-idp", server.url)
        pool = Pool(idp)
        pool.make_user(idp, "srp-user")
        pool.enrol_totp(idp, "totp-1")
        pool.enrol_totp(idp, "totp-2")
        pool.srp_sign_in(idp, "srp-user")
    finally:
        server.stop()

    rotated = {"COGNITIO_MASTER_KEY": key_b, "COGNITIO_PREVIOUS_MASTER_KEYS": key_a}
    server.extra_env = rotated
    server.start()
    try:
        idp = client("cognito-idp", server.url)
        pool.srp_sign_in(idp, "srp-user")
        pool.totp_sign_in(idp, "totp-1")
        done = cognitio(server, "master-key", "reseal", env=rotated)
    finally:
        server.stop()
    assert done.returncode == 0, done.stderr
    lines = set(done.stdout.splitlines())
    assert "client-secret: 1 resealed, 0 current" in lines
    assert "srp: 3 resealed, 0 current" in lines
    assert "totp: 2 resealed, 0 current" in lines
    assert "signing-key: 2 resealed, 0 current" in lines
    assert "access-key: 1 resealed, 0 current" in lines
    assert "key-check: 1 resealed, 0 current" in lines
    again = cognitio(server, "master-key", "reseal", env=rotated)
    assert "client-secret: 0 resealed, 1 current" in again.stdout.splitlines()

    server.extra_env = {"COGNITIO_MASTER_KEY": key_b}
    server.start()
    try:
        idp = client("cognito-idp", server.url)
        pool.srp_sign_in(idp, "srp-user")
        pool.totp_sign_in(idp, "totp-2")
    finally:
        server.stop()

    # The old key alone no longer matches the database.
    server.extra_env = {"COGNITIO_MASTER_KEY": key_a}
    with pytest.raises(RuntimeError, match="does not match"):
        server.start()
    server.stop()


def test_reseal_under_an_unrelated_key_is_refused_by_the_key_check(
    backend: str, make_server: Any
) -> None:
    key_a, key_b = new_key(), new_key()
    server: ServerProcess = make_server(backend, extra_env={"COGNITIO_MASTER_KEY": key_a})
    server.start()
    try:
        Pool(client("cognito-idp", server.url))
    finally:
        server.stop()
    # B alone is refused at the key check, before anything is touched.
    refused = cognitio(server, "master-key", "reseal", env={"COGNITIO_MASTER_KEY": key_b})
    assert refused.returncode == 2
    assert "does not match" in refused.stderr


def test_rotate_puts_a_new_key_first_in_the_key_file(tmp_path: Any) -> None:
    """Security review #23: the default key file rotates in place, its old key kept below."""
    server = ServerProcess(data_dir=tmp_path / "data")
    server.start()
    try:
        idp = client("cognito-idp", server.url)
        pool = Pool(idp)
        pool.make_user(idp, "srp-user")
    finally:
        server.stop()
    key_file = server.data_dir / "master.key"
    before = key_file.read_text().split()

    done = cognitio(server, "master-key", "rotate", env={})

    assert done.returncode == 0, done.stderr
    after = key_file.read_text().split()
    assert len(after) == 2 and after[1:] == before and after[0] != before[0]
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert "client-secret: 1 resealed, 0 current" in done.stdout.splitlines()
    # Every stored secret is under the new key: the old line can go.
    key_file.write_text(after[0] + "\n")
    server.start()
    try:
        pool.srp_sign_in(client("cognito-idp", server.url), "srp-user")
    finally:
        server.stop()


def test_rotate_refuses_a_key_given_by_the_environment(tmp_path: Any) -> None:
    server = ServerProcess(data_dir=tmp_path / "data")
    done = cognitio(server, "master-key", "rotate", env={"COGNITIO_MASTER_KEY": new_key()})
    assert done.returncode == 2
    assert "COGNITIO_PREVIOUS_MASTER_KEYS" in done.stderr


def test_generate_prints_a_fresh_key() -> None:
    first = subprocess.run(
        [sys.executable, "-m", "cognitio", "master-key", "generate"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert len(base64.b64decode(first, validate=True)) == 32

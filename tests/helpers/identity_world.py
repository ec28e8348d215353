"""A server whose [iam] roles trust identity pools, and a world in it: a user pool with users,
an identity pool that accepts its app client and has a developer provider, and clients for
cognito-identity (signed and unsigned) and STS."""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
from botocore import UNSIGNED
from botocore.config import Config

from cognitio.config import load_settings
from cognitio.crypto.envelope import Envelope, envelope_for
from cognitio.services.identity.openid_token import OpenIdTokens
from cognitio.services.sts.credentials import CredentialAuthority, SessionClaims
from cognitio.store.db import Database
from cognitio.store.sql import SqlStore
from tests.conftest import client
from tests.helpers.pools import make_user, setup_pool, sign_in
from tests.server import REGION, ServerProcess

ACCOUNT = "123456789012"
MASTER_KEY = bytes(range(32))
_MASTER_KEY_TEXT = base64.b64encode(MASTER_KEY).decode()
ROLE = f"arn:aws:iam::{ACCOUNT}:role/"
DEVELOPER = "login.example.app"
LOGINS_DONT_MATCH = (
    "Logins don't match. Please include at least one valid login for this identity or "
    "identity pool."
)
ANY_POOL_TRUST = {
    "Version": "2012-10-17",
    "Statement": {
        "Effect": "Allow",
        "Principal": {"Federated": "cognito-identity.amazonaws.com"},
        "Action": "sts:AssumeRoleWithWebIdentity",
    },
}


def start_server(backend: str, make_server: Any, folder: Path) -> ServerProcess:
    """A server with the roles Auth and Guest (trusting the pools that name them) and
    NoTagging (trusting any pool for AssumeRoleWithWebIdentity but not sts:TagSession)."""
    lines = [f'[[iam.roles]]\narn = "{ROLE}{name}"\n' for name in ("Auth", "Guest", "Other")]
    lines.append(
        f'[[iam.roles]]\narn = "{ROLE}NoTagging"\n[iam.roles.trust_policy]\n'
        f"document = '''{json.dumps(ANY_POOL_TRUST)}'''\n"
    )
    config = folder / "cognitio.toml"
    config.write_text("\n".join(lines))
    process: ServerProcess = make_server(
        backend, extra_env={"COGNITIO_MASTER_KEY": _MASTER_KEY_TEXT}
    )
    process.start("--config", str(config))
    return process


def open_credentials(credentials: dict[str, Any]) -> SessionClaims:
    """The claims sealed in credentials the server handed out (either member name)."""
    authority = CredentialAuthority.from_envelope(Envelope(MASTER_KEY), ["k1"])
    opened = authority.open(
        credentials["AccessKeyId"], credentials["SessionToken"], now=datetime.now(UTC)
    )
    return opened.claims


def jwt_claims(token: str) -> dict[str, Any]:
    body = token.split(".")[1]
    parsed: dict[str, Any] = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    return parsed


class World:
    """One user pool, users signed in on demand, one identity pool with roles."""

    def __init__(self, server: ServerProcess, **pool: Any) -> None:
        self.server = server
        self.idp = client("cognito-idp", server.url)
        self.admin = client("cognito-identity", server.url)
        self.public = World.public_client(server)
        self.sts = boto3.client(
            "sts",
            endpoint_url=server.url,
            region_name=REGION,
            config=Config(signature_version=UNSIGNED, retries={"max_attempts": 0}),
        )
        # Two user pools: two providers, so one identity can hold two logins.
        self.user_pools = [setup_pool(self.idp), setup_pool(self.idp)]
        self.keys = [f"cognito-idp.{REGION}.amazonaws.com/{p}" for p, _ in self.user_pools]
        self.key = self.keys[0]
        self.pool_id = self.new_pool(**pool)

    @staticmethod
    def public_client(server: ServerProcess) -> Any:
        """An unsigned cognito-identity client, as an app has."""
        config = Config(signature_version=UNSIGNED, retries={"max_attempts": 0})
        return client("cognito-identity", server.url, config=config)

    def new_pool(self, **pool: Any) -> str:
        providers = [
            {"ProviderName": key, "ClientId": client_id}
            for key, (_, client_id) in zip(self.keys, self.user_pools, strict=True)
        ]
        options: dict[str, Any] = {
            "IdentityPoolName": "links",
            "AllowUnauthenticatedIdentities": True,
            "DeveloperProviderName": DEVELOPER,
            "CognitoIdentityProviders": providers,
            **pool,
        }
        pool_id = str(self.admin.create_identity_pool(**options)["IdentityPoolId"])
        self.admin.set_identity_pool_roles(
            IdentityPoolId=pool_id,
            Roles={"authenticated": f"{ROLE}Auth", "unauthenticated": f"{ROLE}Guest"},
        )
        return pool_id

    def user(self, provider: int = 0) -> dict[str, str]:
        """Logins of a new user of the first (or second) user pool."""
        name = f"user-{uuid.uuid4().hex[:8]}"
        user_pool, client_id = self.user_pools[provider]
        make_user(self.idp, user_pool, name)
        return {self.keys[provider]: str(sign_in(self.idp, client_id, name)["IdToken"])}

    def get_id(self, logins: dict[str, str] | None = None, pool_id: str | None = None) -> str:
        options = {"Logins": logins} if logins else {}
        answer = self.public.get_id(IdentityPoolId=pool_id or self.pool_id, **options)
        return str(answer["IdentityId"])

    def open_id_token(self, identity_id: str, logins: dict[str, str] | None = None) -> Any:
        options = {"Logins": logins} if logins else {}
        return self.public.get_open_id_token(IdentityId=identity_id, **options)

    def developer_token(self, user: str, **options: Any) -> Any:
        logins = {DEVELOPER: user, **options.pop("Logins", {})}
        return self.admin.get_open_id_token_for_developer_identity(
            IdentityPoolId=options.pop("IdentityPoolId", self.pool_id), Logins=logins, **options
        )

    def credentials(self, identity_id: str, logins: dict[str, str] | None = None) -> Any:
        options = {"Logins": logins} if logins else {}
        return self.public.get_credentials_for_identity(IdentityId=identity_id, **options)

    def describe(self, identity_id: str) -> Any:
        return self.admin.describe_identity(IdentityId=identity_id)

    def assume(self, token: str, role: str = "Auth", **options: Any) -> Any:
        return self.sts.assume_role_with_web_identity(
            RoleArn=f"{ROLE}{role}",
            RoleSessionName="app",
            WebIdentityToken=token,
            **options,
        )


def mint_token(
    server: ServerProcess,
    identity_id: str,
    pool_id: str,
    amr: list[str],
    *,
    seconds: int = 600,
    issued: int | None = None,
) -> str:
    """An OpenID token signed by the server's issuer key, made over its store."""

    async def run() -> str:
        overrides: dict[str, object] = {"data_dir": str(server.data_dir), "port": server.port}
        if server.database_url:
            overrides["database_url"] = server.database_url
        settings = load_settings(overrides, environ={"COGNITIO_MASTER_KEY": _MASTER_KEY_TEXT})
        database = Database(settings.database_dsn)
        await database.open()
        try:
            tokens = OpenIdTokens(SqlStore(database), envelope_for(settings), settings)
            return await tokens.mint(identity_id, pool_id, amr, seconds=seconds, now=issued)
        finally:
            await database.dispose()

    return asyncio.run(run())

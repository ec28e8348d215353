"""Token-endpoint grants per second: the authorization-code exchange (with PKCE), refresh_token
and client_credentials, with the server's own CPU per call read from /proc.

Neither peer serves /oauth2/token (moto and cognito-local have no OAuth endpoints), so Cognitio
runs alone. Codes for the exchange phase are made first, untimed, by signing in on the hosted
page once and then asking /oauth2/authorize with the hosted session cookie for each.

    .venv/bin/python benchmarks/token_endpoint.py --n 500
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import re
import secrets
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import boto3
import httpx
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent))
from servers import (
    PEERS_DIR,
    REGION,
    REPO_ROOT,
    SERVER_KINDS,
    RunningServer,
    ServerOptions,
    running_server,
)

CALLBACK = "http://localhost:8000/callback"
PASSWORD = "Bench-Passw0rd!"


def _admin(server: RunningServer) -> Any:
    return boto3.client(
        "cognito-idp",
        endpoint_url=server.endpoint_url,
        region_name=REGION,
        aws_access_key_id=server.credentials.access_key_id,
        aws_secret_access_key=server.credentials.secret_access_key,
        config=Config(retries={"max_attempts": 0}),
    )


def _setup(idp: Any) -> dict[str, Any]:
    pool_id = idp.create_user_pool(PoolName="bench-oauth")["UserPool"]["Id"]
    idp.admin_create_user(UserPoolId=pool_id, Username="bench", MessageAction="SUPPRESS")
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username="bench", Password=PASSWORD, Permanent=True
    )
    web = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="web",
        GenerateSecret=True,
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid", "email"],
        CallbackURLs=[CALLBACK],
        SupportedIdentityProviders=["COGNITO"],
    )["UserPoolClient"]
    idp.create_resource_server(
        UserPoolId=pool_id,
        Identifier="orders",
        Name="Orders",
        Scopes=[{"ScopeName": "read", "ScopeDescription": "Read"}],
    )
    machine = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="machine",
        GenerateSecret=True,
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=["orders/read"],
    )["UserPoolClient"]
    return {"pool_id": pool_id, "web": web, "machine": machine}


def _codes(server: RunningServer, web: dict[str, Any], count: int) -> list[tuple[str, str]]:
    """(code, verifier) pairs: one sign-in on the hosted page, then a code per authorize call."""
    browser = httpx.Client(base_url=server.endpoint_url, follow_redirects=False)
    codes = []
    try:
        for number in range(count):
            verifier = secrets.token_urlsafe(48)
            challenge = base64.urlsafe_b64encode(
                hashlib.sha256(verifier.encode()).digest()
            ).decode().rstrip("=")  # fmt: skip
            query = urlencode({
                "response_type": "code", "client_id": web["ClientId"], "redirect_uri": CALLBACK,
                "scope": "openid email", "code_challenge": challenge,
                "code_challenge_method": "S256",
            })  # fmt: skip
            answer = browser.get(f"/oauth2/authorize?{query}")
            if number == 0:  # sign in once; the hosted session serves the rest
                login = browser.get(answer.headers["location"])
                fields = dict(re.findall(r'name="(_csrf|query)" value="([^"]*)"', login.text))
                fields["query"] = fields["query"].replace("&amp;", "&")
                signed = browser.post(
                    "/login", data={**fields, "username": "bench", "password": PASSWORD}
                )
                answer = browser.get(signed.headers["location"])
            location = answer.headers["location"]
            codes.append((parse_qs(urlsplit(location).query)["code"][0], verifier))
    finally:
        browser.close()
    return codes


def _phase(
    server: RunningServer,
    name: str,
    calls: int,
    call: Callable[[httpx.Client, int], httpx.Response],
) -> dict[str, Any]:
    client = httpx.Client(base_url=server.endpoint_url)
    errors = 0
    try:
        cpu_before, wall_before = server.cpu_seconds(), time.perf_counter()
        for index in range(calls):
            if call(client, index).status_code != 200:
                errors += 1
        wall = time.perf_counter() - wall_before
        cpu = server.cpu_seconds() - cpu_before
    finally:
        client.close()
    return {
        "grant": name,
        "calls": calls,
        "errors": errors,
        "calls_per_s": calls / wall,
        "server_cpu_us": cpu / calls * 1e6,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="timed calls per grant")
    parser.add_argument(
        "--cognitio-bin", type=Path, default=REPO_ROOT / ".venv" / "bin" / "cognitio"
    )
    args = parser.parse_args(argv)
    options = ServerOptions(cognitio_bin=args.cognitio_bin, peers_dir=PEERS_DIR)
    with running_server(SERVER_KINDS["cognitio"], options) as server:
        fixture = _setup(_admin(server))
        web, machine = fixture["web"], fixture["machine"]
        codes = _codes(server, web, args.n)
        web_auth = (web["ClientId"], web["ClientSecret"])
        refresh = None

        def exchange(client: httpx.Client, index: int) -> httpx.Response:
            nonlocal refresh
            code, verifier = codes[index]
            answer = client.post(
                "/oauth2/token",
                auth=web_auth,
                data={"grant_type": "authorization_code", "code": code,
                      "redirect_uri": CALLBACK, "code_verifier": verifier},
            )  # fmt: skip
            refresh = refresh or answer.json().get("refresh_token")
            return answer

        def refreshing(client: httpx.Client, _index: int) -> httpx.Response:
            return client.post(
                "/oauth2/token",
                auth=web_auth,
                data={"grant_type": "refresh_token", "refresh_token": refresh},
            )

        def machine_token(client: httpx.Client, _index: int) -> httpx.Response:
            return client.post(
                "/oauth2/token",
                auth=(machine["ClientId"], machine["ClientSecret"]),
                data={"grant_type": "client_credentials", "scope": "orders/read"},
            )

        results = [
            _phase(server, "authorization_code (with PKCE)", args.n, exchange),
            _phase(server, "refresh_token", args.n, refreshing),
            _phase(server, "client_credentials", args.n, machine_token),
        ]
    print(f"| Grant ({args.n} calls, one client) | calls/s | server CPU per call (µs) | errors |")
    print("| --- | ---: | ---: | ---: |")
    for result in results:
        print(
            f"| {result['grant']} | {result['calls_per_s']:,.0f} | "
            f"{result['server_cpu_us']:,.0f} | {result['errors']} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Identity pools: GetId and GetCredentialsForIdentity, Cognitio beside moto's server, with each
server's own CPU per call read from /proc; then what checking the credentials costs, over HTTP
(POST /_cognitio/authorize, Cognitio's server CPU) and in the resource server's own process
(Verifier + PolicyAuthorizer, CPU per call by time.process_time).

moto answers GetId and GetCredentialsForIdentity without checking the ID token and with fake
credentials no one can verify, so it has nothing to set beside the two verification rows;
cognito-local has no identity pools.

    .venv/bin/python benchmarks/identity_pools.py --n 2000
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import json
import secrets
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import httpx
from botocore import UNSIGNED
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_info
from servers import (
    PEERS_DIR,
    REGION,
    REPO_ROOT,
    SERVER_KINDS,
    RunningServer,
    ServerOptions,
    ServerStartError,
    running_server,
)

ACCOUNT = "123456789012"  # Cognitio's default account_id, which the roles' ARNs must name
PASSWORD = "Bench-Passw0rd!"
API = "https://photos.example"
ROLES = """
[[iam.roles]]
arn = "arn:aws:iam::123456789012:role/BenchAuth"
[[iam.roles.policies]]
name = "own-prefix"
document = '''{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Action": ["s3:GetObject", "s3:PutObject"],
  "Resource": "arn:aws:s3:::photos/${cognito-identity.amazonaws.com:sub}/*"}]}'''

[[iam.roles]]
arn = "arn:aws:iam::123456789012:role/BenchGuest"
[[iam.roles.policies]]
name = "read-public"
document = '''{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Action": "s3:GetObject", "Resource": "arn:aws:s3:::photos/public/*"}]}'''
"""
NO_RETRIES = Config(retries={"max_attempts": 0})


def _client(server: RunningServer, service: str, *, signed: bool = True) -> Any:
    options: dict[str, Any] = {"endpoint_url": server.endpoint_url, "region_name": REGION}
    if signed:
        options["aws_access_key_id"] = server.credentials.access_key_id
        options["aws_secret_access_key"] = server.credentials.secret_access_key
        options["config"] = NO_RETRIES
    else:
        options["config"] = NO_RETRIES.merge(Config(signature_version=UNSIGNED))
    return boto3.client(service, **options)


def _setup(server: RunningServer) -> dict[str, Any]:
    """A user pool with one user signed in, an identity pool trusting its app client, roles,
    a guest identity and the user's identity."""
    idp = _client(server, "cognito-idp")
    admin = _client(server, "cognito-identity")
    pool_id = idp.create_user_pool(PoolName="bench-identity")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=pool_id, Username="bench", MessageAction="SUPPRESS")
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username="bench", Password=PASSWORD, Permanent=True
    )
    id_token = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "bench", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]["IdToken"]
    provider = f"cognito-idp.{REGION}.amazonaws.com/{pool_id}"
    identity_pool = admin.create_identity_pool(
        IdentityPoolName="bench",
        AllowUnauthenticatedIdentities=True,
        CognitoIdentityProviders=[{"ProviderName": provider, "ClientId": client_id}],
    )["IdentityPoolId"]
    roles = {
        "authenticated": f"arn:aws:iam::{ACCOUNT}:role/BenchAuth",
        "unauthenticated": f"arn:aws:iam::{ACCOUNT}:role/BenchGuest",
    }
    try:
        admin.set_identity_pool_roles(IdentityPoolId=identity_pool, Roles=roles)
    except ClientError as error:  # moto has no SetIdentityPoolRoles (HTTP 500); it needs none
        print(f"{server.name}: SetIdentityPoolRoles: {error}", file=sys.stderr)
    public = _client(server, "cognito-identity", signed=False)
    logins = {provider: id_token}
    return {
        "identity_pool": identity_pool,
        "logins": logins,
        "guest": public.get_id(IdentityPoolId=identity_pool)["IdentityId"],
        "user": public.get_id(IdentityPoolId=identity_pool, Logins=logins)["IdentityId"],
    }


def _operations(fixture: dict[str, Any]) -> dict[str, Callable[[Any], Any]]:
    pool, guest, user, logins = (
        fixture["identity_pool"], fixture["guest"], fixture["user"], fixture["logins"]
    )  # fmt: skip
    return {
        "GetId (guest)": lambda c: c.get_id(IdentityPoolId=pool),
        "GetId (signed in)": lambda c: c.get_id(IdentityPoolId=pool, Logins=logins),
        "GetCredentialsForIdentity (guest)": lambda c: c.get_credentials_for_identity(
            IdentityId=guest
        ),
        "GetCredentialsForIdentity (signed in)": lambda c: c.get_credentials_for_identity(
            IdentityId=user, Logins=logins
        ),
    }


def _phase(server: RunningServer, calls: int, warmup: int, call: Callable[[int], bool]) -> Any:
    """Warm-up, then ``calls`` timed calls; the server's CPU per call from /proc."""
    for index in range(warmup):
        call(index)
    errors = 0
    cpu_before, wall_before = server.cpu_seconds(), time.perf_counter()
    for index in range(calls):
        errors += not call(index)
    wall = time.perf_counter() - wall_before
    cpu = server.cpu_seconds() - cpu_before
    return {
        "calls": calls,
        "errors": errors,
        "calls_per_s": calls / wall,
        "cpu_us": cpu / calls * 1e6,
    }


def _succeeds(operation: Callable[[Any], Any], client: Any) -> Callable[[int], bool]:
    def call(_index: int) -> bool:
        try:
            operation(client)
        except Exception:  # a failed call is counted, not fatal
            return False
        return True

    return call


def _signed(credentials: dict[str, str], method: str, url: str) -> dict[str, str]:
    """The headers botocore signs a GET of the photos API with (service execute-api)."""
    request = AWSRequest(method=method, url=url, data=b"")
    keys = Credentials(
        credentials["AccessKeyId"], credentials["SecretKey"], credentials["SessionToken"]
    )
    SigV4Auth(keys, "execute-api", REGION).add_auth(request)
    return {"host": "photos.example", **{k.lower(): str(v) for k, v in request.headers.items()}}


def _authorize_phase(
    server: RunningServer, credentials: dict[str, str], identity_id: str, calls: int, warmup: int
) -> Any:
    """POST /_cognitio/authorize: a described request signed with the identity's credentials,
    the call itself signed with the administrator's key, one new signature per call."""
    url = f"{API}/photos/{identity_id}/cat.jpg"
    description = json.dumps({
        "method": "GET", "url": url, "headers": _signed(credentials, "GET", url),
        "payload_sha256": hashlib.sha256(b"").hexdigest(),
        "action": "s3:GetObject", "resource": f"arn:aws:s3:::photos/{identity_id}/cat.jpg",
    }).encode()  # fmt: skip
    admin = Credentials(server.credentials.access_key_id, server.credentials.secret_access_key)
    endpoint = f"{server.endpoint_url}/_cognitio/authorize"
    http = httpx.Client()

    def call(_index: int) -> bool:
        request = AWSRequest(
            method="POST",
            url=endpoint,
            data=description,
            headers={"content-type": "application/json"},
        )
        SigV4Auth(admin, "cognito-identity", REGION).add_auth(request)
        answer = http.post(endpoint, content=description, headers=dict(request.headers))
        return answer.status_code == 200 and answer.json().get("decision") == "Allow"

    try:
        return _phase(server, calls, warmup, call)
    finally:
        http.close()


def _in_process(
    master_key: str, config: Path, credentials: dict[str, str], identity_id: str, calls: int
) -> dict[str, float]:
    """CPU per call of the resource server's own check: Verifier.verify, then with
    PolicyAuthorizer.check (the same work SigV4Middleware does per request)."""
    from cognitio.authz.authorizer import PolicyAuthorizer
    from cognitio.authz.targets import Target
    from cognitio.authz.verifier import Verifier
    from cognitio.config import load_settings
    from cognitio.crypto.envelope import Envelope
    from cognitio.services.sts.credentials import CredentialAuthority

    settings = load_settings({"config_file": str(config)}, environ={})
    authority = CredentialAuthority.from_envelope(
        Envelope(base64.b64decode(master_key)), settings.credential_key_ids
    )
    verifier = Verifier(authority, regions={REGION}, services={"execute-api"})
    authorizer = PolicyAuthorizer(settings.iam_roles)
    url = f"{API}/photos/{identity_id}/cat.jpg"
    headers = _signed(credentials, "GET", url)
    target = Target("s3:GetObject", f"arn:aws:s3:::photos/{identity_id}/cat.jpg")
    results: dict[str, float] = {}
    for name, decide in (("verify", False), ("verify + decide", True)):
        for _ in range(min(calls, 200)):  # warm-up
            verifier.verify("GET", url, headers, b"")
        start = time.process_time()
        for _ in range(calls):
            principal = verifier.verify("GET", url, headers, b"")
            if decide:
                authorizer.check(principal, target)
        results[name] = (time.process_time() - start) / calls * 1e6
    return results


@contextlib.contextmanager
def _config_file() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="bench-identity-") as folder:
        path = Path(folder) / "cognitio.toml"
        path.write_text(ROLES)
        yield path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="timed calls per operation")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--servers", default="cognitio,moto")
    parser.add_argument(
        "--cognitio-bin", type=Path, default=REPO_ROOT / ".venv" / "bin" / "cognitio"
    )
    parser.add_argument("--peers-dir", type=Path, default=PEERS_DIR)
    args = parser.parse_args(argv)
    master_key = base64.b64encode(secrets.token_bytes(32)).decode()
    rows: dict[str, dict[str, Any]] = {}
    versions: dict[str, str] = {}
    extra: dict[str, Any] = {}
    with _config_file() as config:
        options = ServerOptions(
            cognitio_bin=args.cognitio_bin, peers_dir=args.peers_dir,
            cognitio_config=config, cognitio_master_key=master_key,
        )  # fmt: skip
        for name in args.servers.split(","):
            kind = SERVER_KINDS[name]
            if not kind.executable(options).exists():
                print(f"{name}: not installed, skipped", file=sys.stderr)
                continue
            try:
                with running_server(kind, options) as server:
                    versions[name] = server.version
                    fixture = _setup(server)
                    public = _client(server, "cognito-identity", signed=False)
                    for operation, call in _operations(fixture).items():
                        print(f"{name}: {operation}", file=sys.stderr)
                        phase = _phase(server, args.n, args.warmup, _succeeds(call, public))
                        rows.setdefault(operation, {})[name] = phase
                    if name == "cognitio":
                        answer = public.get_credentials_for_identity(
                            IdentityId=fixture["user"], Logins=fixture["logins"]
                        )["Credentials"]
                        print(f"{name}: authorize", file=sys.stderr)
                        extra["authorize"] = _authorize_phase(
                            server, answer, fixture["user"], args.n, args.warmup
                        )
                        extra["in_process"] = _in_process(
                            master_key, config, answer, fixture["user"], args.n * 5
                        )
            except ServerStartError as error:
                print(f"{name}: did not start: {error.reason}\n{error.log_tail}", file=sys.stderr)
    _report(rows, versions, extra, args)
    return 0


def _report(
    rows: dict[str, Any], versions: dict[str, str], extra: dict[str, Any], args: Any
) -> None:
    info = machine_info(REPO_ROOT)
    print(
        f"Machine: {info['cpu_model']}, {info['usable_cores']} usable of {info['logical_cores']} "
        f"cores, {info['memory']}, {info['kernel']}; Python {info['python']}, boto3 "
        f"{info['boto3']}; commit {info['git_commit']}; "
        + ", ".join(f"{name} {version}" for name, version in versions.items())
        + f". {args.n} timed calls after {args.warmup} warm-up calls, one client.\n"
    )
    print("| Operation | Cognitio CPU/call (µs) | moto CPU/call (µs) | Cognitio / moto "
          "| Cognitio calls/s | moto calls/s | errors |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for operation, by_server in rows.items():
        ours, theirs = by_server.get("cognitio"), by_server.get("moto")
        ratio = f"**{ours['cpu_us'] / theirs['cpu_us']:.2f}**" if ours and theirs else "-"
        errors = "/".join(str(by_server[s]["errors"]) for s in by_server)
        print(
            f"| {operation} | {_us(ours)} | {_us(theirs)} | {ratio} | {_rate(ours)} | "
            f"{_rate(theirs)} | {errors} |"
        )
    if "authorize" in extra:
        authorize = extra["authorize"]
        print(
            f"| POST /_cognitio/authorize (HTTP) | {_us(authorize)} | - (none) | - | "
            f"{_rate(authorize)} | - | {authorize['errors']} |"
        )
    for name, cpu in extra.get("in_process", {}).items():
        print(f"| in process: Verifier {name} | {cpu:,.0f} | - (none) | - | - | - | - |")
    print(f"\n<!-- {datetime.now(UTC).isoformat(timespec='seconds')} -->")


def _us(phase: dict[str, Any] | None) -> str:
    return f"{phase['cpu_us']:,.0f}" if phase else "-"


def _rate(phase: dict[str, Any] | None) -> str:
    return f"{phase['calls_per_s']:,.0f}" if phase else "-"


if __name__ == "__main__":
    raise SystemExit(main())

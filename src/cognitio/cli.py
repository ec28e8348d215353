"""The command line: ``cognitio serve``, ``cognitio keys create|list|delete`` and
``cognitio master-key generate|reseal|rotate``."""

from __future__ import annotations

import argparse
import asyncio
import base64
import ipaddress
import logging
import secrets
import sys
import textwrap
from collections.abc import Coroutine, Sequence
from datetime import UTC, datetime
from typing import Any

from cognitio import redaction
from cognitio.config import ConfigError, Settings, load_settings
from cognitio.services.security.access_keys import MasterKeyMismatch, NewKey


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cognitio", description="A self-hosted server that speaks Amazon Cognito's API."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def storage_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--data-dir", help="folder for the SQLite file and master key [./data]")
        sub.add_argument("--database-url", help="sqlite:///PATH or postgresql://USER@HOST/DB")
        sub.add_argument("--config", dest="config_file", help="TOML file with these settings")

    serve = commands.add_parser("serve", help="run the server")
    serve.add_argument("--host", help="address to listen on [127.0.0.1]")
    serve.add_argument("--port", type=int, help="port to listen on [9229]")
    storage_options(serve)
    serve.add_argument("--public-url", help="base URL clients use, for token issuers")
    serve.add_argument("--region", help="region for requests that do not name one [us-east-1]")
    serve.add_argument("--log-level", help="critical, error, warning, info or debug [info]")
    serve.add_argument(
        "--dev",
        action="store_true",
        default=None,
        help="development conveniences (never in production)",
    )

    keys = commands.add_parser("keys", help="manage admin access keys")
    key_commands = keys.add_subparsers(dest="keys_command", required=True)
    create = key_commands.add_parser("create", help="create a key and print its secret once")
    create.add_argument("--description", default="", help="a note kept with the key")
    storage_options(create)
    listing = key_commands.add_parser("list", help="list key ids")
    storage_options(listing)
    remove = key_commands.add_parser("delete", help="delete a key")
    remove.add_argument("access_key_id")
    storage_options(remove)

    credentials = commands.add_parser("credentials", help="temporary credentials of identity pools")
    credential_commands = credentials.add_subparsers(dest="credentials_command", required=True)
    revoke = credential_commands.add_parser(
        "revoke", help="refuse the credentials issued until now to an identity, role or pool"
    )
    storage_options(revoke)
    whose = revoke.add_mutually_exclusive_group(required=True)
    whose.add_argument("--identity-id", help="an identity id (us-east-1:<uuid>)")
    whose.add_argument("--role-arn", help="a role ARN of the [iam] table")
    whose.add_argument("--identity-pool-id", help="an identity pool id")

    master = commands.add_parser("master-key", help="rotate the master key that seals secrets")
    master_commands = master.add_subparsers(dest="master_key_command", required=True)
    master_commands.add_parser("generate", help="print a new random master key (base64)")
    reseal = master_commands.add_parser(
        "reseal", help="seal every stored secret again under the current master key"
    )
    storage_options(reseal)
    rotate = master_commands.add_parser(
        "rotate", help="put a new key first in the data directory's key file, then reseal"
    )
    storage_options(rotate)
    return parser


# The parsed arguments that name a command or its operands, not settings.
_COMMAND_ARGUMENTS = frozenset(
    {"command", "keys_command", "master_key_command", "credentials_command"}
    | {"description", "access_key_id", "identity_id", "role_arn", "identity_pool_id"}
)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cognitio`` console script."""
    args = _parser().parse_args(argv)
    overrides = {key: value for key, value in vars(args).items() if key not in _COMMAND_ARGUMENTS}
    if args.command == "master-key" and args.master_key_command == "generate":
        print(base64.b64encode(secrets.token_bytes(32)).decode())
        return 0
    try:
        settings = load_settings(overrides)
        if args.command == "serve":
            return _run(_serve(settings))
        if args.command == "master-key":
            return _run(_master_key(settings, args.master_key_command))
        if args.command == "credentials":
            return _run(_revoke_credentials(settings, args))
        return _run(_keys(settings, args))
    except (ConfigError, MasterKeyMismatch) as error:
        print(f"cognitio: {error}", file=sys.stderr)
        return 2


def _run(main: Coroutine[Any, Any, int]) -> int:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - platforms without uvloop
        return asyncio.run(main)
    return uvloop.run(main)


async def _serve(settings: Settings) -> int:
    import uvicorn

    from cognitio.app import start

    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # Migration progress is noise on every start; failures still surface as errors.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # httpx logs every request URL at INFO; a webhook URL may carry a token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    runtime = await start(settings)
    # A secret is printed when it was just generated, or on every start in dev mode only.
    shown = runtime.generated_key
    if shown is None and settings.dev:
        if settings.admin_access_key_id and settings.admin_secret_access_key:
            shown = NewKey(settings.admin_access_key_id, settings.admin_secret_access_key)
        else:
            shown = await runtime.services.keys.reveal_bootstrap()
    _banner(settings, shown, generated=runtime.generated_key is not None)
    if settings.dev and not _is_loopback(settings.host):
        _warn_dev_exposed(settings.host)
    config = uvicorn.Config(
        runtime.app,
        host=settings.host,
        port=settings.port,
        lifespan="off",
        access_log=False,
        log_level=settings.log_level,
        http="httptools",
        server_header=False,
        proxy_headers=False,
    )
    # After uvicorn has configured its loggers: every handler, theirs and ours, masks secrets.
    redaction.install()
    try:
        await uvicorn.Server(config).serve()
    finally:
        await runtime.services.messages.close()  # codes already answered for are still sent
        await runtime.services.functions.close()
        await runtime.services.federation.close()
        await runtime.database.dispose()
    return 0


def _is_loopback(host: str) -> bool:
    """Whether *host* is reachable from this machine only."""
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to any interface


def _warn_dev_exposed(host: str) -> None:
    """Dev mode serves every code and the admin secret: say so loudly off loopback."""
    rule = "!" * 78
    text = (
        f"WARNING: dev mode is listening on {host}, beyond this machine. Anyone who can reach "
        "this port can read every message sent (codes and temporary passwords included) at "
        "/_dev/outbox, and the admin secret key is printed on every start. Use --dev only on "
        "127.0.0.1, or drop --dev (and COGNITIO_DEV / dev = true in the config file)."
    )
    print(f"{rule}\n{textwrap.fill(text, 78)}\n{rule}", file=sys.stderr, flush=True)
    logging.getLogger("cognitio").warning("dev mode is listening beyond loopback on %s", host)


def _banner(settings: Settings, key: NewKey | None, *, generated: bool) -> None:
    lines = [f"Cognitio is serving {settings.base_url}" + (" (dev mode)" if settings.dev else "")]
    if generated and not settings.dev:
        lines.append("An admin access key was generated; its secret is shown only now, keep it:")
    elif generated:
        lines.append("An admin access key was generated (dev mode shows it on every start):")
    lines.append("Point boto3 and the AWS CLI at it:")
    lines.append(f"  export AWS_ENDPOINT_URL={settings.base_url}")
    if key is not None:
        lines.append(f"  export AWS_ACCESS_KEY_ID={key.access_key_id}")
        lines.append(f"  export AWS_SECRET_ACCESS_KEY={key.secret_access_key}")
    elif settings.admin_access_key_id:
        lines.append(f"  export AWS_ACCESS_KEY_ID={settings.admin_access_key_id}")
        lines.append("  export AWS_SECRET_ACCESS_KEY=$COGNITIO_ADMIN_SECRET_ACCESS_KEY")
    else:
        lines.append(
            "  export AWS_ACCESS_KEY_ID=...      # an admin key; `cognitio keys create` makes one"
        )
        lines.append("  export AWS_SECRET_ACCESS_KEY=...")
    lines.append(f"  export AWS_DEFAULT_REGION={settings.region}")
    print("\n".join(lines), flush=True)


async def _keys(settings: Settings, args: argparse.Namespace) -> int:
    from cognitio.app import open_services

    if settings.database_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    database, _store, services = await open_services(settings)
    try:
        if args.keys_command == "create":
            new = await services.keys.create(args.description)
            print(f"AWS_ACCESS_KEY_ID={new.access_key_id}")
            print(f"AWS_SECRET_ACCESS_KEY={new.secret_access_key}")
        elif args.keys_command == "list":
            for record in await services.keys.list_keys():
                created = datetime.fromtimestamp(record.created_ms / 1000, UTC).isoformat()
                print(f"{record.access_key_id}\t{created}\t{record.description}")
        elif not await services.keys.delete(args.access_key_id):
            print(f"cognitio: no access key {args.access_key_id}", file=sys.stderr)
            return 1
        return 0
    finally:
        await database.dispose()


async def _revoke_credentials(settings: Settings, args: argparse.Namespace) -> int:
    from cognitio.app import open_services
    from cognitio.services.sts.revocations import RevocationKind

    kind, subject = next(
        (kind, value)
        for kind, value in (
            (RevocationKind.IDENTITY, args.identity_id),
            (RevocationKind.ROLE, args.role_arn),
            (RevocationKind.IDENTITY_POOL, args.identity_pool_id),
        )
        if value is not None
    )
    if not subject or len(subject) > 2048:
        print(
            "cognitio: name an identity, role or identity pool of 1-2048 characters",
            file=sys.stderr,
        )
        return 2
    if settings.database_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    database, _store, services = await open_services(settings)
    try:
        at = await services.revocations.revoke(kind, subject)
    finally:
        await database.dispose()
    instant = datetime.fromtimestamp(at / 1000, UTC).isoformat(timespec="milliseconds")
    print(f"Credentials of {kind.value} {subject} issued at or before {instant} are revoked.")
    return 0


async def _master_key(settings: Settings, command: str) -> int:
    from cognitio.app import open_services
    from cognitio.crypto.envelope import (
        MASTER_KEY_FILE,
        envelope_for,
        read_key_file,
        replace_key_file,
    )
    from cognitio.services.security.master_keys import reseal

    if command == "rotate":
        path = settings.data_dir / MASTER_KEY_FILE
        if settings.master_key is not None:
            print(
                "cognitio: the master key comes from COGNITIO_MASTER_KEY: set it to a new key "
                "(`cognitio master-key generate`), put the old one in "
                "COGNITIO_PREVIOUS_MASTER_KEYS, restart, then run `cognitio master-key reseal`",
                file=sys.stderr,
            )
            return 2
        if not path.exists():
            print(f"cognitio: no master key file at {path}", file=sys.stderr)
            return 2
        # The new key first; the old ones stay below it to open what they sealed.
        replace_key_file(path, [secrets.token_bytes(32), *read_key_file(path)])
        print(f"A new master key is first in {path}; the previous ones stay below it.")
    database, store, _services = await open_services(settings)
    try:
        report = await reseal(store, envelope_for(settings))
    finally:
        await database.dispose()
    for purpose in sorted(set(report.resealed) | set(report.current) | set(report.unreadable)):
        line = f"{purpose}: {report.resealed[purpose]} resealed, {report.current[purpose]} current"
        if report.unreadable[purpose]:
            line += f", {report.unreadable[purpose]} no configured key opens"
        print(line)
    if report.unreadable:
        print(
            "cognitio: some secrets open under no configured key; keep every previous key "
            "until they do",
            file=sys.stderr,
        )
        return 1
    return 0

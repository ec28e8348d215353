"""ASGI assembly: the AWS JSON front door on ``POST /``, Starlette for every other route."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from cognitio.api.registry import Services, load_handlers
from cognitio.config import Settings
from cognitio.crypto.envelope import Envelope, load_master_key
from cognitio.services.access_keys import AccessKeys, NewKey
from cognitio.services.clients import Clients
from cognitio.services.user_pools import UserPools
from cognitio.store.db import Database
from cognitio.store.migrate import upgrade
from cognitio.store.sql import SqlStore
from cognitio.wire.front import AwsJsonEndpoint, Receive, Scope, Send


async def health(_request: Request) -> JSONResponse:
    """Ready: the server answers only after migrations and key checks have run."""
    return JSONResponse({"status": "ok"})


class CognitioApp:
    """Sends AWS JSON calls straight to the front door; the rest to the web routes."""

    def __init__(self, aws: AwsJsonEndpoint, web: Starlette) -> None:
        self._aws = aws
        self._web = web

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == "/":
            await self._aws(scope, receive, send)
        else:
            await self._web(scope, receive, send)


@dataclass
class Runtime:
    """A started server's parts, for the CLI and the tests."""

    settings: Settings
    database: Database
    services: Services
    app: CognitioApp
    # Set when this start generated the bootstrap admin key (printed once).
    generated_key: NewKey | None


async def open_services(settings: Settings) -> tuple[Database, Services]:
    """Connect, migrate and check the master key; no HTTP involved (the CLI's keys commands)."""
    await upgrade(settings.sqlalchemy_url)
    database = Database(settings.database_dsn)
    await database.open()
    store = SqlStore(database)
    envelope = Envelope(load_master_key(settings))
    keys = AccessKeys(store, envelope)
    await keys.check_master_key()
    services = Services(pools=UserPools(store), clients=Clients(store, envelope), keys=keys)
    return database, services


async def start(settings: Settings) -> Runtime:
    """Everything the server needs before it accepts a request."""
    if settings.database_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    database, services = await open_services(settings)
    generated = await services.keys.bootstrap(
        settings.admin_access_key_id, settings.admin_secret_access_key
    )
    aws = AwsJsonEndpoint(
        services,
        load_handlers(),
        default_region=settings.region,
        account_id=settings.account_id,
    )
    web = Starlette(routes=[Route("/health", health, methods=["GET"])])
    return Runtime(settings, database, services, CognitioApp(aws, web), generated)

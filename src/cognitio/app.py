"""ASGI assembly: the AWS JSON front door on ``POST /``, Starlette for every other route."""

from __future__ import annotations

from dataclasses import dataclass

import orjson
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from cognitio.api.handlers import load_handlers
from cognitio.api.sts import StsApi
from cognitio.authz.authorizer import PolicyAuthorizer
from cognitio.authz.verifier import Verifier
from cognitio.client_address import client_address
from cognitio.config import Settings
from cognitio.container import Services
from cognitio.crypto.envelope import envelope_for
from cognitio.crypto.passwords import Argon2Params, PasswordHasher
from cognitio.functions.invoker import Functions
from cognitio.messaging.delivery import Messenger
from cognitio.messaging.email import SmtpSender
from cognitio.messaging.outbox import Outbox
from cognitio.messaging.sms import WebhookSmsProvider
from cognitio.services.clients.clients import Clients
from cognitio.services.federation.federated_users import FederatedUsers
from cognitio.services.federation.linking import Linking
from cognitio.services.federation.metadata_refresh import MetadataRefresh
from cognitio.services.federation.oidc import FederationClients
from cognitio.services.federation.provider_types import FederationEndpoints
from cognitio.services.federation.providers import IdentityProviders
from cognitio.services.federation.round_trip import RoundTrips
from cognitio.services.federation.sign_in import FederatedSignIn
from cognitio.services.federation.sign_out import FederatedSignOut
from cognitio.services.federation.upstream import Upstream, UpstreamPolicy
from cognitio.services.hosted.hosted import Hosted
from cognitio.services.identity.basic_flow import BasicFlow
from cognitio.services.identity.developer_identities import DeveloperIdentities
from cognitio.services.identity.enhanced_flow import EnhancedFlow
from cognitio.services.identity.get_id import IdentityIds
from cognitio.services.identity.identities import Identities
from cognitio.services.identity.login_kinds import LoginServices
from cognitio.services.identity.openid_token import OpenIdTokens
from cognitio.services.identity.pools import IdentityPools
from cognitio.services.identity.principal_tags import PrincipalTags
from cognitio.services.identity.roles import IdentityPoolRoles
from cognitio.services.identity.sts_broker import StsBroker
from cognitio.services.identity.unlink import Unlinking
from cognitio.services.identity.web_identity import WebIdentitySessions
from cognitio.services.messages.codes import Codes
from cognitio.services.messages.user_messages import UserMessages
from cognitio.services.mfa.devices import Devices
from cognitio.services.mfa.mfa import Mfa
from cognitio.services.oauth.oauth import OAuth
from cognitio.services.pools.branding import Branding
from cognitio.services.pools.domains import Domains
from cognitio.services.pools.resource_servers import ResourceServers
from cognitio.services.pools.user_pools import UserPools
from cognitio.services.security.access_keys import AccessKeys, NewKey
from cognitio.services.security.rate_limits import RateLimits, too_many_requests
from cognitio.services.signin.auth import Authenticator
from cognitio.services.signin.context import FlowContext
from cognitio.services.signin.user_auth import configured_factors
from cognitio.services.sts.credentials import CredentialAuthority
from cognitio.services.sts.revocations import CredentialRevocations
from cognitio.services.tokens.sign_out import SignOut
from cognitio.services.tokens.tokens import Tokens
from cognitio.services.triggers.triggers import Triggers
from cognitio.services.users.accounts import PasswordStore, SignInCache
from cognitio.services.users.groups import Groups
from cognitio.services.users.mfa_settings import MfaSettings
from cognitio.services.users.own_account import OwnAccount
from cognitio.services.users.sign_up import SelfService
from cognitio.services.users.user_devices import UserDevices
from cognitio.services.users.user_list import UserList
from cognitio.services.users.user_passkeys import UserPasskeys
from cognitio.services.users.users import Users
from cognitio.store.db import Database
from cognitio.store.migrate import upgrade
from cognitio.store.repositories import Store
from cognitio.store.sql import SqlStore
from cognitio.web import (
    dev_outbox,
    errors,
    federation,
    hosted,
    hosted_accounts,
    hosted_passkeys,
    identity_well_known,
    oauth_endpoints,
    sign_out,
    well_known,
)
from cognitio.web.authorize import AUTHORIZE_PATH, AuthorizeEndpoint
from cognitio.web.context import WebContext
from cognitio.web.csrf import CsrfCheck
from cognitio.web.headers import SecurityHeaders
from cognitio.web.limits import BodyLimit
from cognitio.web.pages import Pages
from cognitio.web.revocations import REVOCATIONS_PATH, RevocationsEndpoint
from cognitio.wire.front import AwsJsonEndpoint, Receive, Scope, Send, send_error
from cognitio.wire.query import QueryEndpoint, is_query_call


async def health(_request: Request) -> JSONResponse:
    """Ready: the server answers only after migrations and key checks have run."""
    return JSONResponse({"status": "ok"})


class CognitioApp:
    """Sends AWS JSON calls straight to the front door; the rest to the web routes.

    Every POST to the web routes (the hosted pages' forms, /oauth2/token, ...) first takes a
    token from its client IP's bucket (:mod:`cognitio.services.security.rate_limits`). A client
    address holds at most ``max_in_flight`` requests of this process at once: past that it is
    refused before anything is read, so one address cannot make everyone else's calls wait.
    """

    def __init__(
        self,
        aws: AwsJsonEndpoint,
        web: Starlette,
        limits: RateLimits | None = None,
        *,
        max_in_flight: int = 0,
        query: QueryEndpoint | None = None,
        authorize: AuthorizeEndpoint | None = None,
        revocations: RevocationsEndpoint | None = None,
    ) -> None:
        self._aws = aws
        self._query = query  # STS's Query protocol, beside the JSON 1.1 front door
        self._web = web
        self._authorize = authorize
        self._revocations = revocations
        self._limits = limits
        self._max_in_flight = max_in_flight  # 0: no cap
        self._in_flight: dict[str, int] = {}  # per client address; touched only by the loop

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._web(scope, receive, send)
            return
        ip = self._client_ip(scope)
        held = self._in_flight.get(ip, 0)
        if self._max_in_flight and held >= self._max_in_flight:
            await _refuse(scope, send)
            return
        self._in_flight[ip] = held + 1
        # What this request causes (password hashes, code messages) counts against its client.
        address = client_address.set(ip)
        try:
            if scope["method"] == "POST" and scope["path"] == "/":
                if self._query is not None and is_query_call(scope):
                    await self._query(scope, receive, send)
                else:
                    await self._aws(scope, receive, send)
            elif scope["path"] == AUTHORIZE_PATH and self._authorize is not None:
                # Signed by an administrator's key, like the front door's signed operations.
                await self._authorize(scope, receive, send)
            elif scope["path"] == REVOCATIONS_PATH and self._revocations is not None:
                # Signed by an administrator's key; verifiers of other processes poll it.
                await self._revocations(scope, receive, send)
            elif (
                scope["method"] == "POST"
                and self._limits is not None
                and not await self._limits.check_web(ip)
            ):
                await _too_many_requests(scope, send)
            else:
                await self._web(scope, receive, send)
        finally:
            client_address.reset(address)
            left = self._in_flight[ip] - 1
            if left:
                self._in_flight[ip] = left
            else:
                del self._in_flight[ip]

    def _client_ip(self, scope: Scope) -> str:
        client = scope.get("client")
        peer = None if not client else str(client[0])
        if self._limits is None:
            return peer or "unknown"
        forwarded = [v for k, v in scope["headers"] if k.lower() == b"x-forwarded-for"]
        return self._limits.client_ip(
            peer, b",".join(forwarded).decode("latin-1") if forwarded else None
        )


async def _refuse(scope: Scope, send: Send) -> None:
    """Too many requests, in the dialect of the endpoint asked: AWS JSON or the web's."""
    if scope["method"] == "POST" and scope["path"] == "/":
        await send_error(send, too_many_requests())
    else:
        await _too_many_requests(scope, send)


async def _too_many_requests(scope: Scope, send: Send) -> None:
    """HTTP 429: JSON for the OAuth endpoints, a line of text for the hosted pages."""
    if str(scope["path"]).startswith("/oauth2/"):
        error = {"error": "too_many_requests", "error_description": "Too many requests"}
        body = orjson.dumps(error)
        content_type = b"application/json"
    else:
        body, content_type = b"Too many requests; please try again shortly.", b"text/plain"
    headers = [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", b"1"),
    ]
    await send({"type": "http.response.start", "status": 429, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@dataclass
class Runtime:
    """A started server's parts, for the CLI and the tests."""

    settings: Settings
    database: Database
    services: Services
    app: CognitioApp
    # Set when this start generated the bootstrap admin key (printed once).
    generated_key: NewKey | None


def messenger_for(settings: Settings, outbox: Outbox | None) -> Messenger:
    """Email over SMTP and SMS over a webhook as configured; in dev mode, also the outbox."""
    sms = None
    if settings.sms_webhook_url:
        sms = WebhookSmsProvider(settings.sms_webhook_url, secret=settings.sms_webhook_secret)
    return Messenger(
        smtp=SmtpSender(settings.smtp_url) if settings.smtp_url else None,
        sms=sms,
        outbox=outbox,
        echo=settings.dev,
        default_sender=settings.email_from,
    )


async def open_services(
    settings: Settings, outbox: Outbox | None = None
) -> tuple[Database, Store, Services]:
    """Connect, migrate and check the master key; no HTTP involved (the CLI's keys commands).
    The store comes back beside the services, for what works below them (abuse limits at the
    front door, resealing), never for a handler."""
    await upgrade(settings.sqlalchemy_url)
    database = Database(settings.database_dsn)
    await database.open()
    store = SqlStore(database)
    envelope = envelope_for(settings)
    keys = AccessKeys(store, envelope)
    await keys.check_master_key()
    hasher = PasswordHasher(
        Argon2Params(memory_kib=settings.argon2_memory_kib, time_cost=settings.argon2_time_cost),
        max_queue=settings.password_hash_queue,
        per_client=settings.password_hashes_per_client,
    )
    passwords = PasswordStore(hasher, envelope)
    codes = Codes(envelope.derive_key("one-time-codes"), RateLimits(store, settings))
    sign_in = SignInCache()
    functions = Functions(settings.functions)
    triggers = Triggers(functions)
    messages = UserMessages(messenger_for(settings, outbox), triggers)
    users = Users(store, passwords, codes, messages, sign_in, triggers)
    tokens = Tokens(store, envelope, settings)
    mfa = Mfa(envelope)
    devices = Devices(envelope)
    auth = Authenticator(
        FlowContext(store, passwords, tokens, envelope, mfa, codes, messages, devices, triggers)
    )
    federation_endpoints = FederationEndpoints(
        dict(settings.federation_endpoints), allow_insecure=settings.federation_allow_insecure
    )
    # One HTTP client and one set of discovery and key caches for every identity provider.
    federation_clients = FederationClients.create(
        Upstream(UpstreamPolicy(allow_insecure=settings.federation_allow_insecure))
    )
    login_services = LoginServices(federation_clients, federation_endpoints, settings.iam_providers)
    identity_providers = IdentityProviders(
        store,
        envelope,
        federation_endpoints,
        MetadataRefresh(
            store,
            settings.federation_metadata_refresh_s,
            allow_insecure=settings.federation_allow_insecure,
        ),
    )
    round_trips = RoundTrips(store, envelope)
    identity_pools = IdentityPools(store, settings.iam_providers)
    openid_tokens = OpenIdTokens(store, envelope, settings)
    # One credential authority mints what GetCredentialsForIdentity and STS hand out.
    credentials = CredentialAuthority.from_envelope(envelope, settings.credential_key_ids)
    services = Services(
        pools=UserPools(store, triggers.check),
        clients=Clients(store, envelope),
        keys=keys,
        users=users,
        messages=messages,
        user_list=UserList(store, sign_in),
        self_service=SelfService(store, envelope, passwords, codes, messages, triggers),
        tokens=tokens,
        auth=auth,
        sign_out=SignOut(store, tokens, envelope),
        own_account=OwnAccount(store, tokens, passwords, codes, messages),
        functions=functions,
        triggers=triggers,
        oauth=OAuth(
            store,
            tokens,
            envelope,
            auth.context,
            settings.auth_domain_suffix,
            require_pkce=settings.require_pkce,
        ),
        hosted=Hosted(store, envelope, settings.base_url),
        groups=Groups(store),
        domains=Domains(store),
        resource_servers=ResourceServers(store),
        branding=Branding(store),
        mfa_settings=MfaSettings(store, tokens, mfa, configured_factors),
        user_devices=UserDevices(store, tokens, devices),
        passkeys=UserPasskeys(store, tokens),
        identity_providers=identity_providers,
        linking=Linking(store),
        federation=FederatedSignIn(
            store,
            identity_providers,
            round_trips,
            federation_clients,
            FederatedUsers(store, triggers),
        ),
        federated_sign_out=FederatedSignOut(identity_providers, round_trips),
        identity_pools=identity_pools,
        identity_pool_roles=IdentityPoolRoles(store, identity_pools),
        principal_tags=PrincipalTags(store, identity_pools),
        pool_identities=Identities(store),
        identity_ids=IdentityIds(store, tokens, login_services),
        enhanced_flow=EnhancedFlow(
            store,
            tokens,
            credentials,
            settings.iam_roles,
            openid_tokens,
            login_services,
            broker=(
                StsBroker(settings.sts_endpoint) if settings.credentials_backend == "aws" else None
            ),
        ),
        openid_tokens=openid_tokens,
        web_identity=WebIdentitySessions(
            store,
            openid_tokens,
            credentials,
            settings.iam_roles,
            settings.account_id,
        ),
        basic_flow=BasicFlow(store, tokens, openid_tokens, login_services),
        developer_identities=DeveloperIdentities(store, tokens, openid_tokens, login_services),
        unlinking=Unlinking(store, tokens, login_services),
        revocations=CredentialRevocations(store),
    )
    return database, store, services


async def start(settings: Settings) -> Runtime:
    """Everything the server needs before it accepts a request."""
    if settings.database_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    outbox = Outbox() if settings.dev else None
    database, store, services = await open_services(settings, outbox)
    services.functions.load()
    generated = await services.keys.bootstrap(
        settings.admin_access_key_id, settings.admin_secret_access_key
    )
    limits = RateLimits(store, settings)
    aws = AwsJsonEndpoint(
        services,
        load_handlers(),
        default_region=settings.region,
        account_id=settings.account_id,
        limits=limits,
    )
    sts = QueryEndpoint(
        StsApi(
            services.web_identity,
            Verifier(
                services.web_identity.authority,
                regions=[settings.region],
                services=["sts"],
            ),
            services.revocations,
        ).handlers(),
        limits,
        StsApi.UNSIGNED,
    )
    secure = settings.base_url.startswith("https://")
    pages = Pages(services.oauth, services.hosted, services.identity_providers, secure=secure)
    routes = [
        Route("/health", health, methods=["GET"]),
        *identity_well_known.routes(settings.identity_issuer_url),
        *well_known.ROUTES,
        *oauth_endpoints.ROUTES,
        *hosted.ROUTES,
        *hosted_accounts.ROUTES,
        *hosted_passkeys.ROUTES,
        *federation.ROUTES,
        *sign_out.ROUTES,
    ]
    if outbox is not None:
        routes += dev_outbox.ROUTES
    web = Starlette(
        routes=routes,
        middleware=[
            Middleware(BodyLimit),
            Middleware(CsrfCheck, exempt=oauth_endpoints.PATHS),
            Middleware(
                SecurityHeaders,
                base_url=settings.base_url,
                secure=secure,
                json_paths=oauth_endpoints.PATHS,
            ),
        ],
        exception_handlers=dict(errors.HANDLERS),
    )
    web.state.web = WebContext(services, pages)
    web.state.outbox = outbox
    return Runtime(
        settings,
        database,
        services,
        CognitioApp(
            aws,
            web,
            limits,
            max_in_flight=settings.requests_in_flight_per_client,
            query=sts,
            authorize=AuthorizeEndpoint(
                services.keys,
                services.web_identity.authority,
                PolicyAuthorizer(settings.iam_roles),
                services.revocations,
            ),
            revocations=RevocationsEndpoint(services.keys, services.revocations),
        ),
        generated,
    )

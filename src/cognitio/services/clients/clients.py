"""App clients: CreateUserPoolClient, Describe, Update, Delete, List, with Cognito's checks.

Facts from the CreateUserPoolClient API reference and the developer guide's "App clients" page:
token validity ranges, the default auth flows, OAuth grant rules, callback URL rules. The client
secret is kept sealed (Cognito shows it again on DescribeUserPoolClient, so it must be
recoverable, not hashed). The operations take the commands below and return records; a client's
settings stay Cognito's UserPoolClientType document (:func:`settings_document` builds it), which
api/ shows as it is.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from cognitio.crypto.envelope import Envelope
from cognitio.documents import (
    JsonArray,
    JsonObject,
    as_object,
    int_member,
    object_member,
    text_member,
    texts_member,
)
from cognitio.errors import (
    ConcurrentModificationException,
    InvalidOAuthFlowException,
    InvalidParameterException,
    LimitExceededException,
    ResourceNotFoundException,
    ScopeDoesNotExistException,
)
from cognitio.services.common import ids, pagination
from cognitio.services.pools.attributes import VERIFIED_FLAGS
from cognitio.services.pools.resource_servers import custom_scopes
from cognitio.services.pools.settings import pool_settings
from cognitio.services.pools.user_pools import Caller, check_pool_region, load_pool, require_pool
from cognitio.store.records import ClientRecord, UserPoolRecord
from cognitio.store.repositories import Store, Transaction

MAX_CLIENTS_PER_POOL = 1000
STANDARD_SCOPES = frozenset(
    {"phone", "email", "openid", "profile", "aws.cognito.signin.user.admin"}
)
_LEGACY_FLOWS = frozenset({"ADMIN_NO_SRP_AUTH", "CUSTOM_AUTH_FLOW_ONLY", "USER_PASSWORD_AUTH"})
_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
# (member, unit key, default unit, lowest, highest) in seconds, from the API reference.
_VALIDITY = (
    ("AccessTokenValidity", "AccessToken", "hours", 5 * 60, 86400),
    ("IdTokenValidity", "IdToken", "hours", 5 * 60, 86400),
    ("RefreshTokenValidity", "RefreshToken", "days", 60 * 60, 3650 * 86400),
)
# Settings members copied from a request as they are (after the checks below).
_SETTINGS = (
    "RefreshTokenValidity",
    "AccessTokenValidity",
    "IdTokenValidity",
    "TokenValidityUnits",
    "ReadAttributes",
    "WriteAttributes",
    "ExplicitAuthFlows",
    "SupportedIdentityProviders",
    "CallbackURLs",
    "LogoutURLs",
    "DefaultRedirectURI",
    "AllowedOAuthFlows",
    "AllowedOAuthScopes",
    "AllowedOAuthFlowsUserPoolClient",
    "AnalyticsConfiguration",
    "PreventUserExistenceErrors",
    "EnableTokenRevocation",
    "EnablePropagateAdditionalUserContextData",
    "AuthSessionValidity",
    "RefreshTokenRotation",
)
_UPDATE_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class CreateClient:
    """CreateUserPoolClient: the requested settings in UserPoolClientType's members, and the
    secret to generate or to keep."""

    pool_id: str
    name: str
    settings: JsonObject
    generate_secret: bool = False
    secret: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class UpdateClient:
    """UpdateUserPoolClient: what it names replaces the settings, the rest returns to defaults."""

    pool_id: str
    client_id: str
    settings: JsonObject
    name: str | None = None


@dataclass(frozen=True, slots=True)
class ClientWithSecret:
    """An app client as Create/Describe/UpdateUserPoolClient show it: with its secret, if any."""

    client: ClientRecord
    secret: str | None = field(repr=False)


@dataclass(frozen=True, slots=True)
class ClientPage:
    """A page of ListUserPoolClients."""

    clients: Sequence[ClientRecord]
    next_token: str | None


def _not_found(client_id: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"User pool client {client_id} does not exist.")


class Clients:
    """The app client operations."""

    def __init__(self, store: Store, envelope: Envelope) -> None:
        self._store = store
        self._envelope = envelope

    async def create(self, caller: Caller, command: CreateClient) -> ClientWithSecret:
        if command.generate_secret and command.secret is not None:
            raise InvalidParameterException(
                "You cannot specify both GenerateSecret as true and provide a ClientSecret value."
            )
        secret = command.secret
        if command.generate_secret:
            secret = ids.client_secret()
        now = ids.now_ms()
        async with self._store.write() as tx:
            # Held until commit, so concurrent creations cannot both pass the count below.
            pool = await load_pool(tx, caller, command.pool_id, for_update=True)
            custom = await custom_scopes(tx, pool.id)
            settings = settings_document(
                pool,
                command.settings,
                has_secret=secret is not None,
                custom_scopes=custom,
                providers=await _providers(tx, pool.id, command.settings),
            )
            if await tx.clients.count(pool.id) >= MAX_CLIENTS_PER_POOL:
                raise LimitExceededException(
                    f"A user pool can have at most {MAX_CLIENTS_PER_POOL} app clients."
                )
            while True:
                client_id = ids.client_id()
                record = ClientRecord(
                    id=client_id,
                    pool_id=pool.id,
                    name=command.name,
                    config=settings,
                    secret_sealed=None if secret is None else self._seal(client_id, secret),
                    created_ms=now,
                    updated_ms=now,
                    version=1,
                )
                if await tx.clients.insert(record):
                    break
        return ClientWithSecret(record, secret)

    async def describe(self, caller: Caller, pool_id: str, client_id: str) -> ClientWithSecret:
        check_pool_region(caller, pool_id)
        async with self._store.read() as tx:
            # A client row proves its pool exists (foreign key); look further only on a miss.
            record = await tx.clients.get(pool_id, client_id)
            if record is None:
                await require_pool(tx, caller, pool_id)
                raise _not_found(client_id)
        return ClientWithSecret(record, self._secret(record))

    async def update(self, caller: Caller, command: UpdateClient) -> ClientWithSecret:
        pool_id, client_id = command.pool_id, command.client_id
        for _ in range(_UPDATE_ATTEMPTS):
            async with self._store.write() as tx:
                pool = await load_pool(tx, caller, pool_id)
                record = await tx.clients.get(pool_id, client_id, for_update=True)
                if record is None:
                    raise _not_found(client_id)
                settings = settings_document(
                    pool,
                    command.settings,
                    has_secret=record.secret_sealed is not None,
                    custom_scopes=await custom_scopes(tx, pool.id),
                    updating=True,
                    providers=await _providers(tx, pool.id, command.settings),
                )
                updated = replace(
                    record,
                    name=command.name or record.name,
                    config=settings,
                    updated_ms=ids.now_ms(),
                    version=record.version + 1,
                )
                if await tx.clients.update(updated):
                    return ClientWithSecret(updated, self._secret(updated))
        raise ConcurrentModificationException(
            f"User pool client {client_id} is being modified by another request; try again."
        )

    async def delete(self, caller: Caller, pool_id: str, client_id: str) -> None:
        check_pool_region(caller, pool_id)
        async with self._store.write() as tx:
            if not await tx.clients.delete(pool_id, client_id):
                await require_pool(tx, caller, pool_id)
                raise _not_found(client_id)

    async def list_clients(
        self, caller: Caller, pool_id: str, max_results: int, next_token: str | None
    ) -> ClientPage:
        after = pagination.decode(next_token)
        check_pool_region(caller, pool_id)
        async with self._store.read() as tx:
            rows = await tx.clients.list(pool_id, after, max_results + 1)
            if not rows:
                await require_pool(tx, caller, pool_id)
        shown, token = pagination.page(rows, max_results)
        return ClientPage(shown, token)

    def _seal(self, client_id: str, secret: str) -> bytes:
        return self._envelope.seal(secret.encode(), f"client-secret:{client_id}")

    def _secret(self, record: ClientRecord) -> str | None:
        if record.secret_sealed is None:
            return None
        return self._envelope.open(record.secret_sealed, f"client-secret:{record.id}").decode()


async def _providers(tx: Transaction, pool_id: str, params: JsonObject) -> frozenset[str]:
    """Those of the SupportedIdentityProviders asked for that the pool has."""
    listed = texts_member(params, "SupportedIdentityProviders")
    found = {
        name: record
        for name in set(listed) - {"COGNITO"}
        if (record := await tx.identity_providers.get(pool_id, name)) is not None
    }
    idp_initiated = [
        name
        for name, record in found.items()
        if record.type == "SAML" and record.details.get("IDPInit") == "true"
    ]
    others = [
        name
        for name in listed
        if name == "COGNITO" or (name in found and found[name].type != "SAML")
    ]
    if idp_initiated and others:
        # Cognito's rule: a response no request asked for may only sign in to a client whose
        # every provider is SAML.
        raise InvalidParameterException(
            f"The app client supports {idp_initiated[0]}, a SAML provider with IdP-initiated "
            "sign-in, so it can support SAML providers only (not "
            f"{others[0]})."
        )
    return frozenset(found)


def settings_document(
    pool: UserPoolRecord,
    params: JsonObject,
    *,
    has_secret: bool,
    custom_scopes: frozenset[str] = frozenset(),
    updating: bool = False,
    providers: frozenset[str] = frozenset(),
) -> JsonObject:
    """The settings document of a client, with defaults, or Cognito's error for a bad field."""
    settings: JsonObject = {key: copy.deepcopy(params[key]) for key in _SETTINGS if key in params}
    _token_validity(settings)
    _auth_flows(settings)
    _attribute_permissions(pool, settings, "updating" if updating else "creating")
    _oauth(pool, settings, has_secret, custom_scopes, providers)
    settings.setdefault("AllowedOAuthFlowsUserPoolClient", False)
    settings.setdefault("PreventUserExistenceErrors", "LEGACY")
    settings.setdefault("EnableTokenRevocation", True)
    settings.setdefault("EnablePropagateAdditionalUserContextData", False)
    settings.setdefault("AuthSessionValidity", 3)
    if settings["EnablePropagateAdditionalUserContextData"] and not has_secret:
        raise InvalidParameterException(
            "EnablePropagateAdditionalUserContextData can only be enabled for a client with a "
            "client secret."
        )
    rotation = settings.get("RefreshTokenRotation")
    if rotation is not None:
        as_object(rotation, "RefreshTokenRotation").setdefault("RetryGracePeriodSeconds", 0)
    return settings


def _token_validity(settings: JsonObject) -> None:
    units = object_member(settings, "TokenValidityUnits")
    # Absent, or 0, means Cognito's default: 30 days, expressed in the unit asked for.
    if not settings.get("RefreshTokenValidity"):
        unit = _unit(units, "RefreshToken", "days")
        settings["RefreshTokenValidity"] = 30 * 86400 // _SECONDS[unit]
    seconds: dict[str, int] = {}
    for member, unit_key, default_unit, low, high in _VALIDITY:
        amount = int_member(settings, member)
        if amount is None:
            continue
        value = amount * _SECONDS[_unit(units, unit_key, default_unit)]
        if not low <= value <= high:
            raise InvalidParameterException(
                f"Invalid range for token validity. {member} must be between {low} and {high} "
                "seconds."
            )
        seconds[member] = value
    refresh = seconds["RefreshTokenValidity"]
    for member in ("AccessTokenValidity", "IdTokenValidity"):
        if member in seconds and seconds[member] > refresh:
            raise InvalidParameterException(
                f"Invalid range for token validity. {member} must not exceed RefreshTokenValidity."
            )


def _unit(units: JsonObject, token: str, default: str) -> str:
    """The unit TokenValidityUnits gives ``token``'s lifetime in, or the default one."""
    unit = text_member(units, token)
    return default if unit is None else unit


def _auth_flows(settings: JsonObject) -> None:
    flows = texts_member(settings, "ExplicitAuthFlows")
    if not flows:
        settings.pop("ExplicitAuthFlows", None)
        return
    legacy = [flow for flow in flows if flow in _LEGACY_FLOWS]
    if legacy and len(legacy) != len(flows):
        raise InvalidParameterException(
            "ExplicitAuthFlows can not have both legacy and ALLOW_ prefixed values."
        )
    unique: JsonArray = list(dict.fromkeys(flows))
    settings["ExplicitAuthFlows"] = unique


def _attribute_permissions(pool: UserPoolRecord, settings: JsonObject, doing: str) -> None:
    schema = pool_settings(pool).schema_by_name
    for member, verb in (("ReadAttributes", "read"), ("WriteAttributes", "write")):
        if settings.get(member) is None:
            continue
        names = texts_member(settings, member)
        bad = [
            name
            for name in names
            if name not in schema
            or name == "sub"
            or (verb == "write" and not schema[name].get("Mutable"))
            or name.startswith("dev:")
            or (verb == "write" and name in VERIFIED_FLAGS.values())
        ]
        if bad:
            # Cognito's text names neither the attributes nor anything else.
            raise InvalidParameterException(
                f"Invalid {verb} attributes specified while {doing} a client"
            )
        unique: JsonArray = list(dict.fromkeys(names))
        settings[member] = unique


def _oauth(
    pool: UserPoolRecord,
    settings: JsonObject,
    has_secret: bool,
    custom: frozenset[str],
    providers: frozenset[str],
) -> None:
    for provider in texts_member(settings, "SupportedIdentityProviders"):
        # The pool's own directory, or one of its identity providers by name.
        if provider != "COGNITO" and provider not in providers:
            raise InvalidParameterException(
                f"The provider {provider} does not exist for User Pool {pool.id}"
            )
    for member in ("CallbackURLs", "LogoutURLs"):
        for url in texts_member(settings, member):
            _check_redirect_url(member, url)
    default = text_member(settings, "DefaultRedirectURI")
    if default is not None:
        _check_redirect_url("DefaultRedirectURI", default)
        if default not in texts_member(settings, "CallbackURLs"):
            raise InvalidParameterException("DefaultRedirectURI must be one of the CallbackURLs.")
    scopes = texts_member(settings, "AllowedOAuthScopes")
    for scope in scopes:
        if scope not in STANDARD_SCOPES and scope not in custom:
            raise ScopeDoesNotExistException(f"Invalid scope requested: {scope}")
    flows = texts_member(settings, "AllowedOAuthFlows")
    if not settings.get("AllowedOAuthFlowsUserPoolClient"):
        return
    if not flows or not scopes:
        raise InvalidOAuthFlowException(
            "AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is "
            "allowed to use OAuth flows."
        )
    if "client_credentials" in flows:
        if len(flows) > 1:
            raise InvalidOAuthFlowException(
                "client_credentials flow can not be selected along with code flow or implicit flow."
            )
        if not has_secret:
            raise InvalidOAuthFlowException(
                "client_credentials flow can not be selected if client does not have a client "
                "secret."
            )
        if any(scope not in custom for scope in scopes):
            raise InvalidOAuthFlowException(
                "client_credentials flow can only use custom scopes from a resource server."
            )
        return
    if not settings.get("CallbackURLs"):
        raise InvalidOAuthFlowException(
            "CallbackUrls can not be empty when code flow or implicit flow is selected"
        )


def _check_redirect_url(member: str, url: str) -> None:
    parts = urlsplit(url)
    if not parts.scheme or parts.fragment:
        raise InvalidParameterException(
            f"{member}: {url} must be an absolute URI without a fragment."
        )
    if parts.scheme == "http" and parts.hostname not in ("localhost", "127.0.0.1", "::1"):
        raise InvalidParameterException(
            f"{member}: {url} must use HTTPS; plain HTTP is allowed only for localhost."
        )

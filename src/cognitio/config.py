"""One validated Settings object, read from the command line, the environment and a TOML file.

Precedence, highest first: command-line flags, ``COGNITIO_*`` environment variables, the TOML file
given by ``--config`` / ``COGNITIO_CONFIG`` (top-level keys named like the flags, with underscores),
then the defaults below. Any invalid value stops the start with one line naming the setting.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Literal, TypedDict
from urllib.parse import urlsplit

from cognitio.services.iam.errors import RoleError
from cognitio.services.iam.roles import Role, parse_roles
from cognitio.services.identity.iam_providers import (
    IamProviderError,
    IamProviders,
    parse_providers,
)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 9229
DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT_ID = "123456789012"

_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
_ACCOUNT = re.compile(r"^\d{12}$")
_ACCESS_KEY_ID = re.compile(r"^[A-Z0-9]{16,128}$")


class ConfigError(Exception):
    """A setting that cannot be used; the message is the one line shown to the operator."""


_FUNCTION_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # a Lambda function name
_PYTHON_TARGET = re.compile(r"^python:([A-Za-z_][\w.]*):([A-Za-z_]\w*)$")
_MAX_TIMEOUT_S = 900.0  # Lambda's own ceiling


@dataclass(frozen=True)
class FunctionSpec:
    """One entry of the config file's ``[functions]`` table: what a Lambda ARN's name runs."""

    name: str
    # python:module:attr (importable from `base_dir`), or an http(s):// URL
    target: str
    timeout_s: float = 5.0
    # Where the config file is: python targets import from there.
    base_dir: Path = Path()
    # Signs HTTP requests (X-Cognitio-Signature); read from the variable `secret_env` names.
    secret: str | None = field(default=None, repr=False)

    @property
    def python(self) -> tuple[str, str] | None:
        """(module, attribute) of a python target, or None for a URL."""
        match = _PYTHON_TARGET.match(self.target)
        return None if match is None else (match.group(1), match.group(2))


@dataclass(frozen=True)
class Settings:
    """Everything the server needs to start; each field documents its default."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    # Holds the SQLite file, the master key file and anything else kept on disk.
    data_dir: Path = Path("data")
    # None means SQLite at {data_dir}/cognitio.db; otherwise sqlite:///... or postgresql://...
    database_url: str | None = None
    config_file: Path | None = None
    # The base URL clients reach this server at; the token issuer is derived from it.
    public_url: str | None = None
    region: str = DEFAULT_REGION
    account_id: str = DEFAULT_ACCOUNT_ID
    # Development conveniences (outbox, printed codes); never on by default.
    dev: bool = False
    admin_access_key_id: str | None = field(default=None, repr=False)
    admin_secret_access_key: str | None = field(default=None, repr=False)
    # 32 bytes, base64; when absent a key file is created in data_dir (mode 0600).
    master_key: bytes | None = field(default=None, repr=False)
    # Earlier master keys, kept only to open what they sealed until `cognitio master-key reseal`
    # has moved it under master_key (comma-separated base64 in COGNITIO_PREVIOUS_MASTER_KEYS).
    previous_master_keys: tuple[bytes, ...] = field(default=(), repr=False)
    log_level: str = "info"
    # Message delivery: smtp://host:port, smtp+starttls://..., smtps://user:pass@host:port.
    smtp_url: str | None = field(default=None, repr=False)
    # Sender when a pool's EmailConfiguration names none.
    email_from: str = "no-reply@cognitio.local"
    # SMS go to this URL as JSON POSTs, HMAC-signed when a secret is set.
    sms_webhook_url: str | None = field(default=None, repr=False)
    sms_webhook_secret: str | None = field(default=None, repr=False)
    # Token issuer: {base_url}/{pool_id} unless a template with {base_url}, {region} and
    # {pool_id} says otherwise (e.g. https://cognito-idp.{region}.amazonaws.com/{pool_id}).
    issuer_template: str = "{base_url}/{pool_id}"
    # The identity pools' OpenID token issuer (their tokens' iss, with its discovery document at
    # {identity_issuer}/.well-known/openid-configuration). None: the base URL, as AWS's
    # https://cognito-identity.amazonaws.com sits at its host's root.
    identity_issuer: str | None = None
    # Prefix domains answer on "{prefix}.{auth_domain_suffix}" (e.g. auth.example.com); None:
    # only custom domains and the base URL serve the hosted pages.
    auth_domain_suffix: str | None = None
    # True: /oauth2/authorize requires S256 PKCE from clients without a secret (OAuth 2.1);
    # Cognito, and so the default, leaves it optional.
    require_pkce: bool = False
    # argon2id cost; lowering it is for test suites only (19 MiB and t=2 otherwise).
    argon2_memory_kib: int = 19456
    argon2_time_cost: int = 2
    # The config file's [functions] table: Lambda function name -> what runs it.
    functions: tuple[FunctionSpec, ...] = ()
    # Abuse limits (README, "Abuse limits"): token buckets with a sustained rate per second and
    # a burst, on the unauthenticated operations and the hosted POSTs; a rate of 0 turns one off.
    rate_limit_ip_per_second: float = 100.0
    rate_limit_ip_burst: int = 1000
    rate_limit_user_per_second: float = 10.0
    rate_limit_user_burst: int = 100
    # Code messages per user and per destination: a burst, then one per interval (the
    # cooldown), and a cap per day; 0 turns the cooldown or the cap off.
    code_message_burst: int = 10
    code_message_interval_s: float = 30.0
    code_messages_per_day: int = 100
    # Codes anyone may ask for (sign-up, reset, passwordless) to one address, from anywhere, a
    # day; past it such messages are withheld (the answer stays the same).
    code_messages_per_destination_per_day: int = 300
    # Password hashes waiting for a worker before requests get TooManyRequestsException.
    password_hash_queue: int = 256
    # Of those places, how many one client IP may hold at once (0: no share per client).
    password_hashes_per_client: int = 8
    # Requests one client address may have in this process at once (0: no cap).
    requests_in_flight_per_client: int = 64
    # Proxies (addresses or CIDR networks) whose X-Forwarded-For names the client; none by
    # default, so the client is the socket's peer.
    trusted_proxies: tuple[str, ...] = ()
    # Social identity providers' base URLs, replacing the real hosts (for test stand-ins):
    # (ProviderType, base URL) pairs, e.g. ("Google", "http://127.0.0.1:4402"). From the TOML
    # table [federation_endpoints] or COGNITIO_FEDERATION_ENDPOINTS (a JSON object). None by
    # default: the real providers' URLs.
    federation_endpoints: tuple[tuple[str, str], ...] = ()
    # True: OIDC issuers and SAML MetadataURLs may be plain http, loopback or on any port
    # (local IdPs in tests and development). Never on by default.
    federation_allow_insecure: bool = False
    # How often a SAML provider's MetadataURL is read again, in seconds (Cognito: "typically
    # every 6 hours or before the metadata expires"); a failed read is tried again after at
    # most 5 minutes. 0 reads it again at every sign-in (tests).
    federation_metadata_refresh_s: int = 21600
    # The config file's [iam] table: the roles identity pools hand out, with their trust and
    # permission policies (docs/identity-pools.md, "Roles and policies"). None by default.
    iam_roles: tuple[Role, ...] = ()
    # The [iam] table's OIDC and SAML providers ([[iam.oidc_providers]], [[iam.saml_providers]]),
    # which identity pools name by ARN (docs/identity-pools.md, "OIDC and SAML providers").
    iam_providers: IamProviders = field(default_factory=IamProviders.none)
    # Key ids of identity-pool credentials, newest first (COGNITIO_CREDENTIAL_KEY_IDS, comma-
    # separated): credentials are minted under the first and accepted under any listed. Each
    # id's keys are derived from the master key; to rotate, put a new id first and drop the old
    # one an hour later (docs/identity-pools.md, "The credentials").
    credential_key_ids: tuple[str, ...] = ("k1",)
    # Who mints GetCredentialsForIdentity's credentials: "local" (Cognitio's own, checked by
    # cognitio.authz) or "aws" (the identity's OpenID token exchanged at a real AWS STS with
    # AssumeRoleWithWebIdentity; docs/identity-pools.md, "The STS broker").
    credentials_backend: str = "local"
    # The STS the "aws" backend calls: https always, except under --dev (a local stand-in).
    sts_endpoint: str = "https://sts.amazonaws.com"

    @property
    def base_url(self) -> str:
        """The public base URL, defaulting to the listening address."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host  # noqa: S104 (compared, not bound)
        return f"http://{host}:{self.port}"

    @property
    def identity_issuer_url(self) -> str:
        """The identity issuer, defaulting to the base URL."""
        return (self.identity_issuer or self.base_url).rstrip("/")

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL with the driver SQLAlchemy uses (sqlite3, or asyncpg)."""
        url = self.database_url or f"sqlite:///{(self.data_dir / 'cognitio.db').resolve()}"
        scheme, _, rest = url.partition("://")
        if scheme in ("postgres", "postgresql", "postgresql+asyncpg"):
            return f"postgresql+asyncpg://{rest}"
        if scheme == "sqlite":
            return f"sqlite://{rest}"
        raise ConfigError(f"database_url: unsupported scheme {scheme!r}")

    @property
    def database_dsn(self) -> str:
        """The URL the drivers connect with: sqlite:///ABSOLUTE_PATH or postgresql://..."""
        url = self.sqlalchemy_url
        if url.startswith("sqlite"):
            return url
        return "postgresql://" + url.partition("://")[2]


# setting name -> environment variable
_ENV = {
    "host": "COGNITIO_HOST",
    "port": "COGNITIO_PORT",
    "data_dir": "COGNITIO_DATA_DIR",
    "database_url": "COGNITIO_DATABASE_URL",
    "config_file": "COGNITIO_CONFIG",
    "public_url": "COGNITIO_PUBLIC_URL",
    "region": "COGNITIO_REGION",
    "account_id": "COGNITIO_ACCOUNT_ID",
    "dev": "COGNITIO_DEV",
    "admin_access_key_id": "COGNITIO_ADMIN_ACCESS_KEY_ID",
    "admin_secret_access_key": "COGNITIO_ADMIN_SECRET_ACCESS_KEY",
    "master_key": "COGNITIO_MASTER_KEY",
    "previous_master_keys": "COGNITIO_PREVIOUS_MASTER_KEYS",
    "log_level": "COGNITIO_LOG_LEVEL",
    "issuer_template": "COGNITIO_ISSUER_TEMPLATE",
    "identity_issuer": "COGNITIO_IDENTITY_ISSUER",
    "auth_domain_suffix": "COGNITIO_AUTH_DOMAIN_SUFFIX",
    "require_pkce": "COGNITIO_REQUIRE_PKCE",
    "smtp_url": "COGNITIO_SMTP_URL",
    "email_from": "COGNITIO_EMAIL_FROM",
    "sms_webhook_url": "COGNITIO_SMS_WEBHOOK_URL",
    "sms_webhook_secret": "COGNITIO_SMS_WEBHOOK_SECRET",
    "argon2_memory_kib": "COGNITIO_ARGON2_MEMORY_KIB",
    "argon2_time_cost": "COGNITIO_ARGON2_TIME_COST",
    "rate_limit_ip_per_second": "COGNITIO_RATE_LIMIT_IP_PER_SECOND",
    "rate_limit_ip_burst": "COGNITIO_RATE_LIMIT_IP_BURST",
    "rate_limit_user_per_second": "COGNITIO_RATE_LIMIT_USER_PER_SECOND",
    "rate_limit_user_burst": "COGNITIO_RATE_LIMIT_USER_BURST",
    "code_message_burst": "COGNITIO_CODE_MESSAGE_BURST",
    "code_message_interval_s": "COGNITIO_CODE_MESSAGE_INTERVAL_S",
    "code_messages_per_day": "COGNITIO_CODE_MESSAGES_PER_DAY",
    "code_messages_per_destination_per_day": "COGNITIO_CODE_MESSAGES_PER_DESTINATION_PER_DAY",
    "password_hash_queue": "COGNITIO_PASSWORD_HASH_QUEUE",
    "password_hashes_per_client": "COGNITIO_PASSWORD_HASHES_PER_CLIENT",
    "requests_in_flight_per_client": "COGNITIO_REQUESTS_IN_FLIGHT_PER_CLIENT",
    "trusted_proxies": "COGNITIO_TRUSTED_PROXIES",
    "federation_endpoints": "COGNITIO_FEDERATION_ENDPOINTS",
    "federation_allow_insecure": "COGNITIO_FEDERATION_ALLOW_INSECURE",
    "federation_metadata_refresh_s": "COGNITIO_FEDERATION_METADATA_REFRESH_S",
    "credential_key_ids": "COGNITIO_CREDENTIAL_KEY_IDS",
    "credentials_backend": "COGNITIO_CREDENTIALS_BACKEND",
    "sts_endpoint": "COGNITIO_STS_ENDPOINT",
}

# Settings a TOML file may not hold: secrets belong in the environment or a key file.
_NOT_IN_FILE = frozenset({"config_file", "functions", "iam_roles", "iam_providers"})


def load_settings(
    overrides: Mapping[str, object] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Merge flags, environment and config file into validated Settings."""
    env = os.environ if environ is None else environ
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    from_env = {name: env[var] for name, var in _ENV.items() if env.get(var, "") != ""}

    raw: dict[str, object] = {}
    functions: tuple[FunctionSpec, ...] = ()
    config_file = given.get("config_file") or from_env.get("config_file")
    if config_file:
        raw.update(_read_toml(Path(str(config_file))))
        raw["config_file"] = config_file
        functions = _functions(Path(str(config_file)), env)
    raw.update(from_env)
    raw.update(given)
    settings = _validate(raw)
    if config_file:
        roles = _iam_roles(Path(str(config_file)), settings.account_id)
        providers = _iam_providers(Path(str(config_file)), settings)
        settings = replace(settings, iam_roles=roles, iam_providers=providers)
    return replace(settings, functions=functions) if functions else settings


def _iam_roles(path: Path, account_id: str) -> tuple[Role, ...]:
    """The ``[iam]`` table's roles, their policies read relative to the file."""
    with path.open("rb") as fh:
        table = tomllib.load(fh).get("iam")
    if table is None:
        return ()
    try:
        return parse_roles(table, base_dir=path.resolve().parent, account_id=account_id)
    except RoleError as error:
        raise ConfigError(f"config: {error}") from None


def _iam_providers(path: Path, settings: Settings) -> IamProviders:
    """The ``[iam]`` table's OIDC and SAML providers, metadata read relative to the file."""
    with path.open("rb") as fh:
        table = tomllib.load(fh).get("iam")
    if not isinstance(table, dict):
        return IamProviders.none()
    try:
        return parse_providers(
            table,
            base_dir=path.resolve().parent,
            account_id=settings.account_id,
            allow_insecure=settings.federation_allow_insecure,
        )
    except IamProviderError as error:
        raise ConfigError(f"config: {error}") from None


def _read_toml(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as fh:
            document = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config: file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config: {path} is not valid TOML: {exc}") from None
    known = {f.name for f in fields(Settings)} - _NOT_IN_FILE
    # Tables (dicts) are read by their own parsers ([functions]: _functions), but for
    # [federation_endpoints], which is one setting.
    scalars = {
        k: v for k, v in document.items() if not isinstance(v, dict) or k == "federation_endpoints"
    }
    unknown = sorted(set(scalars) - known)
    if unknown:
        raise ConfigError(f"config: unknown setting {unknown[0]!r} in {path}")
    return scalars


def _functions(path: Path, env: Mapping[str, str]) -> tuple[FunctionSpec, ...]:
    """The ``[functions]`` table: ``name = "target"`` or ``[functions.name]`` with ``target``,
    ``timeout`` (seconds) and ``secret_env`` (the environment variable holding an HMAC secret)."""
    with path.open("rb") as fh:
        table = tomllib.load(fh).get("functions", {})
    if not isinstance(table, dict):
        raise ConfigError(f"config: [functions] in {path} must be a table")
    specs = []
    for name, entry in table.items():
        where = f"functions.{name}"
        if not _FUNCTION_NAME.match(name):
            raise ConfigError(f"{where}: a function name is 1-64 letters, digits, - or _")
        options = {"target": entry} if isinstance(entry, str) else entry
        if not isinstance(options, dict):
            raise ConfigError(f"{where}: must be a target string or a table")
        unknown = sorted(set(options) - {"target", "timeout", "secret_env"})
        if unknown:
            raise ConfigError(f"{where}: unknown key {unknown[0]!r}")
        target = options.get("target")
        if not isinstance(target, str) or not (
            _PYTHON_TARGET.match(target) or urlsplit(target).scheme in ("http", "https")
        ):
            raise ConfigError(
                f"{where}: target must be python:module:attribute or an http(s):// URL"
            )
        if target.startswith("http") and not urlsplit(target).netloc:
            raise ConfigError(f"{where}: target URL has no host")
        timeout = options.get("timeout", 5)
        if isinstance(timeout, bool) or not isinstance(timeout, int | float):
            raise ConfigError(f"{where}: timeout must be a number of seconds")
        if not 0 < timeout <= _MAX_TIMEOUT_S:
            raise ConfigError(f"{where}: timeout must be more than 0 and at most 900 seconds")
        secret = None
        if "secret_env" in options:
            variable = str(options["secret_env"])
            secret = env.get(variable)
            if not secret:
                raise ConfigError(f"{where}: the environment variable {variable} is not set")
        specs.append(
            FunctionSpec(
                name=name,
                target=target,
                timeout_s=float(timeout),
                base_dir=path.resolve().parent,
                secret=secret,
            )
        )
    return tuple(specs)


class _Values(TypedDict, total=False):
    """Validated settings by name, as :class:`Settings` takes them (``functions`` apart)."""

    host: str
    port: int
    data_dir: Path
    database_url: str
    config_file: Path
    public_url: str
    region: str
    account_id: str
    dev: bool
    admin_access_key_id: str
    admin_secret_access_key: str
    master_key: bytes
    previous_master_keys: tuple[bytes, ...]
    log_level: str
    smtp_url: str
    email_from: str
    sms_webhook_url: str
    sms_webhook_secret: str
    issuer_template: str
    identity_issuer: str
    auth_domain_suffix: str
    require_pkce: bool
    argon2_memory_kib: int
    argon2_time_cost: int
    rate_limit_ip_per_second: float
    rate_limit_ip_burst: int
    rate_limit_user_per_second: float
    rate_limit_user_burst: int
    code_message_burst: int
    code_message_interval_s: float
    code_messages_per_day: int
    code_messages_per_destination_per_day: int
    password_hash_queue: int
    password_hashes_per_client: int
    requests_in_flight_per_client: int
    trusted_proxies: tuple[str, ...]
    federation_endpoints: tuple[tuple[str, str], ...]
    federation_allow_insecure: bool
    federation_metadata_refresh_s: int
    credential_key_ids: tuple[str, ...]
    credentials_backend: str
    sts_endpoint: str


_RateName = Literal[
    "rate_limit_ip_per_second", "rate_limit_user_per_second", "code_message_interval_s"
]
_CountName = Literal[
    "argon2_memory_kib",
    "argon2_time_cost",
    "rate_limit_ip_burst",
    "rate_limit_user_burst",
    "code_message_burst",
    "code_messages_per_day",
    "code_messages_per_destination_per_day",
    "password_hash_queue",
    "password_hashes_per_client",
    "requests_in_flight_per_client",
    "federation_metadata_refresh_s",
]


def _validate(raw: Mapping[str, object]) -> Settings:
    values: _Values = {}
    if "host" in raw:
        values["host"] = _text(raw, "host")
    if "port" in raw:
        values["port"] = _port(raw["port"])
    if "data_dir" in raw:
        values["data_dir"] = Path(_text(raw, "data_dir"))
    if "database_url" in raw:
        values["database_url"] = _database_url(_text(raw, "database_url"))
    if "config_file" in raw:
        values["config_file"] = Path(str(raw["config_file"]))
    if "public_url" in raw:
        values["public_url"] = _public_url(_text(raw, "public_url"), "public_url")
    if "region" in raw:
        values["region"] = _matching(raw, "region", _REGION, "an AWS region such as us-east-1")
    if "account_id" in raw:
        values["account_id"] = _matching(raw, "account_id", _ACCOUNT, "12 digits")
    if "dev" in raw:
        values["dev"] = _boolean(raw["dev"], "dev")
    if "log_level" in raw:
        level = _text(raw, "log_level").lower()
        if level not in ("critical", "error", "warning", "info", "debug"):
            raise ConfigError("log_level: must be one of critical, error, warning, info, debug")
        values["log_level"] = level
    key_id, secret = raw.get("admin_access_key_id"), raw.get("admin_secret_access_key")
    if (key_id is None) != (secret is None):
        raise ConfigError(
            "COGNITIO_ADMIN_ACCESS_KEY_ID and COGNITIO_ADMIN_SECRET_ACCESS_KEY must be set together"
        )
    if key_id is not None:
        values["admin_access_key_id"] = _matching(
            raw, "admin_access_key_id", _ACCESS_KEY_ID, "16-128 upper-case letters and digits"
        )
        if not 16 <= len(str(secret)) <= 128:
            raise ConfigError("admin_secret_access_key: must be 16 to 128 characters")
        values["admin_secret_access_key"] = str(secret)
    if "identity_issuer" in raw:
        values["identity_issuer"] = _public_url(_text(raw, "identity_issuer"), "identity_issuer")
    if "issuer_template" in raw:
        values["issuer_template"] = _issuer_template(_text(raw, "issuer_template"))
    if "auth_domain_suffix" in raw:
        suffix = _text(raw, "auth_domain_suffix").lower().strip(".")
        if not re.fullmatch(r"[a-z0-9.-]+", suffix) or "." not in suffix:
            raise ConfigError("auth_domain_suffix: must be a domain name such as auth.example.com")
        values["auth_domain_suffix"] = suffix
    if "require_pkce" in raw:
        values["require_pkce"] = _boolean(raw["require_pkce"], "require_pkce")
    if "federation_endpoints" in raw:
        values["federation_endpoints"] = _federation_endpoints(raw["federation_endpoints"])
    if "federation_allow_insecure" in raw:
        values["federation_allow_insecure"] = _boolean(
            raw["federation_allow_insecure"], "federation_allow_insecure"
        )
    if "smtp_url" in raw:
        values["smtp_url"] = _smtp_url(_text(raw, "smtp_url"))
    if "email_from" in raw:
        values["email_from"] = _text(raw, "email_from")
    if "sms_webhook_url" in raw:
        values["sms_webhook_url"] = _webhook_url(_text(raw, "sms_webhook_url"))
    if "sms_webhook_secret" in raw:
        values["sms_webhook_secret"] = _text(raw, "sms_webhook_secret")
    argon2: tuple[tuple[_CountName, int], ...] = (("argon2_memory_kib", 8), ("argon2_time_cost", 1))
    for name, low in argon2:
        if name in raw:
            values[name] = _integer(raw[name], name, low)
    if "master_key" in raw:
        values["master_key"] = parse_master_key(str(raw["master_key"]), "COGNITIO_MASTER_KEY")
    values.update(_abuse_limits(raw))
    if "previous_master_keys" in raw:
        given = raw["previous_master_keys"]
        texts = given if isinstance(given, list) else str(given).replace(",", " ").split()
        values["previous_master_keys"] = tuple(
            parse_master_key(str(text), "COGNITIO_PREVIOUS_MASTER_KEYS") for text in texts
        )
    return Settings(**values)


def _abuse_limits(raw: Mapping[str, object]) -> _Values:
    values: _Values = {}
    rates: tuple[_RateName, ...] = (
        "rate_limit_ip_per_second",
        "rate_limit_user_per_second",
        "code_message_interval_s",
    )
    for rate in rates:
        if rate in raw:
            values[rate] = _number(raw[rate], rate)
    counts: tuple[tuple[_CountName, int], ...] = (
        ("rate_limit_ip_burst", 1),
        ("rate_limit_user_burst", 1),
        ("code_message_burst", 1),
        ("code_messages_per_day", 0),
        ("code_messages_per_destination_per_day", 0),
        ("password_hash_queue", 0),
        ("password_hashes_per_client", 0),
        ("requests_in_flight_per_client", 0),
        ("federation_metadata_refresh_s", 0),
    )
    for name, low in counts:
        if name in raw:
            values[name] = _integer(raw[name], name, low)
    if "trusted_proxies" in raw:
        values["trusted_proxies"] = _networks(raw["trusted_proxies"], "trusted_proxies")
    if "credential_key_ids" in raw:
        values["credential_key_ids"] = _key_ids(raw["credential_key_ids"])
    if "credentials_backend" in raw:
        backend = _text(raw, "credentials_backend").lower()
        if backend not in ("local", "aws"):
            raise ConfigError("credentials_backend: must be local or aws")
        values["credentials_backend"] = backend
    if "sts_endpoint" in raw:
        values["sts_endpoint"] = _sts_endpoint(
            _text(raw, "sts_endpoint"), dev="dev" in raw and _boolean(raw["dev"], "dev")
        )
    return values


def _sts_endpoint(url: str, *, dev: bool) -> str:
    """The STS the broker calls: credentials and identity tokens travel to it, so https only,
    unless in development (a local stand-in such as moto's server)."""
    endpoint = _public_url(url, "sts_endpoint")
    if not endpoint.startswith("https://") and not dev:
        raise ConfigError(
            "sts_endpoint: must be https (identity tokens and credentials cross it); "
            "plain http only with --dev"
        )
    return endpoint


_KEY_ID = re.compile(r"[a-z0-9-]{1,32}")  # as services.sts.credentials.KEY_ID_PATTERN


def _key_ids(value: object) -> tuple[str, ...]:
    """Credential key ids, newest first: a list or one comma-separated string."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise ConfigError("credential_key_ids: must be a list of key ids")
    key_ids = tuple(str(item).strip() for item in items if str(item).strip())
    if not key_ids:
        raise ConfigError("credential_key_ids: at least one key id is needed")
    for key_id in key_ids:
        if not _KEY_ID.fullmatch(key_id):
            raise ConfigError(f"credential_key_ids: {key_id!r} is not 1-32 of a-z, 0-9 and '-'")
    if len(set(key_ids)) != len(key_ids):
        raise ConfigError("credential_key_ids: a key id is listed twice")
    return key_ids


SOCIAL_PROVIDER_TYPES = ("Google", "Facebook", "LoginWithAmazon", "SignInWithApple")


def _federation_endpoints(value: object) -> tuple[tuple[str, str], ...]:
    """ProviderType -> base URL, from a TOML table or a JSON object in the environment."""
    name = "federation_endpoints"
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ConfigError(f"{name}: must be a JSON object of provider type to URL") from None
    if not isinstance(value, dict):
        raise ConfigError(f"{name}: must be a table of provider type to URL")
    pairs = []
    for provider, url in value.items():
        if provider not in SOCIAL_PROVIDER_TYPES:
            raise ConfigError(
                f"{name}: {provider!r} is not one of {', '.join(SOCIAL_PROVIDER_TYPES)}"
            )
        parts = urlsplit(str(url))
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
            raise ConfigError(f"{name}.{provider}: must be an http(s) URL without a query")
        pairs.append((str(provider), str(url).rstrip("/")))
    return tuple(sorted(pairs))


def _number(value: object, name: str) -> float:
    try:
        number = float(_scalar(value))
    except (TypeError, ValueError):
        raise ConfigError(f"{name}: {value!r} is not a number") from None
    if not 0 <= number < float("inf"):
        raise ConfigError(f"{name}: must be 0 or more")
    return number


def _networks(value: object, name: str) -> tuple[str, ...]:
    """Addresses or CIDR networks, as a list or one comma-separated string."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise ConfigError(f"{name}: must be a list of addresses or networks")
    networks = []
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        try:
            networks.append(str(ipaddress.ip_network(text, strict=False)))
        except ValueError:
            raise ConfigError(f"{name}: {text!r} is not an IP address or network") from None
    return tuple(networks)


def parse_master_key(text: str, source: str) -> bytes:
    """Decode a base64 master key and insist on 32 bytes."""
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ConfigError(f"{source}: master key must be base64") from None
    if len(key) != 32:
        raise ConfigError(f"{source}: master key must decode to 32 bytes, got {len(key)}")
    return key


def _text(raw: Mapping[str, object], name: str) -> str:
    value = raw[name]
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{name}: must be a non-empty string")
    return value.strip()


def _scalar(value: object) -> str | int | float:
    """A TOML or environment value that may spell a number; TypeError for any other."""
    if not isinstance(value, str | int | float):
        raise TypeError(type(value).__name__)
    return value


def _port(value: object) -> int:
    try:
        port = int(_scalar(value))
    except (TypeError, ValueError):
        raise ConfigError(f"port: {value!r} is not a number") from None
    if not 0 <= port <= 65535:
        raise ConfigError(f"port: {port} is outside 0-65535")
    return port


def _boolean(value: object, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name}: {value!r} is not a boolean")


def _matching(raw: Mapping[str, object], name: str, pattern: re.Pattern[str], what: str) -> str:
    value = _text(raw, name)
    if not pattern.match(value):
        raise ConfigError(f"{name}: {value!r} is not {what}")
    return value


def _database_url(url: str) -> str:
    scheme = url.partition("://")[0]
    if scheme not in ("sqlite", "postgres", "postgresql", "postgresql+asyncpg"):
        raise ConfigError(
            f"database_url: {scheme!r} is not supported; use sqlite:///PATH or postgresql://..."
        )
    return url


def _public_url(url: str, name: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{name}: {url!r} must be an absolute http(s) URL")
    if parts.query or parts.fragment:
        raise ConfigError(f"{name}: must not have a query or fragment")
    return url.rstrip("/")


def _webhook_url(url: str) -> str:
    from cognitio.messaging.sms import WebhookSmsProvider

    try:
        WebhookSmsProvider(url)
    except ValueError as error:
        # The message names the problem, never the URL: it may carry a token.
        raise ConfigError(f"sms_webhook_url: {error}") from None
    return url


def _issuer_template(template: str) -> str:
    try:
        sample = template.format(base_url="http://x", region="us-east-1", pool_id="us-east-1_X")
    except (KeyError, IndexError, ValueError):
        raise ConfigError(
            "issuer_template: only {base_url}, {region} and {pool_id} may appear in it"
        ) from None
    if "{pool_id}" not in template:
        raise ConfigError("issuer_template: must contain {pool_id}")
    _public_url(sample, "issuer_template")
    return template


def _smtp_url(url: str) -> str:
    from cognitio.messaging.email import parse_smtp_url

    try:
        parse_smtp_url(url)
    except ValueError as error:
        raise ConfigError(f"smtp_url: {error}") from None
    return url


def _integer(value: object, name: str, low: int) -> int:
    try:
        number = int(_scalar(value))
    except (TypeError, ValueError):
        raise ConfigError(f"{name}: {value!r} is not a number") from None
    if number < low:
        raise ConfigError(f"{name}: must be at least {low}")
    return number

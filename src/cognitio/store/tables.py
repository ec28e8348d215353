"""The schema, as SQLAlchemy Core tables; Alembic migrations create and change it.

Times are integer milliseconds since the epoch (UTC) on every database, so ordering and
arithmetic agree between SQLite and PostgreSQL. Settings documents that mirror Cognito's own
structures (a user pool's configuration, an app client's) are JSON text: they are read and written
whole, never queried by their inner fields.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", LargeBinary, nullable=False),
)

access_keys = Table(
    "access_keys",
    metadata,
    Column("access_key_id", String(128), primary_key=True),
    Column("secret_sealed", LargeBinary, nullable=False),
    Column("description", String(256), nullable=False, default=""),
    Column("created_ms", BigInteger, nullable=False),
)

user_pools = Table(
    "user_pools",
    metadata,
    Column("id", String(55), primary_key=True),
    Column("region", String(32), nullable=False),
    Column("name", String(128), nullable=False),
    Column("config", Text, nullable=False),
    # LambdaConfig again, so ListUserPools reads a few bytes per pool instead of the settings.
    Column("lambda_config", Text, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
    # Optimistic concurrency: every update names the version it read.
    Column("version", Integer, nullable=False),
    Index(None, "region", "created_ms", "id"),
)

user_pool_clients = Table(
    "user_pool_clients",
    metadata,
    Column("id", String(128), primary_key=True),
    Column(
        "pool_id",
        String(55),
        ForeignKey("user_pools.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("name", String(128), nullable=False),
    Column("config", Text, nullable=False),
    Column("secret_sealed", LargeBinary, nullable=True),
    Column("created_ms", BigInteger, nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
    Column("version", Integer, nullable=False),
    Index(None, "pool_id", "id"),
)

users = Table(
    "users",
    metadata,
    # The user's `sub`, a UUID: unique across pools, never reused.
    Column("sub", String(36), primary_key=True),
    Column("pool_id", String(55), ForeignKey("user_pools.id", ondelete="CASCADE"), nullable=False),
    Column("username", String(128), nullable=False),
    # The name as matched: lower-cased in case-insensitive pools.
    Column("username_key", String(128), nullable=False),
    Column("status", String(32), nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("attributes", Text, nullable=False),
    Column("password_hash", Text, nullable=True),
    Column("srp_sealed", LargeBinary, nullable=True),
    Column("password_set_ms", BigInteger, nullable=True),
    Column("created_ms", BigInteger, nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
    Column("version", Integer, nullable=False),
    UniqueConstraint("pool_id", "username_key"),
    Index(None, "pool_id", "sub"),
)

# A sign-in alias (email, phone_number, preferred_username) belongs to one user of a pool.
user_aliases = Table(
    "user_aliases",
    metadata,
    Column("pool_id", String(55), primary_key=True),
    Column("kind", String(32), primary_key=True),
    Column("value_key", String(512), primary_key=True),
    Column("sub", String(36), ForeignKey("users.sub", ondelete="CASCADE"), nullable=False),
    Index(None, "sub"),
)

# Every searchable value of every user, so ListUsers filters walk an index.
user_search = Table(
    "user_search",
    metadata,
    Column("pool_id", String(55), primary_key=True),
    Column("name", String(64), primary_key=True),
    Column("value", String(512), primary_key=True),
    Column("sub", String(36), ForeignKey("users.sub", ondelete="CASCADE"), primary_key=True),
    Index(None, "sub"),
)

# One live code per user and purpose (sign-up, password reset, attribute verification).
user_codes = Table(
    "user_codes",
    metadata,
    Column("sub", String(36), ForeignKey("users.sub", ondelete="CASCADE"), primary_key=True),
    Column("purpose", String(64), primary_key=True),
    Column("code_hash", String(128), nullable=False),
    Column("expires_ms", BigInteger, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    # A new email or phone number waiting for this code (AttributesRequireVerificationBeforeUpdate).
    Column("pending_value", Text, nullable=True),
)

# Earlier password hashes, for the pool's PasswordHistorySize (at most 24 kept).
password_history = Table(
    "password_history",
    metadata,
    Column("sub", String(36), ForeignKey("users.sub", ondelete="CASCADE"), primary_key=True),
    Column("created_ms", BigInteger, primary_key=True),
    Column("password_hash", Text, nullable=False),
)

# Two RSA keys per pool (one signs ID tokens, one access tokens), private halves sealed.
signing_keys = Table(
    "signing_keys",
    metadata,
    Column("kid", String(64), primary_key=True),
    Column("pool_id", String(55), ForeignKey("user_pools.id", ondelete="CASCADE"), nullable=False),
    Column("purpose", String(16), nullable=False),
    Column("private_sealed", LargeBinary, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    UniqueConstraint("pool_id", "purpose"),
)

# The identity pools' OpenID token issuer keys (RS512), shared by every node.
identity_issuer_keys = Table(
    "identity_issuer_keys",
    metadata,
    Column("kid", String(64), primary_key=True),
    Column("private_sealed", LargeBinary, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
)

# Not-before instants of temporary credentials, per identity, role or identity pool.
credential_revocations = Table(
    "credential_revocations",
    metadata,
    Column("kind", String(16), primary_key=True),
    Column("subject", String(2048), primary_key=True),
    Column("not_before_ms", BigInteger, nullable=False),
    Index(None, "not_before_ms"),
)

# The transactional outbox: every event, written in the transaction of the change it tells;
# ``seq`` is the order of writing.
events = Table(
    "events",
    metadata,
    Column(
        "seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("id", String(36), nullable=False, unique=True),
    Column("partition_key", String(512), nullable=False),
    Column("type", String(128), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Index(None, "partition_key", "seq"),
    # SQLite: never reuse a seq after the newest rows were pruned.
    sqlite_autoincrement=True,
)

# Refresh tokens, kept only as SHA-256 hashes.
refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("pool_id", String(55), nullable=False),
    Column("client_id", String(128), nullable=False),
    Column("sub", String(36), ForeignKey("users.sub", ondelete="CASCADE"), nullable=False),
    Column("origin_jti", String(36), nullable=False),
    Column("auth_time", BigInteger, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("expires_ms", BigInteger, nullable=False),
    Column("revoked", Boolean, nullable=False),
    Column("rotated_ms", BigInteger, nullable=True),
    Column("device_key", String(55), nullable=True),
    Column("scopes", Text, nullable=True),
    Index(None, "sub"),
    Index(None, "origin_jti"),
)

# Auth-flow Session strings already answered, kept until they would have expired anyway.
spent_sessions = Table(
    "spent_sessions",
    metadata,
    Column("sid", String(36), primary_key=True),
    Column("expires_ms", BigInteger, nullable=False),
)

# Failed password checks of a user, shared by every node (the lockout policy).
sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("sub", String(36), ForeignKey("users.sub", ondelete="CASCADE"), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failure_ms", BigInteger, nullable=False),
    Column("locked_until_ms", BigInteger, nullable=False),
)

# Wrong second-factor codes of a user, counted apart from passwords (lockout policy).
mfa_failures = Table(
    "mfa_failures",
    metadata,
    Column("sub", String(36), ForeignKey("users.sub", ondelete="CASCADE"), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failure_ms", BigInteger, nullable=False),
    Column("locked_until_ms", BigInteger, nullable=False),
)

# Wrong passwords for names that belong to no user, under a made-up subject per name, so that
# the lockout looks the same for users that exist and users that do not (pruned when quiet).
decoy_failures = Table(
    "decoy_failures",
    metadata,
    Column("sub", String(64), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failure_ms", BigInteger, nullable=False, index=True),
    Column("locked_until_ms", BigInteger, nullable=False),
)

# Rate-limit buckets (GCRA), one row per bucket name, shared by every node.
rate_limits = Table(
    "rate_limits",
    metadata,
    Column("bucket", String(300), primary_key=True),
    Column("tat_ms", BigInteger, nullable=False, index=True),
    Column("interval_ms", BigInteger, nullable=False),
    Column("tolerance_ms", BigInteger, nullable=False),
)

# A user's software token and MFA preference.
user_mfa = Table(
    "user_mfa",
    metadata,
    Column("sub", String(36), ForeignKey("users.sub", ondelete="CASCADE"), primary_key=True),
    Column("totp_sealed", LargeBinary, nullable=True),
    Column("totp_pending_sealed", LargeBinary, nullable=True),
    Column("totp_enabled", Boolean, nullable=False),
    Column("totp_last_step", BigInteger, nullable=False),
    Column("preferred", String(32), nullable=True),
    Column("sms_enabled", Boolean, nullable=False),
    Column("email_enabled", Boolean, nullable=False),
    Column("webauthn_enabled", Boolean, nullable=False, server_default=false()),
)

# Remembered devices (device SRP): the verifier is NULL until ConfirmDevice.
devices = Table(
    "devices",
    metadata,
    Column("device_key", String(55), primary_key=True),
    Column("pool_id", String(55), nullable=False),
    Column("sub", String(36), ForeignKey("users.sub", ondelete="CASCADE"), nullable=False),
    Column("group_key", String(64), nullable=False),
    Column("name", String(1024), nullable=True),
    Column("salt", LargeBinary, nullable=True),
    Column("verifier_sealed", LargeBinary, nullable=True),
    Column("remembered", Boolean, nullable=False),
    Column("auth_pending_until_ms", BigInteger, nullable=True),
    # "<client id>:<session id>" of the sign-in that armed it (devices may only be taken by it).
    Column("auth_pending_by", String(200), nullable=True),
    Column("created_ms", BigInteger, nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
    Column("authenticated_ms", BigInteger, nullable=True),
    Index(None, "sub", "created_ms"),
)

# Passkeys (WebAuthn credentials), found by their base64url credential id.
passkeys = Table(
    "passkeys",
    metadata,
    Column("credential_id", String(1400), primary_key=True),
    Column("pool_id", String(55), nullable=False),
    Column("sub", String(36), ForeignKey("users.sub", ondelete="CASCADE"), nullable=False),
    Column("public_key", LargeBinary, nullable=False),
    Column("sign_count", BigInteger, nullable=False),
    Column("relying_party_id", String(127), nullable=False),
    Column("name", String(256), nullable=False),
    Column("attachment", String(32), nullable=True),
    Column("transports", Text, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("used_ms", BigInteger, nullable=True),
    Index(None, "sub", "created_ms"),
)

# A pool's groups; `precedence` NULL ranks after every number.
user_groups = Table(
    "user_groups",
    metadata,
    Column(
        "pool_id", String(55), ForeignKey("user_pools.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("name", String(128), primary_key=True),
    Column("description", String(2048), nullable=True),
    Column("role_arn", String(2048), nullable=True),
    Column("precedence", BigInteger, nullable=True),
    Column("created_ms", BigInteger, nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
)

group_members = Table(
    "group_members",
    metadata,
    Column("pool_id", String(55), primary_key=True),
    Column("group_name", String(128), primary_key=True),
    Column("sub", String(36), ForeignKey("users.sub", ondelete="CASCADE"), primary_key=True),
    ForeignKeyConstraint(
        ["pool_id", "group_name"], ["user_groups.pool_id", "user_groups.name"], ondelete="CASCADE"
    ),
    Index(None, "sub"),
)

# External identities and the user each signs in as (made by a first sign-in, or linked).
# `attribute_name` says what `provider_user_id` holds: "Cognito_Subject", the provider's id for
# the user; or a pool attribute an administrator linked on, whose mapped value it is.
user_identities = Table(
    "user_identities",
    metadata,
    Column("pool_id", String(55), primary_key=True),
    Column("provider_name", String(32), primary_key=True),
    Column("attribute_name", String(64), primary_key=True, server_default="Cognito_Subject"),
    Column("provider_user_id", String(512), primary_key=True),
    Column("sub", String(36), ForeignKey("users.sub", ondelete="CASCADE"), nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Index(None, "sub"),
)

# Resource servers: custom OAuth scopes are "{identifier}/{ScopeName}".
resource_servers = Table(
    "resource_servers",
    metadata,
    Column(
        "pool_id", String(55), ForeignKey("user_pools.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("identifier", String(256), primary_key=True),
    Column("name", String(256), nullable=False),
    Column("scopes", Text, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
)

# A pool's domains: a prefix, or a custom domain's full name; each name belongs to one pool.
user_pool_domains = Table(
    "user_pool_domains",
    metadata,
    Column("domain", String(253), primary_key=True),
    Column("pool_id", String(55), ForeignKey("user_pools.id", ondelete="CASCADE"), nullable=False),
    Column("custom", Boolean, nullable=False),
    Column("certificate_arn", String(2048), nullable=True),
    Column("managed_login_version", Integer, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    UniqueConstraint("pool_id", "custom"),
)

# OAuth 2.0 authorization codes (kept as SHA-256), single-use, bound to client, redirect and PKCE.
authorization_codes = Table(
    "authorization_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("pool_id", String(55), nullable=False),
    Column("client_id", String(128), nullable=False),
    Column("sub", String(36), ForeignKey("users.sub", ondelete="CASCADE"), nullable=False),
    Column("redirect_uri", Text, nullable=False),
    Column("scopes", Text, nullable=False),
    Column("code_challenge", String(128), nullable=True),
    Column("nonce", Text, nullable=True),
    Column("auth_time", BigInteger, nullable=False),
    Column("expires_ms", BigInteger, nullable=False),
    Column("origin_jti", String(36), nullable=True),
)

# Hosted-page sign-ins (the single-sign-on cookie names one); deleting a row ends the cookie.
hosted_sessions = Table(
    "hosted_sessions",
    metadata,
    Column("sid", String(36), primary_key=True),
    Column("pool_id", String(55), nullable=False),
    Column("sub", String(36), ForeignKey("users.sub", ondelete="CASCADE"), nullable=False),
    Column("auth_time", BigInteger, nullable=False),
    Column("expires_ms", BigInteger, nullable=False),
    Index(None, "sub"),
    Index(None, "expires_ms"),
)

# The classic hosted UI's customisation: CSS and a logo, per client or for the pool ("ALL").
ui_customizations = Table(
    "ui_customizations",
    metadata,
    Column(
        "pool_id", String(55), ForeignKey("user_pools.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("client_id", String(128), primary_key=True),
    Column("css", Text, nullable=True),
    Column("image", LargeBinary, nullable=True),
    Column("created_ms", BigInteger, nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
)

# Managed-login branding styles, one per app client.
login_brandings = Table(
    "login_brandings",
    metadata,
    Column("branding_id", String(36), primary_key=True),
    Column("pool_id", String(55), ForeignKey("user_pools.id", ondelete="CASCADE"), nullable=False),
    Column("client_id", String(128), nullable=False),
    Column("use_defaults", Boolean, nullable=False),
    Column("settings", Text, nullable=True),
    Column("assets", Text, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
    UniqueConstraint("pool_id", "client_id"),
)

# A pool's external identity providers. `details` is ProviderDetails without its secrets, which
# are sealed together (context "idp-secrets:{id}"); `identifiers` repeats, as a JSON list, the
# rows of identity_provider_identifiers, which make each identifier unique in the pool.
identity_providers = Table(
    "identity_providers",
    metadata,
    Column(
        "pool_id", String(55), ForeignKey("user_pools.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("name", String(32), primary_key=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("type", String(32), nullable=False),
    Column("details", Text, nullable=False),
    Column("secrets_sealed", LargeBinary, nullable=True),
    Column("attribute_mapping", Text, nullable=False),
    Column("identifiers", Text, nullable=False),
    # A SAML IdP's metadata as last read (from MetadataFile or fetched from MetadataURL).
    Column("metadata_xml", Text, nullable=True),
    # A MetadataURL's document: when it was last read, and when a refresh was last tried.
    Column("metadata_fetched_ms", BigInteger, nullable=True),
    Column("metadata_tried_ms", BigInteger, nullable=True),
    Column("created_ms", BigInteger, nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
)

identity_provider_identifiers = Table(
    "identity_provider_identifiers",
    metadata,
    Column("pool_id", String(55), primary_key=True),
    Column("identifier", String(40), primary_key=True),
    Column("provider_name", String(32), nullable=False),
    ForeignKeyConstraint(
        ["pool_id", "provider_name"],
        ["identity_providers.pool_id", "identity_providers.name"],
        ondelete="CASCADE",
    ),
    Index(None, "pool_id", "provider_name"),
)

# The certificate a pool signs SAML requests with (GetSigningCertificate), one per pool.
saml_signing_certificates = Table(
    "saml_signing_certificates",
    metadata,
    Column(
        "pool_id", String(55), ForeignKey("user_pools.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("certificate", Text, nullable=False),
    Column("private_sealed", LargeBinary, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
)

# Identity pools (cognito-identity). The provider lists and role mappings are JSON in Cognito's
# shapes, read and written whole; AllowClassicFlow is NULL while never set.
identity_pools = Table(
    "identity_pools",
    metadata,
    Column("id", String(55), primary_key=True),
    Column("region", String(32), nullable=False),
    Column("name", String(128), nullable=False),
    Column("allow_unauthenticated", Boolean, nullable=False),
    Column("allow_classic_flow", Boolean, nullable=True),
    Column("developer_provider_name", String(128), nullable=True),
    Column("providers", Text, nullable=False),
    Column("tags", Text, nullable=False),
    Column("roles", Text, nullable=False),
    Column("role_mappings", Text, nullable=False),
    Column("principal_tags", Text, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
    # Optimistic concurrency: every update names the version it read.
    Column("version", Integer, nullable=False),
    Index(None, "region", "created_ms", "id"),
)

identities = Table(
    "identities",
    metadata,
    Column("id", String(55), primary_key=True),
    Column(
        "pool_id", String(55), ForeignKey("identity_pools.id", ondelete="CASCADE"), nullable=False
    ),
    Column("disabled", Boolean, nullable=False, server_default=false()),
    Column("created_ms", BigInteger, nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
    Index(None, "pool_id", "created_ms", "id"),
)

# One login per provider per identity (the key); a provider's subject belongs to at most one
# identity of the pool (the unique constraint).
identity_logins = Table(
    "identity_logins",
    metadata,
    Column(
        "identity_id",
        String(55),
        ForeignKey("identities.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("provider_name", String(128), primary_key=True),
    Column("pool_id", String(55), nullable=False),
    Column("subject", String(1024), nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    UniqueConstraint("pool_id", "provider_name", "subject"),
    # A user pool user's identities in every identity pool (revoked at their global sign-out).
    Index(None, "provider_name", "subject"),
)

# A developer user identifier belongs to one identity of its pool; an identity may hold several
# (MergeDeveloperIdentities moves them). provider_name is the pool's DeveloperProviderName.
identity_developer_users = Table(
    "identity_developer_users",
    metadata,
    Column("pool_id", String(55), primary_key=True),
    Column("user_identifier", String(1024), primary_key=True),
    Column(
        "identity_id",
        String(55),
        ForeignKey("identities.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("provider_name", String(128), nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Index(None, "identity_id"),
)

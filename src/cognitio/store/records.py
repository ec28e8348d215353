"""Plain records the store hands to services; no ORM objects leave the store."""

from __future__ import annotations

from dataclasses import dataclass, field

from cognitio.documents import JsonObject

# What a link on an external identity's own id (not on another attribute) is named.
SUBJECT_ATTRIBUTE = "Cognito_Subject"


@dataclass(frozen=True, slots=True)
class AccessKeyRecord:
    access_key_id: str
    secret_sealed: bytes
    description: str
    created_ms: int


@dataclass(frozen=True, slots=True)
class UserPoolRecord:
    id: str
    region: str
    name: str
    # The pool's settings in Cognito's own UserPoolType shape, minus what is derived
    # (Id, Name, Arn, dates, EstimatedNumberOfUsers).
    config: JsonObject
    created_ms: int
    updated_ms: int
    version: int
    # Typed views of ``config``, each made once on first use (services/*/settings.py); a record
    # made with dataclasses.replace starts without them.
    views: dict[str, object] = field(default_factory=dict, init=False, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class UserPoolSummary:
    """What ListUserPools shows of a pool."""

    id: str
    name: str
    lambda_config: JsonObject
    created_ms: int
    updated_ms: int


@dataclass(frozen=True, slots=True)
class ClientRecord:
    id: str
    pool_id: str
    name: str
    # Settings in UserPoolClientType's shape, minus ids, name, dates and the secret.
    config: JsonObject
    secret_sealed: bytes | None
    created_ms: int
    updated_ms: int
    version: int
    # Typed views of ``config``, each made once on first use (services/*/settings.py); a record
    # made with dataclasses.replace starts without them.
    views: dict[str, object] = field(default_factory=dict, init=False, repr=False, compare=False)


# Not frozen: a ListUsers page builds sixty of these, and a frozen dataclass pays a
# setattr call per field. Services change users with dataclasses.replace all the same.
@dataclass(slots=True)
class UserRecord:
    sub: str
    pool_id: str
    # As created (shown on the wire); username_key is what lookups match.
    username: str
    username_key: str
    status: str
    enabled: bool
    # Attribute name -> value, all strings, as Cognito keeps them; `sub` is not repeated here.
    attributes: dict[str, str]
    password_hash: str | None
    # The SRP salt and verifier, sealed with the master key.
    srp_sealed: bytes | None
    password_set_ms: int | None
    created_ms: int
    updated_ms: int
    version: int


@dataclass(slots=True)
class UserListing:
    """What ListUsers shows of a user; no password material is read for it."""

    sub: str
    username: str
    status: str
    enabled: bool
    attributes: dict[str, str]
    created_ms: int
    updated_ms: int


@dataclass(frozen=True, slots=True)
class CodeRecord:
    sub: str
    purpose: str
    code_hash: str
    expires_ms: int
    attempts: int
    created_ms: int
    # The new value the code confirms, when the pool verifies before updating.
    pending_value: str | None = None


@dataclass(frozen=True, slots=True)
class SigningKeyRecord:
    kid: str
    pool_id: str
    purpose: str  # "id" | "access"
    private_sealed: bytes
    created_ms: int


@dataclass(frozen=True, slots=True)
class IssuerKeyRecord:
    """An RSA key of the identity pools' OpenID token issuer; ``kid`` is ``{region}{n}``."""

    kid: str
    private_sealed: bytes
    created_ms: int


@dataclass(frozen=True, slots=True)
class RefreshTokenRecord:
    token_hash: str
    pool_id: str
    client_id: str
    sub: str
    origin_jti: str
    auth_time: int  # seconds, as the auth_time claim
    created_ms: int
    expires_ms: int
    revoked: bool
    # Set when rotation replaced this token (it works on for the grace period).
    rotated_ms: int | None = None
    device_key: str | None = None  # the remembered device the sign-in used
    scopes: str | None = None  # OAuth scopes granted (space-separated); None: the API's scope


@dataclass(slots=True)
class MfaRecord:
    sub: str
    totp_sealed: bytes | None = None
    totp_pending_sealed: bytes | None = None
    totp_enabled: bool = False
    totp_last_step: int = 0
    preferred: str | None = None  # "SOFTWARE_TOKEN_MFA" | "SMS_MFA" | "EMAIL_OTP" | None
    sms_enabled: bool = False
    email_enabled: bool = False
    webauthn_enabled: bool = False  # a passkey with user verification counts as MFA


@dataclass(frozen=True, slots=True)
class DeviceRecord:
    device_key: str
    pool_id: str
    sub: str
    group_key: str
    name: str | None
    salt: bytes | None  # as the client sent it; None until ConfirmDevice
    verifier_sealed: bytes | None
    remembered: bool
    created_ms: int
    updated_ms: int
    authenticated_ms: int | None = None

    @property
    def confirmed(self) -> bool:
        return self.verifier_sealed is not None


@dataclass(frozen=True, slots=True)
class PasskeyRecord:
    credential_id: str  # base64url, as WebAuthn's JSON forms carry it
    pool_id: str
    sub: str
    public_key: bytes  # COSE_Key
    sign_count: int
    relying_party_id: str
    name: str
    attachment: str | None
    transports: list[str]
    created_ms: int
    used_ms: int | None = None


@dataclass(frozen=True, slots=True)
class GroupRecord:
    pool_id: str
    name: str
    description: str | None
    role_arn: str | None
    precedence: int | None
    created_ms: int
    updated_ms: int


@dataclass(frozen=True, slots=True)
class ResourceServerRecord:
    pool_id: str
    identifier: str
    name: str
    scopes: list[dict[str, str]]  # [{"ScopeName", "ScopeDescription"}]
    created_ms: int


@dataclass(frozen=True, slots=True)
class DomainRecord:
    domain: str
    pool_id: str
    custom: bool
    certificate_arn: str | None
    managed_login_version: int
    created_ms: int


@dataclass(frozen=True, slots=True)
class AuthorizationCodeRecord:
    code_hash: str
    pool_id: str
    client_id: str
    sub: str
    redirect_uri: str
    scopes: str
    code_challenge: str | None
    nonce: str | None
    auth_time: int
    expires_ms: int
    origin_jti: str | None = None


@dataclass(frozen=True, slots=True)
class HostedSessionRecord:
    """A sign-in on the hosted pages, named by the sealed single-sign-on cookie."""

    sid: str
    pool_id: str
    sub: str
    auth_time: int  # epoch seconds
    expires_ms: int


@dataclass(frozen=True, slots=True)
class UiCustomizationRecord:
    pool_id: str
    client_id: str  # "ALL" for the pool's default
    css: str | None
    image: bytes | None
    created_ms: int
    updated_ms: int


@dataclass(frozen=True, slots=True)
class BrandingRecord:
    branding_id: str
    pool_id: str
    client_id: str
    use_defaults: bool
    settings: JsonObject | None
    assets: list[dict[str, str]]  # AssetType, Bytes as base64
    created_ms: int
    updated_ms: int


@dataclass(frozen=True, slots=True)
class UserIdentityRecord:
    """An external identity (a provider and the provider's id for the user) that signs in as
    one user of the pool: the user it made, or the user it was linked to. A link on another
    attribute (``attribute_name`` ``email``, say) holds that attribute's value instead of the
    id, until the identity's first sign-in replaces it with a link on the subject."""

    pool_id: str
    provider_name: str
    provider_user_id: str
    sub: str
    created_ms: int
    attribute_name: str = SUBJECT_ATTRIBUTE


@dataclass(frozen=True, slots=True)
class IdentityProviderRecord:
    """A pool's external identity provider as stored."""

    pool_id: str
    name: str
    id: str  # names the sealed secrets' context
    type: str  # ProviderType: SAML, OIDC, Google, Facebook, LoginWithAmazon, SignInWithApple
    # ProviderDetails as the caller gave them (and, for SAML, as read from the metadata),
    # without the secrets and without the keys each type adds when shown.
    details: dict[str, str]
    # The secret members (client_secret, private_key, ...) as one sealed JSON object.
    secrets_sealed: bytes | None = field(repr=False)
    attribute_mapping: dict[str, str]
    identifiers: list[str]
    metadata_xml: str | None
    created_ms: int
    updated_ms: int
    # For a MetadataURL: when the stored document was read, and when a refresh was last
    # tried (successful or not); None for a MetadataFile and for the other types.
    metadata_fetched_ms: int | None = None
    metadata_tried_ms: int | None = None


@dataclass(frozen=True, slots=True)
class SamlCertificateRecord:
    """The certificate a pool signs its SAML requests with, and its sealed private key."""

    pool_id: str
    certificate: str  # base64 DER, as GetSigningCertificate shows it
    private_sealed: bytes = field(repr=False)
    created_ms: int


@dataclass(frozen=True, slots=True)
class IdentityPoolRecord:
    """An identity pool (cognito-identity); its lists and maps keep Cognito's own shapes."""

    id: str  # {region}:{uuid4}
    region: str
    name: str
    allow_unauthenticated: bool
    # None while never set: DescribeIdentityPool leaves it out and the pool allows the flow.
    allow_classic_flow: bool | None
    developer_provider_name: str | None
    # SupportedLoginProviders, OpenIdConnectProviderARNs, CognitoIdentityProviders and
    # SamlProviderARNs, each present only when given.
    providers: JsonObject
    tags: dict[str, str]
    roles: dict[str, str]  # "authenticated" / "unauthenticated" -> role ARN
    role_mappings: JsonObject  # provider name -> RoleMapping, as SetIdentityPoolRoles took it
    # Provider name -> {"UseDefaults": bool, "PrincipalTags": {tag key: claim}}
    principal_tags: JsonObject
    created_ms: int
    updated_ms: int
    version: int


@dataclass(frozen=True, slots=True)
class IdentityPoolSummary:
    """What ListIdentityPools shows of a pool."""

    id: str
    name: str
    created_ms: int


@dataclass(frozen=True, slots=True)
class IdentityRecord:
    """An identity of an identity pool and the logins linked to it."""

    id: str  # {region}:{uuid4}
    pool_id: str
    created_ms: int
    updated_ms: int
    # Disabled when a merge gave its logins to another identity.
    disabled: bool = False
    logins: dict[str, str] = field(default_factory=dict)  # provider name -> subject there
    # The developer user identifiers linked to it, oldest first, and the pool's developer
    # provider name they were linked under (None when there are none).
    developer_users: tuple[str, ...] = ()
    developer_provider: str | None = None

    @property
    def authenticated(self) -> bool:
        """Whether some login or developer user is linked: a guest identity has neither."""
        return bool(self.logins or self.developer_users)


@dataclass(frozen=True, slots=True)
class DeveloperUserRecord:
    """A developer user identifier linked to an identity; one identity per identifier per pool."""

    pool_id: str
    user_identifier: str
    identity_id: str
    provider_name: str
    created_ms: int


@dataclass(frozen=True, slots=True)
class IdentityLoginRecord:
    """A login linked to an identity: one per provider per identity, one identity per subject."""

    identity_id: str
    pool_id: str
    provider_name: str
    subject: str
    created_ms: int


@dataclass(frozen=True, slots=True)
class CredentialRevocationRecord:
    """Credentials of ``subject`` issued at or before ``not_before_ms`` are refused.

    ``kind`` says what ``subject`` is: ``identity`` (an identity id), ``role`` (a role ARN) or
    ``identity-pool`` (an identity pool id).
    """

    kind: str
    subject: str
    not_before_ms: int


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One event in the transactional outbox, written in the transaction of the change it tells.

    ``body`` is the whole CloudEvent (structured JSON), fixed when written; ``partition_key``
    orders delivery (a user's events in the order they were written: ``<pool id>/<sub>``);
    ``seq`` is the database's, unknown (0) until written.
    """

    id: str
    partition_key: str
    type: str
    body: str
    created_ms: int
    seq: int = 0

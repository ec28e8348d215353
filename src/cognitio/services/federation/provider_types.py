"""Cognito's identity provider types: the ProviderDetails each takes, which of them are secret,
and the keys Cognito adds to each type's details when it shows them.

Sources: botocore's ``cognito-idp`` model (CreateIdentityProvider's ProviderDetails member and
its per-type examples) and the developer guide's pages on social, OIDC and SAML IdPs
(``cognito-user-pools-social-idp``, ``cognito-user-pools-oidc-idp``,
``cognito-user-pools-saml-idp``). All values are strings; flags are ``"true"``/``"false"``.
Social providers are named after their type, so a pool has at most one of each.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from cognitio.errors import InvalidParameterException

SAML = "SAML"
OIDC = "OIDC"
SOCIAL_TYPES = ("Google", "Facebook", "LoginWithAmazon", "SignInWithApple")
# The username Cognito gives a federated user comes from this claim, whatever the mapping says.
USERNAME_CLAIMS = {
    "Google": "sub",
    "Facebook": "id",
    "LoginWithAmazon": "user_id",
    "SignInWithApple": "sub",
    OIDC: "sub",
    SAML: "NameID",
}
# Facebook's Graph API version when the details name none.
DEFAULT_FACEBOOK_API_VERSION = "v17.0"
_API_VERSION = re.compile(r"v\d{1,3}\.\d{1,3}")
_FLAGS = ("IDPSignout", "IDPInit", "EncryptedResponses")


@dataclass(frozen=True, slots=True)
class ProviderKind:
    """One ProviderType's ProviderDetails: what the caller sends, what Cognito adds."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    # Sealed at rest; ``hidden`` ones are never shown again (Apple's private key).
    secrets: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()
    # Keys Cognito adds, read-only: accepted on input (clients send Describe's output back)
    # and replaced by their own values.
    added: tuple[str, ...] = ()


_SOCIAL_ADDED = (
    "authorize_url",
    "token_url",
    "token_request_method",
    "attributes_url",
    "attributes_url_add_attributes",
    "oidc_issuer",
)
KINDS: Mapping[str, ProviderKind] = {
    "Google": ProviderKind(
        "Google",
        ("client_id", "client_secret", "authorize_scopes"),
        secrets=("client_secret",),
        added=_SOCIAL_ADDED,
    ),
    "Facebook": ProviderKind(
        "Facebook",
        ("client_id", "client_secret", "authorize_scopes"),
        ("api_version",),
        secrets=("client_secret",),
        added=_SOCIAL_ADDED,
    ),
    "LoginWithAmazon": ProviderKind(
        "LoginWithAmazon",
        ("client_id", "client_secret", "authorize_scopes"),
        secrets=("client_secret",),
        added=_SOCIAL_ADDED,
    ),
    "SignInWithApple": ProviderKind(
        "SignInWithApple",
        ("client_id", "team_id", "key_id", "private_key", "authorize_scopes"),
        secrets=("private_key",),
        hidden=("private_key",),
        added=_SOCIAL_ADDED,
    ),
    OIDC: ProviderKind(
        OIDC,
        ("client_id", "authorize_scopes", "attributes_request_method", "oidc_issuer"),
        ("client_secret", "authorize_url", "token_url", "attributes_url", "jwks_uri"),
        secrets=("client_secret",),
        added=("attributes_url_add_attributes",),
    ),
    SAML: ProviderKind(
        SAML,
        (),
        ("MetadataFile", "MetadataURL", *_FLAGS, "RequestSigningAlgorithm"),
        added=("SSORedirectBindingURI", "SLORedirectBindingURI", "ActiveEncryptionCertificate"),
    ),
}

# Each social type's fixed endpoints, as Cognito shows them ({v}: Facebook's api_version).
_FIXED: Mapping[str, Mapping[str, str]] = {
    "Google": {
        "authorize_url": "https://accounts.google.com/o/oauth2/v2/auth",
        "token_url": "https://www.googleapis.com/oauth2/v4/token",
        "token_request_method": "POST",
        "attributes_url": "https://people.googleapis.com/v1/people/me?personFields=",
        "attributes_url_add_attributes": "true",
        "oidc_issuer": "https://accounts.google.com",
    },
    "Facebook": {
        "authorize_url": "https://www.facebook.com/{v}/dialog/oauth",
        "token_url": "https://graph.facebook.com/{v}/oauth/access_token",
        "token_request_method": "GET",
        "attributes_url": "https://graph.facebook.com/{v}/me?fields=",
        "attributes_url_add_attributes": "true",
    },
    "LoginWithAmazon": {
        "authorize_url": "https://www.amazon.com/ap/oa",
        "token_url": "https://api.amazon.com/auth/o2/token",
        "token_request_method": "POST",
        "attributes_url": "https://api.amazon.com/user/profile",
        "attributes_url_add_attributes": "false",
    },
    "SignInWithApple": {
        "authorize_url": "https://appleid.apple.com/auth/authorize",
        "token_url": "https://appleid.apple.com/auth/token",
        "token_request_method": "POST",
        "oidc_issuer": "https://appleid.apple.com",
        "attributes_url_add_attributes": "false",
    },
    OIDC: {"attributes_url_add_attributes": "false"},
}
_URL_KEYS = frozenset({"authorize_url", "token_url", "attributes_url", "oidc_issuer"})
# Fixed endpoints a sign-in uses that Cognito does not show: the keys of the ID tokens.
_SIGN_IN_FIXED: Mapping[str, Mapping[str, str]] = {
    "Google": {"jwks_uri": "https://www.googleapis.com/oauth2/v3/certs"},
    "SignInWithApple": {"jwks_uri": "https://appleid.apple.com/auth/keys"},
}


@dataclass(frozen=True, slots=True)
class FederationEndpoints:
    """The server's federation settings: social base URLs replaced for local stand-ins, and
    whether http, loopback and odd ports are allowed for issuers and metadata URLs."""

    # ProviderType -> base URL that replaces the scheme and host of its fixed endpoints.
    overrides: Mapping[str, str]
    allow_insecure: bool = False

    def url(self, provider_type: str, real: str) -> str:
        """``real``, or the same path and query on the configured stand-in."""
        base = self.overrides.get(provider_type)
        if base is None:
            return real
        parts = urlsplit(real)
        return base + parts.path + (f"?{parts.query}" if parts.query else "")


def kind_of(provider_type: str) -> ProviderKind:
    kind = KINDS.get(provider_type)
    if kind is None:
        raise InvalidParameterException(f"Provider type {provider_type} is not supported.")
    return kind


def check_name(name: str, provider_type: str) -> None:
    """Social providers carry their type's name; no other provider may take one of those."""
    reserved = (*SOCIAL_TYPES, "COGNITO")
    if (provider_type in SOCIAL_TYPES and name != provider_type) or (
        provider_type not in SOCIAL_TYPES and name in reserved
    ):
        raise InvalidParameterException(f"Provider {name} cannot be of type {provider_type}")


def split_details(
    kind: ProviderKind, details: Mapping[str, str], endpoints: FederationEndpoints
) -> tuple[dict[str, str], dict[str, str]]:
    """Checked ProviderDetails as (plain members, secret members); the keys Cognito adds
    itself are dropped, to be made again when shown."""
    known = set(kind.required) | set(kind.optional) | set(kind.secrets) | set(kind.added)
    for key in details:
        if key not in known:
            raise InvalidParameterException(
                f"{key} is not a valid ProviderDetails key for provider type {kind.name}."
            )
    for key in kind.required:
        if not details.get(key, "").strip():
            raise InvalidParameterException(
                f"{key} is required in ProviderDetails for provider type {kind.name}."
            )
    given = {k: v for k, v in details.items() if k not in kind.added}
    _CHECKS.get(kind.name, _no_check)(given, endpoints)
    plain = {k: v for k, v in given.items() if k not in kind.secrets}
    secrets = {k: v for k, v in given.items() if k in kind.secrets}
    return plain, secrets


def shown_details(
    provider_type: str,
    plain: Mapping[str, str],
    secrets: Mapping[str, str],
    endpoints: FederationEndpoints,
) -> dict[str, str]:
    """ProviderDetails as Describe shows them: what was given (but hidden secrets) and the
    keys Cognito adds for the type, with the server's endpoint overrides applied."""
    kind = kind_of(provider_type)
    shown = dict(plain)
    shown.update({k: v for k, v in secrets.items() if k not in kind.hidden})
    version = plain.get("api_version", DEFAULT_FACEBOOK_API_VERSION)
    for key, value in _FIXED.get(provider_type, {}).items():
        value = value.replace("{v}", version)
        shown[key] = endpoints.url(provider_type, value) if key in _URL_KEYS else value
    return shown


def sign_in_details(
    provider_type: str,
    plain: Mapping[str, str],
    secrets: Mapping[str, str],
    endpoints: FederationEndpoints,
) -> dict[str, str]:
    """Every detail a sign-in needs: those shown, the hidden secrets, and the fixed endpoints
    Cognito does not show, all with the server's endpoint overrides applied (so a stand-in
    serves a social provider's keys as well as its other endpoints)."""
    details = shown_details(provider_type, plain, {}, endpoints)
    for key, value in _SIGN_IN_FIXED.get(provider_type, {}).items():
        details[key] = endpoints.url(provider_type, value)
    details.update(secrets)
    return details


def check_url(url: str, what: str, endpoints: FederationEndpoints, *, issuer: bool = False) -> None:
    """An endpoint the server will call: https on 443 (or 80) and not loopback, unless the
    operator allows insecure endpoints; an issuer has no trailing slash."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.fragment:
        raise InvalidParameterException(f"{what} must be an absolute https URL.")
    if issuer and url.endswith("/"):
        raise InvalidParameterException(f"{what} must not end with a slash.")
    if endpoints.allow_insecure:
        return
    try:
        port = parts.port
    except ValueError:
        raise InvalidParameterException(f"{what} has an invalid port.") from None
    if parts.scheme != "https" or port not in (None, 443, 80) or _local(parts.hostname):
        raise InvalidParameterException(
            f"{what} must be an https URL on port 443 of a public host."
        )


def _local(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not address.is_global


def _no_check(details: dict[str, str], endpoints: FederationEndpoints) -> None:
    return None


def _facebook(details: dict[str, str], endpoints: FederationEndpoints) -> None:
    version = details.get("api_version")
    if version is not None and not _API_VERSION.fullmatch(version):
        raise InvalidParameterException("api_version must look like v17.0.")


def _apple(details: dict[str, str], endpoints: FederationEndpoints) -> None:
    try:
        key = load_pem_private_key(details["private_key"].encode(), password=None)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, EllipticCurvePrivateKey):
        raise InvalidParameterException(
            "private_key must be the PEM text of the EC private key (.p8) Apple issued."
        )


def _oidc(details: dict[str, str], endpoints: FederationEndpoints) -> None:
    check_url(details["oidc_issuer"], "oidc_issuer", endpoints, issuer=True)
    for key in ("authorize_url", "token_url", "attributes_url", "jwks_uri"):
        if key in details:
            check_url(details[key], key, endpoints)
    if details["attributes_request_method"] not in ("GET", "POST"):
        raise InvalidParameterException("attributes_request_method must be GET or POST.")
    if "openid" not in details["authorize_scopes"].split():
        raise InvalidParameterException("authorize_scopes must include openid.")


def _saml(details: dict[str, str], endpoints: FederationEndpoints) -> None:
    if ("MetadataFile" in details) == ("MetadataURL" in details):
        raise InvalidParameterException(
            "Exactly one of MetadataFile and MetadataURL is required in ProviderDetails for "
            "provider type SAML."
        )
    if "MetadataURL" in details:
        check_url(details["MetadataURL"], "MetadataURL", endpoints)
    for flag in _FLAGS:
        if details.get(flag, "false") not in ("true", "false"):
            raise InvalidParameterException(f"{flag} must be true or false.")
    if details.get("RequestSigningAlgorithm", "rsa-sha256") != "rsa-sha256":
        raise InvalidParameterException("RequestSigningAlgorithm must be rsa-sha256.")


_CHECKS = {"Facebook": _facebook, "SignInWithApple": _apple, OIDC: _oidc, SAML: _saml}

"""The OIDC and SAML identity providers of the configuration's ``[iam]`` table: there is no IAM
beside a self-hosted server, so the providers an identity pool names by ARN in
OpenIdConnectProviderARNs and SamlProviderARNs are declared here, checked at start.

``[[iam.oidc_providers]]`` (IAM's CreateOpenIDConnectProvider): ``url``, the issuer exactly as
its discovery document names it (https; http and loopback only with
``federation_allow_insecure``), ``client_ids`` (1-100 audiences), and optional ``thumbprints``
(up to 5 SHA-1 hex digests, checked for form and kept, as IAM does; Cognitio checks the
provider's TLS certificate against the system's trusted CAs instead, as AWS now does for
providers whose certificates chain to a trusted root). Its ARN is
``arn:aws:iam::<account>:oidc-provider/<host[:port][/path]>`` and its ``Logins`` key the same
host and path.

``[[iam.saml_providers]]`` (IAM's CreateSAMLProvider): ``name`` and exactly one of
``metadata_file`` (relative to the configuration file) or ``metadata`` (the XML itself). Its
ARN is ``arn:aws:iam::<account>:saml-provider/<name>``, which is also its ``Logins`` key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from cognitio.errors import InvalidParameterException
from cognitio.services.federation.saml_metadata import IdpMetadata, parse_metadata
from cognitio.services.iam.roles import read_beside

_OIDC_KEYS = frozenset({"url", "client_ids", "thumbprints"})
_SAML_KEYS = frozenset({"name", "metadata", "metadata_file"})
_SAML_NAME = re.compile(r"^[\w.-]{1,128}$")
_THUMBPRINT = re.compile(r"^[0-9a-fA-F]{40}$")
MAX_CLIENT_IDS = 100  # IAM's quota of client IDs per OIDC provider
MAX_THUMBPRINTS = 5


class IamProviderError(ValueError):
    """A provider in the configuration file that cannot be used; the message names it."""


@dataclass(frozen=True, slots=True)
class OidcProvider:
    """An IAM OIDC provider: its issuer, the audiences it accepts, and its ARN."""

    arn: str
    issuer: str
    client_ids: tuple[str, ...]
    thumbprints: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The ``Logins`` key: the issuer without its scheme (``host[:port][/path]``)."""
        return issuer_key(self.issuer)


@dataclass(frozen=True, slots=True)
class SamlProvider:
    """An IAM SAML provider: its name, ARN and the IdP's metadata."""

    arn: str
    name: str
    metadata: IdpMetadata


@dataclass(frozen=True, slots=True)
class IamProviders:
    """Every provider the ``[iam]`` table declares, by ARN."""

    oidc: Mapping[str, OidcProvider]
    saml: Mapping[str, SamlProvider]

    @classmethod
    def none(cls) -> IamProviders:
        return cls({}, {})

    def oidc_by_key(self, key: str) -> OidcProvider | None:
        """The OIDC provider whose ``Logins`` key is ``key``."""
        return next((p for p in self.oidc.values() if p.key == key), None)


def issuer_key(issuer: str) -> str:
    """An issuer URL without its scheme and trailing slash, as IAM names OIDC providers."""
    return re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://", "", issuer).rstrip("/")


def parse_providers(
    table: Mapping[str, object], *, base_dir: Path, account_id: str, allow_insecure: bool
) -> IamProviders:
    """The ``[iam]`` table's OIDC and SAML providers, checked; IamProviderError names the entry
    and what is wrong."""
    oidc: dict[str, OidcProvider] = {}
    for index, entry in enumerate(_entries(table, "oidc_providers"), start=1):
        provider = _oidc(f"iam.oidc_providers[{index}]", entry, account_id, allow_insecure)
        if provider.arn in oidc:
            raise IamProviderError(
                f"iam.oidc_providers[{index}]: {provider.issuer} is declared twice"
            )
        oidc[provider.arn] = provider
    saml: dict[str, SamlProvider] = {}
    for index, entry in enumerate(_entries(table, "saml_providers"), start=1):
        found = _saml(f"iam.saml_providers[{index}]", entry, base_dir, account_id)
        if found.arn.lower() in {arn.lower() for arn in saml}:
            raise IamProviderError(
                f"iam.saml_providers[{index}]: a provider named {found.name} is declared twice"
            )
        saml[found.arn] = found
    return IamProviders(oidc, saml)


def _entries(table: Mapping[str, object], name: str) -> list[object]:
    entries = table.get(name, [])
    if not isinstance(entries, list):
        raise IamProviderError(f"iam.{name}: must be an array of tables ([[iam.{name}]])")
    return entries


def _oidc(where: str, entry: object, account_id: str, allow_insecure: bool) -> OidcProvider:
    if not isinstance(entry, Mapping):
        raise IamProviderError(f"{where}: must be a table")
    unknown = sorted(set(entry) - _OIDC_KEYS)
    if unknown:
        raise IamProviderError(f"{where}: unknown key {unknown[0]!r}")
    url = entry.get("url")
    if not isinstance(url, str):
        raise IamProviderError(f"{where}: url (the issuer) is required")
    parts = urlsplit(url)
    schemes = ("https", "http") if allow_insecure else ("https",)
    if (
        parts.scheme not in schemes
        or not parts.hostname
        or parts.query
        or parts.fragment
        or "@" in parts.netloc
        or len(url) > 255
    ):
        raise IamProviderError(
            f"{where}: url must be an https URL of at most 255 characters without a query, "
            f"not {url!r} (http only with federation_allow_insecure)"
        )
    client_ids = entry.get("client_ids")
    if (
        not isinstance(client_ids, list)
        or not 1 <= len(client_ids) <= MAX_CLIENT_IDS
        or not all(isinstance(c, str) and 1 <= len(c) <= 255 for c in client_ids)
    ):
        raise IamProviderError(
            f"{where}: client_ids must be 1 to {MAX_CLIENT_IDS} strings of 1-255 characters"
        )
    thumbprints = entry.get("thumbprints", [])
    if (
        not isinstance(thumbprints, list)
        or len(thumbprints) > MAX_THUMBPRINTS
        or not all(isinstance(t, str) and _THUMBPRINT.match(t) for t in thumbprints)
    ):
        raise IamProviderError(
            f"{where}: thumbprints must be at most {MAX_THUMBPRINTS} SHA-1 digests "
            "(40 hexadecimal characters)"
        )
    # Kept as written: discovery must name exactly this issuer (Auth0's ends with a slash);
    # the ARN and the Logins key leave the slash out, as IAM does.
    return OidcProvider(
        arn=f"arn:aws:iam::{account_id}:oidc-provider/{issuer_key(url)}",
        issuer=url,
        client_ids=tuple(client_ids),
        thumbprints=tuple(t.lower() for t in thumbprints),
    )


def _saml(where: str, entry: object, base_dir: Path, account_id: str) -> SamlProvider:
    if not isinstance(entry, Mapping):
        raise IamProviderError(f"{where}: must be a table")
    unknown = sorted(set(entry) - _SAML_KEYS)
    if unknown:
        raise IamProviderError(f"{where}: unknown key {unknown[0]!r}")
    name = entry.get("name")
    if not isinstance(name, str) or not _SAML_NAME.match(name):
        raise IamProviderError(f"{where}: name must be 1-128 letters, digits and ._-")
    where = f"{where} ({name})"
    if ("metadata" in entry) == ("metadata_file" in entry):
        raise IamProviderError(f"{where}: needs exactly one of metadata and metadata_file")
    text = entry.get("metadata")
    if "metadata_file" in entry:
        text = read_beside(
            where,
            entry["metadata_file"],
            base_dir,
            member="metadata_file",
            error=IamProviderError,
        )
    if not isinstance(text, str):
        raise IamProviderError(f"{where}: metadata must be the XML text")
    try:
        metadata = parse_metadata(text)
    except InvalidParameterException as error:
        raise IamProviderError(f"{where}: {error.message}") from None
    if not metadata.signing_certificates:
        raise IamProviderError(f"{where}: the metadata names no signing certificate")
    return SamlProvider(f"arn:aws:iam::{account_id}:saml-provider/{name}", name, metadata)

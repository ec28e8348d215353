"""A pool's identity providers: Create/Describe/Update/Delete/ListIdentityProviders,
GetIdentityProviderByIdentifier and GetSigningCertificate.

From the API reference of those operations and the developer guide's IdP pages: a provider's
name is unique in its pool, and so is each of its IdpIdentifiers; a pool has at most 300
providers; ProviderDetails are checked per type (:mod:`.provider_types`), SAML metadata is read
at once (:mod:`.saml_metadata`); AttributeMapping names the pool's own mutable attributes.
A MetadataURL is read again while the provider is in use (:mod:`.metadata_refresh`).
Secrets (client_secret, Apple's private_key, a SAML provider's decryption key) are sealed at
rest; Describe shows client_secret again, as Cognito does, and never Apple's private key.
Deleting a provider takes its name out of the app clients that listed it.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import orjson
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from cognitio.crypto.envelope import Envelope
from cognitio.documents import JsonArray, texts_member
from cognitio.errors import (
    ConcurrentModificationException,
    DuplicateProviderException,
    InvalidParameterException,
    LimitExceededException,
    ResourceNotFoundException,
)
from cognitio.services.common import ids, pagination
from cognitio.services.common.pages import Page
from cognitio.services.federation import provider_types as types
from cognitio.services.federation.attribute_mapping import SERVER_KEPT
from cognitio.services.federation.metadata_refresh import MetadataRefresh
from cognitio.services.federation.saml.parties import (
    SamlIdentityProvider,
    SamlKeyPair,
    SamlServiceProvider,
)
from cognitio.services.federation.saml_metadata import fetch_metadata, parse_metadata
from cognitio.services.pools.settings import pool_settings
from cognitio.services.pools.user_pools import Caller, load_pool
from cognitio.store.records import (
    IdentityProviderRecord,
    SamlCertificateRecord,
    UserPoolRecord,
)
from cognitio.store.repositories import Store, Transaction

MAX_PROVIDERS_PER_POOL = 300
DEFAULT_LIMIT = 60
_CERTIFICATE_YEARS = 10
_DECRYPTION_KEY = "encryption_private_key"  # a SAML provider's, sealed, never shown


@dataclass(frozen=True, slots=True)
class ProviderSettings:
    """CreateIdentityProvider's and UpdateIdentityProvider's input; on update, None leaves a
    member as it is (and ProviderDetails are merged into the stored ones)."""

    pool_id: str
    name: str
    provider_type: str | None = None
    details: Mapping[str, str] | None = field(default=None, repr=False)
    attribute_mapping: Mapping[str, str] | None = None
    identifiers: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class IdentityProvider:
    """A provider as the operations show it: the record and its ProviderDetails, secrets
    that Cognito shows included."""

    record: IdentityProviderRecord
    details: dict[str, str] = field(repr=False)


@dataclass(frozen=True, slots=True)
class OfferedProvider:
    """A provider as the sign-in page offers it: its name and type, whether it has
    IdpIdentifiers (so an email domain can reach it), and the URL the browser is sent to when
    it is known without asking the network (a SAML provider's SSO URL)."""

    name: str
    type: str
    has_identifiers: bool
    sign_in_url: str | None


class IdentityProviders:
    """The identity provider operations of the pools."""

    def __init__(
        self,
        store: Store,
        envelope: Envelope,
        endpoints: types.FederationEndpoints,
        refresh: MetadataRefresh | None = None,
    ) -> None:
        self._store = store
        self._envelope = envelope
        self._endpoints = endpoints
        self._refresh = refresh or MetadataRefresh(
            store, 6 * 3600, allow_insecure=endpoints.allow_insecure
        )

    async def close(self) -> None:
        """Stop the metadata refreshes under way (at shutdown)."""
        await self._refresh.close()

    async def create(self, caller: Caller, command: ProviderSettings) -> IdentityProvider:
        """CreateIdentityProvider."""
        provider_type = command.provider_type or ""
        kind = types.kind_of(provider_type)
        types.check_name(command.name, provider_type)
        plain, secrets = types.split_details(kind, command.details or {}, self._endpoints)
        metadata_xml = await self._saml(kind, plain, secrets, None, command.pool_id)
        identifiers = _identifiers(command.identifiers or ())
        now = ids.now_ms()
        provider_id = str(uuid.uuid4())
        async with self._store.write() as tx:
            # Held until commit, so two creations cannot both pass the count below.
            pool = await load_pool(tx, caller, command.pool_id, for_update=True)
            mapping = _mapping(pool, provider_type, command.attribute_mapping or {})
            if await tx.identity_providers.count(pool.id) >= MAX_PROVIDERS_PER_POOL:
                raise LimitExceededException(
                    f"A user pool can have at most {MAX_PROVIDERS_PER_POOL} identity providers."
                )
            record = IdentityProviderRecord(
                pool_id=pool.id,
                name=command.name,
                id=provider_id,
                type=provider_type,
                details=plain,
                secrets_sealed=self._seal(provider_id, secrets),
                attribute_mapping=mapping,
                identifiers=identifiers,
                metadata_xml=metadata_xml,
                created_ms=now,
                updated_ms=now,
                metadata_fetched_ms=_fetched(plain, self._refresh.now()),
                metadata_tried_ms=_fetched(plain, self._refresh.now()),
            )
            if not await tx.identity_providers.insert(record):
                raise DuplicateProviderException(
                    f"A provider with the name {command.name} already exists in this user pool."
                )
            await _claim(tx, record)
        return self._shown(record)

    async def describe(self, caller: Caller, pool_id: str, name: str) -> IdentityProvider:
        """DescribeIdentityProvider."""
        async with self._store.read() as tx:
            pool = await load_pool(tx, caller, pool_id)
            return self._shown(await _find(tx, pool, name))

    async def name_by_identifier(self, pool_id: str, identifier: str) -> str | None:
        """The provider an ``idp_identifier`` routes to: the identifier itself, or the domain
        of an email address."""
        candidates = [identifier]
        if "@" in identifier:
            candidates.append(identifier.rsplit("@", 1)[1])
        async with self._store.read() as tx:
            for candidate in candidates:
                record = await tx.identity_providers.by_identifier(pool_id, candidate)
                if record is not None:
                    return record.name
        return None

    async def offered(self, pool_id: str, names: tuple[str, ...]) -> list[OfferedProvider]:
        """The providers among ``names`` (an app client's SupportedIdentityProviders) that the
        pool has, in the client's order; COGNITO and unknown names are left out."""
        found: list[OfferedProvider] = []
        async with self._store.read() as tx:
            for name in dict.fromkeys(names):
                if name == "COGNITO":
                    continue
                record = await tx.identity_providers.get(pool_id, name)
                if record is None:
                    continue
                url = record.details.get("SSORedirectBindingURI") or None
                has_identifiers = bool(record.identifiers)
                found.append(OfferedProvider(record.name, record.type, has_identifiers, url))
        return found

    async def signing_in(self, pool_id: str, name: str) -> IdentityProvider | None:
        """The provider with every detail a sign-in needs, the secrets Describe hides
        included; None when the pool has no such provider."""
        async with self._store.read() as tx:
            record = await tx.identity_providers.get(pool_id, name)
        if record is None:
            return None
        self._refresh.start_if_due(record)
        details = types.sign_in_details(
            record.type, record.details, self._secrets(record), self._endpoints
        )
        return IdentityProvider(record, details)

    async def by_identifier(
        self, caller: Caller, pool_id: str, identifier: str
    ) -> IdentityProvider:
        """GetIdentityProviderByIdentifier."""
        async with self._store.read() as tx:
            pool = await load_pool(tx, caller, pool_id)
            record = await tx.identity_providers.by_identifier(pool.id, identifier)
        if record is None:
            raise ResourceNotFoundException(
                f"Identity provider with identifier {identifier} does not exist."
            )
        return self._shown(record)

    async def update(self, caller: Caller, command: ProviderSettings) -> IdentityProvider:
        """UpdateIdentityProvider: ProviderDetails merge into the stored ones; the type stays."""
        async with self._store.read() as tx:
            pool = await load_pool(tx, caller, command.pool_id)
            before = await _find(tx, pool, command.name)
        kind = types.kind_of(before.type)
        merged = {**before.details, **self._secrets(before)}
        merged.pop(_DECRYPTION_KEY, None)
        given = dict(command.details or {})
        for one, other in (("MetadataFile", "MetadataURL"), ("MetadataURL", "MetadataFile")):
            if one in given:
                merged.pop(other, None)
        merged.update(given)
        merged = {k: v for k, v in merged.items() if k not in kind.added}
        plain, secrets = types.split_details(kind, merged, self._endpoints)
        new_metadata = "MetadataFile" in given or "MetadataURL" in given
        metadata_xml = await self._saml(
            kind, plain, secrets, before, command.pool_id, new_metadata=new_metadata
        )
        identifiers = (
            before.identifiers if command.identifiers is None else _identifiers(command.identifiers)
        )
        now = ids.now_ms()
        async with self._store.write() as tx:
            pool = await load_pool(tx, caller, command.pool_id)
            # Locked: the check below and the write are one step against a racing update or
            # metadata refresh on another node.
            current = await _find(tx, pool, command.name, for_update=True)
            if current.updated_ms != before.updated_ms:
                raise ConcurrentModificationException(
                    f"Identity provider {command.name} is being modified by another request; "
                    "try again."
                )
            mapping = (
                current.attribute_mapping
                if command.attribute_mapping is None
                else _mapping(pool, current.type, command.attribute_mapping)
            )
            record = replace(
                current,
                details=plain,
                secrets_sealed=self._seal(current.id, secrets),
                attribute_mapping=mapping,
                identifiers=identifiers,
                metadata_xml=metadata_xml,
                updated_ms=max(now, current.updated_ms + 1),
            )
            if new_metadata:
                read_ms = self._refresh.now()
                record = replace(
                    record,
                    metadata_fetched_ms=_fetched(plain, read_ms),
                    metadata_tried_ms=_fetched(plain, read_ms),
                )
            await tx.identity_providers.update(record)
            await _claim(tx, record)
        return self._shown(record)

    async def delete(self, caller: Caller, pool_id: str, name: str) -> None:
        """DeleteIdentityProvider; the app clients that listed it list it no more."""
        async with self._store.write() as tx:
            pool = await load_pool(tx, caller, pool_id, for_update=True)
            if not await tx.identity_providers.delete(pool.id, name):
                raise _not_found(name)
            await _unlist(tx, pool.id, name)

    async def list_providers(
        self, caller: Caller, pool_id: str, limit: int | None, token: str | None
    ) -> Page[IdentityProviderRecord]:
        """ListIdentityProviders: the pool's providers by name."""
        cursor = pagination.decode(token)
        size = limit or DEFAULT_LIMIT
        async with self._store.read() as tx:
            pool = await load_pool(tx, caller, pool_id)
            rows = await tx.identity_providers.page(
                pool.id, None if cursor is None else cursor[1], size + 1
            )
        if len(rows) > size:
            return Page(tuple(rows[:size]), pagination.encode((0, rows[size - 1].name)))
        return Page(tuple(rows))

    async def signing_certificate(self, caller: Caller, pool_id: str) -> str:
        """GetSigningCertificate: the pool's SAML request-signing certificate (base64 DER),
        made on first need and the same on every node."""
        async with self._store.read() as tx:
            pool = await load_pool(tx, caller, pool_id)
        return (await self._pool_signing(pool.id)).certificate

    async def saml_parties(
        self, provider: IdentityProvider, base_url: str
    ) -> tuple[SamlIdentityProvider, SamlServiceProvider]:
        """A SAML provider's two sides for a sign-in: the IdP as its metadata and details
        describe it, and the pool with its signing key and the provider's decryption key."""
        record = provider.record
        metadata = parse_metadata(record.metadata_xml or "")
        details = provider.details
        idp = SamlIdentityProvider(
            entity_id=metadata.entity_id,
            sso_redirect_url=metadata.sso_redirect_url,
            signing_certificates=tuple(_pem(c) for c in metadata.signing_certificates),
            slo_redirect_url=metadata.slo_redirect_url,
            idp_init=details.get("IDPInit") == "true",
            encryption_required=details.get("EncryptedResponses") == "true",
            idp_signout=details.get("IDPSignout") == "true",
        )
        stored = await self._pool_signing(record.pool_id)
        signing = SamlKeyPair(
            private_key_pem=self._envelope.open(
                stored.private_sealed, f"saml-signing-key:{record.pool_id}"
            ).decode(),
            certificate_pem=_pem(stored.certificate),
        )
        decryption: tuple[SamlKeyPair, ...] = ()
        key = details.get(_DECRYPTION_KEY)
        certificate = details.get("ActiveEncryptionCertificate")
        if key and certificate:
            decryption = (SamlKeyPair(key, _pem(certificate)),)
        sp = SamlServiceProvider(record.pool_id, base_url, signing, decryption)
        return idp, sp

    async def _pool_signing(self, pool_id: str) -> SamlCertificateRecord:
        """The pool's signing certificate and sealed key, made on first need."""
        async with self._store.read() as tx:
            stored = await tx.identity_providers.signing_certificate(pool_id)
        if stored is None:
            key_pem, certificate = _self_signed(f"urn:amazon:cognito:sp:{pool_id}")
            record = SamlCertificateRecord(
                pool_id=pool_id,
                certificate=certificate,
                private_sealed=self._envelope.seal(key_pem, f"saml-signing-key:{pool_id}"),
                created_ms=ids.now_ms(),
            )
            async with self._store.write() as tx:
                if not await tx.identity_providers.insert_signing_certificate(record):
                    stored = await tx.identity_providers.signing_certificate(pool_id)
            stored = stored or record
        return stored

    async def _saml(
        self,
        kind: types.ProviderKind,
        plain: dict[str, str],
        secrets: dict[str, str],
        before: IdentityProviderRecord | None,
        pool_id: str,
        *,
        new_metadata: bool = True,
    ) -> str | None:
        """For a SAML provider: read its metadata (``before``'s, unless ``new_metadata``)
        into the details, and make or keep (``before``'s) its decryption key; the metadata to
        store."""
        if kind.name != types.SAML:
            return None
        if not new_metadata and before is not None and before.metadata_xml is not None:
            text = before.metadata_xml
        elif "MetadataFile" in plain:
            text = plain["MetadataFile"]
        else:
            text = await fetch_metadata(
                plain["MetadataURL"], allow_insecure=self._endpoints.allow_insecure
            )
        metadata = parse_metadata(text)
        plain["SSORedirectBindingURI"] = metadata.sso_redirect_url
        if metadata.slo_redirect_url is not None:
            plain["SLORedirectBindingURI"] = metadata.slo_redirect_url
        if plain.get("EncryptedResponses") == "true":
            kept = {} if before is None else self._secrets(before)
            shown = {} if before is None else before.details
            if _DECRYPTION_KEY in kept and "ActiveEncryptionCertificate" in shown:
                secrets[_DECRYPTION_KEY] = kept[_DECRYPTION_KEY]
                plain["ActiveEncryptionCertificate"] = shown["ActiveEncryptionCertificate"]
            else:
                key_pem, certificate = _self_signed(f"urn:amazon:cognito:sp:{pool_id}")
                secrets[_DECRYPTION_KEY] = key_pem.decode()
                plain["ActiveEncryptionCertificate"] = certificate
        return text

    def _seal(self, provider_id: str, secrets: Mapping[str, str]) -> bytes | None:
        if not secrets:
            return None
        return self._envelope.seal(orjson.dumps(dict(secrets)), f"idp-secrets:{provider_id}")

    def _secrets(self, record: IdentityProviderRecord) -> dict[str, str]:
        if record.secrets_sealed is None:
            return {}
        opened = orjson.loads(
            self._envelope.open(record.secrets_sealed, f"idp-secrets:{record.id}")
        )
        return {str(k): str(v) for k, v in opened.items()}

    def _shown(self, record: IdentityProviderRecord) -> IdentityProvider:
        kind = types.kind_of(record.type)
        secrets = {k: v for k, v in self._secrets(record).items() if k in kind.secrets}
        details = types.shown_details(record.type, record.details, secrets, self._endpoints)
        return IdentityProvider(record, details)


def _fetched(plain: Mapping[str, str], now: int) -> int | None:
    """When a SAML provider's metadata was read from its MetadataURL: now; None for a
    MetadataFile (and the other types), which nothing reads again."""
    return now if "MetadataURL" in plain else None


def _not_found(name: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"Identity provider {name} does not exist.")


async def _find(
    tx: Transaction, pool: UserPoolRecord, name: str, *, for_update: bool = False
) -> IdentityProviderRecord:
    record = await tx.identity_providers.get(pool.id, name, for_update=for_update)
    if record is None:
        raise _not_found(name)
    return record


async def _claim(tx: Transaction, record: IdentityProviderRecord) -> None:
    if not await tx.identity_providers.claim_identifiers(
        record.pool_id, record.name, record.identifiers
    ):
        raise DuplicateProviderException(
            "One of the IdpIdentifiers is already used by another identity provider of this "
            "user pool."
        )


def _identifiers(given: tuple[str, ...]) -> list[str]:
    if len(set(given)) != len(given):
        raise InvalidParameterException("IdpIdentifiers must be unique.")
    return list(given)


def _mapping(pool: UserPoolRecord, provider_type: str, given: Mapping[str, str]) -> dict[str, str]:
    """AttributeMapping checked against the pool's schema; ``username`` always maps from the
    type's own user id (Cognito ignores any other choice)."""
    schema = pool_settings(pool).schema_by_name
    for attribute in given:
        if attribute == "username":
            continue
        if attribute in SERVER_KEPT:
            raise InvalidParameterException(
                f"Attribute {attribute} in AttributeMapping is kept by the user pool; "
                "an identity provider cannot write it."
            )
        entry = schema.get(attribute)
        if entry is None:
            raise InvalidParameterException(
                f"Attribute {attribute} in AttributeMapping is not an attribute of the user pool."
            )
        if not entry.get("Mutable"):
            raise InvalidParameterException(
                f"Attribute {attribute} in AttributeMapping is not mutable; federated sign-in "
                "rewrites mapped attributes on every sign-in."
            )
    mapping = dict(given)
    mapping["username"] = types.USERNAME_CLAIMS[provider_type]
    return mapping


async def _unlist(tx: Transaction, pool_id: str, name: str) -> None:
    """Take ``name`` out of SupportedIdentityProviders of each of the pool's app clients."""
    after = None
    while True:
        clients = await tx.clients.list(pool_id, after, 100)
        for client in clients:
            listed = texts_member(client.config, "SupportedIdentityProviders")
            if name not in listed:
                continue
            remaining: JsonArray = [p for p in listed if p != name]
            config = {**client.config, "SupportedIdentityProviders": remaining}
            changed = replace(client, config=config, version=client.version + 1)
            if not await tx.clients.update(changed):
                raise ConcurrentModificationException(
                    "An app client of the user pool changed meanwhile; try again."
                )
        if len(clients) < 100:
            return
        after = (clients[-1].created_ms, clients[-1].id)


def _pem(certificate: str) -> str:
    """A base64 DER certificate as PEM."""
    lines = [certificate[i : i + 64] for i in range(0, len(certificate), 64)]
    return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"


def _self_signed(common_name: str) -> tuple[bytes, str]:
    """A new RSA 2048 key (PKCS#8 PEM) and its self-signed certificate (base64 DER), valid
    for ten years."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365 * _CERTIFICATE_YEARS))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    der = certificate.public_bytes(serialization.Encoding.DER)
    return key_pem, base64.b64encode(der).decode()

"""Where sealed blobs live: what re-sealing under a new master key (``cognitio master-key
reseal``) walks through.

Each column's blobs are sealed with the context ``<purpose>:<row key>`` (the key-check row in
``meta`` with ``key-check`` alone), so a row's key is all a caller needs to open and re-seal it.
A new sealed column must be listed here, or rotation would leave it behind.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SealedColumn:
    """One column of sealed blobs: its purpose (the context prefix), table, key and column."""

    purpose: str
    table: str
    key: str
    column: str
    # A fixed context for a single-row column (the meta table's key check).
    only_key: str | None = None

    def context(self, key: str) -> str:
        return self.purpose if self.only_key is not None else f"{self.purpose}:{key}"


SEALED_COLUMNS = (
    SealedColumn("key-check", "meta", "key", "value", only_key="key_check"),
    SealedColumn("access-key", "access_keys", "access_key_id", "secret_sealed"),
    SealedColumn("client-secret", "user_pool_clients", "id", "secret_sealed"),
    SealedColumn("signing-key", "signing_keys", "kid", "private_sealed"),
    SealedColumn("issuer-key", "identity_issuer_keys", "kid", "private_sealed"),
    SealedColumn("srp", "users", "sub", "srp_sealed"),
    SealedColumn("totp", "user_mfa", "sub", "totp_sealed"),
    SealedColumn("totp", "user_mfa", "sub", "totp_pending_sealed"),
    SealedColumn("device", "devices", "device_key", "verifier_sealed"),
    SealedColumn("idp-secrets", "identity_providers", "id", "secrets_sealed"),
    SealedColumn("saml-signing-key", "saml_signing_certificates", "pool_id", "private_sealed"),
)

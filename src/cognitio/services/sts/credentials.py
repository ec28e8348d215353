"""Stateless temporary credentials: everything a verifier needs travels in the session token.

An identity pool hands out AWS-style credentials (``AccessKeyId``, ``SecretKey``,
``SessionToken``, ``Expiration``; Cognito's GetCredentialsForIdentity,
https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_Credentials.html). Nothing
about them is stored: the session token carries the claims sealed with AES-256-GCM (NIST
SP 800-38D), and the secret is recomputed from the access key id and the token's nonce::

    AccessKeyId   ASIA + 16 characters of base32 (A-Z, 2-7)
    SecretKey     base64(HMAC-SHA256(secret_key[kid], akid || nonce))[:40]
    SessionToken  CGN1.<kid>.<base64url(nonce(12) || AES-256-GCM(token_key[kid], claims,
                                                                 aad = CGN1.<kid>.<akid>))>

The access key id is bound as associated data, so a token opens only beside the key it was
minted with. Each key id (``kid``) has its two keys derived from the master key
(:meth:`Envelope.derive_key`); credentials are minted with the newest kid and opened with any
kid still accepted, so kids rotate without invalidating credentials in flight.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from cognitio.crypto.envelope import Envelope
from cognitio.services.sts.errors import ExpiredToken, InvalidToken

ACCESS_KEY_PREFIX = "ASIA"
TOKEN_PREFIX = "CGN1"  # noqa: S105 (a format marker, not a secret)
_NONCE_BYTES = 12
_SECRET_CHARS = 40
_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_ACCESS_KEY_ID = re.compile(r"ASIA[A-Z2-7]{16}")
KEY_ID_PATTERN = re.compile(r"[a-z0-9-]{1,32}")
_INVALID_TOKEN = "The provided token is malformed or otherwise invalid."  # noqa: S105
_EXPIRED_TOKEN = "The provided token has expired."  # noqa: S105


@dataclass(frozen=True, slots=True)
class SessionClaims:
    """Who a set of credentials speaks for: what a policy is evaluated against."""

    identity_id: str
    identity_pool_id: str
    role_arn: str
    session_name: str
    issued_at: datetime
    expires_at: datetime
    amr: tuple[str, ...] = ()
    # Principal tags come from a provider's claims (email, department...): kept out of reprs.
    principal_tags: Mapping[str, str] = field(default_factory=dict, repr=False)
    session_policy: str | None = None  # the id of a scope-down policy, e.g. for guests


@dataclass(frozen=True, slots=True)
class Credentials:
    """A minted set of credentials, as GetCredentialsForIdentity returns them."""

    access_key_id: str
    secret_key: str = field(repr=False)
    session_token: str = field(repr=False)
    expiration: datetime


@dataclass(frozen=True, slots=True)
class OpenedCredentials:
    """A session token that opened for its access key: the claims and the derived secret."""

    access_key_id: str
    key_id: str
    claims: SessionClaims
    secret_key: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class CredentialKey:
    """The two keys of one key id: one seals session tokens, the other derives secrets."""

    key_id: str
    token_key: bytes = field(repr=False)
    secret_key: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if not KEY_ID_PATTERN.fullmatch(self.key_id):
            raise ValueError("a credential key id is 1-32 of a-z, 0-9 and '-'")
        if len(self.token_key) != 32 or len(self.secret_key) != 32:
            raise ValueError("credential keys are 32 bytes")

    @classmethod
    def derive(cls, envelope: Envelope, key_id: str) -> CredentialKey:
        """The keys of ``key_id``, derived from the current master key (HKDF, one per use)."""
        return cls(
            key_id=key_id,
            token_key=envelope.derive_key(f"sts-credentials/{key_id}/session-token"),
            secret_key=envelope.derive_key(f"sts-credentials/{key_id}/secret-key"),
        )


class CredentialAuthority:
    """Mints credentials with the newest key id and opens those of any accepted key id."""

    def __init__(self, keys: Sequence[CredentialKey]) -> None:
        if not keys:
            raise ValueError("at least one credential key is needed")
        if len({key.key_id for key in keys}) != len(keys):
            raise ValueError("credential key ids must be distinct")
        self._current = keys[0]
        self._keys = {key.key_id: key for key in keys}
        self._aeads = {key.key_id: AESGCM(key.token_key) for key in keys}

    @classmethod
    def from_envelope(cls, envelope: Envelope, key_ids: Sequence[str]) -> CredentialAuthority:
        """The authority of ``key_ids`` (newest first), each derived from the master key."""
        return cls([CredentialKey.derive(envelope, key_id) for key_id in key_ids])

    def __repr__(self) -> str:
        return f"CredentialAuthority(key_ids={list(self._keys)!r})"

    @property
    def current_key_id(self) -> str:
        return self._current.key_id

    def mint(self, claims: SessionClaims) -> Credentials:
        """New credentials for ``claims``, expiring at ``claims.expires_at``."""
        if claims.expires_at <= claims.issued_at:
            raise ValueError("credentials must expire after they are issued")
        claims = replace(
            claims,
            issued_at=_whole_millisecond(claims.issued_at),
            expires_at=_whole_second(claims.expires_at),
        )
        key = self._current
        access_key_id = ACCESS_KEY_PREFIX + "".join(secrets.choice(_BASE32) for _ in range(16))
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = self._aeads[key.key_id].encrypt(
            nonce, _encode_claims(claims), _associated_data(key.key_id, access_key_id)
        )
        body = base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode()
        return Credentials(
            access_key_id=access_key_id,
            secret_key=_secret_for(key, access_key_id, nonce),
            session_token=f"{TOKEN_PREFIX}.{key.key_id}.{body}",
            expiration=claims.expires_at,
        )

    def open(self, access_key_id: str, session_token: str, *, now: datetime) -> OpenedCredentials:
        """The claims and secret of a token minted for ``access_key_id``.

        Raises InvalidToken for anything this authority did not mint for that key (or minted
        under a key id no longer accepted), and ExpiredToken once the credentials expired.
        """
        prefix, _, rest = session_token.partition(".")
        key_id, _, body = rest.partition(".")
        key = self._keys.get(key_id)
        if (
            prefix != TOKEN_PREFIX
            or key is None
            or not body
            or not _ACCESS_KEY_ID.fullmatch(access_key_id)
        ):
            raise InvalidToken(_INVALID_TOKEN)
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except (binascii.Error, ValueError):
            raise InvalidToken(_INVALID_TOKEN) from None
        nonce, sealed = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
        if len(nonce) != _NONCE_BYTES or not sealed:
            raise InvalidToken(_INVALID_TOKEN)
        try:
            plaintext = self._aeads[key_id].decrypt(
                nonce, sealed, _associated_data(key_id, access_key_id)
            )
        except InvalidTag:
            raise InvalidToken(_INVALID_TOKEN) from None
        claims = _decode_claims(plaintext)
        if now >= claims.expires_at:
            raise ExpiredToken(_EXPIRED_TOKEN)
        return OpenedCredentials(
            access_key_id=access_key_id,
            key_id=key_id,
            claims=claims,
            secret_key=_secret_for(key, access_key_id, nonce),
        )


def _whole_second(moment: datetime) -> datetime:
    """``moment`` as the token keeps it: whole seconds, UTC."""
    return datetime.fromtimestamp(int(moment.timestamp()), UTC)


def _whole_millisecond(moment: datetime) -> datetime:
    """``moment`` as the token keeps its issue time: whole milliseconds, UTC, so that a
    revocation's instant can be compared with it (see ``revocations``)."""
    return moment.astimezone(UTC).replace(microsecond=moment.microsecond // 1000 * 1000)


def _associated_data(key_id: str, access_key_id: str) -> bytes:
    return f"{TOKEN_PREFIX}.{key_id}.{access_key_id}".encode()


def _secret_for(key: CredentialKey, access_key_id: str, nonce: bytes) -> str:
    digest = hmac.digest(key.secret_key, access_key_id.encode() + nonce, hashlib.sha256)
    return base64.b64encode(digest).decode()[:_SECRET_CHARS]


def _encode_claims(claims: SessionClaims) -> bytes:
    return orjson.dumps(
        {
            "iid": claims.identity_id,
            "pool": claims.identity_pool_id,
            "role": claims.role_arn,
            "session": claims.session_name,
            "amr": list(claims.amr),
            "tags": dict(claims.principal_tags),
            "sp": claims.session_policy,
            "iat": int(claims.issued_at.timestamp()),
            "iatms": claims.issued_at.microsecond // 1000,
            "exp": int(claims.expires_at.timestamp()),
        }
    )


def _decode_claims(plaintext: bytes) -> SessionClaims:
    """Claims this authority sealed; authenticated, so a wrong shape is a bug, not an attack."""
    document = orjson.loads(plaintext)
    return SessionClaims(
        identity_id=document["iid"],
        identity_pool_id=document["pool"],
        role_arn=document["role"],
        session_name=document["session"],
        amr=tuple(document["amr"]),
        principal_tags=dict(document["tags"]),
        session_policy=document["sp"],
        issued_at=datetime.fromtimestamp(document["iat"], UTC)
        + timedelta(milliseconds=document.get("iatms", 0)),
        expires_at=datetime.fromtimestamp(document["exp"], UTC),
    )

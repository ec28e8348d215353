"""Stateless credentials: what mint seals, open gives back, and every way a token fails to open."""

from __future__ import annotations

import base64
import re
import secrets
from datetime import UTC, datetime, timedelta

import pytest

from cognitio.crypto.envelope import Envelope
from cognitio.services.sts.credentials import (
    CredentialAuthority,
    CredentialKey,
    Credentials,
    SessionClaims,
)
from cognitio.services.sts.errors import ExpiredToken, InvalidToken

ISSUED = datetime(2026, 12, 6, 3, 0, 0, tzinfo=UTC)
POOL = "us-east-1:2f7b1d43-5b8e-4e57-9a3c-6a51f1d2e0aa"


def _claims(**changes: object) -> SessionClaims:
    values: dict[str, object] = {
        "identity_id": "us-east-1:0d6c8a9e-3f51-4c27-8d1b-5e2f7a9c4b10",
        "identity_pool_id": POOL,
        "role_arn": "arn:aws:iam::000000000000:role/PhotosAuth",
        "session_name": "CognitoIdentityCredentials",
        "issued_at": ISSUED,
        "expires_at": ISSUED + timedelta(hours=1),
        "amr": ("authenticated", "cognito-idp.us-east-1.amazonaws.com/us-east-1_abc"),
        "principal_tags": {"department": "research-and-development"},
        "session_policy": None,
    }
    values.update(changes)
    return SessionClaims(**values)  # type: ignore[arg-type]


def _authority(*key_ids: str, master: bytes | None = None) -> CredentialAuthority:
    envelope = Envelope(master or b"m" * 32)
    return CredentialAuthority.from_envelope(envelope, key_ids or ("k1",))


def _token_parts(credentials: Credentials) -> tuple[str, str, bytes]:
    prefix, kid, body = credentials.session_token.split(".")
    return prefix, kid, base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))


def _token(prefix: str, kid: str, raw: bytes) -> str:
    return f"{prefix}.{kid}.{base64.urlsafe_b64encode(raw).rstrip(b'=').decode()}"


def test_minted_credentials_have_aws_shapes() -> None:
    credentials = _authority().mint(_claims())
    assert re.fullmatch(r"ASIA[A-Z2-7]{16}", credentials.access_key_id)
    assert len(credentials.secret_key) == 40
    assert re.fullmatch(r"CGN1\.k1\.[A-Za-z0-9_-]+", credentials.session_token)
    assert credentials.expiration == ISSUED + timedelta(hours=1)


def test_open_gives_back_the_claims_and_the_same_secret() -> None:
    authority = _authority()
    claims = _claims(session_policy="guest-scope-down")
    credentials = authority.mint(claims)
    opened = authority.open(
        credentials.access_key_id, credentials.session_token, now=ISSUED + timedelta(minutes=5)
    )
    assert opened.claims == claims
    assert opened.secret_key == credentials.secret_key
    assert opened.key_id == "k1"
    assert opened.access_key_id == credentials.access_key_id


def test_another_server_with_the_same_master_key_opens_the_token() -> None:
    master = secrets.token_bytes(32)
    credentials = _authority(master=master).mint(_claims())
    opened = _authority(master=master).open(
        credentials.access_key_id, credentials.session_token, now=ISSUED
    )
    assert opened.secret_key == credentials.secret_key


def test_each_mint_has_its_own_key_secret_and_token() -> None:
    authority = _authority()
    first, second = authority.mint(_claims()), authority.mint(_claims())
    assert first.access_key_id != second.access_key_id
    assert first.secret_key != second.secret_key
    assert first.session_token != second.session_token


def test_issue_times_are_kept_to_the_second() -> None:
    authority = _authority()
    claims = _claims(expires_at=ISSUED + timedelta(hours=1, microseconds=700))
    credentials = authority.mint(claims)
    opened = authority.open(credentials.access_key_id, credentials.session_token, now=ISSUED)
    assert credentials.expiration == opened.claims.expires_at == ISSUED + timedelta(hours=1)


def test_a_token_does_not_open_beside_another_access_key() -> None:
    authority = _authority()
    first, second = authority.mint(_claims()), authority.mint(_claims())
    with pytest.raises(InvalidToken):
        authority.open(second.access_key_id, first.session_token, now=ISSUED)


@pytest.mark.parametrize("where", ["nonce", "ciphertext", "tag"])
def test_a_token_with_any_byte_changed_is_invalid(where: str) -> None:
    authority = _authority()
    credentials = authority.mint(_claims())
    prefix, kid, raw = _token_parts(credentials)
    position = {"nonce": 3, "ciphertext": 20, "tag": len(raw) - 1}[where]
    changed = raw[:position] + bytes([raw[position] ^ 1]) + raw[position + 1 :]
    with pytest.raises(InvalidToken) as refused:
        authority.open(credentials.access_key_id, _token(prefix, kid, changed), now=ISSUED)
    assert refused.value.code == "InvalidToken"


@pytest.mark.parametrize(
    "token",
    [
        "",
        "CGN1",
        "CGN1.k1.",
        "CGN1.k1.AAAA",
        "CGN1.k1.!!!!",
        "CGN2.k1.{body}",
        "CGN1.k2.{body}",
        "CGN1.k1.{body}x",
        "{body}",
    ],
)
def test_malformed_tokens_are_invalid(token: str) -> None:
    authority = _authority()
    credentials = authority.mint(_claims())
    body = credentials.session_token.split(".")[2]
    with pytest.raises(InvalidToken):
        authority.open(credentials.access_key_id, token.format(body=body), now=ISSUED)


def test_a_token_relabelled_with_another_accepted_key_id_is_invalid() -> None:
    authority = _authority("k2", "k1")
    credentials = authority.mint(_claims())
    prefix, _, raw = _token_parts(credentials)
    with pytest.raises(InvalidToken):
        authority.open(credentials.access_key_id, _token(prefix, "k1", raw), now=ISSUED)


def test_an_access_key_id_of_another_shape_is_invalid() -> None:
    authority = _authority()
    credentials = authority.mint(_claims())
    for access_key_id in ("AKIA" + credentials.access_key_id[4:], credentials.access_key_id[:-1]):
        with pytest.raises(InvalidToken):
            authority.open(access_key_id, credentials.session_token, now=ISSUED)


def test_expired_credentials_are_refused_from_their_expiration_on() -> None:
    authority = _authority()
    credentials = authority.mint(_claims())
    just_before = credentials.expiration - timedelta(seconds=1)
    authority.open(credentials.access_key_id, credentials.session_token, now=just_before)
    with pytest.raises(ExpiredToken) as refused:
        authority.open(
            credentials.access_key_id, credentials.session_token, now=credentials.expiration
        )
    assert refused.value.code == "ExpiredToken"
    assert refused.value.message == "The provided token has expired."


def test_another_master_key_opens_nothing() -> None:
    credentials = _authority(master=b"a" * 32).mint(_claims())
    with pytest.raises(InvalidToken):
        _authority(master=b"b" * 32).open(
            credentials.access_key_id, credentials.session_token, now=ISSUED
        )


def test_rotation_mints_with_the_newest_key_id_and_opens_the_previous() -> None:
    before = _authority("k1")
    old = before.mint(_claims())
    after = _authority("k2", "k1")
    new = after.mint(_claims())
    assert new.session_token.startswith("CGN1.k2.")
    assert after.open(old.access_key_id, old.session_token, now=ISSUED).key_id == "k1"
    assert after.open(new.access_key_id, new.session_token, now=ISSUED).key_id == "k2"
    retired = _authority("k3", "k2")
    with pytest.raises(InvalidToken):
        retired.open(old.access_key_id, old.session_token, now=ISSUED)
    assert retired.open(new.access_key_id, new.session_token, now=ISSUED).key_id == "k2"


def test_key_ids_have_independent_keys() -> None:
    envelope = Envelope(b"m" * 32)
    one, two = CredentialKey.derive(envelope, "k1"), CredentialKey.derive(envelope, "k2")
    keys = {one.token_key, one.secret_key, two.token_key, two.secret_key}
    assert len(keys) == 4


def test_bad_key_configurations_are_refused() -> None:
    with pytest.raises(ValueError):
        CredentialAuthority([])
    with pytest.raises(ValueError):
        _authority("k1", "k1")
    with pytest.raises(ValueError):
        CredentialKey("has.dot", b"a" * 32, b"b" * 32)
    with pytest.raises(ValueError):
        CredentialKey("k1", b"short", b"b" * 32)
    with pytest.raises(ValueError):
        _authority().mint(_claims(expires_at=ISSUED))


def test_secrets_and_tags_stay_out_of_reprs() -> None:
    authority = _authority()
    credentials = authority.mint(_claims())
    opened = authority.open(credentials.access_key_id, credentials.session_token, now=ISSUED)
    key = CredentialKey.derive(Envelope(b"m" * 32), "k1")
    shown = " ".join(repr(thing) for thing in (credentials, opened, authority, key))
    body = credentials.session_token.split(".")[2]
    for secret in (credentials.secret_key, body, key.token_key.hex(), repr(key.token_key)):
        assert secret not in shown
    assert "research-and-development" not in shown
    assert credentials.access_key_id in shown

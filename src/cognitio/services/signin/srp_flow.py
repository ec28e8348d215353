"""USER_SRP_AUTH and its PASSWORD_VERIFIER challenge: sign-in without sending the password.

Spec: ``srp_spec.md`` section 4 (Cognito's SRP-6a variant, checked against pycognito,
amazon-cognito-identity-js and Amplify v6) on top of RFC 5054; the arithmetic lives in
:mod:`cognitio.crypto.srp`. Section 4.2 is :func:`srp_flow` (InitiateAuth answers the
PASSWORD_VERIFIER challenge); sections 4.3-4.5, the answer, are
:mod:`cognitio.services.signin.password_verifier`, on the helpers here.

The challenge state (``A``, ``b`` and the SECRET_BLOCK's bytes) travels in the sealed,
single-use ``Session``; ``B`` is recomputed from ``b`` and the verifier because the Session may
not exceed 2048 characters.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from cognitio.crypto import srp
from cognitio.crypto.envelope import DecryptionError
from cognitio.documents import DocumentError, JsonObject, text_member
from cognitio.errors import (
    InvalidParameterException,
    NotAuthorizedException,
    UserNotFoundException,
)
from cognitio.services.clients.settings import client_settings
from cognitio.services.signin.context import FlowContext
from cognitio.services.signin.custom_session import ChallengeResult, steps_document
from cognitio.services.signin.request import AuthRequest, ChallengeIssued
from cognitio.services.triggers.triggers import pre_authentication, pre_authentication_unknown
from cognitio.services.users.accounts import PoolLike, find_user, sign_in_names
from cognitio.store.records import UserRecord

CHALLENGE = "PASSWORD_VERIFIER"
_INCORRECT = "Incorrect username or password."
# b: 256 bits, twice the 3072-bit group's 128-bit strength (section 4.2 step 4 asks for at least
# that); the clients' 1024-bit size would not leave room for long usernames in the Session.
_EPHEMERAL_BYTES = 32
_SECRET_BLOCK_BYTES = 32  # section 4.2 step 5: at least 32 bytes
# A < N has at most 768 hex digits; allow leading zeros, refuse anything far longer.
_MAX_SRP_A_HEX = 1024
_HEX = re.compile(r"[0-9a-fA-F]+")
_TIMESTAMP_WINDOW_S = 300  # section 4.5: 5 minutes either way
_DECOY_KEY_PURPOSE = "srp-decoy"

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # datetime.weekday() order
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_TIMESTAMP = re.compile(
    r"(?:Sun|Mon|Tue|Wed|Thu|Fri|Sat) (?P<month>[A-Z][a-z]{2}) (?P<day>[1-9]|[12][0-9]|3[01]) "
    r"(?P<hour>[01][0-9]|2[0-3]):(?P<minute>[0-5][0-9]):(?P<second>[0-5][0-9]) UTC "
    r"(?P<year>[0-9]{4})"
)


async def srp_flow(
    ctx: FlowContext,
    request: AuthRequest,
    *,
    custom: list[ChallengeResult] | None = None,
) -> ChallengeIssued:
    """InitiateAuth USER_SRP_AUTH: answer the PASSWORD_VERIFIER challenge (section 4.2).

    ``custom`` is the session of a CUSTOM_AUTH sign-in that asked for the password this way;
    it rides along in the SECRET_BLOCK, and the sign-in goes back to it once the claim checks.
    """
    username = request.parameters.get("USERNAME")
    if not username:
        raise InvalidParameterException("Missing required parameter USERNAME")
    big_a = client_public_key(request.parameters.get("SRP_A"))
    ctx.check_secret_hash(request, username)
    async with ctx.store.read() as tx:
        user = await find_user(tx, request.pool, username)
    verifier = None if user is None else open_verifier(ctx, user)
    if user is None or verifier is None:
        if not client_settings(request.client).prevent_user_existence_errors:
            raise UserNotFoundException("User does not exist.")
        if user is None:
            await pre_authentication_unknown(
                ctx.triggers, request.pool, request.client, username, request.metadata
            )
        user_id_for_srp = _decoy_user_id(decoy_key(ctx), request.pool, username)
        verifier = decoy_verifier(decoy_key(ctx), request.pool.id, user_id_for_srp)
        sub = ""  # no user: the answer can only fail
    else:
        user_id_for_srp, sub = user.username, user.sub
        if custom is None:  # a custom sign-in ran PreAuthentication already
            await pre_authentication(
                ctx.triggers, request.call(user), user, request.metadata or None
            )
    b, big_b = server_ephemeral(big_a, verifier.verifier)
    data: JsonObject = {"A": b64_int(big_a), "b": b64_int(b)}
    if custom is not None:
        data["custom"] = steps_document(custom)
    # A decoy's wrong answer is counted under the name given (a user's Session carries it too,
    # so both are the same length).
    data["name"] = username
    # The SECRET_BLOCK is the sealed session itself (spec section 0, item 11): clients answer
    # PASSWORD_VERIFIER without a Session, and this is how the state comes back, unforgeable.
    session = ctx.sessions.issue(
        pool_id=request.pool.id,
        client_id=request.client.id,
        sub=sub,
        username=user_id_for_srp,
        challenge=CHALLENGE,
        validity_minutes=client_settings(request.client).auth_session_validity_minutes,
        data=data,
    )
    secret_block = base64.urlsafe_b64decode(session + "=" * (-len(session) % 4))
    # No Session: the SECRET_BLOCK brings the state back.
    return ChallengeIssued(
        CHALLENGE,
        None,
        {
            "SALT": verifier.salt_hex,
            "SRP_B": format(big_b, "x"),
            "SECRET_BLOCK": b64(secret_block),
            "USER_ID_FOR_SRP": user_id_for_srp,
            "USERNAME": user_id_for_srp,
        },
    )


def timestamp_is_current(timestamp: str, now: float) -> bool:
    """Whether TIMESTAMP is Cognito's ``Tue Jan 2 03:04:05 UTC 2024`` form, near *now*.

    Section 4.5: parse, re-format and require equality (a zero-padded day or a weekday that
    does not match the date is refused), then require it within five minutes of the clock.
    """
    match = _TIMESTAMP.fullmatch(timestamp)
    if match is None or match["month"] not in _MONTHS:
        return False
    try:
        moment = datetime(
            int(match["year"]),
            _MONTHS.index(match["month"]) + 1,
            int(match["day"]),
            int(match["hour"]),
            int(match["minute"]),
            int(match["second"]),
            tzinfo=UTC,
        )
    except ValueError:  # Feb 30 and the like
        return False
    if format_timestamp(moment) != timestamp:
        return False
    return abs(moment.timestamp() - now) <= _TIMESTAMP_WINDOW_S


def format_timestamp(moment: datetime) -> str:
    """A UTC time as every client writes TIMESTAMP: English names, day not zero-padded."""
    return (
        f"{_WEEKDAYS[moment.weekday()]} {_MONTHS[moment.month - 1]} {moment.day} "
        f"{moment:%H:%M:%S} UTC {moment.year}"
    )


def client_public_key(value: str | None) -> int:
    """``A`` from SRP_A: hex, bounded, and not 0 mod N (section 4.2 step 3)."""
    if not value:
        raise InvalidParameterException("Missing required parameter SRP_A")
    if len(value) > _MAX_SRP_A_HEX:
        raise InvalidParameterException("SRP_A is too long.")
    # Hex digits only: int() would also take a sign, "0x", spaces and underscores.
    if not _HEX.fullmatch(value):
        raise InvalidParameterException("SRP_A must be a hexadecimal number.")
    big_a = int(value, 16)
    if big_a % srp.N == 0:
        raise NotAuthorizedException("SRP_A cannot be zero.")
    return big_a


def server_ephemeral(big_a: int, verifier: int) -> tuple[int, int]:
    """Fresh ``b`` and ``B``, redrawn while ``B`` or ``u`` is 0 (section 4.2 step 4)."""
    while True:
        b = int.from_bytes(secrets.token_bytes(_EPHEMERAL_BYTES), "big")
        big_b = srp.server_public_key(verifier, b)
        if big_b % srp.N != 0 and srp.compute_u(big_a, big_b) != 0:
            return b, big_b


@dataclass(frozen=True)
class Claim:
    """A PASSWORD_CLAIM answer (section 4.3), well-formed; whether it is right is
    :func:`claim_is_right`'s to say."""

    secret_block: bytes
    timestamp: str
    signature: bytes


def read_claim(responses: dict[str, str], required: tuple[str, ...]) -> Claim:
    """The claim of a PASSWORD_VERIFIER or DEVICE_PASSWORD_VERIFIER answer: its members present,
    its SECRET_BLOCK base64, its TIMESTAMP current and in Cognito's form (section 4.5)."""
    for name in required:
        if not responses.get(name):
            raise InvalidParameterException(f"Missing required parameter {name}")
    secret_block = strict_b64decode(responses["PASSWORD_CLAIM_SECRET_BLOCK"])
    if secret_block is None:
        raise NotAuthorizedException(_INCORRECT)
    timestamp = responses["TIMESTAMP"]
    if not timestamp_is_current(timestamp, time.time()):
        raise NotAuthorizedException("TIMESTAMP is not the current time in Cognito's format.")
    signature = strict_b64decode(responses["PASSWORD_CLAIM_SIGNATURE"]) or b""
    return Claim(secret_block, timestamp, signature)


async def claim_is_right(
    claim: Claim, session_data: JsonObject, verifier: int, pool_suffix: str, user_id: str
) -> bool:
    """Whether the claim is the signature an honest client computes with the ``A`` and ``b``
    of the challenge (in its sealed state): one check for user SRP (``pool_suffix`` the pool
    id's suffix, ``user_id`` USER_ID_FOR_SRP) and device SRP (the DeviceGroupKey and the
    DeviceKey, ``srp_spec.md`` section 5.2)."""
    expected = expected_signature(
        verifier,
        big_a=_sealed_int(session_data, "A"),
        b=_sealed_int(session_data, "b"),
        pool_suffix=pool_suffix,
        user_id_for_srp=user_id,
        secret_block=claim.secret_block,
        timestamp=claim.timestamp,
    )
    return hmac.compare_digest(expected, claim.signature)


def _sealed_int(session_data: JsonObject, name: str) -> int:
    """``A`` or ``b`` of the challenge, as its sealed state carries it (base64)."""
    value = text_member(session_data, name)
    if value is None:
        raise DocumentError(f"{name} is missing")
    return int.from_bytes(strict_b64decode(value) or b"", "big")


def expected_signature(
    verifier: int,
    *,
    big_a: int,
    b: int,
    pool_suffix: str,
    user_id_for_srp: str,
    secret_block: bytes,
    timestamp: str,
) -> bytes:
    """The PASSWORD_CLAIM_SIGNATURE an honest client computes (section 4.3), raw bytes."""
    big_b = srp.server_public_key(verifier, b)
    u = srp.compute_u(big_a, big_b)
    key = srp.session_key(srp.server_secret(big_a, verifier, u, b), u)
    return srp.password_claim_signature(key, pool_suffix, user_id_for_srp, secret_block, timestamp)


def open_verifier(ctx: FlowContext, user: UserRecord) -> srp.SrpVerifier | None:
    """The user's ``(salt, v)``, or None for a user without a usable password."""
    if user.srp_sealed is None or user.password_hash is None:
        return None
    try:
        blob = ctx.envelope.open(user.srp_sealed, f"srp:{user.sub}")
        return srp.SrpVerifier.from_bytes(blob)
    except (DecryptionError, ValueError):
        return None


def decoy_key(ctx: FlowContext) -> bytes:
    return ctx.envelope.derive_key(_DECOY_KEY_PURPOSE)


def _decoy_user_id(key: bytes, pool: PoolLike, name: str) -> str:
    """What USER_ID_FOR_SRP would be for *name*: a UUID in pools that sign in with attributes."""
    if sign_in_names(pool).username_attributes:
        digest = hmac.digest(key, f"user:{pool.id}:{name}".encode(), "sha256")
        return str(uuid.UUID(bytes=digest[:16], version=4))
    return name


def decoy_verifier(key: bytes, pool_id: str, user_id_for_srp: str) -> srp.SrpVerifier:
    """A verifier for a user that does not exist, the same on every attempt (section 4.2 step 2).

    Stable, so that asking twice does not tell an unknown user (new salt each time) from a
    real one (the same salt until the password changes). ``v`` is a pseudo-random element of
    the group rather than ``g^x``: no password can match it anyway, and skipping the modular
    exponentiation makes an unknown user cost what opening a real user's sealed verifier
    costs, so the time of the answer tells nothing (security review #16).
    """
    seed = f"{pool_id}:{user_id_for_srp}".encode()
    salt = hmac.digest(key, b"salt:" + seed, "sha256")[: srp.SALT_BYTES]
    width = (srp.N.bit_length() + 7) // 8 + 16  # 128 extra bits: the reduction mod N is even
    stream = b"".join(
        hmac.digest(key, b"v:%d:" % block + seed, "sha256") for block in range(width // 32 + 1)
    )
    verifier = int.from_bytes(stream[:width], "big") % (srp.N - 2) + 2
    return srp.SrpVerifier(salt=int.from_bytes(salt, "big"), verifier=verifier)


def b64(data: bytes) -> str:
    """Standard base64 with padding, which every client decodes (section 0, item 10)."""
    return base64.b64encode(data).decode()


def b64_int(n: int) -> str:
    return b64(n.to_bytes((n.bit_length() + 7) // 8, "big"))


def strict_b64decode(text: str) -> bytes | None:
    """Standard base64 with padding, refusing any other character; None if it is not."""
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        return None

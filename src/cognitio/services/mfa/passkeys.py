"""Passkeys: registering WebAuthn credentials and checking their assertions.

Cognito's side of it, from the StartWebAuthnRegistration, CompleteWebAuthnRegistration,
ListWebAuthnCredentials and DeleteWebAuthnCredential references and the developer guide's
"Passkey sign-in": the pool's WebAuthnConfiguration names the relying party and whether user
verification is required; WEB_AUTHN must be one of the pool's AllowedFirstAuthFactors; sign-in is
the WEB_AUTHN challenge of USER_AUTH, with CREDENTIAL_REQUEST_OPTIONS out and CREDENTIAL back.
The ceremonies themselves are W3C Web Authentication Level 2, sections 7.1 and 7.2, verified by
the ``webauthn`` library (attestation formats, COSE keys, signatures, counters).
"""

from __future__ import annotations

import hmac
from datetime import UTC, datetime
from urllib.parse import urlsplit

import orjson
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url, parse_client_data_json
from webauthn.helpers.exceptions import (
    InvalidAuthenticationResponse,
    InvalidRegistrationResponse,
    WebAuthnException,
)
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from cognitio.documents import JsonObject, JsonValue
from cognitio.errors import (
    CognitoError,
    InvalidParameterException,
    LimitExceededException,
    NotAuthorizedException,
    ResourceNotFoundException,
    WebAuthnChallengeNotFoundException,
    WebAuthnClientMismatchException,
    WebAuthnConfigurationMissingException,
    WebAuthnCredentialNotSupportedException,
    WebAuthnNotEnabledException,
    WebAuthnOriginNotAllowedException,
    WebAuthnRelyingPartyMismatchException,
)
from cognitio.services.common import ids, pagination
from cognitio.services.common.pages import Page
from cognitio.services.pools.settings import pool_settings
from cognitio.store.records import (
    CodeRecord,
    MfaRecord,
    PasskeyRecord,
    UserPoolRecord,
    UserRecord,
)
from cognitio.store.repositories import Transaction

WEB_AUTHN = "WEB_AUTHN"
MULTI_FACTOR = "MULTI_FACTOR_WITH_USER_VERIFICATION"
# The pending registration, kept as a code record whose "hash" is the challenge itself (no
# secret: it was sent to the browser; what matters is that it works once, briefly).
_REGISTRATION = "webauthn-registration"
_CEREMONY_MS = 5 * 60_000  # what the options' timeout tells the browser, too
_MAX_PASSKEYS = 20  # per user
_LIST_LIMIT = 20  # ListWebAuthnCredentials' largest page
_TRANSPORTS = {transport.value for transport in AuthenticatorTransport}
_NAMES = {"platform": "Platform passkey", "cross-platform": "Security key"}
_NOT_A_CREDENTIAL = "The credential is not a WebAuthn public-key credential in JSON form."


def relying_party(pool: UserPoolRecord) -> tuple[str, bool]:
    """The pool's relying-party id and whether user verification is required."""
    settings = pool_settings(pool)
    if WEB_AUTHN not in settings.allowed_first_auth_factors:
        raise WebAuthnNotEnabledException(
            "Passkeys are not enabled: add WEB_AUTHN to the pool's AllowedFirstAuthFactors."
        )
    rp_id = settings.web_authn.relying_party_id
    if not rp_id:
        raise WebAuthnConfigurationMissingException(
            "The user pool has no relying-party id: set WebAuthnConfiguration.RelyingPartyId "
            "with SetUserPoolMfaConfig."
        )
    return rp_id, settings.web_authn.user_verification_required


def passkey_counts_as_mfa(pool: UserPoolRecord, record: MfaRecord | None) -> bool:
    """WebAuthnMfaSettings: the pool lets passkeys with user verification satisfy MFA, and the
    user turned that on."""
    return (
        pool_settings(pool).web_authn.factor_configuration == MULTI_FACTOR
        and record is not None
        and record.webauthn_enabled
    )


def origin_allowed(origin: str, rp_id: str) -> bool:
    """Whether a page at *origin* may use credentials of *rp_id* (WebAuthn section 5.1.3):
    HTTPS on the relying party's host or a subdomain, or plain HTTP on localhost."""
    try:
        parts = urlsplit(origin)
        host = parts.hostname or ""
        _ = parts.port  # a malformed port raises
    except ValueError:
        return False
    if host != rp_id and not host.endswith("." + rp_id):
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and host == "localhost")


def _user_verification(required: bool) -> UserVerificationRequirement:
    return (
        UserVerificationRequirement.REQUIRED if required else UserVerificationRequirement.PREFERRED
    )


def _descriptor(passkey: PasskeyRecord) -> PublicKeyCredentialDescriptor:
    transports = [AuthenticatorTransport(t) for t in passkey.transports if t in _TRANSPORTS]
    return PublicKeyCredentialDescriptor(
        id=base64url_to_bytes(passkey.credential_id), transports=transports or None
    )


async def registration_options(
    tx: Transaction, pool: UserPoolRecord, user: UserRecord, client_id: str
) -> JsonObject:
    """StartWebAuthnRegistration: CredentialCreationOptions, the challenge kept for completion."""
    rp_id, verification_required = relying_party(pool)
    existing = await tx.passkeys.of_user(user.sub)
    if len(existing) >= _MAX_PASSKEYS:
        raise LimitExceededException(f"A user can have at most {_MAX_PASSKEYS} passkeys.")
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=pool.name,
        user_name=user.username,
        user_id=user.sub.encode(),
        user_display_name=user.attributes.get("email") or user.username,
        timeout=_CEREMONY_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=_user_verification(verification_required),
        ),
        exclude_credentials=[_descriptor(passkey) for passkey in existing],
    )
    now = ids.now_ms()
    await tx.users.put_code(
        CodeRecord(
            sub=user.sub,
            purpose=_REGISTRATION,
            code_hash=bytes_to_base64url(options.challenge),
            expires_ms=now + _CEREMONY_MS,
            attempts=0,
            created_ms=now,
            pending_value=client_id,
        )
    )
    document: JsonObject = orjson.loads(options_to_json(options))
    return document


async def register(
    tx: Transaction, pool: UserPoolRecord, user: UserRecord, client_id: str, credential: JsonValue
) -> None:
    """CompleteWebAuthnRegistration: verify the attestation and keep the credential
    (``credential`` is the browser's JSON document, checked here)."""
    rp_id, verification_required = relying_party(pool)
    document, client_data = _client_data(credential)
    pending = await tx.users.get_code(user.sub, _REGISTRATION)
    if pending is None or pending.expires_ms < ids.now_ms():
        raise WebAuthnChallengeNotFoundException(
            "No passkey registration is waiting for an answer."
        )
    if pending.pending_value != client_id:
        raise WebAuthnClientMismatchException(
            "The passkey registration was started by another app client."
        )
    if not hmac.compare_digest(client_data["challenge"].encode(), pending.code_hash.encode()):
        raise WebAuthnChallengeNotFoundException("The credential answers another challenge.")
    origin = client_data["origin"]
    if not origin_allowed(origin, rp_id):
        raise WebAuthnOriginNotAllowedException(
            f"Origin {origin[:256]} is not allowed for {rp_id}."
        )
    try:
        verified = verify_registration_response(
            credential=document,
            expected_challenge=base64url_to_bytes(pending.code_hash),
            expected_rp_id=rp_id,
            expected_origin=origin,
            require_user_verification=verification_required,
        )
    except InvalidRegistrationResponse as error:
        raise _registration_error(str(error)) from None
    except WebAuthnException as error:
        raise WebAuthnCredentialNotSupportedException(str(error)) from None
    except _MALFORMED:
        raise WebAuthnCredentialNotSupportedException(
            "The credential's attestation could not be read."
        ) from None
    await tx.users.delete_code(user.sub, _REGISTRATION)
    attachment = document.get("authenticatorAttachment")
    response = document.get("response")
    transports = response.get("transports") if isinstance(response, dict) else None
    created = ids.now_ms()
    record = PasskeyRecord(
        credential_id=bytes_to_base64url(verified.credential_id),
        pool_id=pool.id,
        sub=user.sub,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        relying_party_id=rp_id,
        name=_friendly_name(attachment, created),
        attachment=attachment if isinstance(attachment, str) and attachment in _NAMES else None,
        transports=[t for t in _list(transports) if isinstance(t, str) and t in _TRANSPORTS],
        created_ms=created,
    )
    if not await tx.passkeys.insert(record):
        raise InvalidParameterException("This passkey is registered already.")


async def request_options(
    tx: Transaction, pool: UserPoolRecord, user: UserRecord
) -> tuple[str, str]:
    """The WEB_AUTHN challenge's CREDENTIAL_REQUEST_OPTIONS (JSON text) and its challenge."""
    rp_id, verification_required = relying_party(pool)
    passkeys = await tx.passkeys.of_user(user.sub)
    options = generate_authentication_options(
        rp_id=rp_id,
        timeout=_CEREMONY_MS,
        allow_credentials=[_descriptor(passkey) for passkey in passkeys],
        user_verification=_user_verification(verification_required),
    )
    return options_to_json(options), bytes_to_base64url(options.challenge)


async def verify_assertion(
    tx: Transaction, pool: UserPoolRecord, user: UserRecord, credential_json: str, challenge: str
) -> None:
    """The WEB_AUTHN answer: a signature by one of the user's passkeys over this challenge.

    A passkey that stands in for MFA must have verified the user (WebAuthnMfaSettings).
    """
    rp_id, verification_required = relying_party(pool)
    if passkey_counts_as_mfa(pool, await tx.mfa.get(user.sub)):
        verification_required = True
    try:
        credential: JsonValue = orjson.loads(credential_json)
    except orjson.JSONDecodeError:
        raise InvalidParameterException("CREDENTIAL must be a JSON object.") from None
    document, client_data = _client_data(credential)
    passkey = await tx.passkeys.get(str(document.get("id", ""))[:1400])
    if passkey is None or passkey.sub != user.sub:
        raise NotAuthorizedException("The passkey is not registered for this user.")
    origin = client_data["origin"]
    if not origin_allowed(origin, rp_id):
        raise WebAuthnOriginNotAllowedException(
            f"Origin {origin[:256]} is not allowed for {rp_id}."
        )
    try:
        verified = verify_authentication_response(
            credential=document,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=verification_required,
        )
    except (InvalidAuthenticationResponse, WebAuthnException, *_MALFORMED):
        raise NotAuthorizedException("The passkey's signature could not be verified.") from None
    if not await tx.passkeys.used(passkey.credential_id, verified.new_sign_count, ids.now_ms()):
        raise NotAuthorizedException("The passkey's signature could not be verified.")


async def listing(
    tx: Transaction, user: UserRecord, limit: int | None, token: str | None
) -> Page[PasskeyRecord]:
    """ListWebAuthnCredentials: the user's passkeys, oldest first."""
    size = limit or _LIST_LIMIT
    rows = await tx.passkeys.page(user.sub, pagination.decode(token), size + 1)
    shown = tuple(rows[:size])
    if len(rows) > size:
        return Page(shown, pagination.encode((shown[-1].created_ms, shown[-1].credential_id)))
    return Page(shown)


async def delete(tx: Transaction, user: UserRecord, credential_id: str) -> None:
    """DeleteWebAuthnCredential."""
    if not await tx.passkeys.delete(user.sub, credential_id):
        raise ResourceNotFoundException("The passkey does not exist.")


def _friendly_name(attachment: JsonValue, created_ms: int) -> str:
    """``Security key added 2026-11-26``: the kind of authenticator and the day."""
    kind = _NAMES.get(attachment, "Passkey") if isinstance(attachment, str) else "Passkey"
    day = datetime.fromtimestamp(created_ms / 1000, UTC).strftime("%Y-%m-%d")
    return f"{kind} added {day}"


def _client_data(credential: JsonValue) -> tuple[JsonObject, dict[str, str]]:
    """The credential as an object, with the challenge and origin the browser signed: read
    before anything else is checked."""
    response = credential.get("response") if isinstance(credential, dict) else None
    encoded = response.get("clientDataJSON") if isinstance(response, dict) else None
    if not isinstance(credential, dict) or not isinstance(encoded, str):
        raise InvalidParameterException(_NOT_A_CREDENTIAL)
    try:
        parsed = parse_client_data_json(base64url_to_bytes(encoded))
        challenge = bytes_to_base64url(parsed.challenge)
    except (TypeError, ValueError, WebAuthnException):
        raise InvalidParameterException(_NOT_A_CREDENTIAL) from None
    # The library passes the browser's members through as they were sent.
    origin: object = parsed.origin
    if not isinstance(origin, str):
        raise InvalidParameterException(_NOT_A_CREDENTIAL)
    return credential, {"challenge": challenge, "origin": origin}


# What the WebAuthn library's parsers raise, beyond its own exceptions, on a credential built to
# break them (certificates that are not, a COSE key of the wrong shape, a point off the curve).
_MALFORMED = (ValueError, TypeError, IndexError, KeyError, AttributeError)


def _list(value: JsonValue) -> list[JsonValue]:
    """A member that should be a list, or an empty one."""
    return value if isinstance(value, list) else []


def _registration_error(message: str) -> CognitoError:
    """The Cognito error for what the library found wrong with an attestation."""
    if "RP ID" in message:
        return WebAuthnRelyingPartyMismatchException(
            "The passkey was made for another relying party."
        )
    if "algorithm" in message.lower() or "Unsupported" in message:
        return WebAuthnCredentialNotSupportedException(message)
    return InvalidParameterException(f"The passkey could not be verified: {message}")

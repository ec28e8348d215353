"""A software WebAuthn authenticator and browser for tests: real keys, real signatures.

It plays both parts a browser and a platform authenticator play (W3C Web Authentication Level 2,
sections 5.1.3 and 6.3): it makes an ES256 key pair per credential, answers
``navigator.credentials.create`` with a "packed" self-attestation (the credential key signs
authenticatorData || SHA-256(clientDataJSON), section 8.2), and ``navigator.credentials.get``
with an assertion signed the same way. Results are the JSON forms (RegistrationResponseJSON,
AuthenticationResponseJSON) that Amplify and browsers' ``toJSON()`` send.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from dataclasses import dataclass, field
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

_UP, _UV, _AT = 0x01, 0x04, 0x40  # flags: user present, user verified, attested data
_ES256 = -7
_AAGUID = bytes.fromhex("7e57a07e57a07e57a07e57a07e57a000")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Credential:
    credential_id: bytes
    rp_id: str
    user_handle: bytes
    key: ec.EllipticCurvePrivateKey
    sign_count: int = 0


@dataclass
class SoftAuthenticator:
    """Holds credentials like a platform authenticator; ``origin`` is the page using it."""

    origin: str
    user_verifying: bool = True
    credentials: list[Credential] = field(default_factory=list)

    def _flags(self) -> int:
        return _UP | (_UV if self.user_verifying else 0)

    def _client_data(self, kind: str, challenge: str) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": False}
        ).encode()

    def create(self, options: dict[str, Any], *, rp_id: str | None = None) -> dict[str, Any]:
        """navigator.credentials.create with PublicKeyCredentialCreationOptionsJSON."""
        if not any(p["alg"] == _ES256 for p in options["pubKeyCredParams"]):
            raise ValueError("ES256 was not offered")
        rp = rp_id or options["rp"]["id"]
        credential = Credential(
            credential_id=os.urandom(32),
            rp_id=rp,
            user_handle=unb64url(options["user"]["id"]),
            key=ec.generate_private_key(ec.SECP256R1()),
        )
        numbers = credential.key.public_key().public_numbers()
        cose_key = cbor2.dumps(
            {
                1: 2,  # kty: EC2
                3: _ES256,
                -1: 1,  # crv: P-256
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )
        auth_data = (
            hashlib.sha256(rp.encode()).digest()
            + bytes([self._flags() | _AT])
            + struct.pack(">I", credential.sign_count)
            + _AAGUID
            + struct.pack(">H", len(credential.credential_id))
            + credential.credential_id
            + cose_key
        )
        client_data = self._client_data("webauthn.create", options["challenge"])
        signature = credential.key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        attestation = cbor2.dumps(
            {"fmt": "packed", "attStmt": {"alg": _ES256, "sig": signature}, "authData": auth_data}
        )
        self.credentials.append(credential)
        return {
            "id": b64url(credential.credential_id),
            "rawId": b64url(credential.credential_id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(attestation),
                "transports": ["internal", "hybrid"],
            },
        }

    def get(self, options: dict[str, Any]) -> dict[str, Any]:
        """navigator.credentials.get with PublicKeyCredentialRequestOptionsJSON."""
        allowed = {item["id"] for item in options.get("allowCredentials", [])}
        usable = [
            c
            for c in self.credentials
            if c.rp_id == options["rpId"] and (not allowed or b64url(c.credential_id) in allowed)
        ]
        if not usable:
            raise LookupError("no credential for this relying party")
        credential = usable[-1]
        credential.sign_count += 1
        auth_data = (
            hashlib.sha256(credential.rp_id.encode()).digest()
            + bytes([self._flags()])
            + struct.pack(">I", credential.sign_count)
        )
        client_data = self._client_data("webauthn.get", options["challenge"])
        signature = credential.key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return {
            "id": b64url(credential.credential_id),
            "rawId": b64url(credential.credential_id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
                "userHandle": b64url(credential.user_handle),
            },
        }

"""Cognito's SRP-6a variant ("Caldera"): the group, the verifier, and the server's arithmetic.

Spec: ``srp_spec.md`` (Cognito SRP, derived from pycognito, amazon-cognito-identity-js and
Amplify v6 and checked against them), which builds on RFC 5054 (SRP for TLS) and RFC 2945:

- section 1: ``H`` is SHA-256 and ``PAD`` the minimal two's-complement big-endian encoding
  (Java's ``BigInteger.toByteArray()``), not RFC 5054's fixed-width padding;
- section 2: ``N`` is the 3072-bit prime of RFC 5054 Appendix A (= RFC 3526 group 15), but
  ``g = 2``, and ``k = H(PAD(N) | PAD(g))``;
- section 3: at password-set time the server stores ``salt`` and ``v = g^x mod N`` with
  ``x = H(PAD(salt) | H(poolSuffix | userIdForSrp | ":" | password))``;
- section 4.2-4.3: the server's ``B``, the scrambler ``u``, the premaster secret ``S`` and the
  16-byte session key (RFC 5869 HKDF-SHA256, info "Caldera Derived Key") that signs
  ``PASSWORD_CLAIM_SIGNATURE``.

Device SRP (section 5) reuses all of it with the DeviceGroupKey for the pool suffix and the
DeviceKey for the user: :func:`compute_x` takes the suffix as it is for that reason.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import struct
from dataclasses import dataclass

import gmpy2

N = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
    "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
    "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718"
    "3995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33"
    "A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864"
    "D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2"
    "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
    16,
)
g = 2
N_BYTES = 384  # 3072 bits
SALT_BYTES = 16  # section 3.2; real Cognito's SALT is 32 hex digits
HKDF_INFO = b"Caldera Derived Key"
SESSION_KEY_BYTES = 16


def pad(n: int) -> bytes:
    """``PAD(n)``: minimal big-endian bytes, with a 0x00 in front when the top bit is set."""
    if n < 0:
        raise ValueError("PAD is defined for non-negative integers only")
    # One byte more than the bit length needs exactly when the top bit of the last byte is set.
    return n.to_bytes(n.bit_length() // 8 + 1, "big")


def H(*parts: bytes) -> bytes:
    """``H``: SHA-256 of the concatenated *parts*."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    return digest.digest()


def hash_hex(*parts: bytes) -> str:
    """``H`` as lowercase hex, as the JS clients' ``hexHash`` returns it."""
    return H(*parts).hex()


def hash_int(*parts: bytes) -> int:
    """``H`` read as an unsigned big-endian integer: ``int(H(...))`` in the spec."""
    return int.from_bytes(H(*parts), "big")


def powmod(base: int, exponent: int, modulus: int) -> int:
    """``base^exponent mod modulus`` (GMP)."""
    return int(gmpy2.powmod(base, exponent, modulus))


k = hash_int(pad(N), pad(g))


def pool_suffix(pool_id: str) -> str:
    """The part of a user pool id after the ``_`` (``us-east-1_AbC123`` -> ``AbC123``)."""
    parts = pool_id.split("_")
    if len(parts) < 2:
        raise ValueError(f"not a user pool id: {pool_id!r}")
    return parts[1]  # what every client computes: UserPoolId.split('_')[1]


def compute_x(salt: int, pool_suffix: str, user_id_for_srp: str, password: str) -> int:
    """``x = H(PAD(salt) | H(utf8(poolSuffix | userIdForSrp | ":" | password)))`` (section 3.2)."""
    inner = H(f"{pool_suffix}{user_id_for_srp}:{password}".encode())
    return hash_int(pad(salt), inner)


def compute_verifier(x: int) -> int:
    """``v = g^x mod N``."""
    return powmod(g, x, N)


@dataclass(frozen=True)
class SrpVerifier:
    """What the server keeps for a password: the salt and ``v``, never the password."""

    salt: int
    verifier: int

    _VERSION = 1
    _HEADER = struct.Struct(">BH")  # version, salt length in bytes

    @property
    def salt_hex(self) -> str:
        """``SALT`` as sent on the wire: minimal lowercase hex (section 3.3)."""
        return format(self.salt, "x")

    def to_bytes(self) -> bytes:
        """``version (1) | salt length (2) | salt | v (384)``, all big-endian."""
        salt = self.salt.to_bytes((self.salt.bit_length() + 7) // 8, "big")
        return (
            self._HEADER.pack(self._VERSION, len(salt))
            + salt
            + self.verifier.to_bytes(N_BYTES, "big")
        )

    @classmethod
    def from_bytes(cls, blob: bytes) -> SrpVerifier:
        """Read what :meth:`to_bytes` wrote; ValueError for anything else."""
        if len(blob) < cls._HEADER.size:
            raise ValueError("SRP verifier record is truncated")
        version, salt_length = cls._HEADER.unpack_from(blob)
        if version != cls._VERSION:
            raise ValueError(f"unknown SRP verifier record version {version}")
        if len(blob) != cls._HEADER.size + salt_length + N_BYTES:
            raise ValueError("SRP verifier record has the wrong length")
        salt = int.from_bytes(blob[cls._HEADER.size : cls._HEADER.size + salt_length], "big")
        verifier = int.from_bytes(blob[cls._HEADER.size + salt_length :], "big")
        if not 0 < verifier < N:
            raise ValueError("SRP verifier is out of range")
        return cls(salt=salt, verifier=verifier)


def make_verifier(
    pool_id: str, user_id_for_srp: str, password: str, salt: bytes | None = None
) -> SrpVerifier:
    """A fresh ``(salt, v)`` for *password*; *salt* defaults to 16 random bytes."""
    if salt is None:
        salt = secrets.token_bytes(SALT_BYTES)
    salt_int = int.from_bytes(salt, "big")
    x = compute_x(salt_int, pool_suffix(pool_id), user_id_for_srp, password)
    return SrpVerifier(salt=salt_int, verifier=compute_verifier(x))


def check_password(pool_id: str, user_id_for_srp: str, password: str, stored: SrpVerifier) -> bool:
    """Whether *password* gives the stored ``v`` under the stored salt (constant-time compare)."""
    try:
        x = compute_x(stored.salt, pool_suffix(pool_id), user_id_for_srp, password)
    except UnicodeEncodeError:  # a lone surrogate: no client can have hashed it
        return False
    computed = compute_verifier(x).to_bytes(N_BYTES, "big")
    return hmac.compare_digest(computed, stored.verifier.to_bytes(N_BYTES, "big"))


# Section 4: the server's side of USER_SRP_AUTH and DEVICE_SRP_AUTH.


def server_public_key(verifier: int, b: int) -> int:
    """``B = (k*v + g^b) mod N``; the caller redraws *b* when the result is 0."""
    return (k * verifier + powmod(g, b, N)) % N


def compute_u(A: int, B: int) -> int:
    """``u = H(PAD(A) | PAD(B))``; the caller redraws *b* when the result is 0."""
    return hash_int(pad(A), pad(B))


def server_secret(A: int, verifier: int, u: int, b: int) -> int:
    """``S = (A * v^u)^b mod N``."""
    return powmod(A * powmod(verifier, u, N) % N, b, N)


def session_key(S: int, u: int) -> bytes:
    """``K`` = HKDF-SHA256(IKM=PAD(S), salt=PAD(u), info="Caldera Derived Key"), 16 bytes."""
    # RFC 5869: one expand block is enough for 16 bytes.
    prk = hmac.digest(pad(u), pad(S), "sha256")
    return hmac.digest(prk, HKDF_INFO + b"\x01", "sha256")[:SESSION_KEY_BYTES]


def password_claim_signature(
    key: bytes, pool_suffix: str, user_id_for_srp: str, secret_block: bytes, timestamp: str
) -> bytes:
    """``HMAC(K, poolSuffix | USER_ID_FOR_SRP | secret block bytes | TIMESTAMP)``, raw bytes."""
    message = pool_suffix.encode() + user_id_for_srp.encode() + secret_block + timestamp.encode()
    return hmac.digest(key, message, "sha256")

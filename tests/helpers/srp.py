"""An SRP client written from srp_spec.md section 4, and the two calls of USER_SRP_AUTH."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime
from typing import Any

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
G = 2
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def pad(n: int) -> bytes:
    """Minimal two's-complement big-endian bytes (section 1)."""
    text = format(n, "x")
    text = "0" * (len(text) % 2) + text
    return bytes.fromhex(("00" if text[0] in "89abcdef" else "") + text)


def sha256(*parts: bytes) -> bytes:
    return hashlib.sha256(b"".join(parts)).digest()


def as_int(data: bytes) -> int:
    return int.from_bytes(data, "big")


K_MULTIPLIER = as_int(sha256(pad(N), pad(G)))


def timestamp(moment: datetime) -> str:
    """Section 4.5: English names, day not zero-padded, UTC."""
    return (
        f"{WEEKDAYS[moment.weekday()]} {MONTHS[moment.month - 1]} {moment.day} "
        f"{moment:%H:%M:%S} UTC {moment.year}"
    )


class SrpClient:
    """The client side of section 4, as an application would write it from the spec."""

    def __init__(self, pool_id: str, password: str) -> None:
        self.pool_suffix = pool_id.split("_")[1]
        self.password = password
        self.a = as_int(secrets.token_bytes(128))
        self.A = pow(G, self.a, N)

    @property
    def srp_a(self) -> str:
        return format(self.A, "x")

    def answer(
        self, challenge: dict[str, str], *, moment: datetime | None = None
    ) -> dict[str, str]:
        """ChallengeResponses for a PASSWORD_VERIFIER challenge's parameters."""
        user_id = challenge["USER_ID_FOR_SRP"]
        salt, big_b = int(challenge["SALT"], 16), int(challenge["SRP_B"], 16)
        u = as_int(sha256(pad(self.A), pad(big_b)))
        inner = sha256(f"{self.pool_suffix}{user_id}:{self.password}".encode())
        x = as_int(sha256(pad(salt), inner))
        secret = pow(big_b - K_MULTIPLIER * pow(G, x, N), self.a + u * x, N)
        prk = hmac.digest(pad(u), pad(secret), "sha256")
        key = hmac.digest(prk, b"Caldera Derived Key\x01", "sha256")[:16]
        stamp = timestamp(moment or datetime.now(UTC))
        block = base64.b64decode(challenge["SECRET_BLOCK"])
        message = self.pool_suffix.encode() + user_id.encode() + block + stamp.encode()
        signature = base64.b64encode(hmac.digest(key, message, "sha256")).decode()
        return {
            "USERNAME": challenge["USERNAME"],
            "PASSWORD_CLAIM_SECRET_BLOCK": challenge["SECRET_BLOCK"],
            "PASSWORD_CLAIM_SIGNATURE": signature,
            "TIMESTAMP": stamp,
        }


def start(idp: Any, client_id: str, client: SrpClient, username: str) -> dict[str, Any]:
    answer: dict[str, Any] = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_SRP_AUTH",
        AuthParameters={"USERNAME": username, "SRP_A": client.srp_a},
    )
    return answer


def finish(idp: Any, client_id: str, challenge: dict[str, Any], responses: dict[str, str]) -> Any:
    """Answer as real clients do: no Session; the SECRET_BLOCK carries the state."""
    assert "Session" not in challenge
    return idp.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=responses
    )

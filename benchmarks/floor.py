"""The floor under a password sign-in: one argon2id verify at Cognitio's default parameters.

Measured in the harness's own process with Cognitio's PasswordHasher (the venv that runs the
harness has Cognitio installed), as CPU time, so that it compares with the server CPU per call of
InitiateAuth (USER_PASSWORD_AUTH).
"""

import time

from workload import PASSWORD

VERIFY_CALLS = 50


def argon2id_verify_cpu_s(calls: int = VERIFY_CALLS) -> float | None:
    """CPU seconds of one PasswordHasher.verify (mean of `calls`); None without Cognitio."""
    try:
        from cognitio.crypto.passwords import PasswordHasher
    except ImportError:
        return None
    hasher = PasswordHasher()
    try:
        stored = hasher.hash(PASSWORD)
        began = time.process_time()
        for _ in range(calls):
            if not hasher.verify(stored, PASSWORD):
                raise RuntimeError("argon2id verify rejected the password it hashed")
        return (time.process_time() - began) / calls
    finally:
        hasher.close()

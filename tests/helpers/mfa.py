"""A pool with software-token MFA, a user enrolled in it, and a code the server will accept."""

from __future__ import annotations

import time
from typing import Any

import pyotp
import pytest

from tests.helpers.pools import FLOWS, make_user, sign_in


def totp_pool(idp: Any, mode: str = "OPTIONAL") -> tuple[str, str]:
    pool_id = idp.create_user_pool(PoolName="totp")["UserPool"]["Id"]
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration=mode,
    )
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=FLOWS
    )["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def enrol(idp: Any, pool_id: str, client_id: str, name: str) -> pyotp.TOTP:
    make_user(idp, pool_id, name)
    token = sign_in(idp, client_id, name)["AccessToken"]
    secret = idp.associate_software_token(AccessToken=token)["SecretCode"]
    assert len(secret) == 32
    totp = pyotp.TOTP(secret)
    with pytest.raises(idp.exceptions.EnableSoftwareTokenMFAException):
        idp.verify_software_token(
            AccessToken=token, UserCode="000000" if totp.now() != "000000" else "111111"
        )
    assert idp.verify_software_token(AccessToken=token, UserCode=totp.now())["Status"] == "SUCCESS"
    idp.set_user_mfa_preference(
        AccessToken=token, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    user = idp.get_user(AccessToken=token)
    assert user["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    assert user["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"
    return totp


def next_step_code(totp: pyotp.TOTP) -> str:
    """A code for the next 30-second step (inside the server's window), unused so far."""
    return str(totp.at(time.time() + 30))

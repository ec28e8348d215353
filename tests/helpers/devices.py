"""A pool that remembers devices, a user with email MFA, and a device confirmed at sign-in."""

from __future__ import annotations

from typing import Any

from pycognito.aws_srp import AWSSRP, generate_hash_device

from tests.helpers.pools import FLOWS, PASSWORD, make_user

REMEMBER_ALWAYS = {"ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": False}
ON_PROMPT = {"ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": True}


def device_pool(
    idp: Any, devices: dict[str, bool] | None, mfa: str = "OPTIONAL"
) -> tuple[str, str]:
    options: dict[str, Any] = {"PoolName": "devices"}
    if devices is not None:
        options["DeviceConfiguration"] = devices
    pool_id = idp.create_user_pool(**options)["UserPool"]["Id"]
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        EmailMfaConfiguration={"Message": "Your code: {####}", "Subject": "Sign-in"},
        MfaConfiguration=mfa,
    )
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="app",
        ExplicitAuthFlows=[*FLOWS, "ALLOW_USER_SRP_AUTH"],
    )["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def password_sign_in(idp: Any, client_id: str, name: str, **extra: str) -> dict[str, Any]:
    answer: dict[str, Any] = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD, **extra},
    )
    return answer


def enrol(idp: Any, pool_id: str, name: str) -> None:
    """A user whose second factor is an emailed code."""
    make_user(idp, pool_id, name, email=f"{name}@example.com", email_verified="true")
    idp.admin_set_user_mfa_preference(
        UserPoolId=pool_id,
        Username=name,
        EmailMfaSettings={"Enabled": True, "PreferredMfa": True},
    )


def pass_mfa(idp: Any, server: Any, client_id: str, name: str, challenge: dict[str, Any]) -> Any:
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    return idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="EMAIL_OTP",
        Session=challenge["Session"],
        ChallengeResponses={
            "USERNAME": name,
            "EMAIL_OTP_CODE": server.last_code(f"{name}@example.com"),
        },
    )


class Device:
    """What a client keeps after ConfirmDevice: the keys and the device password."""

    def __init__(self, idp: Any, result: dict[str, Any]) -> None:
        metadata = result["NewDeviceMetadata"]
        self.key, self.group_key = metadata["DeviceKey"], metadata["DeviceGroupKey"]
        self.password, self.config = generate_hash_device(self.group_key, self.key)
        self.confirmation = idp.confirm_device(
            AccessToken=result["AccessToken"],
            DeviceKey=self.key,
            DeviceSecretVerifierConfig=self.config,
            DeviceName="test laptop",
        )

    def srp(self, pool_id: str, client_id: str, idp: Any, name: str) -> AWSSRP:
        return AWSSRP(
            name,
            PASSWORD,
            pool_id,
            client_id,
            client=idp,
            device_key=self.key,
            device_group_key=self.group_key,
            device_password=self.password,
        )


def remembered_device(idp: Any, server: Any, pool_id: str, client_id: str, name: str) -> Device:
    """A user with email MFA and a device confirmed on their first sign-in."""
    enrol(idp, pool_id, name)
    first = pass_mfa(idp, server, client_id, name, password_sign_in(idp, client_id, name))
    return Device(idp, first["AuthenticationResult"])

"""Remembered devices: NewDeviceMetadata, ConfirmDevice, device SRP (pycognito and a client
written from srp_spec.md section 5), email MFA skipped on a remembered device, the device
operations."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import generate_hash_device

from tests.helpers.devices import (
    ON_PROMPT,
    REMEMBER_ALWAYS,
    Device,
    device_pool,
    enrol,
    pass_mfa,
    password_sign_in,
    remembered_device,
)
from tests.helpers.errors import error_of
from tests.helpers.pools import PASSWORD, make_user
from tests.helpers.srp import SrpClient
from tests.helpers.tokens import claims


def device_srp(idp: Any, client_id: str, device: Device, name: str, challenge: Any) -> Any:
    """Answer DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER with the spec-written client."""
    assert challenge["ChallengeName"] == "DEVICE_SRP_AUTH"
    client = SrpClient("region_" + device.group_key, device.password)
    verifier = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="DEVICE_SRP_AUTH",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": name, "DEVICE_KEY": device.key, "SRP_A": client.srp_a},
    )
    assert verifier["ChallengeName"] == "DEVICE_PASSWORD_VERIFIER"
    parameters = {**verifier["ChallengeParameters"], "USER_ID_FOR_SRP": device.key}
    return idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="DEVICE_PASSWORD_VERIFIER",
        Session=verifier["Session"],
        ChallengeResponses={**client.answer(parameters), "DEVICE_KEY": device.key},
    )


def test_a_pool_without_device_tracking_issues_no_device(idp: Any, server: Any) -> None:
    pool_id, client_id = device_pool(idp, None)
    make_user(idp, pool_id, "plain")
    result = password_sign_in(idp, client_id, "plain")["AuthenticationResult"]
    assert "NewDeviceMetadata" not in result


def test_pycognito_signs_in_with_a_remembered_device_and_skips_mfa(idp: Any, server: Any) -> None:
    pool_id, client_id = device_pool(idp, REMEMBER_ALWAYS)
    device = remembered_device(idp, server, pool_id, client_id, "laptop-user")
    assert device.confirmation["UserConfirmationNecessary"] is False
    assert device.key.startswith(pool_id.split("_")[0] + "_")

    tokens = device.srp(pool_id, client_id, idp, "laptop-user").authenticate_user()

    result = tokens["AuthenticationResult"]
    assert "NewDeviceMetadata" not in result
    assert claims(result["AccessToken"])["device_key"] == device.key
    shown = idp.get_device(AccessToken=result["AccessToken"], DeviceKey=device.key)["Device"]
    attributes = {a["Name"]: a["Value"] for a in shown["DeviceAttributes"]}
    assert attributes["device_name"] == "test laptop"
    assert attributes["dev:device_remembered_status"] == "remembered"
    assert "DeviceLastAuthenticatedDate" in shown
    refreshed = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": result["RefreshToken"], "DEVICE_KEY": device.key},
    )["AuthenticationResult"]
    assert claims(refreshed["AccessToken"])["device_key"] == device.key


def test_a_forgotten_device_does_not_exist_and_mfa_comes_back(idp: Any, server: Any) -> None:
    pool_id, client_id = device_pool(idp, REMEMBER_ALWAYS)
    device = remembered_device(idp, server, pool_id, client_id, "forgetful")
    token = device.srp(pool_id, client_id, idp, "forgetful").authenticate_user()
    idp.forget_device(
        AccessToken=token["AuthenticationResult"]["AccessToken"], DeviceKey=device.key
    )

    with pytest.raises(ClientError) as excinfo:
        device.srp(pool_id, client_id, idp, "forgetful").authenticate_user()
    assert error_of(excinfo) == ("ResourceNotFoundException", "Device does not exist.")
    with pytest.raises(ClientError) as excinfo:
        password_sign_in(idp, client_id, "forgetful", DEVICE_KEY=device.key)
    assert error_of(excinfo) == ("ResourceNotFoundException", "Device does not exist.")

    again = password_sign_in(idp, client_id, "forgetful")
    result = pass_mfa(idp, server, client_id, "forgetful", again)["AuthenticationResult"]
    assert result["NewDeviceMetadata"]["DeviceKey"] != device.key
    assert result["NewDeviceMetadata"]["DeviceGroupKey"] == device.group_key


def test_an_unknown_device_fails_before_the_secret_block_is_used(idp: Any, server: Any) -> None:
    """amazon-cognito-identity-js recovers by sending the same answer without DEVICE_KEY."""
    pool_id, client_id = device_pool(idp, REMEMBER_ALWAYS)
    make_user(idp, pool_id, "recovering")
    srp_client = SrpClient(pool_id, PASSWORD)
    challenge = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_SRP_AUTH",
        AuthParameters={"USERNAME": "recovering", "SRP_A": srp_client.srp_a},
    )
    responses = srp_client.answer(challenge["ChallengeParameters"])
    stale = f"{pool_id.split('_')[0]}_0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    with pytest.raises(ClientError) as excinfo:
        idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="PASSWORD_VERIFIER",
            ChallengeResponses={**responses, "DEVICE_KEY": stale},
        )
    assert error_of(excinfo) == ("ResourceNotFoundException", "Device does not exist.")
    result = idp.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=responses
    )["AuthenticationResult"]
    assert result["NewDeviceMetadata"]["DeviceKey"].startswith(pool_id.split("_")[0] + "_")


def test_a_device_not_remembered_still_gets_mfa_then_proves_itself(idp: Any, server: Any) -> None:
    pool_id, client_id = device_pool(idp, ON_PROMPT)
    device = remembered_device(idp, server, pool_id, client_id, "asked")
    assert device.confirmation["UserConfirmationNecessary"] is True

    challenge = password_sign_in(idp, client_id, "asked", DEVICE_KEY=device.key)
    after_mfa = pass_mfa(idp, server, client_id, "asked", challenge)
    result = device_srp(idp, client_id, device, "asked", after_mfa)["AuthenticationResult"]
    assert claims(result["AccessToken"])["device_key"] == device.key

    idp.update_device_status(
        AccessToken=result["AccessToken"], DeviceKey=device.key, DeviceRememberedStatus="remembered"
    )
    skipped = password_sign_in(idp, client_id, "asked", DEVICE_KEY=device.key)
    assert skipped["ChallengeName"] == "DEVICE_SRP_AUTH"
    assert device_srp(idp, client_id, device, "asked", skipped)["AuthenticationResult"]


def test_without_challenge_required_on_new_device_mfa_is_never_skipped(
    idp: Any, server: Any
) -> None:
    pool_id, client_id = device_pool(
        idp, {"ChallengeRequiredOnNewDevice": False, "DeviceOnlyRememberedOnUserPrompt": False}
    )
    device = remembered_device(idp, server, pool_id, client_id, "strict")
    challenge = password_sign_in(idp, client_id, "strict", DEVICE_KEY=device.key)
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    after_mfa = pass_mfa(idp, server, client_id, "strict", challenge)
    assert device_srp(idp, client_id, device, "strict", after_mfa)["AuthenticationResult"]


def test_a_wrong_device_password_is_not_authorized(idp: Any, server: Any) -> None:
    pool_id, client_id = device_pool(idp, REMEMBER_ALWAYS)
    device = remembered_device(idp, server, pool_id, client_id, "impostor")
    device.password = "not-the-device-password"
    challenge = password_sign_in(idp, client_id, "impostor", DEVICE_KEY=device.key)
    with pytest.raises(ClientError) as excinfo:
        device_srp(idp, client_id, device, "impostor", challenge)
    assert error_of(excinfo) == ("NotAuthorizedException", "Incorrect username or password.")


def test_device_srp_needs_a_password_step_first(idp: Any, server: Any) -> None:
    """The device secret alone signs no one in, with or without a Session."""
    pool_id, client_id = device_pool(idp, REMEMBER_ALWAYS)
    device = remembered_device(idp, server, pool_id, client_id, "stolen-device")
    client = SrpClient("region_" + device.group_key, device.password)
    responses = {"USERNAME": "stolen-device", "DEVICE_KEY": device.key, "SRP_A": client.srp_a}
    with pytest.raises(ClientError) as excinfo:
        idp.respond_to_auth_challenge(
            ClientId=client_id, ChallengeName="DEVICE_SRP_AUTH", ChallengeResponses=responses
        )
    assert error_of(excinfo)[0] == "NotAuthorizedException"
    # One password step allows one device answer.
    challenge = password_sign_in(idp, client_id, "stolen-device", DEVICE_KEY=device.key)
    assert device_srp(idp, client_id, device, "stolen-device", challenge)["AuthenticationResult"]
    with pytest.raises(ClientError) as excinfo:
        idp.respond_to_auth_challenge(
            ClientId=client_id, ChallengeName="DEVICE_SRP_AUTH", ChallengeResponses=responses
        )
    assert error_of(excinfo)[0] == "NotAuthorizedException"


def test_device_operations_list_update_and_forget(idp: Any, server: Any) -> None:
    pool_id, client_id = device_pool(idp, ON_PROMPT)
    first = remembered_device(idp, server, pool_id, client_id, "owner")
    second_sign_in = pass_mfa(
        idp, server, client_id, "owner", password_sign_in(idp, client_id, "owner")
    )["AuthenticationResult"]
    second = Device(idp, second_sign_in)
    token = second_sign_in["AccessToken"]

    page = idp.list_devices(AccessToken=token, Limit=1)
    assert [d["DeviceKey"] for d in page["Devices"]] == [first.key]
    rest = idp.list_devices(AccessToken=token, Limit=1, PaginationToken=page["PaginationToken"])
    assert [d["DeviceKey"] for d in rest["Devices"]] == [second.key]
    assert "PaginationToken" not in rest
    listed = idp.admin_list_devices(UserPoolId=pool_id, Username="owner")["Devices"]
    assert {d["DeviceKey"] for d in listed} == {first.key, second.key}

    idp.admin_update_device_status(
        UserPoolId=pool_id,
        Username="owner",
        DeviceKey=first.key,
        DeviceRememberedStatus="remembered",
    )
    shown = idp.admin_get_device(UserPoolId=pool_id, Username="owner", DeviceKey=first.key)
    attributes = {a["Name"]: a["Value"] for a in shown["Device"]["DeviceAttributes"]}
    assert attributes["dev:device_remembered_status"] == "remembered"

    idp.admin_forget_device(UserPoolId=pool_id, Username="owner", DeviceKey=first.key)
    with pytest.raises(idp.exceptions.ResourceNotFoundException):
        idp.get_device(AccessToken=token, DeviceKey=first.key)
    assert [d["DeviceKey"] for d in idp.list_devices(AccessToken=token)["Devices"]] == [second.key]


def test_another_users_device_does_not_exist_for_them(idp: Any, server: Any) -> None:
    pool_id, client_id = device_pool(idp, REMEMBER_ALWAYS)
    device = remembered_device(idp, server, pool_id, client_id, "alice")
    enrol(idp, pool_id, "mallory")
    with pytest.raises(ClientError) as excinfo:
        idp.admin_get_device(UserPoolId=pool_id, Username="mallory", DeviceKey=device.key)
    assert error_of(excinfo) == ("ResourceNotFoundException", "Device does not exist.")
    with pytest.raises(idp.exceptions.ResourceNotFoundException):
        idp.admin_forget_device(UserPoolId=pool_id, Username="mallory", DeviceKey=device.key)
    with pytest.raises(idp.exceptions.ResourceNotFoundException):
        password_sign_in(idp, client_id, "mallory", DEVICE_KEY=device.key)


def test_confirm_device_checks_its_input_and_happens_once(idp: Any, server: Any) -> None:
    pool_id, client_id = device_pool(idp, REMEMBER_ALWAYS)
    enrol(idp, pool_id, "careful")
    result = pass_mfa(
        idp, server, client_id, "careful", password_sign_in(idp, client_id, "careful")
    )["AuthenticationResult"]
    key = result["NewDeviceMetadata"]["DeviceKey"]
    token = result["AccessToken"]
    _, config = generate_hash_device(result["NewDeviceMetadata"]["DeviceGroupKey"], key)
    with pytest.raises(idp.exceptions.InvalidParameterException):
        idp.confirm_device(AccessToken=token, DeviceKey=key)
    with pytest.raises(idp.exceptions.InvalidParameterException):
        idp.confirm_device(
            AccessToken=token,
            DeviceKey=key,
            DeviceSecretVerifierConfig={**config, "PasswordVerifier": "not base64!"},
        )
    with pytest.raises(idp.exceptions.InvalidParameterException):
        idp.confirm_device(
            AccessToken=token,
            DeviceKey=key,
            DeviceSecretVerifierConfig={**config, "PasswordVerifier": "AQ=="},
        )
    assert idp.confirm_device(AccessToken=token, DeviceKey=key, DeviceSecretVerifierConfig=config)
    with pytest.raises(idp.exceptions.DeviceKeyExistsException):
        idp.confirm_device(AccessToken=token, DeviceKey=key, DeviceSecretVerifierConfig=config)
    with pytest.raises(idp.exceptions.InvalidParameterException):
        idp.update_device_status(AccessToken=token, DeviceKey=key)


def test_unconfirmed_devices_are_not_listed(idp: Any, server: Any) -> None:
    pool_id, client_id = device_pool(idp, REMEMBER_ALWAYS, mfa="OFF")
    make_user(idp, pool_id, "hasty")
    result = password_sign_in(idp, client_id, "hasty")["AuthenticationResult"]
    assert result["NewDeviceMetadata"]
    assert idp.list_devices(AccessToken=result["AccessToken"])["Devices"] == []
    with pytest.raises(idp.exceptions.ResourceNotFoundException):
        idp.get_device(
            AccessToken=result["AccessToken"], DeviceKey=result["NewDeviceMetadata"]["DeviceKey"]
        )


def test_a_device_of_one_pool_does_not_exist_in_another(idp: Any, server: Any) -> None:
    pool_id, client_id = device_pool(idp, REMEMBER_ALWAYS)
    device = remembered_device(idp, server, pool_id, client_id, "roamer")
    other_pool, other_client = device_pool(idp, REMEMBER_ALWAYS)
    enrol(idp, other_pool, "roamer")
    with pytest.raises(idp.exceptions.ResourceNotFoundException):
        password_sign_in(idp, other_client, "roamer", DEVICE_KEY=device.key)

"""amazon-cognito-identity-js against a running server: SRP sign-in, refresh, password change.

The library is pointed at the server with CognitoUserPool's ``endpoint`` option. The Node
script prints one JSON line; every HTTP exchange it made is kept for the failure message.
"""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.node import needs_node
from tests.server import ServerProcess

NODE_DIR = Path(__file__).parent
SCRIPT = NODE_DIR / "identity_js_flow.js"
PASSWORD = "Corr3ct-horse!"
NEW_PASSWORD = "N3w-battery-staple!"
FLOWS = ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_PASSWORD_AUTH"]

# A laptop without Node.js skips these; CI (COGNITIO_CI=1, set by .ci/run) fails instead.
pytestmark = needs_node


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """Install the pinned Node dependencies once (slow the first time: it downloads them)."""
    installed = NODE_DIR / "node_modules"
    if not installed.is_dir():
        completed = subprocess.run(
            ["npm", "ci", "--prefix", str(NODE_DIR), "--no-audit", "--no-fund"],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert completed.returncode == 0, f"npm ci failed:\n{completed.stdout}{completed.stderr}"
    return installed


def setup_pool(idp: Any, username: str, **pool_options: Any) -> tuple[str, str]:
    """A pool, a client without a secret (the library cannot send SECRET_HASH), one user."""
    pool_id = idp.create_user_pool(PoolName="identity-js", **pool_options)["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="browser", ExplicitAuthFlows=FLOWS
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}],
    )
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True
    )
    return pool_id, client_id


def run_flow(server: ServerProcess, **inputs: Any) -> tuple[dict[str, Any], str]:
    """Run the Node script; return its JSON result and its HTTP trace."""
    completed = subprocess.run(
        ["node", str(SCRIPT), json.dumps({"endpoint": server.url + "/", **inputs})],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COGNITIO_TRACE_HTTP": "1"},
        check=False,
    )
    trace = completed.stderr
    assert completed.returncode == 0, f"node failed:\n{completed.stdout}\n{trace}"
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    assert "error" not in result, f"{result['error']}\n{trace}"
    return result, trace


def test_srp_sign_in_refresh_and_password_change(
    idp: Any, server: ServerProcess, node_modules: Path
) -> None:
    username = f"js-{uuid.uuid4().hex[:8]}"
    pool_id, client_id = setup_pool(idp, username)
    result, trace = run_flow(
        server,
        userPoolId=pool_id,
        clientId=client_id,
        username=username,
        password=PASSWORD,
        newPassword=NEW_PASSWORD,
    )
    steps = result["steps"]
    for name in ("signIn", "refresh", "changePassword", "signInAgain"):
        assert steps.get(name, {}).get("ok"), f"{name}: {steps.get(name)}\n{trace}"
    for name in ("signIn", "refresh", "signInAgain"):
        assert steps[name]["username"] == username
    assert steps["refresh"]["refreshToken"] == steps["signIn"]["refreshToken"]
    requests = [json.loads(line) for line in trace.splitlines() if '"request"' in line]
    calls = [(entry["target"].rsplit(".", 1)[-1], json.loads(entry["body"])) for entry in requests]
    # Both sign-ins really were SRP: USER_SRP_AUTH answered by PASSWORD_VERIFIER.
    assert [body.get("AuthFlow") or body.get("ChallengeName") for _, body in calls] == [
        "USER_SRP_AUTH",
        "PASSWORD_VERIFIER",
        "REFRESH_TOKEN_AUTH",
        None,
        "USER_SRP_AUTH",
        "PASSWORD_VERIFIER",
    ], trace
    assert [operation for operation, _ in calls][3] == "ChangePassword", trace
    for name in ("refresh", "signInAgain"):
        user = idp.get_user(AccessToken=steps[name]["accessToken"])
        assert user["Username"] == username
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
        )


def test_srp_sign_in_with_wrong_password_is_not_authorized(
    idp: Any, server: ServerProcess, node_modules: Path
) -> None:
    username = f"js-{uuid.uuid4().hex[:8]}"
    pool_id, client_id = setup_pool(idp, username)
    result, trace = run_flow(
        server,
        userPoolId=pool_id,
        clientId=client_id,
        username=username,
        password="Wrong-passw0rd!",
    )
    sign_in = result["steps"]["signIn"]
    assert not sign_in["ok"], trace
    assert sign_in["error"]["code"] == "NotAuthorizedException", trace
    assert sign_in["error"]["message"] == "Incorrect username or password.", trace


def test_a_remembered_device_signs_in_with_device_srp_and_recovers_when_forgotten(
    idp: Any, server: ServerProcess, node_modules: Path
) -> None:
    """The library confirms the device itself, proves it on the next sign-in, and signs in
    without it (getting a new one) once the server has forgotten it."""
    username = f"js-{uuid.uuid4().hex[:8]}"
    remember = {"ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": False}
    pool_id, client_id = setup_pool(idp, username, DeviceConfiguration=remember)
    result, trace = run_flow(
        server,
        userPoolId=pool_id,
        clientId=client_id,
        username=username,
        password=PASSWORD,
        devices=True,
    )
    steps = result["steps"]
    for name in ("signIn", "deviceSignIn", "forget", "signInAfterForget"):
        assert steps.get(name, {}).get("ok"), f"{name}: {steps.get(name)}\n{trace}"
    first_key = steps["signIn"]["deviceKey"]
    assert first_key and steps["signInAfterForget"]["deviceKey"] not in (None, first_key)
    requests = [json.loads(line) for line in trace.splitlines() if '"request"' in line]
    calls = [(entry["target"].rsplit(".", 1)[-1], json.loads(entry["body"])) for entry in requests]
    assert [body.get("AuthFlow") or body.get("ChallengeName") or op for op, body in calls] == [
        "USER_SRP_AUTH",
        "PASSWORD_VERIFIER",
        "ConfirmDevice",
        "USER_SRP_AUTH",
        "PASSWORD_VERIFIER",
        "DEVICE_SRP_AUTH",
        "DEVICE_PASSWORD_VERIFIER",
        "ForgetDevice",
        "USER_SRP_AUTH",
        "PASSWORD_VERIFIER",  # names the forgotten device: "Device does not exist."
        "PASSWORD_VERIFIER",  # the same answer again without it
        "ConfirmDevice",
    ], trace
    assert calls[9][1]["ChallengeResponses"]["DEVICE_KEY"] == first_key
    assert calls[10][1]["ChallengeResponses"].get("DEVICE_KEY") is None
    assert (
        calls[10][1]["ChallengeResponses"]["PASSWORD_CLAIM_SECRET_BLOCK"]
        == calls[9][1]["ChallengeResponses"]["PASSWORD_CLAIM_SECRET_BLOCK"]
    )
    shown = idp.admin_list_devices(UserPoolId=pool_id, Username=username)["Devices"]
    assert [d["DeviceKey"] for d in shown] == [steps["signInAfterForget"]["deviceKey"]]

"""Issue 11, deliver 7: no password, code, token, Session or secret reaches the server's output,
at debug level, whatever path they took (one server driven through every sign-in and message
path, then its whole output searched)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import shutil
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pyotp
import pytest
from authlib.common.security import generate_token
from pycognito.aws_srp import AWSSRP

from tests.conftest import client
from tests.helpers.oauth import CALLBACK, SCOPES, Browser
from tests.mailbox import Mailbox
from tests.server import SECRET_ACCESS_KEY, ServerProcess

FLOWS = [
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_USER_AUTH",
]
ARN = "arn:aws:lambda:us-east-1:123456789012:function:{}"
PASSWORDS = ["Corr3ct-horse!", "S3cond-battery!", "Th1rd-staple!!", "F0urth-pencil!"]
WRONG_PASSWORD = "Wr0ng-guess-77!"
MIGRATED_PASSWORD = "M1grated-over-9!"
EXPLICIT_TEMPORARY = "T3mporary-gate!"


class Secrets:
    """Everything secret the test sent or received, to look for in the output afterwards."""

    def __init__(self) -> None:
        self.values: set[str] = set()

    def add(self, *values: str | None) -> None:
        self.values.update(v for v in values if v)

    def tokens(self, answer: dict[str, Any]) -> dict[str, Any]:
        """Keep the Session and every token of an InitiateAuth or RespondToAuthChallenge."""
        self.add(answer.get("Session"))
        result = answer.get("AuthenticationResult") or {}
        self.add(result.get("AccessToken"), result.get("IdToken"), result.get("RefreshToken"))
        return answer


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def write_config(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for module in (Path(__file__).parent.parent / "lambdas").glob("*.py"):
        shutil.copy(module, folder / module.name)
    path = folder / "cognitio.toml"
    path.write_text('[functions]\nlogging-migration = "python:handlers:logging_user_migration"\n')
    return path


def test_no_secret_reaches_the_output_at_debug_level(
    backend: str, make_server: Any, mailbox: Mailbox, tmp_path: Path
) -> None:
    """Issue 11 deliver 7: passwords, codes, tokens, Sessions and secrets are never logged."""
    config = write_config(tmp_path / "functions")
    server: ServerProcess = make_server(backend, extra_env={"COGNITIO_SMTP_URL": mailbox.url})
    server.start("--log-level", "debug", "--config", str(config))
    found = Secrets()
    found.add(SECRET_ACCESS_KEY, WRONG_PASSWORD, MIGRATED_PASSWORD, EXPLICIT_TEMPORARY, *PASSWORDS)
    try:
        drive_every_path(server, mailbox, found)
    finally:
        server.stop()
    log = server.log()
    # The server did log at debug level, and the handler's event line is there, masked.
    assert "DEBUG" in log
    assert "UserMigration event:" in log and "'password': '***'" in log
    leaked = sorted(
        value
        for value in found.values
        if re.search(rf"(?<![0-9A-Za-z]){re.escape(value)}(?![0-9A-Za-z])", log)
    )
    assert leaked == [], f"secrets in the output: {leaked}"


def drive_every_path(server: ServerProcess, mailbox: Mailbox, found: Secrets) -> None:
    idp = client("cognito-idp", server.url)
    pool_id = idp.create_user_pool(
        PoolName="logs",
        AutoVerifiedAttributes=["email"],
        Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}},
    )["UserPool"]["Id"]
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="OPTIONAL",
    )
    app = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="app",
        GenerateSecret=True,
        ExplicitAuthFlows=FLOWS,
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=SCOPES,
        CallbackURLs=[CALLBACK],
        SupportedIdentityProviders=["COGNITO"],
    )["UserPoolClient"]
    client_id, client_secret = app["ClientId"], app["ClientSecret"]
    found.add(client_secret)

    def secret_hash(name: str) -> str:
        digest = hmac.digest(client_secret.encode(), (name + client_id).encode(), "sha256")
        value = base64.b64encode(digest).decode()
        found.add(value)
        return value

    def password_sign_in(name: str, password: str) -> dict[str, Any]:
        return found.tokens(
            idp.initiate_auth(
                ClientId=client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={
                    "USERNAME": name,
                    "PASSWORD": password,
                    "SECRET_HASH": secret_hash(name),
                },
            )
        )

    def last_code(address: str) -> str:
        code = mailbox.last_code(address)
        found.add(code)
        return code

    # SignUp, a wrong code, ResendConfirmationCode, ConfirmSignUp.
    alice, alice_mail = "alice", f"alice-{pool_id.lower()}@example.com"
    idp.sign_up(
        ClientId=client_id,
        SecretHash=secret_hash(alice),
        Username=alice,
        Password=PASSWORDS[0],
        UserAttributes=[{"Name": "email", "Value": alice_mail}],
    )
    first = last_code(alice_mail)
    with pytest.raises(idp.exceptions.CodeMismatchException):
        idp.confirm_sign_up(
            ClientId=client_id,
            SecretHash=secret_hash(alice),
            Username=alice,
            ConfirmationCode=wrong(first),
        )
    idp.resend_confirmation_code(ClientId=client_id, SecretHash=secret_hash(alice), Username=alice)
    idp.confirm_sign_up(
        ClientId=client_id,
        SecretHash=secret_hash(alice),
        Username=alice,
        ConfirmationCode=last_code(alice_mail),
    )

    # USER_PASSWORD_AUTH (wrong, then right), REFRESH_TOKEN_AUTH, USER_SRP_AUTH (wrong and right).
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        password_sign_in(alice, WRONG_PASSWORD)
    tokens = password_sign_in(alice, PASSWORDS[0])["AuthenticationResult"]
    found.tokens(
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={
                "REFRESH_TOKEN": tokens["RefreshToken"],
                "SECRET_HASH": secret_hash(alice),
            },
        )
    )
    for password in (WRONG_PASSWORD, PASSWORDS[0]):
        srp = AWSSRP(alice, password, pool_id, client_id, client=idp, client_secret=client_secret)
        if password == WRONG_PASSWORD:
            with pytest.raises(idp.exceptions.NotAuthorizedException):
                srp.authenticate_user()
        else:
            found.tokens(srp.authenticate_user())

    # ForgotPassword and ConfirmForgotPassword (a wrong code first), ChangePassword (a wrong one).
    idp.forgot_password(ClientId=client_id, SecretHash=secret_hash(alice), Username=alice)
    reset = last_code(alice_mail)
    with pytest.raises(idp.exceptions.CodeMismatchException):
        idp.confirm_forgot_password(
            ClientId=client_id,
            SecretHash=secret_hash(alice),
            Username=alice,
            ConfirmationCode=wrong(reset),
            Password=PASSWORDS[1],
        )
    idp.confirm_forgot_password(
        ClientId=client_id,
        SecretHash=secret_hash(alice),
        Username=alice,
        ConfirmationCode=reset,
        Password=PASSWORDS[1],
    )
    access = password_sign_in(alice, PASSWORDS[1])["AuthenticationResult"]["AccessToken"]
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.change_password(
            AccessToken=access, PreviousPassword=WRONG_PASSWORD, ProposedPassword=PASSWORDS[2]
        )
    idp.change_password(
        AccessToken=access, PreviousPassword=PASSWORDS[1], ProposedPassword=PASSWORDS[2]
    )

    # TOTP: association, verification, then SOFTWARE_TOKEN_MFA (a wrong code, then the right one).
    access = password_sign_in(alice, PASSWORDS[2])["AuthenticationResult"]["AccessToken"]
    secret_code = idp.associate_software_token(AccessToken=access)["SecretCode"]
    found.add(secret_code)
    totp = pyotp.TOTP(secret_code)
    enrol_code = totp.now()
    found.add(enrol_code)
    idp.verify_software_token(AccessToken=access, UserCode=enrol_code)
    idp.set_user_mfa_preference(
        AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    sign_in_code = totp.at(time.time() + 30)
    found.add(sign_in_code)
    for code in (wrong(sign_in_code), sign_in_code):
        challenge = password_sign_in(alice, PASSWORDS[2])
        assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
        responses = {
            "USERNAME": alice,
            "SOFTWARE_TOKEN_MFA_CODE": code,
            "SECRET_HASH": secret_hash(alice),
        }
        if code != sign_in_code:
            with pytest.raises(idp.exceptions.CodeMismatchException):
                idp.respond_to_auth_challenge(
                    ClientId=client_id,
                    ChallengeName="SOFTWARE_TOKEN_MFA",
                    Session=challenge["Session"],
                    ChallengeResponses=responses,
                )
        else:
            found.tokens(
                idp.respond_to_auth_challenge(
                    ClientId=client_id,
                    ChallengeName="SOFTWARE_TOKEN_MFA",
                    Session=challenge["Session"],
                    ChallengeResponses=responses,
                )
            )

    # EMAIL_OTP as a first factor (USER_AUTH), for a user without MFA.
    bob, bob_mail = "bob", f"bob-{pool_id.lower()}@example.com"
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username=bob,
        TemporaryPassword=EXPLICIT_TEMPORARY,
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": bob_mail},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username=bob, Password=PASSWORDS[3], Permanent=True
    )
    otp = found.tokens(
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_AUTH",
            AuthParameters={
                "USERNAME": bob,
                "PREFERRED_CHALLENGE": "EMAIL_OTP",
                "SECRET_HASH": secret_hash(bob),
            },
        )
    )
    assert otp["ChallengeName"] == "EMAIL_OTP"
    found.tokens(
        idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="EMAIL_OTP",
            Session=otp["Session"],
            ChallengeResponses={
                "USERNAME": bob,
                "EMAIL_OTP_CODE": last_code(bob_mail),
                "SECRET_HASH": secret_hash(bob),
            },
        )
    )

    # AdminCreateUser with a generated temporary password, mailed; NEW_PASSWORD_REQUIRED.
    carol, carol_mail = "carol", f"carol-{pool_id.lower()}@example.com"
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username=carol,
        DesiredDeliveryMediums=["EMAIL"],
        UserAttributes=[
            {"Name": "email", "Value": carol_mail},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    invitation = mailbox.to(carol_mail)[-1].body
    temporary = re.search(r"temporary password is (\S+?)\.?\s*$", invitation)
    assert temporary, invitation
    found.add(temporary.group(1))
    challenge = password_sign_in(carol, temporary.group(1))
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    found.tokens(
        idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=challenge["Session"],
            ChallengeResponses={
                "USERNAME": carol,
                "NEW_PASSWORD": PASSWORDS[3],
                "SECRET_HASH": secret_hash(carol),
            },
        )
    )

    oauth_code_flow(server, client_id, client_secret, found)
    migration(idp, found)


def oauth_code_flow(
    server: ServerProcess, client_id: str, client_secret: str, found: Secrets
) -> None:
    """The hosted sign-in (a wrong password, then the right one), the code exchange at
    /oauth2/token with a wrong secret and the right one, and a refresh_token grant."""
    verifier = generate_token(48)
    found.add(verifier)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode()
    query = httpx.QueryParams(
        response_type="code",
        client_id=client_id,
        redirect_uri=CALLBACK,
        scope="openid email",
        state="st-123",
        code_challenge=challenge.rstrip("="),
        code_challenge_method="S256",
    )
    authorize = f"/oauth2/authorize?{query}"
    browser = Browser(server.url)
    wrong_page = browser.sign_in(authorize, "alice", WRONG_PASSWORD)
    assert wrong_page.status_code in (200, 400), wrong_page.text
    # bob has no MFA: the right password leads straight back to the app with a code.
    callback = browser.follow(browser.sign_in(authorize, "bob", PASSWORDS[3]))
    assert callback.status_code == 302, callback.text
    location = callback.headers["location"]
    assert location.startswith(CALLBACK), location
    code = parse_qs(urlsplit(location).query)["code"][0]
    found.add(code)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": CALLBACK,
        "code_verifier": verifier,
    }
    with httpx.Client(base_url=server.url) as http:
        refused = http.post("/oauth2/token", data=form, auth=(client_id, "not-" + client_secret))
        assert refused.status_code in (400, 401), refused.text
        tokens = http.post("/oauth2/token", data=form, auth=(client_id, client_secret))
        assert tokens.status_code == 200, tokens.text
        issued = tokens.json()
        found.add(issued["access_token"], issued["id_token"], issued["refresh_token"])
        refreshed = http.post(
            "/oauth2/token",
            data={"grant_type": "refresh_token", "refresh_token": issued["refresh_token"]},
            auth=(client_id, client_secret),
        )
        assert refreshed.status_code == 200, refreshed.text
        found.add(refreshed.json()["access_token"], refreshed.json()["id_token"])
    for cookie in browser.http.cookies.jar:
        found.add(cookie.value)


def migration(idp: Any, found: Secrets) -> None:
    """A UserMigration handler that logs its event, password included, through `logging`."""
    pool_id = idp.create_user_pool(
        PoolName="migration", LambdaConfig={"UserMigration": ARN.format("logging-migration")}
    )["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=FLOWS
    )["UserPoolClient"]["ClientId"]
    found.tokens(
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "migrant", "PASSWORD": MIGRATED_PASSWORD},
        )
    )

"""Passkeys: registration and sign-in with a software authenticator's real signatures, and the
checks on relying party, origin, challenge, client and user verification."""

from __future__ import annotations

import json
from typing import Any

import cbor2
import pytest
from botocore.exceptions import ClientError

from tests.authenticator import SoftAuthenticator, b64url, unb64url
from tests.helpers.errors import error_of
from tests.helpers.pools import PASSWORD, make_user, sign_in

RP_ID = "app.example.com"
ORIGIN = f"https://{RP_ID}"
FLOWS = ["ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


def passkey_pool(
    idp: Any, *, factors: tuple[str, ...] = ("PASSWORD", "WEB_AUTHN"), **webauthn: str
) -> tuple[str, str]:
    pool_id = idp.create_user_pool(
        PoolName="passkeys",
        Policies={"SignInPolicy": {"AllowedFirstAuthFactors": list(factors)}},
    )["UserPool"]["Id"]
    settings = {"RelyingPartyId": RP_ID, "UserVerification": "required", **webauthn}
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        WebAuthnConfiguration={k: v for k, v in settings.items() if v},
        MfaConfiguration="OFF",
    )
    return pool_id, new_client(idp, pool_id)


def new_client(idp: Any, pool_id: str) -> str:
    client_id: str = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=FLOWS
    )["UserPoolClient"]["ClientId"]
    return client_id


def register(idp: Any, token: str, authenticator: SoftAuthenticator, **create: Any) -> Any:
    options = idp.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    credential = authenticator.create(options, **create)
    return idp.complete_web_authn_registration(AccessToken=token, Credential=credential)


def passkey_challenge(idp: Any, client_id: str, name: str) -> dict[str, Any]:
    challenge: dict[str, Any] = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": name, "PREFERRED_CHALLENGE": "WEB_AUTHN"},
    )
    assert challenge["ChallengeName"] == "WEB_AUTHN"
    return challenge


def answer(idp: Any, client_id: str, name: str, challenge: dict[str, Any], credential: Any) -> Any:
    return idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="WEB_AUTHN",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": name, "CREDENTIAL": json.dumps(credential)},
    )


def enrolled(idp: Any, name: str) -> tuple[str, str, str, SoftAuthenticator]:
    pool_id, client_id = passkey_pool(idp)
    make_user(idp, pool_id, name, email=f"{name}@example.com")
    token = sign_in(idp, client_id, name)["AccessToken"]
    authenticator = SoftAuthenticator(ORIGIN)
    register(idp, token, authenticator)
    return pool_id, client_id, token, authenticator


def test_a_passkey_is_registered_and_signs_in_without_a_password(idp: Any) -> None:
    _, client_id, token, authenticator = enrolled(idp, "passkey-user")

    options = idp.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    assert options["rp"] == {"id": RP_ID, "name": "passkeys"}
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert [c["id"] for c in options["excludeCredentials"]] == [
        b64url(authenticator.credentials[0].credential_id)
    ]
    listed = idp.list_web_authn_credentials(AccessToken=token)["Credentials"]
    assert len(listed) == 1
    assert listed[0]["CredentialId"] == b64url(authenticator.credentials[0].credential_id)
    assert listed[0]["RelyingPartyId"] == RP_ID
    assert listed[0]["AuthenticatorAttachment"] == "platform"
    assert listed[0]["AuthenticatorTransports"] == ["internal", "hybrid"]
    factors = idp.get_user_auth_factors(AccessToken=token)["ConfiguredUserAuthFactors"]
    assert factors == ["PASSWORD", "WEB_AUTHN"]

    challenge = passkey_challenge(idp, client_id, "passkey-user")
    request = json.loads(challenge["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    assert request["rpId"] == RP_ID
    assert request["userVerification"] == "required"
    result = answer(idp, client_id, "passkey-user", challenge, authenticator.get(request))
    tokens = result["AuthenticationResult"]
    assert idp.get_user(AccessToken=tokens["AccessToken"])["Username"] == "passkey-user"

    selection = idp.initiate_auth(
        ClientId=client_id, AuthFlow="USER_AUTH", AuthParameters={"USERNAME": "passkey-user"}
    )
    assert selection["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP", "WEB_AUTHN"]
    chosen = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="SELECT_CHALLENGE",
        Session=selection["Session"],
        ChallengeResponses={"USERNAME": "passkey-user", "ANSWER": "WEB_AUTHN"},
    )
    request = json.loads(chosen["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    assert answer(idp, client_id, "passkey-user", chosen, authenticator.get(request))


def test_an_assertion_works_once_and_for_its_own_challenge(idp: Any) -> None:
    _, client_id, _, authenticator = enrolled(idp, "replayed")
    first = passkey_challenge(idp, client_id, "replayed")
    options = json.loads(first["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    assertion = authenticator.get(options)
    assert answer(idp, client_id, "replayed", first, assertion)["AuthenticationResult"]
    with pytest.raises(idp.exceptions.NotAuthorizedException, match="only be used once"):
        answer(idp, client_id, "replayed", first, assertion)
    second = passkey_challenge(idp, client_id, "replayed")
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        answer(idp, client_id, "replayed", second, assertion)


def test_a_tampered_signature_is_not_authorized(idp: Any) -> None:
    _, client_id, _, authenticator = enrolled(idp, "tampered")
    challenge = passkey_challenge(idp, client_id, "tampered")
    options = json.loads(challenge["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    assertion = authenticator.get(options)
    signature = bytearray(unb64url(assertion["response"]["signature"]))
    signature[-1] ^= 1
    assertion["response"]["signature"] = b64url(bytes(signature))
    with pytest.raises(ClientError) as excinfo:
        answer(idp, client_id, "tampered", challenge, assertion)
    assert error_of(excinfo) == (
        "NotAuthorizedException",
        "The passkey's signature could not be verified.",
    )


def test_another_users_passkey_does_not_sign_in(idp: Any) -> None:
    pool_id, client_id, _, authenticator = enrolled(idp, "owner")
    make_user(idp, pool_id, "other")
    other_token = sign_in(idp, client_id, "other")["AccessToken"]
    register(idp, other_token, SoftAuthenticator(ORIGIN))
    challenge = passkey_challenge(idp, client_id, "other")
    options = json.loads(challenge["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    options["allowCredentials"] = []  # the owner's authenticator answers anyway
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        answer(idp, client_id, "other", challenge, authenticator.get(options))


def test_registration_checks_origin_relying_party_and_user_verification(idp: Any) -> None:
    pool_id, client_id = passkey_pool(idp)
    make_user(idp, pool_id, "checked")
    token = sign_in(idp, client_id, "checked")["AccessToken"]
    with pytest.raises(idp.exceptions.WebAuthnOriginNotAllowedException):
        register(idp, token, SoftAuthenticator("https://evil.example.net"))
    with pytest.raises(idp.exceptions.WebAuthnOriginNotAllowedException):
        register(idp, token, SoftAuthenticator(f"http://{RP_ID}"))
    with pytest.raises(idp.exceptions.WebAuthnRelyingPartyMismatchException):
        register(idp, token, SoftAuthenticator(ORIGIN), rp_id="other.example.com")
    with pytest.raises(ClientError) as excinfo:
        register(idp, token, SoftAuthenticator(ORIGIN, user_verifying=False))
    assert error_of(excinfo)[0] == "InvalidParameterException"
    assert idp.list_web_authn_credentials(AccessToken=token)["Credentials"] == []
    # A page on a subdomain of the relying party may register.
    register(idp, token, SoftAuthenticator(f"https://login.{RP_ID}:8443"))
    assert len(idp.list_web_authn_credentials(AccessToken=token)["Credentials"]) == 1


def test_completing_needs_a_started_registration_from_the_same_client(idp: Any) -> None:
    pool_id, client_id = passkey_pool(idp)
    make_user(idp, pool_id, "started")
    token = sign_in(idp, client_id, "started")["AccessToken"]
    authenticator = SoftAuthenticator(ORIGIN)
    options = idp.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    other_token = sign_in(idp, new_client(idp, pool_id), "started")["AccessToken"]
    with pytest.raises(idp.exceptions.WebAuthnClientMismatchException):
        idp.complete_web_authn_registration(
            AccessToken=other_token, Credential=authenticator.create(options)
        )
    credential = authenticator.create(options)
    idp.complete_web_authn_registration(AccessToken=token, Credential=credential)
    with pytest.raises(idp.exceptions.WebAuthnChallengeNotFoundException):
        idp.complete_web_authn_registration(AccessToken=token, Credential=credential)
    with pytest.raises(idp.exceptions.InvalidParameterException):
        idp.complete_web_authn_registration(AccessToken=token, Credential={"id": "x"})


@pytest.mark.parametrize(
    "credential",
    [["x"], "text", {"response": "x"}, {"response": {"clientDataJSON": 5}}],
)
def test_a_credential_that_is_not_a_public_key_credential_is_an_invalid_parameter(
    idp: Any, credential: Any
) -> None:
    _, client_id, token, _ = enrolled(idp, "odd")
    idp.start_web_authn_registration(AccessToken=token)
    with pytest.raises(idp.exceptions.InvalidParameterException, match="not a WebAuthn"):
        idp.complete_web_authn_registration(AccessToken=token, Credential=credential)
    challenge = passkey_challenge(idp, client_id, "odd")
    with pytest.raises(idp.exceptions.InvalidParameterException, match="not a WebAuthn"):
        answer(idp, client_id, "odd", challenge, credential)


def test_transports_that_are_not_a_list_are_ignored(idp: Any) -> None:
    pool_id, client_id = passkey_pool(idp)
    make_user(idp, pool_id, "portless")
    token = sign_in(idp, client_id, "portless")["AccessToken"]
    options = idp.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    credential = SoftAuthenticator(ORIGIN).create(options)
    credential["response"]["transports"] = 5
    idp.complete_web_authn_registration(AccessToken=token, Credential=credential)
    listed = idp.list_web_authn_credentials(AccessToken=token)["Credentials"]
    assert len(listed) == 1 and not listed[0].get("AuthenticatorTransports")


def test_passkeys_need_the_pool_to_enable_them(idp: Any) -> None:
    pool_id, client_id = passkey_pool(idp, factors=("PASSWORD",))
    make_user(idp, pool_id, "early")
    token = sign_in(idp, client_id, "early")["AccessToken"]
    with pytest.raises(idp.exceptions.WebAuthnNotEnabledException):
        idp.start_web_authn_registration(AccessToken=token)
    pool_id, client_id = passkey_pool(idp, RelyingPartyId="")
    make_user(idp, pool_id, "early")
    token = sign_in(idp, client_id, "early")["AccessToken"]
    with pytest.raises(idp.exceptions.WebAuthnConfigurationMissingException):
        idp.start_web_authn_registration(AccessToken=token)


def test_a_deleted_passkey_no_longer_signs_in(idp: Any) -> None:
    _, client_id, token, authenticator = enrolled(idp, "deleting")
    credential_id = b64url(authenticator.credentials[0].credential_id)
    idp.delete_web_authn_credential(AccessToken=token, CredentialId=credential_id)
    assert idp.list_web_authn_credentials(AccessToken=token)["Credentials"] == []
    with pytest.raises(idp.exceptions.ResourceNotFoundException):
        idp.delete_web_authn_credential(AccessToken=token, CredentialId=credential_id)
    with pytest.raises(idp.exceptions.InvalidParameterException):
        passkey_challenge(idp, client_id, "deleting")
    assert (
        "WEB_AUTHN" not in idp.get_user_auth_factors(AccessToken=token)["ConfiguredUserAuthFactors"]
    )


def test_credentials_are_listed_in_pages(idp: Any) -> None:
    _, _, token, _ = enrolled(idp, "collector")
    for _ in range(2):
        register(idp, token, SoftAuthenticator(ORIGIN))
    first = idp.list_web_authn_credentials(AccessToken=token, MaxResults=2)
    rest = idp.list_web_authn_credentials(
        AccessToken=token, MaxResults=2, NextToken=first["NextToken"]
    )
    assert len(first["Credentials"]) == 2 and len(rest["Credentials"]) == 1
    assert "NextToken" not in rest
    ids = {c["CredentialId"] for c in first["Credentials"] + rest["Credentials"]}
    assert len(ids) == 3


def test_with_mfa_required_only_a_passkey_that_counts_as_mfa_signs_in(
    idp: Any, server: Any
) -> None:
    """A one-time code or a plain passkey would skip the required second factor."""
    pool_id = idp.create_user_pool(
        PoolName="passkeys",
        Policies={
            "SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP", "WEB_AUTHN"]}
        },
    )["UserPool"]["Id"]
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        EmailMfaConfiguration={"Message": "Your code: {####}", "Subject": "Sign-in"},
        WebAuthnConfiguration={
            "RelyingPartyId": RP_ID,
            "UserVerification": "preferred",
            "FactorConfiguration": "MULTI_FACTOR_WITH_USER_VERIFICATION",
        },
        MfaConfiguration="ON",
    )
    client_id = new_client(idp, pool_id)
    make_user(idp, pool_id, "strict", email="strict@example.com", email_verified="true")
    with pytest.raises(idp.exceptions.InvalidParameterException):
        idp.admin_set_user_mfa_preference(
            UserPoolId=pool_id, Username="strict", WebAuthnMfaSettings={"Enabled": True}
        )
    idp.admin_set_user_mfa_preference(
        UserPoolId=pool_id, Username="strict", EmailMfaSettings={"Enabled": True}
    )
    challenge = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "strict", "PASSWORD": PASSWORD},
    )
    token = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="EMAIL_OTP",
        Session=challenge["Session"],
        ChallengeResponses={
            "USERNAME": "strict",
            "EMAIL_OTP_CODE": server.last_code("strict@example.com"),
        },
    )["AuthenticationResult"]["AccessToken"]
    authenticator = SoftAuthenticator(ORIGIN, user_verifying=False)
    register(idp, token, authenticator)

    def offered() -> list[str]:
        selection = idp.initiate_auth(
            ClientId=client_id, AuthFlow="USER_AUTH", AuthParameters={"USERNAME": "strict"}
        )
        factors: list[str] = selection["AvailableChallenges"]
        return factors

    assert offered() == ["PASSWORD", "PASSWORD_SRP"]
    with pytest.raises(idp.exceptions.InvalidParameterException):
        passkey_challenge(idp, client_id, "strict")

    idp.set_user_mfa_preference(AccessToken=token, WebAuthnMfaSettings={"Enabled": True})
    assert offered() == ["PASSWORD", "PASSWORD_SRP", "WEB_AUTHN"]
    unverified = passkey_challenge(idp, client_id, "strict")
    options = json.loads(unverified["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        answer(idp, client_id, "strict", unverified, authenticator.get(options))
    authenticator.user_verifying = True
    verified = passkey_challenge(idp, client_id, "strict")
    options = json.loads(verified["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    result = answer(idp, client_id, "strict", verified, authenticator.get(options))
    assert result["AuthenticationResult"]["AccessToken"]


def _with_attestation(credential: Any, change: Any) -> Any:
    attestation = cbor2.loads(unb64url(credential["response"]["attestationObject"]))
    change(attestation)
    credential["response"]["attestationObject"] = b64url(cbor2.dumps(attestation))
    return credential


def _x5c_garbage(attestation: dict[str, Any]) -> None:
    attestation["attStmt"] = {"alg": -7, "sig": b"x", "x5c": [b"garbage"]}


def _point_off_the_curve(attestation: dict[str, Any]) -> None:
    data = attestation["authData"]
    length = int.from_bytes(data[53:55], "big")
    key = {1: 2, 3: -7, -1: 1, -2: b"\0" * 32, -3: b"\0" * 32}
    attestation["authData"] = data[: 55 + length] + cbor2.dumps(key)


def _key_as_a_list(attestation: dict[str, Any]) -> None:
    data = attestation["authData"]
    length = int.from_bytes(data[53:55], "big")
    attestation["authData"] = data[: 55 + length] + cbor2.dumps([2, -7, 1])


@pytest.mark.parametrize("change", [_x5c_garbage, _point_off_the_curve, _key_as_a_list])
def test_an_attestation_built_to_break_the_parser_is_not_supported(idp: Any, change: Any) -> None:
    pool_id, client_id = passkey_pool(idp)
    make_user(idp, pool_id, "breaker")
    token = sign_in(idp, client_id, "breaker")["AccessToken"]
    options = idp.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    credential = _with_attestation(SoftAuthenticator(ORIGIN).create(options), change)
    with pytest.raises(idp.exceptions.WebAuthnCredentialNotSupportedException):
        idp.complete_web_authn_registration(AccessToken=token, Credential=credential)
    assert idp.list_web_authn_credentials(AccessToken=token)["Credentials"] == []


@pytest.mark.parametrize("origin", [5, ["x"], {"a": 1}, None])
def test_an_origin_that_is_not_text_is_refused(idp: Any, origin: Any) -> None:
    _, client_id, token, authenticator = enrolled(idp, "originless")
    options = idp.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    credential = authenticator.create(options)
    client_data = {"type": "webauthn.create", "challenge": options["challenge"], "origin": origin}
    credential["response"]["clientDataJSON"] = b64url(json.dumps(client_data).encode())
    with pytest.raises(idp.exceptions.InvalidParameterException, match="not a WebAuthn"):
        idp.complete_web_authn_registration(AccessToken=token, Credential=credential)
    challenge = passkey_challenge(idp, client_id, "originless")
    request = json.loads(challenge["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    assertion = authenticator.get(request)
    client_data = {"type": "webauthn.get", "challenge": request["challenge"], "origin": origin}
    assertion["response"]["clientDataJSON"] = b64url(json.dumps(client_data).encode())
    with pytest.raises(idp.exceptions.InvalidParameterException, match="not a WebAuthn"):
        answer(idp, client_id, "originless", challenge, assertion)

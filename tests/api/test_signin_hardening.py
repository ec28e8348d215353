"""Sign-in findings of the security review and the fidelity findings about sign-in: each test
names its finding and fails on the code the review read."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import jwt
import pyotp
import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

from tests.helpers.devices import REMEMBER_ALWAYS, device_pool, password_sign_in, remembered_device
from tests.helpers.mfa import totp_pool
from tests.helpers.pools import FLOWS, PASSWORD, make_user, sign_in
from tests.helpers.user_auth import choice_pool, user_auth
from tests.server import ServerProcess

TEMPORARY = "Temp-passw0rd!"


def claims(token: str) -> dict[str, Any]:
    decoded: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return decoded


def invite(idp: Any, pool_id: str, name: str, **attributes: str) -> None:
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username=name,
        TemporaryPassword=TEMPORARY,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()],
    )


def new_password_challenge(idp: Any, client_id: str, name: str) -> dict[str, Any]:
    challenge: dict[str, Any] = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": name, "PASSWORD": TEMPORARY},
    )
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    return challenge


def answer_new_password(
    idp: Any, client_id: str, username: str, **attributes: str
) -> dict[str, Any]:
    challenge = new_password_challenge(idp, client_id, username)
    responses = {"USERNAME": username, "NEW_PASSWORD": PASSWORD}
    responses.update({f"userAttributes.{k}": v for k, v in attributes.items()})
    answer: dict[str, Any] = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses=responses,
    )
    return answer


# --- Security review #2: NEW_PASSWORD_REQUIRED writes attributes as UpdateUserAttributes does


def test_new_password_required_refuses_the_verified_flags(idp: Any) -> None:
    """Security review #2: an invited user cannot claim a verified address they do not own."""
    pool_id = idp.create_user_pool(PoolName="invite")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=FLOWS
    )["UserPoolClient"]["ClientId"]
    invite(idp, pool_id, "claimer", email="claimer@example.com")
    with pytest.raises(idp.exceptions.InvalidParameterException, match="unauthorized attribute"):
        answer_new_password(
            idp, client_id, "claimer", email="ceo@victim.example", email_verified="true"
        )
    shown = idp.admin_get_user(UserPoolId=pool_id, Username="claimer")
    assert {a["Name"]: a["Value"] for a in shown["UserAttributes"]}["email"] == (
        "claimer@example.com"
    )
    assert shown["UserStatus"] == "FORCE_CHANGE_PASSWORD"


def test_new_password_required_obeys_the_clients_write_attributes(idp: Any) -> None:
    """Security review #2: attributes outside WriteAttributes are refused, as by
    UpdateUserAttributes; a changed email is no longer verified."""
    pool_id = idp.create_user_pool(
        PoolName="invite",
        Schema=[{"Name": "role", "AttributeDataType": "String", "Mutable": True}],
    )["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="app",
        ExplicitAuthFlows=FLOWS,
        WriteAttributes=["name", "email"],
    )["UserPoolClient"]["ClientId"]
    invite(idp, pool_id, "escalator", email="esc@example.com", email_verified="true")
    with pytest.raises(idp.exceptions.InvalidParameterException, match="unauthorized attribute"):
        answer_new_password(idp, client_id, "escalator", **{"custom:role": "admin"})
    done = answer_new_password(idp, client_id, "escalator", name="Esc", email="new@example.com")
    identity = claims(done["AuthenticationResult"]["IdToken"])
    assert identity["name"] == "Esc"
    assert identity["email"] == "new@example.com"
    assert identity["email_verified"] is False
    assert "custom:role" not in identity


# --- Fidelity A2: MFA after NEW_PASSWORD_REQUIRED


def test_mfa_setup_follows_a_new_password_when_the_pool_requires_mfa(idp: Any) -> None:
    """Fidelity A2: with MFA ON and no factor, MFA_SETUP comes after the new password, not
    tokens (as AWS answers)."""
    pool_id, client_id = totp_pool(idp, mode="ON")
    invite(idp, pool_id, "newcomer")
    answer = answer_new_password(idp, client_id, "newcomer")
    assert "AuthenticationResult" not in answer
    assert answer["ChallengeName"] == "MFA_SETUP"
    secret = idp.associate_software_token(Session=answer["Session"])
    verified = idp.verify_software_token(
        Session=secret["Session"], UserCode=pyotp.TOTP(secret["SecretCode"]).now()
    )
    done = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="MFA_SETUP",
        Session=verified["Session"],
        ChallengeResponses={"USERNAME": "newcomer"},
    )
    assert done["AuthenticationResult"]["AccessToken"]


def test_a_users_mfa_factor_follows_a_new_password(idp: Any, server: ServerProcess) -> None:
    """Fidelity A2: a user with a factor gets its challenge after the new password."""
    pool_id = idp.create_user_pool(PoolName="invite-mfa")["UserPool"]["Id"]
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        EmailMfaConfiguration={"Message": "Your code: {####}", "Subject": "Sign-in"},
        MfaConfiguration="OPTIONAL",
    )
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=FLOWS
    )["UserPoolClient"]["ClientId"]
    invite(idp, pool_id, "mfa-invitee", email="mfa-invitee@example.com", email_verified="true")
    idp.admin_set_user_mfa_preference(
        UserPoolId=pool_id, Username="mfa-invitee", EmailMfaSettings={"Enabled": True}
    )
    answer = answer_new_password(idp, client_id, "mfa-invitee")
    assert answer["ChallengeName"] == "EMAIL_OTP"
    done = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="EMAIL_OTP",
        Session=answer["Session"],
        ChallengeResponses={
            "USERNAME": "mfa-invitee",
            "EMAIL_OTP_CODE": server.last_code("mfa-invitee@example.com"),
        },
    )
    assert done["AuthenticationResult"]["IdToken"]


# --- Security review #4: passwordless first factors and a user's own MFA


def test_a_user_with_mfa_is_not_offered_passwordless_codes(idp: Any, server: ServerProcess) -> None:
    """Security review #4: in a pool with MFA OPTIONAL, a user with TOTP on cannot sign in
    with an emailed code alone."""
    pool_id = idp.create_user_pool(
        PoolName="passwordless-mfa",
        Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}},
    )["UserPool"]["Id"]
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="OPTIONAL",
    )
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="app",
        ExplicitAuthFlows=["ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH"],
    )["UserPoolClient"]["ClientId"]
    make_user(idp, pool_id, "guarded", email="guarded@example.com", email_verified="true")
    token = sign_in(idp, client_id, "guarded")["AccessToken"]
    secret = idp.associate_software_token(AccessToken=token)["SecretCode"]
    idp.verify_software_token(AccessToken=token, UserCode=pyotp.TOTP(secret).now())
    idp.set_user_mfa_preference(
        AccessToken=token, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    with pytest.raises(idp.exceptions.InvalidParameterException, match="not available"):
        user_auth(idp, client_id, USERNAME="guarded", PREFERRED_CHALLENGE="EMAIL_OTP")
    select = user_auth(idp, client_id, USERNAME="guarded")
    assert select["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP"]
    factors = idp.admin_get_user_auth_factors(UserPoolId=pool_id, Username="guarded")
    assert factors["ConfiguredUserAuthFactors"] == ["PASSWORD"]
    # The password still leads to the TOTP challenge.
    password = user_auth(
        idp, client_id, USERNAME="guarded", PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD
    )
    assert password["ChallengeName"] == "SOFTWARE_TOKEN_MFA"


# --- Security review #6 and #19: refresh-token rotation


def rotating_client(idp: Any, grace: int = 0) -> tuple[str, str]:
    pool_id = idp.create_user_pool(PoolName="rotation")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="rotating",
        ExplicitAuthFlows=FLOWS,
        RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": grace},
    )["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def test_refresh_token_auth_is_refused_when_the_client_rotates(idp: Any) -> None:
    """Security review #6: a rotated-out refresh token cannot come back through InitiateAuth;
    Cognito: "You can't authenticate with REFRESH_TOKEN_AUTH in app clients with refresh
    token rotation enabled." """
    pool_id, client_id = rotating_client(idp)
    make_user(idp, pool_id, "rotator")
    first = sign_in(idp, client_id, "rotator")["RefreshToken"]
    rotated = idp.get_tokens_from_refresh_token(ClientId=client_id, RefreshToken=first)
    assert rotated["AuthenticationResult"]["RefreshToken"] != first
    for token in (first, rotated["AuthenticationResult"]["RefreshToken"]):
        with pytest.raises(idp.exceptions.InvalidParameterException, match="rotation"):
            idp.initiate_auth(
                ClientId=client_id,
                AuthFlow="REFRESH_TOKEN_AUTH",
                AuthParameters={"REFRESH_TOKEN": token},
            )


def test_racing_refreshes_of_one_token_mint_no_second_line(idp: Any) -> None:
    """Security review #19: parallel refreshes of one token without a grace period: at most
    one succeeds, and a lost race counts as reuse (every token of the sign-in revoked)."""
    pool_id, client_id = rotating_client(idp)
    make_user(idp, pool_id, "racer")
    token = sign_in(idp, client_id, "racer")["RefreshToken"]

    def refresh(_: int) -> str | None:
        try:
            answer = idp.get_tokens_from_refresh_token(ClientId=client_id, RefreshToken=token)
        except ClientError:
            return None
        return str(answer["AuthenticationResult"]["RefreshToken"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        minted = [new for new in pool.map(refresh, range(8)) if new is not None]
    assert len(minted) <= 1
    # Every other attempt was reuse, which revoked the whole sign-in, the winner's token too.
    for new in minted:
        with pytest.raises(idp.exceptions.NotAuthorizedException):
            idp.get_tokens_from_refresh_token(ClientId=client_id, RefreshToken=new)


# --- Security review #8: nothing tells an unknown user from a known one


def hiding_client(idp: Any, pool_id: str, flows: list[str] | None = None) -> str:
    client_id: str = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="hiding",
        ExplicitAuthFlows=flows or FLOWS,
        PreventUserExistenceErrors="ENABLED",
    )["UserPoolClient"]["ClientId"]
    return client_id


def test_forgot_password_gives_unknown_users_stable_plausible_destinations(idp: Any) -> None:
    """Security review #8: the made-up destination of an unknown user is the same on every
    request and shaped like a real one, not one fixed address for everybody."""
    pool_id = idp.create_user_pool(
        PoolName="hide", AutoVerifiedAttributes=["email"], UsernameAttributes=["email"]
    )["UserPool"]["Id"]
    client_id = hiding_client(idp, pool_id)
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username="known@corp.example",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email_verified", "Value": "true"}],
    )

    def shown(name: str) -> str:
        details = idp.forgot_password(ClientId=client_id, Username=name)["CodeDeliveryDetails"]
        assert details["DeliveryMedium"] == "EMAIL"
        return str(details["Destination"])

    known, unknown = shown("known@corp.example"), shown("nobody@corp.example")
    assert unknown == shown("nobody@corp.example")
    assert unknown != shown("somebody-else@mail.example")
    # Both are the masked form of the address the username is in an email pool.
    assert known.startswith("k***@c***")
    assert unknown.startswith("n***@c***")


def test_unknown_usernames_get_plausible_made_up_addresses(idp: Any) -> None:
    """Attack finding 6 (second round): a plain username's made-up address does not always
    start as the name does, nor always sit at one of a few providers, so a real user's masked
    address (``r***@e***`` for ``bob``) is one a decoy could show as well."""
    pool_id = idp.create_user_pool(PoolName="plain", AutoVerifiedAttributes=["email"])["UserPool"][
        "Id"
    ]
    client_id = hiding_client(idp, pool_id)
    shown = [
        idp.forgot_password(ClientId=client_id, Username=f"bob{n}")["CodeDeliveryDetails"][
            "Destination"
        ]
        for n in range(40)
    ]
    firsts = {address[0] for address in shown}
    domains = {address.split("@")[1][0] for address in shown}
    assert "b" in firsts and len(firsts) > 3
    assert domains - set("gyohip")  # not only the common providers' initials


def test_wrong_passwords_for_unknown_names_lock_out_like_a_users(idp: Any) -> None:
    """Attack finding 3 (second round): after five wrong passwords a user is locked out for a
    moment ("Password attempts exceeded"); a name that belongs to no user answers the same, by
    the password flow and by SRP, so the lockout tells nobody who exists."""
    pool_id = idp.create_user_pool(PoolName="lockout-decoy")["UserPool"]["Id"]
    client_id = hiding_client(idp, pool_id, ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"])
    make_user(idp, pool_id, "existing")

    def answers(name: str) -> list[str]:
        said = []
        for _ in range(6):
            with pytest.raises(idp.exceptions.NotAuthorizedException) as refused:
                sign_in(idp, client_id, name, "Wr0ng-pass!")
            said.append(refused.value.response["Error"]["Message"])
        return said

    assert answers("existing") == answers("nonexistent")
    assert answers("nonexistent")[-1] == "Password attempts exceeded"
    srp = AWSSRP("nonexistent", "Wr0ng-pass!", pool_id, client_id, client=idp)
    with pytest.raises(idp.exceptions.NotAuthorizedException, match="attempts exceeded"):
        srp.authenticate_user()


def test_a_decoys_session_is_as_long_as_a_users(idp: Any) -> None:
    """Attack finding 3 (third round): a sealed Session's length follows what it holds; a
    decoy's holds a made-up subject of a user's length, so the lengths tell nothing."""
    pool_id, _ = choice_pool(idp, ["PASSWORD", "EMAIL_OTP"])
    client_id = hiding_client(idp, pool_id, ["ALLOW_USER_AUTH"])
    make_user(idp, pool_id, "realname", email="realname@example.com", email_verified="true")
    for parameters in ({}, {"PREFERRED_CHALLENGE": "EMAIL_OTP"}):
        known = user_auth(idp, client_id, USERNAME="realname", **parameters)
        unknown = user_auth(idp, client_id, USERNAME="fakename", **parameters)
        assert known["ChallengeName"] == unknown["ChallengeName"]
        assert len(known["Session"]) == len(unknown["Session"])


@pytest.mark.parametrize("srp_a", ["-1", "-0x10", "0x2", " 2 ", "1_0", "+2"])
def test_srp_a_is_hexadecimal_digits_only(idp: Any, srp_a: str) -> None:
    """Attack finding 6 (third round): a sign, a prefix, spaces or underscores, which Python's
    int() would take, are refused as Cognito's InvalidParameterException, never a 500."""
    pool_id = idp.create_user_pool(PoolName="srp-a")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"]
    )["UserPoolClient"]["ClientId"]
    make_user(idp, pool_id, "hexed")
    with pytest.raises(idp.exceptions.InvalidParameterException, match="hexadecimal"):
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_SRP_AUTH",
            AuthParameters={"USERNAME": "hexed", "SRP_A": srp_a},
        )


def test_one_time_codes_go_only_to_verified_addresses(idp: Any) -> None:
    """Attack finding 5 (second round): a user who typed someone else's address (unverified)
    cannot have sign-in codes sent there."""
    pool_id, _ = choice_pool(idp, ["PASSWORD", "EMAIL_OTP"])
    client_id = hiding_client(idp, pool_id, ["ALLOW_USER_AUTH"])
    make_user(idp, pool_id, "typist", email="someone-else@example.com")
    assert user_auth(idp, client_id, USERNAME="typist")["AvailableChallenges"] == [
        "PASSWORD",
        "PASSWORD_SRP",
    ]
    with pytest.raises(idp.exceptions.InvalidParameterException, match="not available"):
        user_auth(idp, client_id, USERNAME="typist", PREFERRED_CHALLENGE="EMAIL_OTP")


def test_user_auth_offers_an_unknown_user_a_decoy_that_always_fails(
    idp: Any, server: ServerProcess
) -> None:
    """Security review #8: USER_AUTH answers an unknown user as it answers a known one."""
    pool_id, _ = choice_pool(idp, ["PASSWORD", "EMAIL_OTP"])
    client_id = hiding_client(idp, pool_id, ["ALLOW_USER_AUTH"])
    make_user(idp, pool_id, "present", email="present@example.com", email_verified="true")
    known = user_auth(idp, client_id, USERNAME="present")
    unknown = user_auth(idp, client_id, USERNAME="absent")
    assert known["ChallengeName"] == unknown["ChallengeName"] == "SELECT_CHALLENGE"
    assert known["AvailableChallenges"] == unknown["AvailableChallenges"]
    with pytest.raises(idp.exceptions.NotAuthorizedException, match="Incorrect username"):
        idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="SELECT_CHALLENGE",
            Session=unknown["Session"],
            ChallengeResponses={"USERNAME": "absent", "ANSWER": "PASSWORD", "PASSWORD": PASSWORD},
        )
    code = user_auth(idp, client_id, USERNAME="absent", PREFERRED_CHALLENGE="EMAIL_OTP")
    assert code["ChallengeName"] == "EMAIL_OTP"
    assert re.fullmatch(
        r"[a-z0-9]\*\*\*@[a-z0-9]\*\*\*", code["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"]
    )
    again = user_auth(idp, client_id, USERNAME="absent", PREFERRED_CHALLENGE="EMAIL_OTP")
    assert (
        again["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"]
        == code["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"]
    )
    with pytest.raises(idp.exceptions.CodeMismatchException):
        idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="EMAIL_OTP",
            Session=code["Session"],
            ChallengeResponses={"USERNAME": "absent", "EMAIL_OTP_CODE": "123456"},
        )


def test_unknown_users_in_an_mfa_pool_look_like_users_with_and_without_mfa(idp: Any) -> None:
    """Attack F7: a user with MFA is offered no passwordless factor (#4); unknown users are
    offered one or not, as a digest of the name says, so neither answer tells who exists."""
    pool_id = idp.create_user_pool(
        PoolName="decoy-mfa",
        Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}},
        AutoVerifiedAttributes=["email"],
    )["UserPool"]["Id"]
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        EmailMfaConfiguration={"Message": "Your code: {####}", "Subject": "Sign-in"},
        MfaConfiguration="OPTIONAL",
    )
    client_id = hiding_client(idp, pool_id, ["ALLOW_USER_AUTH"])
    make_user(idp, pool_id, "plain", email="plain@example.com", email_verified="true")
    make_user(idp, pool_id, "guarded", email="guarded@example.com", email_verified="true")
    idp.admin_set_user_mfa_preference(
        UserPoolId=pool_id, Username="guarded", EmailMfaSettings={"Enabled": True}
    )
    without_mfa = user_auth(idp, client_id, USERNAME="plain")["AvailableChallenges"]
    with_mfa = user_auth(idp, client_id, USERNAME="guarded")["AvailableChallenges"]
    assert without_mfa == ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"]
    assert with_mfa == ["PASSWORD", "PASSWORD_SRP"]
    offered = {}
    for number in range(24):
        name = f"stranger{number}"
        offered[name] = user_auth(idp, client_id, USERNAME=name)["AvailableChallenges"]
        assert offered[name] == user_auth(idp, client_id, USERNAME=name)["AvailableChallenges"]
    assert {tuple(factors) for factors in offered.values()} == {
        tuple(without_mfa),
        tuple(with_mfa),
    }
    # Asked for the code anyway, the answer is the one a user with MFA gets.
    guarded_like = next(name for name, factors in offered.items() if factors == with_mfa)
    for name in ("guarded", guarded_like):
        with pytest.raises(idp.exceptions.InvalidParameterException) as refused:
            user_auth(idp, client_id, USERNAME=name, PREFERRED_CHALLENGE="EMAIL_OTP")
        assert refused.value.response["Error"]["Message"] == (
            "The EMAIL_OTP challenge is not available for the user."
        )


def test_the_decoy_srp_verifier_costs_no_modular_exponentiation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Security review #16: an unknown user's SRP answer costs what a known user's does
    (opening a sealed verifier), not one more modular exponentiation."""
    from cognitio.crypto import srp
    from cognitio.services.signin import srp_flow

    def refuse(_: int) -> int:
        raise AssertionError("the decoy must not compute g^x")

    monkeypatch.setattr(srp, "compute_verifier", refuse)
    first = srp_flow.decoy_verifier(b"k" * 32, "us-east-1_pool", "nobody")
    again = srp_flow.decoy_verifier(b"k" * 32, "us-east-1_pool", "nobody")
    other = srp_flow.decoy_verifier(b"k" * 32, "us-east-1_pool", "somebody")
    assert first == again
    assert first.verifier != other.verifier
    assert 1 < first.verifier < srp.N


# --- Security review #24: a sign-in's state stays with its sign-in


def test_select_challenge_cannot_switch_to_another_user(idp: Any) -> None:
    """Security review #24: the SELECT_CHALLENGE answer continues the session's own user."""
    pool_id, client_id = choice_pool(idp, ["PASSWORD"])
    make_user(idp, pool_id, "first-user")
    make_user(idp, pool_id, "second-user")
    select = user_auth(idp, client_id, USERNAME="first-user")
    with pytest.raises(idp.exceptions.NotAuthorizedException, match="Invalid session"):
        idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="SELECT_CHALLENGE",
            Session=select["Session"],
            ChallengeResponses={
                "USERNAME": "second-user",
                "ANSWER": "PASSWORD",
                "PASSWORD": PASSWORD,
            },
        )


def test_a_device_armed_by_one_sign_in_cannot_be_taken_by_another(
    idp: Any, server: ServerProcess
) -> None:
    """Security review #24: the DEVICE_SRP_AUTH allowance a password step grants belongs to
    that sign-in: not to another app client, nor to an older Session of the same device."""
    pool_id, client_id = device_pool(idp, REMEMBER_ALWAYS)
    other_client = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="other", ExplicitAuthFlows=FLOWS
    )["UserPoolClient"]["ClientId"]
    device = remembered_device(idp, server, pool_id, client_id, "armed")
    srp_a = format(2, "x")

    def answer(client: str, session: str | None) -> Any:
        request: dict[str, Any] = {
            "ClientId": client,
            "ChallengeName": "DEVICE_SRP_AUTH",
            "ChallengeResponses": {"USERNAME": "armed", "DEVICE_KEY": device.key, "SRP_A": srp_a},
        }
        if session is not None:
            request["Session"] = session
        return idp.respond_to_auth_challenge(**request)

    older = password_sign_in(idp, client_id, "armed", DEVICE_KEY=device.key)
    newer = password_sign_in(idp, client_id, "armed", DEVICE_KEY=device.key)
    assert older["ChallengeName"] == newer["ChallengeName"] == "DEVICE_SRP_AUTH"
    with pytest.raises(idp.exceptions.NotAuthorizedException, match="Invalid session"):
        answer(other_client, None)
    with pytest.raises(idp.exceptions.NotAuthorizedException, match="Invalid session"):
        answer(client_id, older["Session"])
    assert answer(client_id, newer["Session"])["ChallengeName"] == "DEVICE_PASSWORD_VERIFIER"


# --- Security review #9: ReadAttributes


def test_read_attributes_limit_the_id_token_get_user_and_userinfo(
    idp: Any, server: ServerProcess
) -> None:
    """Security review #9: a client reads only its ReadAttributes."""
    pool_id = idp.create_user_pool(
        PoolName="reads",
        Schema=[{"Name": "role", "AttributeDataType": "String", "Mutable": True}],
    )["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="narrow",
        ExplicitAuthFlows=FLOWS,
        ReadAttributes=["email", "email_verified"],
    )["UserPoolClient"]["ClientId"]
    make_user(idp, pool_id, "reader", email="reader@example.com", **{"custom:role": "x"})
    idp.admin_update_user_attributes(
        UserPoolId=pool_id, Username="reader", UserAttributes=[{"Name": "name", "Value": "R"}]
    )
    tokens = sign_in(idp, client_id, "reader")
    identity = claims(tokens["IdToken"])
    assert identity["email"] == "reader@example.com"
    assert "custom:role" not in identity
    assert "name" not in identity
    shown = idp.get_user(AccessToken=tokens["AccessToken"])
    names = {a["Name"] for a in shown["UserAttributes"]}
    assert names == {"sub", "email"}
    request = urllib.request.Request(
        f"{server.url}/oauth2/userInfo",
        headers={"Authorization": f"Bearer {tokens['AccessToken']}"},
    )
    with urllib.request.urlopen(request) as response:
        info = json.loads(response.read())
    assert info["email"] == "reader@example.com"
    assert "custom:role" not in info and "name" not in info
    # An admin still sees everything.
    everything = idp.admin_get_user(UserPoolId=pool_id, Username="reader")
    assert "custom:role" in {a["Name"] for a in everything["UserAttributes"]}


def test_disabling_a_user_revokes_what_they_hold(idp: Any) -> None:
    """AdminDisableUser "revokes all access tokens for the user": enabling them again brings
    back neither the old access token nor the old refresh token."""
    pool_id = idp.create_user_pool(PoolName="disable")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=FLOWS
    )["UserPoolClient"]["ClientId"]
    make_user(idp, pool_id, "paused")
    tokens = sign_in(idp, client_id, "paused")
    idp.admin_disable_user(UserPoolId=pool_id, Username="paused")
    idp.admin_enable_user(UserPoolId=pool_id, Username="paused")
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.get_user(AccessToken=tokens["AccessToken"])
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]},
        )
    assert sign_in(idp, client_id, "paused")["AccessToken"]


def test_a_reused_refresh_token_at_the_token_endpoint_is_invalid_grant(
    idp: Any, server: ServerProcess
) -> None:
    """A rotated-out refresh token sent again to /oauth2/token is the grant's error
    (invalid_grant, HTTP 400), not a server error."""
    pool_id, client_id = rotating_client(idp)
    make_user(idp, pool_id, "regranted")
    first = sign_in(idp, client_id, "regranted")["RefreshToken"]

    def grant() -> tuple[int, dict[str, Any]]:
        body = urllib.parse.urlencode(
            {"grant_type": "refresh_token", "client_id": client_id, "refresh_token": first}
        ).encode()
        request = urllib.request.Request(
            f"{server.url}/oauth2/token",
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    assert grant()[0] == 200
    status, answer = grant()
    assert status == 400
    assert answer["error"] == "invalid_grant"

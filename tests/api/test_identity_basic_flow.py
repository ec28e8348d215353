"""GetOpenIdToken (the basic flow) and UnlinkIdentity through boto3, the token traded at the
server's STS with boto3's sts client."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.helpers.errors import error_of
from tests.helpers.identity_world import (
    DEVELOPER,
    LOGINS_DONT_MATCH,
    ROLE,
    World,
    jwt_claims,
    open_credentials,
    start_server,
)
from tests.server import REGION, ServerProcess

WITH_ROLE_MAPPINGS = (
    "Basic (classic) flow is not supported with RoleMappings, please use enhanced flow."
)


@pytest.fixture(scope="module")
def links_server(
    backend: str, make_server: Any, tmp_path_factory: pytest.TempPathFactory
) -> ServerProcess:
    return start_server(backend, make_server, tmp_path_factory.mktemp("iam"))


@pytest.fixture
def world(links_server: ServerProcess) -> World:
    return World(links_server)


def refused(call: Any, *args: Any, **kwargs: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    return error_of(caught)


def test_a_guest_gets_a_ten_minute_token_sts_trades_for_the_guest_role(world: World) -> None:
    guest = world.get_id()
    answer = world.open_id_token(guest)
    assert answer["IdentityId"] == guest
    claims = jwt_claims(answer["Token"])
    assert claims["sub"] == guest and claims["aud"] == world.pool_id
    assert claims["amr"] == ["unauthenticated"]
    assert claims["exp"] - claims["iat"] == 600
    assert abs(claims["iat"] - time.time()) < 60
    assumed = world.assume(answer["Token"], "Guest")
    assert assumed["SubjectFromWebIdentityToken"] == guest
    assert assumed["Audience"] == world.pool_id
    session = open_credentials(
        {**assumed["Credentials"], "SecretKey": assumed["Credentials"]["SecretAccessKey"]}
    )
    assert session.role_arn == f"{ROLE}Guest"
    assert session.identity_id == guest and session.amr == ("unauthenticated",)


def test_a_signed_in_user_gets_an_authenticated_token_for_the_auth_role(world: World) -> None:
    logins = world.user()
    identity_id = world.get_id(logins)
    answer = world.open_id_token(identity_id, logins)
    assert answer["IdentityId"] == identity_id
    claims = jwt_claims(answer["Token"])
    sub = jwt_claims(logins[world.key])["sub"]
    assert claims["amr"] == ["authenticated", world.key, f"{world.key}:CognitoSignIn:{sub}"]
    assumed = world.assume(answer["Token"], "Auth")
    session = open_credentials(assumed["Credentials"])
    assert session.role_arn == f"{ROLE}Auth" and session.identity_id == identity_id
    assert session.amr[0] == "authenticated"


def test_a_role_the_pool_does_not_name_refuses_the_token(world: World) -> None:
    token = world.open_id_token(world.get_id())["Token"]
    code, _ = refused(world.assume, token, "Other")
    assert code == "AccessDenied"


def test_a_guest_who_signs_in_keeps_its_identity_and_the_login_is_linked(world: World) -> None:
    guest = world.get_id()
    logins = world.user()
    assert world.open_id_token(guest, logins)["IdentityId"] == guest
    assert world.describe(guest)["Logins"] == [world.key]
    assert world.get_id(logins) == guest


def test_a_signed_in_identity_gets_no_unauthenticated_token(world: World) -> None:
    """AWS: not possible to get an unauthenticated token for authenticated identities."""
    logins = world.user()
    identity_id = world.get_id(logins)
    assert refused(world.open_id_token, identity_id) == (
        "NotAuthorizedException",
        LOGINS_DONT_MATCH,
    )


def test_another_users_login_does_not_open_a_signed_in_identity(world: World) -> None:
    victim = world.get_id(world.user())
    stranger = world.user()
    assert refused(world.open_id_token, victim, stranger) == (
        "NotAuthorizedException",
        LOGINS_DONT_MATCH,
    )
    assert world.describe(victim)["Logins"] == [world.key]
    assert world.get_id(stranger) != victim


def test_a_merged_away_identity_gets_no_token(world: World) -> None:
    first, second = world.user(0), world.user(1)
    older = world.get_id(first)
    newer = world.get_id(second)
    assert world.get_id({**first, **second}) == older
    forbidden = ("NotAuthorizedException", f"Access to identity '{newer}' is forbidden.")
    assert refused(world.open_id_token, newer) == forbidden
    assert refused(world.credentials, newer) == forbidden
    code, _ = refused(world.open_id_token, newer, second)
    assert code == "NotAuthorizedException"


def test_the_basic_flow_is_refused_with_role_mappings(world: World) -> None:
    guest = world.get_id()
    world.admin.set_identity_pool_roles(
        IdentityPoolId=world.pool_id,
        Roles={"authenticated": f"{ROLE}Auth", "unauthenticated": f"{ROLE}Guest"},
        RoleMappings={
            f"{world.key}:{world.user_pools[0][1]}": {
                "Type": "Token",
                "AmbiguousRoleResolution": "AuthenticatedRole",
            }
        },
    )
    assert refused(world.open_id_token, guest) == ("InvalidParameterException", WITH_ROLE_MAPPINGS)


def test_the_basic_flow_follows_allow_classic_flow(world: World) -> None:
    closed = world.new_pool(AllowClassicFlow=False)
    guest = world.get_id(pool_id=closed)
    assert refused(world.open_id_token, guest) == (
        "InvalidParameterException",
        "Basic (classic) flow is not enabled, please use enhanced flow.",
    )
    opened = world.new_pool(AllowClassicFlow=True)
    assert world.open_id_token(world.get_id(pool_id=opened))["Token"]


def test_a_guest_token_needs_guests_allowed(world: World) -> None:
    guest = world.get_id()
    world.admin.update_identity_pool(
        IdentityPoolId=world.pool_id,
        IdentityPoolName="links",
        AllowUnauthenticatedIdentities=False,
        DeveloperProviderName=DEVELOPER,
    )
    assert refused(world.open_id_token, guest) == (
        "NotAuthorizedException",
        "Unauthenticated access is not supported for this identity pool.",
    )


def test_the_developer_provider_is_refused_in_public_logins(world: World) -> None:
    guest = world.get_id()
    code, message = refused(world.open_id_token, guest, {DEVELOPER: "alice"})
    assert code == "NotAuthorizedException" and "GetOpenIdTokenForDeveloperIdentity" in message
    code, _ = refused(world.get_id, {DEVELOPER: "alice"})
    assert code == "NotAuthorizedException"
    code, _ = refused(world.credentials, guest, {DEVELOPER: "alice"})
    assert code == "NotAuthorizedException"


def test_an_unknown_identity_is_not_found(world: World) -> None:
    missing = f"{REGION}:{uuid.uuid4()}"
    assert refused(world.open_id_token, missing) == (
        "ResourceNotFoundException",
        f"Identity '{missing}' not found.",
    )


def unlink(world: World, identity_id: str, logins: dict[str, str], remove: list[str]) -> Any:
    return world.public.unlink_identity(
        IdentityId=identity_id, Logins=logins, LoginsToRemove=remove
    )


def test_unlink_identity_removes_a_login_which_then_makes_a_new_identity(world: World) -> None:
    first, second = world.user(0), world.user(1)
    identity_id = world.get_id(first)
    world.open_id_token(identity_id, {**first, **second})
    assert world.describe(identity_id)["Logins"] == sorted(world.keys)
    unlink(world, identity_id, first, [world.keys[1]])
    assert world.describe(identity_id)["Logins"] == [world.key]
    fresh = world.get_id(second)
    assert fresh != identity_id


def test_unlinking_the_last_login_leaves_the_identity_unreachable(world: World) -> None:
    logins = world.user()
    identity_id = world.get_id(logins)
    unlink(world, identity_id, logins, [world.key])
    assert world.describe(identity_id)["Logins"] == []
    assert world.get_id(logins) != identity_id


def test_a_stranger_cannot_unlink_someone_elses_login(world: World) -> None:
    victim_logins = world.user()
    victim = world.get_id(victim_logins)
    stranger = world.user()
    world.get_id(stranger)
    assert refused(unlink, world, victim, stranger, [world.key]) == (
        "NotAuthorizedException",
        LOGINS_DONT_MATCH,
    )
    mixed = {**stranger, **world.user(1)}
    code, _ = refused(unlink, world, victim, mixed, [world.key])
    assert code == "NotAuthorizedException"
    assert world.describe(victim)["Logins"] == [world.key]
    assert world.get_id(victim_logins) == victim


def test_unlink_identity_needs_valid_logins_and_leaves_developer_users_alone(
    world: World,
) -> None:
    logins = world.user()
    identity_id = world.get_id(logins)
    code, _ = refused(unlink, world, identity_id, {world.key: "not-a-token"}, [world.key])
    assert code == "NotAuthorizedException"
    code, _ = refused(unlink, world, identity_id, logins, [DEVELOPER])
    assert code == "InvalidParameterException"
    code, _ = refused(unlink, world, f"{REGION}:{uuid.uuid4()}", logins, [world.key])
    assert code == "ResourceNotFoundException"
    assert world.describe(identity_id)["Logins"] == [world.key]

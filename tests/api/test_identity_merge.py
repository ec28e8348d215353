"""Identity merges through boto3: logins of different identities in one GetId,
GetOpenIdToken or GetCredentialsForIdentity make one identity the owner of all of them, the
others disabled; the invariants hold under concurrent requests."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.helpers.errors import error_of
from tests.helpers.identity_world import World, open_credentials, start_server
from tests.server import REGION, ServerProcess


@pytest.fixture(scope="module")
def links_server(
    backend: str, make_server: Any, tmp_path_factory: pytest.TempPathFactory
) -> ServerProcess:
    return start_server(backend, make_server, tmp_path_factory.mktemp("iam"))


@pytest.fixture
def world(links_server: ServerProcess) -> World:
    return World(links_server)


def caller_arn(server: ServerProcess, credentials: dict[str, Any]) -> str:
    """GetCallerIdentity's Arn for the credentials, or the error code."""
    sts = boto3.client(
        "sts",
        endpoint_url=server.url,
        region_name=REGION,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretKey"],
        aws_session_token=credentials["SessionToken"],
        config=Config(retries={"max_attempts": 0}),
    )
    try:
        return str(sts.get_caller_identity()["Arn"])
    except ClientError as refused:
        return str(refused.response["Error"]["Code"])


def listed(world: World, *, hide_disabled: bool) -> dict[str, list[str]]:
    answer = world.admin.list_identities(
        IdentityPoolId=world.pool_id, MaxResults=60, HideDisabled=hide_disabled
    )
    return {i["IdentityId"]: i["Logins"] for i in answer["Identities"]}


def test_getid_with_logins_of_two_identities_keeps_the_older_and_disables_the_other(
    world: World,
) -> None:
    first, second = world.user(0), world.user(1)
    older, newer = world.get_id(first), world.get_id(second)
    assert world.get_id({**second, **first}) == older
    assert world.get_id(second) == older
    assert world.describe(older)["Logins"] == sorted(world.keys)
    assert world.describe(newer)["Logins"] == []
    assert listed(world, hide_disabled=True) == {older: sorted(world.keys)}
    assert set(listed(world, hide_disabled=False)) == {older, newer}


def test_credentials_for_a_merged_identity_answer_the_owner(world: World) -> None:
    first, second = world.user(0), world.user(1)
    older, newer = world.get_id(first), world.get_id(second)
    answer = world.credentials(newer, {**first, **second})
    assert answer["IdentityId"] == older
    assert open_credentials(answer["Credentials"]).identity_id == older
    with pytest.raises(ClientError) as caught:
        world.credentials(newer, second)
    assert error_of(caught)[0] == "NotAuthorizedException"


def test_a_guest_signing_in_with_a_known_login_takes_that_identity(world: World) -> None:
    logins = world.user()
    owner = world.get_id(logins)
    guest = world.get_id()
    assert world.open_id_token(guest, logins)["IdentityId"] == owner
    assert guest not in listed(world, hide_disabled=True)
    with pytest.raises(ClientError) as caught:
        world.open_id_token(guest)
    assert error_of(caught)[0] == "NotAuthorizedException"


def test_what_a_merged_away_identity_was_given_stops_working(world: World) -> None:
    """A guest signing in with a known login is merged into that user's identity: its guest
    credentials and OpenID token are revoked with it."""
    logins = world.user()
    owner = world.get_id(logins)
    guest = world.get_id()
    credentials = world.credentials(guest)["Credentials"]
    token = world.open_id_token(guest)["Token"]
    assert caller_arn(world.server, credentials).endswith("/CognitoIdentityCredentials")
    assert world.credentials(guest, logins)["IdentityId"] == owner
    assert caller_arn(world.server, credentials) == "InvalidClientTokenId"
    with pytest.raises(ClientError) as caught:
        world.assume(token, role="Guest")
    assert error_of(caught)[0] == "InvalidIdentityToken"


def test_two_users_of_one_provider_never_share_an_identity(world: World) -> None:
    first = world.user(0)
    alone = world.get_id(first)
    other, extra = world.user(0), world.user(1)
    both = world.get_id(other)
    world.open_id_token(both, {**other, **extra})
    with pytest.raises(ClientError) as caught:
        world.get_id({**first, **extra})
    assert error_of(caught)[0] == "ResourceConflictException"
    assert world.describe(alone)["Logins"] == [world.key]
    assert world.describe(both)["Logins"] == sorted(world.keys)
    assert set(listed(world, hide_disabled=True)) == {alone, both}


def test_a_login_of_the_same_user_in_another_pool_is_another_identity(world: World) -> None:
    logins = world.user()
    here = world.get_id(logins)
    elsewhere_pool = world.new_pool()
    there = world.get_id(logins, pool_id=elsewhere_pool)
    assert there != here
    assert world.open_id_token(there, {**logins, **world.user(1)})["IdentityId"] == there
    assert world.describe(here)["Logins"] == [world.key]
    assert world.describe(there)["Logins"] == sorted(world.keys)
    assert here in listed(world, hide_disabled=True)


def test_concurrent_crossed_getids_leave_each_login_on_one_identity(world: World) -> None:
    """Races: first sign-ins and merges crossing each other end on one owner, no login lost."""
    first, second = world.user(0), world.user(1)
    calls = [first, second, {**first, **second}, {**second, **first}] * 4
    clients = [World.public_client(world.server) for _ in calls]

    def get_id(index: int) -> str:
        answer = clients[index].get_id(IdentityPoolId=world.pool_id, Logins=calls[index])
        return str(answer["IdentityId"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(get_id, range(len(calls))))
    owner = world.get_id({**first, **second})
    assert world.get_id(first) == owner and world.get_id(second) == owner
    assert listed(world, hide_disabled=True) == {owner: sorted(world.keys)}

"""Developer-authenticated identities through boto3: GetOpenIdTokenForDeveloperIdentity,
the token traded with GetCredentialsForIdentity (Logins key cognito-identity.amazonaws.com)
and at STS, LookupDeveloperIdentity, MergeDeveloperIdentities and UnlinkDeveloperIdentity."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.conftest import client
from tests.helpers.errors import error_of
from tests.helpers.identity_world import (
    DEVELOPER,
    ROLE,
    World,
    jwt_claims,
    mint_token,
    open_credentials,
    start_server,
)
from tests.server import REGION, ServerProcess

IDENTITY_KEY = "cognito-identity.amazonaws.com"


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


def user_id() -> str:
    return f"dev-{uuid.uuid4().hex[:10]}"


def test_a_developer_user_gets_one_identity_and_a_fifteen_minute_token(world: World) -> None:
    alice = user_id()
    answer = world.developer_token(alice)
    identity_id = answer["IdentityId"]
    assert world.developer_token(alice)["IdentityId"] == identity_id
    claims = jwt_claims(answer["Token"])
    assert claims["sub"] == identity_id and claims["aud"] == world.pool_id
    assert claims["amr"] == ["authenticated", DEVELOPER, f"{DEVELOPER}:{world.pool_id}:{alice}"]
    assert claims["exp"] - claims["iat"] == 900
    assert world.describe(identity_id)["Logins"] == [DEVELOPER]
    longer = jwt_claims(world.developer_token(alice, TokenDuration=86400)["Token"])
    assert longer["exp"] - longer["iat"] == 86400


@pytest.mark.parametrize("duration", [0, 86401, -5])
def test_a_token_duration_out_of_range_is_refused(world: World, duration: int) -> None:
    unchecked = client(
        "cognito-identity", world.server.url, config=Config(parameter_validation=False)
    )
    code, message = refused(
        unchecked.get_open_id_token_for_developer_identity,
        IdentityPoolId=world.pool_id,
        Logins={DEVELOPER: user_id()},
        TokenDuration=duration,
    )
    assert code == "ValidationException" and "tokenDuration" in message


def test_developer_logins_must_name_the_pools_developer_provider(world: World) -> None:
    code, _ = refused(
        world.admin.get_open_id_token_for_developer_identity,
        IdentityPoolId=world.pool_id,
        Logins={"login.other.app": "alice"},
    )
    assert code == "InvalidParameterException"
    bare = world.admin.create_identity_pool(
        IdentityPoolName="bare", AllowUnauthenticatedIdentities=True
    )["IdentityPoolId"]
    code, message = refused(
        world.admin.get_open_id_token_for_developer_identity,
        IdentityPoolId=bare,
        Logins={DEVELOPER: "alice"},
    )
    assert code == "InvalidParameterException" and "developer provider" in message


def test_the_developer_operation_needs_a_signature(world: World) -> None:
    code, _ = refused(
        world.public.get_open_id_token_for_developer_identity,
        IdentityPoolId=world.pool_id,
        Logins={DEVELOPER: user_id()},
    )
    assert code == "MissingAuthenticationTokenException"


def test_an_identity_id_links_the_user_and_a_registered_user_stays_put(world: World) -> None:
    guest = world.get_id()
    alice = user_id()
    assert world.developer_token(alice, IdentityId=guest)["IdentityId"] == guest
    assert world.describe(guest)["Logins"] == [DEVELOPER]
    other = world.get_id()
    assert refused(world.developer_token, alice, IdentityId=other) == (
        "DeveloperUserAlreadyRegisteredException",
        "The developer user identifier is already registered to another identity.",
    )
    assert world.describe(other)["Logins"] == []


def test_a_developer_user_of_one_pool_is_another_identity_in_another(world: World) -> None:
    alice = user_id()
    here = world.developer_token(alice)["IdentityId"]
    other_pool = world.new_pool()
    there = world.developer_token(alice, IdentityPoolId=other_pool)["IdentityId"]
    assert there != here
    code, _ = refused(world.developer_token, user_id(), IdentityPoolId=other_pool, IdentityId=here)
    assert code == "ResourceNotFoundException"


def test_public_logins_given_along_are_linked(world: World) -> None:
    alice = user_id()
    logins = world.user()
    answer = world.developer_token(alice, Logins=logins)
    identity_id = answer["IdentityId"]
    assert world.describe(identity_id)["Logins"] == sorted([DEVELOPER, world.key])
    assert world.get_id(logins) == identity_id
    assert world.key in jwt_claims(answer["Token"])["amr"]


def test_the_token_buys_credentials_with_its_amr_and_principal_tags(world: World) -> None:
    alice = user_id()
    answer = world.developer_token(alice, PrincipalTags={"team": "blue", "tier": "gold"})
    identity_id, token = answer["IdentityId"], answer["Token"]
    assert jwt_claims(token)["https://aws.amazon.com/tags"] == {
        "principal_tags": {"team": ["blue"], "tier": ["gold"]}
    }
    issuer_key = jwt_claims(token)["iss"].split("://", 1)[1]
    for key in (IDENTITY_KEY, issuer_key):
        credentials = world.credentials(identity_id, {key: token})
        assert credentials["IdentityId"] == identity_id
        session = open_credentials(credentials["Credentials"])
        assert session.role_arn == f"{ROLE}Auth"
        assert session.amr == ("authenticated", DEVELOPER, f"{DEVELOPER}:{world.pool_id}:{alice}")
        assert session.principal_tags == {"team": "blue", "tier": "gold"}
    assumed = world.assume(token, "Auth")
    assert open_credentials(assumed["Credentials"]).principal_tags == {
        "team": "blue",
        "tier": "gold",
    }


def test_sts_refuses_tags_a_role_does_not_let_the_session_take(world: World) -> None:
    tagged = world.developer_token(user_id(), PrincipalTags={"team": "blue"})["Token"]
    code, _ = refused(world.assume, tagged, "NoTagging")
    assert code == "AccessDenied"
    plain = world.developer_token(user_id())["Token"]
    assert world.assume(plain, "NoTagging")["Credentials"]["AccessKeyId"].startswith("ASIA")


def test_identity_tokens_that_do_not_prove_the_identity_are_refused(world: World) -> None:
    answer = world.developer_token(user_id())
    identity_id, token = answer["IdentityId"], answer["Token"]
    other = world.developer_token(user_id())
    code, message = refused(world.credentials, identity_id, {IDENTITY_KEY: other["Token"]})
    assert code == "NotAuthorizedException" and "identity" in message
    foreign_pool = world.new_pool()
    foreign = world.developer_token(user_id(), IdentityPoolId=foreign_pool)["Token"]
    code, message = refused(world.credentials, identity_id, {IDENTITY_KEY: foreign})
    assert code == "NotAuthorizedException" and "pool" in message
    amr = ["authenticated", DEVELOPER]
    expired = mint_token(
        world.server, identity_id, world.pool_id, amr, issued=int(time.time()) - 3600
    )
    assert refused(world.credentials, identity_id, {IDENTITY_KEY: expired}) == (
        "NotAuthorizedException",
        "Invalid login token. Token expired.",
    )
    forged = token[:-8] + ("A" * 8 if not token.endswith("A" * 8) else "B" * 8)
    code, _ = refused(world.credentials, identity_id, {IDENTITY_KEY: forged})
    assert code == "NotAuthorizedException"
    code, _ = refused(world.credentials, identity_id, {IDENTITY_KEY: "not.a.token"})
    assert code == "NotAuthorizedException"
    code, _ = refused(world.credentials, identity_id, {IDENTITY_KEY: token, **world.user()})
    assert code == "InvalidParameterException"


def lookup(world: World, **options: Any) -> Any:
    return world.admin.lookup_developer_identity(IdentityPoolId=world.pool_id, **options)


def test_lookup_finds_either_from_the_other_and_both_must_agree(world: World) -> None:
    alice, bob = user_id(), user_id()
    alice_id = world.developer_token(alice)["IdentityId"]
    bob_id = world.developer_token(bob)["IdentityId"]
    found = lookup(world, DeveloperUserIdentifier=alice)
    assert (found["IdentityId"], found["DeveloperUserIdentifierList"]) == (alice_id, [alice])
    found = lookup(world, IdentityId=bob_id)
    assert (found["IdentityId"], found["DeveloperUserIdentifierList"]) == (bob_id, [bob])
    assert lookup(world, IdentityId=alice_id, DeveloperUserIdentifier=alice)["IdentityId"] == (
        alice_id
    )
    code, _ = refused(lookup, world, IdentityId=bob_id, DeveloperUserIdentifier=alice)
    assert code == "ResourceConflictException"
    code, _ = refused(lookup, world)
    assert code == "InvalidParameterException"
    code, _ = refused(lookup, world, DeveloperUserIdentifier=user_id())
    assert code == "ResourceNotFoundException"
    code, _ = refused(lookup, world, IdentityId=f"{REGION}:{uuid.uuid4()}")
    assert code == "ResourceNotFoundException"
    code, _ = refused(lookup, world, IdentityId=alice_id, NextToken="!!broken!!")
    assert code == "InvalidParameterException"


def merge(world: World, source: str, destination: str, provider: str = DEVELOPER) -> Any:
    return world.admin.merge_developer_identities(
        SourceUserIdentifier=source,
        DestinationUserIdentifier=destination,
        DeveloperProviderName=provider,
        IdentityPoolId=world.pool_id,
    )


def test_merge_moves_the_source_user_to_the_destinations_identity(world: World) -> None:
    users = sorted(user_id() for _ in range(3))
    ids = [world.developer_token(user)["IdentityId"] for user in users]
    assert merge(world, users[1], users[0])["IdentityId"] == ids[0]
    assert merge(world, users[2], users[0])["IdentityId"] == ids[0]
    assert merge(world, users[2], users[0])["IdentityId"] == ids[0]
    assert world.developer_token(users[2])["IdentityId"] == ids[0]
    first = lookup(world, IdentityId=ids[0], MaxResults=2)
    assert first["DeveloperUserIdentifierList"] == users[:2]
    rest = lookup(world, IdentityId=ids[0], MaxResults=2, NextToken=first["NextToken"])
    assert rest["DeveloperUserIdentifierList"] == users[2:] and "NextToken" not in rest
    listed = world.admin.list_identities(
        IdentityPoolId=world.pool_id, MaxResults=60, HideDisabled=True
    )
    assert [i["IdentityId"] for i in listed["Identities"]] == [ids[0]]
    code, _ = refused(world.developer_token, user_id(), IdentityId=ids[1])
    assert code == "NotAuthorizedException"
    merged_away = lookup(world, IdentityId=ids[1])
    assert (merged_away["IdentityId"], merged_away["DeveloperUserIdentifierList"]) == (ids[1], [])


def test_merge_refuses_two_users_of_one_public_provider_and_strangers(world: World) -> None:
    alice, bob = user_id(), user_id()
    world.developer_token(alice, Logins=world.user())
    world.developer_token(bob, Logins=world.user())
    code, _ = refused(merge, world, alice, bob)
    assert code == "ResourceConflictException"
    code, _ = refused(merge, world, alice, user_id())
    assert code == "ResourceNotFoundException"
    code, _ = refused(merge, world, alice, bob, provider="login.other.app")
    assert code == "InvalidParameterException"
    other_pool = world.new_pool()
    carol = user_id()
    world.developer_token(carol, IdentityPoolId=other_pool)
    code, _ = refused(merge, world, carol, alice)
    assert code == "ResourceNotFoundException"


def unlink(world: World, identity_id: str, user: str) -> Any:
    return world.admin.unlink_developer_identity(
        IdentityId=identity_id,
        IdentityPoolId=world.pool_id,
        DeveloperProviderName=DEVELOPER,
        DeveloperUserIdentifier=user,
    )


def test_an_unlinked_developer_user_is_a_new_identity_next_time(world: World) -> None:
    alice, bob = user_id(), user_id()
    alice_id = world.developer_token(alice)["IdentityId"]
    bob_id = world.developer_token(bob)["IdentityId"]
    code, _ = refused(unlink, world, bob_id, alice)
    assert code == "ResourceConflictException"
    code, _ = refused(unlink, world, alice_id, user_id())
    assert code == "ResourceNotFoundException"
    unlink(world, alice_id, alice)
    assert world.describe(alice_id)["Logins"] == []
    assert world.developer_token(alice)["IdentityId"] not in {alice_id, bob_id}


def test_concurrent_first_tokens_and_crossed_merges_end_on_one_identity(world: World) -> None:
    """Races on PostgreSQL as on SQLite: one identity per identifier, merges take turns."""
    alice, bob = user_id(), user_id()
    admins = [client("cognito-identity", world.server.url) for _ in range(8)]

    def first_token(index: int) -> str:
        answer = admins[index].get_open_id_token_for_developer_identity(
            IdentityPoolId=world.pool_id, Logins={DEVELOPER: alice if index % 2 else bob}
        )
        return str(answer["IdentityId"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        made = list(pool.map(first_token, range(8)))
    assert len(set(made)) == 2

    def crossed_merge(index: int) -> str:
        source, destination = (alice, bob) if index % 2 else (bob, alice)
        answer = admins[index].merge_developer_identities(
            SourceUserIdentifier=source,
            DestinationUserIdentifier=destination,
            DeveloperProviderName=DEVELOPER,
            IdentityPoolId=world.pool_id,
        )
        return str(answer["IdentityId"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        merged = set(pool.map(crossed_merge, range(8)))
    assert len(merged) == 1
    owner = merged.pop()
    assert lookup(world, DeveloperUserIdentifier=alice)["IdentityId"] == owner
    assert lookup(world, DeveloperUserIdentifier=bob)["IdentityId"] == owner
    listed = world.admin.list_identities(
        IdentityPoolId=world.pool_id, MaxResults=60, HideDisabled=True
    )
    assert [i["IdentityId"] for i in listed["Identities"]] == [owner]

"""The user an external identity signs in as: made once, kept up to date, grouped, and never a
native user by name (the memory store; no trigger functions configured)."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import orjson
import pytest

from cognitio.functions.invoker import Functions
from cognitio.services.federation.federated_users import (
    EXTERNAL_PROVIDER,
    ExternalUser,
    FederatedSignInError,
    FederatedUsers,
    automatic_group,
    linked_identities,
)
from cognitio.services.triggers.triggers import Triggers
from cognitio.store.memory import MemoryStore
from cognitio.store.records import UserPoolRecord, UserRecord

POOL = UserPoolRecord(
    id="us-east-1_Ab12Cd34E",
    region="us-east-1",
    name="pool",
    config={"LambdaConfig": {}},
    created_ms=1,
    updated_ms=1,
    version=1,
)
GOOGLE = ExternalUser(
    provider_name="Google",
    provider_type="Google",
    user_id="1069",
    issuer=None,
    claims={"email": "ann@example.com", "given_name": "Ann", "email_verified": True},
    attribute_mapping={"email": "email", "given_name": "given_name", "username": "sub"},
)


def setup() -> tuple[MemoryStore, FederatedUsers]:
    store = MemoryStore()
    store.state.pools[POOL.id] = POOL
    return store, FederatedUsers(store, Triggers(Functions(())))


def sign_in(users: FederatedUsers, external: ExternalUser = GOOGLE) -> UserRecord:
    return asyncio.run(users.sign_in(POOL, "client", external))


def test_a_first_sign_in_makes_the_user_cognito_would() -> None:
    store, users = setup()
    user = sign_in(users)
    assert user.username == "Google_1069"
    assert user.status == EXTERNAL_PROVIDER
    assert user.password_hash is None
    assert user.attributes["email"] == "ann@example.com"
    assert user.attributes["given_name"] == "Ann"
    assert "email_verified" not in user.attributes  # not mapped, so not verified
    [identity] = linked_identities(user)
    assert (identity.provider_name, identity.user_id, identity.primary) == ("Google", "1069", True)
    assert orjson.loads(user.attributes["identities"])[0]["providerType"] == "Google"
    group = automatic_group(POOL.id, "Google")
    assert group == "us-east-1_Ab12Cd34E_Google"
    assert (POOL.id, group, user.sub) in store.state.members


def test_the_next_sign_in_is_the_same_user_with_attributes_written_again() -> None:
    _, users = setup()
    first = sign_in(users)
    renamed = replace(GOOGLE, claims={"given_name": "Anne"})
    again = sign_in(users, renamed)
    assert again.sub == first.sub
    assert again.attributes["given_name"] == "Anne"
    assert again.attributes["email"] == "ann@example.com"  # absent claims leave it as it was


def test_the_same_id_at_another_provider_is_another_user() -> None:
    _, users = setup()
    google = sign_in(users)
    oidc = sign_in(users, replace(GOOGLE, provider_name="MyOIDC", provider_type="OIDC"))
    assert oidc.sub != google.sub
    assert oidc.username == "MyOIDC_1069"


def test_a_disabled_user_stays_out() -> None:
    store, users = setup()
    user = sign_in(users)
    store.state.users[user.sub].enabled = False
    with pytest.raises(FederatedSignInError, match="disabled"):
        sign_in(users)


def test_a_taken_name_fails_this_sign_in_as_cognito_does() -> None:
    store, users = setup()
    squatter = sign_in(users, replace(GOOGLE, provider_name="Other"))
    store.state.users[squatter.sub].username_key = "google_1069"
    store.state.users[squatter.sub].username = "Google_1069"
    with pytest.raises(
        FederatedSignInError, match="Already found an entry for username Google_1069"
    ):
        sign_in(users)


def test_an_overlong_claim_fails_the_sign_in_and_stores_nothing() -> None:
    store, users = setup()
    with pytest.raises(FederatedSignInError, match="longer than"):
        sign_in(users, replace(GOOGLE, claims={"email": "a" * 3000}))
    assert store.state.users == {}


def test_a_changed_email_loses_the_verified_flag_unless_the_mapping_sets_it() -> None:
    """A native user linked to a provider keeps its verified flag only for the address it
    verified: the provider's new address arrives unverified."""
    store, users = setup()
    first = sign_in(users)
    store.state.users[first.sub].attributes["email_verified"] = "true"
    again = sign_in(users)  # the same address: still verified
    assert again.attributes["email_verified"] == "true"
    moved = sign_in(users, replace(GOOGLE, claims={"email": "mallory@example.net"}))
    assert moved.attributes["email"] == "mallory@example.net"
    assert moved.attributes["email_verified"] == "false"


def test_a_mapped_verified_flag_is_the_providers_word() -> None:
    _, users = setup()
    mapping = {**GOOGLE.attribute_mapping, "email_verified": "email_verified"}
    first = sign_in(users, replace(GOOGLE, attribute_mapping=mapping))
    assert first.attributes["email_verified"] == "true"
    moved = sign_in(
        users,
        replace(
            GOOGLE,
            attribute_mapping=mapping,
            claims={"email": "ann@example.org", "email_verified": True},
        ),
    )
    assert (moved.attributes["email"], moved.attributes["email_verified"]) == (
        "ann@example.org",
        "true",
    )


def test_a_mapped_alias_another_user_holds_fails_the_sign_in_with_a_reason() -> None:
    """Not an unhandled error (the web edge would answer 500): the sign-in fails with
    Cognito's alias message, and the other user keeps the alias."""
    store, users = setup()
    pool = replace(POOL, config={**POOL.config, "AliasAttributes": ["email"]})
    store.state.pools[POOL.id] = pool
    mapping = {**GOOGLE.attribute_mapping, "email_verified": "email_verified"}
    holder = asyncio.run(
        users.sign_in(pool, "client", replace(GOOGLE, user_id="1", attribute_mapping=mapping))
    )
    other = replace(GOOGLE, user_id="2", attribute_mapping=mapping, claims={"email": "o@x.org"})
    asyncio.run(users.sign_in(pool, "client", other))
    taking = replace(other, claims={"email": "ann@example.com", "email_verified": True})
    with pytest.raises(FederatedSignInError, match="already exists"):
        asyncio.run(users.sign_in(pool, "client", taking))
    assert store.state.users[holder.sub].attributes["email"] == "ann@example.com"


def test_a_mapping_cannot_write_the_identities_the_pool_keeps() -> None:
    """A mapping stored with ``identities`` (before the API refused it) fills nothing."""
    _, users = setup()
    forged = '[{"userId":"admin","providerName":"Corp","providerType":"SAML"}]'
    mapping = {**GOOGLE.attribute_mapping, "identities": "forged"}
    user = sign_in(users, replace(GOOGLE, attribute_mapping=mapping, claims={"forged": forged}))
    again = sign_in(users, replace(GOOGLE, attribute_mapping=mapping, claims={"forged": forged}))
    assert [i.provider_name for i in linked_identities(again)] == ["Google"]
    assert again.attributes["identities"] == user.attributes["identities"]

"""AdminLinkProviderForUser and AdminDisableProviderForUser over the memory store: a linked
identity signs in as its destination; the refusals are Cognito's."""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import replace

import pytest

from cognitio.documents import JsonArray
from cognitio.errors import (
    InvalidParameterException,
    LimitExceededException,
    ResourceNotFoundException,
    UserNotFoundException,
)
from cognitio.functions.invoker import Functions
from cognitio.services.federation.federated_users import (
    ExternalUser,
    FederatedSignInError,
    FederatedUsers,
)
from cognitio.services.federation.linking import Linking, ProviderUser
from cognitio.services.pools.schema import standard_schema
from cognitio.services.pools.user_pools import Caller
from cognitio.services.triggers.triggers import Triggers
from cognitio.store.memory import MemoryStore
from cognitio.store.records import UserPoolRecord, UserRecord
from cognitio.store.repositories import Transaction

CALLER = Caller("us-east-1", "123456789012")
POOL = UserPoolRecord(
    id="us-east-1_Ab12Cd34E",
    region="us-east-1",
    name="pool",
    config={"LambdaConfig": {}, "SchemaAttributes": list(standard_schema())},
    created_ms=1,
    updated_ms=1,
    version=1,
)
PROVIDERS = {"Google": "Google", "MyOIDC": "OIDC", "MySAML": "SAML"}


async def provider_type(_tx: Transaction, pool_id: str, name: str) -> str | None:
    return PROVIDERS.get(name) if pool_id == POOL.id else None


def native(username: str = "ann") -> UserRecord:
    return UserRecord(
        sub=str(uuid.uuid4()),
        pool_id=POOL.id,
        username=username,
        username_key=username,
        status="CONFIRMED",
        enabled=True,
        attributes={"email": f"{username}@example.com"},
        password_hash="$argon2id$v=19$m=1,t=1,p=1$c2FsdA$aGFzaA",
        srp_sealed=b"sealed",
        password_set_ms=1,
        created_ms=1,
        updated_ms=1,
        version=1,
    )


def google(user_id: str = "1069") -> ExternalUser:
    return ExternalUser("Google", "Google", user_id, None, {"name": "Ann G"}, {"name": "name"})


def oidc(user_id: str, email: str, **claims: str) -> ExternalUser:
    """An OIDC identity whose email (and any other claim given) the pool maps."""
    mapping = {"email": "email", **{name: name for name in claims}}
    return ExternalUser(
        "MyOIDC", "OIDC", user_id, "https://op.example", {"email": email, **claims}, mapping
    )


def saml(name_id: str, mail: list[str]) -> ExternalUser:
    """A SAML identity whose ``mail`` attribute has the values given."""
    values: JsonArray = list(mail)
    return ExternalUser("MySAML", "SAML", name_id, "urn:idp", {"mail": values}, {"email": "mail"})


class World:
    def __init__(self) -> None:
        self.store = MemoryStore()
        self.store.state.pools[POOL.id] = POOL
        self.ann = native()
        self.store.state.users[self.ann.sub] = self.ann
        self.linking = Linking(self.store, provider_type)
        self.users = FederatedUsers(self.store, Triggers(Functions(())))

    def link(self, source: ProviderUser, destination: ProviderUser | None = None) -> None:
        destination = destination or ProviderUser("Cognito", None, "ann")
        asyncio.run(self.linking.link(CALLER, POOL.id, destination, source))

    def disable(self, user: ProviderUser) -> None:
        asyncio.run(self.linking.disable(CALLER, POOL.id, user))

    def sign_in(self, external: ExternalUser) -> UserRecord:
        return asyncio.run(self.users.sign_in(POOL, "client", external))


def subject(name: str, value: str) -> ProviderUser:
    return ProviderUser(name, "Cognito_Subject", value)


def on_email(value: str = "ann@example.com", provider: str = "MyOIDC") -> ProviderUser:
    return ProviderUser(provider, "email", value)


def test_a_linked_identity_signs_in_as_its_destination() -> None:
    world = World()
    world.link(subject("Google", "1069"))
    user = world.sign_in(google())
    assert user.sub == world.ann.sub
    assert user.username == "ann"
    assert user.attributes["name"] == "Ann G"
    assert '"providerName":"Google"' in user.attributes["identities"]
    assert '"primary":"false"' in user.attributes["identities"]


def test_a_native_user_is_never_a_source() -> None:
    with pytest.raises(InvalidParameterException, match="may not be passed in as a SourceUser"):
        World().link(subject("Cognito", "ann"))


def test_an_identity_that_signed_in_cannot_be_merged() -> None:
    world = World()
    world.sign_in(google())
    with pytest.raises(InvalidParameterException, match="Merging is not currently supported"):
        world.link(subject("Google", "1069"))


def test_the_provider_and_the_destination_must_exist() -> None:
    world = World()
    with pytest.raises(ResourceNotFoundException):
        world.link(subject("Facebook", "1"))
    with pytest.raises(UserNotFoundException):
        world.link(subject("Google", "1"), ProviderUser("Cognito", None, "nobody"))


def test_only_the_subject_links() -> None:
    with pytest.raises(InvalidParameterException, match="Cognito_Subject"):
        World().link(ProviderUser("Google", "email", "ann@example.com"))


def test_five_identities_at_most() -> None:
    world = World()
    for number in range(5):
        world.link(subject("Google", str(number)))
    with pytest.raises(LimitExceededException):
        world.link(subject("Google", "5"))


def test_a_federated_user_can_be_a_destination() -> None:
    world = World()
    first = world.sign_in(google())
    world.link(subject("MyOIDC", "alice"), subject("Google", "1069"))
    oidc = ExternalUser("MyOIDC", "OIDC", "alice", "https://op.example", {}, {})
    assert world.sign_in(oidc).sub == first.sub


def test_disabling_a_link_gives_the_identity_a_user_of_its_own() -> None:
    world = World()
    world.link(subject("Google", "1069"))
    world.disable(subject("Google", "1069"))
    assert "identities" not in world.store.state.users[world.ann.sub].attributes
    user = world.sign_in(google())
    assert user.sub != world.ann.sub
    assert user.username == "Google_1069"
    with pytest.raises(UserNotFoundException):
        world.disable(subject("Google", "9999"))


def test_disabling_a_native_user_takes_its_password() -> None:
    world = World()
    world.disable(subject("Cognito", "ann"))
    ann = world.store.state.users[world.ann.sub]
    assert ann.password_hash is None
    assert ann.srp_sealed is None
    assert (ann.status, ann.enabled) == ("CONFIRMED", True)  # only the password goes


def test_an_oidc_identity_linked_on_its_email_signs_in_as_the_destination_then_by_subject() -> None:
    world = World()
    world.link(on_email())
    user = world.sign_in(oidc("op-1", "ann@example.com"))
    assert user.sub == world.ann.sub
    [identity] = json.loads(user.attributes["identities"])
    assert (identity["providerName"], identity["userId"]) == ("MyOIDC", "op-1")
    assert identity["issuer"] == "https://op.example"
    links = world.store.state.identities.values()
    assert [(i.attribute_name, i.provider_user_id) for i in links] == [("Cognito_Subject", "op-1")]
    # The link is the subject's now: a changed email still signs in as ann.
    assert world.sign_in(oidc("op-1", "ann@new.example")).sub == world.ann.sub


def test_a_second_identity_with_the_same_email_cannot_follow_the_first() -> None:
    world = World()
    world.link(on_email())
    assert world.sign_in(oidc("op-1", "ann@example.com")).sub == world.ann.sub
    other = world.sign_in(oidc("op-2", "ann@example.com"))
    assert other.sub != world.ann.sub
    assert other.username == "MyOIDC_op-2"


def test_an_attribute_value_matches_exactly() -> None:
    world = World()
    world.link(on_email())
    for near in ("Ann@example.com", "ann@example.com ", "ann@example.co"):
        assert world.sign_in(oidc(f"op-{near}", near)).sub != world.ann.sub
    # The link was not spent by the near misses.
    assert world.sign_in(oidc("op-1", "ann@example.com")).sub == world.ann.sub


def test_a_link_on_an_attribute_the_mapping_does_not_fill_matches_nothing() -> None:
    world = World()
    world.link(ProviderUser("MyOIDC", "name", "Ann"))
    assert world.sign_in(oidc("op-1", "ann@example.com")).sub != world.ann.sub
    assert world.sign_in(oidc("op-2", "ann@example.com", name="Ann")).sub == world.ann.sub


def test_a_social_provider_links_and_disables_on_its_subject_only() -> None:
    world = World()
    with pytest.raises(InvalidParameterException, match="social identity provider"):
        world.link(ProviderUser("Google", "email", "ann@example.com"))
    with pytest.raises(InvalidParameterException, match="social identity provider"):
        world.disable(ProviderUser("Google", "email", "ann@example.com"))


def test_a_link_names_an_attribute_the_pool_can_map() -> None:
    world = World()
    for name in ("NameID", "sub", "identities", "custom:nothing"):
        with pytest.raises(InvalidParameterException, match="mutable attribute"):
            world.link(ProviderUser("MyOIDC", name, "x"))
    with pytest.raises(InvalidParameterException, match="ProviderAttributeName is required"):
        world.link(ProviderUser("MyOIDC", None, "x"))
    with pytest.raises(InvalidParameterException, match="at most 512"):
        world.link(on_email("a" * 513))


def test_a_link_on_an_attribute_is_disabled_by_it_until_the_identity_signs_in() -> None:
    world = World()
    world.link(on_email())
    world.disable(on_email())
    assert "identities" not in world.store.state.users[world.ann.sub].attributes
    assert world.sign_in(oidc("op-1", "ann@example.com")).sub != world.ann.sub
    world.link(on_email())
    assert world.sign_in(oidc("op-2", "ann@example.com")).sub == world.ann.sub
    with pytest.raises(UserNotFoundException):
        world.disable(on_email())
    world.disable(subject("MyOIDC", "op-2"))
    assert "identities" not in world.store.state.users[world.ann.sub].attributes


def test_a_saml_attribute_with_several_values_matches_no_link() -> None:
    world = World()
    world.link(on_email(provider="MySAML"))
    both = ["ann@example.com", "mallory@example.com"]
    assert world.sign_in(saml("mallory", both)).sub != world.ann.sub
    assert world.sign_in(saml("ann", ["ann@example.com"])).sub == world.ann.sub


def test_links_pointing_at_two_users_refuse_the_sign_in() -> None:
    world = World()
    bob = native("bob")
    world.store.state.users[bob.sub] = bob
    world.link(on_email())
    world.link(ProviderUser("MyOIDC", "name", "Ann"), ProviderUser("Cognito", None, "bob"))
    with pytest.raises(FederatedSignInError, match="more than one user"):
        world.sign_in(oidc("op-1", "ann@example.com", name="Ann"))
    # Nothing was spent.
    assert len(world.store.state.identities) == 2


def test_a_disabled_destination_keeps_its_attribute_link() -> None:
    world = World()
    world.link(on_email())
    world.store.state.users[world.ann.sub] = replace(world.ann, enabled=False)
    with pytest.raises(FederatedSignInError, match="disabled"):
        world.sign_in(oidc("op-1", "ann@example.com"))
    [link] = world.store.state.identities.values()
    assert link.attribute_name == "email"

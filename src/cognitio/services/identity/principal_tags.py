"""Principal tags: which claims of a provider's token become session tags.

SetPrincipalTagAttributeMap and GetPrincipalTagAttributeMap; see
https://docs.aws.amazon.com/cognito/latest/developerguide/attributes-for-access-control.html and
https://docs.aws.amazon.com/cognito/latest/developerguide/provider-mappings.html. Attributes for
access control are off for a provider until a map is set: its sign-ins carry no session tags, so
roles need no ``sts:TagSession``, and GetPrincipalTagAttributeMap answers
ResourceNotFoundException. With UseDefaults the map is the provider's default one: the tag
``username`` from the token's user id claim and ``client`` from its audience (the app client or
app id); otherwise it is the map given, and an empty one turns the tags off again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from cognitio.documents import JsonObject
from cognitio.errors import ResourceNotFoundException
from cognitio.services.identity.lookup import load_pool
from cognitio.services.identity.pools import IdentityPools
from cognitio.services.pools.user_pools import Caller
from cognitio.store.records import IdentityPoolRecord
from cognitio.store.repositories import Store

_SAML_CLAIMS = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/"


@dataclass(frozen=True, slots=True)
class TagMap:
    """A provider's principal tag map as the two operations show it."""

    pool_id: str
    provider_name: str
    use_defaults: bool
    principal_tags: Mapping[str, str]


def default_tags(provider_name: str) -> dict[str, str]:
    """The default map of a provider, by its kind (provider-mappings.md)."""
    if ":saml-provider/" in provider_name:
        return {"username": _SAML_CLAIMS + "nameidentifier", "client": _SAML_CLAIMS + "name"}
    if provider_name == "www.amazon.com":
        return {"username": "user_id", "client": "aud"}
    return {"username": "sub", "client": "aud"}


def active_map(record: IdentityPoolRecord, provider_name: str) -> dict[str, str]:
    """The claims a provider's sign-ins turn into tags: empty while none was set."""
    stored = record.principal_tags.get(provider_name)
    if not isinstance(stored, dict):
        return {}
    return dict(_shown(record.id, provider_name, stored).principal_tags)


def _shown(pool_id: str, provider_name: str, stored: JsonObject) -> TagMap:
    if stored.get("UseDefaults") is True:
        return TagMap(pool_id, provider_name, True, default_tags(provider_name))
    tags = stored.get("PrincipalTags")
    given = {str(k): str(v) for k, v in tags.items()} if isinstance(tags, dict) else {}
    return TagMap(pool_id, provider_name, False, given)


class PrincipalTags:
    """SetPrincipalTagAttributeMap and GetPrincipalTagAttributeMap."""

    def __init__(self, store: Store, pools: IdentityPools) -> None:
        self._store = store
        self._pools = pools

    async def set_map(
        self,
        caller: Caller,
        pool_id: str,
        provider_name: str,
        use_defaults: bool,
        principal_tags: Mapping[str, str] | None,
    ) -> TagMap:
        stored: JsonObject = {
            "UseDefaults": use_defaults,
            "PrincipalTags": dict(principal_tags or {}),
        }

        def change(record: IdentityPoolRecord) -> IdentityPoolRecord:
            maps = {**record.principal_tags, provider_name: stored}
            if not use_defaults and not principal_tags:
                del maps[provider_name]  # an empty map turns the provider's tags off
            return replace(record, principal_tags=maps)

        await self._pools.modify(caller, pool_id, change)
        return _shown(pool_id, provider_name, stored)

    async def get_map(self, caller: Caller, pool_id: str, provider_name: str) -> TagMap:
        async with self._store.read() as tx:
            record = await load_pool(tx, caller, pool_id)
        stored = record.principal_tags.get(provider_name)
        if not isinstance(stored, dict):
            raise ResourceNotFoundException(
                f"Identity pool {pool_id} has no principal tag attribute map for "
                f"{provider_name[:128]}."
            )
        return _shown(pool_id, provider_name, stored)

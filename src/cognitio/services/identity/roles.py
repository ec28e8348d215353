"""An identity pool's roles and role mappings: SetIdentityPoolRoles, GetIdentityPoolRoles.

https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_SetIdentityPoolRoles.html
and https://docs.aws.amazon.com/cognito/latest/developerguide/role-based-access-control.html.
Stored as given once checked; choosing a role for a sign-in is not done here. The model checks
the keys (``authenticated``/``unauthenticated``), the enums and lengths; these are the rules it
states only in prose: AmbiguousRoleResolution with either type, RulesConfiguration with Rules,
at most 25 rules per provider, role ARNs that name an IAM role, and keys that name a provider
of the pool (``mapping_keys``).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from cognitio.documents import JsonObject, JsonValue
from cognitio.errors import InvalidParameterException
from cognitio.services.identity.lookup import load_pool
from cognitio.services.identity.pools import IdentityPools
from cognitio.services.identity.user_pool_logins import provider_name
from cognitio.services.pools.user_pools import Caller
from cognitio.store.records import IdentityPoolRecord
from cognitio.store.repositories import Store

MAX_RULES = 25  # per identity provider, the documented quota (the model allows 400)
_ROLE_ARN = re.compile(r"^arn:aws[\w-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")


@dataclass(frozen=True, slots=True)
class PoolRoles:
    """What GetIdentityPoolRoles shows."""

    pool_id: str
    roles: Mapping[str, str]
    role_mappings: JsonObject


def check_role_arn(arn: str) -> None:
    if not _ROLE_ARN.match(arn):
        raise InvalidParameterException(f"Invalid role ARN: {arn[:2048]}")


def check_role_mappings(mappings: Mapping[str, Mapping[str, JsonValue]]) -> JsonObject:
    """The RoleMappings, checked as Cognito checks them, in Cognito's shape."""
    checked: JsonObject = {}
    for provider, mapping in mappings.items():
        kind = mapping.get("Type")
        if "AmbiguousRoleResolution" not in mapping:
            raise InvalidParameterException(
                f"AmbiguousRoleResolution is required for the {kind} role mapping of {provider}."
            )
        kept: JsonObject = {
            "Type": kind,
            "AmbiguousRoleResolution": mapping["AmbiguousRoleResolution"],
        }
        if kind == "Rules":
            configuration = mapping.get("RulesConfiguration")
            rules = configuration.get("Rules") if isinstance(configuration, dict) else None
            if not isinstance(rules, list):
                raise InvalidParameterException(
                    f"RulesConfiguration is required for the Rules role mapping of {provider}."
                )
            if len(rules) > MAX_RULES:
                raise InvalidParameterException(
                    f"The role mapping of {provider} has {len(rules)} rules; "
                    f"at most {MAX_RULES} are allowed."
                )
            for rule in rules:
                if isinstance(rule, dict) and isinstance(rule.get("RoleARN"), str):
                    check_role_arn(str(rule["RoleARN"]))
            kept["RulesConfiguration"] = {"Rules": copy.deepcopy(rules)}
        checked[provider] = kept
    return checked


def mapping_keys(pool: IdentityPoolRecord) -> set[str]:
    """The RoleMappings keys that name a provider of ``pool``: ``<user pool provider>:<app
    client>`` (either form of the user pool's name), a social provider's domain, an OIDC
    provider's issuer host and path, a SAML provider's ARN."""
    providers = pool.providers
    keys: set[str] = set()
    entries = providers.get("CognitoIdentityProviders")
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict):
            name, client_id = entry.get("ProviderName"), entry.get("ClientId")
            if isinstance(name, str) and isinstance(client_id, str):
                keys.add(f"{name}:{client_id}")
                keys.add(f"{provider_name(name.rpartition('/')[2])}:{client_id}")
    social = providers.get("SupportedLoginProviders")
    keys.update(social if isinstance(social, dict) else {})
    for member, marker in (
        ("OpenIdConnectProviderARNs", "oidc-provider/"),
        ("SamlProviderARNs", ""),
    ):
        arns = providers.get(member)
        for arn in arns if isinstance(arns, list) else []:
            if isinstance(arn, str):
                keys.add(arn.partition(marker)[2] if marker else arn)
    return keys


class IdentityPoolRoles:
    """SetIdentityPoolRoles and GetIdentityPoolRoles."""

    def __init__(self, store: Store, pools: IdentityPools) -> None:
        self._store = store
        self._pools = pools

    async def set_roles(
        self,
        caller: Caller,
        pool_id: str,
        roles: Mapping[str, str],
        role_mappings: Mapping[str, Mapping[str, JsonValue]] | None,
    ) -> None:
        """Replace the pool's roles and role mappings (mappings left out are removed)."""
        for arn in roles.values():
            check_role_arn(arn)
        mappings = check_role_mappings(role_mappings or {})

        def change(record: IdentityPoolRecord) -> IdentityPoolRecord:
            keys = mapping_keys(record)
            for provider in mappings:
                if provider not in keys:
                    raise InvalidParameterException(
                        f"({provider[:2048]}) is not a valid RoleMapping ProviderName or is not "
                        "a configured provider."
                    )
            return replace(record, roles=dict(roles), role_mappings=mappings)

        await self._pools.modify(caller, pool_id, change)

    async def get_roles(self, caller: Caller, pool_id: str) -> PoolRoles:
        async with self._store.read() as tx:
            record = await load_pool(tx, caller, pool_id)
        return PoolRoles(record.id, dict(record.roles), record.role_mappings)

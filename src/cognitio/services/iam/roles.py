"""Roles declared in the configuration file's ``[iam]`` table: there is no IAM beside a
self-hosted server, so the roles identity pools hand out live here, checked at start.

Each ``[[iam.roles]]`` entry has an ``arn`` (``arn:aws:iam::{account_id}:role/[path/]Name``), a
``max_session_duration`` (3,600 to 43,200 seconds, IAM's range; 3,600 by default), an optional
``trust_policy`` and ``[[iam.roles.policies]]``. A policy is ``document`` (a TOML table or a JSON
string) or ``file`` (a JSON file, relative to the configuration file); permission policies also
have a ``name``. A role without a trust policy trusts Cognitio's identity issuer
(``cognito-identity.amazonaws.com``) for the identity pools that name the role, the trust AWS
asks such roles to declare (Cognito Developer Guide, "Role trust and permissions").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cognitio.services.iam.conditions import parse_condition
from cognitio.services.iam.errors import PolicyError, RoleError
from cognitio.services.iam.patterns import compile_pattern, literal_pattern
from cognitio.services.iam.policy import (
    Effect,
    Policy,
    PolicyKind,
    Principals,
    Statement,
    parse_policy,
    parse_policy_json,
)

IDENTITY_ISSUER = "cognito-identity.amazonaws.com"
DEFAULT_SESSION_S = 3600
MAX_SESSION_S = 43200  # 12 hours, IAM's ceiling for a role's MaxSessionDuration
_ROLE_ARN = re.compile(r"^arn:aws:iam::(\d{12}):role/((?:[\w+=,.@-]+/)*)([\w+=,.@-]{1,64})$")
_POLICY_NAME = re.compile(r"^[\w+=,.@-]{1,128}$")
_ROLE_KEYS = frozenset({"arn", "max_session_duration", "trust_policy", "policies"})
_SOURCE_KEYS = frozenset({"name", "document", "file"})


@dataclass(frozen=True)
class Role:
    """A role: its ARN, how long its sessions may last, whom it trusts and what it allows."""

    arn: str
    name: str
    max_session_duration: int
    # None: the default trust, built for the pools that name the role (trust_for).
    trust_policy: Policy | None
    policies: tuple[Policy, ...]

    def trust_for(self, pool_ids: Sequence[str]) -> Policy:
        """The trust policy to check an assumption with; ``pool_ids`` are the identity pools
        whose roles name this one (used only when the role declares no trust policy)."""
        return self.trust_policy or default_trust_policy(self.name, pool_ids)


def default_trust_policy(role_name: str, pool_ids: Sequence[str]) -> Policy:
    """Trust Cognitio's identity issuer for ``sts:AssumeRoleWithWebIdentity`` and
    ``sts:TagSession`` when the identity token's ``aud`` is one of ``pool_ids``."""
    name = f"{role_name} default trust"
    if not pool_ids:
        return Policy(name=name, version="2012-10-17", statements=())
    actions = ("sts:assumerolewithwebidentity", "sts:tagsession")
    statement = Statement(
        number=1,
        sid="IdentityPools",
        effect=Effect.ALLOW,
        actions=tuple(
            literal_pattern(compile_pattern(a, variables=False, wildcards=True)) for a in actions
        ),
        not_action=False,
        resources=None,
        not_resource=False,
        principals=Principals(everyone=False, ids=(("Federated", IDENTITY_ISSUER),)),
        not_principal=False,
        conditions=(
            parse_condition(
                "StringEquals", f"{IDENTITY_ISSUER}:aud", list(pool_ids), variables=False
            ),
        ),
    )
    return Policy(name=name, version="2012-10-17", statements=(statement,))


def parse_roles(table: object, *, base_dir: Path, account_id: str) -> tuple[Role, ...]:
    """The ``[iam]`` table's roles, checked; RoleError names the entry and what is wrong."""
    if not isinstance(table, Mapping):
        raise RoleError("iam: must be a table")
    unknown = sorted(set(table) - {"roles", "oidc_providers", "saml_providers"})
    if unknown:
        raise RoleError(
            f"iam: unknown key {unknown[0]!r} (roles, oidc_providers and saml_providers are known)"
        )
    entries = table.get("roles", [])
    if not isinstance(entries, list):
        raise RoleError("iam.roles: must be an array of tables ([[iam.roles]])")
    roles: list[Role] = []
    names: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        role = _role(f"iam.roles[{index}]", entry, base_dir, account_id)
        # IAM role names are unique without regard to case.
        if role.name.lower() in names:
            raise RoleError(f"iam.roles[{index}]: a role named {role.name} is declared twice")
        names.add(role.name.lower())
        roles.append(role)
    return tuple(roles)


def _role(where: str, entry: object, base_dir: Path, account_id: str) -> Role:
    if not isinstance(entry, Mapping):
        raise RoleError(f"{where}: must be a table")
    unknown = sorted(set(entry) - _ROLE_KEYS)
    if unknown:
        raise RoleError(f"{where}: unknown key {unknown[0]!r}")
    arn = entry.get("arn")
    match = _ROLE_ARN.match(arn) if isinstance(arn, str) else None
    if match is None:
        raise RoleError(f"{where}: arn must be arn:aws:iam::ACCOUNT:role/[PATH/]NAME, not {arn!r}")
    if match.group(1) != account_id:
        raise RoleError(f"{where}: {arn} is not in this server's account ({account_id})")
    where = f"{where} ({match.group(3)})"
    duration = entry.get("max_session_duration", DEFAULT_SESSION_S)
    if isinstance(duration, bool) or not isinstance(duration, int):
        raise RoleError(f"{where}: max_session_duration must be a whole number of seconds")
    if not DEFAULT_SESSION_S <= duration <= MAX_SESSION_S:
        raise RoleError(f"{where}: max_session_duration must be 3600 to 43200 seconds")
    trust = entry.get("trust_policy")
    trust_policy = None
    if trust is not None:
        trust_policy = _policy(f"{where}.trust_policy", trust, base_dir, PolicyKind.TRUST)
    sources = entry.get("policies", [])
    if not isinstance(sources, list):
        raise RoleError(f"{where}: policies must be an array of tables ([[iam.roles.policies]])")
    policies = []
    for number, source in enumerate(sources, start=1):
        policies.append(
            _policy(f"{where}.policies[{number}]", source, base_dir, PolicyKind.PERMISSIONS)
        )
    seen = [policy.name for policy in policies]
    twice = sorted({name for name in seen if seen.count(name) > 1})
    if twice:
        raise RoleError(f"{where}: two policies are named {twice[0]}")
    return Role(
        arn=str(arn),
        name=match.group(3),
        max_session_duration=duration,
        trust_policy=trust_policy,
        policies=tuple(policies),
    )


def _policy(where: str, source: object, base_dir: Path, kind: PolicyKind) -> Policy:
    if not isinstance(source, Mapping):
        raise RoleError(f"{where}: must be a table with document or file")
    unknown = sorted(set(source) - _SOURCE_KEYS)
    if unknown:
        raise RoleError(f"{where}: unknown key {unknown[0]!r}")
    if ("document" in source) == ("file" in source):
        raise RoleError(f"{where}: needs exactly one of document and file")
    name = source.get("name", "trust" if kind is PolicyKind.TRUST else None)
    if not isinstance(name, str) or not _POLICY_NAME.match(name):
        raise RoleError(f"{where}: name must be 1-128 letters, digits and +=,.@_-")
    try:
        if "file" in source:
            return parse_policy_json(
                read_beside(where, source["file"], base_dir), name=name, kind=kind
            )
        document = source["document"]
        if isinstance(document, str):
            return parse_policy_json(document, name=name, kind=kind)
        return parse_policy(document, name=name, kind=kind)
    except PolicyError as error:
        raise RoleError(f"{where}: {error}") from None


def read_beside(
    where: str,
    file: object,
    base_dir: Path,
    *,
    member: str = "file",
    error: type[ValueError] = RoleError,
) -> str:
    """The text of a file the configuration names (``member``), relative to its own folder;
    ``error`` naming ``where`` when it cannot be read."""
    if not isinstance(file, str) or not file:
        raise error(f"{where}: {member} must be a path")
    path = base_dir / file
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{where}: {member} not found: {path}") from None
    except (OSError, UnicodeDecodeError) as problem:
        raise error(f"{where}: cannot read {path}: {problem}") from None

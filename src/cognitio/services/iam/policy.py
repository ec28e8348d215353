"""IAM policy documents: the grammar, checked, read into frozen statements.

IAM User Guide, "IAM JSON policy element reference" and "Grammar of the IAM JSON policy
language". Two kinds are read: permission policies (Action or NotAction, Resource or
NotResource, no Principal) and role trust policies (Principal or NotPrincipal, no Resource).
Anything the grammar does not allow is a :class:`PolicyError` naming the statement and member:
an unknown member or operator, an Effect other than Allow or Deny, Action beside NotAction, a
policy variable outside Resource and String/Arn condition values. Version 2012-10-17 reads
``${...}`` variables; 2008-10-17 (and a document without Version) takes them as plain text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import Enum

from cognitio.documents import JsonValue
from cognitio.services.iam.conditions import Condition, parse_condition
from cognitio.services.iam.errors import PolicyError
from cognitio.services.iam.patterns import (
    Part,
    PatternError,
    Resolved,
    compile_pattern,
    literal_pattern,
)

VERSIONS = ("2012-10-17", "2008-10-17")
PRINCIPAL_TYPES = ("AWS", "Federated", "Service", "CanonicalUser")
_ACTION = re.compile(r"^[A-Za-z0-9-]+:[A-Za-z0-9*?_-]+$")
_SID = re.compile(r"^[A-Za-z0-9]*$")
_ACCOUNT = re.compile(r"^\d{12}$")
_STATEMENT_KEYS = frozenset(
    {"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource"}
    | {"NotResource", "Condition"}
)


class PolicyKind(Enum):
    """What a document is for, which decides the members it must and may not have."""

    PERMISSIONS = "permissions"
    TRUST = "trust"


class Effect(Enum):
    ALLOW = "Allow"
    DENY = "Deny"


@dataclass(frozen=True)
class Principals:
    """A Principal or NotPrincipal element: everyone (``"*"``) or (type, id) pairs."""

    everyone: bool
    ids: tuple[tuple[str, str], ...] = ()

    def covers(self, kind: str, identifier: str) -> bool:
        """Whether the principal ``kind``/``identifier`` is named here."""
        return self.everyone or (kind, identifier) in self.ids or (kind, "*") in self.ids


@dataclass(frozen=True)
class Statement:
    """One statement, its patterns compiled; ``number`` counts from 1 as people do."""

    number: int
    sid: str | None
    effect: Effect
    actions: tuple[Resolved, ...]
    not_action: bool
    resources: tuple[tuple[Part, ...], ...] | None
    not_resource: bool
    principals: Principals | None
    not_principal: bool
    conditions: tuple[Condition, ...]

    @property
    def label(self) -> str:
        """How messages and explanations name the statement."""
        return f"statement {self.number}" + (f" ({self.sid})" if self.sid else "")


@dataclass(frozen=True)
class Policy:
    """A checked policy document; ``name`` says where it came from (for explanations)."""

    name: str
    version: str
    statements: tuple[Statement, ...]


def parse_policy_json(text: str, *, name: str, kind: PolicyKind) -> Policy:
    """A policy from its JSON text; a member named twice in an object is an error."""
    try:
        document = json.loads(text, object_pairs_hook=_no_duplicates)
    except PolicyError as error:
        raise PolicyError(f"{name}: {error}") from None
    except ValueError as error:
        raise PolicyError(f"{name}: not valid JSON: {error}") from None
    return parse_policy(document, name=name, kind=kind)


def _no_duplicates(pairs: list[tuple[str, JsonValue]]) -> dict[str, JsonValue]:
    document: dict[str, JsonValue] = {}
    for key, value in pairs:
        if key in document:
            raise PolicyError(f"the member {key!r} appears twice in one object")
        document[key] = value
    return document


def parse_policy(document: object, *, name: str, kind: PolicyKind) -> Policy:
    """A policy from its parsed document (a JSON object, or a TOML table)."""
    if not isinstance(document, dict):
        raise PolicyError(f"{name}: a policy document is a JSON object")
    unknown = sorted(set(document) - {"Version", "Id", "Statement"})
    if unknown:
        raise PolicyError(f"{name}: unknown member {unknown[0]!r}")
    version = document.get("Version", "2008-10-17")
    if version not in VERSIONS:
        raise PolicyError(f"{name}: Version must be 2012-10-17 or 2008-10-17, not {version!r}")
    if "Id" in document and not isinstance(document["Id"], str):
        raise PolicyError(f"{name}: Id must be a string")
    raw = document.get("Statement")
    items = [raw] if isinstance(raw, dict) else raw
    if not isinstance(items, list) or not items:
        raise PolicyError(f"{name}: Statement must be an object or a non-empty list of them")
    statements = []
    sids: set[str] = set()
    for number, item in enumerate(items, start=1):
        try:
            statement = _statement(number, item, version == "2012-10-17", kind)
        except PolicyError as error:
            sid = item.get("Sid") if isinstance(item, dict) else None
            label = f"statement {number}" + (f" ({sid})" if isinstance(sid, str) and sid else "")
            raise PolicyError(f"{name}: {label}: {error}") from None
        if statement.sid is not None:
            if statement.sid in sids:
                raise PolicyError(f"{name}: {statement.label}: the Sid is used twice")
            sids.add(statement.sid)
        statements.append(statement)
    return Policy(name=name, version=str(version), statements=tuple(statements))


def _statement(number: int, item: object, variables: bool, kind: PolicyKind) -> Statement:
    if not isinstance(item, dict):
        raise PolicyError("a statement is a JSON object")
    unknown = sorted(set(item) - _STATEMENT_KEYS)
    if unknown:
        raise PolicyError(f"unknown member {unknown[0]!r}")
    sid = item.get("Sid")
    if sid is not None and (not isinstance(sid, str) or not _SID.match(sid)):
        raise PolicyError("Sid: letters and digits only")
    effect = item.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise PolicyError(f"Effect: must be Allow or Deny, not {effect!r}")
    action_member, actions = _one_of(item, "Action", "NotAction", required=True)
    resource_member, resources = _one_of(
        item, "Resource", "NotResource", required=kind is PolicyKind.PERMISSIONS
    )
    principal_member, principal = _one_of(
        item, "Principal", "NotPrincipal", required=kind is PolicyKind.TRUST
    )
    if kind is PolicyKind.PERMISSIONS and principal_member:
        raise PolicyError(f"{principal_member}: a permission policy names no principal")
    if kind is PolicyKind.TRUST and resource_member:
        raise PolicyError(f"{resource_member}: a trust policy has no resource")
    return Statement(
        number=number,
        sid=sid or None,
        effect=Effect(effect),
        actions=tuple(_action(action_member, text) for text in _strings(action_member, actions)),
        not_action=action_member == "NotAction",
        resources=None
        if not resource_member
        else tuple(
            _resource(resource_member, text, variables)
            for text in _strings(resource_member, resources)
        ),
        not_resource=resource_member == "NotResource",
        principals=None if not principal_member else _principals(principal_member, principal),
        not_principal=principal_member == "NotPrincipal",
        conditions=_conditions(item.get("Condition"), variables),
    )


def _one_of(
    item: dict[str, object], name: str, negated: str, *, required: bool
) -> tuple[str, object]:
    """Which of ``name`` and ``Not<name>`` the statement has, and its value."""
    if name in item and negated in item:
        raise PolicyError(f"{name} and {negated} cannot both appear in a statement")
    if name in item:
        return name, item[name]
    if negated in item:
        return negated, item[negated]
    if required:
        raise PolicyError(f"needs {name} or {negated}")
    return "", None


def _strings(member: str, value: object) -> list[str]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
        raise PolicyError(f"{member}: must be a string or a non-empty list of strings")
    return [str(i) for i in items]


def _action(member: str, text: str) -> Resolved:
    if "${" in text:
        raise PolicyError(f"{member}: policy variables are allowed only in Resource and conditions")
    if text != "*" and not _ACTION.match(text):
        raise PolicyError(f"{member}: {text!r} is not '*' or service:action (e.g. s3:GetObject)")
    return literal_pattern(compile_pattern(text.lower(), variables=False, wildcards=True))


def _resource(member: str, text: str, variables: bool) -> tuple[Part, ...]:
    if text != "*" and not (text.startswith("arn:") and text.count(":") >= 5):
        raise PolicyError(f"{member}: {text!r} is not '*' or an ARN (arn:partition:service:...)")
    try:
        return compile_pattern(text, variables=variables, wildcards=True)
    except PatternError as error:
        raise PolicyError(f"{member}: {error}") from None


def _principals(member: str, value: object) -> Principals:
    if value == "*":
        return Principals(everyone=True)
    if not isinstance(value, dict) or not value:
        raise PolicyError(f"{member}: must be '*' or an object such as {{\"Federated\": ...}}")
    pairs = []
    for kind, ids in value.items():
        if kind not in PRINCIPAL_TYPES:
            raise PolicyError(f"{member}: {kind!r} is not one of {', '.join(PRINCIPAL_TYPES)}")
        for identifier in _strings(f"{member}.{kind}", ids):
            if "${" in identifier:
                raise PolicyError(f"{member}: policy variables are not allowed in a principal")
            if kind == "AWS" and _ACCOUNT.match(identifier):
                identifier = f"arn:aws:iam::{identifier}:root"
            pairs.append((str(kind), identifier))
    return Principals(everyone=False, ids=tuple(pairs))


def _conditions(block: object, variables: bool) -> tuple[Condition, ...]:
    if block is None:
        return ()
    if not isinstance(block, dict):
        raise PolicyError("Condition: must be an object of operators")
    conditions = []
    for written, keys in block.items():
        if not isinstance(keys, dict) or not keys:
            raise PolicyError(f"Condition: {written}: must be an object of condition keys")
        for key, values in keys.items():
            try:
                conditions.append(parse_condition(written, key, values, variables))
            except PolicyError as error:
                raise PolicyError(f"Condition: {error}") from None
    return tuple(conditions)

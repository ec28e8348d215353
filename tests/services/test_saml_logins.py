"""SAML logins of identity pools, below the wire: the Role attribute's pairs, and the basic flow
(GetOpenIdToken), which SAML logins may not take."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest

from cognitio.errors import InvalidParameterException, NotAuthorizedException
from cognitio.services.federation.saml_metadata import parse_metadata
from cognitio.services.identity.iam_providers import IamProviders, SamlProvider
from cognitio.services.identity.login_kinds import LoginContext, LoginServices
from cognitio.services.identity.saml_logins import BASIC_FLOW, granted_roles, saml_login
from cognitio.store.records import IdentityPoolRecord
from tests.helpers.federated_browser import saml_metadata

ARN = "arn:aws:iam::123456789012:saml-provider/Corp"
ROLE = "arn:aws:iam::123456789012:role/"


def test_role_pairs_are_read_in_either_order_for_this_provider_only() -> None:
    values = (
        f"{ROLE}A,{ARN}",
        f" {ARN} , {ROLE}B ",
        f"{ROLE}C,arn:aws:iam::123456789012:saml-provider/Other",
        f"{ROLE}A,{ARN}",
        f"{ROLE}D",
        f"{ROLE}E,{ARN},extra",
        "",
    )
    assert granted_roles(values, ARN) == (f"{ROLE}A", f"{ROLE}B")


def _context(listed: list[str], basic_flow: bool) -> LoginContext:
    provider = SamlProvider(ARN, "Corp", parse_metadata(saml_metadata()))
    services = LoginServices(
        clients=cast(Any, None), endpoints=cast(Any, None), iam=IamProviders({}, {ARN: provider})
    )
    pool = cast(
        IdentityPoolRecord,
        type("Pool", (), {"id": "us-east-1:x", "providers": {"SamlProviderARNs": listed}})(),
    )
    return LoginContext(
        tx=cast(Any, None),
        tokens=cast(Any, None),
        pool=pool,
        services=services,
        basic_flow=basic_flow,
    )


def test_the_basic_flow_refuses_saml_logins() -> None:
    with pytest.raises(InvalidParameterException) as caught:
        asyncio.run(saml_login(_context([ARN], basic_flow=True), ARN, "PHg+"))
    assert caught.value.message == BASIC_FLOW


def test_a_provider_the_pool_does_not_list_is_refused_before_anything_is_read() -> None:
    with pytest.raises(NotAuthorizedException) as caught:
        asyncio.run(saml_login(_context([], basic_flow=False), ARN, "PHg+"))
    assert caught.value.message == "Token is not from a supported provider of this identity pool."

"""Keys, the two parties and the fixture IdP shared by the SAML service-provider tests."""

from __future__ import annotations

import pytest

from cognitio.services.federation.saml import (
    SamlIdentityProvider,
    SamlKeyPair,
    SamlServiceProvider,
)
from tests.helpers.saml_idp import IDP_ENTITY_ID, FixtureIdp, key_pair

POOL_ID = "us-east-1_SamlTest1"
BASE_URL = "http://127.0.0.1:9229"


@pytest.fixture(scope="session")
def idp_keys() -> SamlKeyPair:
    return key_pair("fixture-idp")


@pytest.fixture(scope="session")
def pool_signing_keys() -> SamlKeyPair:
    return key_pair("cognitio-pool-signing")


@pytest.fixture(scope="session")
def decryption_keys() -> SamlKeyPair:
    return key_pair("cognitio-provider-encryption")


@pytest.fixture
def sp(pool_signing_keys: SamlKeyPair, decryption_keys: SamlKeyPair) -> SamlServiceProvider:
    return SamlServiceProvider(
        pool_id=POOL_ID,
        base_url=BASE_URL,
        signing=pool_signing_keys,
        decryption=(decryption_keys,),
    )


@pytest.fixture
def idp(idp_keys: SamlKeyPair) -> SamlIdentityProvider:
    return SamlIdentityProvider(
        entity_id=IDP_ENTITY_ID,
        sso_redirect_url="https://idp.example.test/sso",
        slo_redirect_url="https://idp.example.test/slo",
        signing_certificates=(idp_keys.certificate_pem,),
    )


@pytest.fixture
def fixture_idp(idp_keys: SamlKeyPair, sp: SamlServiceProvider) -> FixtureIdp:
    return FixtureIdp(keys=idp_keys, sp_entity_id=sp.entity_id, acs_url=sp.acs_url)

"""SAML responses as identity pool logins (enhanced flow only).

Cognito Developer Guide, "Setting up a SAML provider as an identity pool IdP", and IAM User
Guide, "Configuring SAML assertions for the authentication response": the ``Logins`` key is the
IAM SAML provider's ARN (declared in the configuration's ``[iam]`` table and listed in the
pool's SamlProviderARNs), the value the base64 ``SAMLResponse`` the IdP posted. The response or
its assertion must be signed by a certificate of the provider's metadata; the assertion must be
addressed to AWS (audience, recipient and any Destination ``https://signin.aws.amazon.com/saml``,
what an IdP set up for AWS sends), unexpired, unsolicited (there is no request to answer) and at
most six minutes old, and it is spent once: GetId only checks it, GetCredentialsForIdentity
spends it, and a second GetCredentialsForIdentity with it is refused.

Roles come from the ``https://aws.amazon.com/SAML/Attributes/Role`` attribute, each value a
``role-arn,provider-arn`` pair (either order); pairs naming another provider are ignored. The
assertion's attributes are the claims role mapping rules and principal tags read, each an
attribute name with its value (several values: a list); the NameID is the subject, and the
``…/claims/nameidentifier`` claim when the assertion has no such attribute.
"""

from __future__ import annotations

import base64
import hashlib
import time

import orjson

from cognitio.documents import JsonObject, JsonValue
from cognitio.errors import InvalidParameterException, NotAuthorizedException
from cognitio.services.common import ids
from cognitio.services.federation.saml import (
    SamlIdentityProvider,
    SamlKeyPair,
    SamlRejected,
    SamlServiceProvider,
    read_response,
)
from cognitio.services.identity.iam_providers import SamlProvider
from cognitio.services.identity.login_kinds import Login, LoginContext, standard_amr
from cognitio.services.identity.user_pool_logins import NOT_SUPPORTED

AWS_SAML_ENDPOINT = "https://signin.aws.amazon.com/saml"
ROLE_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/Role"
NAME_IDENTIFIER = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier"
MAX_SUBJECT_CHARS = 255
BASIC_FLOW = "SAML logins are supported in the enhanced flow only (GetCredentialsForIdentity)."
USED = "Invalid login token. The SAML assertion has already been used."
# An identity pool signs no SAML request; the key pair a service provider needs for that is
# left empty.
_NO_SIGNING = SamlKeyPair(private_key_pem="", certificate_pem="")


def _parties(
    pool_id: str, provider: SamlProvider
) -> tuple[SamlIdentityProvider, SamlServiceProvider]:
    metadata = provider.metadata
    idp = SamlIdentityProvider(
        entity_id=metadata.entity_id,
        sso_redirect_url=metadata.sso_redirect_url,
        signing_certificates=metadata.signing_certificates,
        idp_init=True,
    )
    sp = SamlServiceProvider(
        pool_id=pool_id,
        base_url=AWS_SAML_ENDPOINT,
        signing=_NO_SIGNING,
        audience=AWS_SAML_ENDPOINT,
        recipient=AWS_SAML_ENDPOINT,
    )
    return idp, sp


def granted_roles(values: tuple[str, ...], provider_arn: str) -> tuple[str, ...]:
    """The role ARNs of the Role attribute's pairs that name ``provider_arn``."""
    roles: list[str] = []
    for value in values:
        parts = [part.strip() for part in value.split(",")]
        if len(parts) != 2:
            continue
        role = next((p for p in parts if ":role/" in p), None)
        named = next((p for p in parts if ":saml-provider/" in p), None)
        if role is not None and named == provider_arn and role not in roles:
            roles.append(role)
    return tuple(roles)


def _spent_key(provider_arn: str, assertion_id: str) -> str:
    """The id an assertion is spent under: the store keeps 36 characters."""
    named = orjson.dumps(["identity-pool", provider_arn, assertion_id])
    return "isaml:" + base64.urlsafe_b64encode(hashlib.sha256(named).digest()).decode()[:30]


async def saml_login(ctx: LoginContext, key: str, token: str) -> Login:
    """A SAML response from an ``[iam]`` SAML provider the pool lists."""
    provider = ctx.services.iam.saml.get(key)
    if provider is None or key not in ctx.listed("SamlProviderARNs"):
        raise NotAuthorizedException(NOT_SUPPORTED)
    if ctx.basic_flow:
        raise InvalidParameterException(BASIC_FLOW)
    idp, sp = _parties(ctx.pool.id, provider)
    now_ms = int(time.time() * 1000)
    try:
        assertion = read_response(token, idp=idp, sp=sp, request_id=None, now_ms=now_ms)
    except SamlRejected as error:
        raise NotAuthorizedException(f"Invalid login token. {error.reason}") from None
    if len(assertion.name_id) > MAX_SUBJECT_CHARS:
        raise NotAuthorizedException("Invalid login token. The NameID is too long.")
    if ctx.spend and not await ctx.tx.spent_sessions.spend(
        _spent_key(provider.arn, assertion.assertion_id), assertion.expires_ms, ids.now_ms()
    ):
        raise NotAuthorizedException(USED)
    claims: JsonObject = {}
    for name, values in assertion.attributes.items():
        claims[name] = values[0] if len(values) == 1 else list[JsonValue](values)
    claims.setdefault(NAME_IDENTIFIER, assertion.name_id)
    roles = granted_roles(assertion.attributes.get(ROLE_ATTRIBUTE, ()), provider.arn)
    if ROLE_ATTRIBUTE in assertion.attributes and not roles:
        raise NotAuthorizedException(
            "Invalid login token. The SAML assertion's Role attribute names no role of this "
            "provider."
        )
    return Login(
        provider=key,
        subject=assertion.name_id,
        claims=claims,
        amr=standard_amr(key, assertion.name_id),
        mapping_key=key,
        granted_roles=roles,
        preferred_role=roles[0] if len(roles) == 1 else None,
        provider_roles=bool(roles),
    )

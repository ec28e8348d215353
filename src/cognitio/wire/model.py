"""Every Cognito operation, compiled once from botocore's service models.

botocore's ``cognito-idp`` (153 operations) and ``cognito-identity`` (23)
models are the contract. Both speak AWS JSON 1.1
(https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html): every call
is ``POST /`` with ``X-Amz-Target: <targetPrefix>.<Operation>`` and a JSON
body, signed with SigV4 under the service's signing name unless the operation is
one of :data:`UNSIGNED_OPERATIONS` (those the model marks ``authtype: none``, or
``smithy.api#noAuth``, pinned here).

The raw model JSON is read through botocore's loader (not its ``Shape``
objects, which are slow to walk) and each operation gets a ``validate`` and a
``serialize`` closure built by :mod:`cognitio.wire.validate` and
:mod:`cognitio.wire.serialize`. Shapes shared by several operations compile
once per service.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from botocore.loaders import create_loader

from cognitio.errors import CognitoError, InvalidParameterException, ValidationException
from cognitio.wire.serialize import OutputCompiler
from cognitio.wire.validate import InputCompiler

SERVICES = ("cognito-idp", "cognito-identity")

# Where Cognito's service checks differently from the model it publishes, the service wins:
# its errors quote ^[\S]+.*[\S]+$ for passwords (inner spaces allowed, as the developer guide's
# password policy page says), while botocore's PasswordType says [\S]+.
SHAPE_OVERRIDES: Mapping[str, Mapping[str, Mapping[str, Any]]] = {
    "cognito-idp": {
        "PasswordType": {"pattern": "^[\\S]+.*[\\S]+$"},
        # A custom domain is a full name (auth.example.com); the model's pattern has no dot.
        "DomainType": {"pattern": "^[a-z0-9](?:[a-z0-9.\\-]{0,61}[a-z0-9])?$"},
    },
}


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation of a service model, ready to validate input and serialise output."""

    service: str  # the SigV4 signing name: 'cognito-idp' | 'cognito-identity'
    name: str  # 'CreateUserPool'
    target: str  # 'AWSCognitoIdentityProviderService.CreateUserPool'
    unsigned: bool  # listed in UNSIGNED_OPERATIONS (takes no signature)
    validate: Callable[[object], dict[str, Any]]  # raises the service's parameter error
    serialize: Callable[[Mapping[str, Any]], dict[str, Any]]
    errors: frozenset[str]  # exception names the model declares for it


# The operations that take no signature, named here rather than read from whatever botocore is
# installed: a model release marking another operation unsigned must not open it silently
# (tests/wire/test_model.py compares this list with the model). Each is a user's or an app
# client's call, authorised by a ClientId, an access token, a Session or an identity id.
UNSIGNED_OPERATIONS: Mapping[str, frozenset[str]] = {
    "cognito-idp": frozenset(
        (
            *("AssociateSoftwareToken", "ChangePassword", "CompleteWebAuthnRegistration"),
            *("ConfirmDevice", "ConfirmForgotPassword", "ConfirmSignUp", "DeleteUser"),
            *("DeleteUserAttributes", "DeleteWebAuthnCredential", "ForgetDevice"),
            *("ForgotPassword", "GetDevice", "GetTokensFromRefreshToken", "GetUser"),
            *("GetUserAttributeVerificationCode", "GetUserAuthFactors", "GlobalSignOut"),
            *("InitiateAuth", "ListDevices", "ListUserSessions", "ListWebAuthnCredentials"),
            *("ResendConfirmationCode", "RespondToAuthChallenge", "RevokeToken"),
            *("RevokeUserSession", "SetUserMFAPreference", "SetUserSettings", "SignUp"),
            *("StartWebAuthnRegistration", "UpdateAuthEventFeedback", "UpdateDeviceStatus"),
            *("UpdateUserAttributes", "VerifySoftwareToken", "VerifyUserAttribute"),
        )
    ),
    "cognito-identity": frozenset(
        ("GetCredentialsForIdentity", "GetId", "GetOpenIdToken", "UnlinkIdentity")
    ),
}


# cognito-identity names a request its model refuses ValidationException ("1 validation error
# detected: Value 'a-b' at 'identityPoolName' failed to satisfy constraint: ..."), cognito-idp
# InvalidParameterException.
INVALID_INPUT: Mapping[str, type[CognitoError]] = {"cognito-identity": ValidationException}


def marked_unsigned(spec: Mapping[str, Any]) -> bool:
    """Whether the model marks an operation ``authtype: none`` (``smithy.api#noAuth``)."""
    return spec.get("authtype") == "none" or "smithy.api#noAuth" in spec.get("auth", ())


def compile_service(model: Mapping[str, Any]) -> dict[str, Operation]:
    """The operations of one loaded service model, keyed by ``X-Amz-Target``."""
    metadata = model["metadata"]
    service = metadata.get("signingName", metadata["endpointPrefix"])
    inputs = InputCompiler(model["shapes"], INVALID_INPUT.get(service, InvalidParameterException))
    outputs = OutputCompiler(model["shapes"])
    compiled = {}
    for name, spec in model["operations"].items():
        target = f"{metadata['targetPrefix']}.{name}"
        compiled[target] = Operation(
            service=service,
            name=name,
            target=target,
            unsigned=name in UNSIGNED_OPERATIONS.get(service, ()),
            validate=inputs.validator(spec.get("input", {}).get("shape")),
            serialize=outputs.serializer(spec.get("output", {}).get("shape")),
            errors=frozenset(error["shape"] for error in spec.get("errors", ())),
        )
    return compiled


@functools.cache
def operations() -> Mapping[str, Operation]:
    """Every operation of both services, keyed by the full ``X-Amz-Target`` value."""
    loader = create_loader()
    table: dict[str, Operation] = {}
    for service in SERVICES:
        model = loader.load_service_model(service, "service-2")
        for shape, changes in SHAPE_OVERRIDES.get(service, {}).items():
            model["shapes"][shape] = {**model["shapes"][shape], **changes}
        table.update(compile_service(model))
    return MappingProxyType(table)

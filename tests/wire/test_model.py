"""The operation table compiled from botocore's cognito-idp and cognito-identity models."""

from __future__ import annotations

import copy

from botocore.loaders import create_loader

from cognitio import errors
from cognitio.wire.model import (
    SERVICES,
    UNSIGNED_OPERATIONS,
    Operation,
    compile_service,
    marked_unsigned,
    operations,
)

IDP = "AWSCognitoIdentityProviderService."
IDENTITY = "AWSCognitoIdentityService."


def by_service(service: str) -> list[Operation]:
    return [op for op in operations().values() if op.service == service]


def test_every_operation_of_both_models_is_compiled() -> None:
    assert len(by_service("cognito-idp")) == 153
    assert len(by_service("cognito-identity")) == 23
    assert len(operations()) == 176


def test_operations_are_keyed_by_their_full_target() -> None:
    for target, op in operations().items():
        prefix = IDP if op.service == "cognito-idp" else IDENTITY
        assert target == op.target == prefix + op.name


def test_operations_are_built_once() -> None:
    assert operations() is operations()


def test_the_model_marks_34_user_pool_operations_unsigned() -> None:
    unsigned = {op.name for op in by_service("cognito-idp") if op.unsigned}
    assert len(unsigned) == 34
    assert {"InitiateAuth", "SignUp", "GetUser", "RevokeToken", "ChangePassword"} <= unsigned
    assert not {"AdminCreateUser", "CreateUserPool", "GetClientToken"} & unsigned


def test_the_model_marks_4_identity_pool_operations_unsigned() -> None:
    unsigned = {op.name for op in by_service("cognito-identity") if op.unsigned}
    assert unsigned == {"GetCredentialsForIdentity", "GetId", "GetOpenIdToken", "UnlinkIdentity"}


def test_the_unsigned_allowlist_is_what_the_installed_model_marks() -> None:
    """Security review #25: a model release that marks another operation unsigned (or no longer
    marks one) fails here, to be looked at, instead of changing who may call it."""
    loader = create_loader()
    for service in SERVICES:
        model = loader.load_service_model(service, "service-2")
        marked = {name for name, spec in model["operations"].items() if marked_unsigned(spec)}
        assert marked == UNSIGNED_OPERATIONS[service], service


def test_an_operation_the_model_newly_marks_unsigned_still_needs_a_signature() -> None:
    """Security review #25: the allowlist, not the model, decides."""
    model = copy.deepcopy(create_loader().load_service_model("cognito-idp", "service-2"))
    model["operations"]["AdminCreateUser"]["authtype"] = "none"
    model["operations"]["DeleteUserPool"]["auth"] = ["smithy.api#noAuth"]
    compiled = compile_service(model)
    assert not compiled[IDP + "AdminCreateUser"].unsigned
    assert not compiled[IDP + "DeleteUserPool"].unsigned
    assert compiled[IDP + "SignUp"].unsigned


def test_declared_errors_exist_as_exception_classes() -> None:
    create = operations()[IDP + "CreateUserPool"]
    assert {"InvalidParameterException", "LimitExceededException"} <= create.errors
    for op in operations().values():
        for name in op.errors:
            assert issubclass(errors.by_name(name), errors.CognitoError)


def test_an_operation_without_output_serialises_to_an_empty_object() -> None:
    delete = operations()[IDP + "DeleteUserPool"]
    assert delete.serialize({"Anything": 1}) == {}


def test_an_empty_body_fails_only_on_required_members() -> None:
    for op in operations().values():
        try:
            assert op.validate({}) == {}
        except (errors.InvalidParameterException, errors.ValidationException) as exc:
            assert exc.message.endswith("Member must not be null"), op.name
            # Each service's own name for a request its model refuses.
            expected = "ValidationException" if op.service == "cognito-identity" else None
            assert exc.code == (expected or "InvalidParameterException"), op.name

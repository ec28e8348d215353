"""The operation table compiled from botocore's cognito-idp and cognito-identity models."""

from __future__ import annotations

from cognitio import errors
from cognitio.wire.model import Operation, operations

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
        except errors.InvalidParameterException as exc:
            assert exc.message.endswith("Member must not be null"), op.name

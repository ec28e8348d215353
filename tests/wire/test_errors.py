"""One error class per exception shape of both service models, answered as the model says."""

from __future__ import annotations

import botocore.session
import pytest

from cognitio import errors


@pytest.mark.parametrize("service", ["cognito-idp", "cognito-identity"])
def test_every_exception_shape_has_its_class(service: str) -> None:
    model = botocore.session.get_session().get_service_model(service)
    for shape in model.error_shapes:
        cls = errors.by_name(shape.name)
        assert cls.__name__ == shape.name
        # The model's two faults (InternalErrorException, InternalServerException) are 5xx.
        assert (cls.status >= 500) == shape.name.startswith("Internal"), shape.name


def test_an_unknown_name_is_not_invented() -> None:
    with pytest.raises(KeyError):
        errors.by_name("MadeUpException")
    with pytest.raises(KeyError):
        errors.by_name("by_name")

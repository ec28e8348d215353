"""No command or result of a service shows a secret in its repr (a traceback, a debug line).

Every dataclass in ``cognitio.services`` is read: a field whose name says it holds a password, a
code, a token, a Session or a secret must be declared ``field(repr=False)``.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import re

import cognitio.services

_SECRET = re.compile(
    r"(^|_)(password|proposed_password|previous_password|temporary_password|code|user_code|"
    r"secret|client_secret|access_token|refresh_token|id_token|session|responses|parameters)$"
)
# Named like a secret, but a choice about one (pagination tokens and settings do not match).
_NOT_SECRET = {"generate_secret"}


def _service_dataclasses() -> list[type]:
    found: list[type] = []
    for info in pkgutil.walk_packages(cognitio.services.__path__, "cognitio.services."):
        module = importlib.import_module(info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if value.__module__ == info.name and dataclasses.is_dataclass(value):
                found.append(value)
    return found


def test_secret_fields_stay_out_of_reprs() -> None:
    shown = [
        f"{cls.__module__}.{cls.__qualname__}.{field.name}"
        for cls in _service_dataclasses()
        for field in dataclasses.fields(cls)
        if _SECRET.search(field.name) and field.name not in _NOT_SECRET and field.repr
    ]
    assert shown == []


def test_the_check_sees_the_commands() -> None:
    names = {cls.__qualname__ for cls in _service_dataclasses()}
    assert {"SignUp", "ChangePassword", "AdminSetUserPassword", "InitiateAuth"} <= names

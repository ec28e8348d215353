"""Response serialisation compiled from botocore's shapes (AWS JSON 1.1 output).

Protocol: https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html. The
body is the output structure as a JSON object keyed by the model's member
names; timestamps travel as epoch seconds and blobs as base64, which is what
botocore's JSON parser expects.

Handlers return plain dicts with the model's member names. Each output shape
compiles once into a converter that:

- keeps only members the shape declares (recursively) and drops ``None``
  (in structures, maps and lists alike);
- turns ``datetime`` timestamps into epoch seconds (a float with millisecond
  precision, or an int for whole seconds; naive values are taken as UTC) and
  passes ``int``/``float`` timestamps through;
- turns ``bytes`` blobs into base64 text (``str`` blobs pass through);
- passes strings, numbers, booleans and documents through untouched, without
  a call per value.

Output is trusted: no type or constraint checks happen on the way out. An
operation without an output shape answers ``{}``.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

Emit = Callable[[Any], Any]
Serializer = Callable[[Mapping[str, Any]], dict[str, Any]]


def epoch_seconds(value: datetime | float) -> int | float:
    """A timestamp as botocore's JSON parser reads it: seconds since the epoch."""
    if not isinstance(value, datetime):
        return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    seconds = value.timestamp()
    return int(seconds) if value.microsecond == 0 else round(seconds, 3)


def _blob(value: bytes | bytearray | memoryview | str) -> str:
    if isinstance(value, str):
        return value
    return base64.b64encode(value).decode("ascii")


def _nothing(result: Mapping[str, Any]) -> dict[str, Any]:
    return {}


class OutputCompiler:
    """Compiles the output shapes of one service model; shapes are shared across operations."""

    def __init__(self, shapes: Mapping[str, Mapping[str, Any]]) -> None:
        self._shapes = shapes
        self._emitters: dict[str, Emit | None] = {}

    def serializer(self, shape_name: str | None) -> Serializer:
        """The ``serialize`` function for an operation whose output is ``shape_name``."""
        if shape_name is None:
            return _nothing
        root = self.emitter(shape_name)
        if root is None:  # an output structure always needs filtering
            raise ValueError(f"output shape {shape_name} is not a structure")
        emit: Serializer = root
        return emit

    def emitter(self, name: str) -> Emit | None:
        """The converter for shape ``name``; ``None`` when values pass through as they are."""
        if name not in self._emitters:
            emitters = self._emitters
            # Stands in while the shape compiles, should it (indirectly) contain itself.
            emitters[name] = lambda value: _apply(emitters[name], value)
            emitters[name] = self._build(name)
        return self._emitters[name]

    def _build(self, name: str) -> Emit | None:
        spec = self._shapes[name]
        kind = spec["type"]
        if spec.get("document"):
            return None
        if kind == "structure":
            return self._structure(spec)
        if kind == "list":
            return self._list(spec)
        if kind == "map":
            return self._map(spec)
        if kind == "timestamp":
            return epoch_seconds
        if kind == "blob":
            return _blob
        return None

    def _structure(self, spec: Mapping[str, Any]) -> Emit:
        members = {name: self.emitter(member["shape"]) for name, member in spec["members"].items()}
        if all(convert is None for convert in members.values()):
            # Only plain values inside (AttributeType and the like): a value already in shape
            # is passed on as it is, anything else is filtered by one comprehension.
            names = frozenset(members)

            def plain(value: Mapping[str, Any]) -> Mapping[str, Any]:
                if value.keys() <= names and None not in value.values():
                    return value
                return {k: v for k, v in value.items() if v is not None and k in names}

            return plain

        def emit(value: Mapping[str, Any]) -> dict[str, Any]:
            out = {}
            for name, item in value.items():
                if item is None or name not in members:
                    continue
                convert = members[name]
                out[name] = item if convert is None else convert(item)
            return out

        return emit

    def _list(self, spec: Mapping[str, Any]) -> Emit:
        convert = self.emitter(spec["member"]["shape"])
        if convert is None:
            return lambda value: [item for item in value if item is not None]
        return lambda value: [convert(item) for item in value if item is not None]

    def _map(self, spec: Mapping[str, Any]) -> Emit:
        convert = self.emitter(spec["value"]["shape"])
        if convert is None:
            return lambda value: {k: v for k, v in value.items() if v is not None}
        return lambda value: {k: convert(v) for k, v in value.items() if v is not None}


def _apply(emit: Emit | None, value: Any) -> Any:
    return value if emit is None else emit(value)

"""The one codec between typed records and JSON: what must be serialised (a stored extraction, a benchmark's
synthetic records) goes through `to_jsonable` and comes back through `from_jsonable`."""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date
from enum import Enum
from typing import Any


def to_jsonable(value: Any) -> Any:
    """Records -> JSON-ready values (dates as ISO strings, enums as values, tuples as lists)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


def _convert(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        return _convert(options[0], value) if len(options) == 1 else value
    if origin is list:
        (inner,) = typing.get_args(tp) or (Any,)
        return [_convert(inner, v) for v in value]
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_convert(args[0], v) for v in value)
        return tuple(_convert(a, v) for a, v in zip(args, value)) if args else tuple(value)
    if origin is dict:
        return dict(value)
    if tp is date:
        return date.fromisoformat(value)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(value)
    if dataclasses.is_dataclass(tp):
        return from_jsonable(tp, value)
    return value


def from_jsonable(cls: type, data: Any) -> Any:
    """The inverse of `to_jsonable` for record dataclasses (stored JSON -> typed records)."""
    hints = typing.get_type_hints(cls)
    return cls(**{f.name: _convert(hints[f.name], data[f.name]) for f in dataclasses.fields(cls) if f.name in data})

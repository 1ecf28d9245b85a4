"""MeasureState ⇄ JSON, driven by the dataclasses' own type hints (no Django): what is stored is what is read."""

from __future__ import annotations

import dataclasses
import sys
import types
import typing
from datetime import datetime
from enum import Enum
from functools import cache

from shaodian.measures import lifecycle

# Held in a tuple so that freezegun, which swaps module attributes bound to datetime, leaves it alone:
# type hints resolved under a frozen clock must still name the real class.
_DATETIME = (datetime,)


def dump(value):  # noqa: ANN001, ANN201
    """A JSON-ready copy: datetimes as ISO strings, enums as values, tuples and sets as lists."""
    if dataclasses.is_dataclass(value):
        return {f.name: dump(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted(dump(v) for v in value)
    if isinstance(value, tuple | list):
        return [dump(v) for v in value]
    return value


@cache
def _hints(cls: type) -> dict[str, object]:
    # Each record's hints name what its own module imports (the lifecycle is a package of modules).
    return typing.get_type_hints(cls, {**vars(sys.modules[cls.__module__]), "datetime": _DATETIME[0]})


def _load(tp, raw):  # noqa: ANN001, ANN202
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        if raw is None:
            return None
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        return _load(options[0], raw)
    if origin is tuple:
        (inner, *_rest) = typing.get_args(tp)
        return tuple(_load(inner, r) for r in raw)
    if origin is frozenset:
        (inner,) = typing.get_args(tp)
        return frozenset(_load(inner, r) for r in raw)
    if dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        return tp(**{f.name: _load(hints[f.name], raw[f.name]) for f in dataclasses.fields(tp) if f.name in raw})
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(raw)
    if tp is _DATETIME[0]:
        return _DATETIME[0].fromisoformat(raw)
    if tp is float:
        return float(raw)
    return raw


def load(raw: dict) -> lifecycle.MeasureState:
    return _load(lifecycle.MeasureState, raw)

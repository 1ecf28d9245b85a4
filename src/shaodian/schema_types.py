"""Bounded input types shared by every API schema and page form: ids, dates, times, numbers, text.

Anything a person or a device sends is held to what the platform can store and show: ids fit the
database's 64-bit integers and are never guessed from `true` or `"5"`, dates fall between
2000-01-01 and 2100-12-31 (so converting to local time never overflows), and text has a length
that is refused with a message above it, never cut. Pages read their inputs with `form_value`,
so they answer the same message as the API.
"""

import datetime as dt
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, StrictBool, StrictInt, StringConstraints, TypeAdapter
from pydantic import ValidationError as PydanticValidationError
from ninja import Schema
from pydantic_core import PydanticCustomError

from shaodian.errors import ServiceError, validation_messages

DB_INT_MAX = 2**63 - 1  # PostgreSQL bigint and SQLite INTEGER alike
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)


def _day_in_window(value: dt.date) -> dt.date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise PydanticCustomError(
            "date_out_of_range", "Date must be between {first} and {last}",
            {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()},
        )
    return value


def _moment_in_window(value: dt.datetime) -> dt.datetime:
    _day_in_window(value.date())
    return value


# Ids in a JSON body: a JSON integer only (no `true`, no `"5"`), within the database's range.
Id = Annotated[StrictInt, Field(ge=1, le=DB_INT_MAX)]
def _digits_only(value: Any) -> Any:
    if isinstance(value, str) and not (value.isascii() and value.isdigit() and len(value) <= 19):
        raise PydanticCustomError("int_parsing", "Input should be a whole number written in digits")
    if isinstance(value, bool | float):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


# Ids in a path, a query string or a page form arrive as text: digits only (no "1.0", "-1", "true"),
# within the same range.
ParamId = Annotated[int, BeforeValidator(_digits_only), Field(ge=1, le=DB_INT_MAX)]
Day = Annotated[dt.date, AfterValidator(_day_in_window)]
Moment = Annotated[dt.datetime, AfterValidator(_moment_in_window)]
Flag = StrictBool
Count = Annotated[StrictInt, Field(ge=0, le=10**9)]
Minutes = Annotated[float, Field(ge=0, le=7 * 24 * 60, allow_inf_nan=False)]
Amount = Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False)]


def Text(max_length: int, min_length: int = 0) -> Any:  # noqa: N802 — used like a type
    """A string of at most max_length characters (longer is refused, never cut)."""
    return Annotated[str, StringConstraints(min_length=min_length, max_length=max_length)]


def Items(item: Any, max_length: int) -> Any:  # noqa: N802 — used like a type
    """A list of at most max_length items."""
    return Annotated[list[item], Field(max_length=max_length)]


# Common lengths, so the same kind of text has the same limit everywhere.
Name = Text(64)
Short = Text(200)
Long = Text(2000)

_ADAPTERS: dict[Any, TypeAdapter] = {}


def form_value(kind: Any, raw: Any, *, field: str, required: bool = True, label: tuple[str, str] | None = None) -> Any:
    """A page input read as the API reads it: the value, None when empty and optional, or ServiceError(422)."""
    if raw is None or raw == "":
        if not required:
            return None
        zh, en = label or (field, field)
        raise ServiceError.one(field, f"{zh}：此项必填", f"{en}: this field is required", "missing")
    adapter = _ADAPTERS.get(kind) or _ADAPTERS.setdefault(kind, TypeAdapter(kind))
    try:
        return adapter.validate_python(raw)
    except PydanticValidationError as exc:
        error = ServiceError()
        for msg in validation_messages(exc.errors(), field, label):
            error.add(field, msg)
        raise error from None


def displayable(value):
    """A stored time safe to show in local time: one from before these bounds is shown at the window's edge.

    Converting 9999-12-31T23:00Z to Asia/Shanghai overflows; such a row must not take a page down.
    """
    if isinstance(value, dt.datetime) and not FIRST_DAY <= value.date() <= LAST_DAY:
        edge = FIRST_DAY if value.date() < FIRST_DAY else LAST_DAY
        return dt.datetime.combine(edge, dt.time(0 if edge == FIRST_DAY else 12), tzinfo=dt.UTC)
    return value


def with_displayable_times(obj, *names: str):
    """The same object with the named time attributes made displayable (a copy for frozen dataclasses)."""
    import dataclasses

    changed = {n: displayable(getattr(obj, n)) for n in names if displayable(getattr(obj, n)) is not getattr(obj, n)}
    if not changed:
        return obj
    if dataclasses.is_dataclass(obj):
        return dataclasses.replace(obj, **changed)
    for name, value in changed.items():
        setattr(obj, name, value)
    return obj


class ErrorItem(Schema):
    loc: list[str | int]
    msg: str
    msg_zh: str
    msg_en: str
    type: str


class ApiError(Schema):
    """Every error answer: `detail` is a sentence, or one item per refused field; msg_zh/msg_en say it once."""

    detail: str | list[ErrorItem]
    msg_zh: str
    msg_en: str

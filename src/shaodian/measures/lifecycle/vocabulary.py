"""The lifecycle's words: statuses, levels, roles, special groups, verdicts, and the refusal it raises."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import NoReturn

MAX_TERM = timedelta(days=14)
NOTICE_LEAD = timedelta(hours=24)


class TransitionRefused(ValueError):
    def __init__(self, reason_zh: str, reason_en: str, *, code: str = "refused") -> None:
        super().__init__(f"{reason_zh} / {reason_en}")
        self.reason_zh = reason_zh
        self.reason_en = reason_en
        self.code = code


def _refuse(code: str, zh: str, en: str) -> NoReturn:
    raise TransitionRefused(zh, en, code=code)


class Status(StrEnum):
    """A measure's status; models.MeasureStatus takes its values from here and adds the labels."""

    DRAFT = "draft"
    EVALUATED = "evaluated"
    LEGAL_REVIEW = "legal_review"
    RETURNED = "returned"
    APPROVED = "approved"
    NOTICE_PUBLISHED = "notice_published"
    IN_FORCE = "in_force"
    EXPIRED = "expired"
    LIFTED = "lifted"
    RECOVERY = "recovery"
    POST_EVALUATED = "post_evaluated"
    WITHDRAWN = "withdrawn"


_LEVEL_RANK = {"grid": 1, "community": 2, "street": 3, "district": 4, "city": 5}


class Level(StrEnum):
    """Administrative level, ordered: CITY > DISTRICT > STREET > COMMUNITY > GRID.

    The values of places.PlaceKind, which a pure module cannot import; a test pins the two together.
    """

    CITY = "city"
    DISTRICT = "district"
    STREET = "street"
    COMMUNITY = "community"
    GRID = "grid"

    @property
    def rank(self) -> int:
        return _LEVEL_RANK[self.value]

    # str comparison would order alphabetically; compare by rank instead.
    def __lt__(self, other: object) -> bool:
        return self.rank < Level(other).rank  # type: ignore[arg-type]

    def __le__(self, other: object) -> bool:
        return self.rank <= Level(other).rank  # type: ignore[arg-type]

    def __gt__(self, other: object) -> bool:
        return self.rank > Level(other).rank  # type: ignore[arg-type]

    def __ge__(self, other: object) -> bool:
        return self.rank >= Level(other).rank  # type: ignore[arg-type]


class Role(StrEnum):
    """Who acts in the lifecycle; services.ROLE_MAP names the user roles (security.roles.Role) behind each."""

    GRID_WORKER = "grid_worker"
    COMMUNITY_STAFF = "community_staff"
    COMMAND = "command"  # street / district / city command (指挥部), the approving authority
    HEALTH = "health"  # health bureau / CDC, professional evaluation
    LEGAL_REVIEWER = "legal_reviewer"
    SYSTEM = "system"  # the background worker (entering force at start, expiry)


class SpecialGroup(StrEnum):
    """The groups the special-group gate looks after: a subset of people.SpecialGroup's values (pinned by a test).

    area.GATE_TAGS says which resident tags lead to which group.
    """

    ELDERLY_ALONE = "elderly_alone"
    CHILD = "child"
    PREGNANT = "pregnant"
    CHRONIC = "chronic"
    DIALYSIS = "dialysis"
    INSULIN = "insulin"
    DISABLED = "disabled"


# These groups cannot wait: they need a medical plan besides supplies.
MEDICAL_GROUPS = frozenset({SpecialGroup.PREGNANT, SpecialGroup.CHRONIC,
                            SpecialGroup.DIALYSIS, SpecialGroup.INSULIN})


class GapKind(StrEnum):
    NO_CARER = "no_carer"
    NO_SUPPLY_PLAN = "no_supply_plan"
    NO_MEDICAL_PLAN = "no_medical_plan"
    NOT_LISTED = "not_listed"  # in the evaluation's list, missing from the gate list


class Verdict(StrEnum):
    PROPORTIONATE = "proportionate"
    EXCESSIVE = "excessive"
    INSUFFICIENT = "insufficient"


def _enum(cls: type, value: object, name: str):  # noqa: ANN202
    try:
        return cls(value)
    except ValueError:
        _refuse("invalid_value", f"{name} 的值“{value}”无效。", f"Invalid {name}: {value!r}.")

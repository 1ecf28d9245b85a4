"""Negative list (禁止封堵清单) and static-management levels (静态管理分级). Pure, no Django.

The negative list answers one question for a proposed closure: may this place be closed this way?
It never decides silently: every refusal names the rule and the law behind it (SEC-3), so the
person who proposed the closure can see why and choose another place or another channel.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

# 《消防法》第二十八条: 不得占用、堵塞、封闭疏散通道、安全出口、消防车通道.
FIRE_LAW = "《中华人民共和国消防法》第二十八条"
# 《治安管理处罚法》第五十条: 阻碍执行紧急任务的车辆通行.
PUBLIC_SECURITY_LAW = "《中华人民共和国治安管理处罚法》第五十条"


@dataclass(frozen=True)
class Text:
    """A bilingual text: Simplified Chinese first, English second."""

    zh: str
    en: str


@dataclass(frozen=True)
class Violation:
    code: str
    reason_zh: str
    reason_en: str


class PlaceFlag(StrEnum):
    FIRE_LANE = "fire_lane"  # 消防通道
    MAIN_ROAD = "main_road"  # 主干道 / 村主干道
    HOSPITAL_ACCESS = "hospital_access"  # 就医通道 / 医院周边道路
    EMERGENCY_EXIT = "emergency_exit"  # 安全出口 / 疏散通道


_FLAG_RULES: dict[PlaceFlag, Violation] = {
    PlaceFlag.FIRE_LANE: Violation(
        "negative_list.fire_lane",
        f"消防通道不得封堵（{FIRE_LAW}）。",
        "A fire lane may not be closed (Fire Protection Law, art. 28).",
    ),
    PlaceFlag.MAIN_ROAD: Violation(
        "negative_list.main_road",
        f"主干道（含村主干道）不得封堵，须保障急救、保供车辆通行（{PUBLIC_SECURITY_LAW}）。",
        "A main road may not be closed: ambulances and supply vehicles must pass "
        "(Public Security Administration Punishments Law, art. 50).",
    ),
    PlaceFlag.HOSPITAL_ACCESS: Violation(
        "negative_list.hospital_access",
        f"通往医院的道路和就医通道不得封堵（{PUBLIC_SECURITY_LAW}）。",
        "A road to a hospital may not be closed "
        "(Public Security Administration Punishments Law, art. 50).",
    ),
    PlaceFlag.EMERGENCY_EXIT: Violation(
        "negative_list.emergency_exit",
        f"安全出口和疏散通道不得封闭（{FIRE_LAW}）。",
        "An emergency exit or escape route may not be closed (Fire Protection Law, art. 28).",
    ),
}


class ClosureType(StrEnum):
    """The only ways a place may be closed. Deliberately no locked, chained or welded door."""

    STAFFED_CHECKPOINT = "staffed_checkpoint"  # 有人值守的卡口，查验放行
    MOVABLE_BARRIER = "movable_barrier"  # 可移动隔离墩/围挡，随时可移开
    MONITORED_DOOR = "monitored_door"  # 门磁或值守，门可从内侧随时打开
    TIMED_ACCESS = "timed_access"  # 分时段通行


CLOSURE_TYPE_LABELS: dict[ClosureType, Text] = {
    ClosureType.STAFFED_CHECKPOINT: Text("有人值守卡口", "Staffed checkpoint"),
    ClosureType.MOVABLE_BARRIER: Text("可移动隔离设施", "Movable barrier"),
    ClosureType.MONITORED_DOOR: Text("门磁/值守（可从内开启）", "Monitored door (opens from inside)"),
    ClosureType.TIMED_ACCESS: Text("分时段通行", "Timed access"),
}

# Requests we recognise so that the refusal can say exactly why, not just "unknown type".
FORBIDDEN_CLOSURE_TYPES: dict[str, Text] = {
    "locked_door": Text("锁门", "locked door"),
    "welded_door": Text("焊门", "welded door"),
    "chained_door": Text("铁链/铁丝锁门", "chained door"),
    "nailed_board": Text("封板钉死", "boarded-up door"),
    "key_confiscation": Text("收缴钥匙落锁", "keys taken and door locked"),
    "earth_mound": Text("土堆/混凝土墩断路", "road cut by earth or concrete blocks"),
    "road_destruction": Text("毁路断路", "road dug up"),
}


@dataclass(frozen=True)
class EmergencyChannel:
    """The way out that stays open: named, and who opens it if it is staffed."""

    name: str
    on_duty_contact: str = ""


@dataclass(frozen=True)
class Closure:
    place_id: str
    place_name: str
    flags: frozenset[PlaceFlag | str]
    closure_type: ClosureType | str  # a raw request string is accepted and checked
    emergency_channel: EmergencyChannel | None


@dataclass(frozen=True)
class ClosureCheck:
    violations: tuple[Violation, ...]

    @property
    def allowed(self) -> bool:
        return not self.violations


def parse_closure_type(value: ClosureType | str) -> ClosureType | Violation:
    """Map a requested closure type to the enum, or to the violation that forbids it."""
    try:
        return ClosureType(value)
    except ValueError:
        pass
    forbidden = FORBIDDEN_CLOSURE_TYPES.get(str(value))
    if forbidden is not None:
        return Violation(
            "negative_list.forbidden_type",
            f"禁止以“{forbidden.zh}”方式封闭（{FIRE_LAW}）；请改用有人值守卡口或可移动隔离设施。",
            f"Closing by {forbidden.en} is forbidden (Fire Protection Law, art. 28); "
            "use a staffed checkpoint or a movable barrier.",
        )
    return Violation(
        "negative_list.unknown_type",
        f"未知的封闭方式“{value}”；只允许：" + "、".join(t.zh for t in CLOSURE_TYPE_LABELS.values()) + "。",
        f"Unknown closure type {value!r}; allowed: "
        + ", ".join(t.value for t in ClosureType) + ".",
    )


def check_closure(closure: Closure) -> ClosureCheck:
    """List every negative-list rule the closure breaks; an empty list means allowed."""
    violations: list[Violation] = []
    for flag in sorted({str(f) for f in closure.flags}):
        try:
            violations.append(_FLAG_RULES[PlaceFlag(flag)])
        except ValueError:
            # An unknown flag may be a protected kind we do not know yet: refuse, never pass.
            violations.append(Violation(
                "negative_list.unknown_flag",
                f"地点标记“{flag}”无法识别，不能确认可以封闭。",
                f"Unknown place flag {flag!r}: cannot confirm the place may be closed.",
            ))
    parsed = parse_closure_type(closure.closure_type)
    if isinstance(parsed, Violation):
        violations.append(parsed)
    channel = closure.emergency_channel
    if channel is None or not channel.name.strip():
        violations.append(Violation(
            "negative_list.no_emergency_channel",
            "每处封闭必须写明保留的应急通道。",
            "Every closure must name the emergency channel it keeps open.",
        ))
    return ClosureCheck(tuple(violations))


# --- static management levels (静态管理分级) -------------------------------------------------


class Restriction(StrEnum):
    ENTRY_VERIFICATION = "entry_verification"
    GATHERING_LIMIT = "gathering_limit"
    VENUE_CAPACITY_LIMIT = "venue_capacity_limit"
    VEHICLE_ENTRY_LIMIT = "vehicle_entry_limit"
    NONESSENTIAL_VENUES_CLOSED = "nonessential_venues_closed"
    STAY_IN_AREA = "stay_in_area"
    STAGGERED_PICKUP = "staggered_pickup"
    STAY_AT_HOME = "stay_at_home"


RESTRICTION_LABELS: dict[Restriction, Text] = {
    Restriction.ENTRY_VERIFICATION: Text("出入查验（扫码、测温）", "Entry verification (scan, temperature)"),
    Restriction.GATHERING_LIMIT: Text("限制聚集", "Limit on gatherings"),
    Restriction.VENUE_CAPACITY_LIMIT: Text("场所限流", "Venue capacity limit"),
    Restriction.VEHICLE_ENTRY_LIMIT: Text("限制外来车辆进入（保供、急救车辆除外）",
                                          "Outside vehicles limited (supply and ambulances exempt)"),
    Restriction.NONESSENTIAL_VENUES_CLOSED: Text("非必要场所暂停营业", "Non-essential venues closed"),
    Restriction.STAY_IN_AREA: Text("人不出区", "Residents stay within the area"),
    Restriction.STAGGERED_PICKUP: Text("错峰领取物资", "Staggered pick-up of supplies"),
    Restriction.STAY_AT_HOME: Text("足不出户、上门服务", "Stay at home, services at the door"),
}


@dataclass(frozen=True)
class StaticLevel:
    key: str
    rank: int  # 1 = mildest
    name: Text
    start_conditions: tuple[Text, ...]
    lifting_criteria: tuple[Text, ...]
    allowed_restrictions: frozenset[Restriction]
    duties: tuple[Text, ...]


_R = Restriction
_ADVISORY = frozenset({_R.ENTRY_VERIFICATION, _R.GATHERING_LIMIT})
_PRECAUTION = _ADVISORY | {_R.VENUE_CAPACITY_LIMIT, _R.VEHICLE_ENTRY_LIMIT}
_CONTROLLED = _PRECAUTION | {_R.NONESSENTIAL_VENUES_CLOSED, _R.STAY_IN_AREA, _R.STAGGERED_PICKUP}
_SEALED = _CONTROLLED | {_R.STAY_AT_HOME}

_COMMON_DUTIES = (
    Text("每处封闭保留应急通道，严禁锁门焊门",
         "Every closure keeps an emergency channel; no locked or welded doors"),
    Text("公布措施理由、期限和投诉渠道（12345）", "Publish the reason, term and complaint channel (12345)"),
)

# Defaults to be confirmed by the city's health bureau and legal office; every figure is data.
DEFAULT_STATIC_LEVELS: tuple[StaticLevel, ...] = (
    StaticLevel(
        "advisory", 1, Text("一级（提示）", "Level 1 (advisory)"),
        (Text("本市出现本土病例，本区域及相邻区域无病例、无密接",
              "Local cases in the city; none and no contacts in or next to this area"),),
        (Text("全市连续14天无新增本土病例", "No new local case in the city for 14 days"),),
        _ADVISORY,
        _COMMON_DUTIES + (Text("特殊群体摸底建档", "Register special-group residents"),),
    ),
    StaticLevel(
        "precaution", 2, Text("二级（防范）", "Level 2 (precaution)"),
        (Text("相邻社区或街道出现病例或密接",
              "Cases or close contacts in a neighbouring community or street"),),
        (Text("相邻区域风险解除，本区域连续7天无病例、无密接",
              "Neighbouring risk lifted and 7 days without cases or contacts here"),),
        _PRECAUTION,
        _COMMON_DUTIES + (Text("保供车辆、就医人员优先放行", "Supply vehicles and patients pass first"),),
    ),
    StaticLevel(
        "controlled", 3, Text("三级（管控）", "Level 3 (controlled)"),
        (Text("区域内有密接居住，或病例活动轨迹涉及且传播风险较高",
              "Close contacts live here, or a case visited and transmission risk is high"),),
        (Text("连续7天无新增感染者，密接全部完成隔离或检测阴性",
              "7 days without new infections; all contacts quarantined or negative"),),
        _CONTROLLED,
        _COMMON_DUTIES + (
            Text("生活物资配送到小区门口并错峰领取", "Supplies delivered to the gate, picked up in shifts"),
            Text("就医、透析需求30分钟内响应并开具通行证",
                 "Medical and dialysis needs answered within 30 minutes with a pass"),
        ),
    ),
    StaticLevel(
        "sealed", 4, Text("四级（封控）", "Level 4 (sealed)"),
        (Text("病例居住的楼栋或单元，或存在持续社区传播的最小区域",
              "The building or unit where a case lives, or the smallest area with ongoing spread"),),
        (Text("连续7天无新增感染者，且解封前全员检测阴性",
              "7 days without new infections and everyone negative before lifting"),),
        _SEALED,
        _COMMON_DUTIES + (
            Text("生活物资送货上门（最后一百米）", "Supplies delivered to every door (last 100 metres)"),
            Text("特殊群体一人一档，指定照护人", "Each special-group resident has a file and a named carer"),
            Text("每日公布疫情和措施信息", "Publish case and measure information daily"),
        ),
    ),
)


def static_level(key: str, levels: Iterable[StaticLevel] = DEFAULT_STATIC_LEVELS) -> StaticLevel:
    for level in levels:
        if level.key == key:
            return level
    raise KeyError(key)


# Which static-management levels each zone designation may carry: a sealed zone is level 4, a controlled
# zone level 3, a precaution zone level 1 or 2 (封控区 足不出户 · 管控区 人不出区 · 防范区 限制聚集).
ZONE_LEVELS: dict[str, frozenset[str]] = {
    "sealed": frozenset({"sealed"}),
    "controlled": frozenset({"controlled"}),
    "precaution": frozenset({"advisory", "precaution"}),
}
ZONE_NAMES = {"sealed": Text("封控区", "A sealed zone"), "controlled": Text("管控区", "A controlled zone"),
              "precaution": Text("防范区", "A precaution zone")}


def check_zone_level(zone: str, level_key: str,
                     levels: Iterable[StaticLevel] = DEFAULT_STATIC_LEVELS) -> Violation | None:
    """A zone and its static-management level must agree; None when they do (or either is unknown)."""
    allowed = ZONE_LEVELS.get(zone)
    by_key = {lv.key: lv for lv in levels}
    if allowed is None or level_key not in by_key or level_key in allowed:
        return None
    names = sorted((by_key[k] for k in allowed if k in by_key), key=lambda lv: lv.rank)
    return Violation(
        "zone_level_mismatch",
        f"{ZONE_NAMES[zone].zh}须实行" + "或".join(lv.name.zh for lv in names)
        + f"，不能是{by_key[level_key].name.zh}。",
        f"{ZONE_NAMES[zone].en} needs " + " or ".join(lv.name.en for lv in names)
        + f", not {by_key[level_key].name.en}.",
    )


def check_restrictions(
    level_key: str,
    restrictions: Iterable[Restriction | str],
    levels: Iterable[StaticLevel] = DEFAULT_STATIC_LEVELS,
) -> tuple[Violation, ...]:
    """List the restrictions a measure may not impose at its static-management level."""
    ordered = sorted(levels, key=lambda lv: lv.rank)
    try:
        level = static_level(level_key, ordered)
    except KeyError:
        return (Violation(
            "static_level.unknown",
            f"未知的静态管理等级“{level_key}”。",
            f"Unknown static-management level {level_key!r}.",
        ),)
    violations: list[Violation] = []
    for raw in dict.fromkeys(restrictions):  # keep order, drop repeats
        try:
            restriction = Restriction(raw)
        except ValueError:
            violations.append(Violation(
                "static_level.unknown_restriction",
                f"未知的限制措施“{raw}”。",
                f"Unknown restriction {raw!r}.",
            ))
            continue
        if restriction in level.allowed_restrictions:
            continue
        label = RESTRICTION_LABELS[restriction]
        lowest = next((lv for lv in ordered if restriction in lv.allowed_restrictions), None)
        where_zh = f"最低须达到{lowest.name.zh}" if lowest else "任何等级均不允许"
        where_en = f"needs at least {lowest.name.en}" if lowest else "not allowed at any level"
        violations.append(Violation(
            "static_level.restriction_not_allowed",
            f"{level.name.zh}不允许“{label.zh}”（{where_zh}）。",
            f"{level.name.en} does not allow '{label.en}' ({where_en}).",
        ))
    return tuple(violations)

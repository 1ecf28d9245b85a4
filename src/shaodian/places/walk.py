"""Walking order of doors (a grid worker's visits, a volunteer's delivery round): building → unit → floor →
room, numbers compared as numbers. Pure."""

import re

_PARTS = re.compile(r"(\d+)")


def natural(text: str) -> tuple:
    """'2号楼' < '10号楼'; digits compare by value, the rest as text."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in _PARTS.split(text or "") if p != "")


def floor_of(room: str) -> int:
    """The floor of a room number: 1203 → 12, 502 → 5; 0 when the room has no number."""
    digits = re.match(r"\d+", room or "")
    if not digits:
        return 0
    n = digits.group()
    return int(n[:-2]) if len(n) >= 3 else 0


def walk_key(building: str, unit: str, room: str) -> tuple:
    return natural(building), natural(unit), floor_of(room), natural(room)

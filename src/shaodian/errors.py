"""Bilingual errors that services raise and pages, the API and the import report all show."""

from dataclasses import dataclass, field

from django.utils.translation import get_language


@dataclass(frozen=True)
class Msg:
    zh: str
    en: str
    code: str = "invalid"

    def __str__(self):
        return self.en if (get_language() or "zh-hans").startswith("en") else self.zh


@dataclass
class ServiceError(Exception):
    """A refused write: field → messages. Nothing was saved."""

    errors: dict[str, list[Msg]] = field(default_factory=dict)
    status: int = 422

    @classmethod
    def one(cls, fieldname: str, zh: str, en: str, code: str = "invalid", status: int = 422) -> "ServiceError":
        return cls({fieldname: [Msg(zh, en, code)]}, status)

    @classmethod
    def forbidden(cls) -> "ServiceError":
        return cls({"general": [FORBIDDEN]}, 403)

    def add(self, fieldname: str, msg: Msg) -> None:
        self.errors.setdefault(fieldname, []).append(msg)

    def __str__(self):
        return "; ".join(f"{k}: {', '.join(str(m) for m in v)}" for k, v in self.errors.items())

    def as_api(self) -> dict:
        """The API's error body (`ApiError` in the OpenAPI document): each message, and the first on top."""
        items = [
            {"loc": ["body", f], "msg": str(m), "msg_zh": m.zh, "msg_en": m.en, "type": m.code}
            for f, msgs in self.errors.items()
            for m in msgs
        ]
        first = items[0] if items else {"msg_zh": "请求无效", "msg_en": "Invalid request"}
        return {"detail": items, "msg_zh": first["msg_zh"], "msg_en": first["msg_en"]}


class NotFound(Exception):
    """Absent, or outside the caller's jurisdiction: the two are indistinguishable on purpose."""


NOT_FOUND = Msg("未找到，或不在您的管辖范围内", "Not found, or outside your jurisdiction", "not_found")
FORBIDDEN = Msg("您的角色无权执行此操作", "Your role may not do this", "forbidden")


# What each kind of refused input means, in Chinese first (pydantic gives the English).
_ZH = {
    "missing": "此项必填",
    "string_too_long": "最多 {max_length} 个字符",
    "string_too_short": "至少 {min_length} 个字符",
    "too_long": "最多 {max_length} 项",
    "too_short": "至少 {min_length} 项",
    "string_type": "须为文本",
    "int_type": "须为整数",
    "int_parsing": "须为整数",
    "int_from_float": "须为整数",
    "bool_type": "须为 true 或 false",
    "bool_parsing": "须为 true 或 false",
    "float_type": "须为数字",
    "float_parsing": "须为数字",
    "finite_number": "须为有限的数字",
    "less_than_equal": "不能大于 {le}",
    "less_than": "须小于 {lt}",
    "greater_than_equal": "不能小于 {ge}",
    "greater_than": "须大于 {gt}",
    "date_out_of_range": "日期须在 {first} 至 {last} 之间",
    "date_type": "须为日期，如 2026-01-31",
    "date_parsing": "须为日期，如 2026-01-31",
    "date_from_datetime_parsing": "须为日期，如 2026-01-31",
    "date_from_datetime_inexact": "须为日期，如 2026-01-31",
    "datetime_type": "须为日期时间，如 2026-01-31T08:00:00+08:00",
    "datetime_parsing": "须为日期时间，如 2026-01-31T08:00:00+08:00",
    "datetime_from_date_parsing": "须为日期时间，如 2026-01-31T08:00:00+08:00",
    "list_type": "须为列表",
    "model_type": "须为 JSON 对象",
    "model_attributes_type": "须为 JSON 对象",
    "dict_type": "须为 JSON 对象",
    "json_invalid": "JSON 格式不正确",
    "extra_forbidden": "不接受此字段",
    "literal_error": "取值无效",
    "enum": "取值无效",
}


def validation_messages(errors: list[dict], field: str = "", label: tuple[str, str] | None = None) -> list[Msg]:
    """Bilingual messages for pydantic's errors: `字段：原因` / `field: reason` (label: what a page calls it)."""
    out = []
    for err in errors:
        ctx = {k: v for k, v in (err.get("ctx") or {}).items() if isinstance(v, str | int | float)}
        kind = err.get("type", "invalid")
        try:
            reason = _ZH.get(kind, "格式不正确").format(**ctx)
        except (KeyError, IndexError):
            reason = "格式不正确"
        loc = [str(p) for p in err.get("loc", [])]
        parts = loc[2:] if loc[:1] == ["body"] and len(loc) > 2 else loc[1:]  # body.payload.name → name
        where = field or ".".join(parts) or "body"
        zh, en = label or (where, where)
        out.append(Msg(f"{zh}：{reason}", f"{en}: {err.get('msg', 'Invalid value')}", kind))
    return out

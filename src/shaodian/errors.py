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
        return {
            "detail": [
                {"loc": ["body", f], "msg": str(m), "msg_zh": m.zh, "msg_en": m.en, "type": m.code}
                for f, msgs in self.errors.items()
                for m in msgs
            ]
        }


class NotFound(Exception):
    """Absent, or outside the caller's jurisdiction: the two are indistinguishable on purpose."""


NOT_FOUND = Msg("未找到，或不在您的管辖范围内", "Not found, or outside your jurisdiction", "not_found")
FORBIDDEN = Msg("您的角色无权执行此操作", "Your role may not do this", "forbidden")

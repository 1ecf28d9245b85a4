"""Resident ID numbers (GB 11643-1999) and phone numbers. Pure: no Django import.

Errors carry a code and a bilingual message so forms, the API and the import report say
exactly what is wrong with a number.
"""

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"  # check character for (sum of weighted digits) mod 11


@dataclass(frozen=True)
class InvalidNumber(ValueError):
    code: str
    zh: str
    en: str

    def __str__(self):
        return f"{self.zh} / {self.en}"


def check_char(first17: str) -> str:
    """The 18th character that GB 11643 computes from the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


@lru_cache(maxsize=1)
def _region_codes() -> frozenset[str]:
    """Six-digit county-level codes known to python-stdnum's table, past codes included."""
    from stdnum import numdb

    db = numdb.get("cn/loc")
    codes = set()

    def walk(node, prefix):
        for length, lo, hi, _props, children in node:
            for n in range(int(lo), int(hi) + 1):
                code = f"{prefix}{n:0{length}d}"
                if len(code) == 6:
                    codes.add(code)
                elif len(code) < 6:
                    walk(children, code)

    walk(db.prefixes, "")
    return frozenset(codes)


def region_known(code: str) -> bool:
    return code in _region_codes()


def current_region_codes() -> list[str]:
    """County codes in use today (for synthetic data): no closed validity bracket, not a city total."""
    from stdnum import numdb

    db = numdb.get("cn/loc")
    out = []
    for code in sorted(_region_codes()):
        info = {k: v for _part, props in db.info(code) for k, v in props.items()}
        county = info.get("county", "")
        if not county or code.endswith("00") or "市辖区" in county:
            continue
        # "[1986-]房山区" is current; "[-2010]崇文区" and "[1983-1997]…" are not.
        if not county.startswith("[") or re.match(r"\[\d*-\]", county):
            out.append(code)
    return out


def normalize_id(raw: str) -> str:
    return re.sub(r"\s+", "", str(raw or "")).upper()


def validate_resident_id(raw: str, *, today: dt.date | None = None) -> str:
    """Return the normalised 18-character number or raise InvalidNumber with the reason."""
    number = normalize_id(raw)
    if not number:
        raise InvalidNumber("required", "证件号码不能为空", "The document number is required")
    if len(number) != 18:
        raise InvalidNumber(
            "length", f"身份证号码应为18位，实际为{len(number)}位", f"A resident ID number has 18 characters, not {len(number)}"
        )
    if not number[:17].isdigit() or not number[:17].isascii() or not (number[17].isdigit() or number[17] == "X"):
        raise InvalidNumber("format", "身份证号码只能由数字和末位X组成", "Only digits, and X as the last character, are allowed")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidNumber("birth_date", "身份证号码中的出生日期无效", "The birth date inside the ID number is not a real date") from None
    today = today or dt.date.today()
    if birth > today or birth.year < 1880:
        raise InvalidNumber("birth_date", "身份证号码中的出生日期超出范围", "The birth date inside the ID number is out of range")
    if number[17] != check_char(number[:17]):
        raise InvalidNumber("checksum", "身份证号码校验位错误，请核对", "The check character is wrong; please re-check the number")
    if not region_known(number[:6]):
        raise InvalidNumber("region", "身份证号码中的地区代码不存在", "The region code inside the ID number is unknown")
    return number


def birth_date_of(number: str) -> dt.date:
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def sex_of(number: str) -> str:
    """M or F from the 17th digit (odd = male)."""
    return "M" if int(number[16]) % 2 else "F"


# Other documents: formats as printed on the card, checked loosely (no public checksum).
OTHER_FORMATS = {
    "passport": (r"[A-Z0-9]{5,17}", "护照号码格式不正确（5–17位字母或数字）", "A passport number has 5–17 letters or digits"),
    "hk_macau": (r"[HM]\d{8,10}|8[12]0000\d{12}", "港澳居民证件号码格式不正确", "Not a valid Hong Kong/Macau permit number"),
    "taiwan": (r"\d{8}|830000\d{12}", "台湾居民证件号码格式不正确", "Not a valid Taiwan permit number"),
    "foreigner_pr": (r"[A-Z]{3}\d{12}|9\d{17}", "外国人永久居留身份证号码格式不正确", "Not a valid foreigner permanent residence number"),
}


def validate_document(document_type: str, raw: str, *, today: dt.date | None = None) -> str:
    if document_type == "resident_id":
        return validate_resident_id(raw, today=today)
    number = normalize_id(raw)
    if not number:
        raise InvalidNumber("required", "证件号码不能为空", "The document number is required")
    try:
        pattern, zh, en = OTHER_FORMATS[document_type]
    except KeyError:
        raise InvalidNumber("document_type", "未知的证件类型", "Unknown document type") from None
    if not re.fullmatch(pattern, number):
        raise InvalidNumber("format", zh, en)
    return number


_PHONE_SEPARATORS = re.compile(r"[\s\-()（）]")


def validate_phone(raw: str) -> str:
    """Mainland mobile (11 digits, 1[3-9]…) or landline with area code; returns digits only."""
    phone = _PHONE_SEPARATORS.sub("", str(raw or ""))
    if phone.startswith("+86"):
        phone = phone[3:]
    elif phone.startswith("0086"):
        phone = phone[4:]
    if not phone:
        return ""
    if re.fullmatch(r"1[3-9]\d{9}", phone) or re.fullmatch(r"0\d{9,11}", phone):
        return phone
    raise InvalidNumber(
        "phone", "手机号码应为11位（1开头），固话需带区号", "A mobile number has 11 digits starting with 1; a landline needs its area code"
    )

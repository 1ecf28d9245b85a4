"""Every page, for every role, in Simplified Chinese: no code value and no English UI words as visible text.

The walker reuses the isolation walker's routes and objects, so pages that take an id render a real object.
A page fails when its visible text holds a code of one of the platform's vocabularies (every model field's
choices and the pure modules' enums), an untranslated catalogue message, or a run of English words.
"""

import enum
import importlib
import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.apps import apps

from tests.test_isolation import ctx, fill, page_routes  # noqa: F401 - ctx is the walker's fixture

pytestmark = pytest.mark.django_db

ROLES = ["grid_a", "grid_b", "staff_a", "street_a", "commander", "cdc", "legal", "supply", "guard_a",
         "volunteer_a", "supervisor", "admin"]

# Modules with vocabularies of their own, outside any model field's choices.
PURE_VOCABULARIES = ["shaodian.measures.lifecycle.vocabulary", "shaodian.measures.rules", "shaodian.risk.matrix",
                     "shaodian.security.roles", "shaodian.people.transfer_states", "shaodian.complaints.states"]

# English words seen on Chinese pages; the vocabularies below catch the codes among them.
ENGLISH_UI_WORDS = {"low", "medium", "high", "no_carer", "grid_worker", "elderly_alone", "care_assignment",
                    "vote_tokens", "fire_lane"}

# Tokens a Chinese page may show: formats, units and names of things that have no Chinese word.
ALLOWED_TOKENS = {"Excel", "xlsx", "csv", "CSV", "ID", "API", "QR", "PDF", "SEIR", "CDC", "OpenAPI", "JSON", "URL", "SQL"}

# Attributes a user reads (a tooltip, a hint, a label read aloud, a picture's text).
READ_ATTRS = {"title", "placeholder", "aria-label", "alt"}


class VisibleText(HTMLParser):
    """The text a user sees or hears: data outside <script>/<style>, plus the attributes people read."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        values = dict(attrs)
        for name, value in attrs:
            if value and name in READ_ATTRS:
                self.parts.append(value)
        if tag == "input" and values.get("type") in ("submit", "button", "reset") and values.get("value"):
            self.parts.append(values["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


# A link printed for typing by hand (a vote card's address) carries a random token, which is no language.
URL = re.compile(r"https?://\S+")


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return URL.sub(" ", "\n".join(p.strip() for p in parser.parts if p.strip()))


def _enum_values(module) -> set[str]:
    found = set()
    for obj in vars(module).values():
        if isinstance(obj, type) and issubclass(obj, enum.Enum) and obj.__module__ == module.__name__:
            found |= {m.value for m in obj if isinstance(m.value, str)}
    return found


def code_values() -> set[str]:
    """Every code of the platform's vocabularies that a Chinese page must show as its label."""
    codes = set()
    for model in apps.get_models():
        if not model.__module__.startswith("shaodian."):
            continue
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or []:
                if isinstance(value, str):
                    codes.add(value)
    for name in PURE_VOCABULARIES:
        codes |= _enum_values(importlib.import_module(name))
    # A code that is no English word (Chinese, digits) cannot leak as English.
    return {c for c in codes if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", c)} | ENGLISH_UI_WORDS


def catalogue_messages() -> set[str]:
    """English source texts of the catalogue: on a Chinese page, one showing means a message went untranslated."""
    po = Path(__file__).resolve().parents[1] / "src/shaodian/locale/zh_Hans/LC_MESSAGES/django.po"
    return {e.msgid for e in polib.pofile(str(po)) if e.msgstr and e.msgstr != e.msgid
            and len(re.findall(r"[A-Za-z]{2,}", e.msgid)) >= 2 and "%" not in e.msgid and "{" not in e.msgid}


ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}(?:[ \-][A-Za-z]{2,})+\b")
TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def english_on(text: str, codes: set[str], messages: set[str], allowed: set[str]) -> list[str]:
    """What of the text is English where Chinese belongs: codes, untranslated messages, runs of English words."""
    found = [m for m in messages if m in text]
    found += [t for t in TOKEN.findall(text) if t in codes and t not in allowed]
    found += [r for r in ENGLISH_RUN.findall(text)
              if not all(w in ALLOWED_TOKENS or w in allowed for w in re.split(r"[ \-]", r))]
    return sorted(set(found))


def test_the_checker_catches_codes_messages_and_english_words():
    codes = code_values()
    assert {"sealed", "no_carer", "grid_worker", "low", "care_assignment", "fire_lane"} <= codes
    messages = catalogue_messages()
    assert "Measure proposed" in messages
    page = visible_text('<p title="Zoom in">风险 low</p><script>var x = "sealed"</script>'
                        '<input type="hidden" value="sealed"><button>Measure proposed</button>')
    assert english_on(page, codes, messages, set()) == ["Measure proposed", "Zoom in", "in", "low", "proposed"]
    assert english_on(visible_text("<p>导出 Excel · 身份证 ID 后四位</p>"), codes, messages, set()) == []
    # A vote card's printed link whose random token happens to hold a code ("F") is no English.
    assert english_on(visible_text("<p>http://127.0.0.1:8000/v/aB3-F-low_x/</p>"), codes, messages, set()) == []


def _usernames(users) -> set[str]:
    # A user's login name is their own name, shown where they are named; it is no code.
    return set(users)


def walk(client, users, urls: list[str]) -> tuple[int, dict[str, list[str]]]:
    """GET each page once per role (and anonymously); what each shows in English, by page and role."""
    codes, messages = code_values(), catalogue_messages()
    allowed = _usernames(users)
    problems, rendered = {}, 0
    for role in [None, *ROLES]:
        client.logout()
        if role:
            client.force_login(users[role])
        for url in urls:
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
            assert response.status_code < 500, f"{url} as {role} answered {response.status_code}"
            if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
                continue
            rendered += 1
            found = english_on(visible_text(response.content.decode()), codes, messages, allowed)
            if found:
                problems[f"{url} as {role or 'anonymous'}"] = found
    return rendered, problems


def _report(problems) -> str:
    return "English on Chinese pages:\n" + "\n".join(f"{k}: {v}" for k, v in sorted(problems.items()))


def test_every_page_for_every_role_is_chinese(client, users, ctx):  # noqa: F811 - ctx is the imported fixture
    routes = [r for r in page_routes() if not r.startswith(("i18n", "logout"))]
    rendered, problems = walk(client, users, [fill(r, ctx) for r in routes])
    assert rendered > 100
    assert not problems, _report(problems)


def test_the_demo_story_pages_are_chinese(client, users, measures_story):
    """The demo's measures in every state (expired, sealed, held at the gate, voted), its closures, risk and audit."""
    from shaodian.security.audit import audit
    from shaodian.security.models import AuditAction

    story = measures_story(7)
    assert set(story) == {"expired", "sealed", "gated", "voted"}
    audit(None, AuditAction.UPDATE, "measure", story["expired"])  # written by the worker: no user acted
    lists = [fill(r, {}) for r in page_routes() if "<" not in r and not r.startswith(("i18n", "logout"))]
    measures = [f"/measures/{pk}/{page}" for pk in story.values() for page in ("", "gate/", "votes/")]
    rendered, problems = walk(client, users, lists + measures)
    assert rendered > 100
    assert not problems, _report(problems)

"""Chinese by default, English on request; messages from services follow the language."""

import json

import pytest

pytestmark = pytest.mark.django_db


def test_pages_are_chinese_by_default_and_english_on_request(client_as):
    client = client_as("grid_a")
    zh = client.get("/residents/").content.decode()
    assert "居民" in zh and "查询" in zh and 'lang="zh-CN"' in zh
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    en = client.get("/residents/").content.decode()
    assert "Residents" in en and 'lang="en"' in en


def test_api_errors_follow_accept_language(api_as):
    client = api_as("grid_a")
    body = {"name": "x", "id_number": "123", "household_id": 1}
    zh = client.post("/api/v1/residents", json.dumps(body), content_type="application/json").json()
    en = client.post("/api/v1/residents", json.dumps(body), content_type="application/json",
                     HTTP_ACCEPT_LANGUAGE="en").json()
    assert "18位" in zh["detail"][0]["msg"]
    assert "18 characters" in en["detail"][0]["msg"]


def test_every_catalogue_entry_is_translated():
    from pathlib import Path

    import polib

    import shaodian

    po = polib.pofile(str(Path(shaodian.__file__).parent / "locale/zh_Hans/LC_MESSAGES/django.po"))
    assert po.percent_translated() == 100, [e.msgid for e in po.untranslated_entries()]
    assert not po.fuzzy_entries()


def test_a_browser_asking_for_english_still_gets_chinese_pages(client_as):
    client = client_as("grid_a")
    page = client.get("/residents/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-CN"' in page and "查询" in page


def test_no_message_is_defined_twice():
    """Two entries for one msgid (without a context) leave one of them silently unused, and GNU msgfmt refuses the file."""
    from collections import Counter
    from pathlib import Path

    import polib

    import shaodian

    po = polib.pofile(str(Path(shaodian.__file__).parent / "locale/zh_Hans/LC_MESSAGES/django.po"))
    twice = [k for k, n in Counter((e.msgctxt, e.msgid) for e in po).items() if n > 1]
    assert not twice, twice

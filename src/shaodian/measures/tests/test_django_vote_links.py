"""Vote links (issue 9, item 14): on the public URL, printable as QR codes, shown again only to who issued them,
never stored in plain text, every showing audited."""

import re

import pytest
import segno
from django.db import connection

from shaodian.measures import votes
from shaodian.measures.models import VoteToken
from shaodian.measures.tests.helpers import advance, building_of, propose
from shaodian.security.models import AuditLog

pytestmark = pytest.mark.django_db
PUBLIC = "https://vote.haitang.example.gov.cn"


@pytest.fixture
def measure(users, clock):
    return advance(users, propose(users, building_of(users["grid_a"]), clock), clock, "approved")


def test_vote_links_use_the_public_url_setting(settings, client_as, measure):
    settings.PUBLIC_URL = PUBLIC
    page = client_as("staff_a").post(f"/measures/{measure.pk}/votes/", {"action": "open"}).content.decode()
    links = re.findall(r"https://vote\.haitang\.example\.gov\.cn/public/vote/[\w-]+/", page)
    assert links and len(links) == VoteToken.objects.filter(measure=measure).count()
    assert "testserver" not in page


def test_vote_links_fall_back_to_the_request_address(settings, client_as, measure):
    settings.PUBLIC_URL = ""
    page = client_as("staff_a").post(f"/measures/{measure.pk}/votes/", {"action": "open"}).content.decode()
    assert "http://testserver/public/vote/" in page


def test_vote_tokens_are_stored_hashed_and_encrypted_never_in_plain_text(users, measure):
    made = votes.vote_open(actor=users["staff_a"], measure_id=measure.pk)
    assert made
    with connection.cursor() as cursor:
        cursor.execute("SELECT key_hash, key_sealed FROM measures_votetoken WHERE measure_id = %s", [measure.pk])
        stored = cursor.fetchall()
    dump = " ".join(f"{h} {s}" for h, s in stored)
    for _h, _a, raw in made:
        assert raw not in dump and VoteToken.digest(raw) in dump
    for token in VoteToken.objects.filter(measure=measure):
        assert token.key_sealed and token.issued_by_id == users["staff_a"].pk


def test_the_staff_who_issued_the_links_see_them_again_and_each_showing_is_audited(settings, users, client_as, measure):
    settings.PUBLIC_URL = PUBLIC
    made = votes.vote_open(actor=users["staff_a"], measure_id=measure.pk)
    client = client_as("staff_a")
    before = AuditLog.objects.filter(object_type="vote_tokens", action="reveal").count()
    response = client.post(f"/measures/{measure.pk}/votes/", {"action": "show"})
    page = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    for _h, _a, raw in made:
        assert f"{PUBLIC}/public/vote/{raw}/" in page
    client.post(f"/measures/{measure.pk}/votes/", {"action": "show"})
    shows = AuditLog.objects.filter(object_type="vote_tokens", action="reveal").order_by("pk")
    assert shows.count() == before + 2
    last = shows.last()
    assert last.actor_id == users["staff_a"].pk and last.count == len(made) and last.object_id == str(measure.pk)
    assert not any(raw in str(last.detail) for _h, _a, raw in made)


def test_nobody_else_sees_the_links_again(users, client_as, measure):
    made = votes.vote_open(actor=users["staff_a"], measure_id=measure.pk)
    # The street commander may manage the measure but did not issue these links.
    page = client_as("street_a").post(f"/measures/{measure.pk}/votes/", {"action": "show"}).content.decode()
    assert not any(raw in page for _h, _a, raw in made)
    sheet = client_as("street_a").get(f"/measures/{measure.pk}/votes/sheet/").content.decode()
    assert not any(raw in sheet for _h, _a, raw in made)
    assert client_as("grid_a").get(f"/measures/{measure.pk}/votes/sheet/").status_code == 403


def test_the_qr_sheet_prints_one_code_per_household_that_has_not_voted(settings, users, client_as, measure):
    settings.PUBLIC_URL = PUBLIC
    made = votes.vote_open(actor=users["staff_a"], measure_id=measure.pk)
    (_h, _a, voted_raw), rest = made[0], made[1:]
    votes.vote_cast(token=voted_raw, approve=True)
    response = client_as("staff_a").get(f"/measures/{measure.pk}/votes/sheet/")
    page = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert page.count('class="vote-card"') == len(rest)
    for _h, address, raw in rest:
        url = f"{PUBLIC}/public/vote/{raw}/"
        assert segno.make(url, error="m").svg_data_uri(scale=4, border=2) in page and address in page
    assert voted_raw not in page
    assert "measures/vote_sheet.css" in page
    assert AuditLog.objects.filter(object_type="vote_tokens", action="reveal", actor=users["staff_a"]).exists()

"""The measure pages render for each role, and a refused action is shown on the page with its reason."""


import pytest

from shaodian.measures import votes
from shaodian.measures.models import Measure
from shaodian.measures.tests.helpers import advance, building_of, propose

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", ["staff_a", "street_a", "commander", "cdc", "legal", "grid_a", "supervisor"])
def test_every_measure_page_renders(users, client_as, username, measures_story):
    ids = measures_story(5)
    client = client_as(username)
    urls = ["/measures/", "/measures/zones/", "/measures/closures/", "/public/measures"]
    for pk in ids.values():
        urls += [f"/measures/{pk}/", f"/measures/{pk}/gate/", f"/measures/{pk}/votes/"]
    for url in urls:
        assert client.get(url).status_code == 200, url
    risk = client.get("/measures/risk/")
    assert risk.status_code == (200 if users[username].can("confirm_risk") else 403)


def test_a_refused_action_shows_its_reason(users, client_as, clock):
    m = propose(users, building_of(users["grid_a"]), clock)
    response = client_as("street_a").post(f"/measures/{m.pk}/act/", {"action": "approve"})
    assert response.status_code == 422
    assert "draft" in response.content.decode() and Measure.objects.get(pk=m.pk).status == "draft"


def test_the_legal_reviewer_passes_a_measure_from_the_page(users, client_as, clock):
    m = advance(users, propose(users, building_of(users["grid_a"]), clock), clock, "legal_review")
    client = client_as("legal")
    response = client.post(f"/measures/{m.pk}/act/", {"action": "legal_approve", "legal_basis": "传染病防治法"})
    assert response.status_code == 422 and "第四十一条" in response.content.decode()
    clock.tick(60)
    response = client.post(f"/measures/{m.pk}/act/", {"action": "legal_approve",
                                                      "legal_basis": "《中华人民共和国传染病防治法》第四十二条"})
    assert response.status_code == 302


def test_a_household_votes_once_through_its_link(users, client, clock):
    m = advance(users, propose(users, building_of(users["grid_a"]), clock), clock, "approved")
    [(_h, _a, raw), *_] = votes.vote_open(actor=users["staff_a"], measure_id=m.pk)
    page = client.get(f"/public/vote/{raw}/")
    assert page.status_code == 200 and m.area_name in page.content.decode()
    assert client.post(f"/public/vote/{raw}/", {"choice": "approve"}).status_code == 200
    again = client.post(f"/public/vote/{raw}/", {"choice": "reject"})
    assert again.status_code == 422 and list(m.votes.values_list("approve", flat=True)) == [True]
    assert client.get("/public/vote/not-a-token/").status_code == 404

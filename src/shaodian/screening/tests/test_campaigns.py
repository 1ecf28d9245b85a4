"""Campaigns: one task per household for its grid worker, coverage kept live, visits idempotent under retries,
out-of-grid visits refused, unreached doors back the next day, the closed campaign's report."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from shaodian.errors import ServiceError
from shaodian.places.models import Household
from shaodian.screening import selectors, services
from shaodian.screening.models import Coverage, VisitRecord, VisitTask

pytestmark = pytest.mark.django_db


def start(users, who="street_a", node=None, **kw):
    user = users[who]
    return services.campaign_start(actor=user, place_id=(node or user.node).pk, name="第一轮排查", purpose="摸清底数",
                                   questions="近14天是否外出\n是否有发热", deadline=timezone.now() + dt.timedelta(days=2),
                                   **kw)


def test_it_makes_one_task_per_household_for_its_grid_worker(users):
    campaign = start(users)
    households = Household.objects.filter(street=users["street_a"].node)
    assert campaign.households == households.count() == VisitTask.objects.filter(campaign=campaign).count()
    mine = VisitTask.objects.filter(campaign=campaign, grid=users["grid_a"].node)
    assert mine.count() > 0 and set(mine.values_list("assignee", flat=True)) == {users["grid_a"].pk}
    assert sum(Coverage.objects.filter(campaign=campaign).values_list("total", flat=True)) == campaign.households


def test_it_refuses_a_campaign_outside_the_jurisdiction_or_without_the_right(users):
    with pytest.raises(ServiceError) as exc:
        start(users, "staff_a", node=users["grid_b"].node)
    assert "place" in exc.value.errors
    with pytest.raises(ServiceError) as exc:
        start(users, "grid_a")
    assert exc.value.status == 403
    with pytest.raises(ServiceError) as exc:
        start(users, deadline_past=True) if False else services.campaign_start(
            actor=users["street_a"], place_id=users["street_a"].node_id, name="x", purpose="y",
            deadline=timezone.now() - dt.timedelta(hours=1))
    assert "deadline" in exc.value.errors


def _visit(task, client_id="c-1", outcome="reached", **kw):
    return {"client_id": client_id, "task": task.pk, "outcome": outcome, **kw}


def test_it_stores_a_visit_once_however_often_the_phone_retries(users):
    campaign = start(users)
    task = VisitTask.objects.filter(campaign=campaign, grid=users["grid_a"].node).first()
    first = services.visits_record(actor=users["grid_a"], items=[_visit(task, people_present=3)])
    assert first[0]["status"] == "accepted"
    # The answer was lost: the phone sends it again, twice in one batch and once more alone.
    again = services.visits_record(actor=users["grid_a"], items=[_visit(task), _visit(task)])
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]
    assert VisitRecord.objects.filter(client_id="c-1").count() == 1
    cov = Coverage.objects.get(campaign=campaign, grid=users["grid_a"].node)
    assert cov.reached == 1
    task.refresh_from_db()
    assert task.status == "reached" and task.people_present == 3 and task.attempts == 1


def test_it_refuses_a_visit_to_a_household_outside_the_workers_grid(users):
    campaign = start(users)
    theirs = VisitTask.objects.filter(campaign=campaign, grid=users["grid_b"].node).first()
    [result] = services.visits_record(actor=users["grid_a"], items=[_visit(theirs)])
    assert result["status"] == "rejected" and result["code"] == "outside_grid"
    theirs.refresh_from_db()
    assert theirs.status == "pending"
    assert Coverage.objects.get(campaign=campaign, grid=users["grid_b"].node).reached == 0


def test_it_answers_each_item_of_a_batch_on_its_own(users):
    campaign = start(users)
    task = VisitTask.objects.filter(campaign=campaign, grid=users["grid_a"].node).first()
    results = services.visits_record(actor=users["grid_a"], items=[
        _visit(task, "ok"), {"client_id": "bad", "task": task.pk, "outcome": "maybe"}, {"task": task.pk},
        _visit(task, "late", at=(timezone.now() + dt.timedelta(hours=1)).isoformat()), "junk",
        _visit(task, "again", outcome="refused")])
    assert [(r["status"], r["code"]) for r in results] == [
        ("accepted", ""), ("rejected", "bad_outcome"), ("rejected", "bad_client_id"), ("rejected", "future"),
        ("rejected", "bad_client_id"), ("rejected", "already_reached")]


def test_it_brings_the_unreached_back_the_next_day(users):
    campaign = start(users)
    grid_a = users["grid_a"]
    today = timezone.localdate()
    doors = selectors.visits_today(grid_a, today=today)
    assert len(doors) == VisitTask.objects.filter(campaign=campaign, grid=grid_a.node).count()
    services.visits_record(actor=grid_a, items=[_visit(doors[0], "n1", "nobody_home"),
                                                _visit(doors[1], "r1", "reached")])
    left = selectors.visits_today(grid_a, today=today)
    assert doors[0] not in left and doors[1] not in left
    tomorrow = selectors.visits_today(grid_a, today=today + dt.timedelta(days=1))
    assert doors[0] in tomorrow and doors[1] not in tomorrow


def test_it_shows_coverage_live_at_every_level(users):
    campaign = start(users, "commander")
    a = VisitTask.objects.filter(campaign=campaign, grid=users["grid_a"].node)
    services.visits_record(actor=users["grid_a"], items=[_visit(t, f"v{t.pk}") for t in a])
    district = selectors.coverage_for(users["commander"], campaign)
    assert district["level"] == "district" and district["child_level"] == "street"
    assert district["reached"] == a.count() and district["total"] == campaign.households
    street = selectors.coverage_for(users["street_a"], campaign)
    assert street["child_level"] == "community"
    assert street["reached"] == a.count()
    assert street["total"] == Household.objects.filter(street=users["street_a"].node).count()
    grid = selectors.coverage_for(users["grid_a"], campaign)
    assert grid["percent"] == 100.0
    assert selectors.coverage_for(users["grid_b"], campaign)["reached"] == 0


def test_a_closed_campaign_leaves_a_report_a_spreadsheet_opens(users, client_as):
    campaign = start(users)
    task = VisitTask.objects.filter(campaign=campaign, grid=users["grid_a"].node).first()
    services.visits_record(actor=users["grid_a"], items=[_visit(task, symptomatic=True)])
    client = client_as("street_a")
    assert client.post(f"/screening/campaigns/{campaign.pk}/close/").status_code == 302
    with pytest.raises(ServiceError):
        services.campaign_close(actor=users["street_a"], campaign_id=campaign.pk)
    page = client.get(f"/screening/campaigns/{campaign.pk}/")
    assert page.status_code == 200 and "报告" in page.content.decode()
    sheet = client.get(f"/screening/campaigns/{campaign.pk}/report.xlsx")
    ws = load_workbook(io.BytesIO(sheet.content)).active
    rows = list(ws.iter_rows(values_only=True))
    total = rows[-1]
    assert total[3] == campaign.households and total[4] == 1 and total[7] == 1
    # Closed: the doors leave the worker's list and a visit is refused.
    assert selectors.visits_today(users["grid_a"]) == []
    other = VisitTask.objects.filter(campaign=campaign, grid=users["grid_a"].node, status="pending").first()
    [r] = services.visits_record(actor=users["grid_a"], items=[_visit(other, "late")])
    assert r["code"] == "campaign_closed"


def test_the_api_takes_one_visit_or_a_batch(users, api_as):
    campaign = start(users)
    tasks = list(VisitTask.objects.filter(campaign=campaign, grid=users["grid_a"].node)[:2])
    api = api_as("grid_a")
    one = api.post("/api/v1/visits", {"client_id": "x1", "task": tasks[0].pk, "outcome": "reached"},
                   content_type="application/json")
    assert one.status_code == 200 and one.json()["results"][0]["status"] == "accepted"
    batch = api.post("/api/v1/visits", {"visits": [_visit(tasks[0], "x1"), _visit(tasks[1], "x2", "nobody_home")]},
                     content_type="application/json")
    assert [r["status"] for r in batch.json()["results"]] == ["duplicate", "accepted"]
    today = api.get("/api/v1/visits/today").json()
    assert tasks[0].pk not in [t["id"] for t in today] and tasks[1].pk not in [t["id"] for t in today]
    cov = api.get(f"/api/v1/campaigns/{campaign.pk}/coverage").json()
    assert cov["reached"] == 1 and cov["level"] == "grid"
    assert api_as("guard_a").post("/api/v1/visits", {"visits": []}, content_type="application/json").status_code == 403


def test_the_field_page_records_a_visit_without_its_script(users, client_as):
    campaign = start(users)
    task = VisitTask.objects.filter(campaign=campaign, grid=users["grid_a"].node).first()
    client = client_as("grid_a")
    page = client.get("/screening/field/")
    body = page.content.decode()
    assert page.status_code == 200 and task.household.address in body
    assert body.index("web/offline.js") < body.index("web/field.js")  # the page's script uses the shared one
    done = client.post("/screening/field/", {"client_id": "form-1", "task": task.pk, "outcome": "refused",
                                             "people_present": "2"})
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.status == "refused"
    theirs = VisitTask.objects.filter(campaign=campaign, grid=users["grid_b"].node).first()
    refused = client.post("/screening/field/", {"client_id": "form-2", "task": theirs.pk, "outcome": "reached"})
    assert refused.status_code == 422


def test_the_pages_answer_for_staff_and_refuse_the_others(users, client_as):
    campaign = start(users)
    assert client_as("street_a").get("/screening/").status_code == 200
    assert client_as("commander").get(f"/screening/campaigns/{campaign.pk}/").status_code == 200
    # grid_b's street is the same, so grid_b sees the campaign, but only its own grid's coverage.
    page = client_as("grid_b").get(f"/screening/campaigns/{campaign.pk}/")
    assert page.status_code == 200
    assert client_as("guard_a").get("/screening/").status_code == 403
    bad = client_as("staff_a").post("/screening/", {"name": "", "purpose": "p", "place": "999999", "deadline": ""})
    assert bad.status_code == 422


def test_symptoms_found_at_a_door_become_a_task_for_the_community_once(users):
    from shaodian.tasks.models import Task

    campaign = start(users)
    task = VisitTask.objects.filter(campaign=campaign, grid=users["grid_a"].node).first()
    services.visits_record(actor=users["grid_a"], items=[_visit(task, "s1", symptomatic=True)])
    services.visits_record(actor=users["grid_a"], items=[_visit(task, "s1", symptomatic=True)])
    [made] = Task.objects.filter(source="screening.visit", source_id=str(task.pk))
    assert made.place_id == users["staff_a"].node_id and made.kind == "follow_up"
    assert Coverage.objects.get(campaign=campaign, grid=users["grid_a"].node).symptomatic == 1

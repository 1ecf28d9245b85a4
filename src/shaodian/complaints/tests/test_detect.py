"""Over-blocking detection: each rule, pure and through the service that opens reviews (2 days do not, 3 do)."""

import datetime as dt

import pytest

from shaodian.complaints import detect, intake, reviews
from shaodian.complaints.models import Review
from shaodian.complaints.tests.factories import make_town
from shaodian.core.models import OutboxItem
from shaodian.errors import ServiceError

T0 = dt.datetime(2026, 11, 2, 2, tzinfo=dt.UTC)


def r(i, day, category="medical_access", community=1, hour=10):
    at = dt.datetime(2026, 11, day, hour, tzinfo=dt.UTC)
    return detect.Report(i, community, category, at, at.date())


def test_two_days_of_medical_complaints_do_not_trigger():
    assert detect.triggers([r(1, 1), r(2, 2)]) == []


def test_three_consecutive_days_trigger_once_with_the_evidence():
    [t] = detect.triggers([r(1, 1), r(2, 2), r(3, 3), r(4, 3)])
    assert t.rule == "medical_days" and t.report_ids == (1, 2, 3, 4)
    assert t.per_day == {"2026-11-01": 1, "2026-11-02": 1, "2026-11-03": 2}


def test_a_gap_breaks_the_run_and_communities_do_not_add_up():
    assert detect.triggers([r(1, 1), r(2, 2), r(3, 4)]) == []
    assert detect.triggers([r(1, 1), r(2, 2), r(3, 3, community=2)]) == []


def test_any_fire_lane_report_triggers():
    [t] = detect.triggers([r(1, 1, "fire_lane")])
    assert t.rule == "fire_lane"


def test_a_cluster_of_supply_shortages_triggers_within_the_window():
    five = [r(i, 1, "supply_shortage", hour=8 + i) for i in range(5)]
    assert [t.rule for t in detect.triggers(five)] == ["supply_cluster"]
    spread = [r(i, 1 + i, "supply_shortage") for i in range(5)]
    assert detect.triggers(spread) == []


@pytest.fixture
def town(db):
    return make_town()


def file(town, day_offset, category="medical_access", phone=""):
    return intake.complaint_file(channel="web", text="老人去不了医院", place_id=town.east_grid.pk, category=category,
                                 reporter_phone=phone, source=f"10.0.0.{day_offset}",
                                 now=T0 + dt.timedelta(days=day_offset))[0]


def test_the_service_opens_a_review_on_day_three_for_the_supervisor(town):
    file(town, 0), file(town, 1)
    assert reviews.reviews_detect(now=T0 + dt.timedelta(days=1, hours=1)) == []
    file(town, 2)
    [review] = reviews.reviews_detect(now=T0 + dt.timedelta(days=2, hours=1))
    assert review.community_id == town.east.pk and review.assigned_to == town.users["supervisor"]
    assert len(review.evidence["complaints"]) == 3 and "measures" in review.evidence
    assert OutboxItem.objects.filter(key=f"notify:complaint-review:{review.pk}:inapp").exists()
    assert reviews.reviews_detect(now=T0 + dt.timedelta(days=2, hours=2)) == []  # not twice


def test_the_outcome_is_recorded_once_by_the_supervisor(town):
    file(town, 0, "fire_lane")
    [review] = reviews.reviews_detect(now=T0 + dt.timedelta(hours=1))
    with pytest.raises(ServiceError):
        reviews.review_decide(actor=town.users["east_staff"], review_id=review.pk, outcome="lifted", reason="x")
    with pytest.raises(ServiceError):
        reviews.review_decide(actor=town.users["supervisor"], review_id=review.pk, outcome="lifted", reason=" ")
    reviews.review_decide(actor=town.users["supervisor"], review_id=review.pk, outcome="lifted",
                          reason="物业擅自封闭消防通道，已责令拆除")
    review.refresh_from_db()
    assert review.outcome == "lifted" and review.decided_by == town.users["supervisor"]
    with pytest.raises(ServiceError) as e:
        reviews.review_decide(actor=town.users["supervisor"], review_id=review.pk, outcome="kept", reason="x")
    assert e.value.status == 409
    assert Review.objects.get(pk=review.pk).outcome == "lifted"


def test_a_review_names_who_ordered_each_closure_in_force(town, client):
    from shaodian.measures import closures

    closures.closure_create(actor=town.users["east_staff"], place_id=town.east_grid.pk, description="3号楼消防通道口",
                            closure_type="movable_barrier", emergency_channel="北门", ordered_by="property_company",
                            ordered_by_name="东园物业")
    file(town, 0, "fire_lane")
    [review] = reviews.reviews_detect(now=T0 + dt.timedelta(hours=1))
    [closure] = review.evidence["closures"]
    assert (closure["ordered_by"], closure["ordered_by_name"]) == ("property_company", "东园物业")
    client.force_login(town.users["supervisor"])
    page = client.get(f"/complaints/reviews/{review.pk}/").content.decode()
    assert "物业公司" in page and "东园物业" in page

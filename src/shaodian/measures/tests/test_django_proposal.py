"""The proposal form refuses what it should (issue 9, item 12): zone and level must agree, no start in the past."""

import datetime as dt

import pytest
from django.utils import timezone

from shaodian.measures.models import Measure
from shaodian.measures.tests.helpers import building_of

pytestmark = pytest.mark.django_db


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def _form(users, **overrides):
    now = timezone.now()
    return {"area": f"building:{building_of(users['grid_a']).pk}", "zone": "controlled", "static_level": "controlled",
            "restrictions": ["entry_verification", "stay_in_area"], "starts_at": _local(now + dt.timedelta(days=2)),
            "ends_at": _local(now + dt.timedelta(days=9)), "reason": "密接居住楼栋", **overrides}


def test_the_proposal_form_refuses_a_sealed_zone_at_level_three(users, client_as):
    before = Measure.objects.count()
    response = client_as("staff_a").post("/measures/", _form(users, zone="sealed", static_level="controlled"))
    assert response.status_code == 422
    page = response.content.decode()
    assert "封控区须实行四级（封控），不能是三级（管控）" in page
    assert Measure.objects.count() == before


def test_the_proposal_form_lists_every_mistake_at_once(users, client_as):
    now = timezone.now()
    page = client_as("staff_a").post("/measures/", _form(users, zone="sealed", static_level="controlled",
                                                         starts_at=_local(now - dt.timedelta(days=1)))).content.decode()
    assert "封控区须实行四级（封控）" in page and "开始时间不能早于现在" in page


def test_the_api_refuses_a_zone_and_level_that_disagree(users, api_as):
    now = timezone.now()
    response = api_as("staff_a").post("/api/v1/measures", {
        "building_id": building_of(users["grid_a"]).pk, "zone": "precaution", "static_level": "sealed",
        "restrictions": ["entry_verification"], "reason": "病例", "starts_at": (now + dt.timedelta(days=2)).isoformat(),
        "ends_at": (now + dt.timedelta(days=9)).isoformat()}, content_type="application/json")
    assert response.status_code == 422
    assert [d["type"] for d in response.json()["detail"]] == ["zone_level_mismatch"]


@pytest.mark.parametrize("emergency", ["", "聚集性疫情，需立即管控"])
def test_the_proposal_form_refuses_a_start_in_the_past(users, client_as, emergency):
    before = Measure.objects.count()
    now = timezone.now()
    response = client_as("staff_a").post("/measures/", _form(
        users, starts_at=_local(now - dt.timedelta(hours=3)), ends_at=_local(now + dt.timedelta(days=5)),
        emergency_reason=emergency))
    assert response.status_code == 422
    assert "开始时间不能早于现在" in response.content.decode()
    assert Measure.objects.count() == before


def test_the_api_refuses_a_start_in_the_past(users, api_as):
    now = timezone.now()
    response = api_as("staff_a").post("/api/v1/measures", {
        "building_id": building_of(users["grid_a"]).pk, "zone": "controlled", "static_level": "controlled",
        "restrictions": ["entry_verification"], "reason": "病例", "starts_at": (now - dt.timedelta(days=1)).isoformat(),
        "ends_at": (now + dt.timedelta(days=5)).isoformat()}, content_type="application/json")
    assert response.status_code == 422 and response.json()["detail"][0]["type"] == "start_in_past"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("starts_at", "9999-12-20T08:00", "2000-01-01 至 2100-12-31"),
    ("starts_at", "明天", "请输入日期和时间"),
    ("zone", "everywhere", "选择一个有效的选项"),
    ("area", "place:999999999", "选择一个有效的选项"),
    ("reason", "", "这个字段是必填项"),
])
def test_the_proposal_form_answers_bad_fields_with_a_message(users, client_as, field, value, message):
    before = Measure.objects.count()
    response = client_as("staff_a").post("/measures/", _form(users, **{field: value}))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Measure.objects.count() == before


def test_the_proposal_form_proposes_and_keeps_the_input_on_error(users, client_as):
    client = client_as("staff_a")
    refused = client.post("/measures/", _form(users, static_level="sealed", reason="保留我的理由"))
    assert refused.status_code == 422 and "保留我的理由" in refused.content.decode()
    response = client.post("/measures/", _form(users))
    assert response.status_code == 302
    m = Measure.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    assert (m.zone, m.static_level, m.status, m.building_id) == ("controlled", "controlled", "draft",
                                                                 building_of(users["grid_a"]).pk)

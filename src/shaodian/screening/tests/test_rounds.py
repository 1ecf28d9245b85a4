"""Testing rounds: ordered from above and narrowed below, never widened (MEA-7); who was sampled, by personal code
or ID number; results entered or imported with bad rows reported; the unreached per grid."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import Workbook

from shaodian.errors import ServiceError
from shaodian.people.models import Resident
from shaodian.screening import rounds
from shaodian.screening.models import Sample
from shaodian.testing.city import id_number_of, resident_in

pytestmark = pytest.mark.django_db


def district_round(users, every=3, kind="pcr"):
    return rounds.round_order(actor=users["commander"], place_id=users["commander"].node_id, name="全区核酸", kind=kind,
                              day=timezone.localdate(), every_days=every)


def test_a_street_narrows_the_districts_round(users):
    parent = district_round(users)
    sub = rounds.round_order(actor=users["street_a"], place_id=users["street_a"].node_id, name="街道核酸", kind="pcr",
                             day=timezone.localdate() + dt.timedelta(days=1), every_days=5, parent_id=parent.pk)
    assert sub.parent == parent


@pytest.mark.parametrize(("change", "field"), [
    ({"every_days": 1}, "every_days"),  # more often than the district ordered: 层层加码
    ({"kind": "antigen"}, "kind"),
    ({"place": "street_b"}, "place"),  # another street: outside the street's jurisdiction
])
def test_a_lower_level_cannot_widen_the_round_ordered_above(users, change, field):
    parent = district_round(users)
    args = {"place_id": users["street_a"].node_id, "kind": "pcr", "every_days": 3}
    if "place" in change:
        from shaodian.places.models import Place
        args["place_id"] = Place.objects.get(name="朝阳街道").pk
    args.update({k: v for k, v in change.items() if k != "place"})
    with pytest.raises(ServiceError) as exc:
        rounds.round_order(actor=users["street_a"], name="加码", day=timezone.localdate(), parent_id=parent.pk, **args)
    assert field in exc.value.errors


def test_a_sub_round_cannot_reach_outside_the_area_ordered_above(users):
    street_round = rounds.round_order(actor=users["street_a"], place_id=users["street_a"].node_id, name="街道",
                                      kind="pcr", day=timezone.localdate(), every_days=2,
                                      parent_id=district_round(users, every=2).pk)
    # The commander orders a sub-round of the street's round over the other street: refused as outside.
    from shaodian.places.models import Place
    other = Place.objects.get(name="朝阳街道")
    with pytest.raises(ServiceError) as exc:
        rounds.round_order(actor=users["commander"], place_id=other.pk, name="x", kind="pcr",
                           day=timezone.localdate(), every_days=2, parent_id=street_round.pk)
    assert exc.value.errors["place"][0].code == "outside_area"


def test_a_community_cannot_order_a_round_of_its_own(users):
    with pytest.raises(ServiceError) as exc:
        rounds.round_order(actor=users["staff_a"], place_id=users["staff_a"].node_id, name="自行加测", kind="antigen",
                           day=timezone.localdate(), every_days=1)
    assert exc.value.errors["parent"][0].code == "mea7"


def test_it_records_who_was_sampled_by_id_number_or_code_once(users):
    r = district_round(users)
    person = resident_in("grid_a", 0)
    grid_no = 0
    sample, created = rounds.sample_record(actor=users["grid_a"], round_id=r.pk, code=id_number_of(grid_no, 0))
    assert created and sample.resident == person and sample.grid_id == person.grid_id
    again, created = rounds.sample_record(actor=users["grid_a"], round_id=r.pk, code=id_number_of(grid_no, 0))
    assert not created and again.pk == sample.pk
    Resident.objects.filter(pk=person.pk + 1).update(qr_id="abcdef0123456789abcd")
    by_code, created = rounds.sample_record(actor=users["grid_a"], round_id=r.pk, code="ABCDEF0123456789ABCD")
    assert created and by_code.resident_id == person.pk + 1
    with pytest.raises(ServiceError) as exc:
        rounds.sample_record(actor=users["grid_a"], round_id=r.pk, code="11010519800101001X")
    assert "code" in exc.value.errors
    # grid_b's resident is inside the round but outside grid_a's grid.
    with pytest.raises(ServiceError) as exc:
        rounds.sample_record(actor=users["grid_a"], round_id=r.pk, code=id_number_of(2, 0))
    assert exc.value.errors["code"][0].code == "outside_grid"


def test_it_lists_the_unreached_per_grid(users):
    r = district_round(users)
    rounds.sample_record(actor=users["grid_a"], round_id=r.pk, code=id_number_of(0, 0))
    progress = {p["grid_id"]: p for p in rounds.round_progress(users["staff_a"], r)}
    mine = progress[users["grid_a"].node_id]
    assert mine["sampled"] == 1 and mine["unreached"] == mine["residents"] - 1
    assert users["grid_b"].node_id not in progress  # another community's grid
    names = rounds.unreached_in_grid(users["grid_a"], r, users["grid_a"].node_id)
    assert len(names) == mine["unreached"] and all("*" in n["name"] for n in names)
    assert rounds.unreached_in_grid(users["grid_a"], r, users["grid_b"].node_id) == []


def test_results_are_imported_and_bad_rows_reported_not_guessed(users, client_as):
    r = district_round(users)
    rounds.sample_record(actor=users["grid_a"], round_id=r.pk, code=id_number_of(0, 0))
    rounds.sample_record(actor=users["grid_a"], round_id=r.pk, code=id_number_of(0, 1))
    wb = Workbook()
    ws = wb.active
    ws.append(["身份证号", "结果"])
    ws.append([id_number_of(0, 0), "阴性"])
    ws.append([id_number_of(0, 1), "阳性"])
    ws.append(["110105198001010011", "阴性"])  # malformed: bad check digit
    ws.append([id_number_of(0, 2), "阴性"])  # not sampled
    ws.append([id_number_of(0, 3), "也许"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "results.xlsx"
    client = client_as("staff_a")
    assert client.post(f"/screening/rounds/{r.pk}/import/", {"file": buf}).status_code == 302
    page = client.get(f"/screening/rounds/{r.pk}/").content.decode()
    assert "第 4 行" in page and "第 5 行" in page and "第 6 行" in page
    results = dict(Sample.objects.filter(round=r).values_list("resident__name", "result"))
    assert sorted(results.values()) == ["negative", "positive"]


def test_round_pages_answer(users, client_as):
    r = district_round(users)
    client = client_as("grid_a")
    assert client.get("/screening/rounds/").status_code == 200
    assert client.get(f"/screening/rounds/{r.pk}/").status_code == 200
    done = client.post(f"/screening/rounds/{r.pk}/sample/", {"code": id_number_of(0, 4)})
    assert done.status_code == 302
    assert Sample.objects.filter(round=r).count() == 1
    staff = client_as("staff_a")
    bad = staff.post("/screening/rounds/", {"what": "round", "name": "x", "kind": "pcr",
                                            "place": users["staff_a"].node_id, "day": "2026-12-01", "every_days": "1"})
    assert bad.status_code == 422 and "上级" in bad.content.decode()

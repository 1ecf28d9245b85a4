"""Walk every page and API route as grid_a and prove nothing of grid_b's grid is ever shown.

Later modules extend the walker: register how to find a grid_b object for each new URL
parameter name in PARAM_FILLERS, and every route that takes it is walked automatically.
"""

import io
import json
import re
import zipfile

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from shaodian.people import services
from shaodian.people.idcard import check_char
from shaodian.people.models import ImportJob, Resident
from shaodian.places.models import Household

pytestmark = pytest.mark.django_db

MARK_NAME = "隔离乙某"
MARK_PHONE = "13966668888"


def _marked_resident(users) -> Resident:
    """A resident of grid_b with a name and numbers that appear nowhere else."""
    grid_b = users["grid_b"]
    household = Household.objects.filter(grid_id=grid_b.node_id).first()
    first17 = "11010519770707707"
    return services.resident_create(
        actor=grid_b, name=MARK_NAME, id_number=first17 + check_char(first17), phone=MARK_PHONE,
        household_id=household.pk, tags=["dialysis"],
    )


def secrets_of(resident: Resident) -> list[str]:
    from shaodian.security.crypto import mask_id_number, mask_phone

    return [resident.name, resident.id_number, mask_id_number(resident.id_number), resident.phone,
            mask_phone(resident.phone), resident.id_number[-6:]]


# Parameter name -> how to find grid_b's object for it. Extend this in later modules.
PARAM_FILLERS = {
    "resident_id": lambda ctx: ctx["resident"].pk,
    "household_id": lambda ctx: ctx["resident"].household_id,
    "place_id": lambda ctx: ctx["resident"].grid_id,
    "building_id": lambda ctx: ctx["resident"].household.unit.building_id,
    "job_id": lambda ctx: ctx["job"].pk,
    "checkpoint_id": lambda ctx: ctx["checkpoint"].pk,
    "pass_id": lambda ctx: ctx["pass"].pk,
    "case_id": lambda ctx: ctx["case"].pk,
    "contact_id": lambda ctx: ctx["contact"].pk,
    "monitoring_id": lambda ctx: ctx["monitoring"].pk,
    "measure_id": lambda ctx: ctx["measure"].pk,
    "token": lambda ctx: ctx["vote_token"],
    "notification_id": lambda ctx: ctx["notification"].pk,
    "item_id": lambda ctx: ctx["outbox_item"].pk,
    "alert_id": lambda ctx: ctx["alert"].pk,
    "transfer_id": lambda ctx: ctx["transfer"].pk,
    "complaint_id": lambda ctx: ctx["complaint"].pk,
    "review_id": lambda ctx: ctx["review"].pk,
    "request_id": lambda ctx: ctx["complaint"].number,
    "round_id": lambda ctx: ctx["delivery_round"].pk,
    "plan_id": lambda ctx: ctx["plan"].pk,
    "run_id": lambda ctx: ctx["route_run"].pk,
    "warehouse_id": lambda ctx: ctx["warehouse"].pk,
    "campaign_id": lambda ctx: ctx["campaign"].pk,
    "testing_round_id": lambda ctx: ctx["round"].pk,
    "health_alert_id": lambda ctx: ctx["health_alert"].pk,
    "returnee_list_id": lambda ctx: ctx["returnee_list"].pk,
    "report_token": lambda ctx: ctx["report_token"],
    "task_id": lambda ctx: ctx["task"].pk,
    "whistle_id": lambda ctx: ctx["whistle"].pk,
}
# Query strings that try to pull grid_b's data into grid_a's lists.
PROBES = ["", f"?q={MARK_NAME}", f"?q={MARK_PHONE[-4:]}", f"?q={MARK_PHONE}", "?tag=dialysis", "?grid={grid}",
          "?q=隔离"]


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            if "api/v1" in str(p.pattern):
                continue  # the API is walked from its OpenAPI description
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def page_routes() -> list[str]:
    return sorted(set(_walk(get_resolver().url_patterns)))


def fill(route: str, ctx) -> str | None:
    names = re.findall(r"<(?:\w+:)?(\w+)>|\{(\w+)\}", route)
    for a, b in names:
        name = a or b
        if name not in PARAM_FILLERS:
            raise AssertionError(f"the isolation walker does not know how to fill {name!r} in {route}: add it to PARAM_FILLERS")
        route = re.sub(r"<(?:\w+:)?%s>|\{%s\}" % (name, name), str(PARAM_FILLERS[name](ctx)), route)
    return "/" + route.lstrip("/").replace("^", "").replace("$", "")


def body_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":  # an .xlsx: look inside every part
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    text = content.decode("utf-8", "replace")
    if response.get("Content-Type", "").startswith("application/json"):
        # JSON escapes Chinese as \uXXXX: compare names against the decoded text too.
        try:
            text += "\n" + json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            pass
    return text


@pytest.fixture
def ctx(users):
    resident = _marked_resident(users)
    job = ImportJob.objects.create(actor=users["staff_a"], filename="x.xlsx",
                                   errors=json.dumps([{"row": 2, "column": "姓名", "reason_zh": "", "reason_en": "",
                                                       "values": [MARK_NAME]}]))
    # staff_a's job is not grid_a's: grid_a must not read it either.
    ctx = {"resident": resident, "job": job, "grid": resident.grid_id, **_tracing_objects(users, resident),
            **_measure_objects(users, resident), **_outbox_objects(users, resident),
            "transfer": _transfer_object(users, resident), **_complaint_objects(users, resident),
            **_supplies_objects(users, resident), **_delivery_objects(users, resident),
            **_screening_objects(users, resident), **_task_objects(users, resident)}
    return {**ctx, **_monitoring_objects(users, resident, ctx)}


def _monitoring_objects(users, resident, ctx) -> dict:
    """grid_b's health monitoring: a fever alert, a self-report link, and a returnee list naming the marked resident."""
    from django.utils import timezone

    from shaodian.monitoring import returnees, services
    from shaodian.monitoring.models import HealthAlert
    from shaodian.security.models import User

    m = ctx["monitoring"]
    alert = HealthAlert.objects.create(monitoring=m, kind="fever", day=m.starts_on, temperature=38.4, raised_at=timezone.now())
    staff_b = User.objects.get(username="staff_b")
    raw = services.link_issue(actor=staff_b, monitoring_id=m.pk)
    heading = "姓名,身份证号,手机号,来源地区,抵达日期,车牌号\n"
    row = f"{resident.name},{resident.id_number},{resident.phone},外省,{timezone.localdate().isoformat()},\n"
    lst = returnees.returnee_import(actor=staff_b, filename="乙.csv", content=(heading + row).encode())
    from shaodian.monitoring.alerts import alert_tasks_make
    from shaodian.tasks.models import Task

    alert_tasks_make([alert.pk])  # grid_b's task for its alert
    return {"health_alert": alert, "report_token": raw, "returnee_list": lst,
            "health_task": Task.objects.get(source="health_alert", source_id=str(alert.pk))}


def _screening_objects(users, resident) -> dict:
    """A district-wide campaign and testing round, both seen by grid_a, in which grid_b visited and sampled the
    marked resident (the visit's notes name them): grid_a's pages must show none of grid_b's part."""
    import datetime as dt

    from django.utils import timezone

    from shaodian.screening import rounds, services as screening
    from shaodian.screening.models import VisitTask

    commander = users["commander"]
    campaign = screening.campaign_start(actor=commander, place_id=commander.node_id, name="全区排查", purpose="摸排",
                                        deadline=timezone.now() + dt.timedelta(days=2))
    task = VisitTask.objects.get(campaign=campaign, household_id=resident.household_id)
    screening.visits_record(actor=users["grid_b"], items=[{"client_id": "iso-1", "task": task.pk, "outcome": "reached",
                                                           "symptomatic": True, "notes": f"{MARK_NAME} 发热"}])
    testing = rounds.round_order(actor=commander, place_id=commander.node_id, name="全区核酸", kind="pcr",
                                 day=timezone.localdate(), every_days=2)
    rounds.sample_record(actor=users["grid_b"], round_id=testing.pk, code=resident.id_number)
    return {"campaign": campaign, "round": testing}


def _task_objects(users, resident) -> dict:
    """A follow-up task for grid_b naming the marked resident, with a photo, and community b's whistle about them."""
    import datetime as dt

    from django.utils import timezone

    from shaodian.tasks import services as tasks
    from shaodian.tasks import whistles
    from shaodian.tasks.models import Department

    task = tasks.task_for_system(kind="follow_up", node=users["grid_b"].node, title=f"随访 {resident.name}",
                                 detail=f"电话 {resident.phone}", source="isolation", source_id=resident.pk,
                                 assignee=users["grid_b"], due_at=timezone.now() + dt.timedelta(hours=4))
    staff_b = type(users["staff_a"]).objects.get(username="staff_b")
    dept = Department(name="区民政局", kind="civil_affairs")
    dept.locate_at(users["commander"].node)
    dept.save()
    whistle = whistles.whistle_raise(actor=staff_b, department_id=dept.pk, category="social",
                                     need=f"{resident.name}（{resident.phone}）需要临时救助")
    return {"task": task, "whistle": whistle}


def _outbox_objects(users, resident) -> dict:
    """A notification to grid_b about the marked resident, delivered through the outbox."""
    from shaodian.core import notify, outbox
    from shaodian.core.models import Notification, OutboxItem

    notify.notify(recipient=users["grid_b"], zh=f"{resident.name} 需要随访", en="follow-up", key="isolation")
    item = OutboxItem.objects.get(key="notify:isolation:inapp")
    outbox.work(worker="isolation")
    return {"notification": Notification.objects.get(recipient=users["grid_b"]), "outbox_item": item}


def _complaint_objects(users, resident) -> dict:
    """An anonymous complaint by grid_b's marked resident, and the over-blocking review it triggers."""
    from shaodian.complaints import intake, reviews

    complaint, _code = intake.complaint_file(channel="web", text="消防通道被铁栅栏挡住", place_id=resident.grid_id,
                                             category="fire_lane", reporter_name=resident.name,
                                             reporter_phone=resident.phone, anonymous=True)
    review = next(r for r in reviews.reviews_detect() if r.evidence["complaints"][0]["id"] == complaint.pk)
    return {"complaint": complaint, "review": review}


def _delivery_objects(users, resident) -> dict:
    """grid_b's demand and request link for the marked household, a round of its building, and a plan and routes
    of grid_b's community."""
    from django.utils import timezone

    from shaodian.delivery import demand, rounds
    from shaodian.delivery.models import Plan, RouteRun
    from shaodian.places.models import Place
    from shaodian.supplies.tests.factories import make_warehouse

    grid_b = users["grid_b"]
    community_b = Place.objects.get(pk=grid_b.node.community_id)
    volunteer_b = type(grid_b).objects.create(username="volunteer_b", role="volunteer", node=community_b)
    demand.demand_submit(actor=grid_b, household_id=resident.household_id, kind="insulin", quantity=2,
                         note=MARK_NAME)
    demand.demand_link_issue(actor=grid_b, household_id=resident.household_id)
    r = rounds.round_create(actor=grid_b, building_id=resident.household.unit.building_id, volunteer_id=volunteer_b.pk,
                            goods=MARK_NAME)
    plan = Plan(day=timezone.localdate(), created_by=users["commander"], created_at=timezone.now(),
                shortages=[{"community_name": MARK_NAME, "item_name": "大米", "zh": MARK_NAME, "en": MARK_NAME}])
    plan.locate_at(community_b)
    plan.save()
    run = RouteRun(plan=plan, warehouse=make_warehouse(community_b, "乙社区仓"), vehicles=1, capacity_kg=1,
                   created_by=users["commander"], created_at=timezone.now())
    run.locate_at(community_b)
    run.save()
    return {"delivery_round": r, "plan": plan, "route_run": run}
def _supplies_objects(users, resident) -> dict:
    """grid_b's own store (named after the marked resident, who also drives a white-listed truck and is a
    supplier's contact), with stock on its ledger: grid_a must see none of it."""
    from shaodian.places.models import Place
    from shaodian.supplies import fleet, partners, services as supplies
    from shaodian.supplies.models import Item, Warehouse

    supply = users["supply"]
    grid_b = Place.objects.get(pk=resident.grid_id)
    store = Warehouse(name=f"{resident.name}家门口储备点", level="community", kind="drop_point")
    store.locate_at(grid_b)
    store.save()
    item = Item.objects.create(code="990001", name="大米", category="grain", unit="公斤", daily_need_per_person="0.5")
    supplies.stock_receive(actor=supply, warehouse_id=store.pk, item_id=item.pk, quantity=10, note=resident.name)
    driver = fleet.driver_register(actor=supply, name=resident.name, phone=resident.phone, whitelisted=True,
                                   place_id=grid_b.pk, id_number=resident.id_number)
    assert driver.resident_id == resident.pk  # linked to the resident they are
    fleet.vehicle_register(actor=supply, plate="京B54321", driver_id=driver.pk, place_id=grid_b.pk)
    fleet.disinfection_record(actor=supply, vehicle_id=driver.vehicles.get().pk, trip=resident.name, agent="消毒液",
                              site="乙社区")
    s = partners.supplier_create(actor=supply, name=f"{resident.name}粮油店", category="grain", daily_capacity=1,
                                 place_id=grid_b.pk)
    partners.supplier_contact_add(actor=supply, supplier_id=s.pk, name=resident.name, phone=resident.phone)
    return {"warehouse": store}


def _transfer_object(users, resident):
    """A request by grid_a's community (for a household outside grid_a) to move grid_b's marked resident in."""
    from shaodian.people import transfers

    staff_a = users["staff_a"]
    household = Household.objects.filter(community_id=staff_a.node_id).exclude(grid_id=users["grid_a"].node_id).first()
    return transfers.transfer_request_create(actor=staff_a, id_number=resident.id_number, name=MARK_NAME,
                                             household_id=household.pk)


def _tracing_objects(users, resident) -> dict:
    """grid_b's checkpoint, a pass, a case and a contact around the marked resident."""
    import datetime as dt

    from django.utils import timezone

    from shaodian.checkpoints import services as checkpoints
    from shaodian.places.models import Place
    from shaodian.tracing import services as tracing
    from shaodian.tracing.models import Contact, Monitoring

    community_b = Place.objects.get(pk=users["grid_b"].node.community_id)
    staff_b = type(users["staff_a"]).objects.create(username="staff_b", role="community_staff", node=community_b)
    gate = checkpoints.checkpoint_create(actor=staff_b, place=community_b, name="乙社区北门", kind="community_gate")
    now = timezone.now()
    permit = checkpoints.pass_issue(actor=staff_b, kind="dialysis", checkpoint_ids=[gate.pk], resident_id=resident.pk,
                                    valid_from=now, valid_to=now + dt.timedelta(days=2), reason="透析")
    case = tracing.case_register(actor=users["cdc"], resident_id=resident.pk, kind="confirmed",
                                 test_date=timezone.localdate())
    neighbour = Resident.objects.filter(grid_id=resident.grid_id).exclude(pk=resident.pk).first()
    contact = Contact.objects.create(case=case, resident=neighbour, reason="manual")
    monitoring = Monitoring.objects.create(resident=neighbour, reason="secondary_contact", starts_on=timezone.localdate(),
                                           ends_on=timezone.localdate() + dt.timedelta(days=7))
    from shaodian.checkpoints.alerts import alerts_raise
    from shaodian.checkpoints.models import ScanAlert

    alerts_raise(actor=staff_b, stored=[("iso-alert-1", resident.pk, gate.pk, now, "in", 38.6, None)])
    alert = ScanAlert.objects.get(client_id="iso-alert-1", kind="case")
    return {"checkpoint": gate, "pass": permit, "case": case, "contact": contact, "alert": alert, "monitoring": monitoring}


def _measure_objects(users, resident) -> dict:
    """A sealed-building measure around the marked (dialysis) resident, evaluated, with voting links."""
    import datetime as dt

    from django.utils import timezone

    from shaodian.measures import services as measures
    from shaodian.measures import votes

    now = timezone.now()
    measure = measures.measure_propose(
        actor=users["commander"], building_id=resident.household.unit.building_id, zone="sealed", static_level="sealed",
        restrictions=["stay_at_home"], reason="乙社区楼栋病例", starts_at=now + dt.timedelta(days=2),
        ends_at=now + dt.timedelta(days=9))
    measures.measure_evaluate(actor=users["cdc"], measure_id=measure.pk, risk_evidence=["楼内病例"], businesses_affected=0)
    measures.gate_check(actor=users["commander"], measure_id=measure.pk)
    [(_household, _address, raw), *_] = votes.vote_open(actor=users["commander"], measure_id=measure.pk)
    return {"measure": measure, "vote_token": raw}


def assert_clean(response, ctx, where, echo: str = ""):
    """No secret of the marked resident in the answer, beyond the user's own search echoed back."""
    from urllib.parse import quote

    assert response.status_code < 500, f"{where} answered {response.status_code}"
    text = body_text(response)
    value = echo.split("=", 1)[-1] if echo else ""
    if value:
        for form in (value, quote(value), quote(value, safe="")):
            text = text.replace(form, "")
    for secret in secrets_of(ctx["resident"]):
        assert secret not in text, f"{where} shows {secret!r} of a grid_b resident"
    if response.get("Content-Type", "").startswith("application/json"):
        ids = set(re.findall(r'"id": (\d+)', text))
        assert str(ctx["resident"].pk) not in ids or where.endswith("children"), f"{where} lists grid_b's resident id"


def test_every_page_hides_grid_b(client_as, ctx):
    client = client_as("grid_a")
    walked = 0
    for route in page_routes():
        if route.startswith(("i18n", "logout", "login")):
            continue
        url = fill(route, ctx)
        for probe in PROBES:
            full = url + probe.format(grid=ctx["grid"])
            assert_clean(client.get(full), ctx, full, echo=probe)
            walked += 1
        if route.endswith("reveal/"):
            for field in ("phone", "id_number"):
                assert_clean(client.post(url, {"field": field, "purpose": "测试"}), ctx, f"POST {url} {field}")
        elif "<" in route:
            # Writes on grid_b's objects are refused too, and say nothing about them.
            assert_clean(client.post(url, {"decision": "confirm", "reason": "x", "confirm": "1"}), ctx, f"POST {url}")
    assert walked > 50
    _assert_untouched(ctx)


def test_every_api_route_hides_grid_b(api_as, client, ctx):
    spec = client.get("/api/v1/openapi.json").json()
    api = api_as("grid_a")
    walked = 0
    for path, ops in spec["paths"].items():
        url = fill(path, ctx)
        if "post" in ops and "{" in path:
            body = json.dumps({"confirm": True, "reason": "x", "code": "x", "note": ""})
            assert_clean(api.post(url, body, content_type="application/json"), ctx, f"POST {url}")
        if "get" not in ops:
            continue
        for probe in PROBES:
            full = url + probe.format(grid=ctx["grid"])
            assert_clean(api.get(full), ctx, full, echo=probe)
            walked += 1
    assert walked >= 4 * len(PROBES)
    _assert_untouched(ctx)


def _assert_untouched(ctx):
    ctx["pass"].refresh_from_db()
    ctx["contact"].refresh_from_db()
    ctx["alert"].refresh_from_db()
    assert ctx["pass"].revoked_at is None and ctx["contact"].status == "proposed"
    ctx["case"].refresh_from_db()
    ctx["monitoring"].refresh_from_db()
    assert ctx["case"].status == "active" and ctx["monitoring"].status == "active"
    assert ctx["alert"].acknowledged_at is None
    ctx["transfer"].refresh_from_db()
    assert ctx["transfer"].status == "pending"
    assert Resident.objects.get(pk=ctx["resident"].pk).grid_id == ctx["grid"]
    assert ctx["warehouse"].entries.count() == 1
    ctx["task"].refresh_from_db()
    ctx["whistle"].refresh_from_db()
    assert ctx["task"].status == "open" and ctx["whistle"].status == "raised"
    ctx["health_alert"].refresh_from_db()
    assert ctx["health_alert"].acknowledged_at is None
    ctx["health_task"].refresh_from_db()
    assert ctx["health_task"].status == "open"


def _secrets_beyond_the_number(ctx) -> list[str]:
    """What a requester who typed the number must never learn: name, phone, address and grid of the holder."""
    from shaodian.security.crypto import mask_phone

    r = ctx["resident"]
    return [MARK_NAME, MARK_PHONE, mask_phone(MARK_PHONE), r.household.address, r.grid.name]


def test_an_import_naming_grid_b_residents_number_learns_nothing_and_changes_nothing(client_as, users, ctx):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    from shaodian.people import excel
    from shaodian.places.models import Building

    grid_a = users["grid_a"].node
    building = Building.objects.filter(grid_id=grid_a.pk).first()
    values = {"name": "冒名导入", "id_number": ctx["resident"].id_number, "grid_code": grid_a.code,
              "building": building.name, "unit": "1单元", "room": "808"}
    wb = Workbook()
    wb.active.append([c.header for c in excel.COLUMNS])
    wb.active.append([values.get(c.key, "") for c in excel.COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    client = client_as("staff_a")
    page = client.post("/residents/import/", {"file": SimpleUploadedFile("x.xlsx", buf.getvalue())})
    assert page.status_code == 200 and "其他辖区" in page.content.decode()
    job = ImportJob.objects.filter(actor=users["staff_a"]).latest("id")
    report = body_text(client.get(f"/residents/import/{job.pk}/errors.xlsx"))
    for text in (page.content.decode(), report):
        for secret in _secrets_beyond_the_number(ctx):
            assert secret not in text
    _assert_untouched(ctx)
    assert Resident.objects.get(pk=ctx["resident"].pk).name == MARK_NAME


def test_a_transfer_requester_learns_nothing_but_the_answer(client_as, api_as, users, ctx):
    from shaodian.people import transfers

    staff_a = users["staff_a"]
    # The walker's request carries the marked name as typed by staff_a: here staff_a typed another one.
    type(ctx["transfer"]).objects.filter(pk=ctx["transfer"].pk).update(claimed_name="另一申请")
    household = Household.objects.filter(grid_id=users["grid_a"].node_id).first()
    t = transfers.transfer_request_create(actor=staff_a, id_number=ctx["resident"].id_number, name="申请某",
                                          household_id=household.pk)
    pages = [client_as("staff_a").get("/residents/transfers/"), api_as("staff_a").get("/api/v1/transfers/outgoing"),
             api_as("staff_a").get("/api/v1/transfers/incoming")]
    for response in pages:
        assert response.status_code == 200
        text = body_text(response)
        assert "申请某" in text or "incoming" in response.wsgi_request.path
        for secret in _secrets_beyond_the_number(ctx):
            assert secret not in text, f"{response.wsgi_request.path} shows {secret!r}"
    # Nobody in community a can decide it: the person is grid_b's.
    for who in ("staff_a", "grid_a"):
        r = api_as(who).post(f"/api/v1/transfers/{t.pk}/accept", "{}", content_type="application/json")
        assert r.status_code == 404
    _assert_untouched(ctx)


def test_grid_b_sees_its_own_marked_resident(client_as, ctx):
    # The walker would pass trivially if the marker could not be seen at all: prove it can.
    client = client_as("grid_b")
    assert MARK_NAME in client.get(f"/residents/?q={MARK_NAME}").content.decode()
    assert MARK_NAME in client.get(f"/residents/{ctx['resident'].pk}/").content.decode()


@pytest.mark.parametrize("username", ["guard_a", "volunteer_a", "legal", "supply", "supervisor"])
def test_roles_without_resident_access_see_no_resident(client_as, ctx, username):
    client = client_as(username)
    for url in ("/residents/", f"/residents/{ctx['resident'].pk}/", f"/residents/households/{ctx['resident'].household_id}/",
                "/residents/export.xlsx"):
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert MARK_NAME not in body_text(response)


def test_scans_by_code_name_grid_bs_resident_only_with_their_code(api_as, users, ctx):
    """A guard of grid_a's community cannot record or probe grid_b's resident by internal id; their own code works."""
    import datetime as dt

    from django.utils import timezone

    from shaodian.checkpoints import services as checkpoints
    from shaodian.checkpoints.models import Scan

    checkpoints._scope_cache.clear()
    gate = checkpoints.checkpoint_create(actor=users["staff_a"], place=users["grid_a"].node, name="甲网格北口", kind="road")
    resident = ctx["resident"]
    unknown = Resident.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    at = (timezone.now() - dt.timedelta(minutes=1)).isoformat()
    people = [resident.pk, str(resident.pk), unknown, checkpoints.identity_token(resident), resident.id_number]
    items = [{"client_id": f"iso-{i}", "person": p, "checkpoint": gate.pk, "at": at, "direction": "in"}
             for i, p in enumerate(people)]
    for username in ("grid_a", "guard_a"):
        api = api_as(username)
        response = api.post("/api/v1/scans/batch", json.dumps({"scans": items}), content_type="application/json")
        assert_clean(response, ctx, f"scans by {username}")
        results = response.json()["results"]
        by_id, by_text, by_unknown = ({k: v for k, v in r.items() if k != "client_id"} for r in results[:3])
        assert by_id == by_text == by_unknown and by_id["code"] == "unknown_person", results
        if username == "grid_a":
            assert [r["status"] for r in results[3:]] == ["accepted", "accepted"], results
        verdict = api.post(f"/api/v1/checkpoints/{gate.pk}/verify", json.dumps({"code": resident.id_number}),
                           content_type="application/json")
        assert_clean(verdict, ctx, f"verify by ID number as {username}")
        assert verdict.json()["resident_id"] is None
    assert not Scan.objects.filter(client_id__in=["iso-0", "iso-1", "iso-2"]).exists()
    assert set(Scan.objects.filter(client_id__in=["iso-3", "iso-4"]).values_list("resident_id", flat=True)) == {resident.pk}


def test_a_complaint_export_from_grid_as_community_holds_nothing_of_grid_b(client_as, ctx):
    """The .xlsx of complaints: grid_b's anonymous report and a named one by the same resident stay out."""
    from shaodian.complaints import intake

    named, _code = intake.complaint_file(channel="web", text="买不到降压药", place_id=ctx["resident"].grid_id,
                                         category="supply_shortage", reporter_name=ctx["resident"].name,
                                         reporter_phone=ctx["resident"].phone)
    response = client_as("staff_a").get("/complaints/export.xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    text = body_text(response)
    assert_clean(response, ctx, "/complaints/export.xlsx")
    assert ctx["complaint"].number not in text and named.number not in text

"""The task pages and API: my tasks in two taps, dispatch refused outside the list, overview, whistles, workforce."""

import datetime as dt

from django.utils import timezone

from shaodian.security.models import AuditLog
from shaodian.tasks import services, whistles
from shaodian.tasks.models import Department, Kind, Status, Task


def a_task(users, who="grid_a", **kw):
    args = {"kind": Kind.FOLLOW_UP, "node": users[who].node, "title": "随访返乡人员", "source": "test",
            "source_id": kw.pop("sid", "1"), "assignee": users[who], "due_at": timezone.now() + dt.timedelta(hours=3)}
    args.update(kw)
    return services.task_for_system(**args)


def test_my_tasks_acknowledge_then_complete(client_as, users):
    t = a_task(users)
    c = client_as("grid_a")
    page = c.get("/tasks/mine/")
    assert page.status_code == 200 and "随访返乡人员" in page.content.decode()
    assert c.post("/tasks/mine/", {"task": t.pk, "action": "acknowledge"}).status_code == 302
    r = c.post("/tasks/mine/", {"task": t.pk, "action": "complete", "note": "", "client_id": "w-1"})
    assert r.status_code == 422 and "请填写办理情况" in r.content.decode()
    assert c.post("/tasks/mine/", {"task": t.pk, "action": "complete", "note": "已电话随访",
                                   "client_id": "w-1"}).status_code == 302
    assert Task.objects.get(pk=t.pk).status == Status.DONE
    assert AuditLog.objects.filter(object_type="task", action="list", actor=users["grid_a"]).exists()


def test_someone_elses_task_is_not_found_from_the_page(client_as, users):
    t = a_task(users)
    r = client_as("grid_b").post("/tasks/mine/", {"task": t.pk, "action": "acknowledge"})
    assert r.status_code == 422 and Task.objects.get(pk=t.pk).status == Status.OPEN
    assert client_as("grid_b").get(f"/tasks/{t.pk}/").status_code == 404


def test_dispatch_page_refuses_a_kind_outside_the_list_then_files_an_exception(client_as, users):
    services.admission_list_set(actor=users["street_a"], community=users["staff_a"].node, name="名苑社区准入清单",
                                kinds=[Kind.VISIT])
    c = client_as("street_a")
    assert c.get("/tasks/new/").status_code == 200
    due = timezone.localtime(timezone.now() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    form = {"kind": "publicity", "node": users["grid_a"].node_id, "title": "张贴告示", "due_at": due,
            "assignee": users["grid_a"].pk}
    r = c.post("/tasks/new/", form)
    assert r.status_code == 422 and "名苑社区准入清单" in r.content.decode()
    r = c.post("/tasks/new/", {**form, "exception_reason": "区指挥部统一部署"})
    assert r.status_code == 302
    assert Task.objects.get(title="张贴告示").exception_reason == "区指挥部统一部署"
    page = client_as("commander").get("/tasks/overview/").content.decode()
    assert "区指挥部统一部署" in page


def test_admission_page_keeps_a_list(client_as, users):
    c = client_as("staff_a")
    r = c.post("/tasks/admission/", {"community": users["staff_a"].node_id, "name": "名苑清单",
                                     "kinds": ["visit", "disinfection"]})
    assert r.status_code == 302
    assert "名苑清单" in c.get("/tasks/admission/").content.decode()
    assert c.post("/tasks/admission/", {"community": users["staff_a"].node_id, "name": "x",
                                        "kinds": ["bogus"]}).status_code == 422


def test_overview_counts_overdue_upward(client_as, users):
    a_task(users, due_at=timezone.now() - dt.timedelta(hours=1), sid="late")
    page = client_as("street_a").get("/tasks/overview/").content.decode()
    assert "随访返乡人员" in page
    assert "随访返乡人员" not in client_as("staff_a").get("/tasks/overview/").content.decode().split("<h2")[0]


def test_whistle_pages(client_as, users):
    d = Department(name="区城管执法局", kind="urban_management", answer_hours=4)
    d.locate_at(users["commander"].node)
    d.save()
    d.members.add(users["cdc"])
    c = client_as("staff_a")
    r = c.post("/tasks/whistles/", {"department": d.pk, "category": "sanitation", "need": "垃圾清运跟不上"})
    assert r.status_code == 302
    w = whistles.Whistle.objects.get()
    assert client_as("cdc").post(f"/tasks/whistles/{w.pk}/", {"action": "answer", "note": "今晚加派两车"}).status_code == 302
    c = client_as("staff_a")  # one test client: each client_as logs it in as someone else
    assert "今晚加派两车" in c.get(f"/tasks/whistles/{w.pk}/").content.decode()
    assert c.post("/tasks/whistles/", {"department": d.pk, "category": "sanitation", "need": ""}).status_code == 422
    assert client_as("grid_b").get(f"/tasks/whistles/{w.pk}/").status_code == 404
    assert client_as("cdc").post("/tasks/whistles/", {"department": d.pk, "category": "other", "need": "x"}).status_code == 403


def test_workforce_page_reassigns_in_one_action(client_as, users):
    a_task(users, sid="1"), a_task(users, sid="2")
    c = client_as("staff_a")
    page = c.get("/tasks/workforce/")
    assert page.status_code == 200 and "网格员甲" in page.content.decode()
    r = c.post("/tasks/workforce/", {"action": "reassign", "worker": users["grid_a"].pk,
                                     "to_worker": users["volunteer_a"].pk})
    assert r.status_code == 302 and "moved=2" in r["Location"]
    assert Task.objects.filter(assignee=users["volunteer_a"]).count() == 2
    r = c.post("/tasks/workforce/", {"action": "shift", "worker": users["grid_a"].pk, "start": "2026-11-02T08:00",
                                     "end": "2026-11-02T07:00"})
    assert r.status_code == 422
    assert client_as("grid_a").get("/tasks/workforce/").status_code == 403


def test_home_lists_the_volunteers_tasks(client_as, users):
    a_task(users, who="volunteer_a", title="为独居老人送药")
    page = client_as("volunteer_a").get("/").content.decode()
    assert 'id="h-tasks"' in page and "为独居老人送药" in page


def test_api_lists_acknowledges_and_completes_once(api_as, users):
    t = a_task(users)
    c = api_as("grid_a")
    items = c.get("/api/v1/tasks/mine").json()["items"]
    assert [i["id"] for i in items] == [t.pk]
    assert c.post(f"/api/v1/tasks/{t.pk}/acknowledge").json()["status"] == "acknowledged"
    body = {"note": "已随访", "client_id": "phone-7"}
    first = c.post(f"/api/v1/tasks/{t.pk}/complete", body, content_type="application/json")
    again = c.post(f"/api/v1/tasks/{t.pk}/complete", body, content_type="application/json")
    assert first.status_code == again.status_code == 200 and again.json()["status"] == "done"
    other = api_as("grid_b").post(f"/api/v1/tasks/{t.pk}/complete", body, content_type="application/json")
    assert other.status_code == 404
    bad = c.post(f"/api/v1/tasks/{t.pk}/complete", {"note": "x" * 1001, "client_id": "p"},
                 content_type="application/json")
    assert bad.status_code == 422

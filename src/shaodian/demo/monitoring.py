"""The health monitoring story of the demo city (all through the services): three people of grid_a's grid under
monitoring — one with a fever reported through her own link, one whose report went missing and whose grid worker
called — a risk area, and a returnee list with its follow-up tasks, an arrival from the risk area, an unmatched
row and a malformed ID number."""

import datetime as dt

from django.utils import timezone

from shaodian.monitoring import alerts, reports, returnees, services
from shaodian.people.selectors import residents_for
from shaodian.security.models import User

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _u(name: str) -> User:
    return User.objects.select_related("node").get(username=name)


def _at(day: dt.date, hour: int) -> str:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI).isoformat()


def build_monitoring_story(rng, now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    today = timezone.localdate(now)
    staff, grid = _u("staff_a"), _u("grid_a")
    people = list(residents_for(grid).filter(health_flags__isnull=True).order_by("pk")[:40])
    fever, missed, contact, *others = rng.sample(people, min(len(people), 8))
    a = services.monitoring_start(actor=staff, resident_id=fever.pk, reason="home_quarantine", days=14,
                                  note="居家隔离，每日健康打卡", today=today - dt.timedelta(days=3))
    b = services.monitoring_start(actor=staff, resident_id=missed.pk, reason="key_person", days=7,
                                  today=today - dt.timedelta(days=2))
    c = services.monitoring_start(actor=staff, resident_id=contact.pk, reason="close_contact", days=14, today=today)
    # The grid worker's calls of the first days, then today's fever through the person's own link.
    reports.reports_ingest(actor=grid, now=now, items=[
        {"client_id": f"demo-{a.pk}-1", "monitoring": a.pk, "at": _at(today - dt.timedelta(days=2), 8), "temperature": 36.5},
        {"client_id": f"demo-{a.pk}-2", "monitoring": a.pk, "at": _at(today - dt.timedelta(days=1), 8), "temperature": 36.8},
        {"client_id": f"demo-{b.pk}-0", "monitoring": b.pk, "at": _at(today - dt.timedelta(days=2), 9), "temperature": 36.4},
    ])
    raw = services.link_issue(actor=grid, monitoring_id=a.pk, now=now)
    services.self_report(raw=raw, client_id=f"demo-{a.pk}-self", temperature=38.2, symptoms=["cough"], now=now)
    services.link_issue(actor=grid, monitoring_id=c.pk, now=now)
    # Yesterday's report of the key person never came: the job raises it; the grid worker calls.
    alerts.alerts_scan(now)
    services.call_log(actor=grid, monitoring_id=b.pk, reached=False, note="电话无人接听", now=now - dt.timedelta(hours=2))
    services.call_log(actor=grid, monitoring_id=b.pk, reached=True, note="已联系本人，体温正常，提醒每日按时打卡",
                      now=now - dt.timedelta(hours=1))
    alerts.alert_tasks_make()
    # A risk area and a list of arrivals from upstream.
    services.risk_area_add(actor=staff, name="滨江省临川市", level="high", valid_from=today - dt.timedelta(days=10),
                           valid_to=today + dt.timedelta(days=4))
    rows = ["姓名,身份证号,手机号,来源地区,抵达日期,车牌号"]
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    for i, r in enumerate(others[:3]):
        by_phone = i == 2 and r.phone
        rows.append(f"{r.name},{'' if by_phone else r.id_number},{r.phone if by_phone else ''},"
                    f"{'滨江省临川市' if i == 0 else '云岭省南州市'},{yesterday},{'滨A·3K512' if i == 0 else ''}")
    rows.append(f"林某某,{_unknown_id()},13700000000,滨江省临川市,{yesterday},")
    rows.append(f"郑某,11010519800101123,,云岭省南州市,{yesterday},")  # seventeen digits: reported, not guessed
    lst = returnees.returnee_import(actor=staff, filename="来返人员名单.csv", title="区防控办来返人员名单（第3批）",
                                   content="\n".join(rows).encode("utf-8"), follow_up_days=1, now=now)
    return {"monitoring": [a.pk, b.pk, c.pk], "returnee_list": lst.pk}


def _unknown_id() -> str:
    """A well-formed ID number that belongs to nobody in the city."""
    from shaodian.people.idcard import check_char

    first17 = "53010219900315771"
    return first17 + check_char(first17)

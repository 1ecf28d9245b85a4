"""The complaints story of the demo city: every state, an anonymous report, a reopened one, a late one escalated,
an over-blocking review with its evidence and outcome, and an Open311 client's key (all through the services)."""

import datetime as dt

from django.utils import timezone

from shaodian.complaints import intake, reviews, services
from shaodian.complaints.models import Open311Key
from shaodian.complaints.open311 import key_hash
from shaodian.places.models import Place, PlaceKind
from shaodian.security.models import User

DEMO_OPEN311_KEY = "haitang-demo-open311"  # the demo's only Open311 client (a city app), printed in the README


def _u(name: str) -> User:
    return User.objects.select_related("node").get(username=name)


def build_complaints_story(rng, now=None) -> dict:
    now = now or timezone.now()
    staff, street = _u("staff_a"), _u("street_a")
    community = Place.objects.get(pk=staff.node_id)
    grid = Place.objects.filter(parent=community, kind=PlaceKind.GRID).order_by("code").first() or community
    other = Place.objects.filter(kind=PlaceKind.COMMUNITY).exclude(pk=community.pk).order_by("code").first()
    ago = lambda days, hours=0: now - dt.timedelta(days=days, hours=hours)  # noqa: E731

    def file(text, category, days, place=grid, **kw):
        return intake.complaint_file(channel=kw.pop("channel", "web"), text=text, place_id=place.pk,
                                     category=category, now=ago(days), **kw)

    def act(c, action, days, note="", actor=street):
        return services.complaint_act(actor=actor, complaint_id=c.pk, action=action, note=note, now=ago(days))

    file("请问本周核酸检测点在哪里，几点开始", "information", 0)  # new
    c, _ = file("团购的米面三天没送到，楼里好几户断粮", "supply_shortage", 1, reporter_phone="13800000001")
    act(c, "assign", 1)  # assigned
    c, _ = file("卡口工作人员对送货司机态度很凶", "staff_conduct", 1, anonymous=True, reporter_name="匿名居民",
                reporter_phone="13800000002")
    act(c, "assign", 1), act(c, "start", 1, "已约谈卡口负责人，正在核实")  # in progress, anonymous
    c, code = file("小区侧门被铁链锁死，只留一个门", "over_blocking", 5, reporter_name="周敏", reporter_phone="13800000003")
    act(c, "assign", 5), act(c, "start", 5, "已到现场核实"), act(c, "resolve", 4, "铁链已拆除，侧门改为有人值守")
    services.complaint_reporter_act(number=c.number, code=code, action="feedback", satisfied=True, now=ago(4))
    c, code = file("外地车辆一律不准进小区，送药车也被拦", "soft_restriction", 6, reporter_phone="13800000004")
    act(c, "assign", 6), act(c, "start", 6, "已转交物业整改")
    act(c, "close_unresolved", 5, "物业拒绝整改，已移交街道执法")
    services.complaint_reporter_act(number=c.number, code=code, action="feedback", satisfied=False, now=ago(5))
    c, code = file("楼道消防门被木板钉死", "fire_lane", 3, reporter_phone="13800000005")
    act(c, "assign", 3), act(c, "start", 3, "消防已到场"), act(c, "resolve", 3, "木板已拆除")
    services.complaint_reporter_act(number=c.number, code=code, action="reopen", note="第二天又被钉上了", now=ago(2))
    late, _ = file("社区图书室什么时候重新开放", "information", 3, place=other or grid)
    services.complaints_escalate(now=ago(1))  # nobody answered within 24 h: up one level
    for day in (4, 3, 2):  # three days of "cannot reach medical care" from one community
        file("老人透析要去医院，小区大门锁着出不去", "medical_access", day, reporter_phone=f"1390000000{day}")
    opened = reviews.reviews_detect(now=ago(1, 20))
    for review in opened:
        if review.rule == "medical_days":
            reviews.review_decide(actor=_u("supervisor"), review_id=review.pk, outcome="corrected",
                                  reason="大门改为有人值守并保留就医通道，透析病人凭通行证出入", now=ago(1))
    Open311Key.objects.get_or_create(key_hash=key_hash(DEMO_OPEN311_KEY), defaults={"name": "海棠市民通"})
    file("消防通道被隔离栏挡住（市民通上报）", "fire_lane", 0, channel="open311", latitude=None)
    return {"late": late.number, "reviews": len(opened)}

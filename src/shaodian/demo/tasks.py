"""The tasks story of the demo city: an admission list with a refused task and a filed exception, overdue work,
a late whistle that went one level up and an answered one, an overloaded grid worker, a secondment with its gap,
and volunteer_a with tasks from the community's medicine group (all through the services)."""

import datetime as dt

from django.utils import timezone

from shaodian.errors import ServiceError
from shaodian.places.models import Place
from shaodian.security.models import User
from shaodian.tasks import services, whistles, workforce
from shaodian.tasks.models import Department, Kind, Team

ACCEPTED = [Kind.DISINFECTION, Kind.GATE, Kind.GUARD_POST, Kind.SCREENING, Kind.VISIT, Kind.CODE_SCAN,
            Kind.TEMPERATURE, Kind.TESTING, Kind.DELIVERY, Kind.MEDICAL_ESCORT, Kind.COMMUNITY_HELP, Kind.FOLLOW_UP,
            Kind.ALERT]


def _u(name: str) -> User:
    return User.objects.select_related("node").get(username=name)


def _department(name, kind, node, hours, *members) -> Department:
    d = Department(name=name, kind=kind, answer_hours=hours)
    d.locate_at(node)
    d.save()
    d.members.add(*members)
    return d


def build_tasks_story(rng, now=None) -> dict:
    now = now or timezone.now()
    grid_a, staff, street, commander = _u("grid_a"), _u("staff_a"), _u("street_a"), _u("commander")
    volunteer, cdc = _u("volunteer_a"), _u("cdc")
    community = Place.objects.get(pk=staff.node_id)
    street_node, district = Place.objects.get(pk=street.node_id), Place.objects.get(pk=commander.node_id)
    ago = lambda hours: now - dt.timedelta(hours=hours)  # noqa: E731

    listed = services.admission_list_set(actor=street, community=community, name=f"{community.name}准入清单",
                                         kinds=ACCEPTED, now=ago(72))

    def send(actor, kind, title, due_in, hours_ago, **kw):
        kw.setdefault("assignee", grid_a)
        kw.setdefault("node", grid_a.node)
        return services.task_dispatch(actor=actor, kind=kind, title=title, now=ago(hours_ago),
                                      due_at=ago(hours_ago) + dt.timedelta(hours=due_in), **kw)

    # 准入清单: a street office's survey is refused; the district's notice goes through as a filed exception.
    try:
        send(street, Kind.INFORMATION_REPORT, "填报辖区商户经营情况统计表", 24, 30)
    except ServiceError:
        pass
    send(street, Kind.PUBLICITY, "张贴疫苗接种动员告示", 48, 28, node=community, assignee=None,
         exception_reason="区指挥部统一部署，限本周内完成，已报街道备案")
    send(street, Kind.DISINFECTION, "3 号楼楼道及电梯消杀", 6, 20)  # overdue: shows upward
    send(street, Kind.GATE, "东门夜间值守排班", 30, 4)
    done = send(staff, Kind.TEMPERATURE, "社区食堂入口体温测量", 4, 26)
    services.task_complete(actor=grid_a, task_id=done.pk, note="已完成，测温 212 人，无异常", now=ago(23))
    services.tasks_escalate_overdue(now=ago(1))

    # Volunteers and residents' groups get tasks too.
    group = Team(name="药品保障组", kind="residents")
    group.locate_at(community)
    group.save()
    group.members.add(volunteer)
    send(staff, Kind.MEDICAL_ESCORT, "为 5 户独居老人代购降压药", 8, 2, assignee=None, team=group, node=community)
    send(staff, Kind.DELIVERY, "2 号楼团购蔬菜分发到户", 5, 1, assignee=volunteer, node=community)
    ack = send(staff, Kind.COMMUNITY_HELP, "陪同透析病人往返区医院", 10, 3, assignee=volunteer, node=community)
    services.task_acknowledge(actor=volunteer, task_id=ack.pk, now=ago(2))

    # 吹哨报到: the street's urban management team did not answer in time and the whistle went up to the district.
    urban = _department(f"{street_node.name}城管执法队", "urban_management", street_node, 2, street)
    health = _department("区卫生健康委", "health", district, 4, cdc)
    _department("区公安分局", "police", district, 2, commander)
    _department("区民政局", "civil_affairs", district, 24)
    _department("区市场监管局", "market_supervision", district, 24)
    late = whistles.whistle_raise(actor=staff, department_id=urban.pk, category="sanitation",
                                  need="小区垃圾清运两天未到，集中点满溢，请城管协调清运", now=ago(7))
    whistles.whistles_escalate(now=ago(4))
    answered = whistles.whistle_raise(actor=staff, department_id=health.pk, category="medical",
                                      need="两名居民发热，需要上门采样和转运安排", now=ago(5))
    whistles.whistle_act(actor=cdc, whistle_id=answered.pk, action="answer", note="采样队 1 小时内到场，转运车已派",
                         now=ago(4))

    # An overloaded grid worker: eight days in a row, one of them fourteen hours (白加黑、5加2).
    for day in range(8):
        start = (now - dt.timedelta(days=day)).replace(hour=0, minute=30, second=0, microsecond=0)  # 08:30 local
        workforce.shift_record(actor=staff, worker=grid_a, start=start,
                               end=start + dt.timedelta(hours=14 if day == 1 else 10))
    workforce.training_add(actor=staff, worker=volunteer, title="消杀作业与个人防护培训",
                           passed_on=(now - dt.timedelta(days=20)).date(), valid_until=(now + dt.timedelta(days=345)).date())
    workforce.secondment_add(actor=staff, worker=grid_a, from_unit="区税务局（下沉干部）",
                             starts_on=(now - dt.timedelta(days=30)).date(), ends_on=(now + dt.timedelta(days=10)).date())
    workforce.commendation_give(actor=staff, worker=volunteer, title="抗疫优秀志愿者",
                                reason="连续两周为独居老人代购药品、陪同就医", now=now)
    return {"admission_list": listed.pk, "late_whistle": late.pk}

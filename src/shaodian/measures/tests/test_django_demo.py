"""The demo story: a sealed building with evidence, a vote passed, a fire lane refused, a gate held, an expiry."""

import pytest
from django.utils import timezone

from shaodian.measures import selectors, services
from shaodian.measures.models import Measure
from shaodian.security.models import AuditLog

pytestmark = pytest.mark.django_db


def test_it_tells_the_whole_story(users, measures_story):
    ids = measures_story(3)
    assert set(ids) == {"expired", "sealed", "gated", "voted"}
    status = dict(Measure.objects.filter(pk__in=ids.values()).values_list("pk", "status"))
    assert status[ids["expired"]] == "expired" and status[ids["sealed"]] == "in_force"
    assert status[ids["gated"]] == "in_force" and status[ids["voted"]] == "notice_published"
    sealed = services.state_of(Measure.objects.get(pk=ids["sealed"]))
    assert any("确诊" in line for line in sealed.evaluation.risk_evidence) and sealed.vote.passed
    assert services.state_of(Measure.objects.get(pk=ids["voted"])).vote.passed
    gated_log = [e.action for e in services.state_of(Measure.objects.get(pk=ids["gated"])).log]
    assert gated_log.count("record_gate") == 2  # held once, passed after the carer was named
    register = {(i["state"], i["area"]) for i in selectors.register_items(timezone.now())}
    name = {k: Measure.objects.get(pk=pk).area_name for k, pk in ids.items()}
    # The community measure announced for the day after tomorrow is public before it starts.
    assert register == {("in_force", name["sealed"]), ("in_force", name["gated"]), ("announced", name["voted"])}
    [denied] = AuditLog.objects.filter(object_type="closure", action="denied")
    assert denied.detail["codes"] == ["negative_list.fire_lane"]

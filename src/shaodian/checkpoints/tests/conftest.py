"""Fixtures of the scan-ingest tests: a guard's API client, the community's gates and one of its residents."""


import pytest

from shaodian.checkpoints import services
from shaodian.checkpoints.models import Scan
from shaodian.people.models import Resident
from shaodian.places.models import Place


@pytest.fixture(autouse=True)
def fresh_scope():
    # Checkpoint ids are cached per user for 30 s; rolled-back ids must not leak into the next test.
    services._scope_cache.clear()
    yield
    services._scope_cache.clear()


@pytest.fixture
def added():
    """How many scans were stored since the test began (the demo city has its own)."""
    before = Scan.objects.count()
    return lambda: Scan.objects.count() - before


@pytest.fixture
def community(users):
    return Place.objects.get(pk=users["staff_a"].node_id)


@pytest.fixture
def gate(users, community):
    return services.checkpoint_create(actor=users["staff_a"], place=community, name="东门", kind="community_gate")


@pytest.fixture
def market(users, community):
    return services.checkpoint_create(actor=users["staff_a"], place=community, name="菜市场", kind="market")


@pytest.fixture
def far(users):
    """A checkpoint in grid_b's grid, in the other community: outside guard_a's jurisdiction."""
    return services.checkpoint_create(actor=users["admin"], place=users["grid_b"].node, name="西门", kind="community_gate")


@pytest.fixture
def lane(users):
    """A checkpoint inside grid_a's grid: every role that scans in community A may scan there."""
    return services.checkpoint_create(actor=users["staff_a"], place=users["grid_a"].node, name="小区北口", kind="road")


@pytest.fixture
def resident(community):
    return Resident.objects.filter(community_id=community.pk).order_by("pk").first()


@pytest.fixture
def guard(api_as):
    return api_as("guard_a")

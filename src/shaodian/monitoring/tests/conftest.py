import pytest


@pytest.fixture
def person(users):
    """A resident of grid_a."""
    from shaodian.testing.factories import BuildingFactory, HouseholdFactory, ResidentFactory, UnitFactory

    unit = UnitFactory(building=BuildingFactory(grid=users["grid_a"].node))
    return ResidentFactory(household=HouseholdFactory(unit=unit), name="王监测")


@pytest.fixture
def period(users, person):
    """`period(days_ago, days)`: person under home quarantine since `days_ago` days, for `days` days."""
    import datetime as dt

    from django.utils import timezone

    from shaodian.tracing.models import Monitoring

    def make(days_ago: int = 2, days: int = 14, resident=None):
        start = timezone.localdate() - dt.timedelta(days=days_ago)
        return Monitoring.objects.create(resident=resident or person, reason="home_quarantine", starts_on=start,
                                         ends_on=start + dt.timedelta(days=days - 1))

    return make

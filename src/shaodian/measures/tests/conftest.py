import pytest
from freezegun import freeze_time


@pytest.fixture
def clock():
    """A frozen clock at the demo's 'now' that tests move forward (the lifecycle refuses backdating)."""
    from django.urls import get_resolver
    from django.utils import timezone

    # Load the URLconf (and the API schemas) first: pydantic cannot build a schema for freezegun's datetime.
    get_resolver().url_patterns  # noqa: B018
    import shaodian.api  # noqa: F401

    with freeze_time(timezone.now(), tick=False) as frozen:
        yield frozen

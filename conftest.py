"""Shared fixtures: the small fixture city (shaodian.testing.city) built once per test session.

Nothing here imports Django at module level, so the pure cores' tests run without it:
`python -m pytest src/shaodian/tracing/tests/test_engine.py -p no:django` (tests/test_pure_cores.py).
The demo is imported only inside `measures_story`; the browser, WAL and crash tests serve a demo city
of their own through tests/serving.py (`demo_site`), as `./run demo` shows it.
"""

import pytest


def pytest_configure(config):
    if not config.pluginmanager.has_plugin("django"):
        return
    from django.conf import settings

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)  # the SQLite test database lives there


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from shaodian.testing import city

    with django_db_blocker.unblock():
        city.build()


@pytest.fixture
def measures_story(users):
    """The demo's measures story played on the fixture city: `measures_story(seed)` returns its measures' ids."""
    import random

    from shaodian.demo.measures import build_measures_story
    from shaodian.testing.city import story_ground

    def play(seed: int) -> dict:
        story_ground()
        return build_measures_story(random.Random(seed))

    return play


@pytest.fixture
def users(db):
    from shaodian.security.models import User

    return {u.username: u for u in User.objects.select_related("node")}


@pytest.fixture
def client_as(client, users):
    """A test client logged in as one of the fixture city's users."""

    def login(username):
        client.force_login(users[username])
        return client

    return login


@pytest.fixture
def api_as(client, users):
    """A test client that sends a bearer token of one of the fixture city's users."""
    from shaodian.security.models import ApiToken

    def make(username):
        _, raw = ApiToken.issue(users[username], name="test")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
        return client

    return make

"""Shared fixtures: one small demo city per test session (two communities, four grids, every role)."""

import pytest

from shaodian.demo import city as demo

CITY_RESIDENTS = 800


def pytest_configure(config):
    from django.conf import settings

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)  # the SQLite test database lives there


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        # Measures tests set up their own measures; the story's would be in their way.
        demo.build_city(residents=CITY_RESIDENTS, seed=7, with_measures=False)


@pytest.fixture
def users(db):
    from shaodian.security.models import User

    return {u.username: u for u in User.objects.select_related("node")}


@pytest.fixture
def client_as(client, users):
    """A test client logged in as one of the demo users."""

    def login(username):
        client.force_login(users[username])
        return client

    return login


@pytest.fixture
def api_as(client, users):
    """A test client that sends a bearer token of one of the demo users."""
    from shaodian.security.models import ApiToken

    def make(username):
        _, raw = ApiToken.issue(users[username], name="test")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
        return client

    return make

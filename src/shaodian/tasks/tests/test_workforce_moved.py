"""The workforce page says how many tasks a reassignment passed on, read from its address through a form."""

import pytest

pytestmark = pytest.mark.django_db


def test_it_says_how_many_tasks_were_passed_on(client_as):
    page = client_as("staff_a").get("/tasks/workforce/", {"moved": "2"}).content.decode()
    assert "2 项" in page and 'class="messages"' in page


@pytest.mark.parametrize("moved", ["abc", "²", "-1", "9" * 30, "9" * 5_000_000])
def test_a_count_that_is_not_one_says_nothing(client_as, moved):
    r = client_as("staff_a").get("/tasks/workforce/", {"moved": moved})
    assert r.status_code == 200 and 'class="messages"' not in r.content.decode()

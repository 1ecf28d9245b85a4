"""A page that raises `NotFound` answers the 404 page, a 403 `ServiceError` the 403 page, as the API does."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from shaodian.core.middleware import RefusalPageMiddleware
from shaodian.errors import Msg, NotFound, ServiceError


def _answer(exc):
    request = RequestFactory().get("/anything/")
    return RefusalPageMiddleware(lambda r: HttpResponse()).process_exception(request, exc)


@pytest.mark.django_db
def test_it_turns_not_found_into_the_404_page():
    res = _answer(NotFound())
    assert res.status_code == 404
    assert "未找到，或不在您的管辖范围内" in res.content.decode()


@pytest.mark.django_db
def test_it_turns_a_forbidden_service_error_into_the_403_page_with_its_reason():
    res = _answer(ServiceError({"general": [Msg("仅街道可撤销", "Only a street may withdraw", "level")]}, 403))
    page = res.content.decode()
    assert res.status_code == 403 and "仅街道可撤销" in page
    assert _answer(ServiceError.forbidden()).status_code == 403


def test_it_leaves_other_errors_to_the_view():
    assert _answer(ServiceError.one("name", "必填", "Required")) is None
    assert _answer(ValueError("boom")) is None


@pytest.mark.django_db
def test_a_page_out_of_the_jurisdiction_is_the_404_page(client_as):
    res = client_as("grid_a").get("/checkpoints/passes/999999999/")
    assert res.status_code == 404 and "未找到" in res.content.decode()

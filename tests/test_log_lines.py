"""What the server prints: a refused request is one line in the log, a server error keeps its traceback."""

import io
import logging
import sys

import pytest
from django.http import HttpResponse
from django.utils.log import log_response

pytestmark = pytest.mark.django_db


@pytest.fixture
def console():
    """The configured console handler, writing into a buffer for the test."""
    handler = next(h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler)
    buffer = io.StringIO()
    old = handler.setStream(buffer)
    yield buffer
    handler.setStream(old)


def test_it_logs_a_403_as_one_line_without_a_traceback(client_as, console):
    # A volunteer may not browse the tree: the view raises PermissionDenied.
    response = client_as("volunteer_a").get("/places/")
    assert response.status_code == 403
    lines = console.getvalue().splitlines()
    assert lines == ["Forbidden (Permission denied): /places/"], console.getvalue()


def test_a_server_error_still_logs_its_traceback(console):
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        log_response("Internal Server Error: %s", "/x/", response=HttpResponse(status=500), exception=sys.exc_info())
    assert "Traceback" in console.getvalue() and "RuntimeError: boom" in console.getvalue()

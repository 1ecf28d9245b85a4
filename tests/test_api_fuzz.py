"""Fuzz the API from its own OpenAPI document (schemathesis, in-process over WSGI), as a low and a high role.

No answer may be a server error, and every answer must have a documented status, content type and
body. Examples are bounded so the whole API is covered in a couple of minutes per database; the
suite runs it on SQLite and, when SHAODIAN_DATABASE_URL points at one, on PostgreSQL.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from shaodian.security.models import ApiToken

EXAMPLES = 4  # per route, each sent as both roles: ~45 routes


@pytest.fixture(autouse=True)
def one_connection(db):
    """As Django's test client does: the test's transaction must outlive each request to the WSGI app."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(users):
    """A grid worker (the narrowest jurisdiction) and the district commander (the widest)."""
    return {role: ApiToken.issue(users[role], name="fuzz")[1] for role in ("grid_a", "commander")}


def _load_schema():
    """The document exactly as served (the view touches no database), bound to the WSGI app the fuzzer calls."""
    from shaodian.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


schema = _load_schema()
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_the_api_never_fails_and_answers_as_documented(case, tokens):
    if case.path == "/api/v1/auth/token" and case.method == "DELETE":
        return  # revoking would log the fuzzing role out for the rest of the run; tests/test_token_revoke.py covers it
    for raw in tokens.values():
        case.call_and_validate(headers={"Authorization": f"Bearer {raw}"}, checks=CHECKS)

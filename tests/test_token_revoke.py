"""Revoking a bearer token: the header is read by the one parser that authenticates requests."""

import pytest

from shaodian.security.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER"])
def test_it_revokes_a_token_sent_with_a_lowercase_scheme(client, users, scheme):
    _, raw = ApiToken.issue(users["grid_a"], name="phone")
    header = {"HTTP_AUTHORIZATION": f"{scheme} {raw}"}
    assert client.get("/api/v1/checkpoints", **header).status_code == 200
    assert client.delete("/api/v1/auth/token", **header).status_code == 204
    assert client.get("/api/v1/checkpoints", **header).status_code == 401
    assert ApiToken.objects.get(key_hash=ApiToken.digest(raw)).revoked


def test_a_session_cannot_revoke_tokens(client_as):
    r = client_as("grid_a").delete("/api/v1/auth/token")
    assert r.status_code == 400 and r.json()["msg_zh"]


def test_a_revoked_token_cannot_revoke_another(client, users):
    _, first = ApiToken.issue(users["grid_a"], name="one")
    _, second = ApiToken.issue(users["grid_a"], name="two")
    client.delete("/api/v1/auth/token", HTTP_AUTHORIZATION=f"Bearer {first}")
    assert client.delete("/api/v1/auth/token", HTTP_AUTHORIZATION=f"Bearer {first}").status_code == 401
    assert client.get("/api/v1/checkpoints", HTTP_AUTHORIZATION=f"Bearer {second}").status_code == 200

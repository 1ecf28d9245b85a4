"""Repeated wrong passwords lock the account (pages and API alike); the right one then fails too."""

import json

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_the_login_page_locks_after_repeated_failures(client):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        r = client.post("/login/", {"username": "grid_b", "password": "wrong-password"})
        assert r.status_code == 200
    r = client.post("/login/", {"username": "grid_b", "password": "wrong-password"})
    assert r.status_code == 403
    r = client.post("/login/", {"username": "grid_b", "password": "shaodian-demo"})
    assert r.status_code == 403 and "锁定" in r.content.decode()


def test_the_token_endpoint_locks_too(client):
    body = {"username": "street_a", "password": "wrong"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/v1/auth/token", json.dumps(body), content_type="application/json")
    r = client.post("/api/v1/auth/token", json.dumps(body | {"password": "shaodian-demo"}), content_type="application/json")
    assert r.status_code == 403 and r.json()["msg_en"]


def test_a_good_login_works_and_sets_safe_headers(client):
    r = client.post("/login/", {"username": "staff_a", "password": "shaodian-demo"})
    assert r.status_code == 302
    r = client.get("/")
    assert r.status_code == 200
    csp = r["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "http" not in csp
    assert r["X-Frame-Options"] == "DENY" and r["X-Content-Type-Options"] == "nosniff"


def test_passwords_are_hashed_with_argon2(users):
    assert users["grid_a"].password.startswith("argon2")


def test_login_forms_need_csrf(users):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/login/", {"username": "staff_a", "password": "shaodian-demo"}).status_code == 403

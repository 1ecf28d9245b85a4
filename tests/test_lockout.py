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


def test_a_user_can_still_log_in_from_their_usual_device_while_an_attacker_is_locked_out(users):
    from django.test import Client

    usual = Client(HTTP_USER_AGENT="Mozilla/5.0 (desk)")
    assert usual.post("/login/", {"username": "legal", "password": "shaodian-demo"}).status_code == 302
    assert usual.cookies["shaodian_device"].value and "legal" not in usual.cookies["shaodian_device"].value
    usual.post("/logout/")

    # Same browser name, so only the device cookie tells the two apart (as behind one office NAT).
    attacker = Client(HTTP_USER_AGENT="Mozilla/5.0 (desk)")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attacker.post("/login/", {"username": "legal", "password": "guess-guess"})
    assert attacker.post("/login/", {"username": "legal", "password": "shaodian-demo"}).status_code == 403
    assert Client().post("/api/v1/auth/token", {"username": "legal", "password": "shaodian-demo"},
                         content_type="application/json").status_code == 403  # any unknown client: locked

    assert usual.post("/login/", {"username": "legal", "password": "shaodian-demo"}).status_code == 302
    r = usual.post("/api/v1/auth/token", {"username": "legal", "password": "shaodian-demo"}, content_type="application/json")
    assert r.status_code == 200
    # The owner's success does not unlock the attacker.
    assert attacker.post("/login/", {"username": "legal", "password": "shaodian-demo"}).status_code == 403


def test_a_known_device_gets_only_its_own_few_tries(users):
    from django.test import Client

    device = Client()
    assert device.post("/login/", {"username": "cdc", "password": "shaodian-demo"}).status_code == 302
    device.post("/logout/")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        device.post("/login/", {"username": "cdc", "password": "guess-guess"})
    assert device.post("/login/", {"username": "cdc", "password": "shaodian-demo"}).status_code == 403


def test_a_device_cookie_of_another_user_does_not_help(users):
    from django.test import Client

    device = Client()
    assert device.post("/login/", {"username": "supply", "password": "shaodian-demo"}).status_code == 302
    device.post("/logout/")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post("/login/", {"username": "street_a", "password": "guess-guess"})
    assert device.post("/login/", {"username": "street_a", "password": "shaodian-demo"}).status_code == 403

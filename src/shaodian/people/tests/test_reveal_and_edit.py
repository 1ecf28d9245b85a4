"""Full numbers appear only in a reveal's response body; the edit form never carries the stored phone."""

import pytest

from shaodian.people.models import Resident
from shaodian.security.crypto import mask_phone
from shaodian.security.models import AuditLog

pytestmark = pytest.mark.django_db


def _resident(users, who="grid_a"):
    return Resident.objects.filter(grid_id=users["grid_a"].node_id).exclude(phone_hash="").order_by("id").first()


def test_reveal_without_htmx_puts_no_id_number_in_a_cookie(client_as, users):
    r = _resident(users)
    client = client_as("staff_a")
    response = client.post(f"/residents/{r.pk}/reveal/", {"field": "id_number", "purpose": "核对身份"})
    assert response.status_code == 200
    assert r.id_number in response.content.decode()  # shown in the page itself
    for morsel in response.cookies.values():
        assert r.id_number not in morsel.value and r.id_number[-6:] not in morsel.value
    assert "messages" not in response.cookies
    assert r.id_number not in response.get("Location", "")
    assert response["Cache-Control"] == "no-store"
    # The next page shows nothing of it either.
    assert r.id_number not in client.get(f"/residents/{r.pk}/").content.decode()
    assert AuditLog.objects.filter(action="reveal", object_id=str(r.pk), detail={"field": "id_number"}).exists()


def test_a_refused_reveal_without_htmx_explains_in_the_page(client_as, users):
    r = _resident(users)
    response = client_as("staff_a").post(f"/residents/{r.pk}/reveal/", {"field": "id_number", "purpose": ""})
    assert response.status_code == 422 and "事由" in response.content.decode()
    assert "messages" not in response.cookies and r.id_number not in response.content.decode()


def test_the_edit_form_shows_the_phone_masked_only(client_as, users):
    r = _resident(users)
    page = client_as("grid_a").get(f"/residents/{r.pk}/edit/").content.decode()
    assert r.phone not in page and mask_phone(r.phone) in page
    assert not AuditLog.objects.filter(action="reveal", object_id=str(r.pk)).exists()


def test_saving_the_edit_form_with_an_empty_or_masked_phone_keeps_it(client_as, users):
    r = _resident(users)
    client = client_as("grid_a")
    for typed in ("", mask_phone(r.phone)):
        response = client.post(f"/residents/{r.pk}/edit/", {"form": "person", "name": "改名测试", "phone": typed, "tags": ["chronic"]})
        assert response.status_code == 302
        fresh = Resident.objects.get(pk=r.pk)
        assert fresh.phone == r.phone and fresh.name == "改名测试" and fresh.tag_list == ["chronic"]


def test_replacing_or_removing_the_phone_needs_no_reveal(client_as, users):
    r = _resident(users)
    client = client_as("grid_a")
    assert client.post(f"/residents/{r.pk}/edit/", {"form": "person", "name": r.name, "phone": "13811112222"}).status_code == 302
    assert Resident.objects.get(pk=r.pk).phone == "13811112222"
    assert client.post(f"/residents/{r.pk}/edit/", {"form": "person", "name": r.name, "clear_phone": "1"}).status_code == 302
    assert Resident.objects.get(pk=r.pk).phone == ""
    bad = client.post(f"/residents/{r.pk}/edit/", {"form": "person", "name": "张\u202e三", "phone": ""})
    assert bad.status_code == 422 and "U+202E" in bad.content.decode()
    care = client.post(f"/residents/{r.pk}/edit/", {"form": "care", "group": "insulin", "carer_name": "张;三"})
    assert care.status_code == 422

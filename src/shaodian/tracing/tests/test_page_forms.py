"""Bad input on the tracing pages is a message, never a 500, and changes nothing."""

import pytest

from shaodian.tracing.models import Case, Contact

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("resident_id", ["", "abc", "1.0", "99999999999999999999999"])
def test_a_case_with_a_bad_resident_number_is_a_form_error(client_as, resident_id):
    before = Case.objects.count()
    r = client_as("cdc").post("/tracing/", {"resident_id": resident_id, "kind": "confirmed", "test_date": "2026-01-01"})
    assert r.status_code == 422 and "errorlist" in r.content.decode()
    assert Case.objects.count() == before


def test_a_case_of_an_unknown_kind_is_a_form_error(client_as, scene):
    before = Case.objects.count()
    r = client_as("cdc").post("/tracing/", {"resident_id": scene["people"][5].pk, "kind": "rumour"})
    assert r.status_code == 422 and "errorlist" in r.content.decode()
    assert Case.objects.count() == before


def test_a_search_with_words_for_minutes_is_a_form_error(client_as, scene):
    case = scene["case"]
    r = client_as("cdc").post(f"/tracing/cases/{case.pk}/", {"window_minutes": "半小时"})
    assert r.status_code == 422 and "errorlist" in r.content.decode()
    assert not Contact.objects.filter(case=case).exists()


def test_a_decision_that_is_neither_is_a_message_and_no_change(client_as, scene):
    case = scene["case"]
    contact = Contact.objects.create(case=case, resident=scene["people"][1], reason="colocation", minutes=20)
    r = client_as("cdc").post(f"/tracing/contacts/{contact.pk}/decide/", {"decision": "maybe", "case": case.pk},
                              follow=True)
    assert r.status_code == 200 and r.redirect_chain[-1][0].startswith(f"/tracing/cases/{case.pk}/")
    assert "有效" in r.content.decode()  # Django's own "Select a valid choice", in Chinese
    contact.refresh_from_db()
    assert contact.status == "proposed"


@pytest.mark.parametrize("given, shown", [("42", 'value="42"'), ("abc", 'value=""'), ("9" * 30, 'value=""'),
                                          ("1" * 5_000_000, 'value=""')])
def test_the_case_form_is_filled_in_only_with_a_resident_number(client_as, given, shown):
    r = client_as("cdc").get("/tracing/", {"resident": given})
    assert r.status_code == 200 and shown in r.content.decode()


def test_the_case_page_carries_only_valid_filters_on_in_its_links(client_as, scene):
    case = scene["case"]
    Contact.objects.create(case=case, resident=scene["people"][1], reason="colocation", minutes=20)
    huge = "x" * 5_000_000
    r = client_as("cdc").get(f"/tracing/cases/{case.pk}/", {"status": huge, "sort": "recent", "page": "abc",
                                                             "day": "2026-02-30"})
    html = r.content.decode()
    # The value is not quoted back (nor carried on in 50 links); only the language switch returns to the address.
    assert r.status_code == 200 and html.count(huge) <= 1 and "此项过长。" in html
    assert 'name="back" value="sort=recent"' in html
    r = client_as("cdc").get(f"/tracing/cases/{case.pk}/", {"status": "proposed", "page": "1"})
    assert 'name="back" value="status=proposed"' in r.content.decode()

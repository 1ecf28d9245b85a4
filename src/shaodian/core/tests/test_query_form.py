"""QueryForm: a page's filters from its address fall back to their defaults and are carried on only when valid."""

from django import forms
from django.http import QueryDict

from shaodian.core.forms import QUERY_VALUE_MAX, QueryForm


class Filters(QueryForm):
    status = forms.ChoiceField(required=False, choices=[("open", "open"), ("closed", "closed")], initial="open")
    page = forms.IntegerField(required=False, min_value=1)
    day = forms.DateField(required=False)


def test_it_gives_the_defaults_for_an_empty_address():
    assert Filters(QueryDict("")).filters() == {"status": "open", "page": None, "day": None}
    assert Filters().filters()["status"] == "open"


def test_a_bad_value_falls_back_and_leaves_the_others_alone():
    form = Filters(QueryDict("status=rumour&page=2&day=2026-02-30"))
    assert form.filters() == {"status": "open", "page": 2, "day": None}
    assert set(form.errors) == {"status", "day"}


def test_an_overlong_value_is_dropped_before_a_field_quotes_it():
    form = Filters(QueryDict("status=" + "x" * (QUERY_VALUE_MAX + 1)))
    assert form.filters()["status"] == "open"
    assert "x" * 50 not in str(form.errors["status"])


def test_links_carry_only_valid_values_that_differ_from_the_default():
    assert Filters(QueryDict("status=open&page=abc&day=2026-03-01")).query() == "day=2026-03-01"
    assert Filters(QueryDict("status=closed&page=3")).query(without=("page",)) == "status=closed"

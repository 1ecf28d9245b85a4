"""Open311 GeoReport v2 with a client nobody here wrote: the `georeport` package from PyPI reads our services
and requests through its own URL building and JSON parsing. It has no call that files a request, so the POST
uses `requests` (the HTTP library georeport itself uses) with the specification's example parameters.
Both go through an in-process transport adapter that hands each prepared request to Django's test client."""

import io
import urllib.parse

import pytest
import requests
from georeport import GeoReport

from shaodian.complaints.models import Complaint, Open311Key
from shaodian.complaints.open311 import key_hash
from shaodian.complaints.tests.factories import make_town

ROOT = "http://testserver/open311/v2"


class DjangoAdapter(requests.adapters.BaseAdapter):
    def __init__(self, client):
        super().__init__()
        self.client = client

    def send(self, request, **kwargs):
        url = urllib.parse.urlsplit(request.url)
        path = url.path + (f"?{url.query}" if url.query else "")
        if request.method == "POST":
            answer = self.client.generic("POST", path, request.body or b"",
                                         content_type=request.headers.get("Content-Type", ""))
        else:
            answer = self.client.get(path)
        response = requests.Response()
        response.status_code, response.url, response.request = answer.status_code, request.url, request
        response.raw = io.BytesIO(answer.content)
        response.headers.update({k: v for k, v in answer.items()})
        response.encoding = "utf-8"
        return response

    def close(self):
        pass


@pytest.fixture
def http(client, monkeypatch):
    original = requests.Session.__init__

    def init(session, *a, **kw):
        original(session, *a, **kw)
        session.mount("http://testserver", DjangoAdapter(client))

    monkeypatch.setattr(requests.Session, "__init__", init)


@pytest.fixture
def town(db):
    return make_town()


@pytest.fixture
def key(db):
    Open311Key.objects.create(name="city app", key_hash=key_hash("k-123"))
    return "k-123"


def post(**data):
    return requests.post(f"{ROOT}/requests.json", data=data)


def test_a_city_app_files_and_follows_a_request(http, town, key):
    geo = GeoReport(ROOT)
    services = geo.get_service_list()
    assert "fire_lane" in {s["service_code"] for s in services}
    r = post(api_key=key, service_code="fire_lane", address_id=town.east.code, lat="31.23", long="121.47",
             description="消防通道被铁栅栏挡住", first_name="张", last_name="三", phone="13600004444")
    assert r.status_code == 201, r.text
    number = r.json()[0]["service_request_id"]
    c = Complaint.objects.get(number=number)
    assert c.channel == "open311" and c.community_id == town.east.pk and not c.anonymous
    one = geo.get_service_request(number)
    assert one["status"] == "open" and one["service_code"] == "fire_lane" and one["address_id"] == town.east.code
    listed = geo.get_service_requests(service_code="fire_lane", status="open")
    assert number in {x["service_request_id"] for x in listed}
    text = str(listed) + str(one)
    assert "13600004444" not in text and "张" not in text  # no personal data in public answers
    assert geo.get_service_requests(status="closed") == [] or number not in {
        x["service_request_id"] for x in geo.get_service_requests(status="closed")}


def test_bad_requests_get_clear_answers_and_save_nothing(http, town, key):
    before = Complaint.objects.count()
    assert post(service_code="fire_lane", address_id=town.east.code, description="x").status_code == 403
    assert post(api_key="wrong", service_code="fire_lane", address_id=town.east.code).status_code == 403
    bad_code = post(api_key=key, service_code="potholes", address_id=town.east.code, description="x")
    assert bad_code.status_code == 400 and bad_code.json()[0]["description"] == "unknown service_code"
    assert post(api_key=key, service_code="other", lat="91", long="10", description="x").status_code == 400
    assert post(api_key=key, service_code="other", lat="31.2", long="121.4", description="x").status_code == 400
    assert post(api_key=key, service_code="other", address_id=town.east.code, description=" ").status_code == 400
    assert Complaint.objects.count() == before
    assert requests.get(f"{ROOT}/requests.json", params={"service_code": "nope"}).status_code == 400
    assert requests.get(f"{ROOT}/requests.json", params={"start_date": "yesterday"}).status_code == 400
    assert requests.get(f"{ROOT}/requests/000.json").status_code == 404


def test_a_located_request_finds_its_community_by_boundary(http, town, key):
    town.east.boundary = {"type": "Polygon", "coordinates": [[[121.0, 31.0], [121.1, 31.0], [121.1, 31.1],
                                                             [121.0, 31.1], [121.0, 31.0]]]}
    town.east.save(update_fields=["boundary"])
    r = post(api_key=key, service_code="supply_shortage", lat="31.05", long="121.05", description="买不到菜")
    assert r.status_code == 201, r.text
    assert Complaint.objects.get(number=r.json()[0]["service_request_id"]).community_id == town.east.pk


def test_an_anonymous_open311_report_stays_anonymous(http, town, key):
    r = post(api_key=key, service_code="staff_conduct", address_id=town.east.code, description="卡口人员骂人")
    assert Complaint.objects.get(number=r.json()[0]["service_request_id"]).anonymous

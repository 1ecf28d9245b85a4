"""The complaint pages in Chinese: the resident's form without an account, tracking, the operator's form, the
detail page with its actions, anonymity on the page, KPIs and reviews; HTML typed in is shown escaped."""

import io

import pytest
from PIL import Image

from shaodian.complaints.models import Complaint
from shaodian.complaints.tests.factories import make_town


@pytest.fixture
def town(db):
    return make_town()


def jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (3000, 2000), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    return out.getvalue()


def report(client, town, **extra):
    data = {"place": town.east.pk, "text": "小区大门被焊死，老人要去医院出不去 <script>alert(1)</script>",
            "reporter_name": "李雷", "reporter_phone": "13700003333"}
    data.update(extra)
    return client.post("/public/report/", data)


def test_a_resident_reports_without_an_account_and_follows_it(client, town):
    page = client.get("/public/report/").content.decode()
    assert "反映问题" in page and "匿名" in page
    photo = io.BytesIO(jpeg_with_gps())
    photo.name = "p.jpg"
    r = report(client, town, photo=photo)
    assert r.status_code == 200, r.content.decode()[:2000]
    c = Complaint.objects.latest("pk")
    body = r.content.decode()
    assert c.number in body and "查询码" in body
    assert c.suggested_category and c.channel == "web"
    with Image.open(io.BytesIO(bytes(c.photo))) as img:
        assert max(img.size) <= 1280 and not img.getexif()
    assert b"PhoneMaker" not in bytes(c.photo)
    code = r.context["code"]
    assert code not in client.get(f"/public/track/?number={c.number}").content.decode()
    tracked = client.post("/public/track/", {"number": c.number, "code": code}).content.decode()
    assert "&lt;script&gt;" in tracked and "<script>alert" not in tracked
    assert "李雷" not in tracked


def test_a_non_image_upload_is_refused_and_nothing_is_saved(client, town):
    before = Complaint.objects.count()
    fake = io.BytesIO(b"MZ this is not a picture")
    fake.name = "x.jpg"
    r = report(client, town, photo=fake)
    assert r.status_code == 422 and "JPEG" in r.content.decode()
    assert Complaint.objects.count() == before


def test_a_wrong_code_is_not_found(client, town):
    report(client, town)
    c = Complaint.objects.latest("pk")
    r = client.post("/public/track/", {"number": c.number, "code": "AAAAAAAA", "action": "feedback",
                                       "satisfied": "yes"})
    assert r.status_code in (403, 404) and "查询码不正确" in r.content.decode()


def test_the_operator_gets_a_suggestion_then_files(client, town):
    client.force_login(town.users["east_staff"])
    data = {"channel": "hotline", "place": town.east_grid.pk, "text": "消防通道被隔离栏和水马堵死了"}
    r = client.post("/complaints/new/", {**data, "step": "suggest"})
    assert r.status_code == 200 and "消防通道" in r.content.decode() and r.context["suggested"] == "fire_lane"
    r = client.post("/complaints/new/", {**data, "category": "fire_lane", "step": "file"})
    assert r.status_code == 302
    c = Complaint.objects.latest("pk")
    assert c.channel == "hotline" and c.filed_by == town.users["east_staff"]
    page = client.get(r["Location"]).content.decode()
    assert "查询码" in page and "消防通道或安全出口被堵" in page


def test_staff_filing_on_behalf_must_give_the_reason(client, town):
    client.force_login(town.users["east_staff"])
    r = client.post("/complaints/new/", {"channel": "staff", "place": town.east_grid.pk, "text": "买不到菜",
                                         "category": "supply_shortage", "step": "file"})
    assert r.status_code == 422 and "代为登记" in r.content.decode()


def test_the_detail_page_hides_an_anonymous_reporter_from_community_staff(client, town):
    report(client, town, anonymous="on")
    c = Complaint.objects.latest("pk")
    client.force_login(town.users["east_staff"])
    page = client.get(f"/complaints/{c.pk}/").content.decode()
    assert "李雷" not in page and "13700003333" not in page and "匿名" in page
    assert "&lt;script&gt;" in page
    client.force_login(town.users["street"])
    assert "李雷" not in client.get(f"/complaints/{c.pk}/").content.decode()
    assert "李雷" in client.post(f"/complaints/{c.pk}/", {"reveal": "1"}).content.decode()


def test_a_handler_walks_it_on_the_page(client, town):
    report(client, town)
    c = Complaint.objects.latest("pk")
    client.force_login(town.users["street"])
    url = f"/complaints/{c.pk}/"
    assert client.post(url, {"action": "assign", "category": "over_blocking"}).status_code == 302
    r = client.post(url, {"action": "resolve", "note": "x"})
    assert r.status_code == 409 and "当前状态下不能执行此操作" in r.content.decode()
    assert client.post(url, {"action": "start", "note": "已到现场"}).status_code == 302
    assert client.post(url, {"action": "close_unresolved", "note": "物业拒不拆除，已移交执法"}).status_code == 302
    c.refresh_from_db()
    assert c.status == "closed_unresolved" and c.answer.startswith("物业")


def test_list_kpi_and_reviews_pages_render_in_chinese(client, town):
    report(client, town)
    client.force_login(town.users["district"])
    for url, words in (("/complaints/", "诉求"), ("/complaints/kpi/", "办结率"), ("/complaints/reviews/", "过度封堵")):
        r = client.get(url)
        assert r.status_code == 200 and words in r.content.decode(), url


def test_roles_without_the_right_are_refused(client, town):
    client.force_login(town.users["volunteer"])
    assert client.get("/complaints/").status_code == 403
    assert client.get("/complaints/new/").status_code == 403


def test_the_routing_page_shows_the_table_and_a_district_changes_it(client, town):
    client.force_login(town.users["east_staff"])
    page = client.get("/complaints/routing/").content.decode()
    assert "分派规则" in page and "街道卫生健康办" in page and "保存分派规则" not in page
    client.force_login(town.users["district"])
    r = client.post("/complaints/routing/", {"category": "rumour", "level": "street", "body": "街道宣传办"})
    assert r.status_code == 302
    assert "街道宣传办" in client.get("/complaints/routing/").content.decode()
    assert client.post("/complaints/routing/", {"category": "x", "level": "street", "body": "y"}).status_code == 422

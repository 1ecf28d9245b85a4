"""The round page carries what its script needs to work offline (as JSON, no inline script), and one service worker
script is served at the guard's, the field's and the round's addresses, each allowed over its own pages only."""

import json
import re

import pytest

from shaodian.delivery import rounds
from shaodian.delivery.tests.helpers import building_of

pytestmark = pytest.mark.django_db


def test_it_serves_one_worker_at_each_offline_pages_address(client):
    bodies = {}
    for url, scope in (("/checkpoints/sw.js", "/checkpoints/"), ("/screening/sw.js", "/screening/field/"),
                       ("/delivery/sw.js", "/delivery/rounds/")):
        res = client.get(url)
        assert res.status_code == 200 and res["Content-Type"].startswith("text/javascript")
        assert res["Service-Worker-Allowed"] == scope and res["Cache-Control"] == "no-cache"
        bodies[url] = res.content
        assert f'"{url}": {{ cache: "sd-' in res.content.decode()  # the address picks its page and cache
    assert len(set(bodies.values())) == 1


def test_the_round_page_carries_its_offline_config_and_no_inline_script(users, client_as):
    r = rounds.round_create(actor=users["grid_a"], building_id=building_of(users["grid_a"]).pk,
                            volunteer_id=users["volunteer_a"].pk)
    page = client_as("volunteer_a").get(f"/delivery/rounds/{r.pk}/").content.decode()
    config = json.loads(re.search(r'<script id="round-config" type="application/json">(.*?)</script>', page, re.S)[1])
    assert config["round"] == r.pk and config["sw"] == "/delivery/sw.js" and config["scope"] == "/delivery/rounds/"
    assert config["api"].replace("{round}", str(r.pk)) == f"/api/v1/delivery/rounds/{r.pk}/taps"
    assert config["text"]["offline"] == "离线" and config["text"]["reason"] == "请写明未送达的原因"
    assert "delivery/round.js" in page and "web/offline.js" in page
    assert page.index("web/offline.js") < page.index("delivery/round.js")  # the round's script uses the shared one
    assert "<script>" not in page  # the CSP forbids inline scripts
    assert 'id="r-queue"' in page and 'class="card round-close"' in page
    assert "hx-trigger" not in page  # no polling badge to fail offline

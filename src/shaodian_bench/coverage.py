"""The city-wide coverage view of a campaign over every household: p95 of the page against the bare aggregate SQL.

    shaodian bench coverage [--residents 1000000] [--requests 60] [--database-url URL]

Uses the campaign the `campaign` benchmark leaves (starts one if there is none) and marks about 40 % of its
households reached, as a campaign under way (setup, not timed: tasks and the per-grid counters agree, as the
visit transaction keeps them). Ours: GET /screening/campaigns/<id>/ as a city-level commander (coverage per
district, summed from the per-grid counters) and the same through GET /api/v1/campaigns/<id>/coverage.
The baseline: the aggregate a plain implementation would run, visited/total per district over the tasks.
"""

import sys
import time

from shaodian_bench import _support

NAME = "coverage"
MODULE = "shaodian_bench.coverage"
TARGET_MS = 200.0
REACHED_SHARE = 0.4


def _options(argv):
    p = _support.parser(NAME, __doc__.splitlines()[0])
    p.add_argument("--residents", type=int, default=1_000_000)
    p.add_argument("--requests", type=int, default=60)
    return p.parse_args(argv)


def main(argv: list[str]) -> int:
    opts = _options(argv)
    url = opts.database_url or _support.sqlite_url(f"city-{opts.residents}-s{opts.seed}.sqlite3")
    return _support.relaunch(MODULE, argv, url)


def _campaign(user):
    import datetime as dt

    from django.db import connection, transaction
    from django.utils import timezone

    from shaodian.screening import services
    from shaodian.screening.models import Campaign, CampaignStatus

    campaign = Campaign.objects.filter(place=user.node, status=CampaignStatus.RUNNING).order_by("-id").first()
    if campaign is None:
        campaign = services.campaign_start(actor=user, place_id=user.node_id, name="全市排查", purpose="基准测试",
                                           deadline=timezone.now() + dt.timedelta(days=3))
    modulus = round(1 / REACHED_SHARE * 2)  # 5: ids ending 0 or 1 of every 5 → 40 %
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE screening_visittask SET status = CASE WHEN household_id %% %s < 2 THEN 'reached' "
                    "ELSE 'pending' END, attempts = CASE WHEN household_id %% %s < 2 THEN 1 ELSE 0 END "
                    "WHERE campaign_id = %s", [modulus, modulus, campaign.pk])
        cur.execute("UPDATE screening_coverage SET reached = (SELECT COUNT(*) FROM screening_visittask t "
                    "WHERE t.campaign_id = screening_coverage.campaign_id AND t.grid_id = screening_coverage.grid_id "
                    "AND t.status = 'reached') WHERE campaign_id = %s", [campaign.pk])
    return campaign


BASELINE_SQL = ("SELECT district_id, COUNT(*), SUM(CASE WHEN status = 'reached' THEN 1 ELSE 0 END) "
                "FROM screening_visittask WHERE campaign_id = %s GROUP BY district_id")


def run(opts) -> int:
    from django.db import connection
    from django.test import Client

    from shaodian_bench.campaign import city_commander

    _support.ensure_city(opts.residents, opts.seed)
    user = city_commander()
    campaign = _campaign(user)
    client = Client()
    client.force_login(user)
    page_url, api_url = f"/screening/campaigns/{campaign.pk}/", f"/api/v1/campaigns/{campaign.pk}/coverage"

    def timed_get(url) -> tuple[float, object]:
        t = time.perf_counter()
        response = client.get(url)
        ms = (time.perf_counter() - t) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url}: status {response.status_code}")
        return ms, response

    def bare() -> tuple[float, list]:
        t = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(BASELINE_SQL, [campaign.pk])
            rows = cur.fetchall()
        return (time.perf_counter() - t) * 1000, rows

    for _ in range(3):  # warm
        timed_get(page_url), timed_get(api_url), bare()
    _ms, api = timed_get(api_url)
    _ms, rows = bare()
    body = api.json()
    # The counters and the tasks agree: the page shows what the aggregate finds.
    if body["total"] != sum(r[1] for r in rows) or body["reached"] != sum(r[2] for r in rows):
        raise SystemExit(f"counters disagree with the tasks: {body['reached']}/{body['total']} vs "
                         f"{sum(r[2] for r in rows)}/{sum(r[1] for r in rows)}")
    ours_page, ours_api, base = [], [], []
    for _ in range(opts.requests):
        ours_page.append(timed_get(page_url)[0])
        ours_api.append(timed_get(api_url)[0])
        base.append(bare()[0])
    pct = _support.percentile
    print(f"campaign {campaign.pk}: {body['reached']:,}/{body['total']:,} households reached ({body['percent']} %), "
          f"{len(body['children'])} districts")
    print(f"page p50 {pct(ours_page, 50):.1f} ms p95 {pct(ours_page, 95):.1f} ms; api p50 {pct(ours_api, 50):.1f} ms "
          f"p95 {pct(ours_api, 95):.1f} ms; bare aggregate p50 {pct(base, 50):.1f} ms p95 {pct(base, 95):.1f} ms")
    p95 = pct(ours_page, 95)
    print(f"target p95 ≤ {TARGET_MS:.0f} ms: {'met' if p95 <= TARGET_MS else 'MISSED'}")
    print(f"{NAME}: ours {p95:.1f} ms, baseline {pct(base, 95):.1f} ms, ratio {p95 / pct(base, 95):.2f}")
    return 0


if __name__ == "__main__":
    print("database:", _support.setup_django())
    sys.exit(run(_options(sys.argv[1:])))

"""Import of a residents sheet: excel.residents_import against a bare openpyxl read + executemany INSERT.

    shaodian bench import [--rows 100000] [--city 2000] [--database-url URL]

A small demo city is built first (its grids are the sheet's grid codes), then a deterministic
sheet in the template's format is imported twice: the first run creates every resident, the
second must find them all unchanged. The baseline reads the same file with openpyxl (read-only)
and inserts the same rows, plain (no validation, hashing, encryption or households), into a
scratch table shaped and indexed like people_resident, in one transaction.
Each run starts from a fresh database: on PostgreSQL give it a database of its own.
"""

import datetime as dt
import random
import re
import sys
import time
import zipfile
from pathlib import Path

from shaodian_bench import _support

NAME = "import"
MODULE = "shaodian_bench.import"
SCRATCH = "bench_resident_plain"
TARGET_S = 30.0


def _options(argv):
    p = _support.parser(NAME, __doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--city", type=int, default=2_000, help="residents of the demo city built first")
    return p.parse_args(argv)


def main(argv: list[str]) -> int:
    opts = _options(argv)
    return _support.relaunch(MODULE, argv, opts.database_url or _support.sqlite_url("import.sqlite3"))


def write_sheet(path: Path, rows: int, grid_codes: list[str], seed: int) -> None:
    """A deterministic sheet in the import template's format: valid numbers, real grid codes."""
    from openpyxl import Workbook

    from shaodian.demo import city as demo
    from shaodian.people import excel, idcard

    rng = random.Random(seed)
    regions = idcard.current_region_codes()
    tags = ("独居老人", "透析", "孕妇", "残疾人", "慢性病", "胰岛素依赖", "低保")
    start, span = dt.date(1930, 1, 1).toordinal(), (dt.date(2020, 12, 31) - dt.date(1930, 1, 1)).days
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("居民")
    ws.append([c.header for c in excel.COLUMNS])
    used: set[str] = set()
    # Buildings are numbered on across grids: when the sheet outgrows the city and comes back to its first
    # grid, the new rows are new households, not a second family at an address the sheet already filled.
    grid_i, building, unit, floor, room = 0, 1, 1, 1, 1
    written = 0
    while written < rows:
        # One household: 1–5 people at the next room; a grid gets a run of buildings, then the next grid.
        size = min(rows - written, rng.choices((1, 2, 3, 4, 5), weights=(18, 30, 27, 17, 8))[0])
        for _ in range(size):
            while True:
                birth = dt.date.fromordinal(start + rng.randint(0, span))
                first17 = f"{rng.choice(regions)}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
                number = first17 + idcard.check_char(first17)
                if number not in used:
                    used.add(number)
                    break
            surname = rng.choices(demo.SURNAMES, weights=demo.SURNAME_WEIGHTS)[0]
            name = surname + rng.choice(demo.GIVEN) + (rng.choice(demo.GIVEN) if rng.random() < 0.75 else "")
            phone = rng.choice(("13", "15", "17", "18", "19")) + f"{rng.randint(0, 999_999_999):09d}" if rng.random() < 0.85 else ""
            ws.append([
                name, rng.choice(("居民身份证", "身份证", "")), number, phone, "", "", grid_codes[grid_i],
                f"{building}栋", f"{unit}单元", f"{floor}{room:02d}", rng.choice(("自住", "自住", "自住", "租户", "业主")),
                "、".join(rng.sample(tags, 2)) if rng.random() < 0.02 else (rng.choice(tags) if rng.random() < 0.08 else ""),
                "是",  # 新建楼栋: the bench's buildings are new
            ])
            written += 1
        room += 1
        if room > 4:
            room, floor = 1, floor + 1
        if floor > 18:
            floor, unit = 1, unit + 1
        if unit > 3:
            unit, building = 1, building + 1
            if building % 6 == 1:
                grid_i = (grid_i + 1) % len(grid_codes)
    tmp = path.with_suffix(".tmp")
    wb.save(tmp)
    _add_dimension(tmp, path, f"A1:L{rows + 1}")
    tmp.unlink()


def _add_dimension(src: Path, dst: Path, ref: str) -> None:
    """Excel and WPS state the used range up front; openpyxl's write-only sheets do not, and without
    it a read-only load parses the whole sheet once more just to size it."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetViews>", f'<dimension ref="{ref}" /><sheetViews>'.encode(), 1)
            zout.writestr(item, data)


def _scratch_table() -> list[str]:
    """A plain copy of people_resident's shape and indexes (no foreign keys, no encryption)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
        if connection.vendor == "postgresql":
            cur.execute(f"CREATE TABLE {SCRATCH} (LIKE people_resident INCLUDING ALL)")
        else:
            cur.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'people_resident'")
            ddl = cur.fetchone()[0]
            ddl = re.sub(r'\s*REFERENCES "\w+" \("\w+"\)( DEFERRABLE INITIALLY DEFERRED)?', "", ddl)
            cur.execute(ddl.replace('"people_resident"', f'"{SCRATCH}"', 1))
            cur.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'people_resident' AND sql IS NOT NULL")
            for (sql,) in cur.fetchall():
                sql = re.sub(r'INDEX "(\w+)"', r'INDEX "bench_\1"', sql).replace('ON "people_resident"', f'ON "{SCRATCH}"')
                cur.execute(sql)
        indexes = connection.introspection.get_constraints(cur, SCRATCH)
    return sorted(k for k, v in indexes.items() if v["index"] or v["unique"])


def baseline(path: Path) -> tuple[float, int, float]:
    """Read the sheet with bare openpyxl and INSERT its rows plainly; seconds, rows and seconds inserting."""
    from django.db import connection, transaction
    from openpyxl import load_workbook

    from shaodian.people import excel
    from shaodian.people.models import Resident
    from shaodian.places.models import Household, Place, PlaceKind

    grids = {g.code: g for g in Place.objects.filter(kind=PlaceKind.GRID)}
    a_household = {}
    for grid_id, pk in Household.objects.order_by("-id").values_list("grid_id", "id"):
        a_household[grid_id] = pk
    fields = [f for f in Resident._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    # Columns this sheet does not fill (added since) get what the ORM would give them.
    defaults = {f.column: None if f.null else f.get_default() for f in fields}
    mark = "?" if connection.vendor == "sqlite" else "%s"
    insert = f"INSERT INTO {SCRATCH} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
    now = connection.ops.adapt_datetimefield_value(dt.datetime.now(dt.UTC))
    docs = excel.DOCUMENT_TYPES
    started = time.perf_counter()
    wb = load_workbook(path, read_only=True, data_only=True)
    rows = wb.worksheets[0].iter_rows(values_only=True)
    at = {h: i for i, h in enumerate(next(rows))}
    c = [at[excel.HEADER_OF[k]] for k in ("name", "document_type", "id_number", "phone", "grid_code", "tags")]
    n, inserting = 0, 0.0
    with transaction.atomic():
        connection.ensure_connection()
        cur = connection.connection.cursor()
        batch = []
        for raw in rows:
            name, doc, number, phone, code, tags = (raw[i] for i in c)
            phone = phone or ""
            g = grids[code]
            values = {
                "name": name, "document_type": docs.get(doc or "居民身份证"), "id_number": number, "id_hash": number,
                "id_tail_hash": number[-4:], "phone": phone, "phone_hash": phone, "phone_tail_hash": phone[-4:],
                "sex": "M" if int(number[16]) % 2 else "F",
                "birth_date": f"{number[6:10]}-{number[10:12]}-{number[12:14]}", "household_id": a_household[g.pk],
                "tags": tags or "", "created_at": now, "updated_at": now, "city_id": g.city_id,
                "district_id": g.district_id, "street_id": g.street_id, "community_id": g.community_id, "grid_id": g.pk,
            }
            batch.append(tuple(values[k] if k in values else defaults[k] for k in columns))
            if len(batch) >= 2000:
                t = time.perf_counter()
                cur.executemany(insert, batch)
                inserting += time.perf_counter() - t
                n += len(batch)
                batch = []
        t = time.perf_counter()
        if batch:
            cur.executemany(insert, batch)
            n += len(batch)
        cur.close()
    inserting += time.perf_counter() - t  # the commit included
    wb.close()
    return time.perf_counter() - started, n, inserting


def run(opts) -> int:
    from shaodian.people import excel
    from shaodian.places.models import Place, PlaceKind
    from shaodian.security.models import User

    _support.ensure_city(opts.city, opts.seed, fresh=True)
    _support.meta_set("city", "changed by the import bench")
    codes = list(Place.objects.filter(kind=PlaceKind.GRID).order_by("code").values_list("code", flat=True))
    path = _support.bench_dir() / f"import-{opts.rows}-s{opts.seed}-{len(codes)}grids-v3.xlsx"
    if path.exists():
        print(f"sheet: reusing {path}")
    else:
        t = time.perf_counter()
        write_sheet(path, opts.rows, codes, opts.seed)
        print(f"sheet: wrote {path} in {time.perf_counter() - t:.1f} s")
    print(f"sheet: {opts.rows:,} rows, {path.stat().st_size / 2**20:.1f} MB, {len(codes)} grids")
    admin = User.objects.get(username="admin")

    timings = []
    for label, expect in (("first run", "created"), ("second run", "unchanged")):
        t, cpu = time.perf_counter(), time.process_time()
        result = excel.residents_import(actor=admin, path=path, filename=path.name)
        timings.append(time.perf_counter() - t)
        cpu = time.process_time() - cpu
        job = result.job
        print(f"ours, {label}: {timings[-1]:.1f} s, this process's CPU {cpu:.1f} s ({job.rows / timings[-1]:,.0f} rows/s): "
              f"rows {job.rows}, created {job.created}, updated {job.updated}, unchanged {job.unchanged}, failed {job.failed}")
        if getattr(job, expect) != opts.rows or job.failed:
            for e in result.errors[:5]:
                print(f"  row {e.row} {e.column}: {e.reason_en}")
            raise SystemExit(f"the {label} should have {expect} all {opts.rows} rows")
    indexes = _scratch_table()
    cpu = time.process_time()
    seconds, n, inserting = baseline(path)
    cpu = time.process_time() - cpu
    print(f"baseline: {n:,} rows read and inserted into {SCRATCH} ({len(indexes)} indexes) in {seconds:.1f} s "
          f"({inserting:.1f} s of it in executemany and commit), this process's CPU {cpu:.1f} s")
    if n != opts.rows:
        raise SystemExit(f"the baseline inserted {n} rows, expected {opts.rows}")
    verdict = "within" if timings[0] <= TARGET_S else "OVER"
    print(f"target: first run {timings[0]:.1f} s, {verdict} the {TARGET_S:.0f} s target")
    print(f"{NAME}: ours {timings[0]:.1f} s, baseline {seconds:.1f} s, ratio {timings[0] / seconds:.1f}")
    return 0


if __name__ == "__main__":
    print("database:", _support.setup_django())
    sys.exit(run(_options(sys.argv[1:])))

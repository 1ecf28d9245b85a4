"""Export of residents to .xlsx: peak memory of the background export job against bare openpyxl.

    shaodian bench export [--residents 1000000] [--actor commander] [--database-url URL]

Each side runs in a fresh process, so its RSS high-water mark (ru_maxrss) is its own. Ours queues
an export of every resident the actor may see and runs it through the outbox as `shaodian worker` does; the baseline writes as many rows of constant values
with a write-only openpyxl workbook, with no database. A third process opens the file made by
ours with openpyxl (read-only) and checks it holds the header and every row.
"""

import collections
import datetime as dt
import os
import shutil
import sys
import tempfile
import threading
import time

from shaodian_bench import _support

NAME = "export"
MODULE = "shaodian_bench.export"
TARGET_MB = 300.0
CONSTANT_ROW = ["张伟", "居民身份证", "110105********123X", "138****0000", "男", dt.date(1980, 1, 1),
                "海棠名苑社区第1网格", "海棠街道海棠名苑3栋1单元501室", "独居老人"]


def _options(argv):
    p = _support.parser(NAME, __doc__.splitlines()[0])
    p.add_argument("--residents", type=int, default=1_000_000, help="size of the demo city")
    p.add_argument("--actor", default="commander", help="demo user who exports (admin: the whole city)")
    p.add_argument("--phase", choices=("run", "ours", "baseline", "verify"), default="run", help="internal: one step, in its own process")
    p.add_argument("--rows", type=int, default=0, help="internal: rows for the baseline and the check")
    p.add_argument("--file", default="", help="internal: where ours leaves the workbook")
    return p.parse_args(argv)


def peak_mb() -> float:
    """This process's own high-water mark of resident memory.

    ru_maxrss also keeps the parent's mark when the child was spawned with vfork (as subprocess does),
    so after a city was built in the parent it reports the builder's memory: VmHWM belongs to our own
    address space alone.
    """
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):
        return _support.peak_rss_mb()


def main(argv: list[str]) -> int:
    opts = _options(argv)
    url = opts.database_url or _support.sqlite_url(f"city-{opts.residents}-s{opts.seed}.sqlite3")
    return _support.relaunch(MODULE, argv, url)


class RssSampler(threading.Thread):
    """Samples this process's resident set every 0.2 s, to show where the memory goes."""

    def __init__(self):
        super().__init__(daemon=True)
        self.samples: list[tuple[float, float]] = []
        self.started_at = time.perf_counter()
        self.done = threading.Event()

    def run(self):
        while not self.done.wait(0.2):
            self.samples.append((time.perf_counter() - self.started_at, _support.current_rss_mb()))

    def summary(self, points: int = 6) -> str:
        self.done.set()
        if not self.samples:
            return "-"
        step = max(1, len(self.samples) // points)
        picked = self.samples[::step][:points] + [self.samples[-1]]
        return ", ".join(f"{t:.0f}s {mb:.0f}" for t, mb in picked)


def phase_ours(opts) -> None:
    print("database:", _support.setup_django())
    from shaodian.core import exports, outbox
    from shaodian.people import export, selectors
    from shaodian.security.models import User

    actor = User.objects.select_related("node").get(username=opts.actor)
    total = selectors.resident_filter(actor).count()
    start_mb = _support.current_rss_mb()
    sampler = RssSampler()
    sampler.start()
    t = time.perf_counter()
    job = export.residents_export_queue(actor=actor, query={}, rows_total=total)
    outbox.work(worker="bench")  # everything due, as `shaodian worker --once` runs it: our job among them
    seconds = time.perf_counter() - t
    peak = peak_mb()
    print(f"RSS over time (MB): {sampler.summary()}")
    job.refresh_from_db()
    if job.status != "done":
        raise SystemExit(f"the export job ended {job.status}: {job.error}")
    size = job.size
    shutil.copyfile(exports.path_of(job), opts.file)
    _support.report({"peak_mb": peak, "start_mb": start_mb, "seconds": seconds, "rows": job.rows_done, "bytes": size,
                     "scope": f"{actor.node.kind} {actor.node.name}"})


def phase_baseline(opts) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    start_mb = _support.current_rss_mb()
    t = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("居民")
    header = []
    for h in ("姓名", "证件类型", "证件号码（脱敏）", "手机号码（脱敏）", "性别", "出生日期", "网格", "住址", "特殊群体"):
        c = WriteOnlyCell(ws, value=h)
        c.font = Font(bold=True)
        header.append(c)
    ws.append(header)
    for _ in range(opts.rows):
        ws.append(CONSTANT_ROW)
    with tempfile.TemporaryFile(dir=_support.bench_dir()) as out:
        wb.save(out)
        size = out.tell()
    _support.report({"peak_mb": peak_mb(), "start_mb": start_mb, "seconds": time.perf_counter() - t,
                     "rows": opts.rows, "bytes": size})


def phase_verify(opts) -> None:
    from openpyxl import load_workbook

    t = time.perf_counter()
    wb = load_workbook(opts.file, read_only=True)
    ws = wb.worksheets[0]
    header, count, last = None, 0, collections.deque(maxlen=2)
    for row in ws.iter_rows(values_only=True):
        if header is None:
            header = row
        count += 1
        last.append(row)
    wb.close()
    print(f"read back in {time.perf_counter() - t:.1f} s: sheet {ws.title!r}, header {header[:3]}…, last rows:")
    for row in last:
        print("   ", row)
    _support.report({"rows": count, "header": list(header or ())})


def run(opts) -> int:
    print("database:", _support.setup_django())
    _support.ensure_city(opts.residents, opts.seed)
    common = ["--residents", str(opts.residents), "--seed", str(opts.seed), "--actor", opts.actor]
    if opts.database_url:
        common += ["--database-url", opts.database_url]
    url = os.environ["SHAODIAN_BENCH_DATABASE_URL"]
    path = _support.bench_dir() / f"export-{opts.residents}-{opts.actor}.xlsx"
    print("ours: the background export job (people.export through the outbox) in a fresh process")
    ours = _support.call(MODULE, [*common, "--phase", "ours", "--file", str(path)], url)
    print(f"ours: {ours['rows']:,} residents of {ours['scope']} in {ours['seconds']:.1f} s, file "
          f"{ours['bytes'] / 2**20:.1f} MB; RSS at start {ours['start_mb']:.0f} MB, peak {ours['peak_mb']:.0f} MB")
    print("baseline: bare openpyxl write-only, constant rows, in a fresh process")
    base = _support.call(MODULE, [*common, "--phase", "baseline", "--rows", str(ours["rows"])], url)
    print(f"baseline: {base['rows']:,} rows in {base['seconds']:.1f} s, file {base['bytes'] / 2**20:.1f} MB; "
          f"RSS at start {base['start_mb']:.0f} MB, peak {base['peak_mb']:.0f} MB")
    check = _support.call(MODULE, [*common, "--phase", "verify", "--file", str(path)], url)
    path.unlink()
    if check["rows"] != ours["rows"] + 1 or check["header"][:1] != ["姓名"]:
        raise SystemExit(f"the file has {check['rows']} rows, expected {ours['rows'] + 1} (header included)")
    print(f"check: the file opens with openpyxl and holds {check['rows']:,} rows = {ours['rows']:,} residents + header")
    verdict = "within" if ours["peak_mb"] <= TARGET_MB else "OVER"
    print(f"target: peak {ours['peak_mb']:.0f} MB, {verdict} the {TARGET_MB:.0f} MB target; time ours "
          f"{ours['seconds']:.1f} s, baseline {base['seconds']:.1f} s")
    print(f"{NAME}: ours {ours['peak_mb']:.0f} MB, baseline {base['peak_mb']:.0f} MB, ratio {ours['peak_mb'] / base['peak_mb']:.2f}")
    return 0


if __name__ == "__main__":
    _opts = _options(sys.argv[1:])
    if _opts.phase == "run":
        sys.exit(run(_opts))
    {"ours": phase_ours, "baseline": phase_baseline, "verify": phase_verify}[_opts.phase](_opts)

"""Plumbing shared by the benchmarks: a database of their own, a cached demo city, child processes.

Django settings read SHAODIAN_DATABASE_URL once, at import; `shaodian bench` has already set
Django up on the default database. So a benchmark's main() only parses its options and re-runs
its module in a child process whose environment names the bench database; the child sets
Django up, proves which database it is on, migrates and does the work.
"""

import argparse
import inspect
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

RESULT_MARK = "@result "


def bench_dir() -> Path:
    path = Path(os.environ.get("SHAODIAN_DATA_DIR", Path.cwd() / "var")) / "bench"
    path.mkdir(parents=True, exist_ok=True)
    return path


def parser(name: str, description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"shaodian bench {name}", description=description)
    p.add_argument("--database-url", help="bench database (default: a SQLite file under $SHAODIAN_DATA_DIR/bench/)")
    p.add_argument("--seed", type=int, default=1)
    return p


def sqlite_url(filename: str) -> str:
    return f"sqlite:///{bench_dir() / filename}"


def child_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "SHAODIAN_DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "shaodian.settings",
        "PYTHONUNBUFFERED": "1",
        "SHAODIAN_BENCH_DATABASE_URL": database_url,
    }


def relaunch(module: str, argv: list[str], database_url: str) -> int:
    """Run `python -m module argv` with the bench database; its output is ours."""
    sys.stdout.flush()
    return subprocess.run([sys.executable, "-m", module, *argv], env=child_env(database_url)).returncode


def call(module: str, argv: list[str], database_url: str) -> dict:
    """Run a measuring phase in a fresh process; echo its lines, return the JSON it reports."""
    sys.stdout.flush()
    proc = subprocess.Popen(
        [sys.executable, "-m", module, *argv], env=child_env(database_url), stdout=subprocess.PIPE, text=True
    )
    result = None
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith(RESULT_MARK):
            result = json.loads(line[len(RESULT_MARK):])
        else:
            sys.stdout.write("  " + line)
    if proc.wait() != 0 or result is None:
        raise SystemExit(f"phase {argv[:2]} of {module} failed (exit {proc.returncode})")
    return result


def report(result: dict) -> None:
    print(RESULT_MARK + json.dumps(result), flush=True)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def current_rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def setup_django() -> str:
    """Set Django up in this (child) process and return a description of the live database."""
    expected = os.environ.get("SHAODIAN_BENCH_DATABASE_URL")
    if not expected or os.environ.get("SHAODIAN_DATABASE_URL") != expected:
        raise SystemExit("run benchmarks through `shaodian bench NAME`: the child needs its bench database")
    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("PRAGMA database_list")
            where = next(row[2] for row in cur.fetchall() if row[1] == "main")
            expected_path = expected.removeprefix("sqlite:///")
            if Path(where).resolve() != Path(expected_path).resolve():
                raise SystemExit(f"connected to {where}, expected {expected_path}")
            cur.execute("select sqlite_version()")
            version = cur.fetchone()[0]
        else:
            cur.execute("select current_database(), current_setting('server_version')")
            where, version = cur.fetchone()
            if where != connection.settings_dict["NAME"]:
                raise SystemExit(f"connected to {where}, expected {connection.settings_dict['NAME']}")
    return f"{connection.vendor} {version} {where}"


def reset_database() -> None:
    """Empty the bench database (SQLite: a new file; PostgreSQL: a new public schema)."""
    from django.db import connection

    if connection.vendor == "sqlite":
        path = Path(connection.settings_dict["NAME"])
        connection.close()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        with connection.cursor() as cur:
            cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    with _cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS bench_meta (k varchar(32) PRIMARY KEY, v varchar(200) NOT NULL)")


def _cursor():
    from django.db import connection

    return connection.cursor()


def meta_get(key: str) -> str | None:
    with _cursor() as cur:
        cur.execute("SELECT v FROM bench_meta WHERE k = %s", [key])
        row = cur.fetchone()
    return row[0] if row else None


def meta_set(key: str, value: str) -> None:
    with _cursor() as cur:
        cur.execute("DELETE FROM bench_meta WHERE k = %s", [key])
        cur.execute("INSERT INTO bench_meta (k, v) VALUES (%s, %s)", [key, value])


def ensure_city(residents: int, seed: int, *, fresh: bool = False) -> bool:
    """A demo city of exactly this size and seed, untouched by other benches; True when reused."""
    from shaodian.demo import city as demo
    from shaodian.people.models import Resident

    tag = f"residents={residents} seed={seed}"
    if not fresh:
        migrate()
        if meta_get("city") == tag and Resident.objects.count() == residents:
            print(f"city: reusing the cached demo city ({tag})")
            _restore_statistics()
            return True
    reset_database()
    migrate()
    meta_set("city", "building")
    started = time.perf_counter()
    done = [0, 0]

    def progress(n: int) -> None:
        done[0] += n
        if done[0] >= done[1] + 100_000:
            done[1] = done[0] // 100_000 * 100_000
            print(f"city: {done[0]:,} residents built ({time.perf_counter() - started:.0f} s)", flush=True)

    extra = {}
    if "with_scans" in inspect.signature(demo.build_city).parameters:
        extra["with_scans"] = False  # scan history: irrelevant to these benches, and slow at a million
    counts = demo.build_city(residents=residents, seed=seed, progress=progress, **extra)
    meta_set("city", tag)
    print(f"city: built {counts} in {time.perf_counter() - started:.1f} s")
    return False


def _restore_statistics() -> None:
    """A migration that remakes a SQLite table (a new unique column, say) drops its planner statistics,
    and without them every search of a million residents walks the scope index: put them back."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cur.fetchone()[0]:
            cur.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl IN ('people_resident', 'places_place')")
            if cur.fetchone()[0] >= 2:
                return
        started = time.perf_counter()
        cur.execute("ANALYZE")
    print(f"city: people_resident had no planner statistics (a migration remade it); ANALYZE took "
          f"{time.perf_counter() - started:.1f} s")


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]

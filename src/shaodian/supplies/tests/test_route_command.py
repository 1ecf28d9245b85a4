"""`shaodian route --solomon FILE --seconds S`: the output format, feasibility of what it prints, bad files."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from shaodian.supplies import route_solomon
from shaodian.supplies.routing import Route, RoutingSolution, Visit, matrices, route_check, schedule

TINY = """TINY

VEHICLE
NUMBER     CAPACITY
  2          20

CUSTOMER
CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME

    0      0          0          0          0        200          0
    1      10         0          10         0        100          5
    2      10         5          10         0        100          5
    3      -10        0          5          50        60          5
    4      -10        -5         5          0        200          5
"""
C101 = (route_solomon.instances_dir() or Path("shared/data/vrptw")) / "C101.txt"


def _run(path, seconds="1"):
    out = io.StringIO()
    call_command("route", solomon=str(path), seconds=float(seconds), stdout=out)
    return out.getvalue().splitlines()


def _as_solution(problem, lines):
    """Rebuild the printed routes and check them with the platform's checker."""
    assert re.fullmatch(r"vehicles=\d+ distance=\d+\.\d+", lines[-1]), lines[-1]
    dist, dur = matrices(problem)
    index = {s.key: i + 1 for i, s in enumerate(problem.stops)}
    routes = []
    for k, line in enumerate(lines[:-1], 1):
        head, _, rest = line.partition(": ")
        assert head == f"route {k}"
        order = [index[c] for c in rest.split()]
        times, back = schedule(problem, dur, order, problem.depot.opens)
        visits = tuple(Visit(problem.stops[j - 1].key, *t) for j, t in zip(order, times))
        length = dist[0, order[0]] + dist[order[-1], 0] + sum(dist[a, b] for a, b in zip(order, order[1:]))
        routes.append(Route("vehicle", visits, sum(problem.stops[j - 1].demand for j in order), float(length),
                            problem.depot.opens, back))
    return RoutingSolution(tuple(routes), (), sum(r.distance for r in routes))


def test_a_tiny_instance_is_solved_to_its_optimum(tmp_path):
    path = tmp_path / "tiny.txt"
    path.write_text(TINY)
    lines = _run(path)
    problem = route_solomon.read(path)
    plan = _as_solution(problem, lines)
    assert route_check(problem, plan) == []
    # Two trucks: 1 and 2 together east (10 + 5 + √125), 3 and 4 west (10 + 5 + √125).
    assert lines[-1] == "vehicles=2 distance=52.36"
    assert sorted(sorted(line.split(": ")[1].split()) for line in lines[:-1]) == [["1", "2"], ["3", "4"]]


@pytest.mark.skipif(not C101.exists(), reason=f"the Solomon instances are not beside the repository ({C101})")
def test_c101_is_feasible_and_close_to_the_best_known():
    lines = _run(C101, seconds="2")
    problem = route_solomon.read(C101)
    plan = _as_solution(problem, lines)
    assert route_check(problem, plan) == []
    assert sorted(v.stop for r in plan.routes for v in r.visits) == sorted(s.key for s in problem.stops)
    distance = float(lines[-1].split("distance=")[1])
    assert distance == pytest.approx(plan.distance, abs=0.006)
    assert distance <= 828.94 * 1.01


def test_a_bad_file_gets_a_clear_message(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        _run(tmp_path / "missing.txt")
    bad = tmp_path / "bad.txt"
    bad.write_text("hello\n")
    with pytest.raises(CommandError, match="not a Solomon file"):
        _run(bad)
    bad.write_text(TINY.replace("    2      10         5          10", "    2      10         5          ten"))
    with pytest.raises(CommandError, match=r"bad.txt:\d+: 数字格式错误"):
        _run(bad)
    with pytest.raises(CommandError, match="must be positive"):
        _run(tmp_path / "missing.txt", seconds="0")

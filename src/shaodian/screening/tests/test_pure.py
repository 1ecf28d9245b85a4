"""The screening's pure cores, against brute-force references: coverage arithmetic, the visit transition,
walking order and MEA-7 narrowing of testing rounds. No Django."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from shaodian.places import walk
from shaodian.screening import coverage, narrowing, states

# A small tree: city 1 › districts 10, 11 › streets 100..103 › communities 1000..1007 › grids 10000..10015.
GRIDS = [{"grid": 10000 + g, "community": 1000 + g // 2, "street": 100 + g // 4, "district": 10 + g // 8, "city": 1}
         for g in range(16)]
outcomes = st.sampled_from([None, "reached", "nobody_home", "refused"])
households = st.lists(st.tuples(st.integers(0, 15), outcomes), max_size=200)


@settings(max_examples=200, deadline=None)
@given(households, st.sampled_from(coverage.LEVELS))
def test_it_rolls_grid_counters_up_to_what_counting_the_households_gives(rows, level):
    counters = []
    for g, ids in enumerate(GRIDS):
        mine = [o for gg, o in rows if gg == g]
        if mine:
            counters.append(coverage.Counter(ids, len(mine), mine.count("reached"), mine.count("refused")))
    got = coverage.rollup(counters, level)
    # Brute force: every household counted straight into its node of `level`.
    want: dict[int, list[int]] = {}
    for g, o in rows:
        t = want.setdefault(GRIDS[g][level], [0, 0, 0])
        t[0] += 1
        t[1] += o == "reached"
        t[2] += o == "refused"
    assert {k: [v.total, v.reached, v.refused] for k, v in got.items()} == want
    for t in got.values():
        assert 0 <= t.percent <= 100
        assert (t.percent == 100) == (t.reached == t.total)
        assert t.open == t.total - t.reached


@given(st.integers(0, 10**6), st.integers(1, 10**6))
def test_it_never_rounds_a_gap_up_to_full_coverage(part, whole):
    part = min(part, whole)
    p = coverage.percent(part, whole)
    assert p <= part * 100 / whole < p + 0.1 + 1e-9
    assert coverage.percent(0, 0) == 0.0


DAY = dt.date(2026, 11, 1)


@given(st.lists(st.sampled_from([states.Status.REACHED, states.Status.NOBODY_HOME, states.Status.REFUSED]),
                min_size=1, max_size=6), st.integers(0, 5))
def test_it_brings_an_unreached_door_back_the_next_day_and_closes_a_reached_one(knocks, start):
    task = states.Task(states.Status.PENDING, DAY, 0)
    today = DAY + dt.timedelta(days=start)
    for i, outcome in enumerate(knocks):
        if task.status == states.Status.REACHED:
            try:
                states.transition(task, outcome, today=today)
            except states.IllegalMove:
                continue
            raise AssertionError("a reached household took another knock")
        after = states.transition(task, outcome, today=today)
        assert after.attempts == task.attempts + 1
        assert after.status == outcome
        if outcome == states.Status.REACHED:
            assert after.due_day == task.due_day
        else:
            assert after.due_day == max(task.due_day, today + dt.timedelta(days=1)) > today
        task = after
        today += dt.timedelta(days=i % 2)


def test_it_walks_buildings_units_floors_and_rooms_as_numbers():
    doors = [("10号楼", "1单元", "101"), ("2号楼", "2单元", "1201"), ("2号楼", "1单元", "302"),
             ("2号楼", "1单元", "1101"), ("2号楼", "1单元", "301")]
    ordered = sorted(doors, key=lambda d: walk.walk_key(*d))
    assert ordered == [("2号楼", "1单元", "301"), ("2号楼", "1单元", "302"), ("2号楼", "1单元", "1101"),
                       ("2号楼", "2单元", "1201"), ("10号楼", "1单元", "101")]
    assert walk.floor_of("1203") == 12 and walk.floor_of("502") == 5 and walk.floor_of("A") == 0


# MEA-7: brute force over the small tree, by walking parents rather than reading the path.
PARENT = {g["grid"]: g["community"] for g in GRIDS} | {g["community"]: g["street"] for g in GRIDS} | \
         {g["street"]: g["district"] for g in GRIDS} | {g["district"]: 1 for g in GRIDS}
NODES = sorted(set(PARENT) | {1})


def _path(node):
    out = [node]
    while out[-1] in PARENT:
        out.append(PARENT[out[-1]])
    return tuple(reversed(out))


def _inside(child, parent):
    node = child
    while True:
        if node == parent:
            return True
        if node not in PARENT:
            return False
        node = PARENT[node]


rounds = st.builds(lambda area, kind, day, every: narrowing.Round(area, _path(area), kind, DAY + dt.timedelta(days=day),
                                                                  every),
                   st.sampled_from(NODES), st.sampled_from(["pcr", "antigen"]), st.integers(0, 5), st.integers(1, 7))


@settings(max_examples=300)
@given(rounds, rounds)
def test_it_lets_a_lower_level_narrow_a_round_and_never_widen_it(parent, child):
    codes = {w.code for w in narrowing.check(parent, child)}
    assert ("outside_area" in codes) == (not _inside(child.area, parent.area))
    assert ("more_frequent" in codes) == (child.every_days < parent.every_days)
    assert ("other_kind" in codes) == (child.kind != parent.kind)
    assert ("earlier" in codes) == (child.day < parent.day)
    assert narrowing.check(parent, parent) == []

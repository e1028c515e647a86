"""Look offline for a better schedule of one World Café room with hosts.

`python bench/improve_tables.py PEOPLE SIZE ROUNDS [MINUTES] [SEED]` (default 20 minutes)
needs gcc and `pip install python-sat`, which the project does not depend on. It is how
`_TRAVELLERS_40_8_7` in samenspraak/lib/tables.py was found (764 of 770 pairs; the
library's own search reaches 751 there in its 0.4 s): a first version took an annealed
759 to 763, and this script, started from that, took it to 764 in 5 minutes.

1. Anneal (bench/anneal_tables.c) for a sixth of the time, then tabu search
   (bench/tabu_tables.c) for a sixth: swaps and moves within a round, scored exactly as
   the library counts, from random starts. The tabu search is what found
   `_TRAVELLERS_32_6_7` (456 of 464; annealing stops at 447 there).
2. Then, from the best of the library's schedule and those two, re-seat two
   rounds at a time with a SAT solver, the other rounds and the two rounds' table sizes
   kept: first asking for one pair more ("down"), then, every other try, for as many
   pairs but at least 12 seats changed ("aside"), so it can walk along a plateau. Each
   try gets 30 s.

It prints every improvement and, at the end, the best schedule as library persons and in
the base-36 form of `_TRAVELLERS_40_8_7` (travellers 0…, one group a table).
"""

import itertools
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.tables import compile_c, require_python_sat  # noqa: E402
from samenspraak.lib.tables import assign, distinct_pairs, table_count, upper_bound  # noqa: E402

DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
TRY_SECONDS = 30
ASIDE_CHANGES = 12


def search_room(
    program: Path, travellers: int, g: int, rounds: int, seconds: float, seed: int, *extra
):
    """The score a room search reports and its best schedule, as rounds of tables with
    the host first: `program` is bench/anneal_tables.c or bench/tabu_tables.c, compiled
    (`extra`: its optional last argument, STEPS or STALL)."""
    args = [program, *map(str, (travellers, g, rounds, seconds, seed, *extra))]
    lines = subprocess.run(args, check=True, capture_output=True, text=True).stdout  # noqa: S603
    score, *rows = lines.splitlines()
    schedule = []
    for line in rows:
        groups = [part.split() for part in line.split("|")]
        schedule.append([[t] + [g + int(p) for p in group] for t, group in enumerate(groups)])
    return int(score), schedule


def reseat(schedule: list, g: int, free: list[int], most_lost: int, changes: int) -> list | None:
    """The schedule with rounds `free` re-seated so that at most `most_lost` pairs of
    C(travellers, 2) + travellers·g are lost, or None (none, or not found in time)."""
    from pysat.card import CardEnc, EncType
    from pysat.formula import IDPool
    from pysat.solvers import Solver

    people = sum(len(table) for table in schedule[0])
    travellers = range(g, people)
    pool, clauses = IDPool(), []
    x = lambda p, r, t: pool.id((p, r, t))  # noqa: E731
    met, visited = set(), set()
    for r, tables in enumerate(schedule):
        if r not in free:
            for t, table in enumerate(tables):
                visited |= {(p, t) for p in table}
                met |= set(itertools.combinations(sorted(table[1:]), 2))
    for r in free:
        for p in travellers:
            clauses += CardEnc.equals([x(p, r, t) for t in range(g)], 1, vpool=pool).clauses
        for t, table in enumerate(schedule[r]):
            seats = [x(p, r, t) for p in travellers]
            clauses += CardEnc.equals(seats, len(table) - 1, vpool=pool).clauses
    lost = []
    for p in travellers:
        for t in range(g):
            if (p, t) not in visited:
                lost.append(pool.id(("missed", p, t)))
                clauses.append([lost[-1]] + [x(p, r, t) for r in free])
    for a, b in itertools.combinations(travellers, 2):
        if (a, b) not in met:
            lost.append(pool.id(("apart", a, b)))
            together = []
            for r in free:
                for t in range(g):
                    together.append(pool.id(("together", a, b, r, t)))
                    clauses += [[-together[-1], x(a, r, t)], [-together[-1], x(b, r, t)]]
            clauses.append([lost[-1]] + together)
    clauses += CardEnc.atmost(lost, most_lost, vpool=pool, encoding=EncType.totalizer).clauses
    if changes:
        kept = [x(p, r, t) for r in free for t, table in enumerate(schedule[r]) for p in table[1:]]
        bound = len(kept) - changes
        clauses += CardEnc.atmost(kept, bound, vpool=pool, encoding=EncType.totalizer).clauses
    with Solver(name="glucose42", bootstrap_with=clauses) as solver:
        timer = threading.Timer(TRY_SECONDS, solver.interrupt)
        timer.start()
        found = solver.solve_limited(expect_interrupt=True)
        timer.cancel()
        if not found:
            return None
        chosen = {literal for literal in solver.get_model() if literal > 0}
    better = [[list(table) for table in tables] for tables in schedule]
    for r in free:
        better[r] = [[t] + [p for p in travellers if x(p, r, t) in chosen] for t in range(g)]
    return better


def improve(people: int, size: int, rounds: int, minutes: float, seed: int) -> list:
    """The best schedule found in `minutes`: annealed and tabu-searched, then re-seated
    round pair by pair."""
    g = table_count(people, size)
    most = (people - g) * (people - g - 1) // 2 + (people - g) * g  # hosts never meet
    deadline = time.monotonic() + 60 * minutes
    with tempfile.TemporaryDirectory() as folder:
        starts = [assign(people, size, rounds)]
        for name in ("anneal_tables", "tabu_tables"):
            program = compile_c(name, folder)
            starts.append(search_room(program, people - g, g, rounds, 10 * minutes, seed)[1])
    start = max(starts, key=distinct_pairs)
    schedule, pairs, rng, step = start, distinct_pairs(start), random.Random(seed), 0
    bound = upper_bound(people, size, rounds)
    print(f"start: {pairs} of {bound}", flush=True)
    while time.monotonic() < deadline and pairs < bound:
        step += 1
        aside = step % 2 == 0
        free = sorted(rng.sample(range(rounds), 2))
        lost = most - pairs
        found = reseat(schedule, g, free, lost if aside else lost - 1, ASIDE_CHANGES * aside)
        if found:
            schedule, before, pairs = found, pairs, distinct_pairs(found)
            if pairs > before:
                print(f"rounds {free}: {pairs}", flush=True)
    return schedule


def main() -> None:
    require_python_sat("this")
    people, size, rounds = map(int, sys.argv[1:4])
    minutes = float(sys.argv[4]) if len(sys.argv) > 4 else 20
    seed = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    schedule = improve(people, size, rounds, minutes, seed)
    g = table_count(people, size)
    print(f"best: {distinct_pairs(schedule)} of {upper_bound(people, size, rounds)}")
    for tables in schedule:
        print(" / ".join(" ".join(map(str, table)) for table in tables))
    if people - g <= len(DIGITS):
        for tables in schedule:
            print(" ".join("".join(DIGITS[p - g] for p in sorted(table[1:])) for table in tables))


if __name__ == "__main__":
    main()

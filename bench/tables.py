"""Benchmark World Café table rotation (samenspraak.lib.tables) on a fixed grid.

Prints, per point, distinct pairs ÷ upper bound and the seconds taken, then a summary.
Targets: the bound wherever a schedule without repeats exists, ≥ 99 % elsewhere, and
under 0.5 s per point. Run from the repository root: python bench/tables.py
Points below 99 % are marked proven optimal, out of reach of 99 % or open, by PROVEN_BEST
and the counting bound of bench/table_bounds.py.

`python bench/tables.py --prove PEOPLE SIZE ROUNDS [SECONDS]` instead asks CP-SAT for the
true optimum of one room with hosts (needs `pip install ortools`, not a dependency of
the project); that is how the first optima in PROVEN_BEST were proven.

`python bench/tables.py --exact PEOPLE SIZE ROUNDS LOSS` compiles bench/prove_tables.c (needs
gcc) and searches every schedule of one room with hosts that loses at most LOSS of the
pairs C(travellers, 2) + travellers·min(ROUNDS, tables) (see that file): it prints the best
schedule within that loss, or proves there is none.
"""

import itertools
import math
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.table_bounds import counting_bound  # noqa: E402
from samenspraak.lib.tables import assign, distinct_pairs, table_count, upper_bound  # noqa: E402

PEOPLE = (8, 12, 16, 20, 24, 30, 32, 40, 50, 64, 80, 100, 150, 200, 300)
SIZES = (3, 4, 5, 6, 8)
ROUNDS = (2, 3, 4, 5, 7)

# Points (people, size, rounds; with hosts) where the bound is out of reach and the
# schedule is proven optimal, with the most distinct pairs any schedule has:
# * 2 tables, 3 rounds: a traveller is a vector in {0,1}³ (its table per round); two
#   travellers never meet only if their vectors are complementary and a traveller sees
#   one host only if the vector is constant, so the optimum is a small integer program
#   over the 8 counts, solved by enumeration in samenspraak/lib/tests/test_tables.py
#   (test_two_tables_in_three_rounds_are_optimal_below_the_bound).
# * 3 tables of 4, 4 rounds: CP-SAT (OR-Tools, --prove) proves 59; the bound 63 needs the 9
#   travellers to form the affine plane of order 3, whose only resolution lets them meet
#   at most 23 of their 27 host pairs.
# * 3 tables of 7, 7 and 6, 4 rounds: CP-SAT proves 181 (bound 187) on the same types
#   model as for 2 tables: a traveller is a vector in {0,1,2}⁴, two travellers meet iff
#   their vectors agree somewhere, a traveller meets the hosts whose numbers occur in it.
# * 3 tables of 6, 5 and 5, 4 rounds: the exact search (--exact 16 6 4 7, 1.1·10⁸ nodes,
#   about a minute) finds no schedule within 7 of C(13, 2) + 13·3 = 117 pairs, so none
#   has more than 109. The bound of 115 takes the travellers' own pairs and their host
#   pairs each at its best, and no schedule has both.
# * 4 tables of 4, 5 rounds (16 people in tables of 4 or 5): --exact 16 4 5 8 (by rounds,
#   2.7·10⁸ nodes, about ten minutes) finds none within 8 of 66 + 12·4 = 114, so none has
#   more than 105 (bound 108): five rounds of triples on 12 travellers always repeat 3
#   meetings or more (with none they would form a nearly Kirkman triple system NKTS(12),
#   which does not exist; the search finds none with 1 or 2 either).
# * 6 tables (four of 5, two of 6), 5 rounds (32 people in tables of 6): the bound 350
#   needs every pair to meet at most once; bench/prove_32_6_5.py proves that every
#   schedule repeats at least 4 meetings (a case split on which rounds share no pair, by
#   an exhaustive C search and a SAT solver, about 23 minutes) and finds one with 346.
# The counting bound (bench/table_bounds.py, used alongside) proves 175 for 4 tables of 5
# in 5 rounds (bound 184) on its own, and 59 again for 3 tables of 4 in 4 rounds.
PROVEN_BEST = {
    (8, 4, 3): 24,
    (8, 5, 3): 24,
    (8, 6, 3): 24,
    (12, 6, 3): 60,
    (12, 8, 3): 60,
    (16, 8, 3): 112,
    (12, 4, 4): 59,
    (12, 5, 4): 59,
    (20, 8, 4): 181,
    (16, 6, 4): 109,
    (16, 4, 5): 105,
    (16, 5, 5): 105,
    (32, 6, 5): 346,
}


def main() -> None:
    results = []
    print(
        f"{'people':>6} {'size':>4} {'rounds':>6} {'pairs':>6} {'bound':>6} {'quality':>8} {'s':>6}"
    )
    for people in PEOPLE:
        for size in SIZES:
            if size > people:
                continue
            for rounds in ROUNDS:
                start = time.perf_counter()
                schedule = assign(people, size, rounds)
                seconds = time.perf_counter() - start
                pairs = distinct_pairs(schedule)
                bound = upper_bound(people, size, rounds)
                results.append((people, size, rounds, pairs / bound, seconds, pairs))
                print(
                    f"{people:>6} {size:>4} {rounds:>6} {pairs:>6} {bound:>6} "
                    f"{pairs / bound:>8.2%} {seconds:>6.3f}"
                )

    at_bound = sum(1 for row in results if row[3] >= 1)
    worst = min(results, key=lambda row: row[3])
    slowest = max(results, key=lambda row: row[4])
    below = [row for row in results if row[3] < 0.99]
    most = {row[:3]: proven_most(*row[:3]) for row in below}
    optimal = [row for row in below if most[row[:3]] == row[5]]
    hopeless = [
        row for row in below if row not in optimal and most[row[:3]] < 0.99 * upper_bound(*row[:3])
    ]
    print()
    print(f"points: {len(results)}, at the bound: {at_bound}")
    print(f"minimum quality: {worst[3]:.2%} at people={worst[0]} size={worst[1]} rounds={worst[2]}")
    print(
        f"slowest: {slowest[4]:.3f} s at people={slowest[0]} size={slowest[1]} rounds={slowest[2]}"
    )
    print(
        f"below 99 %: {len(below)}, of which proven optimal: {len(optimal)}, "
        f"proven unable to reach 99 %: {len(hopeless)}"
    )
    for row in below:
        if row in optimal:
            note = " (proven optimal)"
        elif row in hopeless:
            note = f" (no schedule has more than {most[row[:3]]}: 99 % is out of reach)"
        elif most[row[:3]] < upper_bound(*row[:3]):
            note = f" (proven at most {most[row[:3]]})"
        else:
            note = " (open: the bound may be reachable)"
        print(f"  people={row[0]} size={row[1]} rounds={row[2]}: {row[3]:.2%}{note}")


def proven_most(people: int, size: int, rounds: int) -> int:
    """The most distinct pairs any schedule can have, as far as proven here: the bound,
    the counting bound (bench/table_bounds.py) or an optimum in PROVEN_BEST."""
    most = PROVEN_BEST.get((people, size, rounds), upper_bound(people, size, rounds))
    counted = counting_bound(people, size, rounds)
    return most if counted is None else min(most, counted)


def prove(people: int, size: int, rounds: int, seconds: float = 240) -> None:
    """Print CP-SAT's best schedule value and its proven upper bound for one room.

    The model counts travellers per type: a traveller's type is the vector of their
    table in each round (host t stays at table t). Two travellers meet iff their vectors
    agree in some round, and a traveller meets the hosts of the tables in their vector,
    so the distinct pairs are a quadratic function of the counts. Each round seats
    ⌊people/g⌋ or ⌈people/g⌉ at every table (round 1 fixed: tables are interchangeable).
    """
    from ortools.sat.python import cp_model

    g = table_count(people, size)
    travellers = people - g
    small, big = divmod(people, g)
    types = list(itertools.product(range(g), repeat=rounds))
    model = cp_model.CpModel()
    count = [model.NewIntVar(0, travellers, "") for _ in types]
    model.Add(sum(count) == travellers)
    for r in range(rounds):
        larger = [model.NewBoolVar("") for _ in range(g)]
        model.Add(sum(larger) == big)
        for t in range(g):
            if r == 0:
                model.Add(larger[t] == int(t < big))
            seated = sum(c for c, v in zip(count, types, strict=True) if v[r] == t)
            model.Add(seated == small - 1 + larger[t])
    index = {v: i for i, v in enumerate(types)}
    apart = []  # pairs of types that differ in every round: their travellers never meet
    for i, v in enumerate(types):
        for w in itertools.product(*[[t for t in range(g) if t != v[r]] for r in range(rounds)]):
            if index[w] > i:
                product = model.NewIntVar(0, travellers**2, "")
                model.AddMultiplicationEquality(product, [count[i], count[index[w]]])
                apart.append(product)
    with_hosts = sum(c * len(set(v)) for c, v in zip(count, types, strict=True))
    model.Maximize(math.comb(travellers, 2) - sum(apart) + with_hosts)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    status = solver.StatusName(solver.Solve(model))
    print(
        f"people={people} size={size} rounds={rounds}: {status}, best {solver.ObjectiveValue():.0f}"
        f", at most {solver.BestObjectiveBound():.0f} (bound {upper_bound(people, size, rounds)})"
    )


def compile_c(name: str, folder: str | Path) -> Path:
    """bench/NAME.c compiled with gcc into folder (exits with a message without gcc)."""
    gcc = shutil.which("gcc")
    if gcc is None:
        sys.exit(f"this needs gcc to compile bench/{name}.c")
    program = Path(folder) / name
    source = Path(__file__).resolve().parent / f"{name}.c"
    subprocess.run([gcc, "-O2", "-o", program, source, "-lm"], check=True)  # noqa: S603 (ours)
    return program


def require_python_sat(what: str) -> None:
    """Exit with a message unless python-sat (not a project dependency) is installed."""
    try:
        import pysat  # noqa: F401
    except ImportError:
        sys.exit(f"{what} needs python-sat: pip install python-sat")


def exact(people: int, size: int, rounds: int, loss: int) -> None:
    """Compile bench/prove_tables.c and run it on one room (its output says what it proves)."""
    with tempfile.TemporaryDirectory() as folder:
        program = compile_c("prove_tables", folder)
        subprocess.run([program, *map(str, (people, size, rounds, loss))], check=True)  # noqa: S603


if __name__ == "__main__":
    if sys.argv[1:2] == ["--prove"]:
        prove(*map(int, sys.argv[2:5]), *map(float, sys.argv[5:6]))
    elif sys.argv[1:2] == ["--exact"]:
        exact(*map(int, sys.argv[2:6]))
    else:
        main()

"""Benchmark World Café table rotation (samenspraak.lib.tables) on a fixed grid.

Prints, per point, distinct pairs ÷ upper bound and the seconds taken, then a summary.
Targets: the bound wherever a schedule without repeats exists, ≥ 99 % elsewhere, and
under 0.5 s per point. Run from the repository root: python bench/tables.py
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from samenspraak.lib.tables import assign, distinct_pairs, upper_bound  # noqa: E402

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
# * 3 tables of 4, 4 rounds: CP-SAT (OR-Tools) proves 59; the bound 63 needs the 9
#   travellers to form the affine plane of order 3, whose only resolution lets them meet
#   at most 23 of their 27 host pairs.
PROVEN_BEST = {
    (8, 4, 3): 24,
    (8, 5, 3): 24,
    (8, 6, 3): 24,
    (12, 6, 3): 60,
    (12, 8, 3): 60,
    (16, 8, 3): 112,
    (12, 4, 4): 59,
    (12, 5, 4): 59,
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
    optimal = [row for row in below if PROVEN_BEST.get(row[:3]) == row[5]]
    print()
    print(f"points: {len(results)}, at the bound: {at_bound}")
    print(f"minimum quality: {worst[3]:.2%} at people={worst[0]} size={worst[1]} rounds={worst[2]}")
    print(
        f"slowest: {slowest[4]:.3f} s at people={slowest[0]} size={slowest[1]} rounds={slowest[2]}"
    )
    print(f"below 99 %: {len(below)}, of which proven optimal: {len(optimal)}")
    for row in below:
        note = " (proven optimal)" if row in optimal else ""
        print(f"  people={row[0]} size={row[1]} rounds={row[2]}: {row[3]:.2%}{note}")


if __name__ == "__main__":
    main()

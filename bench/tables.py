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
                results.append((people, size, rounds, pairs / bound, seconds))
                print(
                    f"{people:>6} {size:>4} {rounds:>6} {pairs:>6} {bound:>6} "
                    f"{pairs / bound:>8.2%} {seconds:>6.3f}"
                )

    at_bound = sum(1 for *_, q, _ in results if q >= 1)
    worst = min(results, key=lambda row: row[3])
    slowest = max(results, key=lambda row: row[4])
    below = [row for row in results if row[3] < 0.99]
    print()
    print(f"points: {len(results)}, at the bound: {at_bound}")
    print(f"minimum quality: {worst[3]:.2%} at people={worst[0]} size={worst[1]} rounds={worst[2]}")
    print(
        f"slowest: {slowest[4]:.3f} s at people={slowest[0]} size={slowest[1]} rounds={slowest[2]}"
    )
    print(f"below 99 %: {len(below)}")
    for people, size, rounds, q, _ in below:
        print(f"  people={people} size={size} rounds={rounds}: {q:.2%}")


if __name__ == "__main__":
    main()

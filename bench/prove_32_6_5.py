"""Prove that 32 people at tables of 6 for 5 rounds meet at most 346 distinct pairs.

The bound there is 350, so 99 % (347) is out of reach; bench/tables.py lists the point
under PROVEN_BEST. Run from the repository root: `python bench/prove_32_6_5.py` (needs
gcc, and `pip install python-sat`, which the project does not depend on). It takes about
23 minutes on this 2-core machine, 16 of them in case A (one layout per core).

The room has 6 tables: every round four tables of 5 and two of 6. Host t sits at table
t; the 26 travellers move. A round seats 4·C(5, 2) + 2·C(6, 2) = 70 pairs, so

    distinct pairs = 350 − loss,   loss = Σ over pairs of (meetings − 1)+

over traveller pairs and traveller–host pairs (hosts never meet). 347 needs loss ≤ 3.

Two rounds are *clean* when nobody, hosts included, shares a table in both. A pair that
meets in the rounds S makes every pair of rounds in S unclean, at a loss of |S| − 1.
`unclean_shapes` lists what loss ≤ 3 allows: either three rounds are pairwise clean
(case A), or one pair meets in four rounds (B1), or one pair meets in three rounds and
another in the other two (B2). Every case has a clean pair of rounds; call them 0 and 1.
In them each traveller sits in a cell (a, b) of the 6 × 6 grid, a ≠ b, at most one per
cell; `layouts` finds the 8 such layouts up to renaming the tables.

- A: rounds 0, 1, 2 pairwise clean. bench/prove_32_6_5.c tries every clean round 2 and
  every round 3 and 4 within the loss (rounds 3 and 4 swap, so round 3 loses at most 1).
- B1: the pair meets in rounds 1–4 (round 0 is clean with all). For each pair meeting in
  round 1, up to the layout's symmetries, a SAT solver looks for rounds 2–4 in which it
  meets again every round and every other pair meets at most once.
- B2: the pair meets in rounds 1, 3 and 4 and another in rounds 0 and 2. For each pair
  meeting in round 1 the solver looks for rounds 2–4 in which it meets in rounds 3 and 4
  (not 2), one more pair at most meets in rounds 0 and 2, and every other pair at most
  once.

None exists in any case, so no schedule has more than 346. It prints a schedule with 346
(a pair meets in four rounds, one more pair twice), so 346 is the optimum. Two checks
that the searches find what exists: the C search, given round 2 of the library's own
schedule, finds a schedule with its loss and none with one less; the solver finds the
346 schedule.
"""

import itertools
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.tables import compile_c, require_python_sat  # noqa: E402
from samenspraak.lib.tables import assign, distinct_pairs, upper_bound  # noqa: E402

TRAVELLERS, ROUNDS, TABLES = 26, 5, 6
SMALL, LARGE = 4, 5  # travellers per table
BOUND = upper_bound(32, 6, ROUNDS)  # 350: every pair meets at most once
LOSS = 3  # 347 = 350 - 3 is 99 %
ROUND_PAIRS = list(itertools.combinations(range(ROUNDS), 2))


def unclean_shapes() -> dict[str, int]:
    """Sort every way to lose at most LOSS by the unclean round pairs it leaves.

    A loss is a multiset of round sets S (a pair meeting in exactly those rounds) with
    Σ (|S| − 1) ≤ LOSS. Returns how many fall in each case; raises if one fits none."""
    sets = [s for k in range(2, ROUNDS + 1) for s in itertools.combinations(range(ROUNDS), k)]
    cases = {"A": 0, "B1": 0, "B2": 0}
    for count in range(LOSS + 1):  # no repeat at all is case A too
        for chosen in itertools.combinations_with_replacement(sets, count):
            if sum(len(s) - 1 for s in chosen) > LOSS:
                continue
            unclean = {rp for s in chosen for rp in itertools.combinations(s, 2)}
            clean = [rp for rp in ROUND_PAIRS if rp not in unclean]
            if any(
                all(rp in clean for rp in itertools.combinations(trio, 2))
                for trio in itertools.combinations(range(ROUNDS), 3)
            ):
                cases["A"] += 1
            elif len(chosen) == 1 and len(chosen[0]) == 4:
                cases["B1"] += 1
            elif sorted(map(len, chosen)) == [2, 3] and not set(chosen[0]) & set(chosen[1]):
                cases["B2"] += 1
            else:
                raise AssertionError(f"{chosen} fits no case")
    return cases


def layouts() -> list[list[tuple[int, int]]]:
    """The clean layouts of rounds 0 and 1, one per class under renaming the tables.

    Round 0 seats 5 at tables 0 and 1 and 4 elsewhere. With at most one traveller per
    off-diagonal cell, the two full rows take all their 5 cells and each other row leaves
    one cell empty, in a different column each (the columns seating 4 in round 1)."""
    classes = {}
    for empty in itertools.permutations(range(TABLES), 4):
        if any(row == column for row, column in zip(range(2, TABLES), empty, strict=True)):
            continue
        holes = set(zip(range(2, TABLES), empty, strict=True))
        cells = [
            (a, b) for a in range(TABLES) for b in range(TABLES) if a != b and (a, b) not in holes
        ]
        key = min(
            tuple(sorted((rename[a], rename[b]) for a, b in cells))
            for rename in itertools.permutations(range(TABLES))
            if rename[0] < 2 and rename[1] < 2  # round 0's tables of 5 stay 0 and 1
        )
        classes.setdefault(key, cells)
    return list(classes.values())


def symmetries(cells):
    """The renamings of tables that map the layout to itself, as (tables, travellers)."""
    index = {cell: p for p, cell in enumerate(cells)}
    found = []
    for rename in itertools.permutations(range(TABLES)):
        image = [(rename[a], rename[b]) for a, b in cells]
        if all(cell in index for cell in image):
            found.append((rename, [index[cell] for cell in image]))
    return found


def pairs_meeting_in_round_one(cells):
    """Pairs (travellers p < q, or traveller p and ("host", t)) that share a table in
    round 1, one per class under the layout's symmetries."""
    candidates = [
        (p, q)
        for p, q in itertools.combinations(range(TRAVELLERS), 2)
        if cells[p][1] == cells[q][1]
    ]
    candidates += [(p, ("host", cells[p][1])) for p in range(TRAVELLERS)]
    maps = symmetries(cells)
    seen, chosen = set(), []
    for pair in candidates:
        if pair in seen:
            continue
        chosen.append(pair)
        p, q = pair
        for tables, travellers in maps:
            if isinstance(q, tuple):
                seen.add((travellers[p], ("host", tables[q[1]])))
            else:
                seen.add(tuple(sorted((travellers[p], travellers[q]))))
    return chosen


class RoomFormula:
    """Rounds 2–4 of the room as CNF, rounds 0 and 1 fixed to a layout.

    `pinned` pairs meet in exactly the given rounds; every other pair meets at most once,
    except that up to `doubles` of them may also meet in both rounds of `double_rounds`.
    """

    def __init__(self, cells, pinned, double_rounds=None, doubles=0):
        from pysat.card import CardEnc, EncType
        from pysat.formula import IDPool

        self.cells = cells
        self.pool = IDPool()
        self.clauses = []
        self.empty = False
        self.seat = {
            (p, r, t): self.pool.id(("seat", p, r, t))
            for p in range(TRAVELLERS)
            for r in range(2, ROUNDS)
            for t in range(TABLES)
        }
        for p in range(TRAVELLERS):
            for r in range(2, ROUNDS):
                tables = [self.seat[p, r, t] for t in range(TABLES)]
                self.extend(CardEnc.equals(tables, 1, vpool=self.pool, encoding=EncType.pairwise))
        for r in range(2, ROUNDS):
            for t in range(TABLES):
                people = [self.seat[p, r, t] for p in range(TRAVELLERS)]
                for card in (CardEnc.atmost(people, LARGE, vpool=self.pool),
                             CardEnc.atleast(people, SMALL, vpool=self.pool)):  # fmt: skip
                    self.extend(card)
        for pair, rounds in pinned.items():
            self.pin(pair, rounds)
        marks = []
        everyone = list(itertools.combinations(range(TRAVELLERS), 2))
        everyone += [(p, ("host", t)) for p in range(TRAVELLERS) for t in range(TABLES)]
        for pair in everyone:
            if pair in pinned:
                continue
            met = self.meetings(*pair)
            for r, s in ROUND_PAIRS:
                clause = [self.negate(met[r]), self.negate(met[s])]
                if (r, s) == double_rounds and doubles:
                    marks.append(self.pool.id(("double", pair)))
                    clause.append(marks[-1])
                self.add(clause)
        if marks:
            self.extend(
                CardEnc.atmost(marks, doubles, vpool=self.pool, encoding=EncType.seqcounter)
            )

    def at(self, p, r, t):
        """Traveller p at table t in round r: a variable, or True/False in rounds 0 and 1."""
        return self.cells[p][r] == t if r < 2 else self.seat[p, r, t]

    @staticmethod
    def negate(literal):
        return not literal if isinstance(literal, bool) else -literal

    def add(self, clause):
        if any(literal is True for literal in clause):
            return
        clause = [literal for literal in clause if literal is not False]
        self.empty = self.empty or not clause
        self.clauses.append(clause)

    def extend(self, formula):
        self.clauses.extend(formula.clauses)

    def meetings(self, p, q):
        """Per round, whether p and q share a table (a literal true if they do)."""
        if isinstance(q, tuple):
            return [self.at(p, r, q[1]) for r in range(ROUNDS)]
        met = [self.cells[p][r] == self.cells[q][r] for r in range(2)]
        for r in range(2, ROUNDS):
            met.append(self.pool.id(("met", p, q, r)))
            for t in range(TABLES):
                self.add([-self.seat[p, r, t], -self.seat[q, r, t], met[-1]])
        return met

    def pin(self, pair, rounds):
        p, q = pair
        for r in range(ROUNDS):
            if isinstance(q, tuple):
                here = self.at(p, r, q[1])
                self.add([here] if r in rounds else [self.negate(here)])
                continue
            for t in range(TABLES):
                mine, theirs = self.at(p, r, t), self.at(q, r, t)
                if r in rounds:
                    self.add([self.negate(mine), theirs])
                    self.add([self.negate(theirs), mine])
                else:
                    self.add([self.negate(mine), self.negate(theirs)])

    def solve(self):
        """The schedule (five rounds of six tables, hosts 0–5, travellers 6–31), or None."""
        from pysat.solvers import Solver

        if self.empty:
            return None
        with Solver(name="cadical153", bootstrap_with=self.clauses) as solver:
            if not solver.solve():
                return None
            true = {literal for literal in solver.get_model() if literal > 0}
        schedule = []
        for r in range(ROUNDS):
            schedule.append(
                [
                    [t]
                    + [
                        TABLES + p
                        for p in range(TRAVELLERS)
                        if (self.at(p, r, t) is True or self.at(p, r, t) in true)
                    ]
                    for t in range(TABLES)
                ]
            )
        return schedule


def case_b(cells, pair, case):
    if case == "B1":
        return RoomFormula(cells, {pair: (1, 2, 3, 4)}).solve()
    return RoomFormula(cells, {pair: (1, 3, 4)}, double_rounds=(0, 2), doubles=1).solve()


def witness(all_layouts):
    """A schedule with 346 pairs: one pair in rounds 1–4 and one more in rounds 0 and 2."""
    for cells in all_layouts:
        for pair in pairs_meeting_in_round_one(cells):
            found = RoomFormula(cells, {pair: (1, 2, 3, 4)}, double_rounds=(0, 2), doubles=1)
            schedule = found.solve()
            if schedule is not None:
                return schedule
    return None


def run_c(program, cells, loss, round_two=None):
    layout = "\n".join(f"{a} {b}" for a, b in cells)
    command = [program, str(loss), *([round_two] if round_two else [])]
    result = subprocess.run(command, input=layout, capture_output=True, text=True, check=True)  # noqa: S603
    return result.stdout.strip().splitlines()[-1]


def planted(all_layouts):
    """The library's schedule for this room as (layout, its round 2, its loss), if three of
    its rounds are pairwise clean; else None."""
    schedule = assign(32, 6, ROUNDS)
    words = {}
    for r, tables in enumerate(schedule):
        for table in tables:
            host = next(person for person in table if person < TABLES)
            for person in table:
                if person >= TABLES:
                    words.setdefault(person, [0] * ROUNDS)[r] = host
    words = list(words.values())

    def clean(i, j):
        return len({(w[i], w[j]) for w in words}) == TRAVELLERS and all(w[i] != w[j] for w in words)

    known = {tuple(sorted(cells)): cells for cells in all_layouts}
    for first, second, third in itertools.permutations(range(ROUNDS), 3):
        if not (clean(first, second) and clean(first, third) and clean(second, third)):
            continue
        for rename in itertools.permutations(range(TABLES)):
            seats = {(rename[w[first]], rename[w[second]]): w for w in words}
            cells = known.get(tuple(sorted(seats)))
            if cells is not None:
                round_two = "".join(str(rename[seats[cell][third]]) for cell in cells)
                return cells, round_two, BOUND - distinct_pairs(schedule)
    return None


def main() -> None:
    require_python_sat("this proof")

    print(f"ways to lose at most {LOSS}, by case: {unclean_shapes()}")
    all_layouts = layouts()
    print(f"clean layouts of two rounds: {len(all_layouts)}")

    with tempfile.TemporaryDirectory() as folder:
        program = str(compile_c("prove_32_6_5", folder))

        check = planted(all_layouts)
        if check is None:
            print("check skipped: the library's schedule has no three pairwise clean rounds")
        else:
            cells, round_two, loss = check
            print(f"check, the library's schedule (loss {loss}) planted:")
            print(f"  within {loss}: {run_c(program, cells, loss, round_two)}")
            print(f"  within {loss - 1}: {run_c(program, cells, loss - 1, round_two)}")

        start = time.perf_counter()
        with ThreadPoolExecutor(os.cpu_count()) as pool:  # one search per core
            outcomes = pool.map(lambda cells: run_c(program, cells, LOSS), all_layouts)
            for number, outcome in enumerate(outcomes):
                print(f"case A, layout {number}: {outcome}")
                if "none" not in outcome:
                    sys.exit("case A has a schedule: the proof fails")
        print(f"case A: none ({time.perf_counter() - start:.0f} s)")

    for case in ("B1", "B2"):
        start, tried = time.perf_counter(), 0
        for number, cells in enumerate(all_layouts):
            for pair in pairs_meeting_in_round_one(cells):
                tried += 1
                if case_b(cells, pair, case) is not None:
                    sys.exit(
                        f"case {case} has a schedule (layout {number}, {pair}): the proof fails"
                    )
        print(f"case {case}: none in {tried} pinned pairs ({time.perf_counter() - start:.0f} s)")

    schedule = witness(all_layouts)
    print(f"a schedule with {distinct_pairs(schedule)} pairs: {schedule}")
    print(
        f"no schedule has more than {BOUND - LOSS - 1} distinct pairs: 99 % (347) is out of reach"
    )


if __name__ == "__main__":
    main()

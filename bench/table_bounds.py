"""A counting bound on the distinct pairs of a room with hosts, sharper than `upper_bound`.

Used by bench/tables.py to tell the points below 99 % that cannot do better apart from
those that might. The room: n travellers and g hosts at g tables for R rounds, each
round seating q or q + 1 travellers at every table (n = q·g + b: b tables have q + 1).

Write traveller x as the word x₁…x_R of their tables. The travellers can meet in at most
C(n, 2) pairs plus n·min(R, g) with hosts; the loss is Z, the traveller pairs that never
meet, plus M, the hosts that travellers miss. Two quantities tie them together:

* **Hosts.** T(x), the pairs of positions where x has the same letter, is at least
  `same` (its letters spread evenly), and a word that misses m hosts has at most
  `absorb[m]` more. So the excess Σ T(x) − n·same takes enough hosts missed to carry it.
  Σ T(x) also equals Tr, the sum over position pairs i < j of the trace of N_ij, where
  N_ij[a][b] counts the travellers at table a in round i and table b in round j.
* **Travellers.** The pairs agree in S = Σ over rounds and tables of C(seated, 2)
  positions, and Σ agree² = S + 2·Σ_{i<j} P_ij with P_ij = Σ C(N_ij[a][b], 2): row a of
  N_ij spreads what is not on its diagonal over the g − 1 other cells, so a small trace
  forces crowded cells. Given the first two moments of the agreements, a linear
  programme gives the fewest pairs that agree nowhere.

The bound is the least loss over every possible Tr. It proves 59 for 12 people at 3 tables
of 4 in 4 rounds and 175 for 20 people at 4 tables of 5 in 5 rounds, and puts 99 % out of
reach for 24 people at 4 tables (5 rounds) and 32 people at 4 tables (5 rounds).
"""

import itertools
import math
import sys
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from samenspraak.lib.tables import _even_split_pairs, table_count, upper_bound  # noqa: E402


def counting_bound(people: int, size: int, rounds: int) -> int:
    """The most distinct pairs the counting argument allows (never above `upper_bound`)."""
    g = table_count(people, size)
    travellers = people - g
    bound = upper_bound(people, size, rounds)
    if g < 2 or travellers < 2 or rounds < 2:
        return bound  # nothing to tie together
    most = math.comb(travellers, 2) + travellers * min(rounds, g)
    return min(bound, most - least_loss(g, travellers, rounds))


def least_loss(g: int, travellers: int, rounds: int) -> int:
    """The fewest pairs (traveller pairs plus host pairs) any schedule of that many
    travellers at g tables with hosts loses in `rounds` rounds, by the argument above."""
    n = travellers
    q, b = divmod(n, g)
    same, absorb = letter_repeats(g, rounds)
    position_pairs = math.comb(rounds, 2)
    crowding = _ConvexFloor(trace_crowding(g, n))
    agreements = rounds * (b * math.comb(q + 1, 2) + (g - b) * math.comb(q, 2))
    strangers = _Strangers(math.comb(n, 2), rounds, agreements)
    losses = []
    for tr in range(n * same, n * position_pairs + 1):
        crowded = position_pairs * crowding(Fraction(tr, position_pairs))
        never = strangers.fewest(agreements + 2 * crowded)
        missed = fewest_misses(absorb, tr - n * same, n)
        if never is not None and missed is not None:
            losses.append(math.ceil(never) + missed)
    return min(losses)


def letter_repeats(g: int, rounds: int) -> tuple[int, dict[int, int]]:
    """The fewest repeated-letter position pairs T of a word of `rounds` letters out of g,
    and for each number of hosts missed, how many more T such a word can have."""
    seen = min(rounds, g)
    repeats: dict[int, list[int]] = {}
    for counts in _partitions(rounds, g):
        missed = seen - sum(1 for c in counts if c)
        repeats.setdefault(missed, []).append(sum(math.comb(c, 2) for c in counts))
    same = min(min(values) for values in repeats.values())
    return same, {missed: max(values) - same for missed, values in repeats.items()}


def trace_crowding(g: int, travellers: int) -> dict[int, int]:
    """For each trace t of a g×g matrix whose rows sum to q or q + 1 (travellers = q·g + b,
    b rows of q + 1), a lower bound on Σ C(cell, 2): row a holds its diagonal cell d_a and
    spreads the rest of its sum as evenly as it can over its g − 1 other cells."""
    q, b = divmod(travellers, g)
    # least[(big rows so far, trace)] over the rows so far
    least: dict[tuple[int, int], int] = {(0, 0): 0}
    for _ in range(g):
        following: dict[tuple[int, int], int] = {}
        for (bigs, trace), crowd in least.items():
            for total in (q, q + 1) if bigs < b else (q,):
                for d in range(total + 1):
                    key = (bigs + (total > q), trace + d)
                    value = crowd + math.comb(d, 2) + _even_split_pairs(total - d, g - 1)
                    following[key] = min(following.get(key, value), value)
        least = following
    return {trace: crowd for (bigs, trace), crowd in least.items() if bigs == b}


class _Strangers:
    """The least x₀ with x ≥ 0, Σ x_a = pairs, Σ a·x_a = first and Σ a²·x_a ≥ second
    (x_a: the pairs that agree in a rounds), or None if nothing satisfies that.

    A linear programme in standard form with three constraints: its optimum lies on a
    vertex, three basic variables (the slack of the last constraint among them), so each
    basis is inverted once and tried against every `second`."""

    def __init__(self, pairs: int, rounds: int, first: int):
        columns = [(1, a, a * a) for a in range(rounds + 1)] + [(0, 0, -1)]
        self.pairs, self.first = pairs, first
        self.bases = []
        for basis in itertools.combinations(range(len(columns)), 3):
            matrix = [[Fraction(columns[j][i]) for j in basis] for i in range(3)]
            inverse = _inverse(matrix)
            if inverse is not None:
                self.bases.append((basis[0] == 0, inverse))

    def fewest(self, second: Fraction) -> Fraction | None:
        target = (self.pairs, self.first, second)
        best = None
        for has_strangers, inverse in self.bases:
            values = [sum(row[i] * target[i] for i in range(3)) for row in inverse]
            if min(values) >= 0:
                strangers = values[0] if has_strangers else Fraction(0)
                best = strangers if best is None else min(best, strangers)
        return best


def fewest_misses(absorb: dict[int, int], extra: int, words: int) -> int | None:
    """The fewest hosts missed in all that let `words` words carry `extra` more repeated
    letters than the least, or None if even every word missing the most cannot."""
    if extra <= 0:
        return 0
    most_missed = max(absorb)
    if words * absorb[most_missed] < extra:
        return None
    carried = [0]  # carried[c]: the most extra repeats c missed hosts can carry
    while carried[-1] < extra:
        c = len(carried)
        carried.append(max(carried[c - m] + absorb[m] for m in absorb if 0 < m <= c))
    return len(carried) - 1


class _ConvexFloor:
    """The lower convex envelope of points {x: y}, evaluated within their range."""

    def __init__(self, points: dict[int, int]):
        hull: list[tuple[int, int]] = []
        for x, y in sorted(points.items()):
            while len(hull) >= 2 and (hull[-1][1] - hull[-2][1]) * (x - hull[-2][0]) >= (
                y - hull[-2][1]
            ) * (hull[-1][0] - hull[-2][0]):
                hull.pop()  # the last vertex lies on or above the chord to the new point
            hull.append((x, y))
        self.hull = hull

    def __call__(self, x: Fraction) -> Fraction:
        for (x0, y0), (x1, y1) in itertools.pairwise(self.hull):
            if x0 <= x <= x1:
                return y0 + Fraction(y1 - y0, x1 - x0) * (x - x0)
        return Fraction(self.hull[0][1])  # a single point


def _partitions(total: int, parts: int):
    """Every way to split total into `parts` counts, largest first."""

    def split(left: int, slots: int, cap: int):
        if slots == 0:
            if left == 0:
                yield ()
            return
        for first in range(min(left, cap), -1, -1):
            for rest in split(left - first, slots - 1, first):
                yield (first, *rest)

    return split(total, parts, total)


def _inverse(m: list[list[Fraction]]) -> list[list[Fraction]] | None:
    """The inverse of a 3×3 matrix, or None if it is singular."""
    determinant = (
        m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
        - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
    )
    if determinant == 0:
        return None
    return [
        [
            (
                m[(j + 1) % 3][(i + 1) % 3] * m[(j + 2) % 3][(i + 2) % 3]
                - m[(j + 1) % 3][(i + 2) % 3] * m[(j + 2) % 3][(i + 1) % 3]
            )
            / determinant
            for j in range(3)
        ]
        for i in range(3)
    ]


if __name__ == "__main__":
    for point in sys.argv[1:] or ["20/5/5"]:
        people, size, rounds = map(int, point.split("/"))
        bound = counting_bound(people, size, rounds)
        print(f"{point}: upper bound {upper_bound(people, size, rounds)}, counting bound {bound}")

"""Seat people at World Café tables so that they meet as many new people as possible.

Table rotation is the social golfer problem: `people` sit at g tables for R rounds and we
count the distinct pairs that shared a table at least once. Pure Python, no Django: the
planning pages, the `tables` management command and `bench/tables.py` all call it.

How a schedule is made, cheapest first:

1. **Closed form** (`_closed_form`). Person (start table t, seat j) sits at table t + r·j
   in round r, computed in Z_g or, when g is a prime power, in the finite field GF(g).
   Two people meet twice only if (r − r')·(j − j') = 0, which cannot happen in a field
   and cannot happen in Z_g while g divides no a·b with 1 ≤ a ≤ R−1, 1 ≤ b ≤ size−1.
   When it does, other shifts than r·j may still keep every two seats apart in all R
   rounds (`_difference_array`: 10 tables of 8 for 7 rounds, 6 tables for 5 rounds).
   Seat 0 never moves: it holds the host. With more seats than tables, small groups
   share a seat number and travel together, which is exactly as many repeats as the
   pigeonhole principle forces. Either way every round it gives reaches the bound.
2. **Search** (`_Search`) for the rounds the closed form cannot give (it runs out of
   round numbers, e.g. 7 rounds at 6 tables). Those rounds are built greedily (each
   traveller takes the table where the squares of earlier meetings are lowest), then a
   tabu search moves travellers between tables within one round (Dotú & Van Hentenryck),
   keeping the best schedule seen. It stops as soon as it reaches `upper_bound`, because
   nothing better exists, or when its budget is spent.
   With hosts (`_with_hosts`) the travellers are first, cheaply, seated as a room of
   their own and the hosts handed to their groups afterwards, which finds designs such
   as Kirkman's schoolgirls (`_KIRKMAN_15`); once all travellers have met, the later
   rounds are regrouped for the hosts alone. If that misses, the travellers may still
   meet without a repeat in a design where one base round rotates (`_rotating`, the
   24 travellers of 30 people at 6 tables of 5 in 7 rounds), before the joint search.
3. **Stored** (`_stored`): a design found offline where neither does well enough (40
   people at 5 tables of 8 in 7 rounds: 764 of 770 pairs, against 751 from the search;
   32 people at tables of 6: 346 of 350 in 5 rounds, against 345, and 456 of 464 in 7,
   against 443). It stands in for the closed form, so with more rounds the search builds
   on top.

Table sizes: g = ⌈people / size⌉ tables with ⌊people/g⌋ or ⌈people/g⌉ seats. A table never
has more than `size` seats, so when the count does not divide some tables have one seat
fewer (tables of size and size−1; with very few tables the seats can drop further, e.g.
5 people in tables of 4 sit 3 + 2). Only a latecomer can raise a table to size + 1.

With hosts (the default), persons 0…g−1 are the hosts: host t stays at table t in every
round and is listed first; everyone else travels. Hosts never meet each other, which
`upper_bound` accounts for. (With far more seats than tables the best schedule can keep a
traveller at the host's table: that is where the forced repeats cost least.)
"""

import functools
import math
import random
import time
from itertools import combinations, islice

Schedule = list[list[list[int]]]
"""One list of tables per round; a table is a list of person numbers, the host first."""

MAX_PEOPLE = 1000
MAX_ROUNDS = 20

# The search measures its effort in work units (a priced move is one) rather than in
# seconds, so that a seed always gives the same schedule. It may spend time_budget × this
# rate: about half of what this pure-Python search manages on a modest laptop. The clock
# stays a safety net: on a much slower or busy machine time_budget still ends the search
# (and then the result can depend on the machine).
_WORK_PER_SECOND = 4_000_000


def table_count(people: int, size: int) -> int:
    """The number of tables: as few as possible without exceeding `size` seats."""
    return -(-people // size)


def assign(
    people: int,
    size: int,
    rounds: int,
    *,
    hosts: bool = True,
    seed: int = 0,
    time_budget: float = 0.4,
) -> Schedule:
    """Seat persons 0…people−1 at tables of at most `size` for `rounds` rounds.

    Returns one list of tables per round, each table a list of persons with the host
    first (hosts=True) or in ascending order (hosts=False). The same arguments always
    give the same schedule (see _WORK_PER_SECOND for the one exception). `time_budget`
    bounds the search in seconds; a closed-form schedule needs no search at all.
    """
    _check(people, size, rounds)
    if time_budget < 0:
        raise ValueError("The time budget cannot be negative.")
    deadline = time.perf_counter() + time_budget
    g = table_count(people, size)
    if g == 1:
        return [[list(range(people))] for _ in range(rounds)]

    built = _closed_form(people, size, rounds, hosts)
    stored = _stored(people, size, rounds, hosts)
    if len(stored) > len(built):
        built = stored
    if len(built) < rounds:
        target = upper_bound(people, size, rounds, hosts)
        work = int(time_budget * _WORK_PER_SECOND)
        if hosts:
            built = _with_hosts(people, g, built, rounds, target, seed, deadline, work)
        else:
            until = _share_of_time(deadline, _BEFORE_JOINT)
            rotated, _ = _rotating(people, g, rounds, until, work // _ROTATION_SHARE)
            if rotated:  # nobody meets twice: the bound
                built = rotated
            else:
                search = _Search(people, g, rounds, False, built, random.Random(seed), deadline)
                built = search.run(target, work)
    return [[_host_first(table, hosts, g) for table in tables] for tables in built]


def upper_bound(people: int, size: int, rounds: int, hosts: bool = True) -> int:
    """The most distinct pairs any schedule can reach; quality is measured against it.

    Each term below is a valid upper bound, so their minimum is one too:

    * **Seats**: a round of tables with c seats holds Σ C(c, 2) pairs.
    * **Forced repeats** (pigeonhole): round 1 split everyone into g groups. A later table
      of c people draws them from those g groups; two drawn from the same group met
      before. Spreading evenly is the best possible, so at least f(c, g) pairs at that
      table are old, where f counts the pairs inside c items spread as evenly as possible
      over g groups (zero unless c > g). So R rounds give at most
      R·Σ C(c,2) − (R−1)·Σ f(c, g). With hosts this still holds: host t is one of the c
      and always comes from group t, so a traveller from group t meets the host again
      and one from another group may meet a traveller again; either is an old pair.
    * **Everyone**: C(people, 2) pairs exist, minus C(g, 2) host pairs that never meet.
    * **With hosts, per kind of pair.** Every round each traveller meets exactly one host,
      and can meet at most g distinct hosts: host–traveller pairs ≤ travellers·min(R, g).
      Traveller pairs are bounded as above with the c − 1 travellers per table (seats,
      forced repeats among them), by C(travellers, 2), and by each traveller meeting at
      most min(R·(c_max − 2), travellers − 1) other travellers.
    * **Per person**: nobody meets more than R·(c_max − 1) others, nor more than exist.

    The bound is reached whenever a schedule without repeats exists, and whenever the
    closed form covers all rounds. Otherwise it may be out of reach: with 2 tables, 8
    people in 3 rounds meet in 24 pairs at best (exhaustive search), against 26.
    """
    _check(people, size, rounds)
    g = table_count(people, size)
    small, big = divmod(people, g)  # `big` tables have small + 1 seats
    seats = [small + 1] * big + [small] * (g - big)
    largest = max(seats)

    def pair_budget(table_seats: list[int]) -> int:
        per_round = sum(math.comb(c, 2) for c in table_seats)
        forced = sum(_even_split_pairs(c, g) for c in table_seats)
        return rounds * per_round - (rounds - 1) * forced

    bound = min(pair_budget(seats), math.comb(people, 2))
    degree_cap = min(rounds * (largest - 1), people - 1)
    if not hosts or g == 1:
        return min(bound, people * degree_cap // 2)

    travellers = people - g
    bound = min(bound, math.comb(people, 2) - math.comb(g, 2))
    with_host = travellers * min(rounds, g)
    between_travellers = min(
        pair_budget([c - 1 for c in seats]),
        math.comb(travellers, 2),
        travellers * min(rounds * (largest - 2), travellers - 1) // 2,
    )
    host_cap = g * min(rounds * (largest - 1), travellers)
    traveller_cap = travellers * min(rounds * (largest - 1), min(rounds, g) + travellers - 1)
    return min(bound, with_host + between_travellers, (host_cap + traveller_cap) // 2)


def distinct_pairs(schedule: Schedule) -> int:
    """How many different pairs shared a table at least once."""
    return len(_pairs(schedule))


def repeat_pairs(schedule: Schedule) -> int:
    """How many times two people sat together again: all table pairs minus distinct pairs."""
    total = sum(math.comb(len(table), 2) for tables in schedule for table in tables)
    return total - distinct_pairs(schedule)


def quality(schedule: Schedule, people: int, size: int, rounds: int, hosts: bool = True) -> float:
    """Distinct pairs as a share of the upper bound: 1.0 means nothing better exists."""
    bound = upper_bound(people, size, rounds, hosts)
    return distinct_pairs(schedule) / bound if bound else 1.0


def add_latecomer(
    schedule: Schedule, from_round: int, *, size: int | None = None
) -> tuple[Schedule, int]:
    """Seat one more person from round `from_round` (0-based) on, moving nobody else.

    The newcomer gets the next free number and, per round, the table where they meet the
    most people they have not met yet; ties go to the smaller table so tables stay even.
    No table grows beyond size + 1, where `size` defaults to the largest table in the
    schedule. Returns the new schedule (the input is not changed) and the new number.
    """
    if not schedule:
        raise ValueError("The schedule has no rounds.")
    if not 0 <= from_round < len(schedule):
        raise ValueError(f"The latecomer must arrive in round 0…{len(schedule) - 1}.")
    limit = (size if size is not None else max(len(t) for r in schedule for t in r)) + 1
    newcomer = 1 + max(p for tables in schedule for table in tables for p in table)
    result = [[list(table) for table in tables] for tables in schedule]
    met: set[int] = set()
    for tables in result[from_round:]:
        open_tables = [table for table in tables if len(table) < limit]
        if not open_tables:
            raise ValueError(f"Every table already has {limit} seats taken.")
        best = max(open_tables, key=lambda table: (len(set(table) - met), -len(table)))
        met.update(best)
        best.append(newcomer)
    return result, newcomer


# --- shared helpers --------------------------------------------------------------------


def _check(people: int, size: int, rounds: int) -> None:
    if people < 2:
        raise ValueError("At least 2 people are needed to share a table.")
    if people > MAX_PEOPLE:
        raise ValueError(f"At most {MAX_PEOPLE} people can be seated.")
    if size < 2:
        raise ValueError("A table needs at least 2 seats.")
    if rounds < 1:
        raise ValueError("There must be at least 1 round.")
    if rounds > MAX_ROUNDS:
        raise ValueError(f"At most {MAX_ROUNDS} rounds can be planned.")


def _even_split_pairs(items: int, groups: int) -> int:
    """Pairs within the same group when `items` are spread as evenly as possible."""
    per_group, extra = divmod(items, groups)
    return extra * math.comb(per_group + 1, 2) + (groups - extra) * math.comb(per_group, 2)


def _pairs(schedule: Schedule) -> set[tuple[int, int]]:
    return {
        pair for tables in schedule for table in tables for pair in combinations(sorted(table), 2)
    }


def _host_first(table: list[int], hosts: bool, g: int) -> list[int]:
    if not hosts:
        return sorted(table)
    return sorted(table, key=lambda person: (person >= g, person))


def _round_seats(people: int, g: int, round_: int) -> list[int]:
    """Seats per table in one round. The larger tables rotate, so that no host always
    has the small table."""
    small, big = divmod(people, g)
    seats = [small] * g
    for i in range(big):
        seats[(round_ * big + i) % g] += 1
    return seats


# --- closed form -----------------------------------------------------------------------


class _Field:
    """Arithmetic in GF(p^k) on the numbers 0…q−1 (base-p digits are the coefficients).

    Only small fields are needed (q ≤ 500 tables), so the modulus is found by trial
    division and products are plain polynomial multiplication.
    """

    def __init__(self, p: int, k: int):
        self.p, self.k = p, k
        self.modulus = next(f for f in self._monic(k) if self._irreducible(f))

    def add(self, a: int, b: int) -> int:
        return self._number(
            [(x + y) % self.p for x, y in zip(self._poly(a), self._poly(b), strict=True)]
        )

    def mul(self, a: int, b: int) -> int:
        product = [0] * (2 * self.k - 1)
        for i, x in enumerate(self._poly(a)):
            for j, y in enumerate(self._poly(b)):
                product[i + j] = (product[i + j] + x * y) % self.p
        return self._number(self._remainder(product, self.modulus))

    def _poly(self, number: int) -> list[int]:
        digits = []
        for _ in range(self.k):
            number, digit = divmod(number, self.p)
            digits.append(digit)
        return digits

    def _number(self, poly: list[int]) -> int:
        return sum(c * self.p**i for i, c in enumerate(poly[: self.k]))

    def _monic(self, degree: int):
        for number in range(self.p**degree):
            digits = [(number // self.p**i) % self.p for i in range(degree)]
            yield [*digits, 1]

    def _remainder(self, poly: list[int], divisor: list[int]) -> list[int]:
        """poly mod divisor (monic), as len(divisor) − 1 coefficients."""
        poly = list(poly)
        degree = len(divisor) - 1
        for i in range(len(poly) - 1, degree - 1, -1):
            factor = poly[i]
            if factor:
                for j, c in enumerate(divisor):
                    poly[i - degree + j] = (poly[i - degree + j] - factor * c) % self.p
        return (poly + [0] * degree)[:degree]

    def _irreducible(self, poly: list[int]) -> bool:
        degree = len(poly) - 1
        return not any(
            not any(self._remainder(poly, divisor))
            for d in range(1, degree // 2 + 1)
            for divisor in self._monic(d)
        )


def _prime_power(q: int) -> tuple[int, int] | None:
    """(p, k) with q = p^k, or None."""
    for p in range(2, q + 1):
        if q % p == 0:
            k = 0
            while q % p == 0:
                q //= p
                k += 1
            return (p, k) if q == 1 else None
    return None


# 32 people in 8 tables of 4 for 10 rounds without a repeat (the famous CSPLib instance):
# GF(2)^3 × 4 seats, each round invariant under adding a vector, found by an exact-cover
# search over the differences. Letters A…Z a…f are persons 0…31; no host stays put.
_GOLFERS_32_4 = (
    "AIQY BJRZ CKSa DLTb EMUc FNVd GOWe HPXf",
    "AJSb BITa CLQZ DKRY ENWf FMXe GPUd HOVc",
    "AMRa BNQb COTY DPSZ EIVe FJUf GKXc HLWd",
    "ALUe BKVf CJWc DIXd EPQa FORb GNSY HMTZ",
    "ADVW BCUX EHRS FGQT INZc JMYd KPbe LOaf",
    "AOXZ BPWY CMVb DNUa EKTd FLSc GIRf HJQe",
    "APTc BOSd CNRe DMQf ELXY FKWZ GJVa HIUb",
    "AHKN BGLM CFIP DEJO QRcd STef UVYZ WXab",
    "ACdf BDce EGZb FHYa IJKL MNOP QSVX RTUW",
    "ABEF CDGH IMSW JNTX KOQU LPRV Ybcf Zade",
)
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef"

# Kirkman's schoolgirl problem: 15 people in threes for 7 rounds, every two together
# exactly once (a Kirkman triple system of order 15, found by the search below). The
# travellers of 20 people at 5 tables with hosts: the i-th triple of a round sits with
# host i, and then every traveller also meets all 5 hosts, the bound of 180 pairs.
# Letters A…O are travellers 0…14.
_KIRKMAN_15 = (
    "ILO CEH DMN AJK BFG",
    "CIM BJN DEF AHO GKL",
    "FHJ CDK AGI ELN BMO",
    "BEK HIN CFO GJM ADL",
    "DGH FLM KNO ABC EIJ",
    "AFN EGO CJL BDI HKM",
    "DJO AEM BHL FIK CGN",
)

# Shifts for 10 tables (rows are rounds, columns labels; see `_difference_array`): 8
# labels for 7 rounds without a repeat, found offline by that backtracking after about
# 2 million steps, far more than it may take while a facilitator waits. Z_10's own
# multiples give 2 rounds, and the search below finds 7 rounds only up to 7 labels.
_DIFFERENCES_10 = (
    (0, 0, 0, 0, 0, 0, 0, 0),
    (0, 1, 2, 3, 4, 5, 6, 7),
    (0, 2, 4, 8, 7, 1, 3, 5),
    (0, 3, 8, 7, 5, 4, 9, 2),
    (0, 4, 7, 5, 1, 9, 2, 6),
    (0, 5, 1, 4, 9, 2, 8, 3),
    (0, 6, 3, 9, 2, 8, 5, 1),
)


# 40 people at 5 tables of 8 for 7 rounds, with hosts: the 35 travellers (base-36 digits
# 0…y are persons 5…39) sit in 5 groups of 7 per round, group t with host t. 764 of the
# bound's 770 pairs (99.2 %): five traveller pairs never meet and one traveller misses
# one host. Found offline the way bench/improve_tables.py works: from 759 (simulated
# annealing), a SAT solver re-seated two rounds at a time, the others kept, to 763, and
# the script itself went on from there to 764; the search below reaches 751 here. With
# 7 travellers at each of 5 tables, every two rounds make some pairs meet twice; here
# twelve pairs sit together in all seven rounds, spending those forced repeats where
# they cost least.
_TRAVELLERS_40_8_7 = (
    "569afij ghkrsuv 24lnopy 17bcemx 038dqtw",
    "8bcosvw 029jmty 157dghi 346nqrx aefklpu",
    "0147ntu 35eikoq 8afmrwx 9djlpsv 26bcghy",
    "2dkmoux 1678lpw 49eghjn 05bcirt 3afqsvy",
    "6deoruy 89ghjwx 0bcklpt 1237afq 45imnsv",
    "3ghlmpq 4abcdfn 06estvx 258iuwy 179jkor",
    "127dsvy 468eknw 39bcjqu 0afghot 5ilmprx",
)

# 32 people at 6 tables (two of 6, four of 5) for 5 rounds, with hosts: the 26 travellers
# (digits 0…p are persons 6…31), in the same form. 346 of the bound's 350 pairs, the most
# any schedule has (bench/prove_32_6_5.py); the search below reaches 345 here in 0.4 s,
# and 346 with 100 s, which is how this design was found.
_TRAVELLERS_32_6_5 = (
    "89cmn 34de 05hko afip 6gjl 127b",
    "behl 029f 16cp 45gn 378ik adjmo",
    "23go 5cij 479al 6bkm 1dfhn 08ep",
    "067di 8agh 3bjn 19eo 245mp cfkl",
    "14jk 7nop efgim 28dl 0abc 3569h",
)

# The same room for 7 rounds: 456 of the bound's 464 pairs (98.3 %), found by
# bench/tabu_tables.c in seconds; the search below reaches 443. Travellers 4 and 6 sit at
# a table of 6 in every round and meet four others twice each; the other 24, four to a
# table, never meet twice, and every traveller meets every host.
_TRAVELLERS_32_6_7 = (
    "4589e gkop bdhi 367jl afmn 012c",
    "28np 05bl 36dkm 4aceg 179i fhjo",
    "35ah 26fgi 78co 1bmp 0ejk 49dln",
    "7bef 48ijm 03gn 29hk 56cdp 1alo",
    "cikl 16ehn 9ajp 08df 234bo 57gm",
    "069mo 27ad 145fk bcjn 8ghl 3eip",
    "1dgj 39cf 2elm 5ino 047hp 68abk",
)

# The designs `_stored` knows, by (people, size), for rooms with hosts, shortest first.
_STORED_WITH_HOSTS = {
    (32, 6): (_TRAVELLERS_32_6_5, _TRAVELLERS_32_6_7),
    (40, 8): (_TRAVELLERS_40_8_7,),
}


def _stored(people: int, size: int, rounds: int, hosts: bool) -> Schedule:
    """The rounds of a design found offline for this room, or none.

    A design serves only the room it was found for (people, size, hosts), with its own
    number of rounds; the room's longest design also serves more rounds, the search
    building the rest on top of it (40 people at tables of 8: 767 pairs in 8 rounds, the
    bound in 9). With fewer rounds, or between two designs, the search alone does as well
    or better: the best 6 of the 7 rounds of 40 people at tables of 8 reach 698 pairs
    where the search finds 714, and a sixth round on top of the 5 of 32 people at tables
    of 6 gave 370–403 where the search alone gave 397–407 (seeds 0–2)."""
    designs = _STORED_WITH_HOSTS.get((people, size), ()) if hosts else ()
    by_rounds = {len(design): design for design in designs}
    if designs and rounds > len(designs[-1]):
        by_rounds[rounds] = designs[-1]
    g = table_count(people, size)
    return [
        [[t] + [g + int(c, 36) for c in group] for t, group in enumerate(line.split())]
        for line in by_rounds.get(rounds, ())
    ]


def _closed_form(people: int, size: int, rounds: int, hosts: bool) -> Schedule:
    """The first rounds (at most `rounds`) that a closed form seats optimally.

    Start table t and label j ∈ 0…g−1 form a cell; a cell holds a small group of people
    who travel together: in round r the cell sits at table t + r·j. Two cells meet at
    most once, so the only pairs that meet again are those inside a cell. With more seats
    than tables (cells of two or more) that is unavoidable: the cells are as even as
    possible, which is exactly the pigeonhole count in `upper_bound`, so every round this
    returns reaches the bound. With fewer seats than tables the cells hold one person
    and nobody meets twice. Label 0 never moves: its cells hold the hosts.

    Returns fewer rounds, possibly none, when the arithmetic runs out (the search then
    builds the rest on top of these).
    """
    if not hosts and people == 32 and size == 4 and rounds > 8:
        return [
            [[_LETTERS.index(c) for c in table] for table in line.split()]
            for line in _GOLFERS_32_4[:rounds]
        ]
    g = table_count(people, size)
    cells = _cell_sizes(people, g, hosts)
    labels = sum(1 for column in cells if column[0])  # labels fill from start table 0
    power = _prime_power(g)
    if power:
        field = _Field(*power)
        add = field.add
        shift = field.mul
        available = g
    else:
        add = lambda a, b: (a + b) % g  # noqa: E731
        shifts = _difference_array(g, rounds, labels)
        shift = lambda r, j: shifts[r][j]  # noqa: E731
        available = len(shifts)
    # Without hosts one more round may seat everyone by label, if that evens out.
    by_label = [sum(column) for column in cells]
    extra_round = not hosts and labels == g and max(by_label) - min(by_label) <= 1

    members: dict[tuple[int, int], list[int]] = {}
    person = 0
    for j, column in enumerate(cells):
        for t, count in enumerate(column):
            if count:
                members[(t, j)] = list(range(person, person + count))
                person += count
    if hosts:  # the first person in cell (t, 0) is host t
        order = [members[(t, 0)][0] for t in range(g)]
        renumber = {old: new for new, old in enumerate(order)}
        rest = (p for p in range(people) if p not in renumber)
        renumber.update({old: new for new, old in enumerate(rest, start=g)})
        members = {cell: [renumber[p] for p in group] for cell, group in members.items()}

    schedule = []
    for r in range(min(rounds, available + extra_round)):
        tables: list[list[int]] = [[] for _ in range(g)]
        for (t, j), group in members.items():
            tables[j if r == available else add(t, shift(r, j))].extend(group)
        schedule.append(tables)
    return schedule


@functools.cache
def _difference_array(g: int, rounds: int, labels: int) -> tuple[tuple[int, ...], ...]:
    """Shifts in Z_g for `_closed_form`: in round r the cell (t, j) sits at t + D[r][j].

    Two cells meet again only if D[r][j] − D[r][j'] = D[r'][j] − D[r'][j'], so for every
    two labels the differences down the rows must be distinct. Row 0 and label 0 (the
    hosts) are all zeros. D[r][j] = r·j does this until r·j vanishes for some label: a few
    rounds when g is not a prime (2 for 6 or 10 tables). When that falls short of
    `rounds` ≤ g, `_DIFFERENCES_10` or a short backtracking, label by label, may give them
    all (5 rounds for 6 tables with up to 5 labels; 6 tables admit no 6 rounds, as Euler's
    36 officers admit no pair of orthogonal Latin squares). Otherwise the rows of
    multiples are returned, fewer than asked, and the tabu search seats the rest: from
    those it does better than from more perfect rounds that leave it less freedom (24
    people at 6 tables of 4 in 7 rounds: 230 pairs from 2 such rounds, 229 from 5).
    """
    rows = min(rounds, g)
    multiples = next(
        (r for r in range(1, rows) if any(r * j % g == 0 for j in range(1, labels))), rows
    )
    if multiples < rounds <= g:
        if g == 10 and rows <= len(_DIFFERENCES_10) and labels <= len(_DIFFERENCES_10[0]):
            return tuple(row[:labels] for row in _DIFFERENCES_10[:rows])
        found = _search_differences(g, rows, labels)
        if found:
            return found
    return tuple(tuple(r * j % g for j in range(labels)) for r in range(multiples))


# Differences the backtracking of `_search_differences` may compute (a value tried
# against c labels counts c): about 40 ms, so a room with many tables still gets its
# schedule well within the time budget.
_DIFFERENCE_WORK = 30_000


def _search_differences(g: int, rows: int, labels: int) -> tuple[tuple[int, ...], ...] | None:
    """A rows × labels difference array over Z_g (see `_difference_array`), or None if
    the backtracking finds none within _DIFFERENCE_WORK."""
    rng = random.Random(g * 10_000 + rows * 100 + labels)
    columns = [[0] * rows]
    work = 0

    def place(column: list[int], seen: list[set[int]]) -> bool:
        nonlocal work
        if work > _DIFFERENCE_WORK:
            return False
        r = len(column)
        if r == rows:
            columns.append(column)
            if len(columns) == labels or place([0], [{0} for _ in columns]):
                return True
            columns.pop()
            return False
        for value in rng.sample(range(1, g), g - 1):
            work += len(columns)
            differences = [(value - other[r]) % g for other in columns]
            if any(d in used for d, used in zip(differences, seen, strict=True)):
                continue
            for d, used in zip(differences, seen, strict=True):
                used.add(d)
            if place([*column, value], seen):
                return True
            for d, used in zip(differences, seen, strict=True):
                used.discard(d)
        return False

    if labels > 1 and not place([0], [{0}]):
        return None
    return tuple(tuple(column[r] for column in columns) for r in range(rows))


def _cell_sizes(people: int, g: int, hosts: bool) -> list[list[int]]:
    """cells[j][t]: how many people start at table t with label j.

    Every cell gets ⌊people/g²⌋; the rest fill whole labels, then part of one label at
    different start tables. A label meets every table once per round, so each round every
    table gains at most one extra person: the tables stay within one seat of each other.
    With hosts, label 0 fills first when cells would otherwise be empty (every table needs
    its host) and last otherwise (so as few travellers as possible share the host's cell).
    """
    base, rest = divmod(people, g * g)
    order = list(range(g))
    if hosts and base:
        order = order[1:] + order[:1]
    cells = [[base] * g for _ in range(g)]
    for j in order:
        for t in range(min(rest, g)):
            cells[j][t] += 1
        rest -= min(rest, g)
    return cells


# --- one round that rotates -----------------------------------------------------------


def _rotating(
    people: int, g: int, rounds: int, deadline: float, work: int, attempt: int = 0
) -> tuple[Schedule | None, int]:
    """`rounds` rounds of g tables (no hosts) in which nobody meets anyone twice, found as
    one base round that every later round rotates (a cyclic design with fixed points).

    With R rounds, L·R people ride rings: (i, a) is position i on ring a, and in round r
    sits where (i − r, a) sat in the base round. The other people mod R stay fixed at
    their table. Two riders at a base table, (i, a) and (j, b), meet in every round such
    a pair at the same difference j − i, so nobody meets twice when no (ring, ring,
    difference) occurs twice (on one ring d and −d are the same; with R even, R/2 is its
    own negative and such a pair meets twice by itself), no fixed person sits with two of
    one ring, and no two fixed ones sit together. That is a search over one round instead
    of R, by min-conflicts: swap someone in a conflict with whoever elsewhere leaves the
    fewest conflicts.

    It seats the 24 travellers of 30 people at 6 tables of 5 so that they meet in all 252
    pairs in 7 rounds (a resolvable 4-GDD of type 3⁸: three rings of 7, three fixed),
    where the tabu search over all rounds repeats a few meetings. Each `attempt` starts
    elsewhere and may find another design.

    Returns the schedule, or None when the rings cannot hold that many pairs or the
    search finds none within `work` (pricing a swap between tables A and B costs
    4·(|A| + |B| − 2) of it, the counts it touches), and the work done.
    """
    rings, fixed = divmod(people, rounds)
    sizes = _round_seats(people, g, 0)
    capacity = rings * ((rounds - 1) // 2) + math.comb(rings, 2) * rounds + fixed * rings
    if (
        rounds < 3
        or max(sizes) > g
        or sum(math.comb(size, 2) for size in sizes) > capacity
        # a fixed person sits with at most one of each ring and no other fixed one
        or sum(1 for size in sizes if size <= rings + 1) < fixed
    ):
        return None, 0
    riders = rings * rounds
    fixed_keys = rings * rings * rounds  # the conflict keys: see `key`
    together = fixed_keys + fixed * rings
    count = [0] * (together + 1)
    # Keys that conflict on their own start at one: two fixed people together, and a
    # difference of R/2 on one ring.
    count[together] = 1
    if rounds % 2 == 0:
        for a in range(rings):
            count[(a * rings + a) * rounds + rounds // 2] = 1

    def key(p: int, q: int) -> int:
        if p >= riders:
            return together if q >= riders else fixed_keys + (p - riders) * rings + q // rounds
        if q >= riders:
            return fixed_keys + (q - riders) * rings + p // rounds
        (a, i), (b, j) = divmod(p, rounds), divmod(q, rounds)
        if a > b:
            a, b, i, j = b, a, j, i
        d = (j - i) % rounds
        return (a * rings + b) * rounds + (min(d, rounds - d) if a == b else d)

    conflicts = 0

    def change(p: int, table: list[int], step: int) -> None:
        nonlocal conflicts
        for x in table:
            if x != p:
                k = key(p, x)
                count[k] += min(step, 0)
                if count[k] >= 1:
                    conflicts += step
                count[k] += max(step, 0)

    def swap(p: int, q: int) -> None:
        a, b = tables[where[p]], tables[where[q]]
        change(p, a, -1), change(q, b, -1)
        a[a.index(p)], b[b.index(q)] = q, p
        where[p], where[q] = where[q], where[p]
        change(p, b, 1), change(q, a, 1)

    rng = random.Random(((people * 100 + g) * 100 + rounds) * 100 + attempt)
    tables = [[riders + t] if t < fixed else [] for t in range(g)]  # fixed ones apart
    order = list(range(riders))
    rng.shuffle(order)
    rest = iter(order)
    where = [0] * people
    for t, table in enumerate(tables):
        table.extend(islice(rest, sizes[t] - len(table)))
        for i, p in enumerate(table):
            where[p] = t
            change(p, table[:i], 1)
    done = 0
    while conflicts and done < work and time.perf_counter() < deadline:
        troubled = [
            p
            for table in tables
            for pair in combinations(table, 2)
            if count[key(*pair)] > 1
            for p in pair
        ]
        p = rng.choice(troubled)
        best, moves = None, []
        for q in range(people):
            if where[q] != where[p]:
                done += 4 * (len(tables[where[p]]) + len(tables[where[q]]) - 2)
                swap(p, q)
                if best is None or conflicts < best:
                    best, moves = conflicts, [q]
                elif conflicts == best:
                    moves.append(q)
                swap(p, q)
        swap(p, rng.choice(moves))
    if conflicts:
        return None, done
    rotate = lambda p, r: p if p >= riders else p - p % rounds + (p + r) % rounds  # noqa: E731
    return [[[rotate(p, r) for p in table] for table in tables] for r in range(rounds)], done


# --- hosts on top of travellers ------------------------------------------------------


def _with_hosts(
    people: int,
    g: int,
    built: Schedule,
    rounds: int,
    target: int,
    seed: int,
    deadline: float,
    work: int,
) -> Schedule:
    """Seat the rounds the closed form could not give (`built` holds those it could).

    Every table has exactly one host, so the distinct pairs split exactly into pairs of
    travellers (decided by how the travellers are grouped) plus host–traveller pairs
    (decided only by which group each host receives). So first, cheaply (a sixteenth of
    the budget, in rooms up to _APART_MAX_SIZE), the two halves are solved apart by
    `_travellers_then_hosts`: the travellers g…people−1 as a room without hosts, then
    the hosts handed to their groups. That finds designs the joint search misses: the
    15 travellers of 20 people at 5 tables of 4 meet in Kirkman's schoolgirl design,
    each other exactly once and all 5 hosts, the bound of 180 pairs in 7 rounds (the
    joint search stops at 173–174).

    It is no cure for all: a design in which all travellers meet can leave no way for
    them to meet every host too (the only resolution of the affine plane of 9 points, 9
    travellers at 3 tables for 4 rounds, reaches at most 23 of the 27 host pairs, so 12
    people at 3 tables for 4 rounds stay below the bound of 63). If it misses, designs
    from one rotating round (`_rotated_with_hosts`, an eighth of the budget for the
    designs and two sixteenths for their hosts) may still reach the bound. Otherwise the
    tabu search seats hosts and travellers together, starting from `built`, with the
    whole budget (and the same random numbers as before these steps existed), and the
    better schedule is kept.
    """
    apart, pairs = None, 0
    if rounds * (people - g) ** 2 <= _APART_MAX_SIZE:
        rng = random.Random(seed)
        share = work // _APART_SHARE
        until = _share_of_time(deadline, _BEFORE_JOINT)
        apart = _travellers_then_hosts(people, g, rounds, target, rng, until, share)
        pairs = distinct_pairs(apart) if apart else 0
        if pairs < target:
            rotation = work // _ROTATION_SHARE
            until = _share_of_time(deadline, _BEFORE_JOINT)
            rotated = _rotated_with_hosts(people - g, g, rounds, target, until, share, rotation)
            if rotated:
                return rotated
    if pairs >= target:
        return apart
    joint = _Search(people, g, rounds, True, built, random.Random(seed), deadline)
    together = joint.run(target, work)
    return apart if pairs > distinct_pairs(together) else together


# Each step before the joint search (and, without hosts, the rotating designs before the
# search) may take at most this share of the time left. Their work is counted in steps
# that can cost more time than the joint search's (32 people at tables of 6 for 6 rounds:
# `_rotating` took 0.17 s of 0.4 s for its eighth of the work), and on a busy machine the
# time runs out before the work does; either way the search that finds most schedules
# would be left without time.
_BEFORE_JOINT = 0.25


def _share_of_time(deadline: float, share: float) -> float:
    """The deadline for a step that may take `share` of the time left until `deadline`."""
    now = time.perf_counter()
    return min(deadline, now + share * max(0.0, deadline - now))


# The share of the work (1/_APART_SHARE) that `_travellers_then_hosts` may spend, and
# the largest room (rounds × travellers²) it is tried on: setting up its search costs
# about that many steps outside the budget, and the designs it finds are small.
_APART_SHARE = 16
_APART_MAX_SIZE = 200_000
# With free rounds the hosts have far more to gain, and restarts find it (30 people at 5
# tables of 6 in 7 rounds: 120 or 121 host pairs with one share, 121 with four).
_FREE_ROUND_WORK = 4


def _travellers_then_hosts(
    people: int, g: int, rounds: int, target: int, rng: random.Random, deadline: float, work: int
) -> Schedule | None:
    """Seat the travellers without hosts, then give each round's groups their hosts.

    The travellers start from `_KIRKMAN_15` or the closed form for a room of travellers
    only (for 16 travellers at 4 tables that is the affine plane AG(2, 4): everyone meets
    everyone in 5 rounds); the search completes the rounds. The travellers need at least
    `target` minus the most host pairs there are (each traveller meeting min(rounds, g)
    hosts), else no host seating can reach the bound and None is returned.
    """
    travellers = people - g
    per_table = -(-travellers // g)
    traveller_target = target - travellers * min(rounds, g)
    start: Schedule = []
    if travellers == 15 and g == 5:
        start = [
            [[_LETTERS.index(c) for c in table] for table in line.split()]
            for line in _KIRKMAN_15[:rounds]
        ]
    elif per_table >= 2 and table_count(travellers, per_table) == g:
        start = _closed_form(travellers, per_table, rounds, False)
    if per_table >= 2 and table_count(travellers, per_table) == g:
        traveller_target = min(traveller_target, upper_bound(travellers, per_table, rounds, False))
    search = _Search(travellers, g, rounds, False, start, rng, deadline)
    groups = search.run(traveller_target, work)
    if distinct_pairs(groups) < traveller_target:
        return None  # the hosts cannot make up for it: leave it to the joint search
    # Once every two travellers have met, the later rounds are free: any grouping of
    # them keeps all traveller pairs, so they are regrouped for the hosts alone.
    everyone, met, complete = math.comb(travellers, 2), set(), rounds
    for k, tables in enumerate(groups):
        if len(met) == everyone:
            complete = k
            break
        met |= _pairs([tables])
    host_work = work * _FREE_ROUND_WORK if complete < rounds else work
    return _seat_hosts(groups, g, rng, deadline, host_work, free_from=complete)


def _rotated_with_hosts(
    travellers: int,
    g: int,
    rounds: int,
    target: int,
    deadline: float,
    work: int,
    rotation_work: int,
) -> Schedule | None:
    """Travellers who never meet twice from `_rotating`, then their hosts (`_seat_hosts`),
    or None unless that reaches `target`. Whether the hosts fit depends on the design: for
    30 people at 6 tables of 5 in 7 rounds, 10 of the first 24 designs let every traveller
    meet all 6 hosts (396 pairs, the bound) and the others leave 18 host pairs unmet, so up to
    _ROTATION_ATTEMPTS designs are tried, each with its own random numbers. The designs
    share `rotation_work`; the hosts of each may spend half of `work`."""
    left, host_work = rotation_work, work // 2
    for attempt in range(_ROTATION_ATTEMPTS):
        groups, done = _rotating(travellers, g, rounds, deadline, left, attempt)
        if groups is None:
            return None
        left -= done
        seated = _seat_hosts(groups, g, random.Random(attempt), deadline, host_work)
        if distinct_pairs(seated) >= target:
            return seated
    return None


# The designs share 1/_ROTATION_SHARE of the budget: at 30/5/7 one takes 107 000 work on
# average (4 500 swaps, at most 15 300 over 24 designs), so the default budget finds about
# two (the first fits).
_ROTATION_ATTEMPTS = 4
_ROTATION_SHARE = 8


def _seat_hosts(
    groups: Schedule,
    g: int,
    rng: random.Random,
    deadline: float,
    work: int,
    *,
    free_from: int | None = None,
) -> Schedule:
    """Give each round's g traveller groups (travellers numbered from 0) to hosts 0…g−1.

    Coordinate descent (`_HostSeating.descend`): take one round out and give its groups
    the hosts that add the most new host–traveller pairs given all other rounds (an
    assignment problem, solved exactly by `_best_assignment`); repeat over the rounds
    until none improves. Rounds from `free_from` on are free: there each traveller is
    seated anew, at the host's table where they add most (an assignment of travellers to
    seats), keeping the table sizes. A free round can give every traveller one host they
    missed, so with f free rounds the other rounds first aim at g − f hosts for everyone
    rather than at all of them, and then the free rounds fill the gaps (30 people at 5
    tables of 6 in 7 rounds: 121 of the 125 host pairs, against 118 without that aim).

    A few restarts from random hosts, stopping as soon as every traveller meets
    min(rounds, g) different hosts or `work` is spent (one round re-seated costs g³ +
    travellers·g, a free one travellers³). Returns the schedule with the hosts,
    travellers numbered from g on.
    """
    rounds = len(groups)
    travellers = sum(len(group) for group in groups[0])
    if free_from is None or travellers > _MAX_FREE_ROUND or g > _MAX_ASSIGNMENT:
        free_from = rounds
    goal = travellers * min(rounds, g)
    best, best_covered = None, -1
    seating = _HostSeating(groups, g, free_from, rng)
    for attempt in range(_HOST_RESTARTS):
        if attempt and (seating.done > work or time.perf_counter() > deadline):
            break
        seating.start(randomly=attempt > 0)
        if free_from < rounds:  # (never with more than _MAX_ASSIGNMENT tables)
            seating.descend(range(free_from), g - (rounds - free_from), work, goal)
            for r in range(free_from, rounds):
                seating.seat_free(r)
        elif g <= _MAX_ASSIGNMENT:
            seating.descend(range(rounds), g, work, goal)
        if seating.covered > best_covered:
            best_covered = seating.covered
            best = seating.snapshot()
        if best_covered >= goal:
            break
    schedule = []
    for tables, hosts in zip(*best, strict=True):
        seated: list[list[int]] = [[h] for h in range(g)]
        for group, h in zip(tables, hosts, strict=True):
            seated[h].extend(g + x for x in group)
        schedule.append(seated)
    return schedule


class _HostSeating:
    """The state of `_seat_hosts`: groups[r] (traveller groups), host_of[r] (the host of
    each group), met[x][h], how often traveller x sat with host h, and `covered`, how many
    of those are not zero (the host–traveller pairs that met)."""

    def __init__(self, groups: Schedule, g: int, free_from: int, rng: random.Random):
        self.groups = [[list(group) for group in tables] for tables in groups]
        self.g, self.free_from, self.rng = g, free_from, rng
        self.travellers = sum(len(group) for group in groups[0])
        self.done = 0

    def start(self, *, randomly: bool) -> None:
        g = self.g
        self.host_of = [
            self.rng.sample(range(g), g) if randomly else list(range(g)) for _ in self.groups
        ]
        self.met = [[0] * g for _ in range(self.travellers)]
        self.covered = 0
        for r in range(self.free_from):  # free rounds count once they are seated
            self._count(r, 1)

    def snapshot(self) -> tuple[Schedule, list[list[int]]]:
        return [[list(group) for group in tables] for tables in self.groups], [
            list(hosts) for hosts in self.host_of
        ]

    def descend(self, rounds: range, aim: int, work: int, goal: int) -> None:
        """Re-seat random rounds of `rounds` until a sweep of them gains nothing or `goal`
        pairs are covered, counting a host only for travellers who have met fewer than
        `aim` hosts elsewhere."""
        stale = 0  # rounds re-seated since the last gain; a sweep of them ends the descent
        while stale < 8 * len(rounds) and self.done <= work and self.covered < goal:
            r = self.rng.choice(rounds)
            stale = 0 if self.reseat(r, aim) else stale + 1

    def reseat(self, r: int, aim: int) -> bool:
        """Re-seat round r as well as possible given the others; True if that gained."""
        g, met = self.g, self.met
        self._count(r, -1)
        # Aiming at all g hosts, a host not met yet always counts: no need to count `seen`.
        seen = [sum(1 for count in row if count) for row in met] if aim < g else None

        def gain(group: list[int], h: int) -> int:
            return sum(1 for x in group if not met[x][h] and (seen is None or seen[x] < aim))

        tables, hosts = self.groups[r], self.host_of[r]
        before = sum(gain(group, h) for group, h in zip(tables, hosts, strict=True))
        self.done += g**3 + self.travellers * g
        # Hosts in random order: among equally good assignments each sweep takes
        # another, which lets the descent drift along plateaus.
        order = self.rng.sample(range(g), g)
        loss = [[-gain(group, h) for h in order] for group in tables]
        self.host_of[r] = hosts = [order[column] for column in _best_assignment(loss)]
        after = sum(gain(group, h) for group, h in zip(tables, hosts, strict=True))
        self._count(r, 1)
        return after > before

    def seat_free(self, r: int) -> None:
        """Seat free round r (not counted yet): each traveller at the host's table where
        they meet a host they have not met (an assignment of travellers to seats)."""
        self.done += self.travellers**3
        tables, hosts = self.groups[r], self.host_of[r]
        seats = [i for i, group in enumerate(tables) for _ in group]
        people = [x for group in tables for x in group]
        self.rng.shuffle(people)  # among equally good seatings, each restart tries another
        cost = [[min(1, self.met[x][hosts[i]]) for i in seats] for x in people]
        regrouped: list[list[int]] = [[] for _ in tables]
        for x, seat in zip(people, _best_assignment(cost), strict=True):
            regrouped[seats[seat]].append(x)
        self.groups[r] = [sorted(group) for group in regrouped]
        self._count(r, 1)

    def _count(self, r: int, step: int) -> None:
        for group, h in zip(self.groups[r], self.host_of[r], strict=True):
            for x in group:
                row = self.met[x]
                if not row[h] or row[h] + step == 0:
                    self.covered += step  # a first meeting, or the last one undone
                row[h] += step


_HOST_RESTARTS = 20
# A free round costs travellers³ steps to seat; beyond this many travellers it keeps the
# groups the search gave it.
_MAX_FREE_ROUND = 60
# The exact assignment costs g³ steps per round; beyond this many tables the groups keep
# the hosts they were given (with that many tables hosts rarely have to repeat anyway).
_MAX_ASSIGNMENT = 40


def _best_assignment(cost: list[list[int]]) -> list[int]:
    """The column for each row of a square matrix that minimises the total cost
    (the Hungarian method with potentials, O(n³))."""
    n = len(cost)
    u, v = [0] * (n + 1), [0] * (n + 1)
    row_of, way = [0] * (n + 1), [0] * (n + 1)  # row_of[column], 1-based; 0 = free
    for row in range(1, n + 1):
        row_of[0], column = row, 0
        lowest, used = [math.inf] * (n + 1), [False] * (n + 1)
        while row_of[column]:
            used[column] = True
            current, delta, nearest = row_of[column], math.inf, 0
            for j in range(1, n + 1):
                if not used[j]:
                    reduced = cost[current - 1][j - 1] - u[current] - v[j]
                    if reduced < lowest[j]:
                        lowest[j], way[j] = reduced, column
                    if lowest[j] < delta:
                        delta, nearest = lowest[j], j
            for j in range(n + 1):
                if used[j]:
                    u[row_of[j]] += delta
                    v[j] -= delta
                else:
                    lowest[j] -= delta
            column = nearest
        while column:
            previous = way[column]
            row_of[column] = row_of[previous]
            column = previous
    chosen = [0] * n
    for j in range(1, n + 1):
        chosen[row_of[j] - 1] = j - 1
    return chosen


# --- search ----------------------------------------------------------------------------


class _Search:
    """Greedy completion plus tabu search over moves of travellers within one round.

    State: tables[r][t] (persons), where[r][p] (table), meet[a][b] (times a and b shared
    a table). The objective is the number of repeat meetings, Σ max(0, meet − 1): every
    round seats a fixed number of pairs, so fewer repeats means more distinct pairs.

    To price a move in O(1), `known[r][p][t]` counts the people at table t in round r
    whom p has met at all, and `again[r][p][t]` those p has met twice or more. Moving
    a from table A to B and b from B to A then changes the repeats by
        known[a][B] + known[b][A] − 2·[a met b] − again[a][A] − again[b][B].
    Pairs that met twice or more are kept in `hot`, so a conflict can be drawn in O(1).

    Each step prices the moves of one round, drawn through a repeated pair, or, in a
    small room where no repeat is forced (`every_round`), of all rounds. Other rooms
    first try a short descent over all rounds, kept only if it reaches the bound.
    """

    # Keeping the counts costs rounds × people² steps up front; beyond this the greedy
    # schedule is returned as it is rather than blowing the time budget.
    MAX_INDEX = 3_000_000
    # Tuned on bench/tables.py. Drawing a random conflict each step already varies the
    # search, so a short tabu tenure (1 + people/32 steps) works best. After PATIENCE +
    # PATIENCE_PER_PERSON·people steps without a new best, restart from the best with
    # SHAKE to 2·SHAKE random swaps.
    TENURE, TENURE_SHARE = 1, 32
    PATIENCE, PATIENCE_PER_PERSON = 100, 5
    SHAKE = 1
    # In a small room (rounds × people² ≤ WHOLE_ROOM) whose tables seat no more people
    # than there are tables, so that the pigeonhole forces no repeat, each step prices
    # every round instead (`every_round`): few travellers are troubled there, so such a
    # step costs only a few ordinary ones (4–5 at 30/5/7), and it finds the best move
    # wherever it is. On bench/tables.py (seed 0): 24 people at 6 tables of 4 in 7 rounds
    # 231 → 232 pairs, 24/5/7 265 → 266 (the bound), 30/5/7 375 → 377, no point worse;
    # over seeds 0–7 the mean at 24/4/7 rises from 230.0 to 231.6. Its steps cost more,
    # so it takes a fixed tenure of WHOLE_TENURE and a shorter patience. Larger rooms
    # (32/6/7: 437 against 439 on average over 12 seeds) and rooms with forced repeats
    # (24/6/5: every traveller troubled in every round, 243.5 against 246) do better
    # with more, cheaper steps.
    WHOLE_ROOM = 6400
    WHOLE_TENURE = 3
    WHOLE_PATIENCE, WHOLE_PATIENCE_PER_PERSON = 50, 2
    # Other rooms first try a plain descent over every round (`_descend`), with at most
    # 1/DESCENT_SHARE of the work (if a step, at most rounds × people² prices, fits in
    # that): 32 people at 4 tables of 8 in 7 rounds reach the bound of 490 that way in
    # 13 steps, where the tabu search stops at 487. Where it falls short the search
    # starts over from where it was, with the same random numbers and the work that is
    # left (no other point of the bench changed).
    DESCENT_SHARE = 10

    def __init__(
        self,
        people: int,
        g: int,
        rounds: int,
        hosts: bool,
        start: Schedule,
        rng: random.Random,
        deadline: float,
    ):
        self.n, self.g, self.rounds, self.rng, self.deadline = people, g, rounds, rng, deadline
        self.first_traveller = g if hosts else 0
        self.every_round = rounds * people**2 <= self.WHOLE_ROOM and -(-people // g) <= g
        self.meet = [[0] * people for _ in range(people)]
        self.hot: list[int] = []
        self.hot_index: dict[int, int] = {}
        self.repeats = 0
        self.indexed = False
        self.tables: Schedule = []
        for tables in start:
            self._add_round([list(table) for table in tables])
        while len(self.tables) < rounds:
            if time.perf_counter() < deadline:
                self._add_round(self._greedy_round(len(self.tables)))
            else:  # out of time: any valid round will do
                self._add_round(self._shifted_round(len(self.tables)))

    # meetings

    def _meet(self, a: int, b: int) -> None:
        count = self.meet[a][b]
        self.meet[a][b] = self.meet[b][a] = count + 1
        if count >= 1:
            self.repeats += 1
            if count == 1:
                key = min(a, b) * self.n + max(a, b)
                self.hot_index[key] = len(self.hot)
                self.hot.append(key)
        if self.indexed and count <= 1:
            self._recount(a, b, self.known if count == 0 else self.again, 1)

    def _part(self, a: int, b: int) -> None:
        count = self.meet[a][b]
        self.meet[a][b] = self.meet[b][a] = count - 1
        if count >= 2:
            self.repeats -= 1
            if count == 2:
                key = min(a, b) * self.n + max(a, b)
                index = self.hot_index.pop(key)
                last = self.hot.pop()
                if last != key:
                    self.hot[index] = last
                    self.hot_index[last] = index
        if self.indexed and count <= 2:
            self._recount(a, b, self.known if count == 1 else self.again, -1)

    def _recount(self, a: int, b: int, counts: list, step: int) -> None:
        """a and b crossed a threshold: adjust what each sees at the other's table."""
        for r in range(self.rounds):
            where = self.where[r]
            counts[r][a][where[b]] += step
            counts[r][b][where[a]] += step

    def _add_round(self, tables: list[list[int]]) -> None:
        for table in tables:
            for a, b in combinations(table, 2):
                self._meet(a, b)
        self.tables.append(tables)

    def _index(self) -> None:
        self.where = [[0] * self.n for _ in range(self.rounds)]
        self.known = [[[0] * self.g for _ in range(self.n)] for _ in range(self.rounds)]
        self.again = [[[0] * self.g for _ in range(self.n)] for _ in range(self.rounds)]
        for r, tables in enumerate(self.tables):
            where = self.where[r]
            for t, table in enumerate(tables):
                for person in table:
                    where[person] = t
            for p, row in enumerate(self.meet):
                known, again = self.known[r][p], self.again[r][p]
                for other, count in enumerate(row):
                    if count:
                        known[where[other]] += 1
                        if count >= 2:
                            again[where[other]] += 1
        self.indexed = True

    # building rounds

    def _greedy_round(self, r: int) -> list[list[int]]:
        """Each traveller in turn takes the open table where Σ (earlier meetings)² is
        lowest: squares make a third meeting costlier than two second ones."""
        seats = _round_seats(self.n, self.g, r)
        tables = [[t] if self.first_traveller else [] for t in range(self.g)]
        travellers = list(range(self.first_traveller, self.n))
        self.rng.shuffle(travellers)
        for person in travellers:
            row = self.meet[person]
            best, best_key = 0, None
            for t, table in enumerate(tables):
                free = seats[t] - len(table)
                if free:
                    key = (sum(row[x] * row[x] for x in table), -free, self.rng.random())
                    if best_key is None or key < best_key:
                        best, best_key = t, key
            tables[best].append(person)
        return tables

    def _shifted_round(self, r: int) -> list[list[int]]:
        """A valid round in O(people): traveller i goes to table (i + r·⌊i/g⌋) mod g."""
        seats = _round_seats(self.n, self.g, r)
        tables = [[t] if self.first_traveller else [] for t in range(self.g)]
        for i, person in enumerate(range(self.first_traveller, self.n)):
            t = (i + r * (i // self.g)) % self.g
            while len(tables[t]) >= seats[t]:
                t = (t + 1) % self.g
            tables[t].append(person)
        return tables

    # tabu search

    def run(self, target: int, work: int) -> Schedule:
        """Improve until the bound (`target` distinct pairs) is reached or the budget is
        spent; return the best schedule seen."""
        total = sum(math.comb(len(t), 2) for tables in self.tables for t in tables)
        goal = total - target  # repeats left when the bound is reached
        best_repeats, best = self.repeats, self._snapshot()
        random_state = self.rng.getstate()
        if self.repeats <= goal or self.rounds * self.n**2 > self.MAX_INDEX:
            return best
        if time.perf_counter() > self.deadline:
            return best
        self._index()
        iteration = stall = done = 0
        share = work // self.DESCENT_SHARE
        if not self.every_round and self.rounds * self.n**2 <= share:  # a step fits in it
            done = self._descend(goal, share)
            if self.repeats <= goal:
                return self._snapshot()
            self._restore(best)
            self.rng.setstate(random_state)
        tabu: dict[tuple[int, int, int], int] = {}
        if self.every_round:
            tenure = self.WHOLE_TENURE
            patience = self.WHOLE_PATIENCE + self.WHOLE_PATIENCE_PER_PERSON * self.n
        else:
            tenure = self.TENURE + self.n // self.TENURE_SHARE
            patience = self.PATIENCE + self.PATIENCE_PER_PERSON * self.n
        while self.repeats > goal and done < work and time.perf_counter() < self.deadline:
            iteration += 1
            move, evaluated = self._choose(tabu, iteration, best_repeats, self.every_round)
            done += evaluated + 100  # the rest of a step costs about as much as 100 prices
            if move is None:
                continue
            done += 2 * self.n  # the counts of everyone who met the movers
            r, a, b, to = move
            home = self.where[r][a]
            self._swap(r, a, b, to)
            tabu[(r, a, home)] = iteration + tenure + self.rng.randrange(tenure)
            if b is not None:
                tabu[(r, b, to)] = iteration + tenure + self.rng.randrange(tenure)
            if self.repeats < best_repeats:
                best_repeats, best, stall = self.repeats, self._snapshot(), 0
            else:
                stall += 1
                if stall > patience:  # stuck: restart from the best with a small shake
                    self._restore(best)
                    for _ in range(self.SHAKE + self.rng.randrange(self.SHAKE + 1)):
                        self._random_swap()
                    tabu.clear()
                    stall = 0
        return best

    def _descend(self, goal: int, work: int) -> int:
        """Take the best move of any round while it lowers the repeats, until `goal`
        repeats are left or `work` is spent; return the work spent."""
        done = 0
        while self.repeats > goal and done < work and time.perf_counter() < self.deadline:
            move, evaluated = self._choose({}, 0, self.repeats, every_round=True)
            done += evaluated + 100
            if move is None:
                break
            before = self.repeats
            self._swap(*move)
            done += 2 * self.n
            if self.repeats >= before:
                break
        return done

    def _choose(self, tabu: dict, iteration: int, best_repeats: int, every_round: bool):
        """Draw a repeated pair and one round in which they meet (or, if `every_round`,
        take all rounds); there, price every move of every traveller who sits with someone
        they met before. Returns the best admissible move (ties broken at random) and how
        many moves were priced.

        Drawing the round through a repeated pair visits rounds in proportion to their
        trouble; pricing all troubled travellers of the round (rather than only the two)
        finds much better moves for little extra work.
        """
        if every_round:
            rounds = range(self.rounds)
        else:
            a, b = divmod(self.hot[self.rng.randrange(len(self.hot))], self.n)
            met = [r for r in range(self.rounds) if self.where[r][a] == self.where[r][b]]
            rounds = [self.rng.choice(met)]
        first, beaten = self.first_traveller, best_repeats - self.repeats
        best_delta, moves, evaluated = None, [], 0
        for r in rounds:
            tables, where = self.tables[r], self.where[r]
            known, again = self.known[r], self.again[r]
            for mover in range(first, self.n):
                home = where[mover]
                leave = again[mover][home]
                if not leave:
                    continue
                row, sees = self.meet[mover], known[mover]
                smaller = len(tables[home]) - 1
                for t, table in enumerate(tables):
                    if t == home:
                        continue
                    join = sees[t] - leave
                    # (delta, other); without other, a larger table gives a seat to a smaller
                    candidates = [(join, None)] if len(table) == smaller else []
                    for other in table:
                        if other >= first:
                            delta = join + known[other][home] - again[other][t]
                            candidates.append((delta - 2 if row[other] else delta, other))
                    evaluated += len(candidates)
                    for delta, other in candidates:
                        if best_delta is not None and delta > best_delta:
                            continue
                        if delta >= beaten and (
                            tabu.get((r, mover, t), 0) > iteration
                            or (other is not None and tabu.get((r, other, home), 0) > iteration)
                        ):
                            continue  # tabu, and not good enough to override that
                        if best_delta is None or delta < best_delta:
                            best_delta, moves = delta, [(r, mover, other, t)]
                        else:
                            moves.append((r, mover, other, t))
        if not moves:
            return None, evaluated
        return self.rng.choice(moves), evaluated

    def _swap(self, r: int, a: int, b: int | None, to: int) -> None:
        """Move a to table `to` in round r and b (if any) to a's table."""
        home = self.where[r][a]
        self._relocate(r, a, to)
        if b is not None:
            self._relocate(r, b, home)

    def _relocate(self, r: int, person: int, to: int) -> None:
        tables, where = self.tables[r], self.where[r]
        home = where[person]
        tables[home].remove(person)
        for x in tables[home]:
            self._part(person, x)
        known, again = self.known[r], self.again[r]
        for other, count in enumerate(self.meet[person]):
            if count:
                known[other][home] -= 1
                known[other][to] += 1
                if count >= 2:
                    again[other][home] -= 1
                    again[other][to] += 1
        where[person] = to
        for z in tables[to]:
            self._meet(person, z)
        tables[to].append(person)

    def _random_swap(self) -> None:
        travellers = range(self.first_traveller, self.n)
        if len(travellers) < 2:
            return
        r = self.rng.randrange(self.rounds)
        a, b = self.rng.sample(travellers, 2)
        if self.where[r][a] != self.where[r][b]:
            self._swap(r, a, b, self.where[r][b])

    def _snapshot(self) -> Schedule:
        return [[list(table) for table in tables] for tables in self.tables]

    def _restore(self, schedule: Schedule) -> None:
        self.meet = [[0] * self.n for _ in range(self.n)]
        self.hot, self.hot_index, self.repeats, self.tables = [], {}, 0, []
        self.indexed = False
        for tables in schedule:
            self._add_round([list(table) for table in tables])
        self._index()

/* Exhaustive search for the most distinct pairs of a World Café room with hosts.
 *
 * Usage: prove_tables PEOPLE SIZE ROUNDS LOSS
 * Built and run by `python bench/tables.py --exact PEOPLE SIZE ROUNDS LOSS`.
 *
 * The room has g = ceil(PEOPLE / SIZE) tables; host t sits at table t in every round, and
 * the n = PEOPLE - g travellers are seated around them (every table seats one host and
 * floor(PEOPLE/g) - 1 or ceil(PEOPLE/g) - 1 travellers, in any arrangement per round).
 * A traveller is then a word of ROUNDS letters over g: their table in each round. Two
 * travellers meet iff their words agree somewhere, and a traveller meets the hosts of
 * the letters in their word, so a schedule is a multiset of n words and
 *
 *     distinct pairs = C(n, 2) + n * min(ROUNDS, g) - loss,
 *     loss = (pairs of words that differ in every round)
 *          + sum over words of (min(ROUNDS, g) - distinct letters).
 *
 * Both parts of the loss only grow as words are added, so a depth-first search over
 * the words in lexicographic order (the travellers are interchangeable), pruned as soon
 * as the loss exceeds LOSS, visits every schedule with loss <= LOSS. Further pruning:
 * - a word must fit its tables (at most the larger size per letter and round), and the
 *   words still to come must be able to fill every table to the smaller size; as the
 *   words come sorted, a table of round 1 is complete once a word starts with a later one;
 * - every word still to come is at least as large as the last one and costs at least
 *   what it would cost now (later words only add pairs that never meet), so the loss so
 *   far plus (words to come) x (cheapest such word) must stay within LOSS;
 * - symmetry: renaming the tables (with their hosts) or reordering the rounds maps
 *   schedules to schedules of the same value, so the smallest word may be taken to be
 *   the smallest of its class under those maps.
 *
 * When every table seats the same k = n / g travellers, a faster search goes round by
 * round instead (`by_rounds`). A round is a partition of the travellers into g groups of
 * k, written as a restricted growth string (each traveller's group, groups numbered by
 * their first traveller). There are exactly R·g·C(k, 2) meetings between travellers, so
 *
 *     loss = A0 + E + M,   A0 = C(n, 2) - R·g·C(k, 2),
 *
 * where E counts the meetings of two travellers who met before (it only grows as
 * travellers are seated) and M the hosts missed as above. Round 1 is fixed to groups of
 * consecutive travellers, whose string is the smallest there is, and the later rounds come
 * in ascending order of their strings (renaming travellers and reordering rounds). Only
 * for the partitions within the loss are the hosts handed out: those of round 1 in order
 * (renaming hosts), then a bijection per round, pruned by the hosts each traveller can
 * still meet in the rounds left.
 *
 * It prints every improvement it finds and, at the end, the least loss within LOSS (or
 * none): "none" proves that no schedule has more than C(n,2) + n*min(ROUNDS,g) - LOSS - 1
 * distinct pairs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORDS 8192 /* g^ROUNDS words; their `apart` table takes MAX_WORDS² bytes */
#define MAX_ROUNDS 8
#define MAX_TABLES 16
#define MAX_TRAVELLERS 64

static int g, rounds, n, words, budget, fewest, most, hosts_each;
static int sizes[MAX_TABLES]; /* travellers per table, largest first */
static unsigned char letter[MAX_WORDS][MAX_ROUNDS];
static unsigned char missed[MAX_WORDS];
static unsigned char *apart; /* apart[a * words + b]: a and b never share a table */
static int seated[MAX_ROUNDS][MAX_TABLES];
static int chosen[MAX_TRAVELLERS];
static int cost[MAX_TRAVELLERS][MAX_WORDS];
static long long nodes;
static int least = -1;

/* The smallest code of w under renaming the tables and reordering the rounds. */
static int canonical(int w) {
    int order[MAX_ROUNDS], best = -1;
    for (int i = 0; i < rounds; i++) order[i] = i;
    for (;;) {
        int name[MAX_TABLES], next = 0, code = 0;
        for (int t = 0; t < g; t++) name[t] = -1;
        for (int i = 0; i < rounds; i++) {
            int t = letter[w][order[i]];
            if (name[t] < 0) name[t] = next++;
            code = code * g + name[t];
        }
        if (best < 0 || code < best) best = code;
        int i = rounds - 2; /* next permutation of the rounds */
        while (i >= 0 && order[i] > order[i + 1]) i--;
        if (i < 0) return best;
        int j = rounds - 1;
        while (order[j] < order[i]) j--;
        int swap = order[i];
        order[i] = order[j];
        order[j] = swap;
        for (int a = i + 1, b = rounds - 1; a < b; a++, b--) {
            swap = order[a];
            order[a] = order[b];
            order[b] = swap;
        }
    }
}

static int tables_match(void) {
    for (int r = 0; r < rounds; r++) {
        int count[MAX_TABLES];
        memcpy(count, seated[r], sizeof count);
        for (int i = 0; i < g; i++) /* sort descending */
            for (int j = i + 1; j < g; j++)
                if (count[j] > count[i]) {
                    int swap = count[i];
                    count[i] = count[j];
                    count[j] = swap;
                }
        for (int t = 0; t < g; t++)
            if (count[t] != sizes[t]) return 0;
    }
    return 1;
}

static int fits(int w) {
    for (int r = 0; r < rounds; r++)
        if (seated[r][letter[w][r]] >= most) return 0;
    return 1;
}

static void search(int depth, int first, int loss) {
    nodes++;
    if (depth == n) {
        if (tables_match() && (least < 0 || loss < least)) {
            least = loss;
            printf("loss %d:", loss);
            for (int i = 0; i < n; i++) {
                putchar(' ');
                for (int r = 0; r < rounds; r++) putchar('0' + letter[chosen[i]][r]);
            }
            putchar('\n');
            fflush(stdout);
        }
        return;
    }
    int left = n - depth;
    for (int r = 0; r < rounds; r++) {
        int short_of = 0;
        for (int t = 0; t < g; t++)
            if (seated[r][t] < fewest) short_of += fewest - seated[r][t];
        if (short_of > left) return;
    }
    /* cost[depth][w]: what word w would add now, or budget + 1 if it cannot be added. */
    int *here = cost[depth];
    for (int w = first; w < words; w++) {
        int c = budget + 1;
        if (fits(w)) {
            c = missed[w];
            const unsigned char *row = apart + (size_t)w * words;
            for (int i = 0; i < depth && c <= budget; i++) c += row[chosen[i]];
        }
        here[w] = c;
    }
    /* cheapest[w]: the cheapest word from w on, as a later word may be any of those. */
    static int cheapest[MAX_TRAVELLERS][MAX_WORDS + 1];
    int *low = cheapest[depth];
    low[words] = budget + 1;
    for (int w = words - 1; w >= first; w--) low[w] = here[w] < low[w + 1] ? here[w] : low[w + 1];
    /* Sorted, the words fill the tables of round 1 in turn: moving on to a later table
     * leaves the ones skipped at their final count, which must be enough. */
    int table = depth ? letter[chosen[depth - 1]][0] : 0;
    for (int w = first; w < words; w++) {
        while (table < letter[w][0] && seated[0][table] >= fewest) table++;
        if (table < letter[w][0]) break;
        if (loss + here[w] + (left - 1) * low[w] > budget) continue;
        if (depth == 0 && canonical(w) != w) continue;
        for (int r = 0; r < rounds; r++) seated[r][letter[w][r]]++;
        chosen[depth] = w;
        search(depth + 1, w, loss + here[w]);
        for (int r = 0; r < rounds; r++) seated[r][letter[w][r]]--;
    }
}

/* --- Round by round, when every table seats k travellers --------------------------------- */

static int k, spare; /* spare: E + M may not exceed it */
static int group_of[MAX_ROUNDS][MAX_TRAVELLERS];
static int members[MAX_ROUNDS][MAX_TABLES][MAX_TRAVELLERS], filled[MAX_ROUNDS][MAX_TABLES];
static unsigned char times_met[MAX_TRAVELLERS][MAX_TRAVELLERS];
static int host_of[MAX_ROUNDS][MAX_TABLES], host_taken[MAX_ROUNDS][MAX_TABLES];
static int with_host[MAX_TRAVELLERS][MAX_TABLES], hosts_met[MAX_TRAVELLERS];
static int least_spare = -1;

static void print_rounds(int spent) {
    printf("loss %d:", budget - spare + spent);
    for (int r = 0; r < rounds; r++) {
        printf(" |");
        for (int b = 0; b < g; b++) {
            printf(" %d:", host_of[r][b]);
            for (int i = 0; i < k; i++) printf("%s%d", i ? "," : "", members[r][b][i]);
        }
    }
    putchar('\n');
    fflush(stdout);
}

static void seat_host(int r, int b, int repeats) {
    if (b == g) { /* round r has its hosts: how many hosts must be missed at least? */
        int left = rounds - 1 - r, missed_at_least = 0;
        for (int x = 0; x < n; x++) {
            int short_of = hosts_each - hosts_met[x] - left;
            if (short_of > 0) missed_at_least += short_of;
        }
        int spent = repeats + missed_at_least;
        if (spent > spare || (least_spare >= 0 && spent >= least_spare)) return;
        if (r == rounds - 1) {
            least_spare = spent;
            print_rounds(spent);
            return;
        }
        seat_host(r + 1, 0, repeats);
        return;
    }
    for (int h = 0; h < g; h++) {
        if (host_taken[r][h]) continue;
        host_taken[r][h] = 1;
        host_of[r][b] = h;
        for (int i = 0; i < k; i++) {
            int x = members[r][b][i];
            if (with_host[x][h]++ == 0) hosts_met[x]++;
        }
        seat_host(r, b + 1, repeats);
        for (int i = 0; i < k; i++) {
            int x = members[r][b][i];
            if (--with_host[x][h] == 0) hosts_met[x]--;
        }
        host_taken[r][h] = 0;
    }
}

/* Seat traveller x in round r; `opened` groups are in use, `repeats` is E so far, and
 * `tied` says the string of round r equals that of round r - 1 so far. */
static void by_rounds(int r, int x, int opened, int repeats, int tied) {
    nodes++;
    if (x == n) {
        if (r < rounds - 1) {
            by_rounds(r + 1, 0, 0, repeats, 1);
            return;
        }
        seat_host(1, 0, repeats);
        return;
    }
    for (int b = tied ? group_of[r - 1][x] : 0; b <= opened && b < g; b++) {
        if (filled[r][b] == k) continue;
        int again = 0;
        for (int i = 0; i < filled[r][b]; i++) again += times_met[x][members[r][b][i]] > 0;
        if (repeats + again > spare || (least_spare >= 0 && repeats + again >= least_spare))
            continue;
        for (int i = 0; i < filled[r][b]; i++) {
            int other = members[r][b][i];
            times_met[x][other]++;
            times_met[other][x]++;
        }
        members[r][b][filled[r][b]++] = x;
        group_of[r][x] = b;
        by_rounds(r, x + 1, b == opened ? opened + 1 : opened, repeats + again,
                  tied && b == group_of[r - 1][x]);
        filled[r][b]--;
        for (int i = 0; i < filled[r][b]; i++) {
            int other = members[r][b][i];
            times_met[x][other]--;
            times_met[other][x]--;
        }
    }
}

static void search_by_rounds(void) {
    int never_fewer = n * (n - 1) / 2 - rounds * g * k * (k - 1) / 2; /* A0 */
    spare = budget - never_fewer;
    if (spare < 0) return;
    for (int x = 0; x < n; x++) { /* round 1: groups of consecutive travellers, host b */
        int b = x / k;
        for (int i = 0; i < filled[0][b]; i++) {
            times_met[x][members[0][b][i]]++;
            times_met[members[0][b][i]][x]++;
        }
        members[0][b][filled[0][b]++] = x;
        group_of[0][x] = b;
        host_of[0][b] = b;
        with_host[x][b] = hosts_met[x] = 1;
    }
    by_rounds(1, 0, 0, 0, 1);
    if (least_spare >= 0) least = budget - spare + least_spare;
}

/* Sets up the words and runs `search`; nonzero when there are too many words. */
static int search_by_words(void) {
    words = 1;
    for (int r = 0; r < rounds; r++) {
        words *= g;
        if (words > MAX_WORDS) return 1;
    }
    for (int w = 0; w < words; w++) {
        int x = w, seen = 0;
        for (int r = rounds - 1; r >= 0; r--) {
            letter[w][r] = x % g;
            x /= g;
        }
        for (int r = 0; r < rounds; r++) seen |= 1 << letter[w][r];
        missed[w] = hosts_each - __builtin_popcount(seen);
    }
    apart = malloc((size_t)words * words);
    for (int a = 0; a < words; a++)
        for (int b = 0; b < words; b++) {
            int meet = 0;
            for (int r = 0; r < rounds; r++) meet |= letter[a][r] == letter[b][r];
            apart[(size_t)a * words + b] = !meet;
        }
    search(0, 0, 0);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: %s PEOPLE SIZE ROUNDS LOSS\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0); /* each line as it comes, even into a file */
    int people = atoi(argv[1]), size = atoi(argv[2]);
    rounds = atoi(argv[3]);
    budget = atoi(argv[4]);
    g = size > 0 ? (people + size - 1) / size : 0;
    n = people - g;
    if (g < 2 || g > MAX_TABLES || rounds < 1 || rounds > MAX_ROUNDS || n < 1 ||
        n > MAX_TRAVELLERS || budget < 0) {
        fprintf(stderr, "out of range\n");
        return 2;
    }
    int small = people / g, big = people % g;
    for (int t = 0; t < g; t++) sizes[t] = (t < big ? small + 1 : small) - 1;
    fewest = small - 1;
    most = big ? small : small - 1;
    hosts_each = rounds < g ? rounds : g;
    int most_pairs = n * (n - 1) / 2 + n * hosts_each;
    printf("people=%d size=%d rounds=%d: %d tables, %d travellers, at most %d pairs; loss <= %d\n",
           people, size, rounds, g, n, most_pairs, budget);
    if (n % g == 0 && rounds > 1) {
        k = n / g;
        search_by_rounds();
    } else if (search_by_words()) {
        fprintf(stderr, "too many words (tables^rounds > %d)\n", MAX_WORDS);
        return 2;
    }
    if (least < 0)
        printf("none within loss %d (%lld nodes): at most %d distinct pairs\n", budget, nodes,
               most_pairs - budget - 1);
    else
        printf("least loss %d (%lld nodes): best %d distinct pairs\n", least, nodes,
               most_pairs - least);
    return 0;
}

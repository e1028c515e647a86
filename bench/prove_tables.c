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
 * It prints every improvement it finds and, at the end, the least loss within LOSS (or
 * none): "none" proves that no schedule has more than C(n,2) + n*min(ROUNDS,g) - LOSS - 1
 * distinct pairs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORDS 65536
#define MAX_ROUNDS 8
#define MAX_TABLES 16
#define MAX_TRAVELLERS 64

static int g, rounds, n, words, budget, fewest, most;
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

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: %s PEOPLE SIZE ROUNDS LOSS\n", argv[0]);
        return 2;
    }
    int people = atoi(argv[1]), size = atoi(argv[2]);
    rounds = atoi(argv[3]);
    budget = atoi(argv[4]);
    g = (people + size - 1) / size;
    n = people - g;
    words = 1;
    for (int r = 0; r < rounds; r++) words *= g;
    if (g < 2 || g > MAX_TABLES || rounds < 1 || rounds > MAX_ROUNDS || n < 1 ||
        n > MAX_TRAVELLERS || words > MAX_WORDS || budget < 0) {
        fprintf(stderr, "out of range\n");
        return 2;
    }
    int small = people / g, big = people % g;
    for (int t = 0; t < g; t++) sizes[t] = (t < big ? small + 1 : small) - 1;
    fewest = small - 1;
    most = big ? small : small - 1;
    int hosts_each = rounds < g ? rounds : g;
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
    int most_pairs = n * (n - 1) / 2 + n * hosts_each;
    printf("people=%d size=%d rounds=%d: %d tables, %d travellers, at most %d pairs; loss <= %d\n",
           people, size, rounds, g, n, most_pairs, budget);
    search(0, 0, 0);
    if (least < 0)
        printf("none within loss %d (%lld nodes): at most %d distinct pairs\n", budget, nodes,
               most_pairs - budget - 1);
    else
        printf("least loss %d (%lld nodes): best %d distinct pairs\n", least, nodes,
               most_pairs - least);
    return 0;
}

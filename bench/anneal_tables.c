/* Simulated annealing for one World Café room with hosts (used by bench/improve_tables.py).
 *
 * usage: anneal_tables TRAVELLERS TABLES ROUNDS SECONDS SEED [STEPS]
 *
 * Host t stays at table t; the travellers 0..TRAVELLERS-1 sit q or q+1 to a table in every
 * round. The score is what the library counts: distinct traveller pairs plus distinct
 * (traveller, host) pairs. Moves, within one round: swap two travellers at different
 * tables, or move one traveller to a table with a seat fewer (sizes stay q or q+1, so the
 * larger tables may change from round to round). Restarts from random rounds every
 * STEPS moves (default 20 million), the temperature falling linearly from 1.5 to 0.02,
 * until SECONDS of processor time are spent; the first restart always runs to the end,
 * so with SECONDS 0 the result depends on the arguments only. Prints the best score and
 * then its schedule, a round per line, tables separated by " | ".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAXN 128
#define MAXG 32
#define MAXR 16

static int n, g, rounds, lo, hi;
static int table_of[MAXR][MAXN], seats[MAXR][MAXG][MAXN], filled[MAXR][MAXG], slot[MAXR][MAXN];
static int meet[MAXN][MAXN], visits[MAXN][MAXG], score;
static int best_score = -1, best[MAXR][MAXN];
static unsigned long long state;

static unsigned next(void) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (unsigned)(state >> 11);
}

static double uniform(void) { return (next() & 0xffffff) / 16777216.0; }

static void sit(int r, int a, int t) {
    for (int k = 0; k < filled[r][t]; k++) {
        int c = seats[r][t][k];
        if (meet[a][c]++ == 0) score++;
        meet[c][a]++;
    }
    if (visits[a][t]++ == 0) score++;
    seats[r][t][filled[r][t]] = a;
    slot[r][a] = filled[r][t]++;
    table_of[r][a] = t;
}

static void stand(int r, int a) {
    int t = table_of[r][a];
    int last = seats[r][t][--filled[r][t]];
    seats[r][t][slot[r][a]] = last;
    slot[r][last] = slot[r][a];
    for (int k = 0; k < filled[r][t]; k++) {
        int c = seats[r][t][k];
        if (--meet[a][c] == 0) score--;
        meet[c][a]--;
    }
    if (--visits[a][t] == 0) score--;
}

static void restart(void) {
    memset(meet, 0, sizeof meet);
    memset(visits, 0, sizeof visits);
    memset(filled, 0, sizeof filled);
    score = 0;
    for (int r = 0; r < rounds; r++) {
        int order[MAXN];
        for (int i = 0; i < n; i++) order[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = next() % (i + 1), x = order[i];
            order[i] = order[j];
            order[j] = x;
        }
        for (int i = 0; i < n; i++) sit(r, order[i], i % g);
    }
}

int main(int argc, char **argv) {
    if (argc != 6 && argc != 7) {
        fprintf(stderr, "usage: %s TRAVELLERS TABLES ROUNDS SECONDS SEED [STEPS]\n", argv[0]);
        return 2;
    }
    n = atoi(argv[1]), g = atoi(argv[2]), rounds = atoi(argv[3]);
    double seconds = atof(argv[4]);
    state = strtoull(argv[5], 0, 10) * 2654435761ULL + 1;
    long long steps = argc == 7 ? atoll(argv[6]) : 20000000LL;
    if (n < 2 || n > MAXN || g < 2 || g > MAXG || rounds < 1 || rounds > MAXR || steps < 1) {
        fprintf(stderr, "room or steps out of range\n");
        return 2;
    }
    lo = n / g, hi = (n + g - 1) / g;
    clock_t stop = clock() + (clock_t)(seconds * CLOCKS_PER_SEC);
    for (int first = 1; first || clock() < stop; first = 0) {
        restart();
        for (long long step = 0; step < steps; step++) {
            if (!first && (step & 0xfffff) == 0 && clock() >= stop) break;
            double temperature = 1.5 * (1.0 - (double)step / steps) + 0.02;
            int r = next() % rounds, a = next() % n, b = next() % n;
            int from = table_of[r][a], to = table_of[r][b];
            if (from == to) continue;
            int move = (next() & 3) == 0;
            if (move && (filled[r][from] == lo || filled[r][to] == hi)) continue;
            int before = score;
            stand(r, a);
            if (!move) stand(r, b);
            sit(r, a, to);
            if (!move) sit(r, b, from);
            int d = score - before;
            if (d < 0 && uniform() >= exp(d / temperature)) { /* undo */
                stand(r, a);
                if (!move) stand(r, b);
                sit(r, a, from);
                if (!move) sit(r, b, to);
            }
            if (score > best_score) {
                best_score = score;
                for (int q = 0; q < rounds; q++)
                    for (int i = 0; i < n; i++) best[q][i] = table_of[q][i];
            }
        }
    }
    printf("%d\n", best_score);
    for (int r = 0; r < rounds; r++) {
        for (int t = 0; t < g; t++) {
            for (int i = 0; i < n; i++)
                if (best[r][i] == t) printf("%d ", i);
            printf(t + 1 < g ? "| " : "\n");
        }
    }
    return 0;
}

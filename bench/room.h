/* One World Café room with hosts, shared by bench/anneal_tables.c and bench/tabu_tables.c.
 *
 * Host t stays at table t; travellers 0..n-1 sit lo or hi (= lo + 1) to a table in every
 * round. `score` is what the library counts: distinct traveller pairs plus distinct
 * (traveller, host) pairs, kept up to date as travellers sit down and stand up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAXN 128
#define MAXG 32
#define MAXR 16

static int n, g, rounds, lo, hi;
static int table_of[MAXR][MAXN], seats[MAXR][MAXG][MAXN], filled[MAXR][MAXG], slot[MAXR][MAXN];
static int meet[MAXN][MAXN], visits[MAXN][MAXG], hosts_met[MAXN], score;
static int best_score = -1, best[MAXR][MAXN];
static unsigned long long state;

static unsigned next(void) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (unsigned)(state >> 11);
}

static void sit(int r, int a, int t) {
    for (int k = 0; k < filled[r][t]; k++) {
        int c = seats[r][t][k];
        if (meet[a][c]++ == 0) score++;
        meet[c][a]++;
    }
    if (visits[a][t]++ == 0) score++, hosts_met[a]++;
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
    if (--visits[a][t] == 0) score--, hosts_met[a]--;
}

/* Everyone stands up and sits down at random, round by round; with `shifted` the larger
 * tables are a random run of tables instead of the first ones. */
static void seat_randomly(int shifted) {
    memset(meet, 0, sizeof meet);
    memset(visits, 0, sizeof visits);
    memset(hosts_met, 0, sizeof hosts_met);
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
        int shift = shifted ? next() % g : 0;
        for (int i = 0; i < n; i++) sit(r, order[i], (i + shift) % g);
    }
}

/* Remember the rooms as they are if they beat the best so far. */
static void keep(void) {
    if (score <= best_score) return;
    best_score = score;
    for (int r = 0; r < rounds; r++)
        for (int i = 0; i < n; i++) best[r][i] = table_of[r][i];
}

/* Read TRAVELLERS TABLES ROUNDS SECONDS SEED [LAST] (LAST defaults to `last`); exits with
 * code 2 and the usage unless they are in range. Returns LAST, sets *seconds. */
static long long read_room(int argc, char **argv, const char *last_name, long long last,
                           double *seconds) {
    if (argc != 6 && argc != 7) {
        fprintf(stderr, "usage: %s TRAVELLERS TABLES ROUNDS SECONDS SEED [%s]\n", argv[0],
                last_name);
        exit(2);
    }
    n = atoi(argv[1]), g = atoi(argv[2]), rounds = atoi(argv[3]);
    *seconds = atof(argv[4]);
    state = strtoull(argv[5], 0, 10) * 2654435761ULL + 1;
    if (argc == 7) last = atoll(argv[6]);
    if (n < 2 || n > MAXN || g < 2 || g > MAXG || rounds < 1 || rounds > MAXR || last < 1) {
        fprintf(stderr, "room or %s out of range\n", last_name);
        exit(2);
    }
    lo = n / g, hi = (n + g - 1) / g;
    return last;
}

/* The best score, then its rooms: a round per line, tables separated by " | ". */
static void print_best(void) {
    printf("%d\n", best_score);
    for (int r = 0; r < rounds; r++) {
        for (int t = 0; t < g; t++) {
            for (int i = 0; i < n; i++)
                if (best[r][i] == t) printf("%d ", i);
            printf(t + 1 < g ? "| " : "\n");
        }
    }
}

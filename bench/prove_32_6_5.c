/* Case A of the proof that 32 people at tables of 6 for 5 rounds meet at most 346 pairs
 * (see bench/prove_32_6_5.py, which builds and runs this): three rounds in which no two
 * people share a table twice.
 *
 * Usage: prove_32_6_5 LOSS [ROUND2] < layout
 * The layout is 26 lines "a b": traveller p's table in rounds 0 and 1 (host t sits at
 * table t throughout). Round 2 is every seating that is clean with both (no traveller
 * meets a host again, no two travellers who met meet again), or the one given as 26
 * digits. Rounds 3 and 4 are searched traveller by traveller, pruned as soon as the loss
 *
 *     loss = sum over pairs (travellers, and traveller with host) of (meetings - 1)+
 *
 * exceeds LOSS. Each table seats 4 or 5 travellers in every round.
 * - Rounds 3 and 4 are interchangeable, and round 4 repeats at least as many meetings as
 *   it repeats with rounds 0-2 alone; so the one of the two that repeats fewer with
 *   rounds 0-2 can be called round 3, and it loses at most LOSS / 2.
 * - The next traveller seated is the one with the fewest affordable tables, and the sum
 *   of every unseated traveller's cheapest table bounds what the round still loses
 *   (a seat's cost only grows as others sit down).
 * It prints every schedule it finds and, at the end, the least loss, or "none": no
 * schedule with this layout and a clean round 2 loses LOSS or less.
 */
#include <stdio.h>
#include <stdlib.h>

#define N 26 /* travellers */
#define G 6  /* tables, one host each */
#define R 5  /* rounds */
#define SMALL 4
#define LARGE 5

static int table_of[R][N];
static int seated[R][G];
static int members[R][G][LARGE];
static unsigned char met[N][N];       /* meetings so far between two travellers */
static unsigned char met_host[N][G];  /* meetings so far of a traveller with a host */
static unsigned char placed[R][N];
static int budget, least = -1;
static long long completions, nodes;

/* Can the travellers still to come fill every table of round r to SMALL? */
static int fillable(int r, int done) {
    int need = 0;
    for (int t = 0; t < G; t++) need += seated[r][t] < SMALL ? SMALL - seated[r][t] : 0;
    return need <= N - done;
}

static void meet(int r, int p, int t, int step) {
    for (int i = 0; i < seated[r][t]; i++) {
        int q = members[r][t][i];
        met[p][q] += step;
        met[q][p] += step;
    }
    met_host[p][t] += step;
}

static void sit(int r, int p, int t) {
    meet(r, p, t, 1);
    table_of[r][p] = t;
    members[r][t][seated[r][t]++] = p;
}

static void stand(int r, int p, int t) { /* undoes the latest sit at table t */
    seated[r][t]--;
    meet(r, p, t, -1);
}

/* The loss of seating p at table t of round r now: one per person met before. */
static int cost(int r, int p, int t) {
    int c = met_host[p][t] ? 1 : 0;
    for (int i = 0; i < seated[r][t]; i++) c += met[p][members[r][t][i]] ? 1 : 0;
    return c;
}

static void late_round(int r, int left, int loss) {
    int limit = r == 3 ? budget / 2 : budget;
    nodes++;
    if (left == 0) {
        if (r == 3) {
            late_round(4, N, loss);
            return;
        }
        if (least < 0 || loss < least) least = loss;
        printf("found: loss %d; rounds 2-4:", loss);
        for (int q = 2; q < R; q++) {
            printf(" ");
            for (int p = 0; p < N; p++) printf("%d", table_of[q][p]);
        }
        printf("\n");
        return;
    }
    int pick = -1, fewest = G + 1, bound = 0;
    for (int q = 0; q < N; q++) {
        if (placed[r][q]) continue;
        int cheapest = N, options = 0;
        for (int t = 0; t < G; t++) {
            if (seated[r][t] >= LARGE) continue;
            int c = cost(r, q, t);
            if (c < cheapest) cheapest = c;
            if (loss + c <= limit) options++;
        }
        bound += cheapest;
        if (options == 0 || loss + bound > limit) return;
        if (options < fewest) {
            fewest = options;
            pick = q;
        }
    }
    placed[r][pick] = 1;
    for (int t = 0; t < G; t++) {
        if (seated[r][t] >= LARGE) continue;
        int c = cost(r, pick, t);
        if (loss + c > limit) continue;
        sit(r, pick, t);
        if (fillable(r, N - left + 1)) late_round(r, left - 1, loss + c);
        stand(r, pick, t);
    }
    placed[r][pick] = 0;
}

/* Does every traveller from p on still have a clean free table in round 2? */
static int clean_ahead(int p) {
    for (int q = p; q < N; q++) {
        int any = 0;
        for (int t = 0; t < G && !any; t++) any = seated[2][t] < LARGE && cost(2, q, t) == 0;
        if (!any) return 0;
    }
    return 1;
}

static void round_two(int p) {
    if (p == N) {
        completions++;
        late_round(3, N, 0);
        return;
    }
    for (int t = 0; t < G; t++) {
        if (seated[2][t] >= LARGE || cost(2, p, t)) continue;
        sit(2, p, t);
        if (fillable(2, p + 1) && clean_ahead(p + 1)) round_two(p + 1);
        stand(2, p, t);
    }
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: prove_32_6_5 LOSS [ROUND2] < layout\n");
        return 2;
    }
    budget = atoi(argv[1]);
    for (int p = 0; p < N; p++) {
        if (scanf("%d %d", &table_of[0][p], &table_of[1][p]) != 2) return 2;
    }
    for (int r = 0; r < 2; r++)
        for (int p = 0; p < N; p++) sit(r, p, table_of[r][p]);
    if (argc > 2) {
        for (int p = 0; p < N; p++) sit(2, p, argv[2][p] - '0');
        completions = 1;
        late_round(3, N, 0);
    } else {
        round_two(0);
    }
    printf("round-2 seatings: %lld, nodes: %lld, least loss: ", completions, nodes);
    if (least < 0) printf("none within %d\n", budget);
    else printf("%d\n", least);
    return 0;
}

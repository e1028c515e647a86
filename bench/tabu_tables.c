/* Tabu search for one World Café room with hosts (used by bench/improve_tables.py).
 *
 * usage: tabu_tables TRAVELLERS TABLES ROUNDS SECONDS SEED [STALL]
 *
 * The room, the score, the moves and the output are those of bench/anneal_tables.c (the
 * room and score from bench/room.h). Every step takes the best move that does not undo a
 * recent one (a move that beats the restart's best is always allowed), among the moves of
 * travellers who meet someone twice or miss a host they could meet. A restart from
 * random rounds follows STALL steps (default 20000) without a new best for the restart;
 * the first restart always runs to its end, so with SECONDS 0 the result depends on the
 * arguments only. It stops as soon as nobody is left in trouble: no room holds more.
 * 32 people at 6 tables for 7 rounds: about one restart in ten (5 s each) reaches 456
 * pairs, where annealing stops at 447 (two travellers then sit at a table of 6 in every
 * round).
 */
#include "room.h"

static int reach;                          /* the most hosts a traveller can meet */
static long long banned[MAXR][MAXN][MAXG]; /* step until which a may not return to t */

/* The change in score if a left its table in round r for table t, where `gone` (or -1)
 * leaves t at the same time. */
static int gain(int r, int a, int t, int gone) {
    int from = table_of[r][a], d = 0;
    for (int k = 0; k < filled[r][from]; k++) {
        int c = seats[r][from][k];
        if (c != a && meet[a][c] == 1) d--;
    }
    for (int k = 0; k < filled[r][t]; k++) {
        int c = seats[r][t][k];
        if (c != gone && meet[a][c] == 0) d++;
    }
    return d - (visits[a][from] == 1) + (visits[a][t] == 0);
}

static int troubled(int a) {
    if (hosts_met[a] < reach) return 1;
    for (int c = 0; c < n; c++)
        if (c != a && meet[a][c] > 1) return 1;
    return 0;
}

int main(int argc, char **argv) {
    double seconds;
    long long stall = read_room(argc, argv, "STALL", 20000LL, &seconds);
    reach = rounds < g ? rounds : g;
    clock_t stop = clock() + (clock_t)(seconds * CLOCKS_PER_SEC);
    for (int first = 1; first || clock() < stop; first = 0) {
        seat_randomly(1);
        memset(banned, 0, sizeof banned);
        int restart_best = score;
        keep();
        for (long long step = 1, quiet = 0; quiet < stall; step++, quiet++) {
            if (!first && (step & 1023) == 0 && clock() >= stop) break;
            int trouble[MAXN], any = 0;
            for (int a = 0; a < n; a++) any |= trouble[a] = troubled(a);
            if (!any) { /* nobody meets twice or misses a host: the most this room holds */
                print_best();
                return 0;
            }
            int top = -(1 << 30), ties = 0, mr = -1, ma = -1, mb = -1, mt = -1;
            for (int r = 0; r < rounds; r++)
                for (int a = 0; a < n; a++) {
                    int from = table_of[r][a];
                    for (int t = 0; t < g; t++) {
                        if (t == from) continue;
                        int moves = filled[r][from] == hi && filled[r][t] == lo && lo < hi;
                        for (int k = -moves; k < filled[r][t]; k++) {
                            int b = k < 0 ? -1 : seats[r][t][k];
                            if (b >= 0 && (b < a || !(trouble[a] || trouble[b]))) continue;
                            if (b < 0 && !trouble[a]) continue;
                            int d = gain(r, a, t, b) + (b < 0 ? 0 : gain(r, b, from, a));
                            int tabu = banned[r][a][t] > step || (b >= 0 && banned[r][b][from] > step);
                            if (tabu && score + d <= restart_best) continue;
                            if (d > top) top = d, ties = 1, mr = r, ma = a, mb = b, mt = t;
                            else if (d == top && next() % ++ties == 0) mr = r, ma = a, mb = b, mt = t;
                        }
                    }
                }
            if (mr < 0) continue;
            int from = table_of[mr][ma];
            stand(mr, ma);
            if (mb >= 0) stand(mr, mb);
            sit(mr, ma, mt);
            if (mb >= 0) sit(mr, mb, from);
            banned[mr][ma][from] = step + 5 + next() % 10;
            if (mb >= 0) banned[mr][mb][mt] = step + 5 + next() % 10;
            if (score > restart_best) restart_best = score, quiet = 0;
            keep();
        }
    }
    print_best();
    return 0;
}

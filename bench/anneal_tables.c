/* Simulated annealing for one World Café room with hosts (used by bench/improve_tables.py).
 *
 * usage: anneal_tables TRAVELLERS TABLES ROUNDS SECONDS SEED [STEPS]
 *
 * The room and its score are those of bench/room.h: host t stays at table t, the
 * travellers 0..TRAVELLERS-1 sit q or q+1 to a table in every round, and the score is what
 * the library counts. Moves, within one round: swap two travellers at different tables,
 * or move one traveller to a table with a seat fewer (sizes stay q or q+1, so the larger
 * tables may change from round to round). Restarts from random rounds every STEPS moves
 * (default 20 million), the temperature falling linearly from 1.5 to 0.02, until SECONDS
 * of processor time are spent; the first restart always runs to the end, so with SECONDS
 * 0 the result depends on the arguments only. Prints the best score and then its
 * schedule, a round per line, tables separated by " | ".
 */
#include <math.h>

#include "room.h"

static double uniform(void) { return (next() & 0xffffff) / 16777216.0; }

int main(int argc, char **argv) {
    double seconds;
    long long steps = read_room(argc, argv, "STEPS", 20000000LL, &seconds);
    clock_t stop = clock() + (clock_t)(seconds * CLOCKS_PER_SEC);
    for (int first = 1; first || clock() < stop; first = 0) {
        seat_randomly(0);
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
            keep();
        }
    }
    print_best();
    return 0;
}

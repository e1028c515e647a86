import json

from django.core.management.base import BaseCommand, CommandError

from samenspraak.lib.tables import assign, distinct_pairs, repeat_pairs, upper_bound


class Command(BaseCommand):
    help = (
        "Seat PEOPLE at World Café tables of at most SIZE for ROUNDS rounds so that they "
        "meet as many new people as possible. People are numbered 0…PEOPLE−1; with hosts "
        "(the default) person t hosts table t and stays there."
    )

    def add_arguments(self, parser):
        parser.add_argument("people", type=int, help="How many people take part.")
        parser.add_argument("size", type=int, help="The most seats at one table.")
        parser.add_argument("rounds", type=int, help="How many rounds.")
        parser.add_argument(
            "--json",
            action="store_true",
            help="Print only a JSON list: per round a list of tables, hosts first.",
        )
        parser.add_argument(
            "--no-hosts", action="store_true", help="Everyone travels; no table host stays."
        )
        parser.add_argument(
            "--seed", type=int, default=0, help="Another seed gives another schedule."
        )

    def handle(self, *args, people: int, size: int, rounds: int, **options):
        hosts = not options["no_hosts"]
        try:
            schedule = assign(people, size, rounds, hosts=hosts, seed=options["seed"])
            bound = upper_bound(people, size, rounds, hosts)
        except ValueError as error:
            raise CommandError(str(error)) from error

        if options["json"]:
            self.stdout.write(json.dumps(schedule))
            return

        for number, tables in enumerate(schedule, start=1):
            self.stdout.write(f"Round {number}")
            for table_number, table in enumerate(tables, start=1):
                seats = [str(person) for person in table]
                if hosts and len(tables) > 1:
                    seats[0] += " (host)"
                self.stdout.write(f"  Table {table_number}: {', '.join(seats)}")
        pairs = distinct_pairs(schedule)
        self.stdout.write(
            f"Distinct pairs: {pairs} of at most {bound} "
            f"(quality {pairs / bound:.1%}); repeated meetings: {repeat_pairs(schedule)}"
        )

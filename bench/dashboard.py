"""Benchmark the leadership view (and a group's pages) on a seeded school year.

Seeds a throwaway database with a tiny school (the conftest-sized one: a leader, one
group) and a school year (default 300 staff, 40 groups, 2,000 sessions, with rooms, seats,
action points and quality answers; samenspraak.leadership.seeding), then renders, as the
school leader, per school:

  leadership   the leadership view (samenspraak.leadership)
  quality      the biggest group's dialogue-quality results
  portfolio    the group's portfolio, when a URL named like "*portfolio*" with a group_id
               exists in this tree (skipped otherwise)

and prints per page the query count for the tiny and the big school (they must be equal:
the pages pin their query counts) and the render time (median and max of --runs, after
one warm-up). SQLite always (a file in a temporary folder); PostgreSQL as well when
DATABASE_URL is set (a fresh database on that server, dropped at the end).

Run from the repository root: .venv/bin/python bench/dashboard.py [--quick]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


# --- The worker: one database, run in its own process (Django settings are per process) ---


def worker(args) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samenspraak.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import URLPattern, URLResolver, get_resolver, reverse

    from samenspraak.leadership.seeding import seed_school

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_s = time.perf_counter() - started
    started = time.perf_counter()
    tiny = seed_school(name="Tiny", staff=3, groups=1, sessions=2, ambitions=2, email_prefix="t")
    big = seed_school(
        name="Big", staff=args.staff, groups=args.groups, sessions=args.sessions, email_prefix="b"
    )
    seed_s = time.perf_counter() - started

    def portfolio_name():
        def walk(resolver, namespace=""):
            for entry in resolver.url_patterns:
                if isinstance(entry, URLResolver):
                    inner = entry.namespace or ""
                    yield from walk(
                        entry, f"{namespace}:{inner}".strip(":") if inner else namespace
                    )
                elif isinstance(entry, URLPattern) and entry.name:
                    yield (
                        (f"{namespace}:{entry.name}" if namespace else entry.name),
                        list(entry.pattern.converters),
                    )

        for name, kwargs in walk(get_resolver()):
            if "portfolio" in name and kwargs == ["group_id"]:
                return name
        return None

    def biggest_group(seeded):
        from django.db.models import Count

        return (
            type(seeded.groups[0])
            .objects.filter(school=seeded.school)
            .annotate(n=Count("quality_responses"))
            .order_by("-n")
            .first()
        )

    portfolio = portfolio_name()
    pages = {
        "leadership": lambda s: reverse("leadership:overview", args=[s.school.pk]),
        "quality": lambda s: reverse("quality:results", args=[biggest_group(s).pk]),
    }
    if portfolio:
        pages["portfolio"] = lambda s: reverse(portfolio, kwargs={"group_id": biggest_group(s).pk})

    results = {"migrate_s": migrate_s, "seed_s": seed_s, "pages": {}, "skipped": []}
    if not portfolio:
        results["skipped"].append("portfolio (no URL named *portfolio* with a group_id)")
    for page, make_url in pages.items():
        row = {}
        for label, seeded in (("tiny", tiny), ("big", big)):
            client = Client(HTTP_HOST="localhost")
            client.force_login(seeded.leader)
            url = make_url(seeded)
            client.get(url)  # warm-up: templates, translations
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            count = len(queries.captured_queries)  # before later requests reset the log
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
            row[label] = {
                "status": response.status_code,
                "queries": count,
                "median_ms": 1000 * statistics.median(times),
                "max_ms": 1000 * max(times),
                "bytes": len(response.content),
            }
        results["pages"][page] = row
    print(json.dumps(results))


# --- The driver ---------------------------------------------------------------------------


def run_worker(env: dict, args) -> dict:
    command = [
        sys.executable,
        __file__,
        "--worker",
        f"--staff={args.staff}",
        f"--groups={args.groups}",
        f"--sessions={args.sessions}",
        f"--runs={args.runs}",
    ]
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        command, env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"the worker failed ({done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


class Postgres:
    """A fresh database on the server of DATABASE_URL, dropped by `drop()`."""

    def __init__(self, url: str):
        self.base = urlsplit(url)
        self.name = f"bench_dashboard_{os.getpid()}"

    def _url(self, name: str) -> str:
        return urlunsplit(self.base._replace(path=f"/{name}"))

    def _admin(self):
        import psycopg

        return psycopg.connect(self._url("postgres"), autocommit=True, connect_timeout=5)

    def create(self) -> str:
        from psycopg import sql

        with self._admin() as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(self.name))
            )
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))
        return self._url(self.name)

    def drop(self) -> None:
        from psycopg import sql

        with self._admin() as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name))
            )


def report(backend: str, result: dict, args) -> bool:
    print(
        f"\n{backend}: {args.staff} staff, {args.groups} groups, {args.sessions} sessions "
        f"(migrate {result['migrate_s']:.1f} s, seed {result['seed_s']:.1f} s)"
    )
    print(
        f"{'page':<12} {'school':<6} {'status':>6} {'queries':>7} "
        f"{'median ms':>10} {'max ms':>8} {'kB':>6}"
    )
    same = True
    for page, row in result["pages"].items():
        for label in ("tiny", "big"):
            r = row[label]
            print(
                f"{page:<12} {label:<6} {r['status']:>6} {r['queries']:>7} "
                f"{r['median_ms']:>10.1f} {r['max_ms']:>8.1f} {r['bytes'] / 1024:>6.0f}"
            )
        equal = row["tiny"]["queries"] == row["big"]["queries"]
        same &= equal and row["big"]["status"] == 200
        print(f"{'':<12} queries tiny = big: {'yes' if equal else 'NO'}")
    for skipped in result["skipped"]:
        print(f"skipped: {skipped}")
    return same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--staff", type=int, default=300)
    parser.add_argument("--groups", type=int, default=40)
    parser.add_argument("--sessions", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="100 staff, 10 groups, 300 sessions")
    args = parser.parse_args()
    if args.quick:
        args.staff, args.groups, args.sessions, args.runs = 100, 10, 300, 3
    if args.worker:
        worker(args)
        return

    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    base.setdefault("SAMENSPRAAK_DEBUG", "0")
    ok = True
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as folder:
        env = base | {"SAMENSPRAAK_SQLITE_PATH": str(Path(folder) / "bench.sqlite3")}
        ok &= report("SQLite", run_worker(env, args), args)
    database_url = os.environ.get("DATABASE_URL")
    if database_url:
        postgres = Postgres(database_url)
        try:
            env = base | {"DATABASE_URL": postgres.create()}
            ok &= report("PostgreSQL", run_worker(env, args), args)
        finally:
            postgres.drop()
    else:
        print("\nPostgreSQL: skipped (set DATABASE_URL to run it too)")
    print("\nall pages answer with the same query count for the tiny and the big school:", ok)
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()

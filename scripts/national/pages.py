"""Single-request profile of the case pages on generated national data (docs/benchmarks.md).

    NIEUWESTART_TESTING=1 DJANGO_LOG_LEVEL=WARNING scripts/with-postgres.sh sh -c '
        .venv/bin/python scripts/national/generate.py --scale 0.05 &&
        .venv/bin/python scripts/national/pages.py'

Signs in (in-process, Django's test client) as the casemanager with the most assignments and
requests each page 15 times after one warm-up: the median time, then once more to count the
queries. Pages: the work lists (`/`, `/werk/`, the API), the trajectory page of three of their
cases (a new one, one with a sent information sheet, one whose release is near, so the
handover checklist shows), the screening form, the plan page, the notifications and
`GET /api/v1/trajecten/{id}`, `PUT .../screening` (the own words changed, with the ETag of
a read just before that is not timed, as `load.py` sends it), the indicator dashboard as the chain-wide account and as a
PI's management (its counts cached, as on every request after a selection's first), and the
work lists of a probation officer and an aftercare coordinator of the probation organisation
and the municipality involved in the most trajectories, open or closed. Arguments
name pages to run only those; `--tables` also prints the tables read most. `--cpu` adds the
CPU time per request of this process (the whole request in Python: middleware, view,
template) and of the PostgreSQL server process serving it (read from /proc, so the database
must run on this machine): unlike the time, CPU time hardly depends on what else runs.
`--kept-sql` compares this process's CPU per request with the hot queries' SQL built on each
request and kept (core.compiled), switching between the two request by request. Times
depend on the machine; the query counts do not.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import os
import pstats
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine_speed, setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", help="only these pages (names as printed)")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--tables", action="store_true", help="print the tables read most")
    parser.add_argument("--queries", action="store_true", help="print each query of a request")
    parser.add_argument(
        "--profile",
        type=int,
        metavar="N",
        default=0,
        help="profile the timed requests and print N functions (see --sort and --only)",
    )
    parser.add_argument("--sort", default="tottime", help="pstats order (tottime, cumulative)")
    parser.add_argument(
        "--cpu", action="store_true", help="CPU ms per request: this process and PostgreSQL's"
    )
    parser.add_argument(
        "--only", action="append", default=[], help="only functions whose path matches (regex)"
    )
    parser.add_argument(
        "--render",
        action="store_true",
        help="with --cpu: also the CPU ms per request spent rendering templates",
    )
    parser.add_argument(
        "--kept-sql",
        action="store_true",
        help="CPU ms per request with the hot queries' SQL built each time and kept "
        "(core.compiled), switched request by request; median of --runs each",
    )
    args = parser.parse_args()
    setup_django()

    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from nieuwestart.accounts.models import Role, User
    from nieuwestart.accounts.services import api_token_create
    from nieuwestart.infosheet.models import InfoSheet
    from nieuwestart.organisations.models import OrganisationKind
    from nieuwestart.trajectories.models import Assignment, Involvement, Phase, Trajectory

    rendering = _count_render_cpu() if args.render else None
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    settings.REQUIRE_SECOND_FACTOR = False
    # A measurement, not a user: the page and API quotas would refuse the later runs.
    settings.WEB_QUOTA_PER_MINUTE = settings.API_QUOTA_PER_MINUTE = 10**9
    user = (
        User.objects.filter(role=Role.CASEMANAGER)
        .annotate(n=Count("assignments"))
        .order_by("-n", "pk")
        .first()
    )
    if user is None:
        sys.exit("no casemanager: run scripts/national/generate.py first")
    mine = Trajectory.objects.filter(
        assignments__user=user, assignments__active=True, phase=Phase.DETENTION
    ).order_by("pk")
    with_sheet = mine.filter(pk__in=InfoSheet.objects.values("trajectory_id"))
    soon = dt.date.today() + dt.timedelta(weeks=5)
    cases = {
        "new": mine.first(),
        "sheet sent": with_sheet.filter(expected_end_date__gt=soon).first(),
        "release near": with_sheet.filter(expected_end_date__lte=soon).first(),
    }
    first = cases["new"]
    if first is None:
        sys.exit("the casemanager has no trajectory in detention")
    pages = {
        "worklist": "/",
        "werk": "/werk/",
        "werk organisation": "/werk/?lijst=organisatie",
        "api werklijst": "/api/v1/werklijst",
        **{f"trajectory page, {k}": f"/trajecten/{t.uuid}" for k, t in cases.items() if t},
        "screening form": f"/trajecten/{first.uuid}/screening",
        "plan": f"/trajecten/{first.uuid}/plan",
        "notifications": "/berichten/",
        "api trajectory": f"/api/v1/trajecten/{first.uuid}",
    }
    client = Client(
        HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {api_token_create(user=user)}"
    )
    client.force_login(user)
    clients = dict.fromkeys(pages, client)
    for name, role in (
        ("dashboard chain-wide", Role.CHAIN_ANALYST),
        ("dashboard management", Role.MANAGEMENT),
    ):
        viewer = User.objects.filter(role=role, is_active=True).order_by("pk").first()
        if viewer is not None:
            pages[name] = "/indicatoren/"
            clients[name] = Client(HTTP_HOST="127.0.0.1")
            clients[name].force_login(viewer)
    # The work lists of the probation organisation and the municipality involved in the most
    # trajectories, open or closed: the lists that grow with an organisation's history.
    for label, kind, role in (
        ("probation", OrganisationKind.PROBATION, Role.PROBATION_OFFICER),
        ("municipality", OrganisationKind.MUNICIPALITY, Role.AFTERCARE_COORDINATOR),
    ):
        largest = (
            Involvement.objects.filter(active=True, organisation__kind=kind)
            .values("organisation")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()
        )
        worker = (
            User.objects.filter(organisation=largest["organisation"], role=role, is_active=True)
            .order_by("pk")
            .first()
            if largest
            else None
        )
        if worker is not None:
            worker_client = Client(
                HTTP_HOST="127.0.0.1",
                HTTP_AUTHORIZATION=f"Token {api_token_create(user=worker)}",
            )
            worker_client.force_login(worker)
            for page, path in (
                ("worklist", "/"),
                ("werk organisation", "/werk/?lijst=organisatie"),
                ("api werklijst organisation", "/api/v1/werklijst?voor=organisatie"),
            ):
                pages[f"{label} {page}"] = path
                clients[f"{label} {page}"] = worker_client
    # A write: the screening saved through the API with the ETag just read, only the own
    # words changed (as load.py does). Each run reads first, untimed.
    pages["api screening PUT"] = f"/api/v1/trajecten/{first.uuid}/screening"
    clients["api screening PUT"] = client
    writes = {"api screening PUT": _ScreeningPut(client, pages["api screening PUT"])}
    print(f"Machine speed: {machine_speed()} ms for the fixed Python workload (lower is faster)")
    print(f"as {user.username} ({Assignment.objects.filter(user=user, active=True).count()} cases)")
    for name, path in pages.items():
        if args.pages and name not in args.pages:
            continue
        client = clients[name]
        send = writes.get(name) or _Get(client, path)
        send.prepare()
        response = send()
        if response.status_code != 200:
            sys.exit(f"{name}: {path} answered {response.status_code}")
        if args.kept_sql:
            cpu_by: dict[bool, list[float]] = {False: [], True: []}
            for run in range(args.runs):
                for kept in (True, False) if run % 2 else (False, True):
                    settings.COMPILED_QUERIES = kept
                    send.prepare()
                    started = time.process_time()
                    send()
                    cpu_by[kept].append((time.process_time() - started) * 1000)
            settings.COMPILED_QUERIES = True
            print(
                f"{name:36} CPU built each time {statistics.median(cpu_by[False]):6.1f} ms  "
                f"kept {statistics.median(cpu_by[True]):6.1f} ms"
            )
            continue
        times = []
        profiler = cProfile.Profile() if args.profile else None
        render_started = rendering[0] if rendering else 0.0
        cpu = db = 0.0
        backend = _backend_pid(connection)
        for _ in range(args.runs):
            send.prepare()
            db_started = _database_cpu(backend)
            cpu_started = time.process_time()
            started = time.perf_counter()
            if profiler:
                profiler.enable()
            send()
            if profiler:
                profiler.disable()
            times.append((time.perf_counter() - started) * 1000)
            cpu += time.process_time() - cpu_started
            db += _database_cpu(backend) - db_started
        cpu, db = cpu * 1000 / args.runs, db * 1000 / args.runs
        render = (rendering[0] - render_started) * 1000 / args.runs if rendering else 0.0
        send.prepare()
        with CaptureQueriesContext(connection) as queries:
            send()
        print(
            f"{name:36} median {statistics.median(times):6.1f} ms  "
            f"{len(queries.captured_queries):3d} queries"
            + (f"  CPU {cpu:5.1f} ms + PostgreSQL {db:5.1f} ms" if args.cpu else "")
            + (f"  (rendering {render:5.1f} ms)" if rendering else "")
        )
        if args.tables:
            sql = " ".join(q["sql"] for q in queries.captured_queries)
            print("   ", Counter(re.findall(r'FROM "(\w+)"', sql)).most_common(10))
        if args.queries:
            for query in queries.captured_queries:
                print(f"    {query['time']:>6}s {query['sql'][:160]}")
        if profiler:
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(*args.only, args.profile)


class _Get:
    def __init__(self, client: Any, path: str) -> None:
        self.client, self.path = client, path

    def prepare(self) -> None:
        pass

    def __call__(self) -> Any:
        return self.client.get(self.path)


class _ScreeningPut(_Get):
    """PUT the screening as read just before (`prepare`, not timed), with its ETag and new
    own words: what load.py's "screening PUT" sends."""

    def prepare(self) -> None:
        read = self.client.get(self.path)
        self.body = read.json()
        self.body["eigenWoorden"] = f"Benchmark {time.perf_counter_ns()}"
        self.etag = read.headers["ETag"]

    def __call__(self) -> Any:
        return self.client.put(
            self.path,
            data=json.dumps(self.body),
            content_type="application/json",
            HTTP_IF_MATCH=self.etag,
        )


def _count_render_cpu() -> list[float]:
    """Wrap the Django template backend's render so the CPU seconds spent in it (outermost
    calls only, so includes are not counted twice) add up in the returned one-item list."""
    from django.template.backends.django import Template

    total = [0.0]
    depth = [0]
    original = Template.render

    def render(self: Any, *args: Any, **kwargs: Any) -> Any:
        depth[0] += 1
        started = time.process_time()
        try:
            return original(self, *args, **kwargs)
        finally:
            depth[0] -= 1
            if depth[0] == 0:
                total[0] += time.process_time() - started

    Template.render = render  # type: ignore[method-assign]
    return total


def _backend_pid(connection: Any) -> int:
    """The PostgreSQL process serving this connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def _database_cpu(pid: int) -> float:
    """CPU seconds used so far by the PostgreSQL process `pid` (`_backend_pid`)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()

"""Fault: many clients save the same screening and plan at once (docs/resilience.md).

    .venv/bin/python scripts/faults/concurrent_edits.py [--clients 8] [--rounds 5]

Starts its own PostgreSQL cluster and the app under gunicorn (2 workers with 4 threads: 8
requests at the same moment), with one trajectory. Per round, every client reads nothing new:
all of them send a save with the same ETag (`If-Match`), released together by a barrier,
each with its own text. Checked per round, for the screening (`PUT .../screening`) and the
D&R-plan (`PATCH .../plan`): exactly one client gets 200, every other one gets 412 as
problem+json; afterwards the stored text is the winner's and the version went up by exactly
one (no lost update, no double write). At the end the version equals the number of rounds,
and there is one change row per version.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass

from faultlib import Http, app_server, cluster, finish, log, prepare_app_database

NAME = "concurrent_edits"


@dataclass(frozen=True)
class Resource:
    name: str
    path: str
    method: str
    field: str
    change_table: str
    owner_table: str


RESOURCES = [
    Resource(
        "screening",
        "/screening",
        "PUT",
        "eigenWoorden",
        "screening_screeningchange",
        "screening_screening",
    ),
    Resource("plan", "/plan", "PATCH", "reintegratiedoelen", "plans_planchange", "plans_plan"),
]


def run_round(
    http: Http, base_path: str, resource: Resource, clients: int, round_number: int
) -> tuple[list[str], str]:
    status, headers, _body = http.request("GET", base_path + resource.path)
    if status != 200:
        return [f"GET {resource.name} answered {status}"], ""
    etag = headers["ETag"]
    barrier = threading.Barrier(clients)
    results: list[tuple[int, str, str, str]] = [(0, "", "", "")] * clients

    def client(index: int) -> None:
        text = f"client {index} round {round_number}"
        barrier.wait()
        code, response_headers, _ = http.request(
            resource.method,
            base_path + resource.path,
            {resource.field: text},
            headers={"If-Match": etag},
        )
        results[index] = (code, response_headers.get("Content-Type", ""), text, "")

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = Counter(code for code, _ct, _t, _ in results)
    problems = []
    if codes[200] != 1 or codes[412] != clients - 1:
        problems.append(f"{resource.name} round {round_number}: answers {dict(codes)}")
    for code, content_type, _t, _ in results:
        if code == 412 and content_type != "application/problem+json":
            problems.append(f"{resource.name}: a 412 came as {content_type}")
    winner = next((text for code, _ct, text, _ in results if code == 200), "")
    status, headers, body = http.request("GET", base_path + resource.path)
    stored = body.get(resource.field) if isinstance(body, dict) else None
    if winner and stored != winner:
        problems.append(
            f"{resource.name} round {round_number}: stored {stored!r}, the winner sent {winner!r}"
        )
    return problems, headers.get("ETag", "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    started = time.monotonic()
    problems: list[str] = []
    with cluster() as pg:
        log(NAME, f"PostgreSQL on 127.0.0.1:{pg.port}; preparing the database")
        env, seed = prepare_app_database(pg, "edits", trajectories=1)
        trajectory = seed["trajectories"][0]
        with app_server(env, workers=2) as base:
            http = Http(base, seed["token"], timeout=30)
            base_path = f"/api/v1/trajecten/{trajectory}"
            etags = {}
            for resource in RESOURCES:
                for round_number in range(1, args.rounds + 1):
                    round_problems, etag = run_round(
                        http, base_path, resource, args.clients, round_number
                    )
                    problems.extend(round_problems)
                    etags[resource.name] = etag
                log(
                    NAME, f"{resource.name}: {args.rounds} rounds, last ETag {etags[resource.name]}"
                )
        for resource in RESOURCES:
            version, changes, distinct = pg.psql(
                f"SELECT o.version, count(c.id), count(DISTINCT c.version) "  # noqa: S608
                f"FROM {resource.owner_table} o LEFT JOIN {resource.change_table} c "
                f"ON c.{resource.owner_table.split('_', 1)[1]}_id = o.id GROUP BY o.version",
                "edits",
            ).split("|")
            if not (int(version) == args.rounds == int(changes) == int(distinct)):
                problems.append(
                    f"{resource.name}: version {version} with {changes} change rows "
                    f"after {args.rounds} rounds"
                )
    summary = (
        f"{args.clients} clients x {args.rounds} rounds on the screening and the plan with one "
        f"ETag: one 200 and {args.clients - 1} x 412 per round, the winner's text stored, "
        f"no lost update ({time.monotonic() - started:.0f} s)"
    )
    return finish(NAME, not problems, "; ".join(problems[:5]) if problems else summary)


if __name__ == "__main__":
    sys.exit(main())

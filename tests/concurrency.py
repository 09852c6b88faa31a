"""Start several threads at the same moment, each with its own database session.

What two app replicas or two scheduler hosts do at once, in one test process: `run_together`
releases `count` threads together through a barrier, so they really overlap, and each closes
its own database connection when it ends (Django opens one per thread). Meant for PostgreSQL
(SQLite serialises writers), under `transactional_db` or with data the threads can see.

Used by nieuwestart/accounts/tests/test_ratelimits.py (N replicas counting sign-ins) and
nieuwestart/retention/tests/test_concurrency.py (two hosts applying retention).

`other_session` opens a second PostgreSQL session on the test database, outside Django: to hold
a lock while the code under test runs, or to act as another database role.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection, connections


def other_session(*, user: str | None = None, autocommit: bool = False) -> Any:
    """A psycopg connection to the test database (use it as a context manager); `user`: as
    another role than Django's."""
    import psycopg

    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        dbname=db["NAME"],
        user=user or db["USER"],
        autocommit=autocommit,
        connect_timeout=5,
    )


def run_together[T](count: int, work: Callable[[], T], *, timeout: float = 120) -> list[T]:
    """Run `work` in `count` threads released together; what each returned, in the order they
    finished. An exception in a thread is raised here once all have ended; a thread still
    running after `timeout` seconds fails the test."""
    start = threading.Barrier(count)
    lock = threading.Lock()
    results: list[T] = []
    errors: list[BaseException] = []

    def thread() -> None:
        try:
            start.wait()
            result = work()
            with lock:
                results.append(result)
        except BaseException as error:
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=thread) for _ in range(count)]
    for each in threads:
        each.start()
    for each in threads:
        each.join(timeout=timeout)
    if errors:
        raise errors[0]
    running = sum(each.is_alive() for each in threads)
    assert running == 0, f"{running} of {count} threads still running after {timeout} s"
    return results

"""Start several threads at the same moment, each with its own database session.

What two app replicas or two scheduler hosts do at once, in one test process: `run_together`
releases `count` threads together through a barrier, so they really overlap, and each closes
its own database connection when it ends (Django opens one per thread). Meant for PostgreSQL
(SQLite serialises writers), under `transactional_db` or with data the threads can see.

Used by nieuwestart/accounts/tests/test_ratelimits.py (N replicas counting sign-ins) and
nieuwestart/retention/tests/test_concurrency.py (two hosts applying retention).

`other_session` opens a second PostgreSQL session on the test database, outside Django: to hold
a lock while the code under test runs, or to act as another database role. `held_before_commit`
runs app code in a thread's own transaction and holds it just before its commit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, connections, transaction


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


@contextmanager
def held_before_commit(work: Callable[[], object], *, timeout: float = 10) -> Iterator[None]:
    """Run `work` in a thread, in one transaction of the thread's own session, and keep that
    transaction open (written, not committed) while the `with` block runs; it commits when the
    block ends. An exception in the thread is raised here after that."""
    done, commit = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def thread() -> None:
        try:
            with transaction.atomic():
                work()
                done.set()
                if not commit.wait(timeout):
                    raise TimeoutError("the test did not let the transaction commit")
        except BaseException as error:
            errors.append(error)
        finally:
            done.set()
            connections.close_all()

    worker = threading.Thread(target=thread)
    worker.start()
    try:
        if not done.wait(timeout):
            raise TimeoutError("the work did not finish writing")
        if errors:
            raise errors[0]
        yield
    finally:
        commit.set()
        worker.join(timeout)
    if errors:
        raise errors[0]

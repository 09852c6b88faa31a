"""How the benchmark reports the clients' spread over server processes (load.py): a gunicorn
worker keeps each keep-alive connection it accepted, so an uneven spread shows in the tails."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
from contextlib import ExitStack

from tests.benchmark.test_gc_summary import _load

# Another process: listens, accepts two connections, says so, and holds them until stdin ends.
_SERVER = textwrap.dedent(
    """
    import socket, sys
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    print(listener.getsockname()[1], flush=True)
    held = [listener.accept()[0] for _ in range(2)]
    print("accepted", flush=True)
    sys.stdin.read()
    """
)


def test_connections_are_counted_per_process_that_holds_them() -> None:
    load = _load()
    with ExitStack() as stack:
        child = subprocess.Popen(  # this interpreter, a fixed script
            [sys.executable, "-c", _SERVER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        stack.callback(child.wait, timeout=10)
        assert child.stdin is not None and child.stdout is not None
        stack.callback(child.stdin.close)
        other_port = int(child.stdout.readline())
        here = stack.enter_context(socket.socket())
        here.bind(("127.0.0.1", 0))
        here.listen()
        own_port = here.getsockname()[1]
        for port in (other_port, other_port, own_port):
            stack.enter_context(socket.create_connection(("127.0.0.1", port)))
        stack.enter_context(here.accept()[0])
        assert child.stdout.readline().strip() == "accepted"

        # The clients' own ends (this process, ephemeral ports) are not counted.
        assert load.connections_per_process({other_port, own_port}) == [2, 1]
        assert load.connections_per_process({own_port}) == [1]
        assert load.connections_per_process({1}) == []


def test_the_report_shows_the_spread() -> None:
    load = _load()
    report = {
        "endpoints": [],
        "requests": 10,
        "rps": 1.0,
        "errors": 0,
        "connections_per_process": [13, 3],
    }
    assert "| *clients' connections per server process* | | | 13, 3 |" in load.markdown(report)
    assert "connections per server process" not in load.markdown(
        {**report, "connections_per_process": []}
    )


def test_the_report_names_the_slowest_requests_over_all_endpoints() -> None:
    """A pause of a whole server (a worker restarting) shows in the slowest requests of every
    endpoint at once, not in one endpoint's p95."""
    load = _load()
    results = [
        load.Result(endpoint=name, kind="api", ms=ms, ok=True, status=200, at=0.0)
        for name, times in (("a", [10.0] * 99 + [900.0]), ("b", [20.0] * 100))
        for ms in times
    ]
    report = load.summarise(results, 10.0)
    assert (report["p99_ms"], report["max_ms"]) == (20.0, 900.0)
    assert [e["max_ms"] for e in report["endpoints"]] == [900.0, 20.0]
    assert "| *every request: p99 and the slowest* | | | | | 20 | max 900 | | |" in (
        load.markdown({**report, "connections_per_process": []})
    )


def test_the_cpu_of_a_worker_that_ended_still_counts() -> None:
    """A gunicorn worker that restarts (max_requests) leaves the process tree; its CPU time
    moves to the master once the master has waited for it, and must still be counted."""
    load = _load()
    burn = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass"
    _, before = load._stat(os.getpid())
    own = time.process_time()
    subprocess.run([sys.executable, "-c", burn], check=True)  # a fixed script
    _, after = load._stat(os.getpid())
    assert time.process_time() - own < 0.1
    assert after - before >= 0.25

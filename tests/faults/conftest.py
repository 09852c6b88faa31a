"""The `faults` marker: the fault scripts of scripts/faults (docs/resilience.md)."""

from __future__ import annotations

from typing import Any


def pytest_configure(config: Any) -> None:
    config.addinivalue_line(
        "markers",
        "faults: runs a fault script of scripts/faults (own PostgreSQL cluster, app processes); "
        "in the PostgreSQL pass, or on its own with NIEUWESTART_FAULTS=1",
    )

"""Python's garbage collector in a process that serves requests (nieuwestart/wsgi.py).

Every Django request leaves reference cycles behind: the messages storage and the request
point at each other, the lazy `request.user` keeps the request in a closure, a DRF view and
its request point at each other, a form and its bound fields. Reference counting cannot free
a request's objects, so they wait for Python's cyclic collector. Under the national mixed
load (docs/benchmarks.md) the collector took 7 to 8% of a worker's CPU with Python's defaults
(thresholds 700, 10, 10), and one full collection, which walks every object of the process
while all the worker's threads wait, took up to 170 ms.

`tune_for_serving` does two things once the app is loaded:

- it collects once and freezes what is left (`gc.freeze`): Django, the apps, the URL
  configuration and the settings move to a permanent generation that no collection walks
  again, so a full collection only walks what requests left;
- it sets the thresholds: by default 5,000 new objects before a young collection instead of
  700, so a request's cycles are mostly found in one young collection rather than in seven,
  and the older generations at Python's 10 and 10.

Measured (same load, same data, a worker's collector time against its CPU time): Python's
defaults 7.6%, longest pause 164 to 168 ms; freeze alone 5.7 to 6.4%, 78 to 80 ms; freeze
with 5,000, 10, 10 4.6 to 4.9%, 86 to 93 ms. Larger settings (20,000 or a rare full
collection) took a little less CPU but paused longer; see docs/benchmarks.md.

`NIEUWESTART_GC_THRESHOLDS` changes the thresholds (three whole numbers, `5000,10,10`), or
leaves Python's own behaviour alone with `python`.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Mapping

SETTING = "NIEUWESTART_GC_THRESHOLDS"
DEFAULT_THRESHOLDS = (5000, 10, 10)
PYTHON_DEFAULTS = "python"


def thresholds_from(environ: Mapping[str, str]) -> tuple[int, int, int] | None:
    """The thresholds the setting asks for; None for Python's own behaviour."""
    value = environ.get(SETTING, "").strip().lower()
    if not value:
        return DEFAULT_THRESHOLDS
    if value == PYTHON_DEFAULTS:
        return None
    parts = [part.strip() for part in value.split(",")]
    if len(parts) != 3 or not all(part.isdigit() and int(part) > 0 for part in parts):
        raise RuntimeError(
            f"{SETTING} is drie hele getallen groter dan 0, gescheiden door komma's "
            f"(bijvoorbeeld 5000,10,10), of '{PYTHON_DEFAULTS}'. Nu: {value!r}."
        )
    first, second, third = (int(part) for part in parts)
    return first, second, third


def tune_for_serving(environ: Mapping[str, str] | None = None) -> tuple[int, int, int] | None:
    """Freeze what is loaded and set the thresholds (module docstring). Call it once, after
    the app is loaded. Returns the thresholds set, or None when the setting says `python`."""
    thresholds = thresholds_from(os.environ if environ is None else environ)
    if thresholds is None:
        return None
    gc.collect()
    gc.freeze()
    gc.set_threshold(*thresholds)
    return thresholds

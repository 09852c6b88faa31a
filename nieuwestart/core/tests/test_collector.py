"""The garbage collector of a serving process (nieuwestart/core/collector.py)."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator

import pytest

from nieuwestart.core.collector import DEFAULT_THRESHOLDS, thresholds_from, tune_for_serving
from tests.fresh_settings import run_django


@pytest.fixture
def restored_collector() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)
    gc.unfreeze()


def test_without_the_setting_the_serving_thresholds_are_used() -> None:
    assert thresholds_from({}) == DEFAULT_THRESHOLDS == (5000, 10, 10)
    assert thresholds_from({"NIEUWESTART_GC_THRESHOLDS": "  "}) == DEFAULT_THRESHOLDS


def test_an_operator_can_choose_thresholds_or_pythons_own_behaviour() -> None:
    assert thresholds_from({"NIEUWESTART_GC_THRESHOLDS": " 2000, 20 ,30 "}) == (2000, 20, 30)
    assert thresholds_from({"NIEUWESTART_GC_THRESHOLDS": "Python"}) is None


@pytest.mark.parametrize(
    "value", ["abc", "5000,10", "5000,10,10,10", "0,10,10", "-1,10,10", "5e3,1,1"]
)
def test_a_wrong_setting_stops_the_start_with_a_clear_message(value: str) -> None:
    with pytest.raises(RuntimeError, match="NIEUWESTART_GC_THRESHOLDS is drie hele getallen"):
        thresholds_from({"NIEUWESTART_GC_THRESHOLDS": value})


@pytest.mark.usefixtures("restored_collector")
def test_tuning_freezes_what_is_loaded_and_sets_the_thresholds() -> None:
    gc.unfreeze()
    assert tune_for_serving({}) == DEFAULT_THRESHOLDS
    assert gc.get_threshold() == DEFAULT_THRESHOLDS
    # Everything loaded so far (Django, the apps, this test module) is out of the collector's way.
    assert gc.get_freeze_count() > 10_000
    assert all(count < 100 for count in gc.get_count())


@pytest.mark.usefixtures("restored_collector")
def test_pythons_own_behaviour_is_left_alone_when_asked() -> None:
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)
    assert tune_for_serving({"NIEUWESTART_GC_THRESHOLDS": "python"}) is None
    assert gc.get_threshold() == (700, 10, 10)
    assert gc.get_freeze_count() == 0


def _serving_process(**extra: str) -> dict[str, object]:
    """Import the WSGI entry point as gunicorn does, in a fresh process."""
    code = (
        "import gc, json, nieuwestart.wsgi; "
        "print(json.dumps({'thresholds': gc.get_threshold(), 'frozen': gc.get_freeze_count()}))"
    )
    result = run_django({"NIEUWESTART_TESTING": "1", **extra}, code)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_wsgi_entry_point_tunes_the_serving_process() -> None:
    tuned = _serving_process()
    assert tuned["thresholds"] == list(DEFAULT_THRESHOLDS)
    assert isinstance(tuned["frozen"], int) and tuned["frozen"] > 10_000
    untouched = _serving_process(NIEUWESTART_GC_THRESHOLDS="python")
    assert untouched["thresholds"] == [700, 10, 10]
    # Only what the interpreter froze itself at start (a few hundred objects).
    assert isinstance(untouched["frozen"], int) and untouched["frozen"] < 1_000

"""The benchmark-only naive endpoints (/naief/) exist only where the settings allow them."""

from __future__ import annotations

import subprocess

import pytest

from tests.fresh_settings import run_django


@pytest.mark.django_db
def test_naive_endpoints_are_not_mounted_with_default_settings(api, alice, trajectory):
    """A signed-in user cannot reach a trajectory around the access policy: 404 everywhere."""
    client = api(alice)
    assert client.get(f"/api/v1/trajecten/{trajectory.uuid}").status_code == 200
    for url in (
        "/naief/werklijst",
        "/naief/berichten",
        f"/naief/trajecten/{trajectory.uuid}",
        f"/naief/trajecten/{trajectory.uuid}/screening",
        f"/naief/trajecten/{trajectory.uuid}/plan",
    ):
        assert client.get(url).status_code == 404, url


def _django(env: dict[str, str], code: str) -> subprocess.CompletedProcess[str]:
    return run_django(env, code, check=False)


def test_settings_refuse_naive_endpoints_in_production_mode():
    result = _django(
        {"NIEUWESTART_BENCHMARK_NAIVE": "1", "DJANGO_SECRET_KEY": "x" * 50},
        "print('started')",
    )
    assert result.returncode != 0
    assert "NIEUWESTART_BENCHMARK_NAIVE" in result.stderr
    assert "started" not in result.stdout


def test_naive_endpoints_are_mounted_only_for_a_benchmark_under_testing():
    result = _django(
        {"NIEUWESTART_BENCHMARK_NAIVE": "1", "NIEUWESTART_TESTING": "1"},
        "from django.urls import resolve; print(resolve('/naief/werklijst').url_name)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "werklijst"

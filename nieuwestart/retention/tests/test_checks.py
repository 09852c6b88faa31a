"""`manage.py check` refuses a processing-log term the database cannot honour (under 12 months)
and accepts the minimum of 12 months (docs/retention.md, "Configuration")."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

pytestmark = pytest.mark.django_db


def test_the_minimum_log_term_of_12_months_is_accepted(settings: Any) -> None:
    settings.RETENTION_LOG_MONTHS = 12
    call_command("check", "--fail-level", "ERROR", verbosity=0)


def test_a_log_term_under_12_months_stops_the_deployment(settings: Any) -> None:
    settings.RETENTION_LOG_MONTHS = 11
    with pytest.raises(SystemCheckError, match=r"retention\.E002"):
        call_command("check", "--fail-level", "ERROR", verbosity=0)

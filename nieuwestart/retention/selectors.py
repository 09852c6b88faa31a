"""Reads for the privacy officer's retention page: the terms, the reports, what is pending,
and the holds. Trajectories appear by UUID only: the privacy officer sees no case content."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from nieuwestart.retention.models import ItemStatus, LegalHold, RetentionItem, RetentionReport


@dataclass(frozen=True)
class Pending:
    item: RetentionItem
    ready_on: dt.date


def latest_reports(limit: int = 10) -> QuerySet[RetentionReport]:
    return RetentionReport.objects.all()[:limit]


def pending_items(limit: int = 200) -> list[Pending]:
    """Announced removals not carried out yet, the first to become executable first."""
    notice = dt.timedelta(days=settings.RETENTION_NOTICE_DAYS)
    items = RetentionItem.objects.filter(status=ItemStatus.PROPOSED).order_by(
        "first_reported_at", "trajectory_uuid", "category"
    )[:limit]
    return [Pending(item, (item.first_reported_at + notice).date()) for item in items]


def active_holds() -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(lifted_at__isnull=True).select_related(
        "trajectory", "placed_by"
    )

"""The administrator manages the agreed terms and the extra non-working days."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from nieuwestart.deadlines.models import DeadlineConfig, ExtraNonWorkingDay


@admin.register(ExtraNonWorkingDay)
class ExtraNonWorkingDayAdmin(admin.ModelAdmin):
    list_display = ("date", "reason")
    date_hierarchy = "date"


@admin.register(DeadlineConfig)
class DeadlineConfigAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        # One row only: add it once, change it afterwards.
        return not DeadlineConfig.objects.exists()

    def has_delete_permission(
        self, request: HttpRequest, obj: DeadlineConfig | None = None
    ) -> bool:
        return False

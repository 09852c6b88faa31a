"""The administrator sees the outbox and requeues e-mail that failed.

Notifications are not in the admin: they point to trajectories, and the administrator is not
involved in any trajectory (access-policy.md).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nieuwestart.notify.models import OutboxMessage, OutboxStatus


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("subject", "to", "status", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("status",)
    search_fields = ("to", "dedup_key")
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["requeue"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: OutboxMessage | None = None) -> bool:
        return False  # nothing is lost: failed mail is requeued, never deleted

    @admin.action(description=_("Opnieuw proberen te versturen"))
    def requeue(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        count = queryset.exclude(status=OutboxStatus.SENT).update(
            status=OutboxStatus.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            locked_until=None,
        )
        self.message_user(
            request, _("%(count)d e-mail(s) staan weer klaar.") % {"count": count}, messages.SUCCESS
        )

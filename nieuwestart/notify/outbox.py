"""The outbox: e-mail is stored first and handed to the mail server later, so none is lost.

Rules (docs/notifications.md, "Outbox"):
- `outbox_queue` stores a message under a unique `dedup_key`; queueing the same key again
  stores nothing, so a digest is never sent twice.
- `outbox_deliver` takes the messages that are due (`next_attempt_at` has passed), marks them as
  taken for `LEASE` (`locked_until`), and sends them through Django's default mailer. Sent:
  status `verstuurd`. On failure the error is kept, `attempts` goes up and the next attempt
  waits `NOTIFY_OUTBOX_RETRY_MINUTES * 2^(attempts-1)` minutes, at most `MAX_DELAY`; after
  `NOTIFY_OUTBOX_MAX_ATTEMPTS` the status becomes `mislukt` and an administrator can requeue it.
  A message is never deleted.
- When the server itself fails (connection refused, time-out, disconnect, log-in refused), the
  rest of the batch is released untouched for the next run; an error about one message
  (recipient refused) only affects that message.
- Two schedulers at once: taking messages is one short transaction. On PostgreSQL it selects
  with `FOR UPDATE SKIP LOCKED`; on SQLite the transaction takes the database's write lock when
  it begins (`transaction_mode=IMMEDIATE`). Either way a message is taken by one scheduler, and
  no database lock is held while talking to the mail server.
- At least once: a crash between the server accepting a message and the `verstuurd` commit
  sends that message again after the lease ends. Nothing is lost; rarely one is repeated.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import ngettext

from nieuwestart.accounts.models import User
from nieuwestart.notify.models import NotificationKind, OutboxMessage, OutboxStatus

LEASE = dt.timedelta(minutes=10)
MAX_DELAY = dt.timedelta(hours=6)
# Errors about one message; every other OSError (SMTPException is one) is about the server.
MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


@dataclass
class DeliveryResult:
    sent: int = 0
    failed: int = 0  # attempts that failed in this run (the message stays queued or is `mislukt`)
    waiting: int = 0  # still pending after this run


def outbox_queue(
    *, to: str, subject: str, body_text: str, dedup_key: str, body_html: str = ""
) -> tuple[OutboxMessage, bool]:
    """Queue an e-mail once per key; returns (message, created)."""
    now = timezone.now()
    with transaction.atomic():
        return OutboxMessage.objects.get_or_create(
            dedup_key=dedup_key,
            defaults={
                "to": to,
                "subject": subject[:200],
                "body_text": body_text,
                "body_html": body_html,
                "next_attempt_at": now,
                "created_at": now,
            },
        )


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential backoff after the given number of failed attempts (1, 2, ...)."""
    base = dt.timedelta(minutes=settings.NOTIFY_OUTBOX_RETRY_MINUTES)
    return min(base * 2 ** max(attempts - 1, 0), MAX_DELAY)


def _due(now: dt.datetime) -> Q:
    return Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now) & (
        Q(locked_until__isnull=True) | Q(locked_until__lt=now)
    )


@transaction.atomic
def _take(now: dt.datetime, limit: int) -> list[OutboxMessage]:
    candidates = OutboxMessage.objects.filter(_due(now)).order_by("next_attempt_at", "pk")
    if connection.features.has_select_for_update_skip_locked:
        candidates = candidates.select_for_update(skip_locked=True)
    ids = list(candidates.values_list("pk", flat=True)[:limit])
    OutboxMessage.objects.filter(_due(now), pk__in=ids).update(locked_until=now + LEASE)
    return list(OutboxMessage.objects.filter(pk__in=ids).order_by("next_attempt_at", "pk"))


def _email(message: OutboxMessage) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    return email


def _mark_sent(message: OutboxMessage) -> None:
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.SENT,
        sent_at=timezone.now(),
        attempts=message.attempts + 1,
        last_error="",
        locked_until=None,
    )


def _mark_failed(message: OutboxMessage, error: BaseException) -> None:
    attempts = message.attempts + 1
    give_up = attempts >= settings.NOTIFY_OUTBOX_MAX_ATTEMPTS
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.FAILED if give_up else OutboxStatus.PENDING,
        attempts=attempts,
        last_error=f"{type(error).__name__}: {error}"[:2000],
        next_attempt_at=timezone.now() + retry_delay(attempts),
        locked_until=None,
    )


def _release(messages: list[OutboxMessage]) -> None:
    OutboxMessage.objects.filter(pk__in=[m.pk for m in messages]).update(locked_until=None)


def outbox_deliver(*, limit: int = 200) -> DeliveryResult:
    """Send the due messages (at most `limit`); see the module docstring."""
    result = DeliveryResult()
    messages = _take(timezone.now(), limit)
    if messages:
        backend = mailers.default
        try:
            backend.open()
        except OSError as exc:
            _mark_failed(messages[0], exc)
            _release(messages[1:])
            result.failed += 1
            messages = []
        try:
            for index, message in enumerate(messages):
                try:
                    backend.send_messages([_email(message)])
                except MESSAGE_ERRORS as exc:
                    _mark_failed(message, exc)
                    result.failed += 1
                except OSError as exc:  # the server is down or went away: try again later
                    _mark_failed(message, exc)
                    _release(messages[index + 1 :])
                    result.failed += 1
                    break
                else:
                    _mark_sent(message)
                    result.sent += 1
        finally:
            if messages:
                backend.close()
    result.waiting = OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count()
    return result


# The digest's lines, most urgent first. Counts only: no names, no BSN.
DIGEST_ORDER = (
    NotificationKind.DEADLINE_LATE,
    NotificationKind.ESCALATION,
    NotificationKind.NO_REACTION,
    NotificationKind.DEADLINE_SOON,
    NotificationKind.NEW_TRAJECTORY,
    NotificationKind.ASSIGNED,
)


def digest_line(kind: str, count: int) -> str:
    """One line of the digest for `count` new notifications of one kind."""
    if kind == NotificationKind.DEADLINE_LATE:
        text = ngettext("%(count)d termijn is te laat", "%(count)d termijnen zijn te laat", count)
    elif kind == NotificationKind.ESCALATION:
        text = ngettext(
            "%(count)d escalatie: een termijn is langer te laat dan afgesproken",
            "%(count)d escalaties: termijnen zijn langer te laat dan afgesproken",
            count,
        )
    elif kind == NotificationKind.NO_REACTION:
        text = ngettext(
            "%(count)d informatieblad waarop de gemeente niet op tijd heeft gereageerd",
            "%(count)d informatiebladen waarop de gemeente niet op tijd heeft gereageerd",
            count,
        )
    elif kind == NotificationKind.DEADLINE_SOON:
        text = ngettext(
            "%(count)d termijn verloopt binnenkort",
            "%(count)d termijnen verlopen binnenkort",
            count,
        )
    elif kind == NotificationKind.NEW_TRAJECTORY:
        text = ngettext(
            "%(count)d nieuw traject wacht op een nazorgcoördinator",
            "%(count)d nieuwe trajecten wachten op een nazorgcoördinator",
            count,
        )
    elif kind == NotificationKind.ASSIGNED:
        text = ngettext(
            "U bent aan %(count)d traject toegewezen",
            "U bent aan %(count)d trajecten toegewezen",
            count,
        )
    else:
        text = ngettext("%(count)d ander bericht", "%(count)d andere berichten", count)
    return text % {"count": count}


def digest_content(user: User, counts: Counter[str]) -> tuple[str, str, str]:
    """Subject, text and HTML of a digest: counts and one link, nothing about any person."""
    known = [kind for kind in DIGEST_ORDER if counts.get(kind)]
    others = sum(n for kind, n in counts.items() if kind not in DIGEST_ORDER)
    lines = [digest_line(kind, counts[kind]) for kind in known]
    if others:
        lines.append(digest_line("", others))
    total = sum(counts.values())
    base = settings.NOTIFY_SITE_URL.rstrip("/")
    context = {
        "user": user,
        "lines": lines,
        "total": total,
        "messages_url": f"{base}/berichten/",
    }
    subject = ngettext(
        "Nieuwe Start: %(count)d nieuw bericht", "Nieuwe Start: %(count)d nieuwe berichten", total
    ) % {"count": total}
    text = render_to_string("notify/email/digest.txt", context)
    html = render_to_string("notify/email/digest.html", context)
    return subject, text, html

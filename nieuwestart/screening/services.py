"""Writes on the screening. Each is one transaction that also writes its processing-log row.

Rules:
- The whole screening (flags, own words, all six domains) is saved at once, so the intake is
  one form and one save.
- Optimistic concurrency: the caller passes the version it read. The screening row is locked
  (select_for_update) and a stale version raises `ScreeningConflict`, whose message lists what
  the other person changed since that version, without care content the actor may not see.
  Nothing is overwritten silently.
- Care content (category `zorginhoud`) is read and written only by users who see that category
  in full. A save by anyone else leaves those facts exactly as they were: never wiped.
- Every save writes a processing-log row (purpose `screening`, categories `basisvoorwaarden`,
  plus `zorginhoud` when care content changed), also when nothing changed.
- Invalid input raises `ScreeningInvalid` with every error at once, keyed by the API path
  (`domeinen.huisvesting.hulpvraag`), which the web form maps to its fields.

Permissions are checked before, in the access chokepoint (`Action.SCREENING_EDIT`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nieuwestart.access.policy import Category
from nieuwestart.access.trajectories import sees_care_content
from nieuwestart.accounts.models import User
from nieuwestart.audit.models import Action as LogAction
from nieuwestart.audit.models import Channel
from nieuwestart.audit.services import log_processing
from nieuwestart.organisations.models import OrganisationKind
from nieuwestart.screening import queries
from nieuwestart.screening.domains import (
    DOMAIN_CODES,
    DOMAIN_FIELDS,
    FLAGS,
    SCHEMA,
    describe_change,
    fact_visible,
)
from nieuwestart.screening.models import (
    Contribution,
    Domain,
    DomainAssessment,
    Screening,
    ScreeningChange,
)
from nieuwestart.screening.validation import (
    CONTRIBUTION_MAX,
    DomainValues,
    clean_text,
    validate_screening,
)
from nieuwestart.trajectories.models import Trajectory
from nieuwestart.trajectories.services import Conflict, ServiceError

PURPOSE = "screening"


class ScreeningInvalid(ServiceError):
    """Some input is wrong; `errors` maps each API path to its messages (Dutch, B1)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(_("Niet alles is goed ingevuld."), code="invalid")
        self.errors = errors


@dataclass(frozen=True)
class ChangedField:
    """A field somebody else changed since the actor's version, as the actor may see it."""

    label: str
    value: str
    by: str
    organisation: str
    at: dt.datetime


class ScreeningConflict(Conflict):
    """The screening changed since the actor read it. `changed` says what, for this actor."""

    def __init__(
        self, message: str, *, changed: list[ChangedField], hidden: bool, version: int
    ) -> None:
        super().__init__(message, code="conflict")
        self.changed = changed
        self.hidden = hidden  # changes to care content the actor may not see
        self.version = version


def sees_care_details(user: User) -> bool:
    """Only users who see care content in full may read or write it (probation, today)."""
    return sees_care_content(user)


def care_question_visible(user: User | None) -> bool:
    """The care domain's help question may name care content, so like the information sheet
    only the PI (who screens) and probation read and write it; the municipality sees the care
    signal and adds what it knows as a contribution."""
    if user is None or user.organisation is None:
        return False
    return user.organisation.kind in (OrganisationKind.PRISON, OrganisationKind.PROBATION)


# --- Locking and history -------------------------------------------------------------------


def _locked_screening(trajectory: Trajectory) -> tuple[Screening, bool]:
    """The trajectory's screening, locked; created (empty, version 0) when there is none."""
    found = queries.LOCKED_SCREENING(trajectory.pk)
    if found:
        return found[0], False
    try:
        with transaction.atomic():
            screening = Screening.objects.create(trajectory=trajectory)
            DomainAssessment.objects.bulk_create(
                DomainAssessment(screening=screening, domain=code) for code in DOMAIN_CODES
            )
    except IntegrityError:  # a concurrent first save created it: wait for it and use that one
        return queries.LOCKED_SCREENING(trajectory.pk)[0], False
    return screening, True


def _assessments(screening: Screening) -> dict[str, DomainAssessment]:
    """The screening's assessments by domain, with who changed them last; the missing ones
    are created."""
    by_domain = {a.domain: a for a in queries.ASSESSMENTS(screening.pk)}
    missing = [
        DomainAssessment(screening=screening, domain=code)
        for code in DOMAIN_CODES
        if code not in by_domain
    ]
    for assessment in DomainAssessment.objects.bulk_create(missing):
        by_domain[assessment.domain] = assessment
    return by_domain


# The care domain's help question and acting note may name care content (care_question_visible).
CARE_QUESTION_PATHS = frozenset({"domeinen.zorg.hulpvraag", "domeinen.zorg.toelichtingActie"})


def changes_since(
    screening: Screening, version: int, *, care_details: bool, care_question: bool = True
) -> tuple[list[ChangedField], bool]:
    """What changed after `version`, latest value per field, for a reader with or without care
    content. Returns (changed fields, whether care content the reader may not see changed)."""
    latest: dict[str, ChangedField] = {}
    hidden = False
    rows = (
        ScreeningChange.objects.filter(screening=screening, version__gt=version)
        .select_related("changed_by", "changed_by_organisation")
        .order_by("version")
    )
    for row in rows:
        for change in row.changes:
            line = describe_change(change["path"], change.get("value"))
            if line is None:
                continue
            if (line.category == Category.CARE_DETAILS and not care_details) or (
                change["path"] in CARE_QUESTION_PATHS and not care_question
            ):
                hidden = True
                continue
            latest.pop(change["path"], None)  # keep the order of the last change
            latest[change["path"]] = ChangedField(
                label=line.label,
                value=line.value,
                by=row.changed_by.display_name if row.changed_by else "",
                organisation=row.changed_by_organisation.name
                if row.changed_by_organisation
                else "",
                at=row.changed_at,
            )
    return list(latest.values()), hidden


def _conflict(
    screening: Screening, expected_version: int, *, care_details: bool, care_question: bool
) -> Conflict:
    changed, hidden = changes_since(
        screening, expected_version, care_details=care_details, care_question=care_question
    )
    parts = [
        _("%(label)s: %(value)s (%(by)s, %(organisation)s)")
        % {"label": c.label, "value": c.value, "by": c.by, "organisation": c.organisation}
        for c in changed
    ]
    if hidden:
        parts.append(_("gegevens over zorg die u niet kunt zien"))
    message = _(
        "Iemand anders heeft de screening gewijzigd nadat u die opende. Uw invoer is nog niet "
        "opgeslagen."
    )
    if parts:
        message += " " + _("Dit is veranderd: %(changes)s.") % {"changes": "; ".join(parts)}
    message += " " + _("Controleer uw invoer en sla opnieuw op.")
    return ScreeningConflict(message, changed=changed, hidden=hidden, version=screening.version)


def _record(
    screening: Screening,
    *,
    actor: User,
    changes: list[dict[str, Any]],
    now: dt.datetime,
) -> None:
    screening.version += 1
    screening.updated_by = actor
    screening.updated_by_organisation = actor.organisation
    screening.save()
    ScreeningChange.objects.create(
        screening=screening,
        version=screening.version,
        changes=changes,
        changed_by=actor,
        changed_by_organisation=actor.organisation,
        changed_at=now,
    )


def _log(
    trajectory: Trajectory,
    *,
    actor: User,
    action: str,
    care: bool,
    channel: str,
    detail: str,
) -> None:
    categories = [Category.CONDITIONS.value]
    if care:
        categories.append(Category.CARE_DETAILS.value)
    log_processing(
        actor=actor,
        action=action,
        categories=categories,
        purpose=PURPOSE,
        channel=channel,
        trajectory_uuid=trajectory.uuid,
        person_id=trajectory.person_id,
        detail=detail,
    )


def _is_care_path(path: str) -> bool:
    parts = path.split(".")
    if len(parts) != 4 or parts[2] != "feiten" or parts[1] not in SCHEMA:
        return False
    fact = SCHEMA[parts[1]].fact(parts[3])
    return fact is not None and fact.category == Category.CARE_DETAILS


def screening_errors(
    *,
    actor: User,
    lvb: Any,
    first_detention: Any,
    language_needs: Any,
    reading_needs: Any,
    own_words: Any,
    domains: Mapping[str, Any],
) -> dict[str, list[str]]:
    """Every error `screening_update` would raise for this input, by API path; {} if none."""
    errors: dict[str, list[str]] = {}
    validate_screening(
        care_details=sees_care_details(actor),
        lvb=lvb,
        first_detention=first_detention,
        language_needs=language_needs,
        reading_needs=reading_needs,
        own_words=own_words,
        domains=domains,
        errors=errors,
    )
    if not care_question_visible(actor):
        # The care domain's help question is not theirs to write and screening_update keeps
        # the stored one, so sending back the care domain as read (without it) is no error.
        errors.pop(f"domeinen.{Domain.CARE.value}.hulpvraag", None)
    return errors


# --- Services --------------------------------------------------------------------------------


@transaction.atomic
def screening_get_or_create(
    *, actor: User, trajectory: Trajectory, channel: str = Channel.WEB
) -> Screening:
    """The trajectory's screening; an empty one (all domains unknown, version 0) if none yet."""
    screening, created = _locked_screening(trajectory)
    if created:
        _log(
            trajectory,
            actor=actor,
            action=LogAction.CREATE,
            care=False,
            channel=channel,
            detail="lege screening",
        )
    return screening


@dataclass
class SavedScreening:
    """The screening as a save stored it, with its assessments (`selectors.ScreeningRows`):
    the answer to the save is built from these rows instead of reading them again."""

    screening: Screening
    assessments: list[DomainAssessment]


@transaction.atomic
def screening_update(
    *,
    actor: User,
    trajectory: Trajectory,
    expected_version: int,
    lvb: str,
    first_detention: str,
    language_needs: str,
    reading_needs: bool,
    own_words: str,
    domains: Mapping[str, Mapping[str, Any]],
    channel: str = Channel.WEB,
) -> Screening:
    """Save the whole screening at once: flags, own words and the given domains.

    `domains` maps a domain code to {status, help_question, acting_partner, acting_note,
    facts}; a domain that is left out stays as it is. Within a given domain the facts the
    actor may write are replaced by `facts`; care content the actor may not see is kept.
    Raises `ScreeningInvalid` (every error, by API path) or `ScreeningConflict`.
    """
    return _update(
        actor=actor,
        trajectory=trajectory,
        expected_version=expected_version,
        lvb=lvb,
        first_detention=first_detention,
        language_needs=language_needs,
        reading_needs=reading_needs,
        own_words=own_words,
        domains=domains,
        channel=channel,
    ).screening


def _update(
    *,
    actor: User,
    trajectory: Trajectory,
    expected_version: int,
    lvb: str,
    first_detention: str,
    language_needs: str,
    reading_needs: bool,
    own_words: str,
    domains: Mapping[str, Mapping[str, Any]],
    channel: str,
) -> SavedScreening:
    """`screening_update` inside the caller's transaction."""
    care_details = sees_care_details(actor)
    if not care_question_visible(actor):
        # The care domain is the PI's and probation's to fill; it stays exactly as it is.
        domains = {code: value for code, value in domains.items() if code != Domain.CARE}
    errors: dict[str, list[str]] = {}
    valid = validate_screening(
        care_details=care_details,
        lvb=lvb,
        first_detention=first_detention,
        language_needs=language_needs,
        reading_needs=reading_needs,
        own_words=own_words,
        domains=domains,
        errors=errors,
    )
    if errors:
        raise ScreeningInvalid(errors)
    flags, words, values = valid.flags, valid.own_words, valid.domains

    screening, created = _locked_screening(trajectory)
    if screening.version != expected_version:
        raise _conflict(
            screening,
            expected_version,
            care_details=care_details,
            care_question=care_question_visible(actor),
        )
    now = timezone.now()
    changes: list[dict[str, Any]] = []
    for flag in FLAGS:
        if getattr(screening, flag.field) != flags[flag.code]:
            setattr(screening, flag.field, flags[flag.code])
            changes.append({"path": f"kenmerken.{flag.code}", "value": flags[flag.code]})
    if screening.own_words != words:
        screening.own_words = words
        changes.append({"path": "eigenWoorden", "value": words})
    assessments = _assessments(screening)
    for code, new in values.items():
        assessment = assessments[code]
        domain_changes = _apply_domain(assessment, new, care_details=care_details)
        if domain_changes:
            assessment.updated_by = actor
            assessment.updated_by_organisation = actor.organisation
            assessment.updated_at = now
            assessment.save()
            changes.extend(domain_changes)
    if changes:
        _record(screening, actor=actor, changes=changes, now=now)
    touched = sorted({c["path"].split(".")[1] if "." in c["path"] else c["path"] for c in changes})
    _log(
        trajectory,
        actor=actor,
        action=LogAction.CREATE if created else LogAction.UPDATE,
        care=any(_is_care_path(c["path"]) for c in changes),
        channel=channel,
        detail=f"versie {screening.version}: {', '.join(touched)}" if changes else "geen wijziging",
    )
    return SavedScreening(screening, list(assessments.values()))


def _apply_domain(
    assessment: DomainAssessment, new: DomainValues, *, care_details: bool
) -> list[dict[str, Any]]:
    prefix = f"domeinen.{assessment.domain}"
    changes: list[dict[str, Any]] = []
    for api_name, field in DOMAIN_FIELDS.items():
        value = getattr(new, field)
        if getattr(assessment, field) != value:
            setattr(assessment, field, value)
            changes.append({"path": f"{prefix}.{api_name}", "value": value})
    spec = SCHEMA[assessment.domain]
    old_facts: dict[str, Any] = dict(assessment.facts or {})
    # Facts the actor may not write (care content) stay exactly as they were.
    kept = {
        code: value
        for code, value in old_facts.items()
        if (fact := spec.fact(code)) is None or not fact_visible(fact, care_details=care_details)
    }
    new_facts = {**kept, **new.facts}
    for fact in spec.facts:
        if old_facts.get(fact.code) != new_facts.get(fact.code):
            changes.append(
                {"path": f"{prefix}.feiten.{fact.code}", "value": new_facts.get(fact.code)}
            )
    if new_facts != old_facts:
        assessment.facts = new_facts
    return changes


@transaction.atomic
def screening_complete(
    *,
    actor: User,
    trajectory: Trajectory,
    expected_version: int | None = None,
    channel: str = Channel.WEB,
) -> Screening:
    """Mark the screening as done (indicator "screening within 10 working days").

    It can be saved many times before (with LVB the screening is often spread over several
    days, report §3.1); completing it again changes nothing.
    """
    screening, _created = _locked_screening(trajectory)
    if expected_version is not None and screening.version != expected_version:
        raise _conflict(
            screening,
            expected_version,
            care_details=sees_care_details(actor),
            care_question=care_question_visible(actor),
        )
    _complete(screening, actor=actor, trajectory=trajectory, channel=channel)
    return screening


def _complete(screening: Screening, *, actor: User, trajectory: Trajectory, channel: str) -> None:
    """Mark the locked screening as done, unless it is."""
    if screening.completed_at is not None:
        return
    now = timezone.now()
    screening.completed_at = now
    screening.completed_by = actor
    _record(screening, actor=actor, changes=[{"path": "afgerond", "value": True}], now=now)
    _log(
        trajectory,
        actor=actor,
        action=LogAction.UPDATE,
        care=False,
        channel=channel,
        detail=f"versie {screening.version}: afgerond",
    )


@transaction.atomic
def screening_save(
    *,
    actor: User,
    trajectory: Trajectory,
    complete: bool,
    channel: str = Channel.WEB,
    **update: Any,
) -> SavedScreening:
    """Save the whole screening (`screening_update`) and, with `complete`, mark it done: both in
    one transaction. The save keeps the screening's row locked until the completion is stored,
    so nobody's save can come in between; and when anything is refused, nothing is stored.

    As two transactions (before), another replica's save could land between the two: the
    completion then reported a conflict (412) for a save that had been stored. Found by the
    two-server test (tests/multihost).

    The completion works on the row the save locked, without reading it again, and neither
    step opens a savepoint of its own: five round trips to the database fewer than the two
    services one after the other (two without the completion; docs/benchmarks.md). The
    stored rows are returned, so the answer need not read them again.
    """
    saved = _update(actor=actor, trajectory=trajectory, channel=channel, **update)
    if complete:
        _complete(saved.screening, actor=actor, trajectory=trajectory, channel=channel)
    return saved


@transaction.atomic
def screening_contribute(
    *,
    actor: User,
    trajectory: Trajectory,
    domain: str,
    text: str,
    channel: str = Channel.WEB,
) -> Contribution:
    """Add what the actor's organisation knows about one domain, attributed to them.

    A contribution does not change the screening's version: it never conflicts with somebody
    editing the screening. A contribution on care may hold care content, so it is logged as
    such and shown only to those who see care content, and to the author's own organisation.
    """
    errors: dict[str, list[str]] = {}
    if domain not in SCHEMA:
        errors["domein"] = [
            _("Kies een basisvoorwaarde: %(choices)s.") % {"choices": ", ".join(DOMAIN_CODES)}
        ]
    words = clean_text(text, "tekst", CONTRIBUTION_MAX, errors)
    if "tekst" not in errors and not words:
        errors["tekst"] = [_("Schrijf op wat u weet.")]
    if errors:
        raise ScreeningInvalid(errors)
    assert actor.organisation is not None
    screening, _created = _locked_screening(trajectory)
    assessment = _assessments(screening)[domain]
    contribution = Contribution.objects.create(
        assessment=assessment,
        author=actor,
        organisation=actor.organisation,
        text=words,
        created_at=timezone.now(),
    )
    _log(
        trajectory,
        actor=actor,
        action=LogAction.CREATE,
        care=domain == Domain.CARE,
        channel=channel,
        detail=f"bijdrage {domain}",
    )
    return contribution

"""Phases and leads as data (DOMAIN.md, "The trajectory and its phases"; report Tabel 2).

- A trajectory moves only along ALLOWED_TRANSITIONS; every move is a history row.
- Casusregie lies with the PI until release. After release it lies with probation when a
  judicial title remains (conditional release or conditional sentence) and probation is
  involved, otherwise with the municipality (or the safety house coordinating for it).
- Procesregie lies with the return municipality, or its safety house when the municipality
  lets the safety house coordinate aftercare. Neither lead is ever empty.
- Release (`na-detentie`) and closing (`afgesloten`) have rules of their own (a release date
  and a judicial title; casusregie and a reason), so only their own services reach them:
  `trajectory_release` and `handover.services.trajectory_close`. The phase screen offers the
  other moves (OWN_SERVICE_PHASES, phase_screen_targets).
These are pure functions of the facts: no database access.
"""

from __future__ import annotations

from nieuwestart.trajectories.models import JudicialTitle, Phase

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Phase.INTAKE: frozenset({Phase.PLAN, Phase.AFTER_RELEASE, Phase.CLOSED}),
    Phase.PLAN: frozenset({Phase.DETENTION, Phase.AFTER_RELEASE, Phase.CLOSED}),
    Phase.DETENTION: frozenset({Phase.AFTER_RELEASE, Phase.CLOSED}),
    Phase.AFTER_RELEASE: frozenset({Phase.CLOSED}),
    Phase.CLOSED: frozenset(),
}

TITLES_WITH_SUPERVISION = frozenset(
    {JudicialTitle.CONDITIONAL_RELEASE, JudicialTitle.CONDITIONAL_SENTENCE}
)


# Reached only through their own service, never through the phase screen.
OWN_SERVICE_PHASES = frozenset({Phase.AFTER_RELEASE, Phase.CLOSED})


def can_transition(from_phase: str, to_phase: str) -> bool:
    return to_phase in ALLOWED_TRANSITIONS.get(from_phase, frozenset())


def phase_screen_targets(from_phase: str) -> frozenset[str]:
    """The phases the phase screen may move to from here (release and closing excluded)."""
    return ALLOWED_TRANSITIONS.get(from_phase, frozenset()) - OWN_SERVICE_PHASES


def case_lead_kind(*, phase: str, judicial_title: str, probation_involved: bool) -> str:
    """Which partner holds casusregie: 'inrichting', 'reclassering' or 'gemeente'."""
    if phase in (Phase.INTAKE, Phase.PLAN, Phase.DETENTION):
        return "inrichting"
    if judicial_title in TITLES_WITH_SUPERVISION and probation_involved:
        return "reclassering"
    return "gemeente"

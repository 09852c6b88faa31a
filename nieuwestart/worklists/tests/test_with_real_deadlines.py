"""The work lists with the real deadlines app: the screening deadline of a fresh trajectory is
PI work that shows up for the casemanager and, once late past the grace period, escalates."""

from __future__ import annotations

import datetime as dt

from nieuwestart.deadlines.models import DeadlineConfig
from nieuwestart.worklists import selectors


def test_real_deadlines_reach_the_right_lists(alice, carol, sven, trajectory):
    start = trajectory.start_date
    soon = start + dt.timedelta(days=1)
    mine = selectors.due_for_user(alice, soon)
    assert mine, "a fresh trajectory has PI deadlines"
    assert {i.deadline.responsible for i in mine} == {"inrichting"}
    assert all(i.deadline.status in {"open", "te-laat"} for i in mine)
    assert [i.deadline.due for i in mine] == sorted(i.deadline.due for i in mine)
    assert {i.deadline.responsible for i in selectors.due_for_user(carol, soon)} <= {"gemeente"}

    grace = DeadlineConfig.load().escalation_grace_working_days
    assert list(selectors.escalations(sven, soon)) == []
    much_later = start + dt.timedelta(days=60)
    late = [i for i in selectors.due_for_organisation(alice, much_later) if i.is_late]
    escalated = selectors.escalations(sven, much_later)
    assert escalated, "two months on, the screening is long overdue"
    assert all(i.working_days_late > grace for i in escalated)
    assert {i.deadline.code for i in escalated} <= {i.deadline.code for i in late}


def test_a_municipality_that_does_not_react_to_the_sheet_is_signalled_to_the_pi(
    alice, carol, sven, trajectory
):
    from nieuwestart.infosheet.services import infosheet_acknowledge, infosheet_send

    sheet = infosheet_send(actor=alice, trajectory=trajectory)
    sent = sheet.sent_at.date()
    soon, later = sent + dt.timedelta(days=2), sent + dt.timedelta(days=14)

    carol_codes = {i.deadline.code for i in selectors.due_for_organisation(carol, soon)}
    assert "gemeente-reactie" in carol_codes  # the municipality sees it is expected to react
    assert "gemeente-reactie" not in {i.deadline.code for i in selectors.escalations(sven, soon)}
    assert "gemeente-reactie" in {i.deadline.code for i in selectors.escalations(sven, later)}

    infosheet_acknowledge(actor=carol, trajectory=trajectory, number=sheet.number)
    assert "gemeente-reactie" not in {i.deadline.code for i in selectors.escalations(sven, later)}

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
    assert selectors.escalations(sven, soon) == []
    much_later = start + dt.timedelta(days=60)
    late = [i for i in selectors.due_for_organisation(alice, much_later) if i.is_late]
    escalated = selectors.escalations(sven, much_later)
    assert escalated, "two months on, the screening is long overdue"
    assert all(i.working_days_late > grace for i in escalated)
    assert {i.deadline.code for i in escalated} <= {i.deadline.code for i in late}

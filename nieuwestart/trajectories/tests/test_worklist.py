"""The work list puts first who leaves soonest; released people and unknown dates come later."""

from __future__ import annotations

import datetime as dt

import pytest

from nieuwestart.trajectories import selectors
from nieuwestart.trajectories.notifications import validate_notification
from nieuwestart.trajectories.services import notification_receive

TODAY = dt.date(2026, 11, 22)


def _start(justid, payload, bsn, expected, message):
    notification = validate_notification(
        payload(
            meldingId=message,
            persoon={"bsn": bsn, "geslachtsnaam": message},
            verwachteEinddatum=expected,
        ),
        today=TODAY,
    )
    return notification_receive(actor=justid, notification=notification)[0]


@pytest.mark.django_db
def test_soonest_release_first_unknown_dates_and_released_people_last(alice, justid, payload):
    later = _start(justid, payload, "999990007", "2027-06-01", "Later")
    unknown = _start(justid, payload, "999990019", None, "Onbekend")
    soon = _start(justid, payload, "999990020", "2026-12-01", "Binnenkort")
    released = _start(justid, payload, "999990032", "2026-12-15", "Vrij")
    end = validate_notification(
        payload(
            meldingId="E",
            soort="einde",
            einddatum="2026-11-20",
            persoon={"bsn": "999990032", "geslachtsnaam": "Vrij"},
        ),
        today=TODAY,
    )
    notification_receive(actor=justid, notification=end)

    order = [t.pk for t in selectors.worklist(alice)]

    assert order == [soon.pk, later.pk, unknown.pk, released.pk]

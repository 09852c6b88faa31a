"""Signals of the trajectory: one, sent when a person is released.

Rule (issue 4, item 5): at release the outcome per basic condition is recorded for the
indicators, in the same transaction as the release itself. The release lives here (layer 5),
the handover checklist that knows those outcomes lives in `handover` (layer 12), which this app
may not import. So the release service sends `trajectory_released` inside its transaction and
`handover` receives it (registered in `HandoverConfig.ready`). The signal is sent with `send`,
not `send_robust`: when the receiver fails, the release rolls back with it. Why a signal here,
although the style guide avoids logic in signals: docs/handover.md, "Why a signal".

Arguments: `trajectory` (locked, already in phase `na-detentie` with its end date),
`actor` (a User or None), `source` (`RELEASE_BY_HAND` or `RELEASE_BY_NOTIFICATION`) and
`channel` (web, api or systeem).
"""

from __future__ import annotations

from django.dispatch import Signal

# How the release was registered: the outcome rows keep it as their `source`.
RELEASE_BY_HAND = "vrijlating-handmatig"
RELEASE_BY_NOTIFICATION = "einde-melding"

trajectory_released = Signal()

"""Reads of handover."""

from __future__ import annotations

from typing import Any

from nieuwestart.accounts.models import User
from nieuwestart.trajectories.models import Trajectory


def trajectory_block(trajectory: Trajectory, user: User) -> dict[str, Any]:
    """Context of `handover/_trajectory_block.html` on the trajectory page (keys prefixed `handover_`)."""
    return {}

"""`{% load plans %}{% plan_summary trajectory %}`: the plan at a glance on another page.

Renders plans/_plan_summary.html with plans.selectors.plan_summary, so a page can show the
plan's status without its view knowing about plans. It shows no plan content (only status,
version, task counts and the next step), which every involved partner may see.
"""

from __future__ import annotations

from typing import Any

from django import template

from nieuwestart.plans.selectors import plan_summary as select_plan_summary
from nieuwestart.trajectories.models import Trajectory

register = template.Library()


@register.inclusion_tag("plans/_plan_summary.html")
def plan_summary(trajectory: Trajectory, heading_level: int = 2) -> dict[str, Any]:
    return {
        "trajectory": trajectory,
        "plan_summary": select_plan_summary(trajectory),
        "heading_level": heading_level,
    }

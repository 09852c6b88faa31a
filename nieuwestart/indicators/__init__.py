"""Indicators and dashboards: the inspection's questions, answered live (issue 5)."""

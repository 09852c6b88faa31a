"""Meetings: MDO, trajectory meetings, meeting pack, minutes (issue 4, item 4)."""

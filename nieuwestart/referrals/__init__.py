"""Referrals and waiting lists (issue 4, item 6)."""

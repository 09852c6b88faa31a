"""Notifications in the app and the e-mail digest, through an outbox (issue 4, item 3)."""

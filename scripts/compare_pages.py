"""Render the work lists of every demo user to files, to compare two versions of the code.

A change meant to make a page faster must not change what it shows. Run this in two git
worktrees (the old and the new code), each on its own fresh demo database, and compare the
two directories with `diff -r`. CSRF tokens, CSP nonces, UUIDs and the clock times of when
the demo data was written (new in every database) are replaced by placeholders; everything
else must be byte for byte the same.

In each worktree (the old one made with `git worktree add /tmp/old <commit>`, with a `.venv`
link to this one), on a fresh demo database:

    export NIEUWESTART_DEMO=1 DATABASE_URL=sqlite:////tmp/compare-old.sqlite3
    .venv/bin/python manage.py migrate -v0 && .venv/bin/python manage.py load_reference_data
    .venv/bin/python manage.py demo_data
    .venv/bin/python /work/main/scripts/compare_pages.py /tmp/pages-old

then the same with the new code into /tmp/pages-new, and `diff -r /tmp/pages-old /tmp/pages-new`.

Pages: `/`, `/werk/` and its organisation list (two pages) and escalations, the notifications
(all and unread) and the dashboard, for every active user of an organisation; and the
trajectory page, screening form, plan page, `GET /api/v1/trajecten/{id}` and its screening of
the first three open trajectories the user sees (by BSN).
Those that do not answer 200 for a role are left out.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nieuwestart.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from nieuwestart.access.trajectories import visible_trajectories  # noqa: E402
from nieuwestart.accounts.models import User  # noqa: E402
from nieuwestart.trajectories.models import Phase  # noqa: E402

PATHS = (
    "/",
    "/werk/",
    "/werk/?lijst=organisatie",
    "/werk/?lijst=organisatie&pagina=2",
    "/werk/?lijst=escalaties",
    "/berichten/",
    "/berichten/?lijst=ongelezen",
    "/indicatoren/",
)
CASE_PATHS = (
    "/trajecten/{id}",
    "/trajecten/{id}/screening",
    "/trajecten/{id}/plan",
    "/api/v1/trajecten/{id}",
    "/api/v1/trajecten/{id}/screening",
)
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)?")
CLOCK = re.compile(r"(\d{4}),? \d{1,2}:\d\d")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def normalised(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'nonce="[^"]+"', "", html)
    html = TIMESTAMP.sub("TIMESTAMP", html)
    html = CLOCK.sub(r"\1 HH:MM", html)
    return UUID.sub("UUID", html)


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    settings.ALLOWED_HOSTS = ["*"]
    pages = 0
    for user in User.objects.filter(organisation__isnull=False, is_active=True).order_by(
        "username"
    ):
        client = Client()
        client.force_login(user)
        cases = visible_trajectories(user).exclude(phase=Phase.CLOSED).order_by("person__bsn")[:3]
        paths = list(PATHS) + [
            path.format(id=case.uuid) + f"?case={number}"
            for number, case in enumerate(cases)
            for path in CASE_PATHS
        ]
        for path in paths:
            response = client.get(path)
            if response.status_code != 200:
                continue
            name = user.username + UUID.sub("", path).replace("/", "_").replace("?", "_") + ".html"
            (out / name).write_text(normalised(response.content.decode()))
            pages += 1
    print(f"{pages} pages written to {out}")


if __name__ == "__main__":
    main()

"""The English translation (docs/decisions/0001-dutch-source-strings.md): the catalogue is
complete, and a user who switches to English gets the English UI.

The compiled catalogue (*.mo) is build output: `make messages` compiles it, and `make test-sqlite`
and `make test-postgres` do that first.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parent.parent / "nieuwestart" / "locale"
PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

LOGIN = "/account/inloggen"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
TAG = re.compile(r"</?\w+[^>]*>")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def msgid(self) -> str:
        return self.fields.get("msgid", "")

    @property
    def msgstrs(self) -> list[str]:
        return [value for key, value in self.fields.items() if key.startswith("msgstr")]


def parse_po(path: Path) -> list[Entry]:
    """A small .po reader: entries, their flags and their (unescaped) fields."""
    entries: list[Entry] = []
    entry: Entry | None = None
    key = ""
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate([*lines, ""], start=1):
        if not line.strip():
            if entry is not None:
                entries.append(entry)
            entry = None
            continue
        if entry is None:
            entry = Entry(line=number)
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry.fields[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            entry.fields[key] = ast.literal_eval(value)
    return entries


def test_the_english_catalogue_translates_every_entry() -> None:
    entries = parse_po(PO)
    header = next(entry for entry in entries if entry.msgid == "")
    messages = [entry for entry in entries if entry.msgid]

    untranslated = [
        f"line {entry.line}: {entry.msgid!r}"
        for entry in messages
        if not entry.msgstrs or not all(entry.msgstrs)
    ]
    fuzzy = [f"line {entry.line}: {entry.msgid!r}" for entry in entries if "fuzzy" in entry.flags]

    assert messages
    assert not untranslated, "Untranslated in django.po:\n" + "\n".join(untranslated)
    assert not fuzzy, "Fuzzy in django.po (check them, then remove the flag):\n" + "\n".join(fuzzy)
    assert "Language: en\n" in header.msgstrs[0]
    assert "charset=UTF-8" in header.msgstrs[0]


def test_translations_keep_placeholders_and_html() -> None:
    broken = []
    for entry in parse_po(PO):
        source = entry.msgid + entry.fields.get("msgid_plural", "")
        for msgstr in entry.msgstrs:
            if entry.msgid and (
                set(PLACEHOLDER.findall(msgstr)) != set(PLACEHOLDER.findall(source))
                or sorted(TAG.findall(msgstr)) != sorted(TAG.findall(entry.msgid))
            ):
                broken.append(f"line {entry.line}: {entry.msgid!r} -> {msgstr!r}")
    assert not broken, "Placeholders or HTML differ:\n" + "\n".join(broken)


@pytest.fixture
def keep_language() -> Iterator[None]:
    # LocaleMiddleware leaves the request's language active in this thread; without this, the
    # tests that run after this one (pytest-django runs database tests first) would be English.
    with translation.override(translation.get_language()):
        yield


@pytest.mark.django_db
@pytest.mark.usefixtures("keep_language")
def test_a_user_who_switches_to_english_sees_the_english_ui(client) -> None:
    assert MO.exists() and MO.stat().st_mtime >= PO.stat().st_mtime, (
        f"{MO.relative_to(LOCALE.parent.parent)} is missing or older than django.po: "
        "run `make messages`"
    )
    dutch = client.get(LOGIN).content.decode()
    assert '<html lang="nl"' in dutch
    assert "Inloggen bij Nieuwe Start" in dutch

    switched = client.post("/i18n/setlang/", {"language": "en", "next": LOGIN})
    assert switched.status_code == 302 and switched["Location"] == LOGIN

    english = client.get(LOGIN).content.decode()
    assert '<html lang="en"' in english
    assert "Sign in to Nieuwe Start" in english
    assert ">Sign in</button>" in english
    assert "Inloggen" not in english

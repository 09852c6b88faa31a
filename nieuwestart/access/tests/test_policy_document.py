"""docs/access-policy.md states the policy people read; it must be the policy the code enforces."""

from __future__ import annotations

from pathlib import Path

from nieuwestart.access.policy import ACTIONS, POLICY, visibility

DOC = Path(__file__).resolve().parents[3] / "docs" / "access-policy.md"


def _table(heading: str) -> list[list[str]]:
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = lines.index(heading)
    rows = []
    for line in lines[start + 1 :]:
        if line.startswith("|"):
            if not line.startswith("|---"):
                rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif rows:
            break  # the first table under the heading has ended
    return rows[1:]  # without the header row


def test_category_table_matches_the_policy():
    documented = {
        row[1]: {"PI": row[2], "probation": row[3], "municipality": row[4], "basis": row[5]}
        for row in _table("## Categories")
    }
    enforced = {
        category.value: {
            "PI": visibility(category, "penitentiaire-inrichting"),
            "probation": visibility(category, "reclassering"),
            "municipality": visibility(category, "gemeente"),
            "basis": str(rule.legal_basis),
        }
        for category, rule in POLICY.items()
    }
    assert documented == enforced


def test_action_table_matches_the_policy():
    documented = {(row[1], row[2], row[3]) for row in _table("## Actions")}
    enforced = {
        (action.value, kind, ", ".join(sorted(roles)))
        for action, by_kind in ACTIONS.items()
        for kind, roles in by_kind.items()
    }
    assert documented == enforced

"""Accessibility check for browser tests: axe-core on the page as the browser shows it.

The rule: a page a professional uses has no `serious` or `critical` violation of WCAG 2.0 and
2.1 at levels A and AA (the Dutch government's standard, EN 301 549). Minor and moderate
findings are reported by axe but do not fail a test.

axe-core comes from the axe-playwright-python package, which ships `axe.min.js`; it is
evaluated through the DevTools protocol, so the page's Content-Security-Policy does not block it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import axe_playwright_python
from playwright.sync_api import Page

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}


@cache
def axe_source() -> str:
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def run_axe(page: Page) -> dict[str, Any]:
    """Run axe-core on the whole page and return its results (violations only)."""
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    results: dict[str, Any] = page.evaluate(
        "options => axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    return results


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}")
            summary = node.get("failureSummary") or ""
            for summary_line in summary.splitlines():
                lines.append(f"       {summary_line.strip()}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> dict[str, Any]:
    """Fail with every serious or critical WCAG A/AA violation on the page.

    Returns axe's results, so a test can look at the minor findings too.
    """
    results = run_axe(page)
    failing = [v for v in results["violations"] if v.get("impact") in FAILING_IMPACTS]
    if failing:
        count = sum(len(v["nodes"]) for v in failing)
        raise AssertionError(
            f"axe found {count} serious or critical accessibility problem(s) in "
            f"{len(failing)} rule(s) on {page.url}:\n{format_violations(failing)}"
        )
    return results

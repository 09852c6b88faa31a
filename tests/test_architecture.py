"""Dependencies point one way (STYLE.md): lower layers never import higher ones."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "nieuwestart"

# Layer of each module prefix; a module may import only from its own layer or lower ones.
LAYERS: dict[str, int] = {
    "nieuwestart.core": 0,
    "nieuwestart.organisations": 1,
    "nieuwestart.accounts": 1,
    "nieuwestart.audit": 2,
    "nieuwestart.trajectories.models": 3,
    "nieuwestart.access": 4,
    "nieuwestart.trajectories": 5,
    "nieuwestart.screening": 6,
    "nieuwestart.plans": 7,
    "nieuwestart.infosheet": 8,
    "nieuwestart.referrals": 9,
    "nieuwestart.meetings": 10,
    "nieuwestart.deadlines": 11,
    "nieuwestart.handover": 12,
    "nieuwestart.worklists": 13,
    "nieuwestart.indicators": 14,
    "nieuwestart.notify": 15,
    "nieuwestart.retention": 16,
    "nieuwestart.api": 17,
    "nieuwestart.demo": 18,
}
# The web-facing parts of lower apps serve HTTP and may use the API helpers (problem+json).
HTTP_MODULES = ("views", "api", "urls")


def _layer(module: str) -> int | None:
    best = None
    for prefix, layer in LAYERS.items():
        if (module == prefix or module.startswith(prefix + ".")) and (
            best is None or len(prefix) > len(best[0])
        ):
            best = (prefix, layer)
    return best[1] if best else None


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(p for p in parts if p != "__init__")


def test_no_module_imports_from_a_higher_layer():
    violations = []
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or "management" in path.parts:
            continue
        module = _module_name(path)
        own = _layer(module)
        if own is None or module.rsplit(".", 1)[-1] in HTTP_MODULES:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.module.startswith("nieuwestart")
            ):
                target = _layer(node.module)
                if target is not None and target > own:
                    violations.append(f"{module} imports {node.module}")
    assert violations == []

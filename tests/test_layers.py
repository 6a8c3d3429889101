"""Imports point one way through the workflow layers (STYLE convention 1)."""

from __future__ import annotations

import ast
from pathlib import Path

import fenghuang

PKG = Path(fenghuang.__file__).parent

# Which top-level parts of the package each part may import.
BASE = {"errors", "facts", "industries", "_version"}
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "facts": set(),
    "industries": set(),
    "_version": set(),
    "__init__": {"_version"},
    "__main__": {"cli"},
    "engine": {"errors"},
    "sources": BASE,
    "synthetic": BASE | {"sources"},
    "warehouse": BASE | {"sources"},
    "methods": BASE | {"engine"},
    "evaluation": BASE | {"engine", "methods", "warehouse", "sources"},
    "policy": BASE | {"engine", "methods", "evaluation", "warehouse"},
    "reports": BASE | {"engine", "methods", "evaluation", "policy", "warehouse", "sources"},
    "monitor": BASE | {"engine", "methods", "sources", "warehouse"},
    "web": BASE
    | {"engine", "methods", "evaluation", "policy", "reports", "warehouse", "sources"}
    | {"monitor", "synthetic"},
    "cli": BASE
    | {"engine", "methods", "evaluation", "policy", "reports", "warehouse", "sources"}
    | {"monitor", "synthetic", "web", "cli"},
}
# Only the warehouse talks to DuckDB directly (STYLE convention 9).
DUCKDB_ALLOWED = {"warehouse"}


def _part(path: Path) -> str:
    rel = path.relative_to(PKG)
    return rel.parts[0].removesuffix(".py")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_layers_import_one_way() -> None:
    problems = []
    for path in sorted(PKG.rglob("*.py")):
        part = _part(path)
        assert part in ALLOWED, f"new top-level part {part!r}: add it to ALLOWED"
        for mod in _imports(path):
            top = mod.split(".")
            if top[0] == "fenghuang" and len(top) > 1:
                target = top[1]
                if target != part and target not in ALLOWED[part]:
                    problems.append(f"{path.relative_to(PKG)} imports {mod}")
            if top[0] == "duckdb" and part not in DUCKDB_ALLOWED:
                problems.append(f"{path.relative_to(PKG)} imports duckdb")
    assert not problems, "\n".join(problems)


def test_engine_is_pure() -> None:
    """The engine imports no I/O, clock or database modules."""
    banned = {"duckdb", "ibis", "pandas", "os", "time", "datetime", "random", "pathlib"}
    bad = []
    for path in (PKG / "engine").rglob("*.py"):
        if "examples" in path.parts:
            continue
        for mod in _imports(path):
            if mod.split(".")[0] in banned:
                bad.append(f"{path.name}: {mod}")
    assert not bad, bad

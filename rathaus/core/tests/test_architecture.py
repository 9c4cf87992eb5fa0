"""Rules of docs/architecture.md that the import contracts cannot see (they see imports, not
attribute use): plain SQL only in core and scheduling, and every `*_views` module named in
the contract that keeps services below views (pyproject.toml, [tool.importlinter])."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
PYPROJECT = PACKAGE.parent / "pyproject.toml"
SQL_APPS = {"core", "scheduling"}  # the reservation path's statements (decision 0007)

# (module path, what) found outside SQL_APPS on purpose; each entry says why and until when.
ALLOWED_SQL: set[tuple[str, str]] = set()


def _sql_uses(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, what) of every plain-SQL use: cursors, raw querysets, RawSQL, extra(), and the
    statement helpers of core.sql (its `insert`, built from a model, is allowed)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            owner = node.value
            owner_name = owner.id if isinstance(owner, ast.Name) else ""
            if isinstance(owner, ast.Subscript) and isinstance(owner.value, ast.Name):
                owner_name = owner.value.id  # connections["default"].cursor
            if node.attr == "cursor" and owner_name in ("connection", "connections"):
                found.append((node.lineno, "connection.cursor"))
            elif node.attr == "execute" and "cursor" in owner_name:
                found.append((node.lineno, "cursor.execute"))
            elif node.attr in ("rows", "with_lists") and owner_name == "sql":
                found.append((node.lineno, f"sql.{node.attr}"))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in ("raw", "extra"):
                found.append((node.lineno, f".{node.func.attr}("))
        elif isinstance(node, ast.Name) and node.id == "RawSQL":
            found.append((node.lineno, "RawSQL"))
        elif isinstance(node, ast.ImportFrom):
            from_sql = (node.module or "").endswith("core.sql")
            for alias in node.names:
                if alias.name == "RawSQL":
                    found.append((node.lineno, "RawSQL"))
                elif from_sql and alias.name in ("rows", "with_lists"):
                    found.append((node.lineno, f"sql.{alias.name}"))
    return found


def _modules() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if not {"tests", "migrations"} & set(path.relative_to(PACKAGE).parts)
    ]


def test_plain_sql_only_in_core_and_scheduling():
    found, allowed_seen = [], set()
    for path in _modules():
        if path.relative_to(PACKAGE).parts[0] in SQL_APPS:
            continue
        name = path.relative_to(PACKAGE.parent).as_posix()
        for line, what in _sql_uses(ast.parse(path.read_text(), name)):
            if (name, what) in ALLOWED_SQL:
                allowed_seen.add((name, what))
            else:
                found.append(f"{name}:{line}: {what}")
    assert not found, "plain SQL outside core and scheduling (use the ORM):\n" + "\n".join(found)
    assert allowed_seen == ALLOWED_SQL, f"allowed but gone, remove: {ALLOWED_SQL - allowed_seen}"


def test_the_check_finds_each_kind_of_plain_sql():
    source = """
from rathaus.core.sql import rows
from django.db.models.expressions import RawSQL
with connection.cursor() as cursor:
    cursor.execute("SELECT 1")
connections["default"].cursor()
Venue.objects.raw("SELECT 1")
Venue.objects.extra(where=["1"])
sql.rows("SELECT 1")
sql.with_lists("SELECT {ids}", ids=2)
sql.insert(venue)
"""
    kinds = {what for _line, what in _sql_uses(ast.parse(source))}
    assert kinds == {
        "sql.rows",
        "RawSQL",
        "connection.cursor",
        "cursor.execute",
        ".raw(",
        ".extra(",
        "sql.with_lists",
    }


def test_every_prefixed_views_module_is_kept_above_the_services():
    contracts = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["contracts"]
    (contract,) = [c for c in contracts if c["id"] == "services-below-views"]
    views = {
        ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        for path in _modules()
        if path.stem.endswith("_views")
    }
    assert views, "no *_views module found: is the search right?"
    missing = views - set(contract["forbidden_modules"])
    assert not missing, f"add to the contract's forbidden_modules: {sorted(missing)}"

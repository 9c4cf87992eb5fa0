"""Rules of docs/architecture.md that the import contracts cannot see (they see imports, not
attribute use): plain SQL only in core and scheduling, views and API endpoints without ORM
queries or writes, and every `*_views` module named in the contract that keeps services below
views (pyproject.toml, [tool.importlinter])."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
PYPROJECT = PACKAGE.parent / "pyproject.toml"
SQL_APPS = {"core", "scheduling"}  # the reservation path's statements (decision 0007)

# (module path, what) found outside SQL_APPS on purpose; each entry says why and until when.
ALLOWED_SQL: set[tuple[str, str]] = {
    # The online plate lookup, 200 a second on two cores (issue 17): its read and its one
    # write (log row and tally upsert in one statement) written out, as long as the ORM's
    # query building costs more than the database's answer (docs/benchmarks.md, "Issue 17").
    ("rathaus/parking_permits/enforcement/selectors.py", "sql.rows"),
    ("rathaus/parking_permits/enforcement/services.py", "sql.rows"),
    # …and the two reads of the sign-in chain in front of it (and every staff page):
    # the "log out everywhere" stamp and the role.
    ("rathaus/accounts/middleware.py", "sql.rows"),
    ("rathaus/accounts/selectors.py", "sql.rows"),
}


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


# Attribute uses that are ORM queries, and calls that are writes; a view or endpoint goes
# through a selector or a service instead. Querysets are hard to see statically: a manager
# (`.objects`), locking, and joins on a related manager are enough to catch the habit.
ORM_ATTRIBUTES = {"objects", "select_for_update", "select_related", "prefetch_related"}
WRITE_CALLS = {"save", "delete", "create", "get_or_create", "update_or_create", "bulk_create"}


def _orm_uses(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        call = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        if call and node.func.attr in WRITE_CALLS:
            found.append((node.lineno, f".{node.func.attr}("))
        if isinstance(node, ast.Attribute) and node.attr in ORM_ATTRIBUTES:
            found.append((node.lineno, f".{node.attr}"))
    return found


def _is_view_or_api(path: Path) -> bool:
    parts = path.relative_to(PACKAGE).parts
    return (
        path.name in ("views.py", "api.py") or path.stem.endswith("_views") or "views" in parts[:-1]
    )


def test_views_and_api_endpoints_neither_query_nor_write():
    checked, found = 0, []
    for path in _modules():
        if not _is_view_or_api(path):
            continue
        checked += 1
        name = path.relative_to(PACKAGE.parent).as_posix()
        found += [f"{name}:{line}: {what}" for line, what in _orm_uses(ast.parse(path.read_text()))]
    assert checked > 10, "few view modules found: is the search right?"
    assert not found, (
        "ORM in views or API endpoints (read through selectors.py, write through services):\n"
        + "\n".join(found)
    )


def test_the_check_finds_queries_and_writes():
    source = """
Venue.objects.all()
Reservation.objects.select_for_update().get(pk=1)
application.preferences.select_related("venue")
lottery.applications.prefetch_related("preferences")
venue.save()
venue.delete()
lottery.applications.create(reference="X")
Group.objects.get_or_create(name="x")
"""
    kinds = {what for _line, what in _orm_uses(ast.parse(source))}
    assert kinds == {
        ".objects",
        ".select_for_update",
        ".select_related",
        ".prefetch_related",
        ".save(",
        ".delete(",
        ".create(",
        ".get_or_create(",
    }
    views = [PACKAGE / p for p in ("a/views.py", "a/staff_views.py", "a/views/x.py", "a/api.py")]
    assert all(_is_view_or_api(path) for path in views)
    assert not _is_view_or_api(PACKAGE / "a/services.py")

"""Every configuration table carries the triggers that change the revision, and everything
read through `core.revision.cached` is such a table (docs/architecture.md, "Configuration
that changes rarely").

A table read through `cached` without triggers would be served stale after a write until the
process restarts; a registered table without triggers likewise. Both lists come from the code
itself: the tables from the apps' `triggers_migration` calls, the cached reads by finding every
`cached("name", loader)` call in the source and running the loader with its queries recorded.
"""

from __future__ import annotations

import ast
import re
from importlib import import_module
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rathaus.core import revision

PACKAGE = Path(revision.__file__).resolve().parents[1]


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)


def cached_reads() -> list[tuple[str, str, str]]:
    """(cache name, module, loader) of every `cached(...)` call outside tests and migrations."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if {"tests", "migrations"} & set(path.parts) or path == Path(revision.__file__):
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            function = node.func
            called = function.id if isinstance(function, ast.Name) else None
            if isinstance(function, ast.Attribute):
                called = function.attr
            if called != "cached":
                continue
            name, loader = node.args[:2]
            where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
            assert isinstance(name, ast.Constant), f"{where}: the cache name must be a literal"
            assert isinstance(loader, ast.Name), f"{where}: the loader must be a named function"
            found.append((name.value, _module_name(path), loader.id))
    return found


CACHED_READS = cached_reads()


def _tables_read(sql_statements: list[str]) -> set[str]:
    tables = connection.introspection.table_names()
    return {
        table
        for table in tables
        for sql in sql_statements
        if re.search(rf"\b{re.escape(table)}\b", sql)
    }


def test_the_source_has_cached_reads_and_the_migrations_register_tables():
    assert len(CACHED_READS) >= 4  # scheduling's availability, weddings' policy and venues, …
    assert "scheduling_weeklyrule" in revision.configuration_tables()


@pytest.mark.django_db
def test_every_configuration_table_has_its_triggers():
    missing = revision.configuration_tables() - revision.tables_with_triggers()
    assert not missing, f"configuration tables without revision triggers: {sorted(missing)}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "module", "loader"), sorted(set(CACHED_READS)), ids=lambda value: str(value)
)
def test_what_is_read_through_cached_changes_the_revision(name, module, loader):
    load = getattr(import_module(module), loader)
    with CaptureQueriesContext(connection) as queries:
        load()
    read = _tables_read([query["sql"] for query in queries.captured_queries])
    assert read, f"{module}.{loader} read no table"
    untriggered = read - revision.tables_with_triggers()
    assert not untriggered, (
        f"cached({name!r}) reads {sorted(untriggered)}, whose writes do not change the "
        "configuration revision: add the tables to a triggers_migration in their app"
    )
    assert read <= revision.configuration_tables()


@pytest.mark.django_db(transaction=True)
def test_missing_triggers_are_put_back_after_a_migrate():
    """SQLite drops a table's triggers when a migration rebuilds the table."""
    table = "scheduling_closure"
    with connection.schema_editor() as schema_editor:
        revision.triggers_drop(schema_editor, [table])
    assert table not in revision.tables_with_triggers()
    revision.triggers_ensure()
    assert table in revision.tables_with_triggers()

"""Every event code any app records has a registered sentence (`rathaus/audit/registry.py`)."""

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from rathaus.audit.registry import event_register, events_registered

ROOT = Path(__file__).resolve().parents[2]  # the rathaus package


def _constants(module: ast.Module) -> dict[str, str]:
    """Module-level `NAME = "text"` assignments."""
    found = {}
    for node in module.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                    found[target.id] = node.value.value
    return found


def _codes(expression: ast.expr, constants: dict[str, str]) -> list[str]:
    """The codes an expression can evaluate to: literals and module constants, also inside
    a conditional expression. Anything else is reported as unreadable (None)."""
    if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
        return [expression.value]
    if isinstance(expression, ast.Name) and expression.id in constants:
        return [constants[expression.id]]
    if isinstance(expression, ast.IfExp):
        return _codes(expression.body, constants) + _codes(expression.orelse, constants)
    return [None]


def recorded_codes() -> dict[str, list[str]]:
    """Each code passed to `audit_record(code=...)` outside tests, with where it is written."""
    codes: dict[str, list[str]] = {}
    for path in sorted(ROOT.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        module = ast.parse(path.read_text(), filename=str(path))
        constants = _constants(module)
        for node in ast.walk(module):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name != "audit_record":
                continue
            code = next((kw.value for kw in node.keywords if kw.arg == "code"), None)
            if code is None:
                continue  # the definition's own forwarding or a keyword splat
            where = f"{path.relative_to(ROOT.parent)}:{node.lineno}"
            for value in _codes(code, constants):
                codes.setdefault(value, []).append(where)
    return codes


def test_every_recorded_code_has_a_sentence():
    codes = recorded_codes()
    assert len(codes) >= 40, "the scan found too few audit_record calls"
    assert None not in codes, f"audit_record(code=...) must be a literal: {codes.get(None)}"
    registered = events_registered()
    missing = {code: where for code, where in codes.items() if code not in registered}
    assert not missing, f"codes recorded without a registered sentence: {missing}"


def test_every_registered_code_is_recorded_somewhere():
    """A registration nobody records is a typo in one of the two places."""
    unused = set(events_registered()) - set(recorded_codes())
    assert not unused


def test_every_sentence_reads_in_german():
    for event in events_registered().values():
        with translation.override("en"):
            english = str(event.sentence)
        with translation.override("de"):
            assert str(event.sentence) != english, event.code


def test_a_code_cannot_be_claimed_twice_with_another_sentence():
    code = "weddings.venue.updated"
    known = events_registered()[code]
    event_register(code, known.sentence)  # the same registration again is harmless
    with pytest.raises(ImproperlyConfigured):
        event_register(code, _("Someone else's sentence."))
    assert events_registered()[code] == known

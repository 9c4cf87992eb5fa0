"""`manage.py lottery_replay` and the public result document: both recompute the draw; a
tampered record is found; the document names no person."""

from __future__ import annotations

import contextlib
import json
import re
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from rathaus.weddings.lottery.models import DrawResult, Lottery
from rathaus.weddings.lottery.pure_draw import document_verify
from rathaus.weddings.lottery.services import lottery_draw

from .conftest import COUPLES, apply, close, committed, lottery_open, slots_of

pytestmark = pytest.mark.usefixtures("town")


@pytest.fixture
def drawn() -> Lottery:
    lottery = lottery_open()
    slots = slots_of(lottery)[:3]
    for i in range(6):
        apply(lottery, [slots[i % 3], slots[(i + 2) % 3]], couple=i, guests=8)
    apply(lottery, [slots[0]], couple=0, email="zweitadresse@example.org")  # duplicate
    with committed():
        lottery_draw(lottery=lottery, now=close(lottery))
    lottery.refresh_from_db()
    return lottery


def _replay(lottery) -> str:
    out = StringIO()
    call_command("lottery_replay", lottery.day.isoformat(), stdout=out, stderr=StringIO())
    return out.getvalue()


def test_replay_reproduces_the_stored_result(drawn):
    output = _replay(drawn)
    assert "MATCH" in output
    first = DrawResult.objects.get(application__lottery=drawn, position=0)
    assert f"   1  {first.application.reference}" in output


@pytest.mark.parametrize(
    "tamper",
    [
        "preference",
        "result",
        "seed",
        "status",
    ],
)
def test_replay_finds_a_tampered_record_and_exits_with_1(drawn, tamper):
    results = DrawResult.objects.filter(application__lottery=drawn, position__isnull=False)
    loser = results.filter(slot="").first()
    winner = results.exclude(slot="").first()
    if tamper == "preference":  # the time a winner got removed from its list afterwards
        won = next(p for p in winner.application.preferences.all() if p.key == winner.slot)
        won.delete()
    elif tamper == "result":  # a loser recorded as the winner of a time
        DrawResult.objects.filter(pk=loser.pk).update(slot=winner.slot)
    elif tamper == "seed":
        Lottery.objects.filter(pk=drawn.pk).update(seed="00" * 32)
    else:  # an application that was confirmed in time left out of the draw
        type(loser.application).objects.filter(pk=loser.application.pk).update(status="withdrawn")
    drawn.refresh_from_db()
    with pytest.raises(CommandError) as raised:
        _replay(drawn)
    assert raised.value.returncode == 1
    assert "MISMATCH" in str(raised.value)


def test_replay_of_an_unknown_date_fails(db):
    with pytest.raises(CommandError):
        call_command("lottery_replay", "2031-13-01")


def test_result_document_verifies_and_names_no_person(client, drawn):
    response = client.get(f"/trauung/verlosung/{drawn.day.isoformat()}/ergebnis.json")
    assert response.status_code == 200
    text = response.content.decode()
    document = json.loads(text)
    assert document["seed"] == drawn.seed and document["seed_commitment"] == drawn.seed_commitment
    assert document_verify(document) == []
    assert document["duplicates_excluded"] == 1
    assert len(document["applications"]) == 6
    for (given1, family1), (given2, family2) in COUPLES:
        for name in (given1, family1, given2, family2):
            assert name not in text
    assert "@example.org" not in text and "02041" not in text
    assert not re.search(r"TK-\d{4}-", text)  # no reservation references either


def test_before_the_draw_the_document_has_the_commitment_but_no_seed(client, town):
    lottery = lottery_open()
    apply(lottery, slots_of(lottery)[:1])
    document = client.get(f"/trauung/verlosung/{lottery.day.isoformat()}/ergebnis.json").json()
    assert document["seed"] is None and document["seed_commitment"] == lottery.seed_commitment
    assert document["applications"] == [] and document["state"] == "open"


def test_the_verification_code_in_the_documentation_verifies_a_real_result(client, drawn, tmp_path):
    doc = Path(settings.BASE_DIR, "docs", "lottery.md").read_text()
    code = re.search(r"```python\n(.*?)```", doc, re.S).group(1)
    path = tmp_path / "ergebnis.json"
    path.write_bytes(
        client.get(f"/trauung/verlosung/{drawn.day.isoformat()}/ergebnis.json").content
    )
    output = StringIO()
    argv = sys.argv
    sys.argv = ["verify", str(path), drawn.seed_commitment]
    try:
        with contextlib.redirect_stdout(output):
            exec(compile(code, "docs/lottery.md", "exec"), {"__name__": "__main__"})  # noqa: S102
    finally:
        sys.argv = argv
    assert output.getvalue().startswith("verified: 6 applications")
    tampered = json.loads(path.read_text())
    tampered["order"].reverse()
    path.write_text(json.dumps(tampered))
    sys.argv = ["verify", str(path), drawn.seed_commitment]
    try:
        with pytest.raises(AssertionError, match="order"):
            exec(compile(code, "docs/lottery.md", "exec"), {"__name__": "__main__"})  # noqa: S102
    finally:
        sys.argv = argv

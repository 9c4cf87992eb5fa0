"""Anyone can re-verify a drawn lottery from the published document alone.

The draw below runs on a Saturday with one registrar on duty, so several couples' first
choices at the same time at different venues cannot all be married: the registrar capacity
decides outcomes. What decides a refusal is published (the registrars on duty per time and
the registrar each winner got), so an invented refusal is detected; and an implementation
written in this file from docs/lottery.md alone, importing nothing of the project's draw,
reproduces order, refusals and allocation.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import random
import re
import sys
from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from rathaus.core.timezone import local_today
from rathaus.weddings.dates import is_high_demand
from rathaus.weddings.lottery import services
from rathaus.weddings.lottery.pure_draw import Participant, allocation_compute, document_verify
from rathaus.weddings.lottery.services import lottery_draw
from rathaus.weddings.models import Registrar
from rathaus.weddings.selectors import ceremony_slot_offer, ceremony_slots_free
from rathaus.weddings.services import Partner

from .conftest import close, committed, lottery_open, slots_of

pytestmark = pytest.mark.usefixtures("town")
APPLICATIONS = 27


def _saturday_with_venues_at_the_same_time():
    first = local_today() + timedelta(days=40)
    by_day: dict = {}
    for slot in ceremony_slots_free(first=first, last=first + timedelta(days=90)):
        by_day.setdefault(slot.day, []).append(slot)
    for day, slots in sorted(by_day.items()):
        venues = {slot.venue.pk for slot in slots}
        if day.weekday() == 5 and not is_high_demand(day) and len(venues) >= 4:
            return day, slots
    raise AssertionError("no Saturday with several venues in the demo data")


def _apply(lottery, number: int, preferences) -> None:
    with committed():
        application = services.application_submit(
            lottery=lottery,
            request=services.ApplicationRequest(
                partners=(
                    Partner(f"Vorname{number}", "Paar"),
                    Partner("Zweite", f"Person{number}"),
                ),
                email=f"paar{number}@example.org",
                guests=10,
                language="de",
                preferences=tuple((slot.venue, slot.start) for slot in preferences),
            ),
        )
        services.application_confirm_email(application=application, token=application.confirm_token)


@pytest.fixture
def document(client) -> dict:
    day, slots = _saturday_with_venues_at_the_same_time()
    _, registrars = ceremony_slot_offer(venue=slots[0].venue, start=slots[0].start)
    Registrar.objects.exclude(pk=registrars[0].pk).update(active=False)  # one on duty
    lottery = lottery_open(day)
    offered = slots_of(lottery)
    chance = random.Random(12)
    for number in range(APPLICATIONS):
        _apply(lottery, number, chance.sample(offered, min(4, len(offered))))
    with committed():
        lottery_draw(lottery=lottery, now=close(lottery))
    response = client.get(f"/trauung/verlosung/{day.isoformat()}/ergebnis.json")
    return response.json()


def _write(tmp_path, document) -> Path:
    path = tmp_path / "ergebnis.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _verify(path, *options) -> tuple[bool, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("lottery_verify", str(path), *options, stdout=out, stderr=err)
    except CommandError as error:
        return False, err.getvalue() + str(error)
    return True, out.getvalue()


def test_registrar_capacity_decides_outcomes_and_everything_deciding_them_is_public(document):
    assert len(document["order"]) == APPLICATIONS
    assert document["refused"], "with one registrar, some times must be refused"
    for entry in document["refused"]:
        assert document["registrar_duty"][entry["slot"]]["registrars"] == ["S1"]
    assert set(document["registrars_assigned"].values()) == {"S1"}
    assert document["seed_commitment_shown_at"] <= document["first_application_at"]
    assert document_verify(document) == []


def test_an_invented_refusal_with_a_recomputed_allocation_is_detected(document, tmp_path):
    """The forgery the old document could not reveal: refuse a winner's time, recompute the
    whole allocation with the refusal as given, publish it consistently."""
    winner = next(ref for ref in document["order"] if document["allocation"][ref])
    forged = copy.deepcopy(document)
    forged["refused"].append({"reference": winner, "slot": document["allocation"][winner]})
    recomputed = allocation_compute(
        seed_hex=forged["seed"],
        participants=[
            Participant(a["reference"], tuple(a["preferences"])) for a in forged["applications"]
        ],
        free_slots=forged["free_slots"],
        refused=[(r["reference"], r["slot"]) for r in forged["refused"]],
    )
    forged["allocation"] = dict(recomputed.allocated)
    assert forged["allocation"] != document["allocation"]

    problems = document_verify(forged)

    assert any(winner in p and "not explained by the registrars on duty" in p for p in problems)
    assert _verify(_write(tmp_path, document))[0]
    verified, output = _verify(_write(tmp_path, forged))
    assert not verified and "not explained" in output


def test_the_check_compares_with_the_commitment_the_couple_received(document, tmp_path):
    sent = [m.body for m in mail.outbox if document["seed_commitment"] in m.body]
    assert sent, "the confirmation e-mail carries the commitment"
    received = re.search(r"\b[0-9a-f]{64}\b", sent[0]).group(0)
    path = _write(tmp_path, document)

    assert _verify(path, "--commitment", received)[0]
    # a result whose seed and commitment were both replaced after the draw
    other_seed = "ab" * 32
    swapped = {
        **document,
        "seed": other_seed,
        "seed_commitment": hashlib.sha256(bytes.fromhex(other_seed)).hexdigest(),
    }
    verified, output = _verify(_write(tmp_path, swapped), "--commitment", received)
    assert not verified and "received before the draw" in output


# --- an independent implementation, written from docs/lottery.md alone ---------------------


def independent_verify(doc: dict, received_commitment: str) -> dict:
    """docs/lottery.md, "The algorithm, step by step", implemented without the project."""
    seed = doc["seed"]
    assert doc["seed_commitment"] == received_commitment
    assert hashlib.sha256(bytes.fromhex(seed)).hexdigest() == received_commitment
    shown = datetime.fromisoformat(doc["seed_commitment_shown_at"])
    assert shown <= datetime.fromisoformat(doc["first_application_at"])

    def key(reference):
        return hashlib.sha256(f"{seed}:{reference}".encode()).hexdigest()

    wishes = {a["reference"]: a["preferences"] for a in doc["applications"]}
    order = sorted(wishes, key=lambda reference: (key(reference), reference))
    given: dict[str, list[tuple[str, str]]] = {}  # registrar -> [from, until) times given
    taken, allocation, refusals = set(), {}, []
    for reference in order:
        allocation[reference] = None
        for slot in wishes[reference]:
            if slot not in doc["free_slots"] or slot in taken:
                continue
            duty = doc["registrar_duty"][slot]
            free = [
                registrar
                for registrar in duty["registrars"]
                if all(
                    until <= duty["from"] or duty["until"] <= start
                    for start, until in given.get(registrar, [])
                )
            ]
            if not free:
                refusals.append({"reference": reference, "slot": slot})
                continue
            registrar = doc["registrars_assigned"][reference]
            assert registrar in free, (reference, registrar, free)
            given.setdefault(registrar, []).append((duty["from"], duty["until"]))
            taken.add(slot)
            allocation[reference] = slot
            break
    return {"order": order, "refused": refusals, "allocation": allocation}


def test_an_independent_implementation_from_the_docs_reproduces_the_result(document):
    received = document["seed_commitment"]  # as printed in the e-mail (checked above)

    mine = independent_verify(document, received)

    assert mine["order"] == document["order"]
    assert sorted(mine["refused"], key=str) == sorted(document["refused"], key=str)
    assert mine["allocation"] == document["allocation"]
    decided_by_refusals = {entry["reference"] for entry in document["refused"]}
    assert decided_by_refusals


def test_the_verification_code_in_the_documentation_detects_the_forgery(document, tmp_path):
    text = Path(settings.BASE_DIR, "docs", "lottery.md").read_text()
    code = re.search(r"```python\n(.*?)```", text, re.S).group(1)

    def run(doc) -> str:
        path = _write(tmp_path, doc)
        output, argv = StringIO(), sys.argv
        sys.argv = ["verify", str(path), document["seed_commitment"]]
        try:
            with contextlib.redirect_stdout(output):
                exec(compile(code, "docs/lottery.md", "exec"), {"__name__": "__main__"})  # noqa: S102
        finally:
            sys.argv = argv
        return output.getvalue()

    assert run(document).startswith(f"verified: {APPLICATIONS} applications")
    winner = next(ref for ref in document["order"] if document["allocation"][ref])
    forged = copy.deepcopy(document)
    forged["refused"].append({"reference": winner, "slot": document["allocation"][winner]})
    with pytest.raises(AssertionError):
        run(forged)


def test_the_lottery_page_says_since_when_the_commitment_is_shown(client):
    from django.utils import formats, timezone

    lottery = lottery_open()
    html = client.get(f"/trauung/verlosung/{lottery.day.isoformat()}/").content.decode()
    shown = timezone.localtime(lottery.commitment_shown_at)
    assert lottery.seed_commitment in html
    assert f"Hier veröffentlicht seit {formats.date_format(shown, 'DATETIME_FORMAT')}" in html

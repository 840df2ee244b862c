from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from harken.accounts.models import Role, User
from harken.customers.models import Company, Person
from harken.demo.catalogue import DEMO_PASSWORD, PERSONAS
from harken.demo.generate import DemoSize, generate
from harken.demo.load import load_demo
from harken.features.models import Area, Feature
from harken.inbox.actions import recount_feature
from harken.inbox.models import Link, Note, NoteState, Source
from harken.lib.errors import ActionError
from harken.lib.search import search

SMALL = DemoSize(notes=300, companies=25, features=15, seed=3)
REPO = Path(__file__).resolve().parents[3]


def test_demo_loads_a_believable_world(db: None) -> None:
    stats = load_demo(SMALL)
    assert stats is not None
    assert stats.counts["notes"] == Note.objects.count() == 300
    assert Company.objects.count() == 25
    assert Feature.objects.count() == 15
    assert Person.objects.count() == stats.counts["people"] >= 25
    assert Link.objects.count() == stats.counts["links"] > 50
    assert Area.objects.filter(parent=None).count() == 3
    assert all(area.owner is not None for area in Area.objects.all())
    states = set(Note.objects.values_list("state", flat=True))
    assert {NoteState.NEW, NoteState.PROCESSED} <= states
    assert len(set(Note.objects.values_list("source", flat=True))) >= 6
    assert Note.objects.filter(source=Source.SALES_CALL).exclude(wanted_to_do="").exists()
    assert Company.objects.filter(arr__gt=100_000).exists()
    assert Company.objects.filter(arr__lt=20_000).exists()
    # The denormalised counters are what recount_feature would compute.
    for feature in Feature.objects.filter(note_count__gt=0)[:5]:
        counts = (feature.note_count, feature.company_count, feature.score)
        recount_feature(feature.pk)
        feature.refresh_from_db()
        assert counts == (feature.note_count, feature.company_count, feature.score)
    # Notes are in the full-text index like any other.
    assert search(Note.objects.all(), "dashboard", "inbox_note", ("title", "body")).exists()


def test_demo_is_idempotent_and_seeded(db: None) -> None:
    load_demo(SMALL)
    titles = list(Note.objects.order_by("id").values_list("title", flat=True)[:50])
    assert load_demo(SMALL) is None
    assert Note.objects.count() == 300
    load_demo(SMALL, reset=True)
    assert Note.objects.count() == 300
    assert User.objects.filter(username="admin").count() == 1
    assert list(Note.objects.order_by("id").values_list("title", flat=True)[:50]) == titles


def test_demo_refuses_a_database_with_data(contributor: User, acme: Company) -> None:
    with pytest.raises(ActionError, match="only loads into an empty installation"):
        load_demo(SMALL)
    assert Note.objects.count() == 0


def test_demo_personas_sign_in(client: Client, db: None) -> None:
    load_demo(DemoSize(notes=10, companies=3, features=3))
    roles = {p.username: p.role for p in PERSONAS}
    assert {"admin", "pm", "sales", "viewer"} <= set(roles)
    for persona in PERSONAS:
        user = User.objects.get(username=persona.username)
        assert user.role == persona.role
        assert client.login(username=persona.username, password=DEMO_PASSWORD)
    assert User.objects.get(username="pm").has_role(Role.MAKER)


def test_generate_adds_to_a_loaded_demo(db: None) -> None:
    load_demo(SMALL)
    generate(DemoSize(notes=100, companies=10, features=5, seed=4))
    assert Note.objects.count() == 400
    assert Company.objects.count() == 35
    assert Company.objects.values("domain").distinct().count() == 35
    # New notes continue the id sequence, so the ORM can still add rows afterwards.
    note = Note.objects.create(title="After the bulk insert")
    assert note.pk == Note.objects.order_by("-id").values_list("id", flat=True)[0]


def test_demo_command_prints_the_logins(db: None) -> None:
    out = StringIO()
    call_command("demo", "--notes", "20", "--companies", "5", "--features", "4", stdout=out)
    text = out.getvalue()
    assert "Loaded the demo" in text
    assert f"admin    {DEMO_PASSWORD}" in text
    out = StringIO()
    call_command("demo", stdout=out)
    assert "loaded already" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("demo", "--notes", "-1")


def test_bench_generate_fills_a_database(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HARKEN_")}
    env["HARKEN_DATA_DIR"] = str(tmp_path / "data")
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "generate.py"),
            "--notes",
            "3000",
            "--companies",
            "40",
            "--features",
            "12",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "3,000 notes" in done.stdout
    assert "notes/s" in done.stdout

"""Notes filed by requests served at once are stored together (`ingest_filed`, `file_note`).

A group mixes users: each note stays its filer's (submitter, audit log, what a replay shows),
exactly as if each had been filed alone.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import close_old_connections, connection

from harken.accounts.models import User
from harken.audit.models import AuditEvent
from harken.customers.models import Company, Person
from harken.features.models import Tag
from harken.inbox.actions import IncomingNote, ingest_note
from harken.inbox.ingest_batch import file_note, ingest_filed
from harken.inbox.models import Note, Source
from harken.lib.errors import ActionError

API = Source.API


def test_each_note_of_a_group_is_its_filers(
    contributor: User, other_contributor: User, acme: Company
) -> None:
    outcomes = ingest_filed(
        [
            (contributor, IncomingNote(title="PDF export", source=API, person_email="jo@acme.com")),
            (other_contributor, IncomingNote(title="Also", source=API, person_email="jo@acme.com")),
            (other_contributor, IncomingNote(title="SSO", tags=["auth"])),
        ]
    )
    assert [o.created for o in outcomes] == [True, True, True]
    notes = [o.note for o in outcomes]
    assert [n.submitter for n in notes if n] == [contributor, other_contributor, other_contributor]
    events = AuditEvent.objects.filter(action="note.created").order_by("id")
    assert [(e.actor, e.object_id) for e in events] == [
        (n.submitter, str(n.pk)) for n in notes if n
    ]
    # The person is created once, by the first note that names them, and is of their company.
    person = Person.objects.get(email="jo@acme.com")
    assert person.company == acme
    created = AuditEvent.objects.get(action="person.created")
    assert (created.actor, created.object_id) == (contributor, str(person.pk))
    assert [n.company for n in notes if n] == [acme, acme, None]
    assert [t.name for t in outcomes[2].tags] == ["auth"]


def test_a_known_person_gains_a_name_and_the_notes_their_company(
    contributor: User, acme: Company
) -> None:
    Person.objects.create(email="kim@acme.com")  # stored before Acme's domain was known
    (outcome,) = ingest_filed(
        [
            (
                contributor,
                IncomingNote(title="x", source=API, person_email="Kim@Acme.com", person_name="Kim"),
            )
        ]
    )
    person = Person.objects.get(email="kim@acme.com")
    assert person.name == "Kim"
    assert outcome.note is not None
    assert outcome.note.person == person
    assert not AuditEvent.objects.filter(action="person.created").exists()


def test_a_replay_in_a_group_shows_each_filer_only_what_they_may_see(
    contributor: User, other_contributor: User, maker: User
) -> None:
    ingest_note(
        other_contributor, IncomingNote(title="Secret deal", external_id="x-1", confidential=True)
    )
    replay = IncomingNote(title="Mine", source=Source.MANUAL, external_id="x-1")
    mine, makers = ingest_filed([(contributor, replay), (maker, replay)])
    assert mine.error is not None
    assert mine.error.code == "conflict"
    assert mine.note is None
    assert makers.note is not None
    assert makers.note.title == "Secret deal"
    assert not makers.created
    assert Note.objects.count() == 1


def test_file_note_refuses_as_ingest_note_does(contributor: User, viewer: User) -> None:
    with pytest.raises(ActionError) as refused:
        file_note(contributor, IncomingNote(title="  "))
    assert refused.value.field == "title"
    with pytest.raises(ActionError):
        file_note(viewer, IncomingNote(title="Viewers only read"))
    assert Note.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_requests_filing_at_once_store_every_note_once(
    contributor: User, other_contributor: User
) -> None:
    """Real threads, each with its own connection, as a web process's request threads."""
    users = [contributor, other_contributor]
    # Known people: two groups creating the same new person at once both audit its creation
    # (people_for_emails cannot tell whose insert won), which this test is not about.
    for i in range(7):
        Person.objects.create(email=f"p{i}@firm{i % 3}.example")

    def file(i: int) -> tuple[int, bool, int]:
        try:
            outcome = file_note(
                users[i % 2],
                IncomingNote(
                    title=f"Note {i}",
                    person_email=f"p{i % 7}@firm{i % 7 % 3}.example",
                    tags=[f"t{i % 4}", "shared"],
                    external_id=f"ext-{i % 150}",
                    source=Source.INTERCOM,
                ),
            )
            assert outcome.note is not None
            return outcome.note.pk, outcome.created, len(outcome.tags)
        finally:
            close_old_connections()
            connection.close()

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(file, range(200)))
    # 150 distinct external ids: each stored once; its repeats find the stored note.
    assert Note.objects.count() == 150
    assert sum(created for _, created, _ in results) == 150
    by_external = dict(Note.objects.values_list("external_id", "pk"))
    assert [pk for pk, _, _ in results] == [by_external[f"ext-{i % 150}"] for i in range(200)]
    assert all(tags == 2 for _, created, tags in results if created)
    assert Note.tags.through.objects.count() == 300
    assert set(Tag.objects.values_list("name", flat=True)) == {"t0", "t1", "t2", "t3", "shared"}
    assert Person.objects.count() == 7
    assert AuditEvent.objects.filter(action="note.created").count() == 150
    submitters = dict(Note.objects.values_list("external_id", "submitter"))
    # ext-i is filed by note i and, for i < 50, by note i + 150: the same user either way.
    assert submitters == {f"ext-{i}": users[i % 2].pk for i in range(150)}

"""Notes filed by requests served at once are stored together (`ingest_filed`).

A group mixes users: each note stays its filer's (submitter, audit log, what a replay shows),
exactly as if each had been filed alone.
"""

from __future__ import annotations

from harken.accounts.models import User
from harken.audit.models import AuditEvent
from harken.customers.models import Company, Person
from harken.inbox.actions import IncomingNote, ingest_note
from harken.inbox.ingest_batch import ingest_filed
from harken.inbox.models import Note, Source

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

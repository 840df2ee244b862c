"""Many notes in one transaction: the API's batch endpoint.

`ingest_note` takes five to eight queries per note, and on a small server each costs about a
millisecond of Django's own Python before the database sees it; that caps single-note filing
near 200 a second. Here a whole batch takes a fixed dozen queries under the same rules: the
same checks (`check_incoming`), idempotent on (source, external_id), people found or created
from their email as `do_upsert_person` does, tags created when missing, one audit event per
note and per new person. Each note is stored or refused on its own; a refused note leaves
nothing behind, and neither does a batch that fails as a whole.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from harken.accounts.access import require_role
from harken.accounts.models import Role, User
from harken.audit.actions import audit_by
from harken.customers.bulk import fills, people_for_emails
from harken.customers.domains import normalize_email
from harken.customers.models import Company, Person
from harken.features.models import Tag
from harken.inbox.access import may_see_note
from harken.inbox.actions import (
    IncomingNote,
    check_incoming,
    new_note,
    stored_out_of_sight,
    tags_named,
)
from harken.inbox.models import Note, NoteTag
from harken.lib.compiled import Compiled
from harken.lib.errors import ActionError
from harken.lib.inserts import insert_all, insert_rows

BATCH_LIMIT = 500


@dataclass
class Outcome:
    """What became of one note of a batch: stored (created), already stored, or refused."""

    note: Note | None = None
    created: bool = False
    error: ActionError | None = None
    tags: list[Tag] = field(default_factory=list)


def ingest_notes(actor: User, incoming: Sequence[IncomingNote]) -> list[Outcome]:
    """Store each note, or find the one already stored for its (source, external_id)."""
    require_role(actor, Role.CONTRIBUTOR, "file feedback")
    if len(incoming) > BATCH_LIMIT:
        raise ActionError(f"Send at most {BATCH_LIMIT} notes at a time.", field="notes")
    return ingest_filed([(actor, note) for note in incoming])


def ingest_filed(filed: Sequence[tuple[User, IncomingNote]]) -> list[Outcome]:
    """`ingest_notes` for notes filed by several users, each of whom may file already
    (requests filed at once: harken.inbox.api_fast). Each note is theirs, as submitter and
    in the audit log, and a stored note is shown to them by their own right to see it."""
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return _Batch(filed).store()
        except IntegrityError:
            # A concurrent delivery stored some of the same (source, external_id) since we
            # looked: the second pass finds them stored.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


# The people a batch names, with their companies: compiled once (harken.lib.compiled).
_PEOPLE = Compiled(
    lambda *emails: Person.objects.select_related("company").filter(email__in=emails).order_by(),
    any_number=True,
)


class _Batch:
    def __init__(self, filed: Sequence[tuple[User, IncomingNote]]) -> None:
        self.actors = [actor for actor, _ in filed]
        self.incoming = [note for _, note in filed]
        self.outcomes = [Outcome() for _ in filed]
        # Positions still to be stored; a repeat of an earlier (source, external_id) of the
        # same batch points at that earlier position instead.
        self.todo: list[int] = []
        self.repeats: dict[int, int] = {}
        self.emails: dict[int, str] = {}
        # Notes stored before this batch, by the position that named them.
        self.stored: dict[int, Note] = {}

    def store(self) -> list[Outcome]:
        self.check()
        self.find_stored()
        companies = self.find_companies()
        people = self.find_people()
        self.insert(companies, people)
        for position, first in self.repeats.items():
            self.outcomes[position] = self.repeat(position, first)
        return self.outcomes

    def repeat(self, position: int, first: int) -> Outcome:
        """A later note of the batch with the same (source, external_id) as `first`: it finds
        the note `first` found or stored, if its own filer may see it."""
        earlier = self.outcomes[first]
        note = self.stored.get(first) or (earlier.note if earlier.created else None)
        if note is None:
            return Outcome(error=earlier.error)
        if not may_see_note(self.actors[position], note):
            return Outcome(error=stored_out_of_sight())
        return Outcome(note=note)

    def refuse(self, position: int, error: ActionError) -> None:
        self.outcomes[position].error = error

    def check(self) -> None:
        first_of: dict[tuple[str, str], int] = {}
        for position, note in enumerate(self.incoming):
            try:
                check_incoming(note)
                if note.person_email:
                    self.emails[position] = normalize_email(note.person_email, "person_email")
            except ActionError as error:
                self.refuse(position, error)
                continue
            if note.external_id is not None:
                key = (note.source, note.external_id)
                if key in first_of:
                    self.repeats[position] = first_of[key]
                    continue
                first_of[key] = position
            self.todo.append(position)

    def find_stored(self) -> None:
        by_source: dict[str, dict[str, int]] = defaultdict(dict)
        for position in self.todo:
            wanted = self.incoming[position]
            if wanted.external_id is not None:
                by_source[wanted.source][wanted.external_id] = position
        found: dict[int, Note] = {}
        for source, positions in by_source.items():
            stored = Note.objects.filter(source=source, external_id__in=list(positions))
            for note in stored.select_related("person", "company"):
                found[positions[str(note.external_id)]] = note
        self.stored = found
        for position, note in found.items():
            if may_see_note(self.actors[position], note):
                self.outcomes[position].note = note
            else:
                self.refuse(position, stored_out_of_sight())
        self.todo = [p for p in self.todo if p not in found]

    def find_companies(self) -> dict[int, Company]:
        wanted = {self.incoming[p].company_id for p in self.todo} - {None}
        companies = Company.objects.in_bulk([c for c in wanted if c is not None])
        for position in list(self.todo):
            company_id = self.incoming[position].company_id
            if company_id is not None and company_id not in companies:
                self.refuse(
                    position, ActionError(f"No company with id {company_id}.", field="company_id")
                )
        self.todo = [p for p in self.todo if self.outcomes[p].error is None]
        return companies

    def find_people(self) -> dict[str, Person]:
        wanted: dict[str, tuple[str, int | None]] = {}
        # A new person is created by the first note to name them, and audited as theirs.
        named_by: dict[str, User] = {}
        for position in self.todo:
            if position in self.emails:
                note = self.incoming[position]
                wanted.setdefault(self.emails[position], (note.person_name, note.company_id))
                named_by.setdefault(self.emails[position], self.actors[position])
        by_email = {person.email: person for person in _PEOPLE.all(*wanted)}
        # Most notes name people stored already with nothing to fill in: one query for them.
        change = {
            email: wish
            for email, wish in wanted.items()
            if email not in by_email
            or fills(by_email[email].name, by_email[email].company_id, *wish)
        }
        created: list[str] = []
        if change:
            _, created = people_for_emails(change)
            by_email.update((person.email, person) for person in _PEOPLE.all(*change))
        audit_by("person.created", [(named_by[e], by_email[e], {"email": e}) for e in created])
        return by_email

    def insert(self, companies: dict[int, Company], people: dict[str, Person]) -> None:
        now = timezone.now()
        notes = []
        for position in self.todo:
            incoming = self.incoming[position]
            person = people.get(self.emails.get(position, ""))
            company = companies.get(incoming.company_id) if incoming.company_id else None
            company = company or (person.company if person else None)
            notes.append(new_note(incoming, self.actors[position], person, company, now))
        insert_all(notes)  # bulk_create, compiled once: groups of a few notes are common
        names = [name for p in self.todo for name in self.incoming[p].tags]
        tags = {t.name.lower(): t for t in tags_named(names)} if names else {}
        through: list[tuple[int, int]] = []
        for position, note in zip(self.todo, notes, strict=True):
            # Keyed as tags_named keys them: stripped, cut to a tag's length, any case.
            wanted = {n.strip()[:60].lower() for n in self.incoming[position].tags if n.strip()}
            mine = [tags[name] for name in sorted(wanted) if name in tags]
            through.extend((note.pk, tag.pk) for tag in mine)
            self.outcomes[position] = Outcome(note=note, created=True, tags=mine)
        insert_rows(NoteTag, ("note_id", "tag_id"), through)
        audit_by("note.created", [(n.submitter, n, {"source": n.source}) for n in notes])

"""Every write to notes and links; every channel ends in `ingest_note`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.db.models import Case, Count, FloatField, Q, Sum, Value, When
from django.db.models.functions import Lower
from django.utils import timezone

from harken.accounts.access import require_role
from harken.accounts.models import Role, User
from harken.audit.actions import audit
from harken.customers.actions import do_upsert_person
from harken.customers.models import Company, Person
from harken.features.models import Area, Feature, Tag
from harken.inbox.choices import forget_choices
from harken.inbox.models import (
    IMPORTANCE_WEIGHT,
    Importance,
    Link,
    Note,
    NoteState,
    NoteTag,
    Source,
)
from harken.inbox.why import WHY_FIELDS
from harken.lib.compiled import Compiled
from harken.lib.errors import ActionError
from harken.lib.inserts import insert, new_instance
from harken.notify.actions import notify

# Checked for every note filed: Source.values builds its list anew each time.
_SOURCES = frozenset(Source.values)

# Notes typed in by a teammate about a customer; they must carry the customer's why.
ON_BEHALF_SOURCES = frozenset({Source.MANUAL, Source.SALES_CALL})


@dataclass(frozen=True)
class IncomingNote:
    """One piece of feedback from any channel, before it is stored."""

    title: str
    body: str = ""
    source: Source = Source.MANUAL
    source_url: str = ""
    external_id: str | None = None
    person_email: str | None = None
    person_name: str = ""
    company_id: int | None = None
    received_at: datetime | None = None
    confidential: bool = False
    tags: Sequence[str] = ()
    customer_priority: int | None = None
    links: Sequence[str] = ()
    why: dict[str, str] = field(default_factory=dict)


def check_incoming(incoming: IncomingNote) -> None:
    """Refuse a note a user can fix before it is stored."""
    if not incoming.title.strip():
        raise ActionError("Give the note a title.", field="title")
    if len(incoming.title) > 300:
        raise ActionError("The title is longer than 300 characters.", field="title")
    if incoming.source not in _SOURCES:
        raise ActionError(f"Source must be one of: {', '.join(Source.values)}.", field="source")
    if incoming.external_id is not None and not incoming.external_id.strip():
        raise ActionError(
            "external_id must not be blank; leave it out instead.", field="external_id"
        )
    priority = incoming.customer_priority
    if priority is not None and not 1 <= priority <= 10:
        raise ActionError("Customer priority is a number from 1 to 10.", field="customer_priority")
    unknown = set(incoming.why) - set(WHY_FIELDS)
    if unknown:
        raise ActionError(f"Unknown field: {', '.join(sorted(unknown))}.")
    for url in incoming.links:
        if not url.startswith(("https://", "http://")):
            raise ActionError(f"{url!r} is not a web address (http:// or https://).", field="links")
    names_customer = bool(incoming.person_email or incoming.company_id)
    has_why = any(v.strip() for v in incoming.why.values())
    if incoming.source in ON_BEHALF_SOURCES and names_customer and not has_why:
        raise ActionError(
            "Feedback filed for a customer needs their why: say what they wanted to do, what "
            "they actually did and why that was not great (or the problem, workaround or impact).",
            field="wanted_to_do",
            code="why_required",
        )


def new_note(
    incoming: IncomingNote,
    actor: User | None,
    person: Person | None,
    company: Company | None,
    now: datetime,
) -> Note:
    """The note `incoming` becomes, not yet saved; `now` when it does not say when it came."""
    received_at = incoming.received_at or now
    if timezone.is_aware(received_at):
        # In UTC, as the database gives it back: the answer to filing a note then reads as
        # every later answer about it does.
        received_at = received_at.astimezone(UTC)
    values = {
        "title": incoming.title.strip(),
        "body": incoming.body,
        "source": incoming.source,
        "source_url": incoming.source_url,
        "external_id": incoming.external_id,
        "confidential": incoming.confidential,
        "customer_priority": incoming.customer_priority,
        "links": list(incoming.links),
        "received_at": received_at,
    }
    for name in WHY_FIELDS:
        values[name] = incoming.why.get(name, "")
    related = {"submitter": actor, "person": person, "company": company}
    return new_instance(Note, values, related)  # Note(**values, **related), faster


def stored_out_of_sight() -> ActionError:
    """A replay of a confidential note someone else filed: say it exists, show nothing."""
    return ActionError(
        "A note with this external_id is already stored for this source.",
        field="external_id",
        code="conflict",
    )


def ingest_note(actor: User | None, incoming: IncomingNote) -> tuple[Note, bool]:
    """Store a note, or return the one already stored for (source, external_id)."""
    note, created, _ = ingest_note_tagged(actor, incoming)
    return note, created


def ingest_note_tagged(actor: User | None, incoming: IncomingNote) -> tuple[Note, bool, list[Tag]]:
    """`ingest_note`, also handing back a new note's tags: a caller that shows the note
    right away needs no query for them."""
    if actor is not None:
        require_role(actor, Role.CONTRIBUTOR, "file feedback")
    check_incoming(incoming)
    if incoming.external_id is not None:
        existing = Note.objects.filter(
            source=incoming.source, external_id=incoming.external_id
        ).first()
        if existing is not None:
            return existing, False, []
    company = None
    if incoming.company_id is not None:
        company = Company.objects.filter(pk=incoming.company_id).first()
        if company is None:
            raise ActionError(f"No company with id {incoming.company_id}.", field="company_id")
    try:
        with transaction.atomic():
            person = None
            if incoming.person_email:
                person, _ = do_upsert_person(
                    actor, incoming.person_email, incoming.person_name, company
                )
                company = company or person.company
            note = new_note(incoming, actor, person, company, timezone.now())
            insert(note)  # save(force_insert=True), compiled once: the API's busiest write
            tags = tags_named(incoming.tags) if incoming.tags else []
            if tags:
                # A new note has no tags yet: insert the rows without .set()'s diffing read.
                NoteTag.objects.bulk_create(
                    [NoteTag(note_id=note.pk, tag_id=tag.pk) for tag in tags]
                )
            audit(actor, "note.created", note, {"source": note.source})
    except IntegrityError:
        # A concurrent delivery of the same (source, external_id) won the race.
        if incoming.external_id is None:
            raise
        stored = Note.objects.get(source=incoming.source, external_id=incoming.external_id)
        return stored, False, []
    return note, True, tags


# Every note filed with tags looks them up: compiled once per number of names.
_TAGS_NAMED = Compiled(
    lambda *keys: Tag.objects.alias(lower=Lower("name")).filter(lower__in=keys).order_by(),
    any_number=True,
)


def tags_named(names: Sequence[str]) -> list[Tag]:
    """The tags with these names (case-insensitive), created when missing."""
    wanted = {n.strip().lower(): n.strip()[:60] for n in names if n.strip()}
    found = {t.name.lower(): t for t in _TAGS_NAMED.all(*wanted)}
    missing = [Tag(name=wanted[key]) for key in wanted if key not in found]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        forget_choices()  # bulk_create sends no post_save
        found = {t.name.lower(): t for t in _TAGS_NAMED.all(*wanted)}
    return list(found.values())


def _normalized(text: str) -> str:
    return " ".join(text.split()).lower()


def recount_feature(feature_id: int) -> None:
    """Recompute a feature's note count, company count and score from its links."""
    weight = Case(
        *[When(importance=imp, then=Value(w)) for imp, w in IMPORTANCE_WEIGHT.items()],
        default=Value(1.0),
        output_field=FloatField(),
    )
    totals = Link.objects.filter(feature_id=feature_id).aggregate(
        notes=Count("id"),
        companies=Count("company", distinct=True, filter=Q(company__isnull=False)),
        score=Sum(weight),
    )
    Feature.objects.filter(pk=feature_id).update(
        note_count=totals["notes"],
        company_count=totals["companies"],
        score=totals["score"] or 0.0,
        updated_at=timezone.now(),
    )


def do_link_note(
    actor: User,
    note: Note,
    feature: Feature,
    importance: Importance = Importance.UNKNOWN,
    highlight: str = "",
) -> tuple[Link, bool]:
    """Link a note, or a passage of it, to a feature; linking again updates the link."""
    require_role(actor, Role.MAKER, "link feedback to features")
    if importance not in Importance.values:
        raise ActionError(
            f"Importance must be one of: {', '.join(Importance.values)}.", field="importance"
        )
    highlight = highlight.strip()
    if highlight and _normalized(highlight) not in _normalized(f"{note.title}\n{note.body}"):
        raise ActionError(
            "The highlighted passage is not in the note: select text from its title or body.",
            field="highlight",
        )
    with transaction.atomic():
        link, created = Link.objects.update_or_create(
            note=note,
            feature=feature,
            defaults={"importance": importance, "highlight": highlight, "company": note.company},
            create_defaults={
                "importance": importance,
                "highlight": highlight,
                "company": note.company,
                "created_by": actor,
            },
        )
        recount_feature(feature.pk)
        audit(
            actor,
            "note.linked" if created else "note.link_updated",
            note,
            {"feature": feature.pk, "importance": importance, "highlight": highlight},
        )
    return link, created


def do_unlink_note(actor: User, link: Link) -> None:
    require_role(actor, Role.MAKER, "unlink feedback")
    with transaction.atomic():
        note, feature_id = link.note, link.feature_id
        link.delete()
        recount_feature(feature_id)
        audit(actor, "note.unlinked", note, {"feature": feature_id})


def do_set_note_state(
    actor: User,
    note: Note,
    state: NoteState,
    *,
    comment: str = "",
    snoozed_until: datetime | None = None,
) -> Note:
    """Move a note through the inbox; processing it tells its submitter."""
    require_role(actor, Role.MAKER, "triage feedback")
    if state not in NoteState.values:
        raise ActionError(f"State must be one of: {', '.join(NoteState.values)}.", field="state")
    if state == NoteState.SNOOZED and (snoozed_until is None or snoozed_until <= timezone.now()):
        raise ActionError("Snoozing needs a date in the future.", field="snoozed_until")
    old = note.state
    with transaction.atomic():
        note.state = state
        note.snoozed_until = snoozed_until if state == NoteState.SNOOZED else None
        if state == NoteState.PROCESSED:
            note.processed_at, note.processed_by = timezone.now(), actor
        elif state == NoteState.NEW:
            note.processed_at, note.processed_by = None, None
        note.save(update_fields=["state", "snoozed_until", "processed_at", "processed_by"])
        audit(actor, "note.state_changed", note, {"state": [old, state], "comment": comment})
        if state == NoteState.PROCESSED and note.submitter_id and note.submitter_id != actor.pk:
            features = ", ".join(
                note.feature_links.select_related("feature").values_list(
                    "feature__title", flat=True
                )
            )
            text = f"{actor.display_name} processed your feedback “{note.title}”"
            text += f", linked to {features}." if features else "."
            if comment.strip():
                text += f" {actor.display_name} says: {comment.strip()}"
            notify(note.submitter_id, actor, "note.processed", text, f"/notes/{note.pk}/")
    return note


def do_assign_note(actor: User, note: Note, assignee: User | None) -> Note:
    require_role(actor, Role.MAKER, "assign feedback")
    if assignee is not None and not assignee.has_role(Role.CONTRIBUTOR):
        raise ActionError(
            f"{assignee.username} cannot be assigned: pick a teammate.", field="assignee"
        )
    with transaction.atomic():
        old = note.assignee_id
        note.assignee = assignee
        note.save(update_fields=["assignee"])
        audit(actor, "note.assigned", note, {"assignee": [old, assignee.pk if assignee else None]})
    return note


def do_set_note_tags(actor: User, note: Note, names: Sequence[str]) -> Note:
    require_role(actor, Role.MAKER, "tag feedback")
    with transaction.atomic():
        tags = tags_named(names)
        note.tags.set(tags)
        audit(actor, "note.tagged", note, {"tags": sorted(t.name for t in tags)})
    return note


def do_link_note_to_new_feature(
    actor: User,
    note: Note,
    title: str,
    importance: Importance = Importance.UNKNOWN,
    highlight: str = "",
    area: Area | None = None,
) -> tuple[Link, Feature]:
    """Create a feature from the inbox and link the note to it: both happen or neither."""
    # Imported here: feature actions that move links (merging) may need the inbox, not a cycle.
    from harken.features.actions import do_create_feature

    require_role(actor, Role.MAKER, "create features")
    fields: dict[str, object] = {"title": title}
    if area is not None:
        fields["area"] = area
    with transaction.atomic():
        feature = do_create_feature(actor, fields)
        link, _ = do_link_note(actor, note, feature, importance, highlight)
    return link, feature

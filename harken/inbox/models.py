from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from harken.customers.models import Company, Person
from harken.features.models import Feature, Tag
from harken.inbox.why import WHY_FIELDS


class Source(models.TextChoices):
    PORTAL = "portal", "Portal"
    EMAIL = "email", "Email"
    SLACK = "slack", "Slack"
    MATTERMOST = "mattermost", "Mattermost"
    GITHUB = "github", "GitHub"
    ZENDESK = "zendesk", "Zendesk"
    HUBSPOT = "hubspot", "HubSpot"
    INTERCOM = "intercom", "Intercom"
    TWITTER = "twitter", "Twitter"
    SALES_CALL = "sales_call", "Sales call"
    BROWSER = "browser", "Browser"
    CSV = "csv", "CSV import"
    API = "api", "API"
    MANUAL = "manual", "Manual"


class NoteState(models.TextChoices):
    NEW = "new", "New"
    PROCESSED = "processed", "Processed"
    SNOOZED = "snoozed", "Snoozed"
    ARCHIVED = "archived", "Archived"


class Importance(models.TextChoices):
    UNKNOWN = "unknown", "Unknown"
    NICE_TO_HAVE = "nice_to_have", "Nice to have"
    IMPORTANT = "important", "Important"
    CRITICAL = "critical", "Critical"


# The weight each importance adds to a feature's score.
IMPORTANCE_WEIGHT = {
    Importance.UNKNOWN: 1.0,
    Importance.NICE_TO_HAVE: 1.0,
    Importance.IMPORTANT: 2.0,
    Importance.CRITICAL: 4.0,
}


class Note(models.Model):
    """An insight: one piece of feedback, from any channel."""

    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.MANUAL)
    source_url = models.URLField(max_length=1000, blank=True)
    # NULL, not "": notes without an external id must not collide in the unique constraint.
    external_id = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submitted_notes",
        db_index=False,
    )
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notes",
        db_index=False,
    )
    company = models.ForeignKey(
        Company,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notes",
        db_index=False,
    )
    state = models.CharField(max_length=12, choices=NoteState.choices, default=NoteState.NEW)
    snoozed_until = models.DateTimeField(null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_notes",
        db_index=False,
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="notes", through="NoteTag")
    confidential = models.BooleanField(default=False)

    wanted_to_do = models.TextField("What they wanted to do", blank=True)
    actually_did = models.TextField("What they actually did", blank=True)
    why_not_great = models.TextField("Why that was not great", blank=True)
    why_interested = models.TextField("Why they are interested", blank=True)
    problem = models.TextField("Problem", blank=True)
    workaround = models.TextField("Current workaround", blank=True)
    impact = models.TextField("Impact of not having it", blank=True)
    customer_priority = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="How important it is to the customer, 1-10",
    )
    links = models.JSONField(default=list, blank=True, help_text="CRM record or ticket URLs")

    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=models.Q(external_id__isnull=False),
                name="note_unique_source_external_id",
            ),
            models.CheckConstraint(
                condition=models.Q(customer_priority__isnull=True)
                | models.Q(customer_priority__gte=1, customer_priority__lte=10),
                name="note_customer_priority_1_10",
            ),
        ]
        # The submitter, person, company and assignee foreign keys have no index of their own:
        # these composite indexes lead with them, and every extra index slows each insert.
        # Every inbox filter is an equality on one column followed by the inbox order, so
        # each gets a composite index ending in (received_at, id): the first page is an index
        # range scan at any table size, and cursor paging continues it.
        indexes = [
            models.Index(fields=["-received_at", "-id"], name="note_inbox"),
            models.Index(fields=["state", "-received_at", "-id"], name="note_state_inbox"),
            models.Index(fields=["source", "-received_at", "-id"], name="note_source_inbox"),
            # Partial, as the next ones: a note without a company, assignee or person then
            # costs its index nothing (for the assignee index, 3 % of PostgreSQL's time to
            # COPY 200,000 imported notes, medians of five rounds). No query asks for
            # notes without a company or person; "unassigned" (assignee IS NULL) walks the
            # inbox order instead, where most notes are unassigned (bench/pages.py measures it).
            models.Index(
                fields=["company", "-received_at", "-id"],
                condition=models.Q(company__isnull=False),
                name="note_company_inbox",
            ),
            models.Index(
                fields=["assignee", "-received_at", "-id"],
                condition=models.Q(assignee__isnull=False),
                name="note_assignee_inbox",
            ),
            # No query looks for notes without a submitter or processor, and an imported or
            # new note then costs these indexes nothing (about a tenth of an import's time on
            # PostgreSQL). "processed_by" is only there for deleting users.
            models.Index(
                fields=["submitter", "-received_at", "-id"],
                condition=models.Q(submitter__isnull=False),
                name="note_submitter",
            ),
            models.Index(
                fields=["processed_by"],
                condition=models.Q(processed_by__isnull=False),
                name="note_processed_by",
            ),
            models.Index(
                fields=["person", "-received_at"],
                condition=models.Q(person__isnull=False),
                name="note_person",
            ),
            models.Index(
                fields=["state", "snoozed_until"],
                condition=models.Q(state="snoozed"),
                name="note_snoozed_due",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_why(self) -> bool:
        return any(getattr(self, f).strip() for f in WHY_FIELDS)


class NoteTag(models.Model):
    """A tag on a note: the pair is the key, so each row costs two indexes, not four.

    Django's own many-to-many table adds an id column (a sequence value per row) and indexes
    the id, the pair, the note and the tag; the note's index repeats the pair's first column.
    A CSV import writes a row per tag per note: with two indexes, PostgreSQL's CPU for a
    200,000-note import with two tags a note fell from 22.0 to 19.8 s.

    No database foreign keys: checking them was a fifth of a CSV import's time on
    PostgreSQL (two checks, each locking a row, per tag on a note, at commit). Django's
    deletion collector removes a deleted note's or tag's rows, and every delete goes
    through the ORM; tag and note ids are never reused.
    """

    pk = models.CompositePrimaryKey("note_id", "tag_id")
    note = models.ForeignKey(Note, on_delete=models.CASCADE, db_constraint=False, db_index=False)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, db_constraint=False, db_index=False)

    class Meta:
        # The notes of a tag, read from the index alone (the tag filter of the inbox).
        indexes = [models.Index(fields=["tag", "note"], name="notetag_tag_note")]

    def __str__(self) -> str:
        return f"{self.note_id}: {self.tag_id}"


class Link(models.Model):
    """A note (or a highlighted passage of it) is evidence for a feature."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="feature_links")
    feature = models.ForeignKey(Feature, on_delete=models.CASCADE, related_name="note_links")
    importance = models.CharField(
        max_length=16, choices=Importance.choices, default=Importance.UNKNOWN
    )
    highlight = models.TextField(blank=True)
    # Copied from the note so the feature page and the company counter need no join.
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="feature_links"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["note", "feature"], name="link_unique_note_feature"),
        ]
        indexes = [
            models.Index(fields=["feature", "-created_at", "-id"], name="link_feature"),
            models.Index(fields=["company", "feature"], name="link_company_feature"),
        ]

    def __str__(self) -> str:
        return f"{self.note_id} -> {self.feature_id}"

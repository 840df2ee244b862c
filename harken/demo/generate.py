"""Generate a believable Harken installation: teams, roadmap, customers and their feedback.

Seeded, so the same size and seed give the same world (dates are relative to today). Rows
are written in bulk with explicit ids (harken.lib.bulk), which is what lets the
benchmark fill a database with a million notes in minutes; it must not run while others
write to the same tables.
"""

from __future__ import annotations

import math
import random
import time
from bisect import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone

from harken.accounts.actions import do_create_user
from harken.accounts.models import User
from harken.customers.models import Company, Deployment, Person
from harken.demo import catalogue as cat
from harken.features.actions import default_status
from harken.features.models import (
    Area,
    Effort,
    Feature,
    Release,
    Status,
    StatusCategory,
    Tag,
    Timeframe,
)
from harken.inbox.models import IMPORTANCE_WEIGHT, Importance, Link, Note, NoteState, NoteTag
from harken.inbox.why import WHY_FIELDS
from harken.lib.bulk import load_rows, reset_sequences, search_index_deferred

BATCH = 5000
GROUP_WORDS = ("Group", "Holdings", "International", "Partners")
Say = Callable[[str], None]


def _quiet(message: str) -> None:
    return None


@dataclass(frozen=True)
class DemoSize:
    notes: int = 2000
    companies: int = 200
    features: int = 60
    seed: int = 42


@dataclass
class Stats:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, what: str, n: int) -> None:
        self.counts[what] = self.counts.get(what, 0) + n


def _next_id(model: type[Model]) -> int:
    return int(model._default_manager.aggregate(top=Max("id"))["top"] or 0) + 1


def ensure_personas() -> dict[str, User]:
    """The demo users, created when missing, all with the documented demo password."""
    users = {
        u.username: u for u in User.objects.filter(username__in=[p.username for p in cat.PERSONAS])
    }
    missing = [p for p in cat.PERSONAS if p.username not in users]
    if missing:
        # One hash for all: hashing is deliberately slow and they share the password anyway.
        hashed = make_password(cat.DEMO_PASSWORD)
        for persona in missing:
            user = do_create_user(
                None,
                persona.username,
                f"{persona.username}@{cat.DEMO_EMAIL_DOMAIN}",
                persona.role,
                first_name=persona.first_name,
                last_name=persona.last_name,
            )
            user.password = hashed
            user.save(update_fields=["password"])
            users[user.username] = user
    return users


class World:
    """One generation run; `run` writes everything and returns the counts."""

    def __init__(self, size: DemoSize, say: Say = _quiet) -> None:
        self.size = size
        self.say = say
        self.rng = random.Random(size.seed)
        self.now = timezone.now()
        self.stats = Stats()

    def run(self) -> Stats:
        started = time.perf_counter()
        with transaction.atomic():
            self.users = ensure_personas()
            self.areas()
            self.releases()
            self.features()
            self.companies()
            self.people()
        self.notes()
        reset_sequences(Company, Person, Note)
        self.stats.seconds = time.perf_counter() - started
        return self.stats

    # ---- roadmap -------------------------------------------------------------------------

    def areas(self) -> None:
        self.area_by_name: dict[str, Area] = {}
        self.owner_of: dict[int, User] = {}
        for position, (product, owner, children) in enumerate(cat.AREAS):
            top, _ = Area.objects.get_or_create(
                name=product,
                parent=None,
                defaults={"owner": self.users[owner], "position": position},
            )
            for child_position, name in enumerate(children):
                area, _ = Area.objects.get_or_create(
                    name=name,
                    parent=top,
                    defaults={"owner": self.users[owner], "position": child_position},
                )
                self.area_by_name[name] = area
                self.owner_of[area.pk] = self.users[owner]

    def releases(self) -> None:
        today = self.now.date()
        plan = [(-150, True), (-90, True), (-30, True), (30, False), (75, False)]
        self.past_releases: list[Release] = []
        self.next_releases: list[Release] = []
        for number, (days, released) in enumerate(plan, start=1):
            release, _ = Release.objects.get_or_create(
                name=f"Lumen 4.{number}",
                defaults={"date": today + timedelta(days=days), "released": released},
            )
            (self.past_releases if released else self.next_releases).append(release)

    def features(self) -> None:
        rng = self.rng
        default_status()
        by_category: dict[str, Status] = {}
        for status in Status.objects.order_by("position", "id"):
            by_category.setdefault(status.category, status)
        categories = [
            (StatusCategory.OPEN, 50),
            (StatusCategory.PLANNED, 16),
            (StatusCategory.IN_PROGRESS, 10),
            (StatusCategory.RELEASED, 14),
            (StatusCategory.DECLINED, 6),
            (StatusCategory.DUPLICATE, 4),
        ]
        ideas = cat.FEATURES
        qualifiers = ("for teams", "for admins", "on mobile", "via the API", "in bulk", "v2")
        built: list[Feature] = []
        self.ideas: list[cat.FeatureIdea] = []
        for n in range(self.size.features):
            idea = ideas[n % len(ideas)]
            round_ = n // len(ideas)
            title = idea.title
            if round_:
                title += f" {qualifiers[(round_ - 1) % len(qualifiers)]}"
                if round_ > len(qualifiers):
                    title += f" ({round_ // len(qualifiers) + 1})"
            category = rng.choices([c for c, _ in categories], [w for _, w in categories])[0]
            area = self.area_by_name[idea.area]
            feature = Feature(
                title=title[:200],
                description=(
                    f"{idea.description}\n\nCustomers want to {idea.need}; today they {idea.pain}."
                ),
                area=area,
                status=by_category[category],
                public=rng.random() < 0.45,
                effort=rng.choice(Effort.values) if rng.random() < 0.7 else "",
                created_by=self.owner_of[area.pk],
            )
            if category in (StatusCategory.PLANNED, StatusCategory.IN_PROGRESS):
                if rng.random() < 0.4 and self.next_releases:
                    feature.release = rng.choice(self.next_releases)
                else:
                    feature.timeframe = (
                        Timeframe.NOW
                        if category == StatusCategory.IN_PROGRESS
                        else rng.choice([Timeframe.NEXT, Timeframe.LATER])
                    )
                feature.tickets = [f"https://github.com/lumen-hq/lumen/issues/{2000 + n}"]
            elif category == StatusCategory.RELEASED:
                feature.release = rng.choice(self.past_releases)
            built.append(feature)
            self.ideas.append(idea)
        self.feature_list = Feature.objects.bulk_create(built)
        # A few become subfeatures of an open feature in their area, and duplicates point
        # at the feature they duplicate.
        open_by_area: dict[int | None, list[Feature]] = {}
        for feature in self.feature_list:
            if feature.status.category == StatusCategory.OPEN:
                open_by_area.setdefault(feature.area_id, []).append(feature)
        changed = []
        for feature in self.feature_list:
            candidates = [f for f in open_by_area.get(feature.area_id, []) if f.pk != feature.pk]
            if not candidates:
                continue
            if feature.status.category == StatusCategory.DUPLICATE:
                feature.merged_into = rng.choice(candidates)
                changed.append(feature)
            elif rng.random() < 0.08 and feature not in open_by_area.get(feature.area_id, []):
                feature.parent = rng.choice(candidates)
                changed.append(feature)
        Feature.objects.bulk_update(changed, ["merged_into", "parent"])
        self.stats.add("features", len(self.feature_list))
        # Requests concentrate on a few features (a long tail), and never on duplicates.
        targets = [
            i
            for i, f in enumerate(self.feature_list)
            if f.status.category != StatusCategory.DUPLICATE
        ] or list(range(len(self.feature_list)))
        rng.shuffle(targets)
        self.targets = targets
        self.target_weights = list(
            accumulate(1 / (rank + 1) ** 0.9 for rank in range(len(targets)))
        )

    # ---- customers -----------------------------------------------------------------------

    def companies(self) -> None:
        rng = self.rng
        taken = set(Company.objects.exclude(domain=None).values_list("domain", flat=True))
        names_taken = set(Company.objects.values_list("name", flat=True))
        sales, csm = self.users["sales"], self.users["csm"]
        start = _next_id(Company)
        rows: list[tuple[Any, ...]] = []
        self.company_arr: list[int] = []
        self.company_names: list[str] = []
        self.company_domains: list[str] = []
        for n in range(self.size.companies):
            word, kind = rng.choice(cat.COMPANY_WORDS), rng.choice(cat.COMPANY_KINDS)
            name = f"{word} {kind}"
            suffix = 1
            while name in names_taken:
                suffix += 1
                name = f"{word} {kind} {GROUP_WORDS[suffix % len(GROUP_WORDS)]}"
                if suffix > 4:
                    name += f" {suffix}"
            names_taken.add(name)
            slug = "".join(ch for ch in name.lower() if ch.isalnum())
            domain = f"{slug}{rng.choice(cat.TLDS)}"
            while domain in taken:
                domain = f"{slug}{rng.randint(2, 999)}{rng.choice(cat.TLDS)}"
            taken.add(domain)
            free = rng.random() < 0.08
            arr = 0 if free else int(round(rng.lognormvariate(math.log(30_000), 1.25), -2))
            arr = min(arr, 5_000_000)
            plan = (
                "Free"
                if free
                else "Team"
                if arr < 12_000
                else "Business"
                if arr < 80_000
                else "Enterprise"
            )
            deployment = (
                Deployment.SELF_MANAGED
                if rng.random() < (0.3 if plan == "Enterprise" else 0.05)
                else Deployment.SAAS
            )
            segments = [rng.choice(cat.REGIONS), cat.INDUSTRY.get(kind, "Technology")]
            if plan == "Enterprise":
                segments.append("Strategic")
            company_id = start + n
            rows.append(
                (
                    company_id,
                    name,
                    domain,
                    arr,
                    plan,
                    deployment.value,
                    segments,
                    sales.pk if plan in ("Business", "Enterprise") or rng.random() < 0.3 else None,
                    csm.pk if plan in ("Business", "Enterprise") else None,
                    f"https://app.hubspot.com/contacts/4455/company/{10_000 + company_id}",
                    plan == "Enterprise" and rng.random() < 0.15,
                    self.now - timedelta(days=rng.randint(30, 900)),
                )
            )
            self.company_arr.append(arr)
            self.company_names.append(name)
            self.company_domains.append(domain)
        load_rows(
            Company,
            (
                "id",
                "name",
                "domain",
                "arr",
                "plan",
                "deployment",
                "segments",
                "account_owner_id",
                "csm_id",
                "crm_url",
                "advisory_board",
                "created_at",
            ),
            rows,
            now=self.now,
        )
        self.company_ids = [start + n for n in range(len(rows))]
        # Bigger accounts talk to us more: weight by the square root of ARR.
        self.company_weights = list(accumulate(1 + math.sqrt(a / 1000) for a in self.company_arr))
        self.stats.add("companies", len(rows))

    def people(self) -> None:
        rng = self.rng
        start = _next_id(Person)
        rows: list[tuple[Any, ...]] = []
        self.people_of: list[list[tuple[int, str]]] = []
        for index, company_id in enumerate(self.company_ids):
            arr = self.company_arr[index]
            count = 1 + min(7, int(rng.expovariate(1.0) * (1 + math.log10(1 + arr / 10_000))))
            used: set[str] = set()
            staff = []
            for _ in range(count):
                first, last = rng.choice(cat.FIRST_NAMES), rng.choice(cat.LAST_NAMES)
                local = "".join(ch for ch in f"{first}.{last}".lower() if ch.isalnum() or ch == ".")
                while local in used:
                    local += str(rng.randint(1, 9))
                used.add(local)
                person_id = start + len(rows)
                rows.append(
                    (
                        person_id,
                        f"{local}@{self.company_domains[index]}",
                        f"{first} {last}",
                        company_id,
                    )
                )
                staff.append((person_id, f"{first} {last}"))
            self.people_of.append(staff)
        load_rows(Person, ("id", "email", "name", "company_id"), rows, now=self.now)
        self.stats.add("people", len(rows))

    # ---- feedback ------------------------------------------------------------------------

    def notes(self) -> None:
        tags = {t.name: t.pk for t in Tag.objects.filter(name__in=cat.TAGS)}
        missing = [Tag(name=name) for name in cat.TAGS if name not in tags]
        if missing:
            Tag.objects.bulk_create(missing, ignore_conflicts=True)
            tags = {t.name: t.pk for t in Tag.objects.filter(name__in=cat.TAGS)}
        self.tag_ids = [tags[name] for name in cat.TAGS]
        self.counters: dict[int, list[Any]] = {}  # feature id -> [notes, {companies}, score]
        next_id = _next_id(Note)
        total = self.size.notes
        for start in range(0, total, BATCH):
            count = min(BATCH, total - start)
            with transaction.atomic(), search_index_deferred(Note) as indexed:
                notes: list[tuple[Any, ...]] = []
                links: list[tuple[Any, ...]] = []
                tagged: list[tuple[int, int]] = []
                for offset in range(count):
                    note_id = next_id + start + offset
                    self.note(note_id, notes, links, tagged)
                    indexed.append(note_id)
                load_rows(Note, NOTE_FIELDS, notes, now=self.now)
                load_rows(Link, LINK_FIELDS, links, now=self.now)
                load_rows(NoteTag, ("note_id", "tag_id"), tagged)
            self.stats.add("notes", len(notes))
            self.stats.add("links", len(links))
            self.say(f"  {start + count:,} of {total:,} notes")
        self.save_counters()

    def note(
        self,
        note_id: int,
        notes: list[tuple[Any, ...]],
        links: list[tuple[Any, ...]],
        tagged: list[tuple[int, int]],
    ) -> None:
        rng = self.rng
        source, url = _pick_source(rng)
        company = bisect(self.company_weights, rng.random() * self.company_weights[-1])
        company = min(company, len(self.company_ids) - 1) if self.company_ids else -1
        person_id, person_name = (
            rng.choice(self.people_of[company])
            if company >= 0 and self.people_of[company]
            else (None, "a customer")
        )
        company_id = self.company_ids[company] if company >= 0 else None
        company_name = self.company_names[company] if company >= 0 else "a customer"
        age = 180 * rng.random() ** 1.6
        received = self.now - timedelta(days=age, seconds=rng.randint(0, 86_399))
        received = min(received, self.now)
        other = rng.random() < 0.12 or not self.feature_list
        idea = None
        target = -1
        if other:
            title, body = rng.choice(cat.OTHER_NOTES)
        else:
            target = self.popular_feature()
            idea, feature = self.ideas[target], self.feature_list[target]
            fill = {
                "need": idea.need,
                "pain": idea.pain,
                "feature": feature.title,
                "company": company_name,
                "person": person_name,
                "job": rng.choice(cat.JOB_TITLES),
                "priority": rng.choice(["low", "normal", "high", "urgent"]),
            }
            title = rng.choice(cat.TITLES).format(**fill)
            title = title[0].upper() + title[1:]
            body = cat.BODIES[source].format(**fill)
        on_behalf = source in ("sales_call", "manual")
        why = ("", "", "", "", "", "", "")
        priority = None
        if idea is not None and (on_behalf or rng.random() < 0.15):
            why = (
                f"They want to {idea.need}.",
                f"They {idea.pain}.",
                rng.choice(cat.WHY_NOT_GREAT),
                "",
                "",
                f"They {idea.pain}.",
                rng.choice(cat.IMPACT).format(q=rng.randint(1, 4), seats=rng.choice([25, 80, 300])),
            )
            priority = rng.randint(3, 10)
        submitter = self.users[rng.choice(["sales", "csm", "support"])].pk if on_behalf else None
        state, processed_at, processed_by, snoozed_until, assignee = self.triage(
            received, other, idea
        )
        notes.append(
            (
                note_id,
                title[:300],
                body,
                source,
                url.format(n=note_id * 7 + 1000) if url else "",
                f"demo-{note_id}" if source not in ("manual", "portal") else None,
                submitter,
                person_id,
                company_id,
                state,
                snoozed_until,
                assignee,
                on_behalf and rng.random() < 0.08,
                *why,
                priority,
                [],
                received,
                processed_at,
                processed_by,
                received,
            )
        )
        if rng.random() < 0.3:
            for tag in rng.sample(self.tag_ids, rng.choice([1, 1, 2])):
                tagged.append((note_id, tag))
        if state == NoteState.PROCESSED and idea is not None:
            chosen = {target}
            if rng.random() < 0.15:
                chosen.add(self.popular_feature())
            for index in chosen:
                feature = self.feature_list[index]
                importance = rng.choices(IMPORTANCES, IMPORTANCE_ODDS)[0]
                # The passage a PM would highlight: the ask itself, when it is in the text.
                quote = index == target and rng.random() < 0.3 and idea.need in body
                link = (note_id, feature.pk, importance.value, idea.need if quote else "")
                links.append((*link, company_id, processed_by, processed_at))
                counter = self.counters.setdefault(feature.pk, [0, set(), 0.0])
                counter[0] += 1
                if company_id is not None:
                    counter[1].add(company_id)
                counter[2] += IMPORTANCE_WEIGHT[importance]

    def popular_feature(self) -> int:
        """A feature's index, drawn from the long tail of demand."""
        weights = self.target_weights
        return self.targets[min(bisect(weights, self.rng.random() * weights[-1]), len(weights) - 1)]

    def triage(
        self, received: datetime, other: bool, idea: cat.FeatureIdea | None
    ) -> tuple[str, datetime | None, int | None, datetime | None, int | None]:
        """Older notes are mostly processed; recent ones mostly wait in the inbox."""
        rng = self.rng
        old = (self.now - received).days > 14
        roll = rng.random()
        owner = (
            self.owner_of[self.area_by_name[idea.area].pk].pk
            if idea is not None
            else self.users["pm"].pk
        )
        if (old and roll < 0.72) or (not old and roll < 0.12):
            if other and rng.random() < 0.5:
                return NoteState.ARCHIVED.value, None, None, None, None
            done = min(self.now, received + timedelta(hours=rng.randint(4, 240)))
            return NoteState.PROCESSED.value, done, owner, None, None
        if roll > 0.96:
            return (
                NoteState.SNOOZED.value,
                None,
                None,
                self.now + timedelta(days=rng.randint(3, 40)),
                owner,
            )
        if old and roll > 0.88:
            return NoteState.ARCHIVED.value, None, None, None, None
        return NoteState.NEW.value, None, None, None, owner if rng.random() < 0.2 else None

    def save_counters(self) -> None:
        """The features' denormalised counts, as inbox.actions.recount_feature computes them."""
        changed = []
        for feature in self.feature_list:
            notes, companies, score = self.counters.get(feature.pk, [0, set(), 0.0])
            feature.note_count, feature.company_count, feature.score = notes, len(companies), score
            changed.append(feature)
        Feature.objects.bulk_update(
            changed, ["note_count", "company_count", "score"], batch_size=500
        )


NOTE_FIELDS = (
    "id",
    "title",
    "body",
    "source",
    "source_url",
    "external_id",
    "submitter_id",
    "person_id",
    "company_id",
    "state",
    "snoozed_until",
    "assignee_id",
    "confidential",
    *WHY_FIELDS,
    "customer_priority",
    "links",
    "received_at",
    "processed_at",
    "processed_by_id",
    "created_at",
)
LINK_FIELDS = (
    "note_id",
    "feature_id",
    "importance",
    "highlight",
    "company_id",
    "created_by_id",
    "created_at",
)

IMPORTANCES = (
    Importance.UNKNOWN,
    Importance.NICE_TO_HAVE,
    Importance.IMPORTANT,
    Importance.CRITICAL,
)
IMPORTANCE_ODDS = (15, 35, 35, 15)
_SOURCE_WEIGHTS = list(accumulate(w for _, w, _ in cat.SOURCES))


def _pick_source(rng: random.Random) -> tuple[str, str]:
    index = bisect(_SOURCE_WEIGHTS, rng.random() * _SOURCE_WEIGHTS[-1])
    name, _, url = cat.SOURCES[min(index, len(cat.SOURCES) - 1)]
    return name, url


def generate(size: DemoSize, say: Say = _quiet) -> Stats:
    """Add a generated world of this size to the database."""
    return World(size, say).run()


__all__: Sequence[str] = ("DemoSize", "Stats", "ensure_personas", "generate")

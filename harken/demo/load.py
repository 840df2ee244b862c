"""Load the demo into an empty installation, once; `reset` replaces a loaded demo."""

from __future__ import annotations

from django.db import connection, transaction

from harken.accounts.models import User
from harken.audit.actions import audit
from harken.customers.models import Company, Person
from harken.demo import catalogue as cat
from harken.demo.generate import DemoSize, Say, Stats, _quiet, generate
from harken.features.models import Area, Feature, Release, Tag
from harken.inbox.models import Note
from harken.integrations.models import ImportJob
from harken.lib.errors import ActionError

MARKER_USER = "admin"


def demo_loaded() -> bool:
    return User.objects.filter(
        username=MARKER_USER, email=f"{MARKER_USER}@{cat.DEMO_EMAIL_DOMAIN}"
    ).exists()


def _has_data() -> bool:
    personas = [p.username for p in cat.PERSONAS]
    return (
        Note.objects.exists()
        or Feature.objects.exists()
        or Company.objects.exists()
        or User.objects.filter(username__in=personas).exists()
    )


def wipe_demo() -> None:
    """Delete the content of a demo installation: feedback, roadmap, customers, demo users."""
    with transaction.atomic():
        Note.objects.all().delete()
        Feature.objects.update(parent=None, merged_into=None)
        Feature.objects.all().delete()
        Person.objects.all().delete()
        Company.objects.all().delete()
        Release.objects.all().delete()
        Tag.objects.all().delete()
        ImportJob.objects.all().delete()
        # Children first: an area protects its sub-areas.
        while Area.objects.exists():
            Area.objects.filter(children__isnull=True).delete()
        User.objects.filter(email__endswith=f"@{cat.DEMO_EMAIL_DOMAIN}").delete()


def load_demo(
    size: DemoSize | None = None, *, reset: bool = False, say: Say = _quiet
) -> Stats | None:
    """Load the demo; None when it is loaded already (and `reset` was not asked for)."""
    if demo_loaded():
        if not reset:
            return None
        say("Removing the demo data...")
        wipe_demo()
    elif _has_data():
        raise ActionError(
            "This database already has notes, features, companies or users named like the "
            "demo personas: the demo only loads into an empty installation. Point "
            "HARKEN_DATA_DIR (or HARKEN_DATABASE_URL) at a new database to try it."
        )
    stats = generate(size or DemoSize(), say)
    # Bulk-filled tables need fresh planner statistics, or the first pages plan like empty ones.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    admin = User.objects.get(username=MARKER_USER)
    audit(None, "demo.loaded", admin, stats.counts)
    return stats


def logins() -> list[tuple[str, str, str]]:
    """(username, password, what they do) of each demo persona."""
    return [(p.username, cat.DEMO_PASSWORD, p.does) for p in cat.PERSONAS]

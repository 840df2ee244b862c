"""Read models for company pages: who they are and everything they asked for."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Max, Q

from harken.accounts.models import User
from harken.customers.models import Company
from harken.features.models import Feature
from harken.inbox.access import visible_links
from harken.inbox.models import Importance

_RANK = {
    Importance.UNKNOWN: 0,
    Importance.NICE_TO_HAVE: 1,
    Importance.IMPORTANT: 2,
    Importance.CRITICAL: 3,
}


@dataclass(frozen=True)
class CompanyAsk:
    feature: Feature
    notes: int
    importance: Importance
    last_asked: object


def company_asks(user: User | AnonymousUser, company: Company) -> list[CompanyAsk]:
    """Every feature this company asked for, most critical and most asked first."""
    links = visible_links(user).filter(company=company)
    rows = list(
        links.values("feature_id").annotate(
            notes=Count("id"),
            critical=Count("id", filter=Q(importance=Importance.CRITICAL)),
            important=Count("id", filter=Q(importance=Importance.IMPORTANT)),
            nice=Count("id", filter=Q(importance=Importance.NICE_TO_HAVE)),
            last=Max("created_at"),
        )
    )
    features = Feature.objects.select_related("status").in_bulk([r["feature_id"] for r in rows])
    asks = []
    for row in rows:
        top = (
            Importance.CRITICAL
            if row["critical"]
            else Importance.IMPORTANT
            if row["important"]
            else Importance.NICE_TO_HAVE
            if row["nice"]
            else Importance.UNKNOWN
        )
        asks.append(CompanyAsk(features[row["feature_id"]], row["notes"], top, row["last"]))
    asks.sort(key=lambda a: (-_RANK[a.importance], -a.notes, a.feature.title))
    return asks

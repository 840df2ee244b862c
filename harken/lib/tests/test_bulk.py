"""harken.lib.bulk: rows written as plain values store what the ORM would have stored."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from harken.inbox.models import Note, Source
from harken.lib.bulk import datetime_converter, load_rows


@pytest.mark.django_db
def test_dates_in_any_zone_and_the_auto_now_columns_store_their_instant() -> None:
    received = datetime(2024, 7, 1, 9, 30, 15, 250, tzinfo=ZoneInfo("America/Chicago"))
    now = datetime(2025, 1, 2, 3, 4, 5, 6, tzinfo=ZoneInfo("Asia/Tokyo"))
    convert = datetime_converter()
    rows = [
        ("Later", "csv-1", convert(received + timedelta(hours=1))),
        ("Earlier", "csv-2", convert(received)),
    ]
    assert (
        load_rows(
            Note, ("title", "external_id", "received_at"), rows, now=now, raw=("received_at",)
        )
        == 2
    )
    # Sorting the converted values sorts the instants (an import writes its rows in order).
    assert sorted(rows, key=lambda r: r[2])[0][0] == "Earlier"
    stored = Note.objects.get(source=Source.MANUAL, external_id="csv-2")
    assert stored.received_at == received
    assert stored.created_at == stored.updated_at == now
    assert Note.objects.get(external_id="csv-1").received_at == received + timedelta(hours=1)

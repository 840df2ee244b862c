from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from harken.accounts.models import User
from harken.audit.models import AuditEvent
from harken.inbox.models import Note
from harken.integrations.actions import do_create_import, do_fail_abandoned_imports
from harken.integrations.models import ImportJob, ImportKind, ImportStatus

Callbacks = Callable[..., AbstractContextManager[Any]]
CSV = b"title,customer_priority\nGood one,5\nBad one,12\nAnother,\n"


def upload(client: Client, data: bytes = CSV, kind: str = "notes", name: str = "f.csv") -> Any:
    return client.post(
        reverse("import_new"),
        {"kind": kind, "file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


def test_anonymous_is_sent_to_sign_in(client: Client, db: None) -> None:
    response = client.get(reverse("import_new"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert upload(client).status_code == 302
    assert ImportJob.objects.count() == 0


def test_viewer_is_refused(client: Client, viewer: User) -> None:
    client.force_login(viewer)
    assert client.get(reverse("import_new")).status_code == 403
    assert upload(client).status_code == 403
    assert ImportJob.objects.count() == 0


def test_contributor_sees_the_form(client: Client, contributor: User) -> None:
    client.force_login(contributor)
    response = client.get(reverse("import_new"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert "<code>person_email</code>" in html


def test_upload_runs_in_the_background_and_reports_rows(
    client: Client, contributor: User, django_capture_on_commit_callbacks: Callbacks
) -> None:
    client.force_login(contributor)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = upload(client)
    assert len(callbacks) == 1  # the task is enqueued after the commit, not before
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("import_job", args=[job.pk])
    assert (job.status, job.created_count, job.rejected_count) == (ImportStatus.DONE, 2, 1)
    assert job.created_by == contributor
    assert job.content == ""  # the rows are in the database; no second copy is kept
    assert sorted(Note.objects.values_list("title", flat=True)) == ["Another", "Good one"]
    page = client.get(response["Location"]).content.decode()
    assert "every 1s" not in page  # finished: no more polling
    assert 'data-testid="created">2<' in page
    assert '<td class="num">3</td><td><code>customer_priority</code></td>' in page
    assert "12 is out of range" in page


def test_job_page_polls_until_done(
    client: Client, contributor: User, django_capture_on_commit_callbacks: Callbacks
) -> None:
    # Stored but not yet run: what the page shows while the worker has not got to it.
    job = do_create_import(contributor, ImportKind.NOTES, "f.csv", CSV, background=False)
    client.force_login(contributor)
    page = client.get(reverse("import_job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert 'aria-valuenow="0"' in page
    assert "of 3 rows read" in page
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, processed_rows=2)
    fragment = client.get(reverse("import_job", args=[job.pk]), headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert "<html" not in html  # only the progress fragment is swapped in
    assert 'aria-valuenow="66"' in html
    assert 'hx-trigger="every 1s"' in html


def test_bad_file_is_refused_on_the_form(client: Client, contributor: User) -> None:
    client.force_login(contributor)
    response = upload(client, b"body\nno title column\n")
    assert response.status_code == 400
    assert "The file has no title column" in response.content.decode()
    assert ImportJob.objects.count() == 0


@override_settings(IMPORT_MAX_MB=1)
def test_too_large_file_is_refused_before_reading(client: Client, contributor: User) -> None:
    client.force_login(contributor)
    response = upload(client, b"title\n" + b"a note\n" * 200_000)
    assert response.status_code == 400
    assert "at most 1 MB can be uploaded" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_missing_file_is_a_form_error(client: Client, contributor: User) -> None:
    client.force_login(contributor)
    response = client.post(reverse("import_new"), {"kind": "notes"})
    assert response.status_code == 400
    assert ImportJob.objects.count() == 0


@pytest.mark.parametrize("who", ["other_contributor", "viewer"])
def test_other_people_cannot_see_a_job(
    client: Client, contributor: User, who: str, request: pytest.FixtureRequest
) -> None:
    job = do_create_import(contributor, ImportKind.NOTES, "f.csv", CSV, background=False)
    client.force_login(request.getfixturevalue(who))
    expected = 404 if who == "other_contributor" else 403
    assert client.get(reverse("import_job", args=[job.pk])).status_code == expected


def test_admin_sees_every_job_and_anonymous_none(
    client: Client, contributor: User, admin: User
) -> None:
    job = do_create_import(contributor, ImportKind.NOTES, "mine.csv", CSV, background=False)
    assert client.get(reverse("import_job", args=[job.pk])).status_code == 302
    client.force_login(admin)
    assert client.get(reverse("import_job", args=[job.pk])).status_code == 200
    assert "mine.csv" in client.get(reverse("import_new")).content.decode()


def test_form_lists_recent_imports_in_few_queries(
    client: Client, contributor: User, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    for n in range(5):
        do_create_import(contributor, ImportKind.NOTES, f"f{n}.csv", CSV, background=False)
    client.force_login(contributor)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("import_new"))
    assert response.content.decode().count("/import/") >= 5


def test_an_import_whose_worker_died_shows_as_failed_with_what_to_do(
    client: Client, contributor: User
) -> None:
    job = ImportJob.objects.create(
        kind=ImportKind.NOTES,
        filename="big.csv",
        content="",
        status=ImportStatus.RUNNING,
        total_rows=100_000,
        processed_rows=40_000,
        created_by=contributor,
        progress_at=timezone.now(),
    )
    client.force_login(contributor)
    # Still making progress a minute ago: left alone.
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        assert do_fail_abandoned_imports() == 0
        page = client.get(f"/import/{job.pk}/")
    assert page.status_code == 200
    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING
    # Eleven quiet minutes later the page tells the truth and says what to do.
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        page = client.get(f"/import/{job.pk}/")
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "upload the file again" in page.content.decode()
    assert job.processed_rows == 40_000  # what was imported stays counted
    assert AuditEvent.objects.filter(action="import.failed", object_id=str(job.pk)).exists()

"""The CSV upload page and an import's page, which polls its progress while it runs."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from harken.accounts.access import require_role
from harken.accounts.models import Role
from harken.integrations.access import access_import_job
from harken.integrations.actions import (
    check_upload_size,
    do_create_import,
    do_fail_abandoned_imports,
)
from harken.integrations.csv.companies import COMPANY_COLUMNS
from harken.integrations.csv.note_rows import NOTE_COLUMNS
from harken.integrations.forms import ImportForm
from harken.integrations.queries import recent_imports
from harken.lib.errors import ActionError
from harken.web.decorators import staff_page


def _max_bytes() -> int:
    return int(settings.IMPORT_MAX_MB) * 1024 * 1024


@staff_page
@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest) -> HttpResponse:
    user = require_role(request.user, Role.CONTRIBUTOR, "import CSV files")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                # Refused before reading: the size is known from the upload itself.
                check_upload_size(upload.size or 0, _max_bytes())
                job = do_create_import(
                    user,
                    form.cleaned_data["kind"],
                    upload.name or "upload.csv",
                    upload.read(),
                    max_bytes=_max_bytes(),
                )
            except ActionError as exc:
                if exc.status != 400:
                    raise
                form.add_error("file" if exc.field in (None, "file") else "kind", exc.message)
            else:
                return redirect("import_job", pk=job.pk)
        status = 400
    else:
        status = 200
    return render(
        request,
        "integrations/import_new.html",
        {
            "nav": "import",
            "form": form,
            "jobs": recent_imports(user),
            "note_columns": NOTE_COLUMNS.accepted,
            "company_columns": COMPANY_COLUMNS.accepted,
            "max_mb": settings.IMPORT_MAX_MB,
        },
        status=status,
    )


@staff_page
@require_http_methods(["GET"])
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = access_import_job(request.user, pk)
    if job.abandoned:
        # Expired lazily, like a session: the page someone is watching tells the truth.
        do_fail_abandoned_imports(job.pk)
        job.refresh_from_db()
    template = "integrations/import_job.html"
    if getattr(request, "htmx", False):
        template += "#progress"
    return render(request, template, {"nav": "import", "job": job})

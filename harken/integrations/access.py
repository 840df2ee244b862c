"""Import jobs hold the uploaded rows: only their uploader and admins may see one."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from harken.accounts.access import require_role
from harken.accounts.models import Role, User
from harken.integrations.models import ImportJob
from harken.lib.errors import NotFound


def visible_imports(user: User | AnonymousUser) -> QuerySet[ImportJob]:
    member = require_role(user, Role.CONTRIBUTOR, "import CSV files")
    jobs = ImportJob.objects.all()
    return jobs if member.has_role(Role.ADMIN) else jobs.filter(created_by=member)


def access_import_job(user: User | AnonymousUser, job_id: int) -> ImportJob:
    # Without the uploaded file: the page polls this every second while the job waits.
    job = (
        visible_imports(user)
        .select_related("created_by")
        .defer("content")
        .filter(pk=job_id)
        .first()
    )
    if job is None:
        raise NotFound("import")
    return job

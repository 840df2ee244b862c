"""Background work of the integrations: CSV imports run in the worker, not in the request."""

from __future__ import annotations

from django.tasks import task

from harken.integrations.actions import do_run_import


@task
def run_import(job_id: int) -> None:
    """Import the rows of a stored CSV job; a job already claimed is left alone."""
    do_run_import(job_id)

"""Background work of the decisions app (Django Tasks API: a database queue in production)."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django_tasks import task

from antq.decisions import files


@task()
def render_document(job_id: int) -> None:
    """Lay out one file of a decision (a large PDF) and keep it in storage."""
    with translation.override(settings.LANGUAGE_CODE):
        files.run_job(job_id)

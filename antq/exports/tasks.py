"""Background task of an export (Django Tasks API: a database queue in production, `antq db_worker`).

The body lives in `services`; the task only pins the language, so that the file's headers and
the messages stored on the job do not depend on which process ran it.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django_tasks import task

from antq.exports import services


@task()
def run_export(job_id: int) -> None:
    """Build one export job's file; the job becomes DONE or FAILED."""
    with translation.override(settings.LANGUAGE_CODE):
        services.export_run(job_id=job_id)

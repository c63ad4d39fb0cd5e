"""Background tasks of the unit import (Django Tasks API: a database queue in production).

The bodies live in `importing`; a task only pins the language, so that messages stored on the job
do not depend on which process ran it.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django_tasks import task

from antq.units import importing


@task()
def validate_import(job_id: int) -> None:
    """Read and check an uploaded file; the job becomes READY, INVALID or FAILED."""
    with translation.override(settings.LANGUAGE_CODE):
        importing.run_validation(job_id=job_id)


@task()
def apply_import(job_id: int) -> None:
    """Write a confirmed import in one transaction; the job becomes DONE or FAILED."""
    with translation.override(settings.LANGUAGE_CODE):
        importing.run_apply(job_id=job_id)

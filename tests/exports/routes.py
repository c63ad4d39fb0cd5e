"""Access-matrix expectations of the exports app's routes (see tests/test_access_matrix.py).

A job is private to its creator: job routes use the matrix's "own_job" visibility (the job belongs
to the commune police, on their commune; any other persona gets 404, or 403 without EXPORT).
Starting an export names no node here, so it runs on the persona's own node ("unit" is seen by
every persona): 302 to the job page with EXPORT, 403 without (the unit officer).
"""

from __future__ import annotations

from typing import Any

from antq.exports.models import ExportJob, ExportStatus
from tests.matrix import Route

OWN = ("own_job",)


def _job(personas: dict[str, Any], tree: Any, where: str) -> dict[str, int]:
    job = ExportJob.objects.create(
        created_by=personas["commune_police"],
        node=tree.commune,
        kind="incidents",
        label="Sổ vụ việc",
        status=ExportStatus.FAILED,
        failure="Thử",
    )
    return {"pk": job.pk}


def _kind(personas: dict[str, Any], tree: Any, where: str) -> dict[str, str]:
    return {"kind": "incidents"}


ROUTES: dict[str, Route] = {
    "exports:list": Route("export"),
    "exports:start": Route("export", target=_kind, where=("unit",), method="post", ok=(302,)),
    "exports:detail": Route("export", target=_job, where=OWN),
    "exports:progress": Route("export", target=_job, where=OWN, ok=(286,)),
    # A failed job has no file: its creator is sent back to the job page.
    "exports:download": Route("export", target=_job, where=OWN, ok=(302,)),
    "api:export-list": Route("export", api=True),
    "api:export-detail": Route("export", target=_job, where=OWN, api=True),
    "api:export-download": Route("export", target=_job, where=OWN, api=True, ok=(404,)),
}

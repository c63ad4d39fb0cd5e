"""Access-matrix expectations of the exports app's routes (see tests/test_access_matrix.py).

A job is private to its creator: job routes use the matrix's "own_job" visibility (the job belongs
to the commune police, on their commune; any other persona gets 404, or 403 without EXPORT). The
job routes are checked on a finished job with its real file (built by the export service itself,
as the worker would) and on a failed one (no file: the creator is sent back to the job page).
Starting an export names the node the list is about (`within`, or `node` in the API): 404 out of
scope, 403 without EXPORT there.
"""

from __future__ import annotations

from typing import Any

from antq.exports.models import ExportJob, ExportStatus
from tests.matrix import Route

OWN = ("own_job",)
# The persona's own node, a child, its parent, a sibling commune and a commune of the other province.
START = ("unit", "commune", "province", "sibling_commune", "other_commune")


def _failed(personas: dict[str, Any], tree: Any, where: str) -> dict[str, int]:
    job = ExportJob.objects.create(
        created_by=personas["commune_police"],
        node=tree.commune,
        kind="incidents",
        label="Sổ vụ việc",
        status=ExportStatus.FAILED,
        failure="Thử",
    )
    return {"pk": job.pk}


def _done(personas: dict[str, Any], tree: Any, where: str) -> dict[str, int]:
    """The commune police's export of the incident register, run to its file."""
    from antq.accounts.scope import Scope
    from antq.exports import registry, services

    police = personas["commune_police"]
    exporter = registry.get("incidents")
    assert exporter is not None
    job = services.export_start(
        by=police, scope=Scope.for_user(police), exporter=exporter, node=tree.commune, params={}
    )
    services.export_run(job_id=job.pk)  # on commit in production; the test never commits
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.stored_file, job.failure
    return {"pk": job.pk}


def _kind(personas: dict[str, Any], tree: Any, where: str) -> dict[str, str]:
    return {"kind": "incidents"}


def _no_kwargs(personas: dict[str, Any], tree: Any, where: str) -> dict[str, str]:
    return {}


def _within(personas: dict[str, Any], tree: Any, where: str) -> dict[str, Any]:
    return {"within": getattr(tree, where).pk}


def _api_start(personas: dict[str, Any], tree: Any, where: str) -> dict[str, Any]:
    return {"kind": "incidents", "node": getattr(tree, where).pk}


ROUTES: dict[str, Route] = {
    "exports:list": Route("export"),
    "exports:start": Route("export", target=_kind, where=START, method="post", data=_within, ok=(302,)),
    "exports:detail": Route("export", target=_done, where=OWN),
    "exports:progress": Route("export", target=_failed, where=OWN, ok=(286,)),
    "exports:download": Route("export", target=_done, where=OWN),
    "api:export-list": Route("export", api=True),
    "api:export-list POST": Route(
        "export", target=_no_kwargs, where=START, method="post", data=_api_start, ok=(201,), api=True
    ),
    "api:export-detail": Route("export", target=_done, where=OWN, api=True),
    "api:export-download": Route("export", target=_done, where=OWN, api=True),
}

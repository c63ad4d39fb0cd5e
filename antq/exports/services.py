"""Export jobs: start (scope checked, audited), run (in the task worker), purge (expired files).

The job row carries the progress (`done` / `total`): the build runs outside any transaction, so
each update is visible to the page that polls it at once. Updates are throttled.
"""

from __future__ import annotations

import logging
import secrets
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from antq.accounts.scope import Scope
from antq.audit.models import AuditAction
from antq.audit.services import record
from antq.core.errors import DomainError
from antq.core.xlsx import Table, write_table_to
from antq.exports import registry
from antq.exports.access import export_scope, exporting
from antq.exports.models import ExportJob, ExportStatus
from antq.org.models import OrgNode

logger = logging.getLogger(__name__)

STORAGE_DIR = "exports"
DEFAULT_RETENTION_HOURS = 72
# Progress is written at most this often (seconds) and every this many rows at least apart.
PROGRESS_INTERVAL = 1.0
PROGRESS_MIN_ROWS = 200
# Filters kept on a job: a few short text values, never a whole request.
MAX_PARAMS = 20
MAX_PARAM_LENGTH = 200


def retention() -> timedelta:
    return timedelta(hours=getattr(settings, "EXPORT_RETENTION_HOURS", DEFAULT_RETENTION_HOURS))


def clean_params(exporter: registry.Exporter, data: Any) -> dict[str, str]:
    """The exporter's filters from a form or query dict (text, trimmed); other keys are dropped."""
    params: dict[str, str] = {}
    for key in exporter.filters[:MAX_PARAMS]:
        value = data.get(key) if hasattr(data, "get") else None
        if value not in (None, ""):
            params[key] = str(value)[:MAX_PARAM_LENGTH]
    return params


def export_start(
    *, by: User, scope: Scope, exporter: registry.Exporter, node: OrgNode, params: dict[str, str]
) -> ExportJob:
    """Queue an export of `exporter`'s list for `node` with the list's filters; audited."""
    if not exporting(scope).allows(exporter.action, node):
        raise PermissionDenied
    with transaction.atomic():
        job = ExportJob.objects.create(
            created_by=by,
            node=node,
            kind=exporter.kind,
            label=exporter.describe_job(params, node),
            params=params,
        )
        record(
            actor=by,
            action=AuditAction.CREATE,
            obj=job,
            node_path=node.path,
            changes={"kind": exporter.kind, "params": params},
        )
        # After commit: the worker must find the job row.
        transaction.on_commit(partial(_enqueue, job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from antq.exports import tasks  # the task module imports this one

    tasks.run_export.enqueue(job_id)


def export_download_record(*, by: User, job: ExportJob) -> None:
    """Audit a download of a finished file (who, which list, which node)."""
    record(
        actor=by,
        action=AuditAction.DOWNLOAD,
        obj=job,
        node_path=job.node.path,
        changes={"kind": job.kind, "params": job.params},
    )


class JobProgress:
    """`progress(done, total)` for a build: writes the job row, at most once a second."""

    def __init__(self, job: ExportJob) -> None:
        self.job_id = job.pk
        self._last_at = 0.0
        self._last_done = -1

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        final = total and done >= total
        if not final and (
            now - self._last_at < PROGRESS_INTERVAL or done - self._last_done < PROGRESS_MIN_ROWS
        ):
            return
        self._last_at, self._last_done = now, done
        ExportJob.objects.filter(pk=self.job_id, status=ExportStatus.RUNNING).update(
            done=done, total=max(total, done)
        )


def counted(
    rows: Iterable[Sequence[Any]], total: int | None, progress: registry.Progress
) -> Iterator[Sequence[Any]]:
    """`rows`, reporting progress as they are written."""
    for done, row in enumerate(rows, start=1):
        yield row
        progress(done, total or done)


def file_name_for(job: ExportJob, exporter: registry.Exporter | None, when: datetime) -> str:
    """A Vietnamese name for the download: the job's label (which list, node, year, as the exporter
    describes it) and the date (e.g. "Vụ việc 05-06-2026.xlsx")."""
    label = job.label or (str(exporter.label) if exporter is not None else "")
    safe = "".join(" " if c in '\\/:*?"<>|' else c for c in label).strip() or job.kind
    return f"{safe} {timezone.localtime(when):%d-%m-%Y}.xlsx"


def _store(job: ExportJob, source: Any, suffix: str) -> tuple[str, int]:
    name = f"{STORAGE_DIR}/{job.pk}-{job.kind}-{secrets.token_hex(8)}{suffix}"
    stored = default_storage.save(name, File(source))
    return stored, default_storage.size(stored)


def _fail(job_id: int, message: str) -> None:
    ExportJob.objects.filter(pk=job_id).update(
        status=ExportStatus.FAILED, failure=message, finished_at=timezone.now()
    )


def export_run(*, job_id: int) -> None:
    """Build the job's file; the job becomes DONE (file stored, expiry set) or FAILED (a message)."""
    moved = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING
    )
    if not moved:
        return  # already run (a task delivered twice) or purged before it started
    job = ExportJob.objects.select_related("node", "created_by").get(pk=job_id)
    exporter = registry.get(job.kind)
    if exporter is None:
        _fail(job_id, _("Loại dữ liệu “%(kind)s” không còn được hỗ trợ.") % {"kind": job.kind})
        return
    # Rights are read again: they may have changed since the job was queued.
    if not export_scope(job.created_by).allows(exporter.action, job.node):
        _fail(job_id, _("Bạn không còn quyền xuất dữ liệu của %(node)s.") % {"node": job.node.name})
        return
    progress = JobProgress(job)
    try:
        stored, size, count, name = _build(job, exporter, progress)
    except DomainError as exc:
        _fail(job_id, str(exc))
        return
    except Exception:
        logger.exception("Export job %s (%s) failed", job_id, job.kind)
        _fail(job_id, _("Không xuất được tệp do lỗi hệ thống. Hãy thử lại sau hoặc báo quản trị viên."))
        return
    now = timezone.now()
    updated = ExportJob.objects.filter(pk=job_id, status=ExportStatus.RUNNING).update(
        status=ExportStatus.DONE,
        stored_file=stored,
        size=size,
        done=count,
        total=count,
        file_name=name or file_name_for(job, exporter, now),
        finished_at=now,
        expires_at=now + retention(),
    )
    if not updated:
        default_storage.delete(stored)  # the job was purged meanwhile: keep no orphan file


def _build(job: ExportJob, exporter: registry.Exporter, progress: JobProgress) -> tuple[str, int, int, str]:
    """(stored name, size, rows, download name or "") of the job's file."""
    result = exporter.build(job, progress)
    if isinstance(result, Table):
        if result.total is not None:
            ExportJob.objects.filter(pk=job.pk).update(done=0, total=result.total)
        table = Table(
            title=result.title,
            headers=result.headers,
            rows=counted(result.rows, result.total, progress),
            formats=result.formats,
            total=result.total,
            widths=result.widths,
        )
        # openpyxl builds the zip at the end; a temporary file keeps a large export out of memory.
        with tempfile.TemporaryFile() as out:
            count = write_table_to(out, table)
            out.seek(0)
            stored, size = _store(job, out, ".xlsx")
        return stored, size, count, ""
    content, name = result
    with tempfile.TemporaryFile() as out:
        out.write(content)
        out.seek(0)
        stored, size = _store(job, out, "." + (name.rsplit(".", 1)[-1] if "." in name else "xlsx"))
    job.refresh_from_db(fields=["done", "total"])
    return stored, size, job.total or job.done, name[:200]


def is_expired(job: ExportJob, now: datetime | None = None) -> bool:
    """The file is gone or past its retention time (purge may not have run yet)."""
    if job.status == ExportStatus.EXPIRED:
        return True
    return job.expires_at is not None and job.expires_at <= (now or timezone.now())


def export_purge(*, now: datetime | None = None) -> int:
    """Delete the files of jobs past their expiry and mark the jobs expired; returns how many.

    Jobs still queued or running after the retention time were lost with their worker: they are
    marked failed so that their creator is not left waiting.
    """
    now = now or timezone.now()
    purged = 0
    due = ExportJob.objects.filter(status=ExportStatus.DONE, expires_at__lte=now).only("pk", "stored_file")
    for job in due.iterator(chunk_size=500):
        if job.stored_file:
            default_storage.delete(job.stored_file)
        purged += ExportJob.objects.filter(pk=job.pk, status=ExportStatus.DONE).update(
            status=ExportStatus.EXPIRED, stored_file=""
        )
    ExportJob.objects.filter(
        status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING], created_at__lte=now - retention()
    ).update(
        status=ExportStatus.FAILED,
        finished_at=now,
        failure=_("Việc xuất tệp bị gián đoạn. Hãy xuất lại."),
    )
    return purged


def open_file(job: ExportJob) -> Any:
    """The stored file of a finished job, opened for reading (the response closes it)."""
    return default_storage.open(job.stored_file, "rb")

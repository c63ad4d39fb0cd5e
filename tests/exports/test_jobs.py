"""Background export jobs: start → run → download → expire → purge, progress, access."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from antq.accounts.models import Membership
from antq.accounts.roles import Role
from antq.audit.models import AuditEvent
from antq.exports import registry, services
from antq.exports.models import ExportJob, ExportStatus
from antq.exports.registry import Exporter, Table
from tests import factories as f
from tests.incidents.routes import _incident

pytestmark = pytest.mark.django_db


def _start(client: Any, kind: str = "incidents", **data: Any) -> Any:
    return client.post(reverse("exports:start", args=[kind]), data=data)


@pytest.fixture
def incidents(tree: Any, personas: dict[str, Any]) -> None:
    for where in ("unit", "unit", "school", "sibling_unit", "other_unit"):
        _incident(personas, tree, where)


def _workbook(response: Any) -> Any:
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def test_an_export_runs_in_the_background_and_is_downloaded_by_its_creator(
    client, tree, commune_police, incidents, django_capture_on_commit_callbacks
):
    client.force_login(commune_police)
    with django_capture_on_commit_callbacks(execute=True):
        response = _start(client, year="2025")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("exports:detail", args=[job.pk])
    assert job.status == ExportStatus.DONE
    assert job.node == tree.commune and job.params == {"year": "2025"}
    # The commune police see the commune's three incidents, not the sibling's or the other province's.
    assert (job.done, job.total) == (3, 3)
    assert job.expires_at == job.finished_at + dt.timedelta(hours=72)
    assert job.file_name.startswith("Sổ vụ việc ") and job.file_name.endswith(".xlsx")
    assert Path(default_storage.path(job.stored_file)).is_file()

    page = client.get(reverse("exports:detail", args=[job.pk]))
    assert reverse("exports:download", args=[job.pk]) in page.content.decode()
    download = client.get(reverse("exports:download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    sheet = _workbook(download)
    assert sheet["A1"].value == "Ngày xảy ra" and sheet["A1"].font.bold
    assert sheet.max_row == 4
    assert sheet["A2"].number_format == "dd/mm/yyyy"
    assert {e.action for e in AuditEvent.objects.filter(object_type="exports.exportjob")} == {
        "create",
        "download",
    }


def test_the_progress_block_polls_until_the_job_ends(client, tree, commune_police, incidents):
    client.force_login(commune_police)
    _start(client)  # not run: no commit in this test's transaction
    job = ExportJob.objects.get()
    running = client.get(reverse("exports:progress", args=[job.pk]))
    assert running.status_code == 200 and "hx-trigger" in running.content.decode()
    services.export_run(job_id=job.pk)
    done = client.get(reverse("exports:progress", args=[job.pk]))
    assert done.status_code == 286 and "hx-trigger" not in done.content.decode()


def test_progress_is_reported_on_the_job_row(tree, commune_police, monkeypatch):
    seen: list[tuple[int, int | None]] = []

    def build(job: ExportJob, progress: registry.Progress) -> Table:
        def rows() -> Any:
            for i in range(1000):
                if i in (0, 500, 999):
                    job.refresh_from_db(fields=["done", "total"])
                    seen.append((job.done, job.total))
                yield [i]

        return Table(title="Số", headers=["Số"], rows=rows(), total=1000)

    registry.register(Exporter(kind="test_numbers", label="Số", action="export", build=build))
    try:
        job = ExportJob.objects.create(created_by=commune_police, node=tree.commune, kind="test_numbers")
        monkeypatch.setattr(services, "PROGRESS_INTERVAL", 0.0)  # throttled by rows only
        services.export_run(job_id=job.pk)
    finally:
        registry._EXPORTERS.pop("test_numbers")
    assert seen[0] == (0, 1000)
    assert 0 < seen[1][0] <= 500 and seen[2][0] >= seen[1][0]
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.percent) == (ExportStatus.DONE, 1000, 1000, 100)


def test_a_failing_build_leaves_a_vietnamese_message(tree, commune_police):
    def build(job: ExportJob, progress: registry.Progress) -> Table:
        raise RuntimeError("boom")

    registry.register(Exporter(kind="test_broken", label="Hỏng", action="export", build=build))
    try:
        job = ExportJob.objects.create(created_by=commune_police, node=tree.commune, kind="test_broken")
        services.export_run(job_id=job.pk)
    finally:
        registry._EXPORTERS.pop("test_broken")
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED
    assert job.failure.startswith("Không xuất được tệp")
    assert not job.stored_file


def test_a_job_runs_once(tree, commune_police, incidents):
    job = ExportJob.objects.create(created_by=commune_police, node=tree.commune, kind="incidents")
    services.export_run(job_id=job.pk)
    first = ExportJob.objects.get(pk=job.pk).stored_file
    services.export_run(job_id=job.pk)
    assert ExportJob.objects.get(pk=job.pk).stored_file == first


def test_an_expired_file_is_gone_and_purged(client, tree, commune_police, incidents):
    client.force_login(commune_police)
    _start(client)
    job = ExportJob.objects.get()
    services.export_run(job_id=job.pk)
    job.refresh_from_db()
    path = Path(default_storage.path(job.stored_file))
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))

    gone = client.get(reverse("exports:download", args=[job.pk]))
    assert gone.status_code == 410
    assert "đã quá thời hạn lưu" in gone.content.decode()

    call_command("purge_exports", stdout=io.StringIO())
    job.refresh_from_db()
    assert job.status == ExportStatus.EXPIRED and not job.stored_file
    assert not path.exists()
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 410


def test_purge_keeps_files_within_their_retention_and_fails_lost_jobs(
    tree, commune_police, incidents, settings
):
    settings.EXPORT_RETENTION_HOURS = 1
    kept = ExportJob.objects.create(created_by=commune_police, node=tree.commune, kind="incidents")
    services.export_run(job_id=kept.pk)
    lost = ExportJob.objects.create(created_by=commune_police, node=tree.commune, kind="incidents")
    ExportJob.objects.filter(pk=lost.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))
    assert services.export_purge() == 0
    kept.refresh_from_db()
    lost.refresh_from_db()
    assert kept.status == ExportStatus.DONE and default_storage.exists(kept.stored_file)
    assert kept.expires_at - kept.finished_at == dt.timedelta(hours=1)
    assert lost.status == ExportStatus.FAILED and "gián đoạn" in lost.failure


def test_another_user_gets_404_for_a_job(client, tree, commune_police, incidents):
    job = ExportJob.objects.create(created_by=commune_police, node=tree.commune, kind="incidents")
    services.export_run(job_id=job.pk)
    colleague = f.user_with_role("xa.congan2", "commune_police", tree.commune)
    client.force_login(colleague)
    for name in ("exports:detail", "exports:progress", "exports:download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert job.pk not in [j.pk for j in client.get(reverse("exports:list")).context["jobs"]]


def test_a_job_out_of_the_creators_scope_now_gets_404(client, tree, commune_police, incidents):
    job = ExportJob.objects.create(created_by=commune_police, node=tree.commune, kind="incidents")
    services.export_run(job_id=job.pk)
    commune_police.memberships.update(node=tree.sibling_commune)
    client.force_login(commune_police)
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 404


def test_starting_for_a_node_out_of_scope_is_404_and_without_export_403(
    client, tree, commune_police, unit_officer
):
    client.force_login(commune_police)
    assert _start(client, within=tree.sibling_commune.pk).status_code == 404
    assert _start(client, kind="no_such_list").status_code == 404
    client.force_login(unit_officer)
    assert _start(client).status_code == 403
    assert _start(client, within=tree.unit.pk).status_code == 403
    assert client.get(reverse("exports:list")).status_code == 403
    assert not ExportJob.objects.exists()


def test_a_job_started_while_allowed_fails_if_the_right_is_gone(tree, commune_police, incidents):
    job = ExportJob.objects.create(created_by=commune_police, node=tree.commune, kind="incidents")
    commune_police.memberships.update(role="unit_officer")
    services.export_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and "không còn quyền" in job.failure


def test_the_list_of_exported_files_shows_own_jobs(client, tree, commune_police, incidents):
    client.force_login(commune_police)
    _start(client)
    job = ExportJob.objects.get()
    services.export_run(job_id=job.pk)
    page = client.get(reverse("exports:list"))
    html = page.content.decode()
    assert "Tệp đã xuất" in html and "Sổ vụ việc" in html
    assert reverse("exports:download", args=[job.pk]) in html


def test_a_role_without_export_on_the_jobs_node_cannot_download(client, tree, commune_police, incidents):
    """Downloads are checked with the scope the file is built with (the exporting roles only)."""
    job = ExportJob.objects.create(created_by=commune_police, node=tree.unit, kind="incidents")
    services.export_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE
    # The same person keeps only a unit officer's role on that unit: they see it, may not export it.
    commune_police.memberships.all().delete()
    Membership.objects.create(user=commune_police, node=tree.unit, role=Role.UNIT_OFFICER)
    client.force_login(commune_police)
    for name in ("exports:detail", "exports:download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.get(reverse("api:export-download", args=[job.pk])).status_code == 404
    assert client.get(reverse("exports:list")).status_code == 403

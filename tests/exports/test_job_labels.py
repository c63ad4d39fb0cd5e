"""What a job says it holds: the dashboard list's title, node and year in its label and file name;
the job in the audit log ("Tệp xuất #5: …", its object type in Vietnamese)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from antq.audit.models import AuditEvent
from antq.exports import registry
from antq.exports.models import ExportJob, ExportStatus

pytestmark = pytest.mark.django_db


def test_a_dashboard_list_job_names_the_list_the_node_and_the_year(
    client, tree, commune_police, django_capture_on_commit_callbacks
):
    client.force_login(commune_police)
    data = {"within": tree.commune.pk, "which": "unregistered", "year": "2025", "kind": "school"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exports:start", args=["dashboard_list"]), data=data)
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.DONE, job.failure
    expected = f"Đơn vị chưa đăng ký (cơ sở giáo dục) — {tree.commune.name} — 2025"
    assert job.label == expected
    assert job.file_name.startswith(f"{expected} ") and job.file_name.endswith(".xlsx")
    page = client.get(reverse("exports:list")).content.decode()
    assert expected in page and "Danh sách đơn vị theo chỉ số" not in page
    assert str(job) == f"Tệp xuất #{job.pk}: {expected}"
    created = AuditEvent.objects.get(object_type="exports.exportjob", action="create")
    assert created.object_repr == str(job)
    # Another list of the same exporter is another label.
    other = registry.get("dashboard_list")
    assert other is not None
    assert other.describe_job({"which": "overdue", "year": "2026"}, tree.province).startswith(
        f"Đơn vị quá hạn — {tree.province.name} — 2026"
    )


def test_an_exporter_without_describe_keeps_its_label(tree):
    exporter = registry.get("audit_events")
    assert exporter is not None and exporter.describe is None
    assert exporter.describe_job({"type": "x"}, tree.commune) == "Nhật ký thao tác"


def test_the_audit_export_names_object_types_in_vietnamese(
    client, admin: Any, tree, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exports:start", args=["dashboard_list"]), data={"within": tree.nation.pk})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exports:start", args=["audit_events"]), data={"within": tree.nation.pk})
    job = ExportJob.objects.get(kind="audit_events")
    assert job.status == ExportStatus.DONE, job.failure
    download = client.get(reverse("exports:download", args=[job.pk]))
    rows = list(
        load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.iter_rows(values_only=True)
    )
    column = rows[0].index("Loại đối tượng")
    types = {row[column] for row in rows[1:]}
    assert "Tệp xuất" in types
    assert not any(str(t).startswith("exports.") for t in types)

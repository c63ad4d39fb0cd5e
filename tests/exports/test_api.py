"""The exports API: start, follow and download one's own jobs; the same rights as the screens."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from antq.exports.models import ExportJob, ExportStatus
from tests.incidents.routes import _incident

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_job_is_started_followed_and_downloaded(tree, personas, django_capture_on_commit_callbacks):
    for where in ("unit", "sibling_unit", "other_unit"):
        _incident(personas, tree, where)
    client = _client(personas["province_officer"])
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            "/api/v1/exports/", {"kind": "incidents", "params": {"year": "2025"}}, format="json"
        )
    assert created.status_code == 201, created.content
    job = ExportJob.objects.get()
    assert job.node == tree.province and job.params == {"year": "2025"}
    detail = client.get(f"/api/v1/exports/{job.pk}/").json()
    assert detail["status"] == ExportStatus.DONE and detail["total"] == 2 and detail["percent"] == 100
    assert [j["id"] for j in client.get("/api/v1/exports/").json()] == [job.pk]
    download = client.get(detail["download_url"])
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert sheet.max_row == 3


def test_bad_input_and_rights(tree, personas):
    officer = _client(personas["commune_police"])
    unknown = officer.post("/api/v1/exports/", {"kind": "khong_co"}, format="json")
    assert unknown.status_code == 400 and "kind" in unknown.json()
    outside = officer.post(
        "/api/v1/exports/", {"kind": "incidents", "node": tree.other_unit.pk}, format="json"
    )
    assert outside.status_code == 404
    refused = _client(personas["unit_officer"]).post("/api/v1/exports/", {"kind": "incidents"}, format="json")
    assert refused.status_code == 403
    assert not ExportJob.objects.exists()

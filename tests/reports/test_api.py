"""The API: start, write, submit, return (reason required), accept; the board; stale version 409."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from antq.exports.models import ExportJob
from antq.reports.choices import ReportStatus
from antq.reports.exports import build_document
from tests.reports.conftest import YEAR, send

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_the_report_life_through_the_api(tree, commune_police, province_officer, six_month):
    police = _client(commune_police)
    created = police.post(
        "/api/v1/reports/", {"definition": six_month.pk, "year": YEAR, "node": tree.commune.pk}, format="json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert [n["heading"] for n in body["narratives"]] == six_month.sections
    assert body["statistics"][0]["label"] == "Số xã, phường, đặc khu"
    pk, version = body["id"], body["version"]

    texts = [f"Phần {i}" for i in range(len(six_month.sections))]
    written = police.patch(
        f"/api/v1/reports/{pk}/", {"texts": texts, "expected_version": version}, format="json"
    )
    assert written.status_code == 200
    stale = police.patch(
        f"/api/v1/reports/{pk}/", {"texts": texts, "expected_version": version}, format="json"
    )
    assert stale.status_code == 409
    version = written.json()["version"]
    submitted = police.post(f"/api/v1/reports/{pk}/submit/", {"expected_version": version}, format="json")
    assert submitted.status_code == 200 and submitted.json()["status"] == ReportStatus.SUBMITTED
    version = submitted.json()["version"]

    officer = _client(province_officer)
    no_reason = officer.post(f"/api/v1/reports/{pk}/return/", {"expected_version": version}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    returned = officer.post(
        f"/api/v1/reports/{pk}/return/",
        {"expected_version": version, "reason": "Bổ sung số liệu"},
        format="json",
    )
    assert returned.status_code == 200 and returned.json()["return_reason"] == "Bổ sung số liệu"

    listed = officer.get("/api/v1/reports/", {"box": "received"}).json()
    assert [r["id"] for r in listed["results"]] == [pk]


def test_the_board_endpoint(tree, commune_police, province_officer, six_month):
    send(commune_police, tree.commune, six_month)
    response = _client(province_officer).get(
        "/api/v1/reports/board/", {"definition": six_month.pk, "year": YEAR, "node": tree.province.pk}
    )
    assert response.status_code == 200
    body = response.json()
    communes = next(lv for lv in body["levels"] if lv["level"] == "commune")
    assert (communes["expected"], communes["on_time"] + communes["late"]) == (2, 1)
    assert communes["rate"] == 0.5
    states = {row["node"]["name"]: row["state"] for row in body["rows"]}
    assert states[tree.sibling_commune.name] == "missing"


def test_a_report_document_is_built_by_a_background_job(tree, commune_police, province_officer, six_month):
    send(commune_police, tree.commune, six_month)
    report = send(province_officer, tree.province, six_month)
    job = ExportJob.objects.create(
        created_by=province_officer,
        node=tree.province,
        kind="report_document",
        label="Văn bản báo cáo định kỳ",
        params={"report": str(report.pk), "format": "pdf"},
    )
    steps: list[tuple[int, int]] = []
    data, name = build_document(job, lambda done, total: steps.append((done, total)))
    assert data.startswith(b"%PDF") and name.endswith(".pdf")
    assert steps[-1] == (1, 1)

"""The evidence API: same services and scope as the screens; documented in the schema."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from antq.audit.models import AuditAction, AuditEvent
from antq.evidence.models import DocType, EvidenceDocument
from tests import factories as f
from tests.evidence import samples
from tests.evidence.samples import stored_files


def _api(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_list_is_scoped_and_filtered(tree, unit_officer, commune_police, frameworks):
    mine = samples.make(unit_officer, tree.unit, criterion_ids=("TT124.KDC.1",))
    samples.make(commune_police, tree.commune, title="Nghị quyết Đảng ủy")
    api = _api(unit_officer)
    rows = api.get(reverse("api:evidence-list")).json()["results"]
    assert [r["id"] for r in rows] == [mine.pk]
    assert rows[0]["criteria"] == ["TT124.KDC.1"] and rows[0]["warnings"] == []
    assert rows[0]["download_url"].endswith(f"/api/v1/evidence/{mine.pk}/download/")
    police = _api(commune_police)
    assert len(police.get(reverse("api:evidence-list")).json()["results"]) == 2
    only = police.get(reverse("api:evidence-list"), {"node": tree.commune.pk, "year": 2026}).json()["results"]
    assert [r["title"] for r in only] == ["Nghị quyết Đảng ủy"]
    assert len(police.get(reverse("api:evidence-list"), {"criterion": "TT124.KDC.1"}).json()["results"]) == 1


def test_list_of_a_node_out_of_scope_is_404(tree, unit_officer):
    response = _api(unit_officer).get(reverse("api:evidence-list"), {"node": tree.sibling_unit.pk})
    assert response.status_code == 404


def test_create_multipart_returns_the_document_with_its_warnings(
    tree, unit_officer, frameworks, evidence_dir
):
    response = _api(unit_officer).post(
        reverse("api:evidence-list"),
        {
            "node": tree.unit.pk,
            "year": 2026,
            "doc_type": DocType.NGHI_QUYET,
            "issue_date": "2026-06-01",
            "title": "Nghị quyết chi bộ",
            "criterion_ids": ["TT124.KDC.1", "TT124.KDC.2"],
            "file": samples.upload("nq.docx", samples.docx()),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["content_type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert body["criteria"] == ["TT124.KDC.1", "TT124.KDC.2"]
    assert body["warnings"] == [
        "Tài liệu ngày 01/06/2026 ngoài Quý I năm 2026: tiêu chí TT124.KDC.1 yêu cầu thực hiện trong Quý I."
    ]
    assert len(stored_files(evidence_dir)) == 1


def test_create_refuses_a_disguised_file_with_a_field_error(tree, unit_officer, evidence_dir):
    response = _api(unit_officer).post(
        reverse("api:evidence-list"),
        {
            "node": tree.unit.pk,
            "year": 2026,
            "doc_type": DocType.KHAC,
            "issue_date": "2026-02-01",
            "title": "x",
            "file": samples.upload("trang.pdf", samples.HTML),
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert "nhận dạng theo nội dung tệp" in response.json()["file"][0]
    assert not EvidenceDocument.objects.exists() and stored_files(evidence_dir) == []


@pytest.mark.parametrize(("persona", "status"), [("inspector", 403), ("unit_officer", 400)])
def test_create_for_an_unseen_node_or_without_the_right(tree, request, persona, status):
    user = request.getfixturevalue(persona)
    response = _api(user).post(
        reverse("api:evidence-list"),
        {
            "node": tree.sibling_unit.pk,
            "year": 2026,
            "doc_type": DocType.KHAC,
            "issue_date": "2026-02-01",
            "title": "x",
            "file": samples.upload("a.pdf", samples.PDF),
        },
        format="multipart",
    )
    assert response.status_code == status


def test_patch_with_a_stale_version_is_409(tree, unit_officer):
    document = samples.make(unit_officer, tree.unit)
    api = _api(unit_officer)
    url = reverse("api:evidence-detail", args=[document.pk])
    assert api.patch(url, {"title": "Mới", "version": 1}, format="json").json()["version"] == 2
    assert api.patch(url, {"title": "Cũ", "version": 1}, format="json").status_code == 409


def test_links_and_withdraw(tree, unit_officer, frameworks):
    document = samples.make(unit_officer, tree.unit)
    api = _api(unit_officer)
    linked = api.post(
        reverse("api:evidence-links", args=[document.pk]),
        {"criterion_ids": ["TT124.KDC.5"], "version": 1},
        format="json",
    )
    assert linked.json()["criteria"] == ["TT124.KDC.5"]
    unknown = api.post(
        reverse("api:evidence-links", args=[document.pk]),
        {"criterion_ids": ["QD510.CQ.1"], "version": 2},
        format="json",
    )
    assert unknown.status_code == 400 and "QD510.CQ.1" in unknown.json()["criterion_ids"][0]
    withdrawn = api.post(
        reverse("api:evidence-withdraw", args=[document.pk]), {"reason": "Trùng", "version": 2}, format="json"
    )
    assert withdrawn.json()["is_active"] is False


@pytest.mark.parametrize("odd", ["TT124.KDC.1²", "²", "TT124.KDC.١"])
def test_a_criterion_id_with_odd_digits_is_a_field_error_not_a_500(tree, unit_officer, frameworks, odd):
    document = samples.make(unit_officer, tree.unit)
    response = _api(unit_officer).post(
        reverse("api:evidence-links", args=[document.pk]),
        {"criterion_ids": [odd, "TT124.KDC.10", "TT124.KDC.2"], "version": 1},
        format="json",
    )
    assert response.status_code == 400
    assert odd in response.json()["criterion_ids"][0]


def test_download_headers_and_audit(tree, unit_officer):
    # Built once: two builds straddling a second differ in the zip's timestamps.
    content = samples.xlsx()
    document = samples.make(unit_officer, tree.unit, name="bien-ban.xlsx", content=content)
    response = _api(unit_officer).get(reverse("api:evidence-download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="bien-ban.xlsx"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == content
    assert AuditEvent.objects.filter(action=AuditAction.DOWNLOAD, actor=unit_officer).count() == 1


def test_out_of_scope_documents_are_404(tree, commune_police):
    document = samples.make(commune_police, tree.unit)
    outsider = _api(f.user_with_role("thon.canbo", "unit_officer", tree.sibling_unit))
    for name in ("api:evidence-detail", "api:evidence-download"):
        assert outsider.get(reverse(name, args=[document.pk])).status_code == 404


def test_the_list_query_count_does_not_grow_with_the_page(tree, unit_officer, frameworks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = _api(unit_officer)
    samples.make(unit_officer, tree.unit, criterion_ids=("TT124.KDC.1",))
    api.get(reverse("api:evidence-list"))
    with CaptureQueriesContext(connection) as few:
        api.get(reverse("api:evidence-list"))
    for _ in range(8):
        samples.make(unit_officer, tree.unit, criterion_ids=("TT124.KDC.1", "TT124.KDC.2"))
    with CaptureQueriesContext(connection) as many:
        assert len(api.get(reverse("api:evidence-list")).json()["results"]) == 9
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_schema_documents_the_evidence_endpoints(client, db):
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    paths = schema["paths"]
    assert "/api/v1/evidence/" in paths and "/api/v1/evidence/{id}/download/" in paths
    assert "multipart/form-data" in paths["/api/v1/evidence/"]["post"]["requestBody"]["content"]
    assert (
        "application/octet-stream"
        in paths["/api/v1/evidence/{id}/download/"]["get"]["responses"]["200"]["content"]
    )

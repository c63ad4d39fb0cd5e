"""The generated files: the Quyết định as DOCX and PDF with its annex, the Giấy công nhận, and the
background path for large files."""

from __future__ import annotations

import io
import unicodedata
from typing import Any

import pytest
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from antq.decisions import builders, files, services
from antq.decisions.choices import DecisionKind, DecisionStatus
from antq.decisions.models import DocumentJob
from antq.org.choices import NodeKind
from tests import factories as f
from tests.decisions.helpers import assessment_row, cycle_row, decision_row, issue, scope

pytestmark = pytest.mark.django_db

NAMES = ["Tổ dân phố 1, phường Quy Nhơn", "Trường THCS Nguyễn Du", "Khu phố Đống Đa – Hải Cảng"]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]

    def cells(table: Any) -> None:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
                for inner in cell.tables:
                    cells(inner)

    for table in document.tables:
        cells(table)
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs)
    return nfc("\n".join(parts))


def pdf_text(content: bytes) -> str:
    return nfc("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


@pytest.fixture
def issued(tree, commune_police, commune_leader):  # type: ignore[no-untyped-def]
    cycle = cycle_row(tree.province)
    third = f.unit(tree.commune, NAMES[2], "X21583-KDC07", address="Số 5 Đống Đa")
    for node in (tree.unit, tree.school, third):
        assessment_row(cycle, node)
    decision = services.decision_draft_create(
        by=commune_police,
        scope=scope(commune_police),
        cycle=cycle,
        issuer=tree.commune,
        kind=DecisionKind.RECOGNITION,
        node_ids=[tree.unit.pk, tree.school.pk, third.pk],
        data={"proposal_ref": "Tờ trình số 45/TTr-CAP ngày 10/11/2026"},
    )
    return issue(decision, commune_leader)


def test_the_document_follows_nd30_and_names_every_unit(issued):
    doc = builders.official_document(issued)
    assert doc.issuer_parent == "ỦY BAN NHÂN DÂN TỈNH GIA LAI"
    assert doc.issuer == "ỦY BAN NHÂN DÂN PHƯỜNG QUY NHƠN"
    assert doc.authority == "CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG QUY NHƠN"
    assert doc.subject == (
        "Về việc công nhận khu dân cư, cơ sở giáo dục đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm 2026"
    )
    assert (
        doc.bases[-1]
        == "Xét đề nghị của Trưởng Công an phường Quy Nhơn tại Tờ trình số 45/TTr-CAP ngày 10/11/2026"
    )
    assert doc.articles[0].startswith("Điều 1. Công nhận 3 khu dân cư, cơ sở giáo dục đạt tiêu chuẩn")
    assert doc.reference == "Quyết định số 125/QĐ-UBND ngày 20 tháng 11 năm 2026"
    assert doc.annex is not None
    # Residential areas first, then schools; by name within each kind.
    assert [row[1] for row in doc.annex.rows] == [NAMES[2], NAMES[0], NAMES[1]]
    assert doc.annex.rows[0] == ("1", NAMES[2], "Khu dân cư", "Số 5 Đống Đa")


def test_the_docx_opens_and_contains_number_date_and_every_unit(client, issued, commune_leader):
    client.force_login(commune_leader)
    response = client.get(reverse("decisions:file", kwargs={"pk": issued.pk, "what": "decision.docx"}))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="quyet-dinh-125-qd-ubnd-2026.docx"'
    text = docx_text(response.content)
    assert "125/QĐ-UBND" in text
    assert "ngày 20 tháng 11 năm 2026" in text
    for name in NAMES:
        assert name in text


def test_the_pdf_contains_the_unit_names_with_their_diacritics(client, issued, inspector):
    client.force_login(inspector)
    response = client.get(reverse("decisions:file", kwargs={"pk": issued.pk, "what": "decision.pdf"}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for name in ["Trường THCS Nguyễn Du", "Tổ dân phố 1", "Đống Đa"]:
        assert name in text
    # Made once, then served from storage.
    job = DocumentJob.objects.get(decision=issued, what="decision.pdf")
    assert job.status == DocumentJob.Status.DONE and job.stored_file
    again = client.get(reverse("decisions:file", kwargs={"pk": issued.pk, "what": "decision.pdf"}))
    assert again.content == response.content


def test_a_unit_downloads_its_own_certificate(client, tree, issued, unit_officer):
    item = issued.items.get(node=tree.unit)
    client.force_login(unit_officer)
    response = client.get(reverse("decisions:certificate", kwargs={"pk": item.pk}))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(
        'attachment; filename="giay-cong-nhan-125-qd-ubnd-2026-'
    )
    text = pdf_text(response.content)
    assert "GIẤY CÔNG NHẬN" in text
    assert "Tổ dân phố 1, phường Quy Nhơn" in text
    assert "Quyết định số 125/QĐ-UBND" in text
    other = issued.items.get(node=tree.school)
    assert client.get(reverse("decisions:certificate", kwargs={"pk": other.pk})).status_code == 404


def test_certificates_only_for_issued_recognition_decisions(tree, commune_leader):
    cycle = cycle_row(tree.province)
    draft = decision_row(commune_leader, cycle, tree.commune, nodes=[tree.unit])
    classification = decision_row(
        commune_leader,
        cycle,
        tree.commune,
        kind=DecisionKind.CLASSIFICATION,
        status=DecisionStatus.ISSUED,
        nodes=[tree.unit],
    )
    assert not files.available(draft, "certificates.pdf")
    assert not files.available(classification, "certificates.pdf")
    assert files.available(draft, "decision.pdf")


def test_the_classification_annex_has_both_scores_and_the_level(tree, commune_leader):
    cycle = cycle_row(tree.province)
    assessment_row(cycle, tree.unit, level="kha", total=75.5)
    decision = decision_row(
        commune_leader, cycle, tree.commune, kind=DecisionKind.CLASSIFICATION, nodes=[tree.unit]
    )
    doc = builders.official_document(decision)
    assert doc.annex is not None
    assert doc.annex.columns == (
        "STT",
        "Tên đơn vị",
        "Loại",
        "Điểm tự chấm",
        "Điểm cấp trên chấm",
        "Xếp loại",
    )
    assert doc.annex.rows[0][3:] == ("75,5", "75,5", "Khá")
    assert doc.articles[0].endswith("1 khu dân cư: 1 Khá (có danh sách kèm theo).")
    assert doc.number == "" and doc.code.strip() == "/QĐ-UBND"  # a draft leaves room for the number


def test_a_province_decision_has_no_parent_body(tree, province_leader):
    cycle = cycle_row(tree.province)
    decision = decision_row(province_leader, cycle, tree.province, nodes=[tree.commune])
    doc = builders.official_document(decision)
    assert (doc.issuer_parent, doc.issuer, doc.place) == ("", "ỦY BAN NHÂN DÂN TỈNH GIA LAI", "Gia Lai")
    assert "xã, phường, đặc khu" in doc.subject
    assert doc.annex is not None and doc.annex.rows[0][2] == "Phường"
    assert tree.commune.kind == NodeKind.COMMUNE


def test_large_files_are_made_in_the_background_with_progress(
    client, issued, commune_leader, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(files, "ON_THE_SPOT_SECONDS", 0)
    client.force_login(commune_leader)
    url = reverse("decisions:file", kwargs={"pk": issued.pk, "what": "certificates.pdf"})
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.get(url)
    assert response.status_code == 200
    assert b"file-status" in response.content and b"<progress" in response.content
    job = DocumentJob.objects.get(decision=issued, what="certificates.pdf")
    assert job.status == DocumentJob.Status.PENDING and job.unit_count == 3
    status_url = reverse("decisions:file_status", kwargs={"pk": issued.pk, "what": "certificates.pdf"})
    assert client.get(status_url).status_code == 200  # still polling
    for callback in callbacks:  # the worker (immediate backend in tests)
        callback()
    job.refresh_from_db()
    assert job.status == DocumentJob.Status.DONE
    done = client.get(status_url)
    assert done.status_code == 286 and "Tải xuống" in done.content.decode()
    download = client.get(url)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(download.content)).pages) == 3


def test_issuing_a_large_decision_queues_its_pdfs(
    tree, commune_police, commune_leader, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(files, "ON_THE_SPOT_SECONDS", 0)
    cycle = cycle_row(tree.province)
    assessment_row(cycle, tree.unit)
    decision = services.decision_draft_create(
        by=commune_police,
        scope=scope(commune_police),
        cycle=cycle,
        issuer=tree.commune,
        kind=DecisionKind.RECOGNITION,
        node_ids=[tree.unit.pk],
    )
    with django_capture_on_commit_callbacks(execute=True):
        issued = issue(decision, commune_leader)
    jobs = dict(DocumentJob.objects.filter(decision=issued).values_list("what", "status"))
    assert jobs == {"decision.pdf": "done", "certificates.pdf": "done"}


def test_a_revoked_decision_prints_no_certificate_but_stays_on_record(client, tree, issued, commune_leader):
    services.decision_revoke(
        by=commune_leader,
        scope=scope(commune_leader),
        decision=issued,
        reason="Sai sót",
        expected_version=issued.version,
    )
    item = issued.items.get(node=tree.unit)
    client.force_login(commune_leader)
    assert client.get(reverse("decisions:certificate", kwargs={"pk": item.pk})).status_code == 404
    certificates = reverse("decisions:file", kwargs={"pk": issued.pk, "what": "certificates.pdf"})
    assert client.get(certificates).status_code == 404
    document = client.get(reverse("decisions:file", kwargs={"pk": issued.pk, "what": "decision.docx"}))
    assert document.status_code == 200 and "125/QĐ-UBND" in docx_text(document.content)

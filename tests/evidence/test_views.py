"""Evidence screens end to end: list (filters, query counts), upload, detail, edit, links, withdraw,
download."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from antq.audit.models import AuditAction, AuditEvent
from antq.evidence.models import DocType, EvidenceDocument
from tests import factories as f
from tests.evidence import samples
from tests.evidence.samples import stored_files


def _list_url(node, year=2026):  # type: ignore[no-untyped-def]
    return reverse("evidence:list", args=[node.pk, year])


def test_the_list_shows_each_document_with_its_criteria_and_warnings(client, tree, unit_officer, frameworks):
    samples.make(
        unit_officer, tree.unit, issue_date=dt.date(2026, 5, 1), criterion_ids=("TT124.KDC.1", "TT124.KDC.2")
    )
    client.force_login(unit_officer)
    page = client.get(_list_url(tree.unit)).content.decode()
    assert "13-NQ/CB" in page and "01/05/2026" in page and "Chi bộ Tổ dân phố 1" in page
    assert "TT124.KDC.1" in page and "TT124.KDC.2" in page
    assert "ngoài Quý I năm 2026" in page
    assert "Tải lên tài liệu" in page


def test_the_list_filters_by_criterion_and_type(client, tree, unit_officer, frameworks):
    samples.make(unit_officer, tree.unit, title="Nghị quyết chi bộ", criterion_ids=("TT124.KDC.1",))
    samples.make(
        unit_officer,
        tree.unit,
        title="Kế hoạch tuần tra",
        doc_type=DocType.KE_HOACH,
        criterion_ids=("TT124.KDC.4",),
    )
    client.force_login(unit_officer)
    by_criterion = client.get(_list_url(tree.unit), {"criterion": "TT124.KDC.4"}).content.decode()
    assert "Kế hoạch tuần tra" in by_criterion and "Nghị quyết chi bộ" not in by_criterion
    by_type = client.get(_list_url(tree.unit), {"doc_type": DocType.NGHI_QUYET}).content.decode()
    assert "Nghị quyết chi bộ" in by_type and "Kế hoạch tuần tra" not in by_type
    fragment = client.get(
        _list_url(tree.unit), {"doc_type": DocType.KE_HOACH}, headers={"HX-Request": "true"}
    )
    assert "<html" not in fragment.content.decode() and "Kế hoạch tuần tra" in fragment.content.decode()


def test_withdrawn_documents_are_listed_only_on_request(client, tree, unit_officer):
    from antq.accounts.scope import Scope
    from antq.evidence import services

    document = samples.make(unit_officer, tree.unit, title="Bản nháp cũ")
    services.evidence_withdraw(
        by=unit_officer,
        scope=Scope.for_user(unit_officer),
        document=document,
        reason="Trùng",
        expected_version=1,
    )
    client.force_login(unit_officer)
    assert "Bản nháp cũ" not in client.get(_list_url(tree.unit)).content.decode()
    assert "Bản nháp cũ" in client.get(_list_url(tree.unit), {"status": "all"}).content.decode()


def _count_list_queries(client, node):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(_list_url(node))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_list_costs_the_same_queries_for_2_or_12_documents(client, tree, unit_officer, frameworks):
    for _ in range(2):
        samples.make(unit_officer, tree.unit, criterion_ids=("TT124.KDC.1", "TT124.KDC.5"))
    client.force_login(unit_officer)
    client.get(_list_url(tree.unit))  # warm the framework cache
    few = _count_list_queries(client, tree.unit)
    for _ in range(10):
        samples.make(unit_officer, tree.unit, criterion_ids=("TT124.KDC.2",))
    assert _count_list_queries(client, tree.unit) == few


def test_the_list_selector_takes_two_queries(tree, unit_officer, frameworks, django_assert_num_queries):
    from antq.accounts.scope import Scope
    from antq.evidence.selectors import evidence_list

    for _ in range(5):
        samples.make(unit_officer, tree.unit, criterion_ids=("TT124.KDC.1", "TT124.KDC.2"))
    scope = Scope.for_user(unit_officer)
    with django_assert_num_queries(2):
        documents = list(evidence_list(scope=scope, node=tree.unit, year=2026))
        assert [d.criterion_ids() for d in documents] == [["TT124.KDC.1", "TT124.KDC.2"]] * 5
        assert {d.node.name for d in documents} == {tree.unit.name}


def test_upload_stores_the_file_and_links_and_warns(client, tree, unit_officer, frameworks, evidence_dir):
    client.force_login(unit_officer)
    response = client.post(
        reverse("evidence:upload", args=[tree.unit.pk, 2026]),
        {
            "file": samples.upload("Ảnh ra mắt.pdf", samples.png()),
            "doc_type": DocType.ANH,
            "issue_date": "2026-04-20",
            "title": "Ảnh lễ ra mắt tổ tự quản",
            "criterion_ids": ["TT124.KDC.1"],
        },
        follow=True,
    )
    document = EvidenceDocument.objects.get()
    assert response.redirect_chain[-1][0] == reverse("evidence:detail", args=[document.pk])
    assert document.content_type == "image/png" and document.criterion_ids() == ["TT124.KDC.1"]
    page = response.content.decode()
    assert "ngoài Quý I năm 2026" in page
    assert len(stored_files(evidence_dir)) == 1


def test_a_refused_upload_shows_the_reason_next_to_the_file_field(client, tree, unit_officer, evidence_dir):
    client.force_login(unit_officer)
    response = client.post(
        reverse("evidence:upload", args=[tree.unit.pk, 2026]),
        {
            "file": samples.upload("virus.pdf", samples.EXE),
            "doc_type": DocType.KHAC,
            "issue_date": "2026-02-01",
            "title": "Tài liệu",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["file"] == [
        "Tệp “virus.pdf” không phải PDF, DOCX, XLSX, JPEG hoặc PNG (nhận dạng theo nội dung tệp)."
    ]
    assert 'id="id_file_error"' in response.content.decode()
    assert not EvidenceDocument.objects.exists() and stored_files(evidence_dir) == []


def test_upload_preselects_the_criterion_of_the_filter(client, tree, unit_officer, frameworks):
    client.force_login(unit_officer)
    response = client.get(reverse("evidence:upload", args=[tree.unit.pk, 2026]), {"criterion": "TT124.KDC.2"})
    assert response.context["form"]["criterion_ids"].value() == ["TT124.KDC.2"]


def test_detail_shows_metadata_links_and_history(client, tree, unit_officer, frameworks):
    document = samples.make(unit_officer, tree.unit, criterion_ids=("TT124.KDC.1",))
    client.force_login(unit_officer)
    page = client.get(reverse("evidence:detail", args=[document.pk])).content.decode()
    assert document.sha256 in page and "TT124.KDC.1" in page
    assert "Lịch sử thay đổi" in page and "Tạo mới" in page


def test_edit_with_a_stale_version_is_refused_on_the_form(client, tree, unit_officer, commune_police):
    document = samples.make(unit_officer, tree.unit)
    client.force_login(commune_police)
    client.post(
        reverse("evidence:edit", args=[document.pk]),
        {**samples.metadata(issuer="Công an phường"), "issue_date": "2026-02-10", "version": 1},
    )
    client.force_login(unit_officer)
    response = client.post(
        reverse("evidence:edit", args=[document.pk]),
        {**samples.metadata(issuer="Chi bộ"), "issue_date": "2026-02-10", "version": 1},
    )
    assert response.status_code == 200
    assert "người khác thay đổi" in response.content.decode()
    document.refresh_from_db()
    assert document.issuer == "Công an phường"


def test_links_are_edited_from_the_detail_page(client, tree, unit_officer, frameworks):
    document = samples.make(unit_officer, tree.unit, criterion_ids=("TT124.KDC.1",))
    client.force_login(unit_officer)
    client.post(
        reverse("evidence:links", args=[document.pk]),
        {"criterion_ids": ["TT124.KDC.2", "TT124.KDC.4.b"], "version": document.version},
    )
    assert document.criterion_ids() == ["TT124.KDC.2", "TT124.KDC.4.b"]


def test_withdraw_from_the_detail_page(client, tree, unit_officer):
    document = samples.make(unit_officer, tree.unit)
    client.force_login(unit_officer)
    client.post(reverse("evidence:withdraw", args=[document.pk]), {"reason": "Tải nhầm", "version": 1})
    document.refresh_from_db()
    assert not document.is_active and document.withdrawn_reason == "Tải nhầm"


def test_download_is_an_audited_attachment_with_the_detected_type(client, tree, unit_officer, inspector):
    document = samples.make(unit_officer, tree.unit, name="Nghị quyết số 13.html", content=samples.png())
    client.force_login(inspector)
    response = client.get(reverse("evidence:download", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == samples.png()
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Ngh%E1%BB%8B%20quy%E1%BA%BFt%20s%E1%BB%91%2013.png" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    event = AuditEvent.objects.get(action=AuditAction.DOWNLOAD)
    assert (event.actor, event.object_id) == (inspector, str(document.pk))


@pytest.mark.parametrize("name", ["evidence:detail", "evidence:download", "evidence:edit"])
def test_documents_of_another_unit_answer_404(client, tree, commune_police, name):
    document = samples.make(commune_police, tree.unit)
    client.force_login(f.user_with_role("thon.canbo", "unit_officer", tree.sibling_unit))
    assert client.get(reverse(name, args=[document.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.DOWNLOAD).exists()


def test_a_missing_file_answers_404_not_500(client, tree, unit_officer, evidence_dir):
    document = samples.make(unit_officer, tree.unit)
    (evidence_dir / document.file.name).unlink()
    client.force_login(unit_officer)
    assert client.get(reverse("evidence:download", args=[document.pk])).status_code == 404


def test_the_index_opens_the_current_unit_dossier(client, tree, unit_officer, province_officer):
    client.force_login(unit_officer)
    response = client.get(reverse("evidence:index"))
    assert response.status_code == 302 and f"/evidence/node/{tree.unit.pk}/" in response["Location"]
    client.force_login(province_officer)
    assert "Chọn đơn vị" in client.get(reverse("evidence:index")).content.decode()


def test_a_year_out_of_range_is_404(client, tree, unit_officer):
    client.force_login(unit_officer)
    assert client.get(_list_url(tree.unit, 1999)).status_code == 404

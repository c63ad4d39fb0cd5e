"""A signed decision keeps the wording it was issued with: a template uploaded afterwards changes
drafts, never the copies of an issued decision (its files and its certificates)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from antq.accounts.scope import Scope
from antq.decisions import builders, files
from antq.decisions.models import Decision, DocumentFile
from antq.doctemplates import files as template_files
from antq.doctemplates.services import template_upload
from tests.decisions.helpers import decision_row
from tests.decisions.test_documents import docx_text, issued, pdf_text  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

OLD_ARTICLE = "Điều 2. Quyết định này có hiệu lực kể từ ngày ký."
NEW_ARTICLE = "Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký ban hành."
OLD_BODY = "Đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm $year"
NEW_BODY = "Được công nhận đạt chuẩn an ninh trật tự năm $year"


def upload_new_wording(province, admin) -> None:  # type: ignore[no-untyped-def]
    text = template_files.default_text("recognition_decision")
    assert OLD_ARTICLE in text and OLD_BODY in text
    text = text.replace(OLD_ARTICLE, NEW_ARTICLE).replace(OLD_BODY, NEW_BODY)
    template_upload(
        scope=Scope.for_user(admin), province=province, kind="recognition_decision", content=text, by=admin
    )


def test_the_wording_is_pinned_at_issue(issued) -> None:  # noqa: F811
    stored = Decision.objects.get(pk=issued.pk).wording
    assert stored["article_2"] == OLD_ARTICLE
    assert stored["certificate_body"] == "Đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm 2026"


def test_a_later_template_changes_drafts_but_not_an_issued_decision(
    client,
    tree,
    issued,  # noqa: F811
    admin,
    commune_leader,
    unit_officer,
) -> None:
    draft = decision_row(commune_leader, issued.cycle, tree.commune, nodes=[tree.school])
    upload_new_wording(tree.province, admin)
    # Nothing was rendered and stored before the upload: every file is made now, from the pin.
    for what in DocumentFile.values:
        assert files.available(issued, what)
        text = (pdf_text if what.endswith("pdf") else docx_text)(files.render(issued, what))
        assert "thi hành kể từ ngày ký ban hành" not in text
        assert "đạt chuẩn an ninh trật tự" not in text
    assert "có hiệu lực kể từ ngày ký." in docx_text(files.render(issued, DocumentFile.DECISION_DOCX))
    certificates = docx_text(files.render(issued, DocumentFile.CERTIFICATES_DOCX))
    assert "Đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm 2026" in certificates
    item = issued.items.get(node=tree.unit)
    client.force_login(unit_officer)
    response = client.get(reverse("decisions:certificate", kwargs={"pk": item.pk}))
    assert "Đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm 2026" in pdf_text(response.content)
    # The draft follows the template in force.
    assert builders.official_document(draft).articles[1] == NEW_ARTICLE
    assert builders.wording(draft, builders.decision_items(draft))["certificate_body"] == (
        "Được công nhận đạt chuẩn an ninh trật tự năm 2026"
    )


def test_a_draft_downloaded_before_an_upload_follows_the_new_template(
    tree,
    issued,  # noqa: F811
    admin,
    commune_leader,
) -> None:
    draft = decision_row(commune_leader, issued.cycle, tree.commune, nodes=[tree.school])
    before = files.prepare(draft, DocumentFile.DECISION_DOCX, by=admin)
    assert before.content is not None and before.job.template_key == "default"
    assert "thi hành kể từ ngày ký ban hành" not in docx_text(before.content)
    upload_new_wording(tree.province, admin)
    draft.refresh_from_db()
    after = files.prepare(draft, DocumentFile.DECISION_DOCX, by=admin)
    assert after.content is not None and after.job.template_key.startswith("t")
    assert after.job.decision_version == before.job.decision_version
    assert "thi hành kể từ ngày ký ban hành" in docx_text(after.content)
    # The file made with the old template is dropped, and an issued decision keeps its pinned key.
    assert not draft.document_jobs.filter(template_key="default").exists()
    assert files.template_key(Decision.objects.get(pk=issued.pk)) == "pinned"

"""The review meeting of a draft recognition decision: the form, its audit, and the submission and
minutes it yields as DOCX and PDF, with the province's templates."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from antq.accounts.scope import Scope
from antq.audit.models import AuditEvent
from antq.cycles.choices import RegistrationStatus
from antq.cycles.models import Registration
from antq.decisions.choices import DecisionStatus
from antq.decisions.meeting import meeting_save
from antq.decisions.models import ReviewMeeting
from antq.doctemplates import files
from antq.doctemplates.services import template_upload
from antq.org.choices import NodeKind
from antq.org.models import OrgNode
from tests import factories as f
from tests.decisions.helpers import cycle_row, decision_row

pytestmark = pytest.mark.django_db

MEETING = {
    "held_on": "2026-11-20",
    "start_time": "08:00",
    "end_time": "10:30",
    "venue": "Hội trường Công an phường Quy Nhơn",
    "chair": "Nguyễn Văn Hùng, Trưởng Công an phường",
    "secretary": "Trần Thị Lan, Cán bộ Công an phường",
    "participants": "Lê Văn Đức, Phó Chủ tịch UBND phường\nPhạm Thị Hoa, Chủ tịch Ủy ban MTTQ phường",
    "content": "",
    "conclusion": "",
    "submission_number": "15",
}


@pytest.fixture
def draft(tree, admin):  # type: ignore[no-untyped-def]
    return decision_row(admin, cycle_row(tree.province), tree.commune, nodes=[tree.unit, tree.school])


def text_of(data: bytes) -> str:
    opened = Document(io.BytesIO(data))
    lines = [p.text for p in opened.paragraphs]
    for table in opened.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def download(client, user, decision, doc: str, fmt: str) -> bytes:  # type: ignore[no-untyped-def]
    client.force_login(user)
    url = reverse("decisions:meeting_document", kwargs={"pk": decision.pk, "doc": doc, "fmt": fmt})
    response = client.get(url)
    assert response.status_code == 200
    return bytes(response.content)


def test_the_drafter_records_the_meeting_and_it_is_audited(client, commune_police, draft) -> None:
    client.force_login(commune_police)
    response = client.post(reverse("decisions:meeting", kwargs={"pk": draft.pk}), MEETING)
    assert response.status_code == 302
    meeting = ReviewMeeting.objects.get(decision=draft)
    assert meeting.chair.startswith("Nguyễn Văn Hùng")
    assert meeting.participant_lines() == MEETING["participants"].split("\n")
    assert AuditEvent.objects.filter(
        object_type="decisions.reviewmeeting", object_id=str(meeting.pk)
    ).exists()
    again = {**MEETING, "venue": "Phòng họp UBND phường", "version": meeting.version}
    assert client.post(reverse("decisions:meeting", kwargs={"pk": draft.pk}), again).status_code == 302
    meeting.refresh_from_db()
    assert meeting.venue == "Phòng họp UBND phường" and meeting.version == 2


def test_a_stale_or_inconsistent_meeting_form_is_refused(client, commune_police, draft) -> None:
    client.force_login(commune_police)
    url = reverse("decisions:meeting", kwargs={"pk": draft.pk})
    client.post(url, MEETING)
    stale = client.post(url, {**MEETING, "venue": "Nơi khác", "version": 0})
    assert stale.status_code == 200
    assert "Người khác vừa sửa" in stale.content.decode()
    backwards = client.post(url, {**MEETING, "end_time": "07:00", "version": 1})
    assert "Giờ kết thúc phải sau giờ bắt đầu." in backwards.content.decode()
    assert ReviewMeeting.objects.get(decision=draft).venue == MEETING["venue"]


def test_an_issued_decision_keeps_its_meeting(client, commune_police, tree, admin) -> None:
    issued = decision_row(
        admin, cycle_row(tree.province), tree.commune, status=DecisionStatus.ISSUED, nodes=[tree.unit]
    )
    client.force_login(commune_police)
    response = client.post(reverse("decisions:meeting", kwargs={"pk": issued.pk}), MEETING)
    assert response.status_code == 200
    assert "Chỉ ghi cuộc họp xét khi quyết định còn là dự thảo." in response.content.decode()


def test_the_minutes_and_the_submission_open_with_the_meeting(client, commune_police, draft, tree) -> None:
    client.force_login(commune_police)
    results = {
        f"r-opinion_{tree.unit.pk}": "agreed",
        f"r-for_{tree.unit.pk}": "7",
        f"r-against_{tree.unit.pk}": "1",
    }
    client.post(reverse("decisions:meeting", kwargs={"pk": draft.pk}), {**MEETING, **results})
    minutes = text_of(download(client, commune_police, draft, "minutes", "docx"))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in minutes and "Độc lập - Tự do - Hạnh phúc" in minutes
    assert "CÔNG AN PHƯỜNG QUY NHƠN" in minutes and "BIÊN BẢN" in minutes
    assert (
        "Vào hồi 08 giờ 00 phút ngày 20 tháng 11 năm 2026, tại Hội trường Công an phường Quy Nhơn" in minutes
    )
    assert "- Lê Văn Đức, Phó Chủ tịch UBND phường" in minutes
    # The opinion recorded for the first unit, "…" for the second (nothing recorded).
    assert "Thống nhất đề nghị công nhận (7 phiếu tán thành, 1 phiếu không tán thành)" in minutes
    assert "\n…\n" in minutes
    assert "công nhận 1/2 khu dân cư, cơ sở giáo dục" in minutes
    assert "THƯ KÝ" in minutes and "CHỦ TRÌ" in minutes and "Trần Thị Lan" in minutes
    assert "kết thúc vào hồi 10 giờ 30 phút" in minutes
    submission = text_of(download(client, commune_police, draft, "submission", "docx"))
    assert "TỜ TRÌNH" in submission and "Số: 15/TTr-CA" in submission
    assert "Kính gửi: Ủy ban nhân dân phường Quy Nhơn" in submission
    assert "Kính trình Ủy ban nhân dân phường Quy Nhơn xem xét, quyết định./." in submission
    assert "PHỤ LỤC" in submission and "Tổ dân phố 1" in submission
    pdf = download(client, commune_police, draft, "minutes", "pdf")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "BIÊN BẢN" in text and "Họp xét công nhận" in text and "Trần Thị Lan" in text
    pdf = download(client, commune_police, draft, "submission", "pdf")
    assert "TỜ TRÌNH" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_without_a_meeting_the_documents_leave_room_to_fill(client, inspector, draft) -> None:
    minutes = text_of(download(client, inspector, draft, "minutes", "docx"))
    assert "Vào hồi … …, tại …" in minutes
    submission = text_of(download(client, inspector, draft, "submission", "docx"))
    assert "Công an phường Quy Nhơn đề nghị công nhận 2" in submission


def test_the_provinces_template_applies_to_its_minutes_only(client, admin, tree, draft) -> None:
    text = files.default_text("review_minutes").replace('signer_title: "CHỦ TRÌ"', 'signer_title: "CHỦ TỌA"')
    template_upload(
        scope=Scope.for_user(admin),
        province=tree.province,
        kind="review_minutes",
        content=text.encode(),
        by=admin,
    )
    assert "CHỦ TỌA" in text_of(download(client, admin, draft, "minutes", "docx"))
    other = decision_row(admin, cycle_row(tree.other_province), tree.other_commune, nodes=[tree.other_unit])
    minutes = text_of(download(client, admin, other, "minutes", "docx"))
    assert "CHỦ TRÌ" in minutes and "CHỦ TỌA" not in minutes


def test_an_unknown_document_is_not_found(client, admin, draft) -> None:
    client.force_login(admin)
    url = reverse("decisions:meeting_document", kwargs={"pk": draft.pk, "doc": "report", "fmt": "pdf"})
    assert client.get(url).status_code == 404


def registration(cycle, node, status=RegistrationStatus.SUBMITTED):  # type: ignore[no-untyped-def]
    return Registration.objects.create(
        cycle=cycle, node=node, status=status, registered_on=dt.date(cycle.year, 3, 1)
    )


def test_the_submission_counts_registrations_as_the_dashboards_do(client, tree, inspector, draft) -> None:
    cycle = draft.cycle
    registration(cycle, tree.unit)
    registration(cycle, tree.school, RegistrationStatus.ACCEPTED)
    registration(cycle, f.unit(tree.commune, "Tổ dân phố 2", "X21583-KDC02"))  # counted: 3
    registration(cycle, tree.commune)  # the issuer's own
    registration(cycle, f.unit(tree.commune, "Sở Y tế", "X21583-CQ01", kind=NodeKind.AGENCY))  # other kind
    excluded = f.unit(tree.commune, "Tổ 3", "X21583-KDC03")
    OrgNode.objects.filter(pk=excluded.pk).update(exclusion_code="khong_thuong_tru")
    registration(cycle, excluded)
    registration(cycle, f.unit(tree.commune, "Tổ 4", "X21583-KDC04"), RegistrationStatus.RETURNED)
    registration(cycle, f.unit(tree.commune, "Tổ 5", "X21583-KDC05"), RegistrationStatus.DRAFT)
    registration(cycle, f.unit(tree.commune, "Tổ 6", "X21583-KDC06", is_active=False))
    registration(cycle, tree.sibling_unit)  # another commune
    submission = text_of(download(client, inspector, draft, "submission", "docx"))
    assert "trên địa bàn phường Quy Nhơn có 3 đơn vị đăng ký" in submission


def heading(data: bytes) -> list[str]:
    """The left column of the NĐ 30 heading: governing body, then issuing body."""
    cell = Document(io.BytesIO(data)).tables[0].rows[0].cells[0]
    return [p.text for p in cell.paragraphs if p.text.strip()]


def test_the_heading_names_the_governing_body(client, tree, admin, draft) -> None:
    for doc in ("minutes", "submission"):
        lines = heading(download(client, admin, draft, doc, "docx"))
        assert lines[:2] == ["CÔNG AN TỈNH GIA LAI", "CÔNG AN PHƯỜNG QUY NHƠN"]
    province = decision_row(admin, cycle_row(tree.province), tree.province, nodes=[tree.commune])
    for doc in ("minutes", "submission"):
        lines = heading(download(client, admin, province, doc, "docx"))
        assert lines[:2] == ["BỘ CÔNG AN", "CÔNG AN TỈNH GIA LAI"]


def test_the_conclusion_is_a_heading_after_the_result_table(client, admin, draft) -> None:
    opened = Document(io.BytesIO(download(client, admin, draft, "minutes", "docx")))
    body = opened.element.body
    order = [child.tag.rsplit("}", 1)[-1] for child in body.iterchildren()]
    grid = body.index(opened.tables[1]._tbl)
    conclusion = next(p for p in opened.paragraphs if p.text == "IV. KẾT LUẬN")
    assert all(run.bold for run in conclusion.runs)
    assert body.index(conclusion._p) > grid and order[grid] == "tbl"
    following = opened.paragraphs[[p._p for p in opened.paragraphs].index(conclusion._p) + 1]
    assert following.text.startswith("Cuộc họp thống nhất đề nghị")
    pdf = download(client, admin, draft, "minutes", "pdf")
    # Extraction splits "IV ." by kerning: compare without whitespace.
    text = "".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert text.index("III.KẾTQUẢXÉTCHỌN") < text.index("IV.KẾTLUẬN") < text.index("Cuộchọpkếtthúc")


def test_the_meeting_audit_records_old_and_new_values(commune_police, draft) -> None:
    scope = Scope.for_user(commune_police)
    data = {**MEETING, "held_on": dt.date(2026, 11, 20), "start_time": dt.time(8), "end_time": None}
    saved = meeting_save(by=commune_police, scope=scope, decision=draft, data=data, expected_version=None)
    meeting_save(
        by=commune_police,
        scope=scope,
        decision=draft,
        data={**data, "venue": "Phòng họp", "results": {str(draft.items.first().node_id): {"agreed": False}}},
        expected_version=saved.version,
    )
    last = AuditEvent.objects.filter(object_type="decisions.reviewmeeting").order_by("-id")[0]
    node = str(draft.items.first().node_id)
    assert last.changes == {
        "venue": [MEETING["venue"], "Phòng họp"],
        "results": [{}, {node: {"agreed": False, "votes_for": None, "votes_against": None}}],
    }


def test_only_the_drafting_level_may_record_the_meeting(inspector, unit_officer, draft) -> None:
    data = {**MEETING, "held_on": dt.date(2026, 11, 20), "start_time": dt.time(8), "end_time": None}
    for user in (inspector, unit_officer):
        with pytest.raises(PermissionDenied):
            meeting_save(
                by=user, scope=Scope.for_user(user), decision=draft, data=data, expected_version=None
            )
    assert not ReviewMeeting.objects.filter(decision=draft).exists()


def test_votes_without_an_opinion_are_refused_naming_the_unit(client, commune_police, tree, draft) -> None:
    client.force_login(commune_police)
    url = reverse("decisions:meeting", kwargs={"pk": draft.pk})
    response = client.post(url, {**MEETING, f"r-for_{tree.unit.pk}": "3"})
    assert response.status_code == 200
    assert f"{tree.unit.name}: chọn ý kiến của cuộc họp trước khi ghi số phiếu." in response.content.decode()
    assert not ReviewMeeting.objects.filter(decision=draft).exists()


def test_the_submission_prints_a_full_number_once_its_date_scores_and_signer(
    client, commune_police, draft, tree
) -> None:
    from decimal import Decimal

    from antq.cycles.models import Assessment

    draft.proposal_ref = "Tờ trình số 45/TTr-CAP ngày 10/11/2026"
    draft.save(update_fields=["proposal_ref"])
    assessment = Assessment.objects.get(cycle=draft.cycle, node=tree.unit)
    assessment.superior_total = Decimal("88.5")
    assessment.result = {**(assessment.result or {}), "qd510": {"totals": {"self": 90, "superior": 88.5}}}
    assessment.save(update_fields=["superior_total", "result"])
    client.force_login(commune_police)
    form = client.get(reverse("decisions:meeting", kwargs={"pk": draft.pk})).content.decode()
    assert 'value="45/TTr-CAP"' in form and 'value="2026-11-10"' in form
    assert "cả số và ký hiệu" in form
    data = {**MEETING, "submission_number": "45/TTr-CAP", "signer_name": "Đại tá Võ Văn Bình"}
    assert client.post(reverse("decisions:meeting", kwargs={"pk": draft.pk}), data).status_code == 302
    submission = text_of(download(client, commune_police, draft, "submission", "docx"))
    assert "Số: 45/TTr-CAP" in submission and "45/TTr-CAP/TTr-CA" not in submission
    assert "ngày 10 tháng 11 năm 2026" in submission
    assert "Đại tá Võ Văn Bình" in submission
    assert "\n90\n88,5\n" in submission
    minutes = text_of(download(client, commune_police, draft, "minutes", "docx"))
    assert "\n88,5\n" in minutes
    assessment.superior_total = None
    assessment.result = {}
    assessment.save(update_fields=["superior_total", "result"])
    draft.items.filter(node=tree.unit).update(self_total=None, total=None)
    assert "\n—\n—\n" in text_of(download(client, commune_police, draft, "submission", "docx"))
    bare = {**data, "submission_number": "46", "version": 1}
    assert client.post(reverse("decisions:meeting", kwargs={"pk": draft.pk}), bare).status_code == 302
    assert "Số: 46/TTr-CA" in text_of(download(client, commune_police, draft, "submission", "docx"))

"""The review meeting of a draft recognition decision: the form, its audit, and the submission and
minutes it yields as DOCX and PDF, with the province's templates."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from antq.audit.models import AuditEvent
from antq.decisions.choices import DecisionStatus
from antq.decisions.models import ReviewMeeting
from antq.doctemplates import files
from antq.doctemplates.services import template_upload
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


def test_the_minutes_and_the_submission_open_with_the_meeting(client, commune_police, draft) -> None:
    client.force_login(commune_police)
    client.post(reverse("decisions:meeting", kwargs={"pk": draft.pk}), MEETING)
    minutes = text_of(download(client, commune_police, draft, "minutes", "docx"))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in minutes and "Độc lập - Tự do - Hạnh phúc" in minutes
    assert "CÔNG AN PHƯỜNG QUY NHƠN" in minutes and "BIÊN BẢN" in minutes
    assert (
        "Vào hồi 08 giờ 00 phút ngày 20 tháng 11 năm 2026, tại Hội trường Công an phường Quy Nhơn" in minutes
    )
    assert "- Lê Văn Đức, Phó Chủ tịch UBND phường" in minutes
    assert "Thống nhất đề nghị công nhận" in minutes
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
    template_upload(province=tree.province, kind="review_minutes", content=text.encode(), by=admin)
    assert "CHỦ TỌA" in text_of(download(client, admin, draft, "minutes", "docx"))
    other = decision_row(admin, cycle_row(tree.other_province), tree.other_commune, nodes=[tree.other_unit])
    minutes = text_of(download(client, admin, other, "minutes", "docx"))
    assert "CHỦ TRÌ" in minutes and "CHỦ TỌA" not in minutes


def test_an_unknown_document_is_not_found(client, admin, draft) -> None:
    client.force_login(admin)
    url = reverse("decisions:meeting_document", kwargs={"pk": draft.pk, "doc": "report", "fmt": "pdf"})
    assert client.get(url).status_code == 404

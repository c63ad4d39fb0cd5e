"""Screens of the outreach app, end to end: lists (with query counts), forms, the import flow with
real XLSX files, the reach page and the festival day."""

from __future__ import annotations

import datetime as dt
import io

from django.urls import reverse
from openpyxl import load_workbook

from antq.accounts.scope import Scope
from antq.org.models import OrgNode
from antq.outreach import services
from antq.outreach.choices import AttendanceMode, FestivalStatus, SessionKind
from antq.outreach.models import Attendance, FestivalDay, OutreachSession, Participant
from tests.outreach.conftest import people_rows, upload, xlsx


def test_session_list_is_filtered_and_costs_a_fixed_number_of_queries(
    client, tree, commune_police, make_session, django_assert_max_num_queries
):
    for i in range(12):
        make_session(tree.unit if i % 2 else tree.school, by=commune_police, held_on=dt.date(2025, 1, 1 + i))
    make_session(
        tree.unit,
        by=commune_police,
        kind=SessionKind.TRAINING,
        attendance_mode=AttendanceMode.HEADCOUNT,
        headcount=9,
    )
    client.force_login(commune_police)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("outreach:list"))
    assert response.status_code == 200
    assert len(response.context["page"].items) == 13
    response = client.get(reverse("outreach:list"), {"node": tree.unit.pk, "kind": "training"})
    assert [s.kind for s in response.context["page"].items] == ["training"]
    response = client.get(reverse("outreach:list"), {"year": 2024})
    assert response.context["page"].items == []
    assert "Chưa có buổi nào" in response.content.decode()


def test_the_list_does_not_show_sessions_out_of_scope(
    client, tree, unit_officer, commune_police, make_session
):
    make_session(tree.school, by=commune_police, topic="Của trường")
    make_session(topic="Của tổ dân phố")
    client.force_login(unit_officer)
    body = client.get(reverse("outreach:list")).content.decode()
    assert "Của tổ dân phố" in body
    assert "Của trường" not in body


def test_recording_a_session_from_the_form(client, tree, unit_officer):
    client.force_login(unit_officer)
    response = client.get(reverse("outreach:create"))
    assert response.status_code == 200
    assert "Ghi nhận buổi tuyên truyền, tập huấn" in response.content.decode()
    response = client.post(
        reverse("outreach:create"),
        {
            "node": tree.unit.pk,
            "kind": "propaganda",
            "held_on": "2025-03-10",
            "topic": "Phòng, chống ma túy",
            "audiences": ["residents", "students"],
            "place": "Nhà văn hóa",
            "delivery": "staged",
            "attendance_mode": "headcount",
            "headcount": "75",
        },
    )
    session = OutreachSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("outreach:detail", args=[session.pk])
    assert session.audiences == ["students", "residents"]
    detail = client.get(response["Location"]).content.decode()
    assert "75 người (chỉ ghi số lượng)" in detail
    assert "Sân khấu hóa" in detail


def test_a_bad_form_names_each_field_and_keeps_what_was_typed(client, tree, unit_officer):
    client.force_login(unit_officer)
    response = client.post(
        reverse("outreach:create"),
        {
            "node": tree.unit.pk,
            "kind": "propaganda",
            "held_on": "2025-03-10",
            "topic": "Giữ lại",
            "place": "",
            "attendance_mode": "headcount",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"audiences", "place"}
    body = response.content.decode()
    assert 'value="Giữ lại"' in body
    assert 'aria-describedby="id_place_error"' in body
    assert not OutreachSession.objects.exists()


def test_a_stale_edit_keeps_the_typed_values_and_says_why(client, tree, unit_officer, make_session):
    session = make_session()
    client.force_login(unit_officer)
    data = {
        "kind": "propaganda",
        "held_on": "2025-03-10",
        "topic": "Sửa lần một",
        "audiences": ["residents"],
        "place": "Nhà văn hóa",
        "attendance_mode": "list",
        "version": "1",
    }
    assert client.post(reverse("outreach:edit", args=[session.pk]), data).status_code == 302
    response = client.post(reverse("outreach:edit", args=[session.pk]), {**data, "topic": "Sửa lần hai"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "đã được người khác thay đổi" in body
    assert 'value="Sửa lần hai"' in body
    session.refresh_from_db()
    assert session.topic == "Sửa lần một"


def test_import_flow_lists_every_bad_row_then_confirms_a_good_file(client, tree, unit_officer, make_session):
    session = make_session()
    client.force_login(unit_officer)
    url = reverse("outreach:import", args=[session.pk])
    bad = xlsx([*people_rows(0, 3), [4, "", "052000000099", "", 1990], [5, "Lê Thị Mơ", "", "", ""]])
    response = client.post(url, {"file": upload(bad)})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Tệp có 2 lỗi: chưa ghi gì." in body
    assert [(e.row, e.column) for e in response.context["checked"].errors] == [
        (5, "Họ và tên"),
        (6, "Số CCCD / Mã nhân viên"),
    ]
    assert "Xác nhận và ghi" not in body
    assert not Participant.objects.exists()

    response = client.post(url, {"file": upload(xlsx(people_rows(0, 6)))})
    preview = response.context["preview"]
    assert (preview.people, preview.to_add, preview.new_people) == (6, 6, 6)
    assert not Attendance.objects.exists()  # nothing written before the confirmation
    token = response.context["confirm"].initial["token"]
    response = client.post(reverse("outreach:import_confirm", args=[session.pk]), {"token": token})
    assert response.status_code == 302
    assert Attendance.objects.filter(session=session).count() == 6
    # The token is spent: confirming twice writes nothing more and says so.
    response = client.post(
        reverse("outreach:import_confirm", args=[session.pk]), {"token": token}, follow=True
    )
    assert "Không tìm thấy tệp đã kiểm tra" in response.content.decode()
    assert Attendance.objects.count() == 6
    detail = client.get(reverse("outreach:detail", args=[session.pk])).content.decode()
    assert "Nguyễn Văn 005" in detail
    assert "6 người theo danh sách" in detail


def test_a_file_that_is_not_a_workbook_is_refused_on_the_file_field(client, tree, unit_officer, make_session):
    session = make_session()
    client.force_login(unit_officer)
    response = client.post(
        reverse("outreach:import", args=[session.pk]), {"file": upload(b"%PDF-1.4 not a sheet", "ds.xlsx")}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["Tệp không phải là tệp Excel (.xlsx) hợp lệ."]


def test_the_template_downloads_as_a_workbook(client, unit_officer):
    client.force_login(unit_officer)
    response = client.get(reverse("outreach:import_template"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet["B1"].value == "Họ và tên"


def test_reach_page_shows_the_share_against_the_target(
    client, tree, unit_officer, make_session, django_assert_max_num_queries
):
    OrgNode.objects.filter(pk=tree.unit.pk).update(people_count=10)
    session = make_session(held_on=dt.date(2025, 3, 10))
    checked_people = people_rows(0, 9)
    client.force_login(unit_officer)
    response = client.post(
        reverse("outreach:import", args=[session.pk]), {"file": upload(xlsx(checked_people))}
    )
    client.post(
        reverse("outreach:import_confirm", args=[session.pk]),
        {"token": response.context["confirm"].initial["token"]},
    )
    with django_assert_max_num_queries(15):
        response = client.get(reverse("outreach:reach", args=[tree.unit.pk, 2025]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "90,0%" in body
    assert "Đạt" in body
    assert "QĐ 510 mục 2" in body
    assert "9 người khác nhau theo danh sách 1 buổi; trên 10 người của đơn vị" in body


def test_festival_plan_then_mark_held(client, tree, unit_officer):
    client.force_login(unit_officer)
    assert client.get(reverse("outreach:festival_create")).status_code == 200
    response = client.post(
        reverse("outreach:festival_create"),
        {
            "node": tree.unit.pk,
            "year": 2025,
            "participation": "hosted",
            "planned_on": "2025-08-19",
            "place": "Sân văn hóa",
        },
    )
    festival = FestivalDay.objects.get()
    assert response["Location"] == reverse("outreach:festival_detail", args=[festival.pk])
    url = reverse("outreach:festival_held", args=[festival.pk])
    response = client.post(url, {"held_on": "2025-08-15", "version": festival.version})
    assert response.status_code == 200
    assert "attendance" in response.context["form"].errors
    response = client.post(url, {"held_on": "2025-08-15", "attendance": "230", "version": festival.version})
    assert response.status_code == 302
    festival.refresh_from_db()
    assert festival.status == FestivalStatus.HELD
    body = client.get(reverse("outreach:festival_detail", args=[festival.pk])).content.decode()
    assert "Ngày hội toàn dân bảo vệ ANTQ tổ chức ngày 15/08/2025, 230 người tham dự" in body
    # A second plan for the same year is refused on the year field.
    response = client.post(
        reverse("outreach:festival_create"), {"node": tree.unit.pk, "year": 2025, "participation": "hosted"}
    )
    assert "Đơn vị đã có Ngày hội năm 2025." in response.context["form"].errors["year"]


def test_festival_list_costs_a_fixed_number_of_queries(
    client, tree, commune_police, django_assert_max_num_queries
):
    scope = Scope.for_user(commune_police)
    for year in range(2020, 2026):
        for node in (tree.unit, tree.school, tree.commune):
            services.festival_create(by=commune_police, scope=scope, node=node, year=year, data={})
    client.force_login(commune_police)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("outreach:festival_list"))
    assert len(response.context["rows"]) == 18
    response = client.get(reverse("outreach:festival_list"), {"node": tree.unit.pk, "year": 2024})
    assert [(f.node_id, f.year) for f in response.context["rows"]] == [(tree.unit.pk, 2024)]


def test_reach_page_uses_the_tt124_window_when_the_frameworks_are_loaded(
    client, tree, unit_officer, make_session
):
    from antq.criteria import loader

    loader.apply(loader.read_files())
    make_session(held_on=dt.date(2024, 11, 5), attendance_mode=AttendanceMode.HEADCOUNT, headcount=33)
    client.force_login(unit_officer)
    response = client.get(reverse("outreach:reach", args=[tree.unit.pk, 2025]))
    assert (response.context["start"], response.context["end"]) == (
        dt.date(2024, 11, 1),
        dt.date(2025, 10, 31),
    )
    assert response.context["from_tt124"] is True
    assert response.context["reach"].largest_headcount == 33


# --- Stored uploads --------------------------------------------------------------------------


def _stored(media) -> list[str]:  # type: ignore[no-untyped-def]
    folder = media / "imports" / "outreach"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_cancelling_a_checked_upload_deletes_its_file(
    client, tree, unit_officer, make_session, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    session = make_session()
    client.force_login(unit_officer)
    response = client.post(
        reverse("outreach:import", args=[session.pk]), {"file": upload(xlsx(people_rows(0, 3)))}
    )
    token = response.context["confirm"].initial["token"]
    assert _stored(tmp_path) == [f"{token}.xlsx"]
    assert reverse("outreach:import_cancel", args=[session.pk]) in response.content.decode()
    response = client.post(
        reverse("outreach:import_cancel", args=[session.pk]), {"token": token}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("outreach:detail", args=[session.pk])
    assert "tệp đã tải lên đã được xoá" in response.content.decode()
    assert _stored(tmp_path) == []
    assert not Attendance.objects.exists()
    # The token is gone: confirming it afterwards writes nothing.
    client.post(reverse("outreach:import_confirm", args=[session.pk]), {"token": token})
    assert not Attendance.objects.exists()


def test_storing_an_upload_deletes_any_users_uploads_older_than_a_day(
    client, tree, unit_officer, commune_police, make_session, settings, tmp_path
):
    import os
    import time

    settings.MEDIA_ROOT = tmp_path
    folder = tmp_path / "imports" / "outreach"
    folder.mkdir(parents=True)
    abandoned = folder / "abandoned.xlsx"  # someone else's, never confirmed
    abandoned.write_bytes(b"CCCD")
    old = time.time() - 25 * 3600
    os.utime(abandoned, (old, old))
    recent = folder / "recent.xlsx"  # another user's upload awaiting confirmation: kept
    recent.write_bytes(b"CCCD")
    other = tmp_path / "imports" / "elsewhere.xlsx"  # not this app's: untouched
    other.write_bytes(b"x")
    os.utime(other, (old, old))
    session = make_session()
    client.force_login(unit_officer)
    response = client.post(
        reverse("outreach:import", args=[session.pk]), {"file": upload(xlsx(people_rows(0, 3)))}
    )
    token = response.context["confirm"].initial["token"]
    assert _stored(tmp_path) == sorted([f"{token}.xlsx", "recent.xlsx"])
    assert other.exists()


# --- Withdrawing a session -------------------------------------------------------------------


def test_withdrawing_a_session_from_its_page(client, tree, unit_officer, commune_leader, make_session):
    session = make_session(attendance_mode=AttendanceMode.HEADCOUNT, headcount=40, topic="Buổi ghi nhầm")
    kept = make_session(attendance_mode=AttendanceMode.HEADCOUNT, headcount=10, topic="Buổi thật")
    url = reverse("outreach:withdraw", args=[session.pk])
    client.force_login(commune_leader)  # reads, does not record
    assert (
        "Rút buổi tuyên truyền"
        not in client.get(reverse("outreach:detail", args=[session.pk])).content.decode()
    )
    assert client.post(url, {"reason": "Nhầm", "version": 1}).status_code == 403
    client.force_login(unit_officer)
    detail = client.get(reverse("outreach:detail", args=[session.pk])).content.decode()
    assert "Rút buổi tuyên truyền" in detail
    response = client.post(url, {"reason": "", "version": 1}, follow=True)
    assert "Vui lòng nêu lý do" in response.content.decode()
    response = client.post(url, {"reason": "Ghi trùng với buổi ngày 10/3", "version": 1}, follow=True)
    body = response.content.decode()
    assert "Đã rút buổi" in body
    assert "Ghi trùng với buổi ngày 10/3" in body
    assert "Rút buổi tuyên truyền</button>" not in body
    assert reverse("outreach:edit", args=[session.pk]) not in body
    session.refresh_from_db()
    assert session.is_withdrawn and session.withdrawn_by == unit_officer
    # Left out of the list by default, shown with its reason when asked for.
    listed = client.get(reverse("outreach:list"))
    assert [s.pk for s in listed.context["page"].items] == [kept.pk]
    listed = client.get(reverse("outreach:list"), {"include_withdrawn": "on"})
    assert {s.pk for s in listed.context["page"].items} == {kept.pk, session.pk}
    assert "Ghi trùng với buổi ngày 10/3" in listed.content.decode()
    reach = client.get(reverse("outreach:reach", args=[tree.unit.pk, 2025]))
    assert reach.context["reach"].largest_headcount == 10


def test_the_preview_shows_a_person_matched_by_name_and_birth_year(client, tree, unit_officer, make_session):
    first = make_session()
    second = make_session(held_on=dt.date(2025, 6, 1))
    client.force_login(unit_officer)
    response = client.post(
        reverse("outreach:import", args=[first.pk]), {"file": upload(xlsx([[1, "Hồ Thị Mai", "", "", 1970]]))}
    )
    token = response.context["confirm"].initial["token"]
    client.post(reverse("outreach:import_confirm", args=[first.pk]), {"token": token})
    response = client.post(
        reverse("outreach:import", args=[second.pk]),
        {"file": upload(xlsx([[1, "Hồ Thị Mai", 1070000123, "", 1970]]))},
    )
    body = response.content.decode()
    assert response.context["preview"].new_people == 0
    assert "Dòng 2: “Hồ Thị Mai” (001070000123) trùng với người đã ghi" in body


# --- Tester's findings: document picker, reach year, wording ---------------------------------


def test_the_session_form_offers_only_the_chosen_nodes_documents(client, tree, commune_police):
    from tests.outreach.conftest import evidence

    mine = evidence(tree.unit, commune_police, title="Biên bản buổi tuyên truyền tổ 1")
    evidence(tree.school, commune_police, title="Biên bản của trường")
    client.force_login(commune_police)
    response = client.get(reverse("outreach:create"))
    body = response.content.decode()
    assert "Chọn đơn vị trước để chọn tài liệu" in body
    assert "Biên bản buổi tuyên truyền tổ 1" not in body
    assert "Biên bản của trường" not in body
    response = client.get(reverse("outreach:create"), {"node": tree.unit.pk})
    assert list(response.context["form"].fields["evidence"].queryset) == [mine]
    body = response.content.decode()
    assert "Biên bản · 10/03/2025 · Biên bản buổi tuyên truyền tổ 1" in body
    assert "Biên bản của trường" not in body


def test_the_festival_form_offers_only_the_chosen_nodes_documents(client, tree, commune_police):
    from tests.outreach.conftest import evidence

    mine = evidence(tree.unit, commune_police, title="Kế hoạch Ngày hội tổ 1")
    evidence(tree.school, commune_police, title="Kế hoạch của trường")
    client.force_login(commune_police)
    body = client.get(reverse("outreach:festival_create")).content.decode()
    assert "Chọn đơn vị trước để chọn tài liệu" in body
    assert "Kế hoạch Ngày hội tổ 1" not in body
    response = client.get(reverse("outreach:festival_create"), {"node": tree.unit.pk})
    assert list(response.context["form"].fields["plan_document"].queryset) == [mine]
    assert "Kế hoạch của trường" not in response.content.decode()


def test_a_session_links_to_the_year_whose_window_holds_it(client, tree, commune_police, make_session):
    from antq.criteria import loader

    loader.apply(loader.read_files())
    # A school's window runs 16/11 – 15/11: 20/11/2025 counts in 2026.
    session = make_session(tree.school, by=commune_police, held_on=dt.date(2025, 11, 20))
    client.force_login(commune_police)
    body = client.get(reverse("outreach:detail", args=[session.pk])).content.decode()
    assert reverse("outreach:reach", args=[tree.school.pk, 2026]) in body
    assert "Tỷ lệ tham gia năm 2026" in body
    reach = client.get(reverse("outreach:reach", args=[tree.school.pk, 2026])).content.decode()
    assert "Kỳ đánh giá năm 2026: từ 16/11/2025 đến 15/11/2026." in reach


def test_a_session_links_to_its_calendar_year_without_tt124(client, tree, unit_officer, make_session):
    session = make_session(held_on=dt.date(2025, 11, 20))
    client.force_login(unit_officer)
    body = client.get(reverse("outreach:detail", args=[session.pk])).content.decode()
    assert reverse("outreach:reach", args=[tree.unit.pk, 2025]) in body


def test_withdrawing_a_training_session_says_training(client, tree, unit_officer, make_session):
    session = make_session(kind=SessionKind.TRAINING, attendance_mode=AttendanceMode.HEADCOUNT, headcount=5)
    client.force_login(unit_officer)
    body = client.get(reverse("outreach:detail", args=[session.pk])).content.decode()
    assert "Rút buổi tập huấn" in body
    assert "Rút buổi tuyên truyền" not in body


def test_the_reach_page_says_the_missing_festival_once(client, tree, unit_officer):
    client.force_login(unit_officer)
    body = client.get(reverse("outreach:reach", args=[tree.unit.pk, 2025])).content.decode()
    assert body.count("Chưa ghi nhận Ngày hội") == 1
    assert "Chưa có Chưa ghi nhận" not in body
    assert "Kỳ đánh giá năm 2025: từ 01/01/2025 đến 31/12/2025." in body


def test_a_zero_headcount_is_named(client, tree, unit_officer):
    client.force_login(unit_officer)
    response = client.post(
        reverse("outreach:create"),
        {
            "node": tree.unit.pk,
            "kind": "propaganda",
            "held_on": "2025-03-10",
            "topic": "x",
            "audiences": ["residents"],
            "place": "x",
            "attendance_mode": "headcount",
            "headcount": "-3",
        },
    )
    body = response.content.decode()
    assert "Số người tham dự phải từ 1 trở lên." in body
    assert "Đảm bảo giá trị" not in body


def test_the_festival_held_form_states_the_festival_year(client, tree, unit_officer):
    scope = Scope.for_user(unit_officer)
    festival = services.festival_create(
        by=unit_officer, scope=scope, node=tree.unit, year=2025, data={"participation": "hosted"}
    )
    client.force_login(unit_officer)
    url = reverse("outreach:festival_held", args=[festival.pk])
    body = client.get(url).content.decode()
    assert "Ngày tổ chức (trong năm 2025)" in body
    assert 'min="2025-01-01"' in body
    response = client.post(url, {"held_on": "2024-11-22", "attendance": 50, "version": festival.version})
    assert "Ngày hội năm 2025: ngày phải từ 01/01/2025 đến 31/12/2025." in response.content.decode()

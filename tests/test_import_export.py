"""Import of units from XLSX/CSV (check, confirm, apply, background job) and export to XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from antq.audit.models import AuditAction, AuditEvent
from antq.core.errors import DomainError
from antq.core.pagination import Total
from antq.core.templatetags.antq import number
from antq.org import services
from antq.org.choices import EducationLevel, EnterpriseSize, NodeKind
from antq.org.models import MAX_CHILDREN, OrgNode
from antq.units import importing
from antq.units.exporting import EXPORT_HEADERS, HEADERS
from antq.units.models import ImportJob
from tests import factories as f

Status = ImportJob.Status

BASIC = ["Mã", "Tên", "Loại", "Mã đơn vị cấp trên"]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def xlsx(
    rows: Iterable[Sequence[Any]], headers: Sequence[str] = BASIC, name: str = "don vi.xlsx"
) -> SimpleUploadedFile:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def csv_file(
    rows: Iterable[Sequence[Any]], headers: Sequence[str], *, delimiter: str = ","
) -> SimpleUploadedFile:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    return SimpleUploadedFile("don-vi.csv", text.getvalue().encode("utf-8-sig"))


def upload(client: Any, capture: Any, file: SimpleUploadedFile) -> ImportJob:
    """Post a file; the validation task runs on commit (immediate backend in tests)."""
    with capture(execute=True):
        response = client.post(reverse("units:import"), {"file": file})
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.latest("pk")
    assert response["Location"] == reverse("units:import_detail", args=[job.pk])
    return job


def confirm(client: Any, capture: Any, job: ImportJob) -> ImportJob:
    with capture(execute=True):
        response = client.post(reverse("units:import_confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    return job


def errors_of(job: ImportJob) -> set[tuple[int, str]]:
    return {(e["row"], e["column"]) for e in job.errors}


SAMPLE = [
    ["X21583-KDC02", "Tổ dân phố 2", "Khu dân cư", "X21583"],
    ["X21583-DN01", "Công ty TNHH Hoà Bình", "Doanh nghiệp", "X21583"],
    ["X21583-CSGD02", "Trường Tiểu học Lê Lợi", "Cơ sở giáo dục", "X21583"],
]
SIMPLE = [
    ["X21583-KDC02", "Tổ dân phố 2", "Khu dân cư", "X21583"],
    ["X21583-KDC03", "Tổ dân phố 3", "Khu dân cư", "X21583"],
    ["X21583-KDC04", "Tổ dân phố 4", "Khu dân cư", "X21583"],
]
FULL_HEADERS = [*BASIC, "Quy mô DN", "Cấp học", "Số hộ / số người", "Email"]
FULL = [
    [*SAMPLE[0], "", "", 210, "tdp2@example.vn"],
    [*SAMPLE[1], "Nhỏ", "", "45", ""],
    [*SAMPLE[2], "", "Tiểu học", 30, ""],
]


# --- Import: the happy path ------------------------------------------------------------------


def test_valid_xlsx_import_creates_units_and_audit_rows(
    client, commune_police, tree, django_capture_on_commit_callbacks
):
    client.force_login(commune_police)
    job = upload(client, django_capture_on_commit_callbacks, xlsx(FULL, FULL_HEADERS))
    job.refresh_from_db()
    assert job.status == Status.READY, job.errors
    assert (job.total_rows, job.to_create, job.to_update, job.unchanged, job.error_count) == (3, 3, 0, 0, 0)
    assert not OrgNode.objects.filter(code__in=[r[0] for r in FULL]).exists()  # nothing before confirming
    # The upload is kept under a random name, never the user's.
    assert job.stored_file.startswith("imports/") and "don vi" not in job.stored_file
    assert default_storage.exists(job.stored_file)
    assert default_storage.exists(f"{job.stored_file}.rows.json")  # the checked rows, for applying

    page = client.get(reverse("units:import_detail", args=[job.pk]))
    assert reverse("units:import_confirm", args=[job.pk]) in page.content.decode()

    job = confirm(client, django_capture_on_commit_callbacks, job)
    assert job.status == Status.DONE, job.failure
    assert (job.to_create, job.to_update, job.unchanged) == (3, 0, 0)
    assert not default_storage.exists(job.stored_file)
    assert not default_storage.exists(f"{job.stored_file}.rows.json")

    units = OrgNode.objects.in_bulk([r[0] for r in FULL], field_name="code")
    kdc, dn, school = units["X21583-KDC02"], units["X21583-DN01"], units["X21583-CSGD02"]
    for unit in units.values():
        assert unit.parent_id == tree.commune.pk
        assert unit.path.startswith(tree.commune.path) and unit.depth == tree.commune.depth + 1
    assert kdc.kind == NodeKind.RESIDENTIAL_AREA and kdc.people_count == 210
    assert kdc.contact_email == "tdp2@example.vn" and kdc.exclusion_code == ""
    assert dn.enterprise_size == EnterpriseSize.SMALL and dn.exclusion_code == "EXC_SMALL_MICRO_ENTERPRISE"
    assert school.education_level == EducationLevel.PRIMARY
    assert school.exclusion_code == "EXC_PRIMARY_PRESCHOOL"
    assert "truong tieu hoc le loi" in school.search_text
    assert len({u.path for u in OrgNode.objects.filter(parent=tree.commune)}) == 5  # unique paths

    events = AuditEvent.objects.filter(action=AuditAction.IMPORT)
    assert events.count() == 3
    event = events.get(object_id=str(kdc.pk))
    assert event.actor == commune_police and event.node_path == kdc.path
    assert event.changes["name"] == [None, "Tổ dân phố 2"] and event.changes["people_count"] == [None, 210]


def test_reimport_updates_by_code_and_creates_no_duplicates(
    client, commune_police, tree, django_capture_on_commit_callbacks
):
    client.force_login(commune_police)
    capture = django_capture_on_commit_callbacks
    confirm(client, capture, upload(client, capture, xlsx(FULL, FULL_HEADERS)))
    total = OrgNode.objects.count()

    again = upload(client, capture, xlsx(FULL, FULL_HEADERS))
    again.refresh_from_db()
    assert (again.status, again.to_create, again.to_update, again.unchanged) == (Status.READY, 0, 0, 3)
    again = confirm(client, capture, again)
    assert again.status == Status.DONE and OrgNode.objects.count() == total
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT).count() == 3  # unchanged rows: no audit

    changed = [list(row) for row in FULL]
    changed[0][1] = "Tổ dân phố 2 (mới)"
    changed[1][4] = "Vừa"  # a medium enterprise is eligible again
    job = upload(client, capture, xlsx(changed, FULL_HEADERS))
    job.refresh_from_db()
    assert (job.to_create, job.to_update, job.unchanged) == (0, 2, 1)
    job = confirm(client, capture, job)
    assert job.status == Status.DONE
    assert OrgNode.objects.count() == total
    kdc = OrgNode.objects.get(code="X21583-KDC02")
    dn = OrgNode.objects.get(code="X21583-DN01")
    assert kdc.name == "Tổ dân phố 2 (mới)" and kdc.version == 2 and "moi" in kdc.search_text
    assert dn.enterprise_size == EnterpriseSize.MEDIUM and dn.exclusion_code == ""
    event = AuditEvent.objects.filter(action=AuditAction.IMPORT, object_id=str(kdc.pk)).latest("pk")
    assert event.changes == {"name": ["Tổ dân phố 2", "Tổ dân phố 2 (mới)"]}
    assert OrgNode.objects.get(code="X21583-CSGD02").version == 1


def test_reimport_moves_a_unit_to_another_commune_with_a_new_path(
    client, province_officer, tree, django_capture_on_commit_callbacks
):
    client.force_login(province_officer)
    capture = django_capture_on_commit_callbacks
    rows = [["X21583-KDC01", "Tổ dân phố 1, phường Quy Nhơn", "Khu dân cư", "X21600"]]
    job = upload(client, capture, xlsx(rows))
    job.refresh_from_db()
    assert (job.status, job.to_update) == (Status.READY, 1)
    page = client.get(reverse("units:import_detail", args=[job.pk])).content.decode()
    assert "Đơn vị cấp trên: Phường Quy Nhơn (X21583) → Xã Tây Sơn (X21600)" in page
    assert confirm(client, capture, job).status == Status.DONE
    tree.unit.refresh_from_db()
    assert tree.unit.parent_id == tree.sibling_commune.pk
    assert tree.unit.path.startswith(tree.sibling_commune.path)
    assert tree.unit.people_count == 320  # columns absent from the file are left alone
    event = AuditEvent.objects.get(action=AuditAction.IMPORT)
    assert event.changes["parent"] == [tree.commune.pk, tree.sibling_commune.pk]


def test_csv_import_with_unaccented_headers_semicolons_and_bom(
    client, commune_police, tree, django_capture_on_commit_callbacks
):
    client.force_login(commune_police)
    capture = django_capture_on_commit_callbacks
    headers = ["ma", "TEN", "Loai", "Ma don vi cap tren", "Luc luong vu trang", "Dien thoai"]
    rows = [
        ["X21583-CQ01", "Ban Chỉ huy quân sự phường", "co quan", "X21583", "có", "0912345678"],
        ["X21583-KDC03", "Tổ dân phố 3", "residential_area", "X21583", "", ""],
    ]
    job = upload(client, capture, csv_file(rows, headers, delimiter=";"))
    job.refresh_from_db()
    assert job.status == Status.READY, job.errors
    assert confirm(client, capture, job).status == Status.DONE
    agency = OrgNode.objects.get(code="X21583-CQ01")
    assert agency.kind == NodeKind.AGENCY and agency.is_armed_forces and agency.contact_phone == "0912345678"
    assert agency.exclusion_code == "EXC_ARMED_FORCES"
    assert OrgNode.objects.get(code="X21583-KDC03").kind == NodeKind.RESIDENTIAL_AREA


# --- Import: errors --------------------------------------------------------------------------


def test_file_with_bad_rows_writes_nothing_and_lists_every_bad_row(
    client, commune_police, tree, django_capture_on_commit_callbacks
):
    client.force_login(commune_police)
    capture = django_capture_on_commit_callbacks
    headers = [*BASIC, "Quy mô DN", "Cấp học", "Số hộ / số người", "Email", "Lực lượng vũ trang"]
    rows = [
        ["X21583-KDC10", "Tổ dân phố 10", "Khu dân cư", "X21583", "", "", 100, "", ""],  # row 2: fine
        ["X21583-KDC11", "", "Khu dân cư", "X21583", "", "", "", "", ""],  # 3: no name
        ["X21583-KDC12", "Tổ 12", "Chợ", "X21583", "", "", "", "", ""],  # 4: unknown kind
        ["X21583-KDC13", "Tổ 13", "Khu dân cư", "X21583", "", "", -5, "", ""],  # 5: negative count
        ["X21583-KDC14", "Tổ 14", "Khu dân cư", "X21583", "", "", "", "khong-phai-email", ""],  # 6
        ["X21583-KDC10", "Trùng mã", "Khu dân cư", "X21583", "", "", "", "", ""],  # 7: duplicate code
        ["X21583-KDC15", "Tổ 15", "Khu dân cư", "X99999", "", "", "", "", ""],  # 8: unknown parent
        ["X21583-DN09", "Công ty A", "Doanh nghiệp", "X21583", "", "", "", "", ""],  # 9: no size
        ["X21583-CSGD09", "Trường B", "Cơ sở giáo dục", "X21583", "", "", "", "", ""],  # 10: no level
        ["", "Không mã", "Khu dân cư", "", "Rất lớn", "", "1,5", "", "có lẽ"],  # 11: many at once
        [None, None, None, None],  # blank row: skipped, numbering kept
        ["X21583-KDC16", "Tổ 16", "Khu dân cư", "X21583-KDC01", "", "", "", "", ""],  # 13: parent is a unit
    ]
    before = OrgNode.objects.count()
    job = upload(client, capture, xlsx(rows, headers))
    job.refresh_from_db()
    assert job.status == Status.INVALID
    assert OrgNode.objects.count() == before
    assert errors_of(job) == {
        (3, "Tên"),
        (4, "Loại"),
        (5, "Số hộ / số người"),
        (6, "Email"),
        (7, "Mã"),
        (8, "Mã đơn vị cấp trên"),
        (9, "Quy mô DN"),
        (10, "Cấp học"),
        (11, "Mã"),
        (11, "Mã đơn vị cấp trên"),
        (11, "Quy mô DN"),
        (11, "Số hộ / số người"),
        (11, "Lực lượng vũ trang"),
        (13, "Mã đơn vị cấp trên"),
    }
    assert job.error_count == 14 and job.total_rows == 11
    messages = {(e["row"], e["column"]): e["message"] for e in job.errors}
    assert messages[(3, "Tên")] == "Không được để trống."
    assert messages[(7, "Mã")] == "Mã X21583-KDC10 trùng với dòng 2."
    assert "X99999" in messages[(8, "Mã đơn vị cấp trên")]
    assert "xã, phường" in messages[(13, "Mã đơn vị cấp trên")]
    assert [e["row"] for e in job.errors] == sorted(e["row"] for e in job.errors)
    assert not default_storage.exists(job.stored_file)

    page = client.get(reverse("units:import_detail", args=[job.pk])).content.decode()
    assert "Trùng mã" not in page and "Mã X21583-KDC10 trùng với dòng 2." in page
    assert reverse("units:import_confirm", args=[job.pk]) not in page
    # Confirming an invalid job does nothing.
    assert confirm(client, capture, job).status == Status.INVALID
    assert OrgNode.objects.count() == before


def test_only_the_first_1000_errors_are_kept(
    client, commune_police, tree, django_capture_on_commit_callbacks
):
    client.force_login(commune_police)
    rows = [[f"X21583-E{i:04d}", f"Tổ {i}", "Khu dân cư", "X99999"] for i in range(1200)]
    job = upload(client, django_capture_on_commit_callbacks, xlsx(rows))
    job.refresh_from_db()
    assert job.status == Status.INVALID
    assert (len(job.errors), job.error_count) == (1000, 1200)
    assert job.errors[0]["row"] == 2 and job.errors[-1]["row"] == 1001
    page = client.get(reverse("units:import_detail", args=[job.pk])).content.decode()
    assert "1.000 lỗi đầu tiên trên tổng số 1.200 lỗi" in page


def test_missing_required_columns_is_a_file_error(
    client, commune_police, tree, django_capture_on_commit_callbacks
):
    client.force_login(commune_police)
    job = upload(client, django_capture_on_commit_callbacks, xlsx([["X1", "A"]], ["Mã", "Tên", "Ghi chú"]))
    job.refresh_from_db()
    assert job.status == Status.INVALID
    assert errors_of(job) == {(1, "Ghi chú"), (1, "Mã đơn vị cấp trên")}


def test_parents_and_units_out_of_scope_are_errors(
    client, commune_police, tree, django_capture_on_commit_callbacks
):
    client.force_login(commune_police)
    rows = [
        ["X21600-KDC02", "Thôn mới", "Khu dân cư", "X21600"],  # sibling commune: out of scope
        ["X19000-KDC09", "Khu phố 9", "Khu dân cư", "X19000"],  # other province
        ["X21583-KDC20", "Tổ 20", "Khu dân cư", "T52"],  # the province itself: out of a commune's scope
        ["X21600-KDC01", "Thôn Kiên Mỹ", "Khu dân cư", "X21583"],  # code of a unit out of scope
        ["X21583", "Phường Quy Nhơn", "Khu dân cư", "X21583"],  # code of an administrative node
        ["X21583-CSGD01", "Trường THCS Nguyễn Du", "Khu dân cư", "X21583"],  # kind change
    ]
    before = OrgNode.objects.count()
    job = upload(client, django_capture_on_commit_callbacks, xlsx(rows))
    job.refresh_from_db()
    assert job.status == Status.INVALID
    assert errors_of(job) == {
        (2, "Mã đơn vị cấp trên"),
        (3, "Mã đơn vị cấp trên"),
        (4, "Mã đơn vị cấp trên"),
        (5, "Mã"),
        (6, "Mã"),
        (7, "Loại"),
    }
    # Out of scope reads like "not found": the file does not reveal the other commune.
    assert job.errors[0]["message"] == "Không tìm thấy mã X21600 trong phạm vi bạn được nhập."
    assert OrgNode.objects.count() == before


def test_province_officer_may_import_under_the_province_and_its_communes(
    client, province_officer, tree, django_capture_on_commit_callbacks
):
    client.force_login(province_officer)
    capture = django_capture_on_commit_callbacks
    rows = [
        ["T52-CQ01", "Sở Tư pháp", "Cơ quan", "T52"],
        ["X21600-KDC02", "Thôn mới", "Khu dân cư", "X21600"],
    ]
    job = upload(client, capture, xlsx(rows))
    assert confirm(client, capture, job).status == Status.DONE
    assert OrgNode.objects.get(code="T52-CQ01").parent_id == tree.province.pk


def test_a_parent_ended_by_a_reform_is_an_error(
    client, province_officer, tree, django_capture_on_commit_callbacks
):
    OrgNode.objects.filter(pk=tree.sibling_commune.pk).update(valid_to="2025-07-01")
    client.force_login(province_officer)
    rows = [["X21600-KDC02", "Thôn", "KDC", "X21600"]]
    job = upload(client, django_capture_on_commit_callbacks, xlsx(rows))
    job.refresh_from_db()
    assert errors_of(job) == {(2, "Mã đơn vị cấp trên")}


def test_apply_rechecks_and_writes_nothing_when_the_data_changed(
    client, province_officer, tree, django_capture_on_commit_callbacks
):
    client.force_login(province_officer)
    capture = django_capture_on_commit_callbacks
    rows = [["X21583-KDC30", "Tổ 30", "KDC", "X21583"], ["X21600-KDC30", "Thôn 30", "KDC", "X21600"]]
    job = upload(client, capture, xlsx(rows))
    job.refresh_from_db()
    assert job.status == Status.READY
    # Between the check and the confirmation the second commune is merged away.
    OrgNode.objects.filter(pk=tree.sibling_commune.pk).update(valid_to="2025-07-01")
    job = confirm(client, capture, job)
    assert job.status == Status.FAILED and "không có dữ liệu nào được ghi" in job.failure
    assert errors_of(job) == {(3, "Mã đơn vị cấp trên")}
    assert not OrgNode.objects.filter(code__in=["X21583-KDC30", "X21600-KDC30"]).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.IMPORT).exists()


def test_apply_asks_for_a_new_upload_when_the_checked_rows_are_gone(
    client, commune_police, tree, media, django_capture_on_commit_callbacks
):
    # The checked rows carry the versions that protect later edits: parsing the file again
    # without them could overwrite an edit, so the import stops instead.
    client.force_login(commune_police)
    capture = django_capture_on_commit_callbacks
    job = upload(client, capture, csv_file(SIMPLE, BASIC))
    default_storage.delete(f"{job.stored_file}.rows.json")
    job = confirm(client, capture, job)
    assert job.status == Status.FAILED and "tải tệp lên lại" in job.failure
    assert not OrgNode.objects.filter(code__in=[r[0] for r in SIMPLE]).exists()
    assert import_files(media) == []


def import_files(media: Path) -> list[str]:
    """Files left under MEDIA_ROOT/imports/ (uploads and their checked rows)."""
    folder = media / "imports"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize(
    "meanwhile",
    ["edit a unit the file updates", "edit a unit the file leaves unchanged", "create a unit the file adds"],
)
def test_apply_fails_as_stale_when_a_unit_was_edited_after_the_check(
    client, commune_police, tree, media, meanwhile, django_capture_on_commit_callbacks
):
    client.force_login(commune_police)
    capture = django_capture_on_commit_callbacks
    rows = [
        ["X21583-KDC01", "Tổ dân phố 1 (tên trong tệp)", "Khu dân cư", "X21583"],
        ["X21583-CSGD01", tree.school.name, "Cơ sở giáo dục", "X21583"],
        ["X21583-KDC50", "Tổ dân phố 50", "Khu dân cư", "X21583"],
    ]
    job = upload(client, capture, xlsx(rows))
    job.refresh_from_db()
    assert job.status == Status.READY, job.errors
    assert (job.to_create, job.to_update, job.unchanged) == (1, 1, 1)

    # Someone edits (or adds) a unit between the check and the confirmation.
    if meanwhile == "edit a unit the file updates":
        edited = services.unit_update(by=commune_police, unit=tree.unit, data={"name": "Tổ 1 (sửa tay)"})
    elif meanwhile == "edit a unit the file leaves unchanged":
        edited = services.unit_update(by=commune_police, unit=tree.school, data={"name": "THCS (sửa tay)"})
    else:
        edited = services.unit_create(
            by=commune_police,
            parent=tree.commune,
            data={"kind": NodeKind.RESIDENTIAL_AREA, "name": "Tổ 50 (thêm tay)", "code": "X21583-KDC50"},
        )
    before = {n.code: (n.name, n.version) for n in OrgNode.objects.filter(parent=tree.commune)}

    job = confirm(client, capture, job)
    assert job.status == Status.FAILED
    assert edited.code in job.failure and "tải tệp lên lại để kiểm tra lại" in job.failure
    assert "không có dữ liệu nào được ghi" in job.failure
    # Nothing written: the edit stands, the file's other rows were not applied either.
    assert {n.code: (n.name, n.version) for n in OrgNode.objects.filter(parent=tree.commune)} == before
    assert not AuditEvent.objects.filter(action=AuditAction.IMPORT).exists()
    assert import_files(media) == []


def zipped(names: Sequence[str]) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return out.getvalue()


NOT_XLSX = "Tệp không phải là tệp Excel (.xlsx) hợp lệ."
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("don-vi.xlsx", PNG, NOT_XLSX),
        # Text named .xlsx was read as CSV and failed as "unknown column".
        ("don-vi.xlsx", "Mã,Tên\nX1,Thôn Hoà\n".encode(), NOT_XLSX),
        ("DON-VI.XLSM", b"<html><body>Trang web</body></html>", NOT_XLSX),
        ("don-vi.xlsx", zipped(["word/document.xml", "[Content_Types].xml"]), NOT_XLSX),
        ("don-vi.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, ".xls"),
        ("don-vi.csv", "Mã,Tên\nX1,Thôn Hoà\n".encode("latin-1"), "UTF-8"),
        ("don-vi.csv", PNG, "Tệp .csv phải là văn bản"),
        ("don-vi.csv", zipped(["xl/workbook.xml", "[Content_Types].xml"]), "Tệp .csv phải là văn bản"),
        ("don-vi", PNG, "không phải bảng tính"),  # no extension: judged by content alone
        ("don-vi.xlsx", b"", "rỗng"),
    ],
)
def test_upload_is_checked_by_content_and_name(client, commune_police, tree, name, content, message):
    client.force_login(commune_police)
    response = client.post(reverse("units:import"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_upload_size_is_capped(client, commune_police, tree, settings):
    settings.IMPORT_MAX_BYTES = 100
    client.force_login(commune_police)
    response = client.post(reverse("units:import"), {"file": xlsx(SIMPLE)})
    assert "giới hạn" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_row_count_is_capped(client, commune_police, tree, settings, django_capture_on_commit_callbacks):
    settings.IMPORT_MAX_ROWS = 2
    client.force_login(commune_police)
    job = upload(client, django_capture_on_commit_callbacks, xlsx(SIMPLE))
    job.refresh_from_db()
    assert job.status == Status.INVALID and job.errors[0]["row"] == 4


# --- Import: access, progress, cancel --------------------------------------------------------


@pytest.mark.parametrize("persona", ["commune_leader", "inspector", "unit_officer", "province_leader"])
def test_users_without_the_import_right_get_403(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("units:import")).status_code == 403
    assert client.post(reverse("units:import"), {"file": xlsx(SIMPLE)}).status_code == 403
    assert client.get(reverse("units:import_template")).status_code == 403
    assert not ImportJob.objects.exists()


def test_anonymous_users_are_sent_to_login(client, tree):
    response = client.get(reverse("units:import"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_another_user_gets_404_on_someone_elses_job(
    client, commune_police, province_officer, tree, django_capture_on_commit_callbacks
):
    client.force_login(commune_police)
    job = upload(client, django_capture_on_commit_callbacks, xlsx(SIMPLE))
    # The province officer's scope covers the commune, but the job is not theirs.
    client.force_login(province_officer)
    for name in ("import_detail", "import_progress"):
        assert client.get(reverse(f"units:{name}", args=[job.pk])).status_code == 404
    for name in ("import_confirm", "import_cancel"):
        assert client.post(reverse(f"units:{name}", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == Status.READY


def test_job_is_hidden_once_its_node_leaves_the_creators_scope(
    client, commune_police, tree, django_capture_on_commit_callbacks
):
    client.force_login(commune_police)
    job = upload(client, django_capture_on_commit_callbacks, xlsx(SIMPLE))
    commune_police.memberships.update(is_active=False)
    assert client.get(reverse("units:import_detail", args=[job.pk])).status_code == 404


def test_progress_fragment_polls_while_running_and_stops_when_done(client, commune_police, tree):
    client.force_login(commune_police)
    job = ImportJob.objects.create(
        created_by=commune_police, node=tree.commune, original_name="a.xlsx", stored_file="imports/none.xlsx"
    )
    importing.Progress(job.progress_key)(42, "Đang đọc tệp: 42.000 dòng")
    url = reverse("units:import_progress", args=[job.pk])
    running = client.get(url, HTTP_HX_REQUEST="true")
    body = running.content.decode()
    assert running.status_code == 200
    assert 'hx-trigger="every 1s"' in body and f'hx-get="{url}"' in body
    assert '<progress id="import-progress-bar" max="100" value="42">' in body and "42.000 dòng" in body

    ImportJob.objects.filter(pk=job.pk).update(status=Status.READY, to_create=7, total_rows=7)
    done = client.get(url, HTTP_HX_REQUEST="true")
    body = done.content.decode()
    assert done.status_code == 286  # htmx: stop polling
    assert "hx-trigger" not in body and "<progress" not in body
    assert reverse("units:import_confirm", args=[job.pk]) in body


def test_cancel_a_ready_job(client, commune_police, tree, django_capture_on_commit_callbacks):
    client.force_login(commune_police)
    capture = django_capture_on_commit_callbacks
    job = upload(client, capture, xlsx(SIMPLE))
    response = client.post(reverse("units:import_cancel", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == Status.CANCELLED and not default_storage.exists(job.stored_file)
    assert confirm(client, capture, job).status == Status.CANCELLED
    assert not OrgNode.objects.filter(code="X21583-KDC02").exists()


@pytest.mark.parametrize("moment", ["check_rows", "save_checked_rows"])
def test_cancel_during_validation_leaves_no_file_behind(commune_police, tree, media, monkeypatch, moment):
    job = importing.start_import(by=commune_police, node=tree.commune, upload=xlsx(SIMPLE))
    original = getattr(importing, moment)

    def cancel_then(*args: Any, **kwargs: Any) -> Any:
        # The user cancels while the worker is busy with the file (checking it, saving its rows).
        assert importing.cancel_import(job=job)
        return original(*args, **kwargs)

    monkeypatch.setattr(importing, moment, cancel_then)
    importing.run_validation(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Status.CANCELLED
    assert import_files(media) == []  # neither the upload nor the rows written after the cancel


def test_a_job_cancelled_before_its_worker_starts_loses_its_files_when_it_does(commune_police, tree, media):
    job = importing.start_import(by=commune_police, node=tree.commune, upload=xlsx(SIMPLE))
    assert importing.cancel_import(job=job)
    importing.run_validation(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Status.CANCELLED and import_files(media) == []


@pytest.mark.parametrize("outcome", [Status.INVALID, Status.DONE, Status.FAILED, Status.CANCELLED])
def test_no_file_outlives_a_finished_job(commune_police, tree, media, outcome):
    rows = [*SIMPLE, ["", "Không có mã", "Khu dân cư", "X21583"]] if outcome == Status.INVALID else SIMPLE
    job = importing.start_import(by=commune_police, node=tree.commune, upload=xlsx(rows))
    importing.run_validation(job_id=job.pk)
    job.refresh_from_db()
    if outcome != Status.INVALID:
        assert job.status == Status.READY
        assert len(import_files(media)) == 2  # READY keeps the upload and its checked rows
        if outcome == Status.CANCELLED:
            assert importing.cancel_import(job=job)
        else:
            if outcome == Status.FAILED:
                commune_police.memberships.update(is_active=False)  # rights withdrawn meanwhile
            assert importing.confirm_import(job=job)
            importing.run_apply(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == outcome
    assert import_files(media) == []


@pytest.mark.parametrize("status", [Status.VALIDATING, Status.APPLYING])
def test_a_job_without_progress_for_too_long_can_be_cancelled_and_loses_its_files(
    client, commune_police, tree, media, settings, monkeypatch, status
):
    settings.IMPORT_STALE_AFTER_MINUTES = 30
    client.force_login(commune_police)
    job = importing.start_import(by=commune_police, node=tree.commune, upload=xlsx(SIMPLE))
    if status == Status.APPLYING:
        importing.run_validation(job_id=job.pk)
        assert importing.confirm_import(job=job)
    detail = reverse("units:import_detail", args=[job.pk])
    cancel = reverse("units:import_cancel", args=[job.pk])
    assert "gián đoạn" not in client.get(detail).content.decode()
    if status == Status.APPLYING:  # a job being written cannot be cancelled while it progresses
        assert cancel not in client.get(detail).content.decode()
        client.post(cancel)
        job.refresh_from_db()
        assert job.status == Status.APPLYING

    # 31 minutes later, still no news from the worker (killed, server restarted).
    later = timezone.now() + timedelta(minutes=31)
    monkeypatch.setattr(timezone, "now", lambda: later)
    page = client.get(detail).content.decode()
    assert "có thể đã bị gián đoạn" in page and cancel in page
    assert client.post(cancel).status_code == 302
    job.refresh_from_db()
    assert job.status == Status.CANCELLED
    assert import_files(media) == []


def test_an_apply_cancelled_as_interrupted_writes_nothing(commune_police, tree, media, monkeypatch):
    job = importing.start_import(by=commune_police, node=tree.commune, upload=xlsx(SIMPLE))
    importing.run_validation(job_id=job.pk)
    assert importing.confirm_import(job=job)
    original = importing.apply_plan

    def slow_apply(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        # The worker was only slow, but its creator judged the job interrupted and cancelled it.
        monkeypatch.setattr(importing, "seems_interrupted", lambda job: True)
        assert importing.cancel_import(job=ImportJob.objects.get(pk=job.pk))
        return result

    monkeypatch.setattr(importing, "apply_plan", slow_apply)
    importing.run_apply(job_id=job.pk)
    job.refresh_from_db()
    # In production the cancel commits on its own connection and the job stays CANCELLED; here it
    # shares the worker's connection, so the worker's rollback takes it back too. Either way the
    # worker must not mark the job DONE, nor keep what it wrote.
    assert job.status != Status.DONE
    assert not OrgNode.objects.filter(code__in=[r[0] for r in SIMPLE]).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.IMPORT).exists()
    assert import_files(media) == []


def test_import_page_and_template(client, commune_police, tree, django_capture_on_commit_callbacks):
    client.force_login(commune_police)
    page = client.get(reverse("units:import"))
    assert page.status_code == 200 and reverse("units:import_template") in page.content.decode()

    response = client.get(reverse("units:import_template"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [r for r in sheet.iter_rows(values_only=True) if any(r)]
    assert list(rows[0]) == list(HEADERS) and len(rows) == 2
    assert rows[1][3] == "X21583"  # the example hangs under the user's commune


def test_validation_queries_are_bounded(commune_police, tree, django_assert_max_num_queries):
    rows = [
        [f"X21583-KDC{i:04d}", f"Tổ {i}", "Khu dân cư", "X21583" if i % 2 else "X21600"] for i in range(500)
    ]
    rows[0][0] = "X21583-KDC01"  # one existing unit
    job = importing.start_import(by=commune_police, node=tree.commune, upload=xlsx(rows))
    # Job, memberships, parents, existing codes, job update: not one query per row.
    with django_assert_max_num_queries(6):
        importing.run_validation(job_id=job.pk)
    job.refresh_from_db()
    assert job.total_rows == 500 and job.error_count == 250  # the sibling commune is out of scope


def ready_job(by: Any, node: OrgNode, rows: Sequence[Sequence[Any]]) -> ImportJob:
    """Check a file through the task bodies (no web request) and confirm it."""
    job = importing.start_import(by=by, node=node, upload=xlsx(rows))
    importing.run_validation(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Status.READY, job.errors
    assert importing.confirm_import(job=job)
    return job


def queries_to_apply(by: Any, tree: Any, prefix: str, n: int) -> int:
    """Queries of writing a file that creates 2n units, updates 2n and moves one of them."""
    communes = ("X21583", "X21600")
    existing = [
        [f"{c}-{prefix}{i:03d}", f"Tổ {prefix}{i}", "Khu dân cư", c] for c in communes for i in range(n)
    ]
    importing.run_apply(job_id=ready_job(by, tree.province, existing).pk)
    changed = [[code, f"{name} (mới)", kind, parent] for code, name, kind, parent in existing]
    changed[0][3] = communes[1]  # moved to the other commune
    new = [
        [f"{c}-{prefix}N{i:03d}", f"Tổ mới {prefix}{i}", "Khu dân cư", c] for c in communes for i in range(n)
    ]
    job = ready_job(by, tree.province, changed + new)
    with CaptureQueriesContext(connection) as queries:
        importing.run_apply(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Status.DONE, job.failure
    assert (job.to_create, job.to_update) == (2 * n, 2 * n)
    return len(queries.captured_queries)


def test_writing_is_set_based_the_query_count_does_not_grow_with_the_rows(province_officer, tree):
    # Small enough for one batch even on SQLite (999 parameters per statement); on PostgreSQL the
    # rows go by COPY, whatever their number.
    assert queries_to_apply(province_officer, tree, "A", 2) == queries_to_apply(
        province_officer, tree, "B", 8
    )

    moved = OrgNode.objects.get(code="X21583-B000")
    assert moved.parent_id == tree.sibling_commune.pk and moved.path.startswith(tree.sibling_commune.path)
    assert moved.name == "Tổ B0 (mới)" and moved.version == 2 and "to b0 (moi)" in moved.search_text
    paths = list(OrgNode.objects.filter(parent__in=[tree.commune, tree.sibling_commune]).values_list("path"))
    assert len(paths) == len(set(paths)) == 3 + 2 * (4 + 16)  # the tree's units, then A and B
    tree.commune.refresh_from_db()
    tree.sibling_commune.refresh_from_db()
    # Each counter moved by what its commune received: n + n new units, one mover for the sibling.
    assert tree.commune.child_counter == 2 + 2 + 2 + 8 + 8
    assert tree.sibling_commune.child_counter == 1 + 2 + 2 + 1 + 8 + 8 + 1

    # One audit row per written unit, with what `audit.services.record` writes.
    created = OrgNode.objects.get(code="X21600-BN007")
    event = AuditEvent.objects.get(action=AuditAction.IMPORT, object_id=str(created.pk))
    assert (event.actor, event.object_type, event.object_repr) == (
        province_officer,
        "org.orgnode",
        "Tổ mới B7",
    )
    assert event.node_path == created.path and event.reason == "Nhập từ tệp don vi.xlsx"
    assert event.changes == {
        "kind": [None, NodeKind.RESIDENTIAL_AREA],
        "name": [None, "Tổ mới B7"],
        "code": [None, "X21600-BN007"],
        "parent": [None, tree.sibling_commune.pk],
        "is_active": [None, True],
        "is_armed_forces": [None, False],
    }
    update = AuditEvent.objects.filter(action=AuditAction.IMPORT, object_id=str(moved.pk)).latest("pk")
    assert update.changes == {
        "name": ["Tổ B0", "Tổ B0 (mới)"],
        "parent": [tree.commune.pk, tree.sibling_commune.pk],
    }
    # Per import: 2n created in the first file, then 2n updated and 2n created (n = 2, then 8).
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT).count() == (4 + 4 + 4) + (16 + 16 + 16)


def test_paths_for_many_parents_are_reserved_in_two_queries(tree, django_assert_num_queries):
    commune, sibling = tree.commune, tree.sibling_commune  # 2 and 1 children so far
    with transaction.atomic(), django_assert_num_queries(2):
        paths = services.allocate_child_paths_many({commune.pk: 3, sibling.pk: 1, tree.province.pk: 0})
    assert paths == {
        commune.pk: [f"{commune.path}{n:06d}" for n in (3, 4, 5)],
        sibling.pk: [f"{sibling.path}000002"],
    }
    commune.refresh_from_db()
    sibling.refresh_from_db()
    assert (commune.child_counter, sibling.child_counter) == (5, 2)
    assert services.allocate_child_paths_many({}) == {}

    with pytest.raises(DomainError, match="tối đa"), transaction.atomic():
        services.allocate_child_paths_many({sibling.pk: 1, commune.pk: MAX_CHILDREN})
    commune.refresh_from_db()
    sibling.refresh_from_db()
    assert (commune.child_counter, sibling.child_counter) == (5, 2)  # nothing reserved


# --- Export ----------------------------------------------------------------------------------


def exported(response: Any) -> list[tuple[Any, ...]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="don-vi-' in response["Content-Disposition"]
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.worksheets[0].iter_rows(values_only=True))


def test_export_returns_an_xlsx_of_the_users_scope_only(client, commune_police, province_officer, tree):
    client.force_login(commune_police)
    rows = exported(client.get(reverse("units:export")))
    assert list(rows[0]) == list(EXPORT_HEADERS)
    assert {r[0] for r in rows[1:]} == {"X21583-KDC01", "X21583-CSGD01"}
    school = next(r for r in rows if r[0] == "X21583-CSGD01")
    assert school[2] == "Cơ sở giáo dục" and school[3] == "X21583" and school[9] == "Trung học cơ sở"

    client.force_login(province_officer)
    rows = exported(client.get(reverse("units:export")))
    assert {r[0] for r in rows[1:]} == {"X21583-KDC01", "X21583-CSGD01", "X21600-KDC01"}
    # Filters of the list apply; a node outside the scope is not found.
    rows = exported(client.get(reverse("units:export"), {"kind": NodeKind.SCHOOL}))
    assert [r[0] for r in rows[1:]] == ["X21583-CSGD01"]
    assert client.get(reverse("units:export"), {"within": tree.other_commune.pk}).status_code == 404


def test_export_requires_the_export_right(client, unit_officer):
    client.force_login(unit_officer)
    assert client.get(reverse("units:export")).status_code == 403


def test_export_neutralizes_formulas_and_reimports_unchanged(
    client, province_officer, tree, django_capture_on_commit_callbacks
):
    f.unit(
        tree.commune,
        '=HYPERLINK("http://evil.example","Bấm")',
        "X21583-KDC66",
        contact_phone="+84 912 345 678",
        address="-1+1",
        contact_name="@SUM(A1)",
    )
    client.force_login(province_officer)
    response = client.get(reverse("units:export"))
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "X21583-KDC66")
    by_header = {h: cell for h, cell in zip(EXPORT_HEADERS, row, strict=True)}
    for header in ("Tên", "Địa chỉ", "Người liên hệ", "Điện thoại"):
        cell = by_header[header]
        assert cell.data_type == "s", header  # text, never a formula
        assert cell.quotePrefix, header
    assert by_header["Tên"].value == '=HYPERLINK("http://evil.example","Bấm")'
    assert "<f>" not in load_workbook_xml(content)

    # The export is a valid import file: re-importing it changes nothing.
    job = upload(client, django_capture_on_commit_callbacks, SimpleUploadedFile("export.xlsx", content))
    job.refresh_from_db()
    assert job.status == Status.READY, job.errors
    assert (job.to_create, job.to_update, job.unchanged) == (0, 0, 4)


def load_workbook_xml(content: bytes) -> str:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/"))


def test_export_runs_a_bounded_number_of_queries(
    client, province_officer, tree, django_assert_max_num_queries
):
    for i in range(60):
        f.unit(tree.commune, f"Tổ {i}", f"X21583-T{i:03d}")
    client.force_login(province_officer)
    with django_assert_max_num_queries(8):
        rows = exported(client.get(reverse("units:export")))
    assert len(rows) == 1 + 63


# --- What an officer meets with a real file --------------------------------------------------


def template_row(**values: Any) -> list[Any]:
    """A row of the full template (every column), blank except `values` (by field name)."""
    return [values.get(c.field) for c in importing.COLUMNS]


def test_blank_cells_keep_existing_values_and_the_preview_lists_what_changes(
    client, commune_police, tree, media, django_capture_on_commit_callbacks
):
    # The template has every column; the officer fills only a few of them for an existing unit.
    OrgNode.objects.filter(pk=tree.unit.pk).update(
        address="Số 5 đường Lê Lợi",
        managing_authority="commune",
        subunit_count=4,
        contact_name="Trần Thị B",
        contact_phone="0905123456",
        contact_email="tdp1@example.vn",
    )
    client.force_login(commune_police)
    capture = django_capture_on_commit_callbacks
    row = template_row(
        code="X21583-KDC01",
        name="Tổ dân phố 1 (mới)",
        parent_code="X21583",
        people_count=350,
        is_armed_forces="có",
        managing_authority="Cấp tỉnh",
    )
    job = upload(client, capture, xlsx([row], HEADERS))
    job.refresh_from_db()
    assert (job.status, job.to_update, job.to_create) == (Status.READY, 1, 0), job.errors

    page = client.get(reverse("units:import_detail", args=[job.pk])).content.decode()
    assert "Các đơn vị sẽ được cập nhật" in page and "X21583-KDC01" in page
    for change in (
        "Tên: Tổ dân phố 1, phường Quy Nhơn → Tổ dân phố 1 (mới)",
        "Cấp quản lý: Cấp xã → Cấp tỉnh",
        "Lực lượng vũ trang: Không → Có",
        "Số hộ / số người: 320 → 350",
    ):
        assert change in page, change
    assert "Địa chỉ:" not in page and "Email:" not in page  # blank cells: no change
    assert "sẽ được cập nhật." not in page  # all of them listed: no "first 200 of" note
    assert len(import_files(media)) == 3  # the upload, its checked rows, the preview

    assert confirm(client, capture, job).status == Status.DONE
    assert import_files(media) == []
    unit = OrgNode.objects.get(pk=tree.unit.pk)
    assert (unit.name, unit.people_count, unit.is_armed_forces) == ("Tổ dân phố 1 (mới)", 350, True)
    assert unit.managing_authority == "province"
    # Nothing the file left blank was erased.
    assert unit.address == "Số 5 đường Lê Lợi" and unit.subunit_count == 4
    assert (unit.contact_name, unit.contact_phone, unit.contact_email) == (
        "Trần Thị B",
        "0905123456",
        "tdp1@example.vn",
    )
    event = AuditEvent.objects.get(action=AuditAction.IMPORT)
    assert set(event.changes) == {"name", "people_count", "is_armed_forces", "managing_authority"}

    # The same row again: nothing to do (blank cells do not count as differences).
    again = upload(client, capture, xlsx([row], HEADERS))
    again.refresh_from_db()
    assert (again.to_update, again.unchanged) == (0, 1)


def test_the_preview_lists_the_first_units_and_counts_them_all(
    client, commune_police, tree, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(importing, "PREVIEW_LIMIT", 1)
    client.force_login(commune_police)
    rows = [
        ["X21583-KDC01", "Tổ 1 (mới)", "", "X21583"],
        ["X21583-CSGD01", "THCS Nguyễn Du (mới)", "", "X21583"],
    ]
    job = upload(client, django_capture_on_commit_callbacks, xlsx(rows))
    page = client.get(reverse("units:import_detail", args=[job.pk])).content.decode()
    assert "Hiển thị 1 đơn vị đầu tiên trên tổng số 2 đơn vị sẽ được cập nhật." in page
    assert "Tổ 1 (mới)" in page and "THCS Nguyễn Du (mới)" not in page


def test_the_templates_example_row_is_refused(
    client, commune_police, tree, django_capture_on_commit_callbacks
):
    client.force_login(commune_police)
    template = client.get(reverse("units:import_template")).content
    guide = " ".join(
        str(cell)
        for row in load_workbook(io.BytesIO(template))["Hướng dẫn"].iter_rows(values_only=True)
        for cell in row
        if cell
    )
    assert "giữ nguyên giá trị hiện có" in guide and "xoá giá trị cũ" not in guide

    job = upload(client, django_capture_on_commit_callbacks, SimpleUploadedFile("mau.xlsx", template))
    job.refresh_from_db()
    assert job.status == Status.INVALID
    assert job.errors == [
        {"row": 2, "column": "Mã", "message": "Dòng ví dụ của mẫu: hãy xoá hoặc thay bằng dữ liệu thật."}
    ]
    assert not OrgNode.objects.filter(code__endswith="-VD01").exists()


def test_codes_match_regardless_of_case_and_are_stored_in_capitals(
    client, commune_police, tree, django_capture_on_commit_callbacks
):
    client.force_login(commune_police)
    capture = django_capture_on_commit_callbacks
    rows = [
        ["x21583-kdc01", tree.unit.name, "Khu dân cư", "x21583"],  # the existing unit, unchanged
        ["x21583-kdc09", "Tổ dân phố 9", "Khu dân cư", " x21583 "],
    ]
    job = upload(client, capture, xlsx(rows))
    job.refresh_from_db()
    assert (job.status, job.to_create, job.unchanged) == (Status.READY, 1, 1), job.errors
    assert confirm(client, capture, job).status == Status.DONE
    assert OrgNode.objects.get(code="X21583-KDC09").parent_id == tree.commune.pk

    duplicate = [["X21583-KDC10", "Tổ 10", "KDC", "X21583"], ["x21583-kdc10", "Tổ 10", "KDC", "X21583"]]
    job = upload(client, capture, xlsx(duplicate))
    job.refresh_from_db()
    assert job.errors[0]["message"] == "Mã X21583-KDC10 trùng với dòng 2."


def test_the_page_shows_only_the_final_state_once_the_import_is_written(
    client, commune_police, tree, django_capture_on_commit_callbacks
):
    client.force_login(commune_police)
    capture = django_capture_on_commit_callbacks
    job = upload(client, capture, xlsx(SIMPLE))
    with capture(execute=True):  # the worker writes the import at the end of the request
        response = client.post(reverse("units:import_confirm", args=[job.pk]))
    page = client.get(response["Location"]).content.decode()
    assert "Đã nhập xong." in page
    assert "đang ghi dữ liệu" not in page


def test_a_job_being_written_says_so_in_its_status_block(client, commune_police, tree):
    client.force_login(commune_police)
    job = ImportJob.objects.create(
        created_by=commune_police,
        node=tree.commune,
        original_name="a.xlsx",
        stored_file="imports/none.xlsx",
        status=Status.APPLYING,
    )
    importing.Progress(job.progress_key)(50, "Đang ghi dữ liệu: 1/2")
    body = client.get(reverse("units:import_progress", args=[job.pk])).content.decode()
    assert "Đã xác nhận. Hệ thống đang ghi dữ liệu, vui lòng chờ." in body


def test_counts_are_grouped_alike_everywhere(client, commune_police, tree):
    with translation.override("vi"):
        assert (number(20011), number(1_000_000), number(7), number(None)) == ("20.011", "1.000.000", "7", "")
        results = render_to_string(
            "units/_results.html", {"total": Total(20011, False), "page": {"items": []}}
        )
        assert "20.011 đơn vị" in results
        capped = render_to_string("units/_results.html", {"total": Total(10000, True), "page": {"items": []}})
        assert "Hơn 10.000 đơn vị" in capped
    with translation.override("en"):
        assert number(20011) == "20,011"

    ImportJob.objects.create(
        created_by=commune_police,
        node=tree.commune,
        original_name="lon.xlsx",
        stored_file="imports/none.xlsx",
        status=Status.INVALID,
        total_rows=20000,
        error_count=1200,
    )
    client.force_login(commune_police)
    page = client.get(reverse("units:import")).content.decode()
    assert "<td>20.000</td><td>1.200</td>" in page


def test_the_job_list_flags_a_job_that_seems_interrupted(client, commune_police, tree, settings):
    settings.IMPORT_STALE_AFTER_MINUTES = 30
    client.force_login(commune_police)
    job = ImportJob.objects.create(
        created_by=commune_police, node=tree.commune, original_name="treo.xlsx", stored_file="imports/x.xlsx"
    )
    cache.delete(job.progress_key)
    assert "có thể đã bị gián đoạn" not in client.get(reverse("units:import")).content.decode()
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=31))
    assert "có thể đã bị gián đoạn" in client.get(reverse("units:import")).content.decode()


def test_export_ends_with_read_only_report_columns_that_the_import_skips(
    client, province_officer, tree, django_capture_on_commit_callbacks
):
    f.unit(tree.commune, "Công ty TNHH Nhỏ", "X21583-DN01", kind=NodeKind.ENTERPRISE, enterprise_size="small")
    OrgNode.objects.filter(pk=tree.school.pk).update(is_active=False)
    client.force_login(province_officer)
    response = client.get(reverse("units:export"))
    content = b"".join(response.streaming_content)
    rows = list(load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][-3:] == ("Tên đơn vị cấp trên", "Trạng thái", "Diện xét")
    report = {r[0]: r[-3:] for r in rows[1:]}
    assert report["X21583-KDC01"] == ("Phường Quy Nhơn", "Đang hoạt động", "Thuộc diện xét")
    assert report["X21583-CSGD01"] == ("Phường Quy Nhơn", "Ngừng hoạt động", "Thuộc diện xét")
    assert report["X21600-KDC01"][0] == "Xã Tây Sơn"
    assert report["X21583-DN01"][2].startswith("Doanh nghiệp nhỏ, siêu nhỏ")

    job = upload(client, django_capture_on_commit_callbacks, SimpleUploadedFile("export.xlsx", content))
    job.refresh_from_db()
    assert job.status == Status.READY, job.errors  # not "unknown column"
    assert (job.to_create, job.to_update, job.unchanged) == (0, 0, 4)


# --- Scale -----------------------------------------------------------------------------------


def test_a_100000_row_xlsx_runs_through_the_background_job(
    client, commune_police, tree, tmp_path, django_capture_on_commit_callbacks
):
    rows_count = 100_000
    path = tmp_path / "lon.xlsx"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([*BASIC, "Số hộ / số người"])
    for i in range(rows_count):
        sheet.append([f"X21583-K{i:06d}", f"Tổ dân phố {i}", "Khu dân cư", "X21583", i % 500])
    workbook.save(path)

    client.force_login(commune_police)
    capture = django_capture_on_commit_callbacks
    job = upload(client, capture, SimpleUploadedFile("lon.xlsx", path.read_bytes()))
    job.refresh_from_db()
    assert job.status == Status.READY, job.errors[:5]
    assert (job.total_rows, job.to_create) == (rows_count, rows_count)
    job = confirm(client, capture, job)
    assert job.status == Status.DONE, job.failure
    assert job.to_create == rows_count
    assert OrgNode.objects.filter(parent=tree.commune).count() == rows_count + 2
    assert AuditEvent.objects.filter(action=AuditAction.IMPORT).count() == rows_count
    assert importing.job_progress(job)["percent"] == 100


def test_the_row_estimate_reads_the_declared_dimension_only(tmp_path):
    """The progress bar's estimate comes from the sheet's <dimension>; a file that declares none
    (openpyxl's write-only mode) gets no estimate instead of a second full read of the sheet."""
    declared = Workbook()
    for n in range(30):
        declared.active.append([f"X{n}", "Thôn"])
    undeclared = Workbook(write_only=True)
    sheet = undeclared.create_sheet()
    for n in range(30):
        sheet.append([f"X{n}", "Thôn"])
    found = {}
    for name, book in (("declared", declared), ("undeclared", undeclared)):
        path = tmp_path / f"{name}.xlsx"
        book.save(path)
        opened = load_workbook(path, read_only=True)
        found[name] = importing._declared_rows(opened.worksheets[0])
        opened.close()
    assert found == {"declared": 30, "undeclared": None}

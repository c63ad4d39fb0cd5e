"""Reading attendance lists from real XLSX files: every bad row listed, duplicates, caps, types."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.test import override_settings
from openpyxl import load_workbook

from antq.outreach import importing
from antq.outreach.importing import AttendanceFileError, read_attendance
from tests.outreach.conftest import people_rows, upload, xlsx


def test_a_good_file_gives_each_person_once_with_normalized_keys():
    rows = [
        [1, "Nguyễn Văn An", "052 085 012345", "Phòng Hành chính", 1985],
        [2, "Trần Thị Bình", "", "Tổ 2", "1990"],
        [3, "  Lê   Văn Cường ", "nv-0042", None, None],
    ]
    checked = read_attendance(upload(xlsx(rows)))
    assert checked.valid
    assert checked.errors == []
    assert [(p.row, p.full_name, p.key) for p in checked.people] == [
        (2, "Nguyễn Văn An", "id:52085012345"),  # all digits: keyed without leading zeros
        (3, "Trần Thị Bình", "nb:tran thi binh|1990"),
        (4, "Lê Văn Cường", "id:NV0042"),
    ]
    assert checked.people[0].group == "Phòng Hành chính"
    assert checked.people[1].birth_year == 1990


def test_a_cccd_typed_as_a_number_keys_the_same_person_and_is_shown_with_its_zeros():
    """Excel drops the leading zeros of a CCCD typed into a number cell: 001085012345 → 1085012345."""
    rows = [
        [1, "Nguyễn Văn An", 1085012345, "", 1985],  # a number cell: 10 digits
        [2, "Trần Thị Bình", 52090012346, "", 1990],  # 11 digits
        [3, "Lê Văn Cường", "001085012347", "", 1978],  # text: kept as typed
        [4, "Phạm Thị Dung", 123456789, "", 1988],  # 9 digits (an old CMND): not padded
        [5, "Hoàng Văn Em", "NV007", "", 1992],  # letters: zeros are part of the identifier
    ]
    checked = read_attendance(upload(xlsx(rows)))
    assert checked.valid
    assert [(p.identifier, p.key) for p in checked.people] == [
        ("001085012345", "id:1085012345"),
        ("052090012346", "id:52090012346"),
        ("001085012347", "id:1085012347"),
        ("123456789", "id:123456789"),
        ("NV007", "id:NV007"),
    ]
    same = importing.person_key(full_name="Nguyễn Văn An", identifier="001085012345", birth_year=None)
    assert same == checked.people[0].key
    assert importing.identifier_key("NV7") != importing.identifier_key("NV007")
    assert importing.identifier_key("000") == "0"


def test_the_same_cccd_with_and_without_its_zeros_in_one_file_counts_once():
    rows = [
        [1, "Nguyễn Văn An", "001085012345", "", 1985],
        [2, "Nguyễn Văn An", 1085012345, "", 1985],
    ]
    checked = read_attendance(upload(xlsx(rows)))
    assert [p.row for p in checked.people] == [2]
    assert [n.row for n in checked.notices] == [3]


def test_every_bad_row_is_listed_with_its_row_column_and_a_vietnamese_message():
    rows = [
        [1, "Nguyễn Văn An", "052085012345", "", 1985],
        [2, "", "052085012346", "", 1985],  # no name
        [3, "Trần Thị Bình", "", "", ""],  # neither identifier nor birth year
        [4, "Lê Văn Cường", "", "", "năm 85"],  # bad year
        [5, "Phạm Thị Dung", "052085012347", "", 1850],  # year out of range
        [6, "Hoàng Văn Em", "---", "", 1990],  # identifier without letters or digits
        [7, "X" * 201, "052085012348", "", 1990],  # name too long
    ]
    checked = read_attendance(upload(xlsx(rows)))
    assert not checked.valid
    found = {(e.row, e.column) for e in checked.errors}
    assert found == {
        (3, "Họ và tên"),
        (4, "Số CCCD / Mã nhân viên"),
        (5, "Năm sinh"),
        (6, "Năm sinh"),
        (7, "Số CCCD / Mã nhân viên"),
        (8, "Họ và tên"),
    }
    messages = {e.row: e.message for e in checked.errors}
    assert messages[3] == "Không được để trống họ và tên."
    assert "năm sinh" in messages[4]
    assert "4 chữ số" in messages[5]
    assert "1900" in messages[6]
    assert "200 ký tự" in messages[8]
    # Only the good row is a person; nothing else is kept for writing.
    assert [p.row for p in checked.people] == [2]


def test_the_same_person_twice_in_a_file_counts_once_but_one_identifier_with_two_names_is_an_error():
    rows = [
        [1, "Nguyễn Văn An", "052085012345", "", ""],
        [2, "NGUYỄN VĂN AN", "052 085 012 345", "", ""],  # same person, written differently
        [3, "Trần Thị Bình", "052085012345", "", ""],  # same number, another name
    ]
    checked = read_attendance(upload(xlsx(rows)))
    assert [p.row for p in checked.people] == [2]
    assert [(n.row, n.message) for n in checked.notices] == [(3, "Trùng người ở dòng 2: chỉ tính một lần.")]
    assert [(e.row, e.column) for e in checked.errors] == [(4, "Số CCCD / Mã nhân viên")]
    assert "dòng 2" in checked.errors[0].message


def test_a_title_above_the_table_and_common_header_spellings_are_accepted():
    content = xlsx(
        [["Nguyễn Văn An", "052085012345", 1985]],
        header=("Họ tên", "Số CCCD", "Năm sinh"),
        above=[["DANH SÁCH NGƯỜI THAM DỰ"], []],
    )
    checked = read_attendance(upload(content))
    assert checked.valid
    assert checked.people[0].row == 4
    assert checked.people[0].birth_year == 1985


def test_a_file_without_the_name_column_is_refused_as_a_whole():
    with pytest.raises(AttendanceFileError, match="Họ và tên"):
        read_attendance(upload(xlsx([["052085012345"]], header=("Số CCCD",))))


def test_a_file_with_only_the_header_is_refused():
    with pytest.raises(AttendanceFileError, match="không có dòng"):
        read_attendance(upload(xlsx([])))


def test_the_type_is_checked_by_content_not_by_name():
    with pytest.raises(AttendanceFileError, match="không phải là tệp Excel"):
        read_attendance(upload(b"Ho va ten,CCCD\nAn,1\n", name="danh-sach.xlsx"))
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(AttendanceFileError, match="không phải là tệp Excel"):
        read_attendance(upload(docx.getvalue(), name="danh-sach.xlsx"))
    with pytest.raises(AttendanceFileError, match=".xls"):
        read_attendance(upload(b"\xd0\xcf\x11\xe0" + b"\x00" * 100, name="danh-sach.xls"))
    # A real workbook named .bin is read for what it is.
    assert read_attendance(upload(xlsx(people_rows(0, 1)), name="tep.bin")).valid


def test_size_and_row_caps():
    with override_settings(OUTREACH_IMPORT_MAX_ROWS=3):
        assert read_attendance(upload(xlsx(people_rows(0, 3)))).valid
        with pytest.raises(AttendanceFileError, match="hơn 3 dòng"):
            read_attendance(upload(xlsx(people_rows(0, 4))))
    content = xlsx(people_rows(0, 5))
    with (
        override_settings(OUTREACH_IMPORT_MAX_BYTES=len(content) - 1),
        pytest.raises(AttendanceFileError, match="giới hạn"),
    ):
        read_attendance(upload(content))
    with pytest.raises(AttendanceFileError, match="rỗng"):
        read_attendance(upload(b""))


def test_the_template_is_a_workbook_with_the_expected_headers_and_no_example_row():
    content = importing.template_workbook()
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == [
        "STT",
        "Họ và tên",
        "Số CCCD / Mã nhân viên",
        "Bộ phận / Lớp / Tổ",
        "Năm sinh",
    ]
    assert sheet.max_row == 1 or all(c.value is None for c in sheet[2])
    assert sheet.cell(row=2, column=3).number_format == "@"
    with pytest.raises(AttendanceFileError, match="không có dòng"):
        read_attendance(upload(content))

"""The upload checks on their own: type by content, size, names."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from antq.evidence import files
from tests.evidence import samples


@pytest.mark.parametrize(
    ("build", "kind"),
    [
        (lambda: samples.PDF, files.PDF),
        (samples.docx, files.DOCX),
        (samples.xlsx, files.XLSX),
        (samples.jpeg, files.JPEG),
        (samples.png, files.PNG),
    ],
    ids=["pdf", "docx", "xlsx", "jpeg", "png"],
)
def test_each_accepted_type_is_recognised_from_its_content_whatever_its_name(build, kind):
    checked = files.check_upload(samples.upload("ten-bat-ky.bin", build()))
    assert checked.kind == kind
    assert checked.content_type == kind.content_type


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (samples.EXE, "ke-hoach.pdf"),
        (samples.HTML, "bien-ban.pdf"),
        (b"chi la van ban thuong, khong phai PDF", "bao-cao.pdf"),
    ],
    ids=["exe", "html", "text"],
)
def test_other_content_is_refused_with_the_vietnamese_message(content, name):
    with pytest.raises(ValidationError) as caught:
        files.check_upload(samples.upload(name, content))
    assert caught.value.messages == [
        f"Tệp “{name}” không phải PDF, DOCX, XLSX, JPEG hoặc PNG (nhận dạng theo nội dung tệp)."
    ]


@pytest.mark.parametrize("build", [samples.plain_zip, samples.pptx_like], ids=["zip", "pptx"])
def test_a_zip_that_is_not_a_word_or_excel_document_is_refused(build):
    with pytest.raises(ValidationError, match="không phải PDF, DOCX, XLSX"):
        files.check_upload(samples.upload("ho-so.docx", build()))


def test_a_truncated_zip_is_refused_not_crashed():
    with pytest.raises(ValidationError, match="không phải PDF"):
        files.check_upload(samples.upload("ho-so.xlsx", samples.xlsx()[:40]))


def test_a_macro_enabled_document_is_refused():
    with pytest.raises(ValidationError, match="macro"):
        files.check_upload(samples.upload("nghi-quyet.docx", samples.docm()))


def test_an_empty_file_is_refused_naming_it():
    with pytest.raises(ValidationError) as caught:
        files.check_upload(samples.upload("trong.pdf", b""))
    assert caught.value.messages == ["Tệp “trong.pdf” rỗng."]


def test_a_file_over_the_limit_is_refused_naming_the_file_and_the_limit(settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as caught:
        files.check_upload(samples.upload("lon.pdf", samples.PDF + b"0" * 2000))
    assert caught.value.messages == ["Tệp “lon.pdf” lớn hơn giới hạn 1 KB."]


def test_the_default_limit_is_20_mb():
    assert files.max_bytes() == 20 * 1024 * 1024
    assert files.format_size(files.max_bytes()) == "20 MB"


def test_hash_and_size_are_those_of_the_bytes():
    import hashlib

    checked = files.check_upload(samples.upload("a.pdf", samples.PDF))
    assert checked.size == len(samples.PDF)
    assert checked.sha256 == hashlib.sha256(samples.PDF).hexdigest()


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\evil.pdf", "evil.pdf"),
        ("C:\\Users\\an\\Nghị quyết 13.pdf", "Nghị quyết 13.pdf"),
        ("/var/data/..", "tai-lieu"),
        ("bao\x00cao\x1b[31m.pdf", "baocao[31m.pdf"),
        ("anh\u202egnp.exe", "anhgnp.exe"),
        ('ke "hoach" <1>|?*.docx', "ke _hoach_ _1____.docx"),
        ("   .  ", "tai-lieu"),
        ("Nghi\u0323 quyê\u0301t.pdf", "Nghị quyết.pdf"),
    ],
)
def test_names_keep_no_path_no_control_characters(raw, clean):
    assert files.sanitize_name(raw) == clean


def test_long_names_are_cut_keeping_the_extension():
    name = files.sanitize_name("a" * 500 + ".pdf")
    assert len(name) == files.MAX_NAME_LENGTH
    assert name.endswith(".pdf")


@pytest.mark.parametrize(
    ("original", "kind", "offered"),
    [
        ("anh.pdf", files.PNG, "anh.png"),
        ("trang.html", files.PNG, "trang.png"),
        ("Ảnh lễ ra mắt.JPEG", files.JPEG, "Ảnh lễ ra mắt.JPEG"),
        ("bien-ban", files.PDF, "bien-ban.pdf"),
        ("ke-hoach.docx", files.DOCX, "ke-hoach.docx"),
    ],
)
def test_the_download_name_carries_the_detected_extension(original, kind, offered):
    assert files.download_name(original, kind) == offered

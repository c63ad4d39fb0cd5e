"""Upload defences not covered elsewhere, through the real upload and download views: path names,
the download header, the count limits, and where the files live.

(Type by content, size, macros and name cleaning of `files.py` are in test_files.py; a renamed .exe
refused on the form is in test_views.py.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.urls import reverse

from antq.evidence import files
from antq.evidence.models import DocType, EvidenceDocument
from tests.evidence import samples
from tests.evidence.samples import stored_files

pytestmark = pytest.mark.django_db


def post_upload(client, tree, name: str, content: bytes = samples.PDF):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("evidence:upload", args=[tree.unit.pk, 2026]),
        {
            "file": samples.upload(name, content),
            "doc_type": DocType.KHAC,
            "issue_date": "2026-02-01",
            "title": "Tài liệu",
        },
    )


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\x.pdf", "x.pdf"),
        ("/etc/cron.d/job.pdf", "job.pdf"),
        ("....//....//bao-cao.pdf", "bao-cao.pdf"),
    ],
)
def test_a_path_in_the_name_never_reaches_the_disk(
    client, tree, unit_officer, evidence_dir, tmp_path, name, kept
):
    client.force_login(unit_officer)
    response = post_upload(client, tree, name)
    assert response.status_code == 302, response.content.decode()[:500]
    document = EvidenceDocument.objects.get()
    assert document.original_name == kept
    # Stored under the evidence root with a random name and the detected extension only.
    (stored,) = stored_files(evidence_dir)
    assert stored.resolve().is_relative_to(evidence_dir.resolve())
    assert stored.relative_to(evidence_dir).parts[0] == "2026"
    assert stored.suffix == ".pdf" and kept.removesuffix(".pdf") not in stored.name
    assert not [p for p in tmp_path.rglob("*") if p.name in {"passwd", "x.pdf", "job.pdf"}]
    download = client.get(reverse("evidence:download", args=[document.pk]))
    offered = kept if kept.endswith(".pdf") else f"{kept}.pdf"
    assert download["Content-Disposition"] == f'attachment; filename="{offered}"'


def test_a_hostile_stored_name_cannot_split_the_download_header(client, tree, unit_officer):
    document = samples.make(unit_officer, tree.unit)
    # A name that went around the upload checks (an old row, a direct database edit).
    EvidenceDocument.objects.filter(pk=document.pk).update(original_name='a"b\r\nSet-Cookie: x=1.pdf')
    client.force_login(unit_officer)
    response = client.get(reverse("evidence:download", args=[document.pk]))
    assert response.status_code == 200
    header = response["Content-Disposition"]
    assert header.startswith("attachment;") and "\r" not in header and "\n" not in header
    assert "Set-Cookie" not in response.headers or "x=1" not in response.headers["Set-Cookie"]
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_an_oversize_upload_is_refused_on_the_form_and_nothing_is_stored(
    client, tree, unit_officer, evidence_dir, settings
):
    settings.EVIDENCE_MAX_BYTES = 1024
    client.force_login(unit_officer)
    response = post_upload(client, tree, "lon.pdf", samples.PDF + b"\n%" + b"x" * 2048)
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["Tệp “lon.pdf” lớn hơn giới hạn 1 KB."]
    assert not EvidenceDocument.objects.exists() and stored_files(evidence_dir) == []


def test_a_request_with_too_many_files_is_refused_before_any_check(
    client, tree, unit_officer, evidence_dir, settings
):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 5
    client.force_login(unit_officer)
    response = client.post(
        reverse("evidence:upload", args=[tree.unit.pk, 2026]),
        {"file": [samples.upload(f"{i}.pdf", samples.PDF) for i in range(6)], "doc_type": DocType.KHAC},
    )
    assert response.status_code == 400
    assert not EvidenceDocument.objects.exists() and stored_files(evidence_dir) == []
    assert django_settings.DATA_UPLOAD_MAX_NUMBER_FILES == 5


def test_the_dossier_count_limit_refuses_one_more_document(settings):
    settings.EVIDENCE_MAX_DOCUMENTS = 3
    files.check_count(2)
    with pytest.raises(ValidationError) as refused:
        files.check_count(3)
    assert refused.value.messages == [
        "Hồ sơ năm này đã có 3 tài liệu, là số tối đa: "
        "hãy thu hồi tài liệu không còn dùng trước khi tải thêm."
    ]
    assert files.DEFAULT_MAX_DOCUMENTS == 500


def test_evidence_is_stored_outside_every_served_directory(client, tree, unit_officer):
    """With the real settings (not the tests' temporary directory): the evidence root is neither the
    static nor the media root nor inside them, and a stored file has no public URL."""
    from config import settings as production

    assert production.EVIDENCE_STORAGE["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    roots = [
        production.EVIDENCE_STORAGE["OPTIONS"]["location"],
        storages.backends["evidence"]["OPTIONS"]["location"],
    ]
    for root in roots:
        location = Path(root).resolve()
        for served in (production.STATIC_ROOT, production.MEDIA_ROOT, django_settings.MEDIA_ROOT):
            served_path = Path(served).resolve()
            assert not location.is_relative_to(served_path) and not served_path.is_relative_to(location)
    document = samples.make(unit_officer, tree.unit)
    client.force_login(unit_officer)
    for url in (
        f"/{document.file.name}",
        f"{django_settings.MEDIA_URL}{document.file.name}",
        f"/{django_settings.STATIC_URL}{document.file.name}",
        f"/evidence/{document.file.name}",
    ):
        assert client.get(url).status_code == 404, url

"""The background unit export is the registry's own file: formulas stay text, and it imports back."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from antq.exports.models import ExportJob
from antq.units.exporting import EXPORT_HEADERS
from antq.units.models import ImportJob
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_background_unit_export_imports_back_unchanged(
    client, tree, province_officer, django_capture_on_commit_callbacks
):
    f.unit(tree.commune, '=HYPERLINK("http://x","Bấm")', "X21583-KDC66", contact_phone="+84 912 345 678")
    client.force_login(province_officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exports:start", args=["units"]))
    job = ExportJob.objects.get()
    content = b"".join(client.get(reverse("exports:download", args=[job.pk])).streaming_content)
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert tuple(c.value for c in sheet[1]) == EXPORT_HEADERS
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "X21583-KDC66")
    name = row[EXPORT_HEADERS.index("Tên")]
    assert name.data_type == "s" and name.quotePrefix

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("units:import"), {"file": SimpleUploadedFile("don-vi.xlsx", content)})
    imported = ImportJob.objects.get()
    assert imported.status == ImportJob.Status.READY, imported.errors
    assert (imported.to_create, imported.to_update, imported.unchanged) == (0, 0, 4)

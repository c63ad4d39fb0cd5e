"""A realistic database for the backup tests: one province generated like the national dataset, plus
evidence documents with real files (one withdrawn), and helpers that read every table and file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.utils import timezone

from antq.accounts.roles import Role
from antq.accounts.scope import Scope
from antq.criteria import loader
from antq.demo.national import generate_national
from antq.evidence import services as evidence
from antq.evidence.models import EvidenceDocument
from antq.evidence.storage import evidence_storage
from antq.org.choices import UNIT_KINDS
from antq.org.models import OrgNode
from tests import factories as f
from tests.evidence.samples import PDF, docx, png


@pytest.fixture(autouse=True)
def evidence_dir(settings: Any, tmp_path: Path) -> Path:
    """Each test stores its evidence files in its own directory."""
    location = tmp_path / "evidence"
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    return location


def _documents(unit: OrgNode) -> list[EvidenceDocument]:
    """Three documents of `unit` with real bytes (PDF, DOCX, PNG), the last one withdrawn."""
    officer = f.user_with_role("donvi.canbo", Role.UNIT_OFFICER, unit)
    scope = Scope.for_user(officer)
    year = timezone.localdate().year
    documents = []
    for doc_type, title, name, content in [
        ("nghi_quyet", "Nghị quyết về công tác bảo đảm an ninh, trật tự", "nghị-quyết.pdf", PDF),
        ("ke_hoach", "Kế hoạch xây dựng phong trào toàn dân bảo vệ ANTQ", "kế-hoạch.docx", docx()),
        ("anh", "Ảnh buổi ra quân tổ bảo vệ ANTT", "ảnh.png", png()),
    ]:
        documents.append(
            evidence.evidence_create(
                by=officer,
                scope=scope,
                node=unit,
                year=year,
                data={
                    "doc_type": doc_type,
                    "number_symbol": "13-NQ/ĐB",
                    "issue_date": dt.date(year, 2, 3),
                    "issuer": "Chi bộ Tổ dân phố 1",
                    "title": title,
                },
                upload=ContentFile(content, name=name),
            )
        )
    evidence.evidence_withdraw(
        by=officer,
        scope=scope,
        document=documents[2],
        reason="Ảnh chụp nhầm buổi sinh hoạt khác",
        expected_version=documents[2].version,
    )
    return documents


@pytest.fixture
def documents(tree: Any) -> list[EvidenceDocument]:
    """The small tree of the suite and three evidence documents with their files."""
    return _documents(tree.unit)


@pytest.fixture
def dataset(db: None) -> list[EvidenceDocument]:
    """Frameworks (JSON), a small province over two years generated like the national dataset
    (decimals, JSON sheets, dates, times with zone, Vietnamese names, NULLs, booleans), and three
    documents with real bytes, one withdrawn."""
    loader.apply(loader.read_files())
    actor = User.objects.create(username="sinh.du.lieu")
    generate_national(units=40, years=2, seed=7, provinces=["T52"], actor=actor)
    unit = OrgNode.objects.filter(kind__in=UNIT_KINDS).order_by("path").first()
    assert unit is not None
    return _documents(unit)


def every_table() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every model's table, all columns, ordered by primary key (through the ORM, so
    independent of the archive's own encoding)."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table == "django_session":
            continue
        columns = [field.attname for field in meta.concrete_fields]
        tables[meta.db_table] = list(model._base_manager.order_by("pk").values_list(*columns))
    return tables


def every_file() -> dict[str, bytes]:
    """The bytes of every evidence file the database references."""
    files = {}
    for name in EvidenceDocument.objects.exclude(file="").values_list("file", flat=True):
        with evidence_storage.open(name, "rb") as stream:
            files[name] = stream.read()
    return files

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def evidence_dir(settings, tmp_path) -> Path:  # type: ignore[no-untyped-def]
    """Every evidence test stores its files in its own temporary directory."""
    location = tmp_path / "evidence"
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    return location


@pytest.fixture
def frameworks(db):  # type: ignore[no-untyped-def]
    """TT 124 and the QĐ 510 agency/enterprise/school sheet, as `antq load_frameworks` stores them."""
    from antq.criteria import loader

    loader.apply(loader.read_files())

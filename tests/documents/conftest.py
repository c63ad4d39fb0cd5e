"""Rendered documents shared by the tests of a session (a PDF takes a noticeable fraction of a second)."""

from __future__ import annotations

import pytest

from antq.documents import OfficialDocument, render_docx, render_pdf
from tests.documents.samples import decision


@pytest.fixture(scope="session")
def small_decision() -> OfficialDocument:
    return decision()


@pytest.fixture(scope="session")
def small_pdf(small_decision: OfficialDocument) -> bytes:
    return render_pdf(small_decision)


@pytest.fixture(scope="session")
def small_docx(small_decision: OfficialDocument) -> bytes:
    return render_docx(small_decision)

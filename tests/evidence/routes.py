"""Access-matrix expectations for every evidence route (UI and API); see tests/test_access_matrix.py.

Each object route is checked on a unit in the reader's scope, on units out of it, and on a
commune's own dossier.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.files.base import ContentFile

from antq.evidence.models import DocType, EvidenceDocument
from antq.evidence.storage import evidence_storage
from tests.evidence.samples import PDF
from tests.matrix import Route

YEAR = 2026
WHERE = ("unit", "sibling_unit", "other_unit", "commune")
# One small file shared by every matrix case (the matrix runs with the configured storage).
SAMPLE_NAME = "matrix/kiem-tra-truy-cap.pdf"


def _sample_file() -> str:
    if evidence_storage.exists(SAMPLE_NAME):
        return SAMPLE_NAME
    return evidence_storage.save(SAMPLE_NAME, ContentFile(PDF))


def dossier(personas: dict[str, Any], tree: Any, where: str) -> dict[str, Any]:
    """A node's dossier for the year: the URL kwargs of the list and upload screens."""
    return {"pk": getattr(tree, where).pk, "year": YEAR}


def document(personas: dict[str, Any], tree: Any, where: str) -> dict[str, Any]:
    """A document filed in `where`'s dossier (written directly: a fixture, not a use case)."""
    doc = EvidenceDocument.objects.create(
        node=getattr(tree, where),
        year=YEAR,
        doc_type=DocType.NGHI_QUYET,
        number_symbol="13-NQ/CB",
        issue_date=dt.date(YEAR, 2, 10),
        title="Nghị quyết về công tác bảo đảm ANTT",
        file=_sample_file(),
        original_name="nghi-quyet.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256=hashlib.sha256(PDF).hexdigest(),
        uploaded_by=personas["admin"],
    )
    return {"pk": doc.pk}


ROUTES: dict[str, Route] = {
    # The current node's dossier (a redirect) or a pointer to choose a unit.
    "evidence:index": Route("view", ok=(200, 302)),
    "evidence:list": Route("view", target=dossier, where=WHERE),
    "evidence:upload": Route("evidence_manage", target=dossier, where=WHERE),
    "evidence:detail": Route("view", target=document, where=WHERE),
    "evidence:edit": Route("evidence_manage", target=document, where=WHERE),
    "evidence:links": Route(
        "evidence_manage", target=document, where=WHERE, method="post", data={"version": 1}, ok=(302,)
    ),
    "evidence:withdraw": Route(
        "evidence_manage",
        target=document,
        where=WHERE,
        method="post",
        data={"reason": "Tải nhầm tệp", "version": 1},
        ok=(302,),
    ),
    "evidence:download": Route("view", target=document, where=WHERE),
    "api:evidence-list": Route("view", api=True),
    # No body: whoever may file somewhere gets the field errors, the others 403.
    "api:evidence-list POST": Route("evidence_manage", method="post", ok=(400,), api=True),
    "api:evidence-detail PATCH": Route(
        "evidence_manage",
        target=document,
        where=WHERE,
        method="patch",
        data={"title": "Nghị quyết (sửa)", "version": 1},
        api=True,
    ),
    "api:evidence-detail": Route("view", target=document, where=WHERE, api=True),
    "api:evidence-download": Route("view", target=document, where=WHERE, api=True),
    "api:evidence-links": Route(
        "evidence_manage", target=document, where=WHERE, method="post", data={"version": 1}, api=True
    ),
    "api:evidence-withdraw": Route(
        "evidence_manage",
        target=document,
        where=WHERE,
        method="post",
        data={"reason": "Tải nhầm tệp", "version": 1},
        api=True,
    ),
}

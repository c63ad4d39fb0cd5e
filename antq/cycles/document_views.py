"""The unit's report and score sheet as DOCX or PDF (`cycles.documents` builds them); reads only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse

from antq.accounts.roles import Action
from antq.accounts.scope import scope_of
from antq.core.http import AuthedHttpRequest
from antq.cycles import access, documents, services
from antq.documents import render_docx, render_pdf
from antq.evidence.selectors import evidence_list

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@login_required
def assessment_document(request: AuthedHttpRequest, pk: int, doc: str, fmt: str) -> HttpResponse:
    """The unit's report or score sheet as DOCX or PDF, for whoever sees the assessment."""
    if doc not in documents.DOCS or fmt not in CONTENT_TYPES:
        raise Http404
    scope = scope_of(request)
    assessment = access.assessment_for(scope, pk, Action.VIEW)
    prefetch_related_objects([assessment.cycle], "frameworks")
    registration = services.registration_of(assessment)
    records = list(evidence_list(scope=scope, node=assessment.node, year=assessment.cycle.year))
    document = documents.build(assessment, doc, registration, records)
    content = render_pdf(document) if fmt == "pdf" else render_docx(document)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{documents.filename(assessment, doc, fmt)}"'
    return response

"""The one way a stored evidence file leaves the server: as an attachment, with its detected type."""

from __future__ import annotations

import logging

from django.http import FileResponse, Http404

from antq.evidence.files import download_name, kind_of
from antq.evidence.models import EvidenceDocument

logger = logging.getLogger(__name__)


def file_response(document: EvidenceDocument) -> FileResponse:
    """An attachment response for the document's file; 404 if the file is gone from storage."""
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError, ValueError) as exc:
        logger.error("evidence file missing: document %s, file %s", document.pk, document.file.name)
        raise Http404 from exc
    kind = kind_of(document)
    name = download_name(document.original_name, kind) if kind is not None else document.original_name
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type=document.content_type or "application/octet-stream",
    )
    # Never rendered by the browser as something else, never run as a page, never cached by a proxy.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response

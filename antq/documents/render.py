"""The public entry points: one data structure in, DOCX or PDF bytes out."""

from __future__ import annotations

from collections.abc import Sequence

from antq.documents.official import Certificate, OfficialDocument

Renderable = OfficialDocument | Certificate | Sequence[Certificate]


def _certificates(item: Certificate | Sequence[Certificate]) -> list[Certificate]:
    """One certificate or several (printed together, one page each) as a list."""
    return [item] if isinstance(item, Certificate) else list(item)


def render_docx(item: Renderable) -> bytes:
    """DOCX bytes of an official document, a certificate or a batch of certificates."""
    # Imported here so that loading the app does not pull python-docx into every process.
    from antq.documents.word import official_docx
    from antq.documents.word_certificate import certificates_docx

    if isinstance(item, OfficialDocument):
        return official_docx(item)
    return certificates_docx(_certificates(item))


def render_pdf(item: Renderable) -> bytes:
    """PDF bytes of an official document, a certificate or a batch of certificates."""
    # Imported here so that loading the app does not pull WeasyPrint (and Pango) into every process.
    from antq.documents.pdf import certificates_pdf, official_pdf

    if isinstance(item, OfficialDocument):
        return official_pdf(item)
    return certificates_pdf(_certificates(item))

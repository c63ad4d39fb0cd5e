"""Official documents per Nghị định 30/2020/NĐ-CP (decisions, annexes, certificates) as DOCX and PDF."""

from antq.documents.dates import place_date, vietnamese_date
from antq.documents.official import Annex, Certificate, DocumentSection, OfficialDocument, SectionItem
from antq.documents.render import render_docx, render_pdf

__all__ = [
    "Annex",
    "Certificate",
    "DocumentSection",
    "OfficialDocument",
    "SectionItem",
    "place_date",
    "render_docx",
    "render_pdf",
    "vietnamese_date",
]

"""PDF output: Django templates (autoescaped) under templates/documents/, laid out by WeasyPrint."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string
from django.utils.html import format_html
from weasyprint import HTML, URLFetcher

from antq.documents import layout
from antq.documents.dates import place_date
from antq.documents.official import (
    ANNEX_LABEL,
    MOTTO,
    NATIONAL_NAME,
    RECIPIENTS_LABEL,
    Annex,
    Certificate,
    OfficialDocument,
)


def _to_pdf(html: str) -> bytes:
    """Lay out the HTML and return the PDF bytes."""
    # Only inline data: URLs, so no document text can make the renderer read files or call the network.
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()


def _heading(issuer_parent: str, issuer: str, code: str, dateline: str) -> dict[str, Any]:
    """Context of the two-column heading (issuing body | national name and motto)."""
    return {
        "issuer_parent": layout.body_name(issuer_parent, layout.PARENT_FITS),
        "issuer": layout.body_name(issuer, layout.ISSUER_FITS),
        "national_name": NATIONAL_NAME,
        "motto": MOTTO,
        "number_line": layout.number_line(code),
        "dateline": dateline,
    }


def _annex(doc: OfficialDocument, annex: Annex) -> dict[str, Any]:
    """Context of the annex: its label, title and reference, and its table."""
    return {
        "label": ANNEX_LABEL,
        "subtitle": layout.clean(annex.subtitle),
        "note": layout.annex_note(doc, annex),
        **_grid(annex),
    }


def _grid(annex: Annex) -> dict[str, Any]:
    """Context of a table: percentages, and each cell paired with its centring."""
    centered = layout.centered_columns(annex)
    return {
        "title": layout.clean(annex.title),
        "widths": [f"{fraction * 100:.2f}" for fraction in layout.column_fractions(annex)],
        "columns": [layout.clean(column) for column in annex.columns],
        "rows": [[(layout.clean(cell), centered[i]) for i, cell in enumerate(row)] for row in annex.rows],
    }


def _after_table(doc: OfficialDocument) -> list[str]:
    """The paragraphs after the table: its sections (headings in bold), then the closing. Escaped
    here and marked safe, since the shared template prints each one as a plain paragraph."""
    out: list[str] = [
        format_html("<b>{}</b> {}", p.label, p.text) if p.label else format_html("{}", p.text)
        for p in layout.flat_sections(doc.after_table)
    ]
    return out + [format_html("{}", line) for line in layout.closing_lines(doc)]


def official_html(doc: OfficialDocument) -> str:
    """The HTML the PDF is laid out from (also handy to preview a decision in the browser)."""
    dateline = layout.clean(place_date(doc.place, doc.date))
    context = _heading(doc.issuer_parent, doc.issuer, layout.clean(doc.code), dateline)
    context.update(
        title=layout.clean(f"{doc.code.strip()} {doc.subject}"),
        kind=layout.clean(doc.kind),
        enact=layout.enacting_words(doc),
        subject=layout.clean(doc.subject).strip(),
        authority=layout.clean(doc.authority).strip(),
        bases=layout.bases(doc),
        articles=layout.articles(doc) + layout.section_paragraphs(doc),
        recipients_label=RECIPIENTS_LABEL,
        recipients=layout.recipients(doc),
        signer_titles=layout.lines(doc.signer_prefix) + layout.lines(doc.signer_title),
        signer_name=layout.clean(doc.signer_name).strip(),
        second_signer_titles=layout.lines(doc.second_signer_title),
        second_signer_name=layout.clean(doc.second_signer_name).strip(),
        addressee=layout.clean(doc.addressee).strip(),
        table=_grid(doc.table) if doc.table else None,
        closing=_after_table(doc),
        annex=_annex(doc, doc.annex) if doc.annex else None,
    )
    return render_to_string("documents/official.html", context)


def certificates_html(certificates: Sequence[Certificate]) -> str:
    """The HTML of one or more certificates, one landscape page each."""
    pages = []
    for cert in certificates:
        page = _heading(cert.issuer_parent, cert.issuer, "", "")
        page.update(
            title=layout.clean(cert.title),
            authority=layout.clean(cert.authority).strip(),
            unit_name=layout.clean(cert.unit_name).strip(),
            body=[layout.clean(line) for line in cert.body_lines],
            decision_ref=layout.clean(cert.decision_ref).strip(),
            signed_at=layout.clean(place_date(cert.place, cert.date)),
            signer_titles=layout.lines(cert.signer_prefix) + layout.lines(cert.signer_title),
            signer_name=layout.clean(cert.signer_name).strip(),
        )
        pages.append(page)
    return render_to_string("documents/certificate.html", {"pages": pages})


def official_pdf(doc: OfficialDocument) -> bytes:
    """Render an official document (and its annex) to PDF."""
    return _to_pdf(official_html(doc))


def certificates_pdf(certificates: Sequence[Certificate]) -> bytes:
    """Render certificates to one PDF, one page per certificate."""
    return _to_pdf(certificates_html(certificates))

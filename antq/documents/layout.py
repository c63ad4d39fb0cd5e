"""Format-independent layout decisions shared by the DOCX and the PDF renderers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from antq.documents.official import Annex, DocumentSection, OfficialDocument

# XML 1.0 refuses most C0 controls; a pasted form feed would otherwise make python-docx raise.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ARTICLE = re.compile(r"\s*(Điều\s+\d+[a-zđ]?\.)\s*(.*)", re.DOTALL)
_NUMERIC = re.compile(r"[\d\s.,:/%+\-–]*")


def clean(text: object) -> str:
    """Text safe for both formats: NFC (so fonts find precomposed letters), XML-valid, "\\n" newlines."""
    value = unicodedata.normalize("NFC", str(text)).replace("\r\n", "\n").replace("\r", "\n")
    return _NOT_XML.sub("", value)


def _punctuated(lines: Sequence[str]) -> list[str]:
    """Each line ends with ";" and the last with "." (NĐ 30 for bases and for recipients)."""
    stripped = [line for line in (clean(raw).strip().rstrip(";.").rstrip() for raw in lines) if line]
    return [line + ("." if index == len(stripped) - 1 else ";") for index, line in enumerate(stripped)]


def bases(doc: OfficialDocument) -> list[str]:
    """The "Căn cứ …;" lines, the last one closed by a full stop."""
    return _punctuated(doc.bases)


def recipients(doc: OfficialDocument) -> list[str]:
    """The "Nơi nhận" lines: "- Như Điều 3;" … "- Lưu: VT."."""
    return ["- " + line for line in _punctuated([clean(r).strip().lstrip("-–+• ") for r in doc.recipients])]


@dataclass(frozen=True)
class Paragraph:
    """One article paragraph: an optional bold label ("Điều 1.") followed by plain text."""

    label: str
    text: str


def articles(doc: OfficialDocument) -> list[Paragraph]:
    """Split the articles into paragraphs, pulling out the "Điều N." label that is set in bold."""
    paragraphs: list[Paragraph] = []
    for article in doc.articles:
        first, *rest = clean(article).strip().split("\n")
        match = _ARTICLE.fullmatch(first)
        if match:
            paragraphs.append(Paragraph(match.group(1), match.group(2)))
        else:
            paragraphs.append(Paragraph("", first))
        paragraphs.extend(Paragraph("", line.strip()) for line in rest if line.strip())
    return paragraphs


# The line that introduces the articles depends on the kind: a decision "decides", a resolution
# "resolves"; other kinds (plans, reports) have none.
_ENACTING = {"QUYẾT ĐỊNH": "QUYẾT ĐỊNH:", "NGHỊ QUYẾT": "QUYẾT NGHỊ:"}


def enacting_words(doc: OfficialDocument) -> str:
    """The line before the articles: "QUYẾT ĐỊNH:" for a decision, "" for kinds without one."""
    return _ENACTING.get(clean(doc.kind).strip().upper(), "") if doc.articles else ""


def bases_italic(doc: OfficialDocument) -> bool:
    """Decisions and resolutions set their "Căn cứ" lines in italics; plans and reports do not."""
    return clean(doc.kind).strip().upper() in _ENACTING


def section_paragraphs(doc: OfficialDocument) -> list[Paragraph]:
    """The lead-in and the sections flattened into labelled paragraphs (headings and point titles as
    bold labels), for renderers that lay out articles only (the PDF)."""
    return [Paragraph("", line) for line in lines(doc.lead_in)] + flat_sections(doc.sections)


def flat_sections(sections: Sequence[DocumentSection]) -> list[Paragraph]:
    """Sections as labelled paragraphs: headings and point titles as bold labels."""
    out: list[Paragraph] = []
    for section in sections:
        if clean(section.heading).strip():
            out.append(Paragraph(clean(section.heading).strip(), ""))
        for text in section.paragraphs:
            out.extend(Paragraph("", line) for line in lines(text))
        for item in section.items:
            out.append(Paragraph(f"{clean(item.label).strip()} {clean(item.title).strip()}".strip(), ""))
            for text in item.lines:
                out.extend(Paragraph("", line) for line in lines(text))
    return out


def closing_lines(doc: OfficialDocument) -> list[str]:
    """The paragraphs between the body (or its table) and the signature, blank ones dropped."""
    return [line for text in doc.closing for line in lines(text)]


def number_line(code: str) -> str:
    """The line under the issuing body: "Số: 125/QĐ-UBND" (empty when there is no number)."""
    return f"Số: {clean(code)}" if code else ""


def annex_note(doc: OfficialDocument, annex: Annex) -> str:
    """The line under an annex title: "(Kèm theo Quyết định số … ngày … của …)"."""
    issued_by = clean(annex.issued_by).strip()
    return f"(Kèm theo {clean(doc.reference)}" + (f" của {issued_by})" if issued_by else ")")


def column_fractions(annex: Annex) -> list[float]:
    """Column widths as fractions of the table width, from `widths` or guessed from text lengths."""
    if annex.widths:
        weights = [max(float(w), 0.01) for w in annex.widths]
    else:
        weights = []
        for index, header in enumerate(annex.columns):
            cells = [len(clean(row[index])) for row in annex.rows[:200]]
            typical = sorted(cells)[len(cells) * 9 // 10] if cells else 0
            header = clean(header)
            longest_word = max((len(word) for word in header.split()), default=1)
            # A header may wrap onto two lines but not inside a word; long names wrap instead of
            # widening their column without bound.
            weights.append(max(longest_word, min(len(header), 12), min(typical, 45), 3) + 3)
    total = sum(weights)
    return [weight / total for weight in weights]


def centered_columns(annex: Annex) -> list[bool]:
    """Columns of numbers, scores or short words ("Khá", "Xuất sắc") are centred; names stay left-aligned."""
    result = []
    for index in range(len(annex.columns)):
        cells = [clean(row[index]).strip() for row in annex.rows]
        result.append(bool(cells) and all(_NUMERIC.fullmatch(cell) or len(cell) <= 12 for cell in cells))
    return result


# Characters of capitals that fit one line of the heading's left column (42 % of the text width):
# about 28 in 12 pt (the parent body) and 23 in bold 13 pt (the issuer).
PARENT_FITS = 28
ISSUER_FITS = 23
_BODY_PREFIXES = ("ỦY BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN")


def body_name(text: str, fits: int) -> str:
    """An issuing body's name, broken after "ỦY BAN NHÂN DÂN" when it cannot fit one line."""
    # Left to wrap by itself, "ỦY BAN NHÂN DÂN PHƯỜNG QUY NHƠN" breaks before "QUY NHƠN"; official
    # headings break after the kind of body. An explicit "\n" from the caller always wins.
    value = clean(text).strip()
    if "\n" in value or len(value) <= fits:
        return value
    for prefix in _BODY_PREFIXES:
        if value.startswith(prefix + " "):
            return prefix + "\n" + value[len(prefix) + 1 :]
    return value


def lines(text: str) -> list[str]:
    """Split a field on explicit line breaks, dropping blank lines."""
    return [line.strip() for line in clean(text).split("\n") if line.strip()]

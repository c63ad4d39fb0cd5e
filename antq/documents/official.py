"""The plain data an official document (Nghị định 30/2020/NĐ-CP) or a certificate is rendered from."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from antq.documents.dates import vietnamese_date

# Fixed by Nghị định 30 and never translated: the document is Vietnamese whatever the UI language.
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DECISION = "QUYẾT ĐỊNH"
PLAN = "KẾ HOẠCH"
REPORT = "BÁO CÁO"
SUBMISSION = "TỜ TRÌNH"
MINUTES = "BIÊN BẢN"
RECOGNITION_CERTIFICATE = "GIẤY CÔNG NHẬN"
RECIPIENTS_LABEL = "Nơi nhận:"
ANNEX_LABEL = "PHỤ LỤC"


@dataclass(frozen=True, kw_only=True)
class Annex:
    """A "PHỤ LỤC" on its own pages: a title, then one table whose header repeats on every page."""

    title: str  # "DANH SÁCH KHU DÂN CƯ, CƠ QUAN, … ĐẠT TIÊU CHUẨN …" (capitals)
    columns: Sequence[str]
    rows: Sequence[Sequence[str]]
    issued_by: str = ""  # ends "(Kèm theo Quyết định số … của <issued_by>)", e.g. "Chủ tịch UBND phường X"
    subtitle: str = ""  # an optional line under the title, e.g. "Năm 2026"
    widths: Sequence[float] = ()  # relative column widths; empty = guessed from the content

    def __post_init__(self) -> None:
        """Refuse ragged rows: a shifted cell would put a score under the wrong unit."""
        if self.widths and len(self.widths) != len(self.columns):
            raise ValueError("Annex.widths must have one weight per column")
        for index, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(f"Annex row {index} has {len(row)} cells, expected {len(self.columns)}")


@dataclass(frozen=True, kw_only=True)
class SectionItem:
    """A numbered point of a section: "1." + a bold title, then plain paragraphs under it."""

    label: str = ""  # "1.", "2.1."
    title: str = ""  # set in bold after the label
    lines: Sequence[str] = ()  # "- Biện pháp: …"; one paragraph each


@dataclass(frozen=True, kw_only=True)
class DocumentSection:
    """A headed part of a plan or a report: "I. MỤC ĐÍCH, YÊU CẦU", its paragraphs, its points."""

    heading: str  # empty for points that follow the lead-in directly ("1. Tiêu chí 1: …")
    paragraphs: Sequence[str] = ()
    items: Sequence[SectionItem] = ()


@dataclass(frozen=True, kw_only=True)
class OfficialDocument:
    """An administrative document laid out per NĐ 30 Phụ lục I (e.g. a Quyết định cá biệt)."""

    issuer: str  # "ỦY BAN NHÂN DÂN PHƯỜNG QUY NHƠN"; "\n" forces a line break
    number: str  # "125"; empty for a draft ("Số:      /QĐ-UBND")
    symbol: str  # "QĐ-UBND"
    place: str  # "Quy Nhơn"
    date: datetime.date
    subject: str  # trích yếu: "Về việc công nhận …"
    signer_title: str  # "CHỦ TỊCH" / "PHÓ CHỦ TỊCH"
    signer_name: str
    issuer_parent: str = ""  # cơ quan chủ quản, e.g. "ỦY BAN NHÂN DÂN TỈNH GIA LAI"
    kind: str = DECISION
    authority: str = ""  # "CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG QUY NHƠN"
    bases: Sequence[str] = ()  # "Căn cứ …"; ";" and the final "." are added
    articles: Sequence[str] = ()  # "Điều 1. …"; "\n" starts a new paragraph of the same article
    recipients: Sequence[str] = ()  # "Như Điều 3", "Lưu: VT"; "- " and ";"/"." are added
    signer_prefix: str = ""  # "KT. CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN"
    annex: Annex | None = None
    # Plans and reports: the sentence after the bases ("UBND tỉnh ban hành Kế hoạch … như sau:")
    # and the headed sections printed after the articles (a plan usually has sections, no articles).
    lead_in: str = ""
    sections: Sequence[DocumentSection] = ()
    # A submission is addressed ("Kính gửi: Ủy ban nhân dân …", under the subject); a score sheet or
    # minutes carry a table in the body (after the sections) and closing paragraphs after it.
    addressee: str = ""
    table: Annex | None = None
    # Headed sections that follow the table ("IV. KẾT LUẬN" of minutes), before the closing.
    after_table: Sequence[DocumentSection] = ()
    closing: Sequence[str] = ()
    # Minutes are signed by the secretary too: that signature takes the left column ("Nơi nhận").
    second_signer_title: str = ""
    second_signer_name: str = ""

    @property
    def code(self) -> str:
        """Number and symbol as printed after "Số:": "125/QĐ-UBND" (a draft keeps room for the number)."""
        if "/" in self.number:  # typed in full ("45/TTr-CAP"): printed as is
            return self.number
        return f"{self.number}/{self.symbol}" if self.number else f"{' ' * 6}/{self.symbol}"

    @property
    def reference(self) -> str:
        """How other texts cite it: "Quyết định số 125/QĐ-UBND ngày 05 tháng 11 năm 2026"."""
        return f"{self.kind.capitalize()} số {self.code.strip()} {vietnamese_date(self.date)}"


@dataclass(frozen=True, kw_only=True)
class Certificate:
    """One printable "Giấy công nhận" for one unit, A4 landscape."""

    issuer: str
    unit_name: str
    year: int
    place: str
    date: datetime.date
    signer_title: str
    signer_name: str
    issuer_parent: str = ""
    title: str = RECOGNITION_CERTIFICATE
    authority: str = ""  # "CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG QUY NHƠN", printed above the unit
    body: Sequence[str] = ()  # lines under the unit name; empty = the ANTT standard line for `year`
    decision_ref: str = ""  # "Quyết định số 125/QĐ-UBND ngày 05 tháng 11 năm 2026", bottom left
    signer_prefix: str = ""

    @property
    def body_lines(self) -> Sequence[str]:
        """The lines under the unit name, defaulting to the "An toàn về an ninh, trật tự" standard."""
        return self.body or (f"Đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm {self.year}",)

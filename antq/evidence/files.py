"""Checking an uploaded evidence file: its type by content, its size, a safe name, its hash.

Only PDF, DOCX, XLSX, JPEG and PNG are accepted, recognised from the bytes (the `filetype`
signatures), never from the name or the browser's content type. DOCX and XLSX are ZIP archives:
the archive is opened and must hold `word/document.xml` or `xl/workbook.xml`; any other ZIP (an
arbitrary archive, a presentation, a macro-enabled workbook) is refused. Nothing here writes.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO, Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# Documents of one unit's dossier for one year (withdrawn ones excluded). A real dossier holds a
# few dozen; the cap stops a script (or a stuck client) from filling the disk one upload at a time.
DEFAULT_MAX_DOCUMENTS = 500
HEAD_BYTES = 8192
MAX_NAME_LENGTH = 180
FALLBACK_NAME = "tai-lieu"
ZIP_SIGNATURE = b"PK\x03\x04"


@dataclass(frozen=True)
class FileKind:
    """One accepted type: the extension stored files get, the content type served, other spellings."""

    code: str
    extension: str
    content_type: str
    aliases: tuple[str, ...] = ()

    @property
    def extensions(self) -> tuple[str, ...]:
        return (self.extension, *self.aliases)


PDF = FileKind("pdf", "pdf", "application/pdf")
DOCX = FileKind("docx", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = FileKind("xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
JPEG = FileKind("jpeg", "jpg", "image/jpeg", ("jpeg",))
PNG = FileKind("png", "png", "image/png")
KINDS = {k.code: k for k in (PDF, DOCX, XLSX, JPEG, PNG)}
# `filetype`'s extension of each type that needs no further look inside.
_DIRECT = {"pdf": PDF, "jpg": JPEG, "png": PNG}
# The member that makes a ZIP an Office Open XML document of each accepted kind.
_OOXML_MARKERS = (("word/document.xml", DOCX), ("xl/workbook.xml", XLSX))
ACCEPT_ATTRIBUTE = ",".join(
    [f".{ext}" for kind in KINDS.values() for ext in kind.extensions]
    + sorted({kind.content_type for kind in KINDS.values()})
)


@dataclass(frozen=True)
class CheckedUpload:
    """What the checks found out about an accepted upload."""

    kind: FileKind
    size: int
    sha256: str
    original_name: str

    @property
    def content_type(self) -> str:
        return self.kind.content_type


def max_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_documents() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_DOCUMENTS", DEFAULT_MAX_DOCUMENTS))


def check_count(current: int) -> None:
    """Refuse one more document in a dossier that already holds `current` (ValidationError)."""
    limit = max_documents()
    if current >= limit:
        raise ValidationError(
            _(
                "Hồ sơ năm này đã có %(n)s tài liệu, là số tối đa: hãy thu hồi tài liệu không còn dùng "
                "trước khi tải thêm."
            )
            % {"n": limit},
            code="file_count",
        )


def format_size(n: int) -> str:
    """20 MB, 512 KB, 300 byte: the limit as people say it."""
    mb, kb = 1024 * 1024, 1024
    if n >= mb and n % mb == 0:
        return f"{n // mb} MB"
    if n >= kb and n % kb == 0:
        return f"{n // kb} KB"
    return f"{n} byte"


def sanitize_name(raw: str | None) -> str:
    """The user's file name made safe to show and to offer back: the last path part only, no
    control or format characters (a right-to-left override could disguise "exe.pdf"), none of
    the characters Windows refuses, collapsed spaces, at most MAX_NAME_LENGTH characters."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = re.sub(r'[<>:"|?*]', "_", name)
    name = " ".join(name.split()).strip(" .")
    if not name:
        return FALLBACK_NAME
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        if dot and stem and len(ext) <= 10:
            name = f"{stem[: MAX_NAME_LENGTH - len(ext) - 1].rstrip(' .')}.{ext}"
        else:
            name = name[:MAX_NAME_LENGTH].rstrip(" .")
    return name


def download_name(original_name: str, kind: FileKind) -> str:
    """The name offered on download: the user's name, with the extension of the detected type
    (a PNG uploaded as "anh.html" is offered as "anh.png", never opened as a web page)."""
    stem, dot, ext = original_name.rpartition(".")
    if dot and stem and ext.lower() in kind.extensions:
        return original_name
    base = stem if dot and stem else original_name
    return f"{base}.{kind.extension}"


def _refuse_type(name: str) -> ValidationError:
    return ValidationError(
        _("Tệp “%(name)s” không phải PDF, DOCX, XLSX, JPEG hoặc PNG (nhận dạng theo nội dung tệp).")
        % {"name": name},
        code="file_type",
    )


def _seekable(upload: File) -> IO[bytes]:  # type: ignore[type-arg]
    return getattr(upload, "file", None) or upload  # type: ignore[return-value]


def _ooxml_kind(upload: File, name: str) -> FileKind:  # type: ignore[type-arg]
    """DOCX or XLSX by the archive's members (only the directory is read, nothing is unpacked)."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(_seekable(upload)) as archive:
            members = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _refuse_type(name) from exc
    if any(m.lower().endswith("vbaproject.bin") for m in members):
        raise ValidationError(
            _(
                "Tệp “%(name)s” có chứa macro (VBA): hãy lưu lại thành tệp .docx hoặc .xlsx thường "
                "rồi tải lên."
            )
            % {"name": name},
            code="file_macro",
        )
    if "[Content_Types].xml" in members:
        for marker, kind in _OOXML_MARKERS:
            if marker in members:
                return kind
    raise _refuse_type(name)


def detect_kind(upload: File, name: str) -> FileKind:  # type: ignore[type-arg]
    """The accepted type of the upload, recognised from its content; ValidationError otherwise."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    if head.startswith(ZIP_SIGNATURE):
        return _ooxml_kind(upload, name)
    guessed = filetype.guess(bytes(head)) if head else None
    kind = _DIRECT.get(guessed.extension) if guessed is not None else None
    if kind is None:
        raise _refuse_type(name)
    return kind


def check_upload(upload: File) -> CheckedUpload:  # type: ignore[type-arg]
    """Size, type by content, hash and a safe name of an upload; ValidationError if refused."""
    name = sanitize_name(getattr(upload, "name", None))
    limit = max_bytes()
    declared = upload.size or 0
    if declared > limit:
        raise _too_big(name, limit)
    digest = hashlib.sha256()
    size = 0
    upload.seek(0)
    for chunk in upload.chunks():
        size += len(chunk)
        if size > limit:
            raise _too_big(name, limit)
        digest.update(chunk)
    upload.seek(0)
    if size == 0:
        raise ValidationError(_("Tệp “%(name)s” rỗng.") % {"name": name}, code="file_empty")
    kind = detect_kind(upload, name)
    return CheckedUpload(kind=kind, size=size, sha256=digest.hexdigest(), original_name=name)


def _too_big(name: str, limit: int) -> ValidationError:
    return ValidationError(
        _("Tệp “%(name)s” lớn hơn giới hạn %(limit)s.") % {"name": name, "limit": format_size(limit)},
        code="file_too_big",
    )


def kind_of(document: Any) -> FileKind | None:
    """The accepted type a stored document was recognised as (from its content type)."""
    return next((k for k in KINDS.values() if k.content_type == document.content_type), None)

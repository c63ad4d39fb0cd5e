"""The archive file: a ZIP holding `manifest.json`, one JSON-lines dump per table and the evidence files.

ZIP rather than tar because members can be written as a stream without knowing their size first
(a table is never held in memory or spooled to disk) and read back by name without scanning.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

FORMAT = "antq-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator (Vietnamese)."""


def table_member(table: str) -> str:
    return f"tables/{table}.jsonl"


def file_member(name: str) -> str:
    return f"files/{name}"


def safe_storage_name(name: str) -> bool:
    """A relative name without `..`, backslashes or control characters: what the evidence upload
    itself writes (`<year>/<uuid>.<ext>`). A tampered manifest cannot point the restore elsewhere."""
    if not name or name.startswith("/") or "\\" in name or any(ord(ch) < 32 for ch in name):
        return False
    normalized = posixpath.normpath(name)
    return normalized == name and not normalized.startswith("..")


def open_new(path: Path) -> IO[bytes]:
    """Create the file readable by its owner only: an archive holds password hashes and API tokens."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    return os.fdopen(fd, "wb")


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    """The manifest, after checking that this is an ANTQ archive of a format version we read."""
    try:
        raw = archive.read(MANIFEST)
    except KeyError as exc:
        raise BackupError("Tệp không phải bản sao lưu ANTQ: thiếu manifest.json.") from exc
    try:
        manifest: dict[str, Any] = json.loads(raw)
    except ValueError as exc:
        raise BackupError("manifest.json của bản sao lưu bị hỏng (không đọc được JSON).") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError("Tệp không phải bản sao lưu ANTQ.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"Bản sao lưu có định dạng phiên bản {manifest.get('format_version')}, "
            f"phiên bản ANTQ này chỉ đọc được định dạng {FORMAT_VERSION}."
        )
    return manifest


def member_digest(archive: zipfile.ZipFile, member: str) -> tuple[str, int, int]:
    """(sha256, size in bytes, number of lines) of a member's content; ZIP's own CRC is checked too."""
    digest = hashlib.sha256()
    size = 0
    lines = 0
    with archive.open(member) as stream:
        while block := stream.read(CHUNK):
            digest.update(block)
            size += len(block)
            lines += block.count(b"\n")
    return digest.hexdigest(), size, lines


def iter_lines(archive: zipfile.ZipFile, member: str) -> Iterator[bytes]:
    """The lines of a member, without their newline, read in blocks."""
    with archive.open(member) as stream:
        carry = b""
        while block := stream.read(CHUNK):
            block = carry + block
            lines = block.split(b"\n")
            carry = lines.pop()
            yield from lines
        if carry:
            yield carry


def verify(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> list[str]:
    """Every problem of the archive's content against its manifest (empty when it is intact)."""
    problems: list[str] = []
    names = set(archive.namelist())
    for table in manifest["tables"]:
        member = table_member(table["name"])
        if member not in names:
            problems.append(f"thiếu dữ liệu bảng {table['name']}")
            continue
        try:
            sha, _size, lines = member_digest(archive, member)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            problems.append(f"bảng {table['name']}: không đọc được ({exc})")
            continue
        if sha != table["sha256"]:
            problems.append(f"bảng {table['name']}: mã băm SHA-256 không khớp")
        elif lines != table["rows"]:
            problems.append(f"bảng {table['name']}: {lines} dòng, manifest ghi {table['rows']}")
    for entry in manifest["files"]:
        if not safe_storage_name(entry["name"]):
            problems.append(f"tên tệp không hợp lệ: {entry['name']!r}")
            continue
        member = file_member(entry["name"])
        if member not in names:
            problems.append(f"thiếu tệp {entry['name']}")
            continue
        try:
            sha, size, _lines = member_digest(archive, member)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            problems.append(f"tệp {entry['name']}: không đọc được ({exc})")
            continue
        if sha != entry["sha256"] or size != entry["size"]:
            problems.append(f"tệp {entry['name']}: mã băm SHA-256 hoặc dung lượng không khớp")
    return problems

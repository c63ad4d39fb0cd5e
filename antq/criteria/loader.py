"""Load the framework YAML files into `Framework` / `FrameworkVersion` rows (`antq load_frameworks`).

Two steps, so that a bad file never leaves half a library behind:

1. `read_files(directory)` validates every file fully with the engine (`load_framework`) and returns
   the documents, or raises one `FrameworkError` listing every problem of every file (file, path,
   reason).
2. `apply(documents)` cross-checks the documents together (engine `cross_check`: linked incident
   types and unit types exist, no version twice), then writes them in one transaction: same content →
   nothing; a new `version` label → a new row; the same label with other content → refused (one
   report, nothing written) asking to bump the version label in the file. Only with
   `replace_draft=True` (`antq load_frameworks --replace-draft`) is a version that is not frozen yet
   updated in place (audited); a frozen version is never changed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from antq.audit.models import AuditAction
from antq.audit.services import record
from antq.criteria.engine import FrameworkError, Problem, load_framework
from antq.criteria.engine.frameworks import read_document
from antq.criteria.engine.library import DATA_DIR, cross_check
from antq.criteria.engine.schema import Framework as EngineFramework
from antq.criteria.engine.schema import ScoreSheet
from antq.criteria.models import Framework, FrameworkKind, FrameworkVersion, content_hash
from antq.criteria.selectors import audit_node_path


def framework_code(framework: EngineFramework) -> str:
    """`tt124`, or `qd510-<sheet>` for a QĐ 510 score sheet."""
    if isinstance(framework, ScoreSheet):
        return f"{framework.framework}-{framework.sheet}"
    return framework.framework


def to_json(data: Any) -> Any:
    """The YAML document as plain JSON (unquoted YAML dates become ISO strings)."""

    def default(value: Any) -> Any:
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        raise TypeError(f"không chuyển được sang JSON: {value!r}")

    return json.loads(json.dumps(data, ensure_ascii=False, default=default))


@dataclass(frozen=True)
class Document:
    """One validated file, ready to be written."""

    file: str  # relative to the loaded directory, e.g. "tt124/2021.1.yaml"
    code: str
    kind: str
    title: str
    label: str
    content: dict[str, Any]

    @property
    def content_hash(self) -> str:
        return content_hash(self.content)


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def _relabel(problems: list[Problem], file: str) -> list[Problem]:
    return [dataclasses.replace(p, file=file) for p in problems]


def read_files(directory: str | Path | None = None) -> list[Document]:
    """Validate every `*.yaml` under `directory` (default: the packaged data); all or nothing."""
    root = Path(directory) if directory is not None else DATA_DIR
    if not root.is_dir():
        raise FrameworkError([Problem(path="", message=_("không phải thư mục"), file=str(root))])
    problems: list[Problem] = []
    documents: list[Document] = []
    seen: dict[tuple[str, str], str] = {}
    paths = sorted(root.rglob("*.yaml"))
    if not paths:
        raise FrameworkError([Problem(path="", message=_("không có tệp *.yaml nào"), file=str(root))])
    for path in paths:
        name = path.relative_to(root).as_posix()
        try:
            parsed = load_framework(path)
            data, _label = read_document(path)
            content = to_json(data)
            # What is stored is the JSON form: it must be just as valid as the file.
            load_framework(content)
        except FrameworkError as exc:
            problems.extend(_relabel(exc.problems, name))
            continue
        except TypeError as exc:
            problems.append(Problem(path="", message=str(exc), file=name))
            continue
        code = framework_code(parsed)
        key = (code, parsed.version)
        if key in seen:
            problems.append(
                Problem(
                    path="version",
                    message=_("phiên bản %(code)s %(v)s đã có trong tệp %(other)s")
                    % {"code": code, "v": parsed.version, "other": seen[key]},
                    file=name,
                )
            )
            continue
        seen[key] = name
        documents.append(
            Document(
                file=name,
                code=code,
                kind=FrameworkKind(parsed.framework),
                title=parsed.title_vi,
                label=parsed.version,
                content=content,
            )
        )
    if problems:
        raise FrameworkError(problems)
    return documents


def check_documents(documents: list[Document]) -> None:
    """The engine's cross-file check over the documents; raises `FrameworkError` naming each file."""
    frameworks: list[EngineFramework] = []
    files: list[str] = []
    problems: list[Problem] = []
    for doc in documents:
        try:
            frameworks.append(load_framework(doc.content))
        except FrameworkError as exc:
            problems.extend(_relabel(exc.problems, doc.file))
            continue
        files.append(doc.file)
    problems.extend(cross_check(frameworks, files))
    if problems:
        raise FrameworkError(problems)


@transaction.atomic
def apply(documents: list[Document], *, by: User | None = None, replace_draft: bool = False) -> LoadReport:
    """Write validated documents as national versions. Raises `FrameworkError` (nothing written)
    if the documents do not fit together, or if a version would change under the same label
    (always for a frozen one; for one not frozen yet unless `replace_draft`)."""
    check_documents(documents)
    report = LoadReport()
    refused: list[Problem] = []
    plan: list[tuple[Document, FrameworkVersion | None]] = []
    for doc in documents:
        existing = (
            FrameworkVersion.objects.select_for_update(of=("self",))
            .filter(framework__code=doc.code, province__isnull=True, label=doc.label)
            .first()
        )
        changed = existing is not None and existing.content_hash != doc.content_hash
        if changed and existing is not None and not existing.frozen and not replace_draft:
            refused.append(
                Problem(
                    path="version",
                    message=_(
                        "phiên bản %(code)s %(v)s đã có trong cơ sở dữ liệu với nội dung khác: hãy tăng "
                        "số phiên bản trong trường `version` của tệp (ví dụ từ “%(v)s” lên một số mới) "
                        "để nạp thành phiên bản mới; chỉ khi phiên bản cũ là bản nháp chưa khóa mới có "
                        "thể ghi đè bằng `antq load_frameworks --replace-draft`"
                    )
                    % {"code": doc.code, "v": doc.label},
                    file=doc.file,
                )
            )
        if changed and existing is not None and existing.frozen:
            refused.append(
                Problem(
                    path="version",
                    message=_(
                        "phiên bản %(code)s %(v)s đã bị khóa (đã dùng trong kỳ đánh giá) nhưng nội dung "
                        "tệp đã thay đổi: hãy tăng số phiên bản trong trường `version` (ví dụ từ "
                        "“%(v)s” lên một số mới) và lưu thành tệp mới, không sửa phiên bản cũ"
                    )
                    % {"code": doc.code, "v": doc.label},
                    file=doc.file,
                )
            )
        plan.append((doc, existing))
    if refused:
        raise FrameworkError(refused)
    for doc, existing in plan:
        name = f"{doc.code} {doc.label}"
        if existing is None:
            framework = _framework(doc, by)
            version = FrameworkVersion(
                framework=framework, label=doc.label, content=doc.content, source=doc.file
            )
            version.save()
            record(
                actor=by,
                action=AuditAction.IMPORT,
                obj=version,
                node_path=audit_node_path(version),
                changes={"content_hash": [None, version.content_hash], "source": [None, doc.file]},
                reason=_("antq load_frameworks: phiên bản mới từ %(file)s") % {"file": doc.file},
            )
            report.created.append(name)
        elif existing.content_hash == doc.content_hash:
            report.unchanged.append(name)
        else:
            _framework(doc, by)
            old_hash, old_source = existing.content_hash, existing.source
            keys = changed_keys(existing.content, doc.content)
            existing.content = doc.content
            existing.source = doc.file
            existing.save()
            record(
                actor=by,
                action=AuditAction.IMPORT,
                obj=existing,
                node_path=audit_node_path(existing),
                changes={
                    "content_hash": [old_hash, existing.content_hash],
                    "source": [old_source, doc.file],
                    "keys_changed": keys,
                },
                reason=_("antq load_frameworks --replace-draft: ghi đè bản nháp chưa khóa từ %(file)s")
                % {"file": doc.file},
            )
            report.updated.append(name)
    return report


def _framework(doc: Document, by: User | None) -> Framework:
    """The framework row for the document (its code carries the kind); the title follows the file."""
    framework, created = Framework.objects.get_or_create(
        code=doc.code, defaults={"kind": doc.kind, "title": doc.title}
    )
    if not created and framework.title != doc.title:
        old = framework.title
        framework.title = doc.title
        framework.save(update_fields=["title"])
        record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=framework,
            node_path=audit_node_path(None),
            changes={"title": [old, doc.title]},
            reason="antq load_frameworks",
        )
    return framework


def changed_keys(old: Any, new: Any) -> list[str]:
    """Top-level keys whose value differs (a short summary for the audit log)."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return []
    return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))

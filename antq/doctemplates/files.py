"""Reading and checking template files: `data/<kind>.yaml` (the defaults) and a province's upload.

A file has `fields` (strings, lists of strings, or mappings of them) with `$placeholders` that
`string.Template` fills in; the placeholders a kind may use are declared in its default file. An
upload must keep the default's fields and their shape and use only declared placeholders, so a
document built from it can never fail half-way or print a stray "$name".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from string import Template
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from antq.doctemplates.choices import TemplateKind

DATA = Path(__file__).with_name("data")
MAX_BYTES = 64 * 1024
# A template is a few dozen fields two or three levels deep. Anchors, aliases and merge keys are
# refused outright (nested aliases blow a 64 KB file up to billions of nodes); depth and node count
# are capped because loading is recursive and a deep file would exhaust the stack.
MAX_DEPTH = 12
MAX_NODES = 5000

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class TemplateFile:
    """A checked template: its kind, its fields, and the placeholders its kind allows."""

    kind: str
    fields: Mapping[str, Any]
    placeholders: Mapping[str, str]  # name -> what it stands for (from the default file)


def default_path(kind: str) -> Path:
    return DATA / f"{TemplateKind(kind).value}.yaml"


@cache
def default_text(kind: str) -> str:
    return default_path(kind).read_text(encoding="utf-8")


@cache
def default_file(kind: str) -> TemplateFile:
    """The default template of a kind; it declares the placeholders (raises if the file is broken)."""
    data = yaml.safe_load(default_text(kind))
    placeholders = {str(name): str(text) for name, text in (data.get("placeholders") or {}).items()}
    checked = _check(kind, default_text(kind), placeholders, data["fields"])
    return TemplateFile(kind=kind, fields=checked, placeholders=placeholders)


@lru_cache(maxsize=256)
def parse(kind: str, text: str, *, fill_missing: bool = False) -> TemplateFile:
    """Check a template file's text against its kind's default; ValidationError lists every problem.

    `fill_missing`: for a file stored earlier, a field the defaults gained since is taken from them
    (an upload is still refused without it, so what an administrator sends is always complete)."""
    default = default_file(kind)
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise ValidationError(
            _("Tệp mẫu quá lớn: tối đa %(kb)s KB.") % {"kb": MAX_BYTES // 1024}, code="too_large"
        )
    try:
        _check_structure(text)
        data = yaml.safe_load(text)
    except RecursionError as exc:
        raise ValidationError(_("Tệp mẫu lồng nhau quá sâu."), code="too_deep") from exc
    except yaml.YAMLError as exc:
        raise ValidationError(_syntax_message(exc), code="yaml") from exc
    if not isinstance(data, dict) or not isinstance(data.get("fields"), dict):
        raise ValidationError(_("Tệp mẫu phải có mục «fields» chứa các trường văn bản."), code="shape")
    errors: list[str] = []
    if data.get("kind") not in (None, kind):
        errors.append(
            _("Trường «kind»: tệp là mẫu «%(found)s», không phải «%(kind)s».")
            % {"found": data.get("kind"), "kind": kind}
        )
    lines = _lines(text)
    for name in data.get("placeholders") or {}:
        if str(name) not in default.placeholders:
            errors.append(
                _("Dòng %(line)s: chỗ điền «$%(name)s» không có trong mẫu mặc định.")
                % {"line": lines.get(("placeholders", str(name)), "?"), "name": name}
            )
    fields: dict[str, Any] = {}
    try:
        fields = _check(kind, text, default.placeholders, data["fields"], default.fields, fill_missing)
    except ValidationError as exc:
        errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors, code="invalid")
    return TemplateFile(kind=kind, fields=fields, placeholders=default.placeholders)


def _syntax_message(exc: yaml.YAMLError) -> str:
    """Where the file breaks, in Vietnamese: PyYAML's own problem text is English, so only its
    line and column are kept."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is None:
        return _("Tệp không đúng cú pháp YAML (thiếu dấu phẩy, ngoặc hoặc dấu hai chấm).")
    return _("Dòng %(line)s, cột %(column)s: sai cú pháp YAML (thiếu dấu phẩy, ngoặc hoặc dấu hai chấm).") % {
        "line": mark.line + 1,
        "column": mark.column + 1,
    }


def _check_structure(text: str) -> None:
    """Refuse anchors, aliases, merge keys, deep nesting and too many nodes, reading the event stream
    (flat: nothing is built, so this is safe whatever the file holds)."""
    depth = nodes = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        line = event.start_mark.line + 1 if event.start_mark is not None else "?"
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise ValidationError(
                _("Dòng %(line)s: tệp mẫu không được dùng neo «&» hay tham chiếu «*» của YAML.")
                % {"line": line},
                code="alias",
            )
        if isinstance(event, yaml.ScalarEvent) and event.value == "<<" and event.style is None:
            raise ValidationError(
                _("Dòng %(line)s: tệp mẫu không được dùng khóa gộp «<<» của YAML.") % {"line": line},
                code="merge",
            )
        if isinstance(event, yaml.NodeEvent):
            nodes += 1
            if nodes > MAX_NODES:
                raise ValidationError(
                    _("Tệp mẫu có quá nhiều mục (tối đa %(n)s).") % {"n": MAX_NODES}, code="too_many"
                )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise ValidationError(
                    _("Dòng %(line)s: tệp mẫu lồng nhau quá sâu (tối đa %(n)s cấp).")
                    % {"line": line, "n": MAX_DEPTH},
                    code="too_deep",
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _check(
    kind: str,
    text: str,
    allowed: Mapping[str, str],
    fields: Any,
    shape: Mapping[str, Any] | None = None,
    fill_missing: bool = False,
) -> dict[str, Any]:
    """The fields with numbers turned to text, or ValidationError naming each bad line and field."""
    lines = _lines(text)
    errors: list[str] = []

    def where(path: Path_) -> dict[str, Any]:
        return {
            "line": lines.get(("fields", *path), "?"),
            "field": ".".join(str(part) for part in path),
        }

    def walk(value: Any, expected: Any, path: Path_) -> Any:
        if isinstance(expected, dict) or (expected is None and isinstance(value, dict)):
            if not isinstance(value, dict):
                errors.append(_("Dòng %(line)s, trường «%(field)s»: phải là một nhóm trường.") % where(path))
                return {}
            result = {}
            for key in expected or value:
                if key not in value and fill_missing and expected is not None:
                    result[key] = expected[key]  # a field added to the defaults after the upload
                    continue
                if key not in value:
                    errors.append(
                        _("Trường «%(field)s»: thiếu trong tệp (mẫu mặc định có trường này).")
                        % where((*path, key))
                    )
                    continue
                result[key] = walk(value[key], (expected or {}).get(key), (*path, key))
            for key in value:
                if expected is not None and key not in expected:
                    errors.append(
                        _("Dòng %(line)s, trường «%(field)s»: không có trong mẫu mặc định.")
                        % where((*path, key))
                    )
            return result
        if isinstance(expected, list) or (expected is None and isinstance(value, list)):
            if not isinstance(value, list):
                errors.append(_("Dòng %(line)s, trường «%(field)s»: phải là một danh sách.") % where(path))
                return []
            return [walk(item, "", (*path, index)) for index, item in enumerate(value)]
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            errors.append(_("Dòng %(line)s, trường «%(field)s»: phải là một đoạn văn bản.") % where(path))
            return ""
        return _checked_text(str(value), allowed, where(path), errors)

    result = walk(fields, shape, ())
    if errors:
        raise ValidationError(errors, code="invalid")
    return dict(result)


def _checked_text(value: str, allowed: Mapping[str, str], where: dict[str, Any], errors: list[str]) -> str:
    template = Template(value)
    if not template.is_valid():
        errors.append(
            _(
                "Dòng %(line)s, trường «%(field)s»: dấu «$» dùng sai; chỗ điền viết «$ten», "
                "dấu đô la viết «$$»."
            )
            % where
        )
        return value
    for name in template.get_identifiers():
        if name not in allowed:
            errors.append(
                _(
                    "Dòng %(line)s, trường «%(field)s»: chỗ điền «$%(name)s» không được khai báo "
                    "(dùng được: %(names)s)."
                )
                % {**where, "name": name, "names": ", ".join(f"${key}" for key in sorted(allowed))}
            )
    return value


def _lines(text: str) -> dict[Path_, int]:
    """Line (1-based) of every value in the file, by its path of keys and list positions."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    found: dict[Path_, int] = {}

    def walk(node: yaml.Node, path: Path_) -> None:
        found[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(value, (*path, str(key.value)))
                found[(*path, str(key.value))] = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, (*path, index))

    if root is not None:
        walk(root, ())
    return found


def fill(value: Any, values: Mapping[str, str]) -> Any:
    """Substitute every string of a checked field (strings, lists, mappings) with `values`."""
    if isinstance(value, dict):
        return {key: fill(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, values) for item in value]
    return Template(value).substitute(values)

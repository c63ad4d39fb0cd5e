"""Helpers for the apps' exporters (`<app>/exports.py`): the job's scope, filters and rows.

An exporter reads the list exactly as its page does: the app's own filter form (on the job's
saved parameters) and its own selector, with the scope of the job's creator limited to the roles
that may export (`access.export_scope`); the list's node (`within`) is the job's node.

Every exporter keeps only the rows of the job's node and its subtree (`in_job_node`): the export
right is checked on that node when the job starts and when its file is downloaded, so the file
must hold nothing beyond it, even when its creator may export elsewhere too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from antq.accounts.scope import Scope
from antq.core.errors import DomainError
from antq.exports.access import export_scope
from antq.exports.models import ExportJob
from antq.org.access import node_for
from antq.org.models import OrgNode, subtree_q

CHUNK = 2000


def job_scope(job: ExportJob) -> Scope:
    """What the job's creator may export, read now (rights may have changed since the request)."""
    return export_scope(job.created_by)


def in_job_node(qs: QuerySet[Any], job: ExportJob, field: str = "node__path") -> QuerySet[Any]:
    """`qs` limited to the job's node and its subtree (`field`: the path of the row's node)."""
    return qs.filter(subtree_q(job.node.path, field=field))


def concerns_job_node(path: str, job: ExportJob) -> bool:
    """Whether a record of the node at `path` concerns the job's node: that node, one below it,
    or one above it (a province's cycle is the cycle of each of its communes)."""
    node_path = job.node.path
    return path.startswith(node_path) or node_path.startswith(path)


def form_data(job: ExportJob, form_class: type[forms.Form], **kwargs: Any) -> dict[str, Any]:
    """The job's filters cleaned by the list's own form; invalid ones are ignored, as on the page."""
    if not job.params:
        return {}
    form = form_class(job.params, **kwargs)
    if not form.is_valid():
        return {key: value for key, value in form.cleaned_data.items() if key not in form.errors}
    return dict(form.cleaned_data)


def param_node(scope: Scope, value: Any) -> OrgNode | None:
    """A node chosen in the list's filter (its id), checked against the scope."""
    if value in (None, ""):
        return None
    try:
        return node_for(scope, value)
    except Http404 as exc:
        raise DomainError(_("Đơn vị đã chọn trong bộ lọc không còn trong phạm vi của bạn.")) from exc


def int_param(job: ExportJob, key: str) -> int | None:
    try:
        return int(job.params.get(key, ""))
    except (TypeError, ValueError):
        return None


def stream(
    qs: QuerySet[Any],
    fields: Sequence[str],
    convert: Callable[[tuple[Any, ...]], Sequence[Any]] | None = None,
) -> Iterator[Sequence[Any]]:
    """Rows of `qs` as tuples of `fields`: one query, read in chunks, no model instances."""
    rows = qs.values_list(*fields).iterator(chunk_size=CHUNK)
    if convert is None:
        yield from rows
        return
    for row in rows:
        yield convert(row)


def labels_of(choices: type[Any]) -> dict[str, str]:
    """Value -> Vietnamese label of a TextChoices class (read in the job's language)."""
    return {value: str(label) for value, label in choices.choices}


def yes_no(value: Any) -> str:
    return _("có") if value else _("không")

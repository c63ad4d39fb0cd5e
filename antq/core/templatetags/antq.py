from __future__ import annotations

import re
from typing import Any

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from antq.org.choices import UNIT_KINDS, NodeKind
from antq.org.eligibility import exclusion_label
from antq.org.models import OrgNode

register = template.Library()


@register.inclusion_tag("org/_kind_cards.html")
def unit_kind_cards(by_kind: dict[str, dict[str, int]], node: Any) -> dict[str, Any]:
    """One card per unit kind with total and eligible counts (from `unit_counts_by_kind`)."""
    cards = [
        {"kind": value, "label": label, **by_kind.get(value, {"total": 0, "eligible": 0, "active": 0})}
        for value, label in NodeKind.choices
        if value in UNIT_KINDS
    ]
    return {"cards": cards, "node": node}


@register.filter
def exclusion(code: str) -> str:
    return exclusion_label(code) if code else ""


def _model_field(object_type: str, name: str) -> Any:
    try:
        return apps.get_model(object_type)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None


# Keys services write into the log that are not fields of the object.
_EXTRA_LABELS = {
    "units": _lazy("đơn vị"),
    "frameworks": _lazy("bộ tiêu chí"),
    "criteria": _lazy("tiêu chí"),
    "revision": _lazy("lần ghi"),
    # A download of the audit log (audit.services.audit_export_record).
    "export": _lazy("tệp xuất"),
    "filters": _lazy("bộ lọc"),
    "rows": _lazy("số dòng"),
}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _readable(field: Any, value: Any) -> str:
    """A stored audit value as a person reads it: choice labels, Có/Không, ∅ for nothing."""
    if value is None or value == "":
        return "∅"
    if isinstance(value, bool):
        return str(_("Có") if value else _("Không"))
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field is not None and field.name == "exclusion_code":
        return exclusion_label(str(value))
    if isinstance(value, list):
        return "; ".join(_readable(None, v) for v in value) or "∅"
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        # Dates are stored ISO in the log; people read dd/mm/yyyy.
        return f"{value[8:10]}/{value[5:7]}/{value[:4]}"
    return str(value)


def _node_names(context: template.Context) -> dict[int, str]:
    """Names of every node referenced by the events being rendered: one query per table render."""
    cache: dict[int, str] | None = context.render_context.get("audit_node_names")
    if cache is None:
        ids = {
            value
            for event in (context.get("events") or [])
            for field_name, pair in event.changes.items()
            if field_name in {"parent", "node"}
            for value in (pair if isinstance(pair, list) else [pair])
            if isinstance(value, int)
        }
        cache = dict(OrgNode.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
        context.render_context["audit_node_names"] = cache
    return cache


@register.simple_tag(takes_context=True)
def audit_change(context: template.Context, event: Any, name: str, pair: Any) -> dict[str, str]:
    """Label and readable old → new values of one changed field of an audit event."""
    field = _model_field(event.object_type, name)
    old: Any
    new: Any
    old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
    label = str(field.verbose_name) if field is not None else str(_EXTRA_LABELS.get(name, name))
    if field is not None and field.is_relation and getattr(field.related_model, "__name__", "") == "OrgNode":
        names: dict[Any, str] = dict(_node_names(context))
        old, new = names.get(old, old), names.get(new, new)
    return {"label": label, "old": _readable(field, old), "new": _readable(field, new)}


@register.filter
def number(value: Any) -> Any:
    """A whole number grouped by thousands in the active language: 20.011 (vi), 20,011 (en).

    Django's Vietnamese format defines no grouping, so `intcomma` and localized numbers show
    "20011": the grouping is forced here, as `importing.format_count` does for import messages.
    Anything that is not a number is returned unchanged (None as "").
    """
    # Imported here so that the filter is a self-contained addition to this module.
    from django.utils import numberformat
    from django.utils.formats import get_format

    if value is None:
        return ""
    try:
        n = int(value)
    except (TypeError, ValueError):
        return value
    return numberformat.format(
        n,
        get_format("DECIMAL_SEPARATOR"),
        grouping=3,
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )

from __future__ import annotations

from typing import Any

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from antq.org.choices import UNIT_KINDS, NodeKind
from antq.org.eligibility import exclusion_label

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


@register.filter
def field_label(event: Any, name: str) -> str:
    """The model's own (translated) verbose name for a field recorded in an audit event."""
    try:
        model = apps.get_model(event.object_type)
        return str(model._meta.get_field(name).verbose_name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return name

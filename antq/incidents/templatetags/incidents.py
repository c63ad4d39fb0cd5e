"""Template helpers of the incident register."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def type_label(code: str, labels: dict[str, str]) -> str:
    """The catalogue's Vietnamese label of an incident type (the code itself when unknown)."""
    return labels.get(code, code) if labels else code

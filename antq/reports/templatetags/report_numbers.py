"""Numbers in the reports' pages as `antq.core.numbers` writes them everywhere else."""

from __future__ import annotations

from django import template

from antq.core.numbers import count_text

register = template.Library()


@register.filter
def count(value: int | None) -> str:
    """1.250 (grouped by thousands, Vietnamese notation); "—" for nothing."""
    return "—" if value is None else count_text(value)

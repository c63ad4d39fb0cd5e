"""`{% export_button "kind" %}`: the "Xuất Excel" button of a list page.

A small POST form to `exports:start` carrying the list's current filters (its query string) and,
when given, the node the list is about (`within`). Shown only to users who may export somewhere,
so a unit officer (no EXPORT action) never meets a button that answers 403. The first button of a
page links its small stylesheet (exports/exports.css: keeps the form inline in a row of buttons).
"""

from __future__ import annotations

from typing import Any

from django import template

from antq.accounts.roles import Action
from antq.accounts.scope import scope_of

register = template.Library()

# Paging keys of the list pages: not filters.
_PAGING = {"after", "before", "page", "cursor"}
_CSS_LOADED = "_antq_export_css_loaded"


@register.inclusion_tag("exports/_button.html", takes_context=True)
def export_button(
    context: template.Context, kind: str, within: Any = None, label: str = "", **extra: Any
) -> dict[str, Any]:
    """`within`: the node the list is about (else the user's current node); `extra`: fields the
    list takes from its URL rather than its query string (the evidence dossier's year)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {"show": False}
    query = request.GET
    fields = [
        (key, value)
        for key in query
        if key not in _PAGING and key not in extra and not (within and key == "within")
        for value in query.getlist(key)
    ]
    fields += [(key, value) for key, value in extra.items() if value not in (None, "")]
    show = scope_of(request).can_anywhere(Action.EXPORT)
    # The button's stylesheet, once per page (a list may offer several exports).
    load_css = show and not getattr(request, _CSS_LOADED, False)
    if load_css:
        setattr(request, _CSS_LOADED, True)
    return {
        "show": show,
        "load_css": load_css,
        "kind": kind,
        "label": label,
        "fields": fields,
        "within": getattr(within, "pk", within),
        "csrf_token": context.get("csrf_token"),
    }

"""What a second writer is told when a record changed under them (units and the cycle's records).

The writes themselves live in `antq.org.services` (units) and `antq.cycles.services`; both refuse
a save made from a stale version (optimistic `version` column, checked under a row lock). This
module only builds the refusal's text from the record's latest audit event, so the user learns
when, by whom and what was changed instead of a bare "reload the page".
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from antq.audit.models import AuditEvent

# Fields without a verbose name of their own (JSON columns of the assessment) and the workflow's.
FIELD_LABELS = {
    "status": gettext_lazy("trạng thái"),
    "unit_facts": gettext_lazy("số liệu của đơn vị"),
    "answers": gettext_lazy("trả lời tiêu chí"),
    "self_scores": gettext_lazy("điểm tự chấm"),
    "self_reasons": gettext_lazy("lý do sửa điểm theo hồ sơ"),
    "superior_scores": gettext_lazy("điểm cấp trên chấm"),
    "superior_reasons": gettext_lazy("lý do trừ điểm"),
    "notes": gettext_lazy("ghi chú"),
    "evidence": gettext_lazy("minh chứng"),
}
# A message must stay readable: at most this many fields, and items of a field.
MAX_NAMED = 4


def _label(model: type[Model], name: str) -> str:
    if name in FIELD_LABELS:
        return str(FIELD_LABELS[name])
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    verbose = str(getattr(field, "verbose_name", "") or "")
    return verbose if verbose and verbose != name.replace("_", " ") else name


def _items(change: Any) -> list[str]:
    """The keys of a JSON object that changed (score items, criteria), when the change is one."""
    if not (isinstance(change, list) and len(change) == 2):
        return []
    old, new = change
    if not isinstance(old, dict | None) or not isinstance(new, dict):
        return []
    old = old or {}
    return sorted(str(k) for k in set(old) | set(new) if old.get(k) != new.get(k))


def _what(model: type[Model], changes: dict[str, Any]) -> str:
    parts = []
    for name, change in list(changes.items())[:MAX_NAMED]:
        label = _label(model, name)
        items = _items(change)
        if items:
            named = ", ".join(items[:MAX_NAMED]) + (" …" if len(items) > MAX_NAMED else "")
            label = _("%(field)s mục %(items)s") % {"field": label, "items": named}
        parts.append(label)
    if len(changes) > MAX_NAMED:
        parts.append("…")
    return ", ".join(parts)


def concurrent_edit_message(current: Model) -> str:
    """The refusal of a stale save of `current` (the row as it is now): when it was last changed,
    by whom and which fields, from its latest audit event."""
    event = (
        AuditEvent.objects.filter(object_type=current._meta.label_lower, object_id=str(current.pk))
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    moment = event.at if event is not None else getattr(current, "updated_at", None)
    when = date_format(timezone.localtime(moment), "H:i d/m/Y") if moment else ""
    if event is None:
        return _("Bản ghi đã được người khác sửa lúc %(when)s — tải lại để xem.") % {"when": when}
    who = (event.actor.get_full_name() or event.actor.username) if event.actor else _("hệ thống")
    what = _what(type(current), dict(event.changes or {})) or str(event.get_action_display()).lower()
    return _("Bản ghi đã được người khác sửa lúc %(when)s (%(who)s: %(what)s) — tải lại để xem.") % {
        "when": when,
        "who": who,
        "what": what,
    }

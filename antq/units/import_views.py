"""Placeholder until the import/export work lands in this session."""
from django.http import Http404


def _missing(*args, **kwargs):  # type: ignore[no-untyped-def]
    raise Http404


export_units = import_start = import_detail = import_progress = import_confirm = import_cancel = import_template = _missing

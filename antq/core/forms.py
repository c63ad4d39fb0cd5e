"""Form helpers shared by the apps' views."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class ReasonForm(forms.Form):
    """A reason for a state change (deactivation, revocation); recorded in the audit log."""

    reason = forms.CharField(label=_("Lý do"), max_length=500)


class VersionedReasonForm(ReasonForm):
    """A reason plus the version the user saw, so a stale page cannot overwrite a newer change."""

    version = forms.IntegerField(widget=forms.HiddenInput)


def add_service_errors(form: forms.BaseForm, exc: Exception) -> None:
    """Show a service's refusal on the form: field errors next to their field, the rest on top."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return
    for message in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
        form.add_error(None, message)

"""Screens of the review meeting: the form on a draft decision (DECISION_DRAFT), and the
submission and the minutes as DOCX or PDF (whoever sees the decision)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from antq.accounts.roles import Action
from antq.accounts.scope import scope_of
from antq.core.errors import DomainError
from antq.core.forms import add_service_errors
from antq.core.http import AuthedHttpRequest
from antq.decisions import meeting
from antq.decisions.access import decision_for
from antq.decisions.models import ReviewMeeting
from antq.documents import render_docx, render_pdf

DOCS = {"submission": meeting.submission_document, "minutes": meeting.minutes_document}
STEMS = {"submission": "to-trinh", "minutes": "bien-ban-hop-xet"}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


class MeetingForm(forms.ModelForm):  # type: ignore[type-arg]
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ReviewMeeting
        fields = meeting.FIELDS
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "participants": forms.Textarea(attrs={"rows": 4}),
            "content": forms.Textarea(attrs={"rows": 3}),
            "conclusion": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:  # type: ignore[operator]
            self.add_error("end_time", _("Giờ kết thúc phải sau giờ bắt đầu."))
        return data


@login_required
def meeting_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    decision = decision_for(scope, pk, Action.DECISION_DRAFT)
    current = meeting.meeting_of(decision)
    initial = {"version": current.version if current else None}
    form = MeetingForm(request.POST or None, instance=current, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting.meeting_save(
                by=request.user,
                scope=scope,
                decision=decision,
                data={name: form.cleaned_data[name] for name in meeting.FIELDS},
                expected_version=form.cleaned_data.get("version"),
            )
        except DomainError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu cuộc họp xét."))
            return redirect("decisions:detail", decision.pk)
    return render(
        request,
        "decisions/meeting_form.html",
        {"decision": decision, "form": form, "active_menu": "decisions"},
    )


@login_required
def meeting_document(request: AuthedHttpRequest, pk: int, doc: str, fmt: str) -> HttpResponse:
    if doc not in DOCS or fmt not in CONTENT_TYPES:
        raise Http404
    decision = decision_for(scope_of(request), pk, Action.VIEW)
    document = DOCS[doc](decision)
    content = render_pdf(document) if fmt == "pdf" else render_docx(document)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    name = slugify(f"{STEMS[doc]}-{decision.pk}-{decision.cycle.year}")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response

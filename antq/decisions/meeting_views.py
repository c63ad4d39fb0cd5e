"""Screens of the review meeting: the form on a draft decision (DECISION_DRAFT) with the meeting's
opinion on each unit, and the submission and the minutes as DOCX or PDF (whoever sees the decision)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from antq.accounts.roles import Action
from antq.accounts.scope import scope_of
from antq.core.errors import DomainError
from antq.core.forms import add_service_errors
from antq.core.http import AuthedHttpRequest
from antq.decisions import meeting, meeting_documents
from antq.decisions.access import decision_for
from antq.decisions.models import DecisionItem, ReviewMeeting
from antq.documents import render_docx, render_pdf

DOCS = {"submission": meeting_documents.submission_document, "minutes": meeting_documents.minutes_document}
STEMS = {"submission": "to-trinh", "minutes": "bien-ban-hop-xet"}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
OPINIONS = [
    ("", gettext_lazy("Chưa ghi")),
    (meeting.AGREED, gettext_lazy("Thống nhất đề nghị công nhận")),
    (meeting.NOT_AGREED, gettext_lazy("Không thống nhất")),
]


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
            "submission_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "submission_number": gettext_lazy(
                "Ghi số (ví dụ “45”, ký hiệu TTr-CA được thêm vào) hoặc cả số và ký hiệu "
                "(ví dụ “45/TTr-CAP”, in nguyên như đã ghi)."
            ),
            "submission_date": gettext_lazy(
                "Ngày ký tờ trình, là ngày quyết định trích dẫn; để trống thì lấy ngày trong “Tờ trình "
                "đề nghị” của dự thảo, nếu không có thì ngày họp."
            ),
            "signer_name": gettext_lazy("In dưới chức danh Trưởng Công an ở cuối tờ trình."),
        }

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:  # type: ignore[operator]
            self.add_error("end_time", _("Giờ kết thúc phải sau giờ bắt đầu."))
        return data


class ResultsForm(forms.Form):
    """The meeting's opinion on each unit of the decision, with the votes when they were counted."""

    def __init__(self, *args: Any, items: list[DecisionItem], current: dict[str, Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            found = current.get(str(item.node_id)) or {}
            agreed = found.get("agreed")
            key = item.node_id
            self.fields[f"opinion_{key}"] = forms.ChoiceField(
                label=item.node.name,
                choices=OPINIONS,
                required=False,
                initial="" if agreed is None else (meeting.AGREED if agreed else meeting.NOT_AGREED),
            )
            self.fields[f"for_{key}"] = forms.IntegerField(
                label=_("Số phiếu tán thành"), min_value=0, required=False, initial=found.get("votes_for")
            )
            self.fields[f"against_{key}"] = forms.IntegerField(
                label=_("Số phiếu không tán thành"),
                min_value=0,
                required=False,
                initial=found.get("votes_against"),
            )

    def rows(self) -> list[tuple[DecisionItem, forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (
                item,
                self[f"opinion_{item.node_id}"],
                self[f"for_{item.node_id}"],
                self[f"against_{item.node_id}"],
            )
            for item in self.items
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for item in self.items:
            key = item.node_id
            votes = data.get(f"for_{key}") is not None or data.get(f"against_{key}") is not None
            if votes and not data.get(f"opinion_{key}"):
                self.add_error(
                    f"opinion_{key}",
                    _("%(unit)s: chọn ý kiến của cuộc họp trước khi ghi số phiếu.")
                    % {"unit": item.node.name},
                )
        return data

    def results(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for item in self.items:
            key = item.node_id
            opinion = self.cleaned_data.get(f"opinion_{key}")
            if opinion:
                out[str(key)] = {
                    "agreed": opinion == meeting.AGREED,
                    "votes_for": self.cleaned_data.get(f"for_{key}"),
                    "votes_against": self.cleaned_data.get(f"against_{key}"),
                }
        return out


@login_required
def meeting_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    decision = decision_for(scope, pk, Action.DECISION_DRAFT)
    current = meeting.meeting_of(decision)
    items = list(decision.items.select_related("node").order_by("position", "id"))
    initial: dict[str, Any] = {"version": current.version if current else None}
    # The draft's proposal ("Tờ trình số 45/TTr-CAP ngày 10/11/2026") fills what is still blank.
    if current is None or not current.submission_number:
        initial["submission_number"] = meeting.proposal_number(decision)
    if current is None or not current.submission_date:
        initial["submission_date"] = meeting.proposal_date(decision)
    form = MeetingForm(request.POST or None, instance=current, initial=initial)
    results = ResultsForm(
        request.POST or None, items=items, current=current.results if current else {}, prefix="r"
    )
    if request.method == "POST" and form.is_valid() and results.is_valid():
        try:
            meeting.meeting_save(
                by=request.user,
                scope=scope,
                decision=decision,
                data={
                    **{name: form.cleaned_data[name] for name in meeting.FIELDS},
                    "results": results.results(),
                },
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
        {"decision": decision, "form": form, "results": results, "active_menu": "decisions"},
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

"""Screens of the template files: provinces, the kinds with the one in force, download (default,
current, any earlier upload), upload a replacement, history, revert to the default.

Reads go through `access` and `selectors`, writes through `services`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from antq.accounts.roles import Action
from antq.accounts.scope import scope_of
from antq.core.http import AuthedHttpRequest
from antq.doctemplates import files, selectors, services
from antq.doctemplates.access import managed_provinces, province_for, template_for
from antq.doctemplates.choices import TemplateKind
from antq.doctemplates.forms import UploadForm

MENU = "templates"
YAML = "application/yaml; charset=utf-8"


def _kind(value: str) -> TemplateKind:
    try:
        return TemplateKind(value)
    except ValueError as exc:
        raise Http404 from exc


def _yaml(text: str, name: str) -> HttpResponse:
    response = HttpResponse(text.encode("utf-8"), content_type=YAML)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def template_list(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.can_anywhere(Action.TEMPLATE_MANAGE):
        raise PermissionDenied
    provinces = managed_provinces(scope)
    counts = selectors.active_counts(provinces)
    rows = [(province, counts.get(province.pk, 0)) for province in provinces]
    return render(
        request,
        "doctemplates/template_list.html",
        {"rows": rows, "active_menu": MENU},
    )


@login_required
def template_province(request: AuthedHttpRequest, province: int) -> HttpResponse:
    node = province_for(scope_of(request), province)
    return render(
        request,
        "doctemplates/template_province.html",
        {"province": node, "rows": selectors.province_kinds(node), "active_menu": MENU},
    )


@login_required
def template_default(request: AuthedHttpRequest, province: int, kind: str) -> HttpResponse:
    province_for(scope_of(request), province)
    value = _kind(kind).value
    return _yaml(files.default_text(value), f"{value}.yaml")


@login_required
def template_current(request: AuthedHttpRequest, province: int, kind: str) -> HttpResponse:
    node = province_for(scope_of(request), province)
    value = _kind(kind).value
    return _yaml(services.template_text(value, node), f"{value}-{node.code}.yaml")


@login_required
def template_version(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    template = template_for(scope_of(request), pk)
    return _yaml(template.content, f"{template.kind}-{template.province.code}-{template.number}.yaml")


@login_required
def template_history(request: AuthedHttpRequest, province: int, kind: str) -> HttpResponse:
    node = province_for(scope_of(request), province)
    value = _kind(kind)
    return render(
        request,
        "doctemplates/template_history.html",
        {
            "province": node,
            "kind": value.value,
            "label": value.label,
            "uploads": selectors.history(node, value.value),
            "active_menu": MENU,
        },
    )


@login_required
def template_upload(request: AuthedHttpRequest, province: int, kind: str) -> HttpResponse:
    scope = scope_of(request)
    node = province_for(scope, province)
    value = _kind(kind)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.template_upload(
                scope=scope,
                province=node,
                kind=value.value,
                content=form.cleaned_data["file"],
                by=request.user,
            )
        except ValidationError as exc:
            # Every problem of the file (line and field named) under the file input.
            for message in exc.messages:
                form.add_error("file", message)
        else:
            messages.success(request, _("Đã áp dụng mẫu mới cho %(province)s.") % {"province": node.name})
            return redirect("doctemplates:province", province=node.pk)
    placeholders = files.default_file(value.value).placeholders
    return render(
        request,
        "doctemplates/template_upload.html",
        {
            "province": node,
            "kind": value.value,
            "label": value.label,
            "form": form,
            "placeholders": sorted(placeholders.items()),
            "active_menu": MENU,
        },
    )


@login_required
@require_POST
def template_revert(request: AuthedHttpRequest, province: int, kind: str) -> HttpResponse:
    scope = scope_of(request)
    node = province_for(scope, province)
    value = _kind(kind).value
    if services.template_revert(scope=scope, province=node, kind=value, by=request.user) is None:
        messages.info(request, _("Tỉnh này đang dùng mẫu mặc định."))
    else:
        messages.success(request, _("Đã trở lại mẫu mặc định."))
    return redirect("doctemplates:province", province=node.pk)

"""Framework screens: the list, a version (with "compare with…"), deriving and editing a province
variant, confirming thresholds, importing a QĐ 510 sheet from XLSX or typing it in a table.

Reads go through `access` (404 outside scope, 403 without the action) and `selectors`; writes through
`services`, whose Vietnamese refusals (engine problems included) are shown next to the form.
"""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from antq.accounts.roles import Action
from antq.accounts.scope import Scope, scope_of
from antq.core.errors import DomainError
from antq.core.forms import add_service_errors
from antq.core.http import AuthedHttpRequest
from antq.criteria import selectors, services, sheet_import
from antq.criteria.access import MANAGE, can_manage, version_for
from antq.criteria.forms import (
    AddCriterionForm,
    ConfirmForm,
    DeriveForm,
    ReweightForm,
    RewordForm,
    SheetCreateForm,
    SheetImportForm,
    SheetMetaForm,
    SheetRowFormSet,
    ThresholdsForm,
)
from antq.criteria.models import FrameworkKind, FrameworkVersion
from antq.org.choices import NodeKind
from antq.org.models import OrgNode

MENU = "criteria"


def _managed_provinces(scope: Scope) -> QuerySet[OrgNode]:
    """Provinces where the user may manage frameworks (where a variant can be made)."""
    # Provinces in force only: the pre-reform provinces (ended 1/7/2025) take no new variants.
    return (
        OrgNode.objects.filter(kind=NodeKind.PROVINCE)
        .current()
        .filter(scope.q(MANAGE))
        .order_by("search_text")
    )


def _service_error(form: forms.BaseForm, exc: DomainError) -> None:
    """The engine's problems one per line (each names the path), other refusals as they are."""
    problems = getattr(exc, "problems", None)
    if problems:
        form.add_error(None, _("Nội dung sau khi sửa không hợp lệ:"))
        for problem in problems:
            form.add_error(None, f"{problem.path or '(gốc)'}: {problem.message}")
    else:
        add_service_errors(form, exc)


@login_required
def framework_list(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.can_anywhere(Action.VIEW):
        raise PermissionDenied
    return render(
        request,
        "criteria/framework_list.html",
        {
            "entries": selectors.framework_list(scope),
            "can_import": scope.can_anywhere(MANAGE),
            "active_menu": MENU,
        },
    )


@login_required
def version_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    version = version_for(scope, pk)
    others = list(selectors.comparable_versions(version, scope))
    other: FrameworkVersion | None = None
    chosen = request.GET.get("compare", "")
    if chosen:
        other = version_for(scope, chosen)
        if other.framework_id != version.framework_id:
            other = None
            messages.warning(request, _("Chỉ so sánh được hai phiên bản của cùng một bộ tiêu chí."))
    manage = can_manage(scope, version)
    return render(
        request,
        "criteria/version_detail.html",
        {
            "version": version,
            "status": selectors.threshold_status(version),
            "sections": selectors.outline(version.content),
            "levels": selectors.threshold_levels(version.content),
            "others": others,
            "other": other,
            # The chosen version is the "before", this one the "after".
            "diff": selectors.version_diff(other.content, version.content) if other else None,
            "can_derive": scope.can_anywhere(MANAGE) and _managed_provinces(scope).exists(),
            "can_edit": manage and version.is_variant and not version.frozen,
            "can_confirm": manage,
            "active_menu": MENU,
        },
    )


@login_required
def variant_derive(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    base = version_for(scope, pk)
    if not scope.can_anywhere(MANAGE):
        raise PermissionDenied
    provinces = _managed_provinces(scope)
    if base.province_id is not None:
        provinces = provinces.filter(pk=base.province_id)
    form = DeriveForm(request.POST or None, provinces=provinces)
    if request.method == "POST" and form.is_valid():
        try:
            variant = services.framework_variant_create(
                by=request.user,
                scope=scope,
                base_version=base,
                province=form.cleaned_data["province"],
                label=form.cleaned_data["label"],
            )
        except DomainError as exc:
            _service_error(form, exc)
        else:
            messages.success(request, _("Đã tạo biến thể %(v)s.") % {"v": variant})
            return redirect("criteria:edit", variant.pk)
    return render(request, "criteria/variant_derive.html", {"form": form, "base": base, "active_menu": MENU})


def _edit_forms(version: FrameworkVersion, data: Any, op: str) -> dict[str, forms.Form]:
    """The edit forms that apply to the version's kind; only the submitted one is bound."""
    sections = selectors.outline(version.content)

    def bound(name: str) -> Any:
        return data if op == name else None

    out: dict[str, forms.Form] = {"reword": RewordForm(bound("reword"), sections=sections)}
    if version.framework.kind == FrameworkKind.TT124:
        out["add"] = AddCriterionForm(bound("add"), content=version.content)
    else:
        out["reweight"] = ReweightForm(bound("reweight"), sections=sections)
        if selectors.threshold_levels(version.content):
            out["thresholds"] = ThresholdsForm(bound("thresholds"), content=version.content)
    return out


def _apply_edit(
    request: AuthedHttpRequest, scope: Scope, version: FrameworkVersion, op: str, form: Any
) -> None:
    common: dict[str, Any] = {"by": request.user, "scope": scope, "version": version}
    if op == "reword":
        services.framework_variant_reword(
            **common, item_id=form.cleaned_data["item_id"], text=form.cleaned_data["text"]
        )
    elif op == "reweight":
        services.framework_variant_reweight(**common, max_points=form.changed_points())
    elif op == "thresholds":
        services.framework_variant_set_thresholds(**common, minimums=form.minimums())
    else:
        services.framework_variant_add_criterion(
            **common, criteria_set=form.cleaned_data["criteria_set"], criterion=form.criterion()
        )


@login_required
def variant_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    version = version_for(scope, pk, MANAGE)
    op = request.POST.get("op", "") if request.method == "POST" else ""
    edit_forms = _edit_forms(version, request.POST, op)
    if request.method == "POST":
        form = edit_forms.get(op)
        if form is None:
            messages.error(request, _("Thao tác không hợp lệ."))
        elif form.is_valid():
            try:
                _apply_edit(request, scope, version, op, form)
            except DomainError as exc:
                _service_error(form, exc)
            else:
                messages.success(request, _("Đã lưu thay đổi."))
                return redirect("criteria:edit", version.pk)
    return render(
        request,
        "criteria/variant_edit.html",
        {
            "version": version,
            "editable": version.is_variant and not version.frozen,
            **{f"{name}_form": form for name, form in edit_forms.items()},
            "active_menu": MENU,
        },
    )


@login_required
def thresholds_confirm(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request)
    version = version_for(scope, pk, MANAGE)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.thresholds_confirm(by=request.user, scope=scope, version=version, **form.cleaned_data)
        except DomainError as exc:
            _service_error(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận xác nhận ngưỡng phân loại."))
            return redirect("criteria:version", version.pk)
    return render(
        request,
        "criteria/thresholds_confirm.html",
        {
            "form": form,
            "version": version,
            "status": selectors.threshold_status(version),
            "levels": selectors.threshold_levels(version.content),
            "active_menu": MENU,
        },
    )


def _sheet_form_kwargs(scope: Scope) -> dict[str, Any]:
    """Where a new sheet may go: a province the user manages, or a national draft."""
    nation = selectors.nation_node()
    return {
        "provinces": _managed_provinces(scope),
        "national": nation is not None and scope.allows(MANAGE, nation),
    }


def _sheet_meta(form: SheetMetaForm, *, typed: bool) -> sheet_import.SheetMeta:
    data = form.cleaned_data
    return sheet_import.SheetMeta(
        unit_type=data["unit_type"],
        sheet=form.unit_code().lower(),
        label=data["label"].strip(),
        title=data["title"].strip(),
        effective_from=data["effective_from"],
        source_document=data["source_document"].strip(),
        verified=data["verified"],
        typed=typed,
    )


@login_required
def sheet_import_view(request: AuthedHttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.can_anywhere(MANAGE):
        raise PermissionDenied
    form = SheetImportForm(request.POST or None, request.FILES or None, **_sheet_form_kwargs(scope))
    problems: list[sheet_import.RowProblem] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            content = sheet_import.parse_sheet_table(
                sheet_import.read_rows(data["file"]), _sheet_meta(form, typed=False)
            )
            version = services.sheet_import_create(
                by=request.user,
                scope=scope,
                content=content,
                province=form.province(),
                source=_("Nhập từ tệp %(name)s") % {"name": data["file"].name},
            )
        except sheet_import.SheetImportError as exc:
            problems = exc.problems
        except DomainError as exc:
            _service_error(form, exc)
        else:
            messages.success(request, _("Đã nhập bảng chấm điểm %(v)s.") % {"v": version})
            return redirect("criteria:version", version.pk)
    return render(
        request,
        "criteria/sheet_import.html",
        {"form": form, "problems": problems, "active_menu": MENU},
    )


@login_required
def sheet_create_view(request: AuthedHttpRequest) -> HttpResponse:
    """The same sheet as an import, its rows typed in a table: checked by the same code."""
    scope = scope_of(request)
    if not scope.can_anywhere(MANAGE):
        raise PermissionDenied
    form = SheetCreateForm(request.POST or None, **_sheet_form_kwargs(scope))
    rows = SheetRowFormSet(request.POST or None, prefix="rows")
    problems: list[sheet_import.RowProblem] = []
    if request.method == "POST" and form.is_valid() and rows.is_valid():
        try:
            content = sheet_import.parse_sheet_table(rows.rows(), _sheet_meta(form, typed=True))
            version = services.sheet_import_create(
                by=request.user,
                scope=scope,
                content=content,
                province=form.province(),
                source=_("Tạo trên giao diện"),
                typed=True,
            )
        except sheet_import.SheetImportError as exc:
            problems = exc.problems
        except DomainError as exc:
            _service_error(form, exc)
        else:
            messages.success(request, _("Đã tạo bảng chấm điểm %(v)s.") % {"v": version})
            return redirect("criteria:version", version.pk)
    bad_rows = {p.row for p in problems if p.row is not None}
    return render(
        request,
        "criteria/sheet_create.html",
        {
            "form": form,
            "rows": rows,
            "numbered_rows": [(n, r, n in bad_rows) for n, r in enumerate(rows.forms, start=1)],
            "problems": problems,
            "active_menu": MENU,
        },
    )


@login_required
def sheet_template(request: AuthedHttpRequest) -> HttpResponse:
    if not scope_of(request).can_anywhere(MANAGE):
        raise PermissionDenied
    out = io.BytesIO()
    sheet_import.write_template(out)
    response = HttpResponse(out.getvalue(), content_type=sheet_import.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="mau-bang-cham-diem.xlsx"'
    return response

"""Administrators correct administrative nodes (names, validity dates) — audited like units."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from antq.accounts.roles import Action
from antq.accounts.scope import scope_of
from antq.core.errors import ConcurrentEditError, DomainError
from antq.core.forms import add_service_errors
from antq.core.http import AuthedHttpRequest
from antq.org import services
from antq.org.access import node_for
from antq.org.models import OrgNode


class NodeForm(forms.ModelForm):  # type: ignore[type-arg]
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = OrgNode
        fields = list(services.ADMIN_NODE_FIELDS)
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version


@login_required
def node_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    node = node_for(scope_of(request), pk, Action.NODE_EDIT)
    if node.is_unit:
        raise Http404
    form = NodeForm(request.POST or None, instance=node)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.node_update(
                by=request.user, node=node, data=data, expected_version=form.cleaned_data["version"]
            )
        except ConcurrentEditError as exc:
            form.add_error(None, str(exc))
        except (DomainError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect(f"{reverse('org:browse')}?node={node.pk}")
    return render(request, "org/node_form.html", {"form": form, "node": node, "active_menu": "org"})

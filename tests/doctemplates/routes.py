"""Access-matrix expectations of the template screens (see tests/test_access_matrix.py).

Only the system administrator holds TEMPLATE_MANAGE: every other persona gets 403 on a province
it sees and 404 on one it does not. Object routes name a province (`where`) and a kind.
"""

from __future__ import annotations

from typing import Any

from antq.doctemplates.choices import TemplateKind
from antq.doctemplates.models import DocumentTemplate
from tests.matrix import Route

WHERE = ("province", "other_province")
KIND = TemplateKind.SCORE_SHEET.value


def _province(personas: dict[str, Any], tree: Any, where: str) -> dict[str, int]:
    return {"province": getattr(tree, where).pk}


def _kind(personas: dict[str, Any], tree: Any, where: str) -> dict[str, Any]:
    return {"province": getattr(tree, where).pk, "kind": KIND}


def _upload(personas: dict[str, Any], tree: Any, where: str) -> dict[str, int]:
    from antq.doctemplates.files import default_text

    upload = DocumentTemplate.objects.create(
        province=getattr(tree, where), kind=KIND, content=default_text(KIND), uploaded_by=personas["admin"]
    )
    return {"pk": upload.pk}


ROUTES: dict[str, Route] = {
    "doctemplates:list": Route("template_manage"),
    "doctemplates:default": Route("template_manage", target=_kind, where=WHERE),
    "doctemplates:province": Route("template_manage", target=_province, where=WHERE),
    "doctemplates:history": Route("template_manage", target=_kind, where=WHERE),
    "doctemplates:current": Route("template_manage", target=_kind, where=WHERE),
    "doctemplates:version": Route("template_manage", target=_upload, where=WHERE),
    # No file: the administrator gets the form back with the error, the others 403/404.
    "doctemplates:upload": Route("template_manage", target=_kind, where=WHERE, method="post"),
    "doctemplates:revert": Route("template_manage", target=_kind, where=WHERE, method="post", ok=(302,)),
}

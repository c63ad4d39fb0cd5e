"""The error answers every operation of the API may give, added to the OpenAPI schema in one place.

Views document their own successes and the refusals particular to them (409 on a stale version,
410 on an expired file…). The answers that come from the framework for every endpoint alike are
added here, so that the schema tells clients the truth without each view repeating them:

* 400 whenever the operation reads a query string or a body (field errors, or a domain rule's
  refusal in {"detail": ...});
* 401 and 403 on every operation that needs a signed-in caller (no or bad token; a role without
  the action);
* 404 whenever the operation names something (path parameter, a node or cycle filter, a page
  cursor, an id in the body): out of scope answers exactly as nonexistent.

Every error body carries a message: {"detail": "..."} or {"<field>": ["...", ...]}. The fuzz test
(tests/test_api_fuzz.py) holds the API to this schema.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

ERROR = "Error"
VALIDATION_ERROR = "ValidationError"
METHODS = {"get", "post", "put", "patch", "delete"}

DESCRIPTIONS = {
    "400": _("Dữ liệu không hợp lệ (lỗi theo trường) hoặc bị quy tắc nghiệp vụ từ chối."),
    "401": _("Chưa đăng nhập, hoặc mã xác thực (token) không hợp lệ."),
    "403": _("Vai trò của bạn không được làm thao tác này ở đây."),
    "404": _("Không tồn tại, hoặc nằm ngoài phạm vi của bạn."),
}


def _component_schemas() -> dict[str, Any]:
    return {
        ERROR: {
            "type": "object",
            "description": str(_("Một lời từ chối kèm thông báo.")),
            "properties": {"detail": {"type": "string", "minLength": 1}},
            "required": ["detail"],
        },
        VALIDATION_ERROR: {
            "type": "object",
            "description": str(
                _(
                    'Lỗi dữ liệu: {"detail": thông báo}, hoặc mỗi trường sai kèm danh sách thông báo '
                    '({"<trường>": ["..."]}; lỗi chung ở non_field_errors).'
                )
            ),
            "minProperties": 1,
            "properties": {
                "detail": {"type": "string", "minLength": 1},
                "non_field_errors": {"type": "array", "items": {"type": "string"}},
            },
            "additionalProperties": True,
        },
    }


def _response(status: str, schema: str) -> dict[str, Any]:
    return {
        "description": str(DESCRIPTIONS[status]),
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def _needs_login(operation: dict[str, Any]) -> bool:
    # drf-spectacular writes `security: [{}]` (or none) for an operation open to anyone.
    return any(requirement for requirement in operation.get("security", []))


def _reads_input(operation: dict[str, Any]) -> bool:
    return bool(operation.get("parameters")) or "requestBody" in operation


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: add the common error answers to every operation."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(_component_schemas())
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            if "400" in responses:
                # A 400 may be field errors as well as a {"detail": ...} refusal.
                responses["400"]["content"] = _response("400", VALIDATION_ERROR)["content"]
            elif _reads_input(operation):
                responses["400"] = _response("400", VALIDATION_ERROR)
            if _needs_login(operation):
                responses.setdefault("401", _response("401", ERROR))
                responses.setdefault("403", _response("403", ERROR))
                if _reads_input(operation):
                    responses.setdefault("404", _response("404", ERROR))
    return result

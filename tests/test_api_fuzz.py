"""Schemathesis against the API's own OpenAPI schema, in process (WSGI), on the test database.

Every operation of the served schema (/api/v1/schema/) gets generated requests: valid ones
("positive": the body, path and query the schema describes) and, for the administrator, invalid
ones ("negative"). Each answer must

* never be a server error (5xx),
* have a status code the schema documents for the operation, in the documented content type,
  with a body valid against the documented schema,
* if it is an error (4xx), be JSON with a message: {"detail": "..."} or {"<field>": ["..."]}.

Callers: the system administrator (the widest reach, most code paths), the commune police (a
scoped role with kind limits) and anonymous (every operation but the token one answers 401).
Examples are few per operation and derandomized, so a run is reproducible and quick; set
ANTQ_FUZZ_EXAMPLES to multiply them for a deeper local run. Requests write to the test
database inside the test's transaction, which is rolled back afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.matrix import error_has_message

# The counts at the end of the run (a terminal-summary hook in tests/matrix.py).

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
SCALE = int(os.environ.get("ANTQ_FUZZ_EXAMPLES", "1"))
# (persona, generation mode, examples per operation)
RUNS = [
    ("admin", GenerationMode.POSITIVE, 5),
    ("admin", GenerationMode.NEGATIVE, 3),
    ("commune_police", GenerationMode.POSITIVE, 3),
    ("anonymous", GenerationMode.POSITIVE, 1),
]
# Operations open to anyone (drf-spectacular's `auth=[]`): the token exchange.
PUBLIC = {"POST /api/v1/auth/token/"}


def test_an_error_without_a_message_is_caught():
    """The message check itself: it accepts DRF's two error shapes and refuses the rest."""
    assert (
        error_has_message(404, "application/json", b'{"detail": "Kh\\u00f4ng t\\u00ecm th\\u1ea5y."}') is None
    )
    assert (
        error_has_message(
            400,
            "application/json",
            b'{"node": ["Tr\\u01b0\\u1eddng n\\u00e0y l\\u00e0 b\\u1eaft bu\\u1ed9c."]}',
        )
        is None
    )
    assert error_has_message(400, "application/json", b'{"node": []}') is not None
    assert error_has_message(403, "application/json", b'{"detail": ""}') is not None
    assert error_has_message(404, "text/html; charset=utf-8", b"<html>") is not None
    assert error_has_message(200, "text/html", b"") is None


@pytest.fixture
def api_schema(tree: Any) -> Iterator[Any]:
    """The schema as served (with the common error answers of antq/api/schema.py), and a
    database with the frameworks loaded, so that evaluation, cycles and their records answer
    from data rather than from an empty database.

    Requests go straight to the WSGI handler, whose request_started/finished signals would close
    the test's database connection (and with it the test transaction, on PostgreSQL): they are
    unhooked while the test runs, as Django's test client does."""
    from antq.criteria import loader
    from config.wsgi import application
    from tests.cycles.routes import framework_files

    loader.apply(framework_files())
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _fuzz(schema: Any, headers: dict[str, str], mode: GenerationMode, examples: int) -> dict[str, Any]:
    stats: dict[str, Any] = {"operations": 0, "examples": 0, "skipped": [], "failures": []}
    for result in schema.get_all_operations():
        operation = result.ok()
        stats["operations"] += 1

        @given(case=operation.as_strategy(mode))
        @settings(
            max_examples=examples * SCALE,
            derandomize=True,
            deadline=None,
            database=None,
            # One DB and one set of personas for all the operations' examples.
            suppress_health_check=list(HealthCheck),
            phases=[Phase.explicit, Phase.generate],
        )
        def run(case: Any) -> None:
            stats["examples"] += 1
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)
            content_type = (response.headers.get("content-type") or [""])[0]
            problem = error_has_message(response.status_code, content_type, response.content or b"")
            label = case.operation.label
            assert problem is None, f"{label}: {problem}"
            if not headers and label not in PUBLIC:
                assert response.status_code == 401, f"{label} anonymous: {response.status_code}"

        try:
            run()
        except Unsatisfiable:
            # Negative mode on an operation with no input at all: nothing can be made invalid.
            stats["skipped"].append(operation.label)
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collect them all, then fail once
            stats["failures"].append(f"== {operation.label}: {exc}")
    return stats


@pytest.mark.parametrize(("persona", "mode", "examples"), RUNS, ids=[f"{p}-{m.value}" for p, m, _ in RUNS])
def test_api_answers_as_documented(request, api_schema, personas, persona, mode, examples, record_property):
    headers = {}
    if persona != "anonymous":
        headers = {"Authorization": f"Token {Token.objects.create(user=personas[persona]).key}"}
    stats = _fuzz(api_schema, headers, mode, examples)
    # Printed at the end of the run by tests/matrix.py's terminal summary.
    record_property(
        "api_fuzz", {k: stats[k] for k in ("operations", "examples")} | {"run": request.node.name}
    )
    assert stats["operations"] >= 100, "the served schema lost its operations"
    assert not stats["failures"], "\n".join(stats["failures"])


@pytest.fixture
def personas(admin: Any, commune_police: Any) -> dict[str, Any]:
    return {"admin": admin, "commune_police": commune_police}

"""PYTEST_DONT_REWRITE (a plugin imported by the routes modules before pytest registers it)

The shape of an access-matrix expectation, shared by `test_access_matrix.py` and the
`tests/<app>/routes.py` modules that declare each app's routes.

A ROUTES key is a URL name ("api:unit-list"), or a URL name and an HTTP method ("api:unit-list POST")
for a second method of the same URL: every operation of the OpenAPI schema needs its own entry.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# The kind of node each tree target of conftest.py is (for actions limited by node kind).
KIND_OF_TARGET = {
    "nation": "nation",
    "province": "province",
    "other_province": "province",
    "commune": "commune",
    "sibling_commune": "commune",
    "other_commune": "commune",
    "unit": "unit",
    "school": "unit",
    "sibling_unit": "unit",
    "other_unit": "unit",
}


def url_name(key: str) -> str:
    """The URL name of a ROUTES key ("api:unit-list POST" → "api:unit-list")."""
    return key.split(" ", 1)[0]


@dataclass
class Route:
    action: str
    # Which object the URL names: a TARGETS entry, "none" (no object), or a builder for
    # objects that are not tree nodes (import jobs, memberships, users).
    target: str | Callable[..., Any] = "none"
    method: str = "get"
    # The body, or `build(personas, tree, where) -> body` for a body that names the case's node.
    data: dict[str, Any] | Callable[..., dict[str, Any]] = field(default_factory=dict)
    ok: tuple[int, ...] = (200,)
    api: bool = False
    # Routes that need no login at all (login page, API docs, schema, token endpoint).
    public: bool = False
    # Routes whose 'none' target is allowed for anyone with the action somewhere in their scope.
    kwarg: str = "pk"
    # For a callable target `build(personas, tree, where) -> url kwargs`: the tree targets to build
    # the object under, one case each (e.g. ("unit", "sibling_unit", "other_unit")). Visibility and
    # the node kind are those of `where`.
    where: tuple[str, ...] = ()
    # The answer when the case's node is out of the persona's scope. 404 when the URL names the
    # object; a create that names its node in the body answers 400 (a field error, which does not
    # reveal whether the node exists), and checks the action anywhere first (403 without it).
    unseen: tuple[int, ...] = (404,)
    # Issued plans are addressed to the levels below their issuer: the object is also read by the
    # personas whose node lies under the case's node (`ANCESTORS` in the matrix).
    read_below: bool = False


# --- API errors ----------------------------------------------------------------------------------


def _message(value: Any) -> bool:
    """A non-empty text somewhere in an error value (a string, or lists/objects of them)."""
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        return any(_message(item) for item in value)
    if isinstance(value, dict):
        return any(_message(item) for item in value.values())
    return False


def error_has_message(status: int, content_type: str, body: bytes) -> str | None:
    """Why a 4xx answer carries no message for the client, or None when it does."""
    if not 400 <= status < 500:
        return None
    if not content_type.startswith("application/json"):
        return f"{status} in {content_type or 'no content type'}, not JSON"
    data = json.loads(body)
    if not isinstance(data, dict) or not _message(data):
        return f"{status} without a message: {body[:200]!r}"
    return None


# --- Terminal summary ----------------------------------------------------------------------------
# Imported by tests/conftest.py, so that under pytest-xdist the controller (which loads the conftest
# but runs no test) writes it. Counts travel in the reports' user_properties, which xdist sends to
# the controller: the fuzz test's as "api_fuzz", any other test's one line as "count".

MATRIX_FILE = "tests/test_access_matrix.py"
FUZZ_FILE = "tests/test_api_fuzz.py"


def _reports(terminalreporter: Any) -> list[Any]:
    return [r for reports in terminalreporter.stats.values() for r in reports if hasattr(r, "nodeid")]


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    """Print the matrix's counts (routes, API operations, personas, targets, cases) and the API
    fuzzing's (operations and examples per run) when they ran."""
    if hasattr(config, "workerinput"):
        return  # an xdist worker: its terminal is not the user's
    reports = _reports(terminalreporter)
    if any(r.nodeid.startswith(MATRIX_FILE) for r in reports):
        from tests import test_access_matrix

        terminalreporter.write_sep("-", "access matrix")
        for line in test_access_matrix.summary():
            terminalreporter.write_line(line)
    fuzz = [
        value
        for r in reports
        if r.nodeid.startswith(FUZZ_FILE) and getattr(r, "when", "") == "call"
        for name, value in getattr(r, "user_properties", [])
        if name == "api_fuzz"
    ]
    if fuzz:
        terminalreporter.write_sep("-", "API fuzzing (schemathesis)")
        for run in fuzz:
            terminalreporter.write_line(
                f"{run['run']}: {run['operations']} operations, {run['examples']} examples"
            )
        total = sum(run["examples"] for run in fuzz)
        terminalreporter.write_line(f"total: {total} requests")
    # A line recorded at teardown is also in that test's later reports: print each once.
    counts = list(
        dict.fromkeys(
            value for r in reports for name, value in getattr(r, "user_properties", []) if name == "count"
        )
    )
    if counts:
        terminalreporter.write_sep("-", "counts")
        for line in counts:
            terminalreporter.write_line(line)

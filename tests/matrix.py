"""The shape of an access-matrix expectation, shared by `test_access_matrix.py` and the
`tests/<app>/routes.py` modules that declare each app's routes."""

from __future__ import annotations

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
    "unit": "unit",
    "sibling_unit": "unit",
    "other_unit": "unit",
}


@dataclass
class Route:
    action: str
    # Which object the URL names: a TARGETS entry, "none" (no object), or a builder for
    # objects that are not tree nodes (import jobs, memberships, users).
    target: str | Callable[..., Any] = "none"
    method: str = "get"
    data: dict[str, Any] = field(default_factory=dict)
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

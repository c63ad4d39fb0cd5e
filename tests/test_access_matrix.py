"""Role × scope matrix over every route of the site and the API.

Each route declares the object it acts on and the action it needs. The expected answer for each
persona is computed from two hand-written tables below (what each persona sees, what it may do),
independent of the application's own Scope code, and compared with the real response:
outside scope → 404, in scope without the action → 403, anonymous → login redirect (UI) or 401
(API). A route without an entry in ROUTES fails `test_every_route_has_an_expectation`; an operation
of the OpenAPI schema (path × method) without one fails `test_every_api_operation_has_an_expectation`.

Each object is tried in every position relative to each persona (`POSITIONS`: its own node, a
child, a sibling, its parent, another province); `test_every_persona_meets_every_position` keeps
it so, and the counts are printed at the end of the run (`tests.matrix`'s terminal summary).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections import Counter
from functools import cache
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from rest_framework.authtoken.models import Token

import tests
from antq.accounts.models import Membership
from antq.accounts.roles import Role
from antq.criteria import loader
from antq.criteria.models import FrameworkVersion
from antq.org.models import OrgNode
from antq.units.models import ImportJob
from tests import factories as f
from tests.conftest import Tree, build_tree
from tests.cycles.routes import framework_files
from tests.matrix import KIND_OF_TARGET, Route, error_has_message, url_name

# The counts at the end of the run (a terminal-summary hook in tests/matrix.py).

PERSONAS = [
    "admin",
    "province_officer",
    "province_leader",
    "inspector",
    "commune_police",
    "commune_leader",
    "unit_officer",
]
TARGETS = [
    "nation",
    "province",
    "commune",
    "unit",
    "school",
    "sibling_commune",
    "sibling_unit",
    "other_province",
    "other_commune",
    "other_unit",
]

# What each persona can see, written out by hand from the tree in conftest.py.
SEES = {
    "admin": set(TARGETS),
    "province_officer": {"province", "commune", "unit", "school", "sibling_commune", "sibling_unit"},
    "province_leader": {"province", "commune", "unit", "school", "sibling_commune", "sibling_unit"},
    "inspector": {"province", "commune", "unit", "school", "sibling_commune", "sibling_unit"},
    "commune_police": {"commune", "unit", "school"},
    "commune_leader": {"commune", "unit", "school"},
    "unit_officer": {"unit"},
}
# Where each tree target stands relative to each persona's own node (the positions). The
# unit officer's sibling is the school of the same commune; a sibling commune's unit counts as a
# sibling (a cousin) too; "other_province" is anything under the other province (for the province
# personas the other province itself is their sibling).
_PROVINCE = {
    "province": "own",
    **dict.fromkeys(["commune", "unit", "school", "sibling_commune", "sibling_unit"], "child"),
    "nation": "parent",
    "other_province": "sibling",
    **dict.fromkeys(["other_commune", "other_unit"], "other_province"),
}
_COMMUNE = {
    "commune": "own",
    "unit": "child",
    "school": "child",
    "sibling_commune": "sibling",
    "sibling_unit": "sibling",
    "province": "parent",
    "nation": "parent",
    **dict.fromkeys(["other_province", "other_commune", "other_unit"], "other_province"),
}
POSITIONS: dict[str, dict[str, str]] = {
    "admin": {"nation": "own", **{t: "child" for t in TARGETS if t != "nation"}},
    "province_officer": _PROVINCE,
    "province_leader": _PROVINCE,
    "inspector": _PROVINCE,
    "commune_police": _COMMUNE,
    "commune_leader": _COMMUNE,
    "unit_officer": {
        "unit": "own",
        "school": "sibling",
        "sibling_unit": "sibling",
        "sibling_commune": "sibling",
        "commune": "parent",
        "province": "parent",
        "nation": "parent",
        **dict.fromkeys(["other_province", "other_commune", "other_unit"], "other_province"),
    },
}
# The tree targets above each persona's node (for objects read by the levels below, `read_below`).
ANCESTORS = {persona: {t for t, p in where.items() if p == "parent"} for persona, where in POSITIONS.items()}
# What each persona may do, written out by hand from the product decisions (not from roles.py).
MAY = {
    "admin": {
        "view",
        "export",
        "unit_create",
        "unit_edit",
        "unit_deactivate",
        "unit_import",
        "membership_manage",
        "audit_view",
        "node_edit",
        "framework_manage",
        "cycle_manage",
        "deadline_set",
        "register",
        "registration_review",
        "evidence_manage",
        "incident_record",
        "self_assess",
        "assessment_review",
        "decision_draft",
        "decision_issue",
        "award_propose",
        "activity_record",
        "force_rate",
        "inspect",
        "plan_manage",
        "report_write",
        "report_review",
        "report_define",
        "template_manage",
    },
    "province_officer": {
        "view",
        "export",
        "unit_create",
        "unit_edit",
        "unit_deactivate",
        "unit_import",
        "membership_manage",
        "audit_view",
        "cycle_manage",
        "deadline_set",
        "registration_review",
        "evidence_manage",
        "incident_record",
        "assessment_review",
        "decision_draft",
        "award_propose",
        "inspect",
        "plan_manage",
        "report_write",
        "report_review",
        "report_define",
    },
    "province_leader": {"view", "export", "audit_view", "decision_issue"},
    "inspector": {"view", "export", "audit_view"},
    "commune_police": {
        "view",
        "export",
        "unit_create",
        "unit_edit",
        "unit_deactivate",
        "unit_import",
        "audit_view",
        "deadline_set",
        "register",
        "registration_review",
        "evidence_manage",
        "incident_record",
        "self_assess",
        "assessment_review",
        "decision_draft",
        "award_propose",
        "activity_record",
        "force_rate",
        "inspect",
        "plan_manage",
        "report_write",
        "report_review",
    },
    "commune_leader": {"view", "export", "audit_view", "decision_issue"},
    "unit_officer": {
        "view",
        "unit_edit",
        "audit_view",
        "register",
        "evidence_manage",
        "self_assess",
        "activity_record",
        "plan_manage",
        "report_write",
    },
}
# Actions a persona has only on some kinds of node (by the product decisions): the commune police
# register and self-assess their commune but review the units below it; decisions are drafted and
# issued at the level of the committee that signs them.
KIND_LIMITS: dict[tuple[str, str], set[str]] = {
    ("commune_police", "register"): {"commune"},
    ("commune_police", "self_assess"): {"commune"},
    ("commune_police", "registration_review"): {"unit"},
    ("commune_police", "assessment_review"): {"unit"},
    ("commune_police", "decision_draft"): {"commune"},
    ("commune_leader", "decision_issue"): {"commune"},
    ("province_officer", "decision_draft"): {"province"},
    ("province_leader", "decision_issue"): {"province"},
    ("province_officer", "registration_review"): {"unit", "commune"},
    ("province_officer", "assessment_review"): {"unit", "commune"},
    ("commune_police", "inspect"): {"unit"},
    ("province_officer", "inspect"): {"unit", "commune"},
    ("commune_police", "plan_manage"): {"commune"},
    ("province_officer", "plan_manage"): {"province"},
    ("commune_police", "force_rate"): {"commune"},
    ("commune_police", "report_write"): {"commune"},
    ("province_officer", "report_write"): {"province"},
    ("commune_police", "report_review"): {"unit"},
    # Province officers also receive the reports of units the province manages directly (tested in
    # tests/reports); the matrix's units sit under a commune, whose police receive theirs.
    ("province_officer", "report_review"): {"commune"},
    ("province_officer", "report_define"): {"province"},
}


def _job(personas, tree):  # type: ignore[no-untyped-def]
    return ImportJob.objects.create(
        created_by=personas["commune_police"],
        node=tree.commune,
        original_name="x.xlsx",
        stored_file="none",
        status=ImportJob.Status.INVALID,
    )


def _no_kwargs(personas, tree, where):  # type: ignore[no-untyped-def]
    """For a create whose URL names nothing: the case's node is named in the body instead."""
    return {}


def _new_unit(personas, tree, where):  # type: ignore[no-untyped-def]
    """A residential area registered under the case's commune."""
    node = getattr(tree, where)
    return {
        "kind": "residential_area",
        "name": "Tổ dân phố 9",
        "code": f"{node.code}-KDC09",
        "parent": node.pk,
    }


def _new_membership(personas, tree, where):  # type: ignore[no-untyped-def]
    """A grant of the unit officer role on the case's unit to a user of its commune."""
    node = getattr(tree, where)
    user = f.user_with_role("nguoi.duoc.cap", Role.COMMUNE_LEADER, node.parent)
    return {"user": user.pk, "node": node.pk, "role": Role.UNIT_OFFICER}


def _missing_path(personas, tree, where):  # type: ignore[no-untyped-def]
    return {"rest": "v1/units/1.5/"}


COMMUNES = ("commune", "sibling_commune", "other_commune")
UNITS = ("unit", "school", "sibling_unit", "other_unit")

ROUTES: dict[str, Route] = {
    "home": Route("view"),
    "healthz": Route("view", public=True),
    "movement": Route("view"),
    "accounts:login": Route("view", public=True, ok=(200, 302)),
    "accounts:logout": Route("view", method="post", ok=(302,), public=True),
    "accounts:user_list": Route("membership_manage"),
    "accounts:user_create": Route("membership_manage"),
    "accounts:user_detail": Route("membership_manage", target="user_in_commune"),
    "accounts:user_set_password": Route(
        "membership_manage",
        target="user_in_commune",
        method="post",
        data={"password": "mot-mat-khau-moi-dai"},
        ok=(302,),
    ),
    "accounts:membership_revoke": Route(
        "membership_manage",
        target="membership_in_commune",
        method="post",
        data={"reason": "Chuyển công tác"},
        ok=(302,),
    ),
    "org:browse": Route("view"),
    "org:node_edit": Route("node_edit", target="commune"),
    "org:switch": Route("view", target="node", method="post", ok=(302,)),
    "units:list": Route("view"),
    "units:create": Route("unit_create", target="commune_anywhere"),
    "units:detail": Route("view", target="unit"),
    "units:edit": Route("unit_edit", target="unit"),
    "units:deactivate": Route(
        "unit_deactivate", target="unit", method="post", data={"reason": "Giải thể", "version": 1}, ok=(302,)
    ),
    "units:reactivate": Route(
        "unit_deactivate",
        target="unit",
        method="post",
        data={"reason": "Hoạt động lại", "version": 1},
        ok=(302,),
    ),
    "units:export": Route("export"),
    "units:import": Route("unit_import", target="commune_anywhere"),
    "units:import_template": Route("unit_import", target="commune_anywhere"),
    "units:import_detail": Route("unit_import", target="own_job"),
    "units:import_progress": Route("unit_import", target="own_job", ok=(200, 286)),
    "units:import_confirm": Route("unit_import", target="own_job", method="post", ok=(302,)),
    "units:import_cancel": Route("unit_import", target="own_job", method="post", ok=(302,)),
    "audit:list": Route("audit_view"),
    # Framework versions: national ones and the Gia Lai variant are seen by every persona (each
    # works in Gia Lai); the Quảng Trị variant only by the administrator. Managing needs the action.
    "criteria:list": Route("view"),
    "criteria:version": Route("view", target="province_variant"),
    "criteria:derive": Route("framework_manage", target="national_version"),
    "criteria:edit": Route("framework_manage", target="province_variant"),
    "criteria:confirm": Route("framework_manage", target="province_variant"),
    "criteria:create": Route("framework_manage"),
    "criteria:import": Route("framework_manage"),
    "criteria:import_template": Route("framework_manage"),
    "api:schema": Route("view", public=True),
    "api:docs": Route("view", public=True),
    # Any other path under /api/ (a malformed id…): a JSON 404 for everyone, signed in or not.
    "api:not-found": Route("view", target=_missing_path, where=("anywhere",), public=True, ok=(404,)),
    "api:token": Route(
        "view",
        method="post",
        data={"username": "khong.co", "password": "sai"},
        ok=(400,),
        public=True,
        api=True,
    ),
    "api:me": Route("view", api=True),
    # A pure computation on the posted sheet: every signed-in role may call it (empty body → 400).
    "api:evaluate": Route("view", method="post", ok=(400,), api=True),
    "api:node-list": Route("view", api=True),
    "api:node-detail": Route("view", target="node", api=True),
    "api:unit-list": Route("view", api=True),
    "api:unit-list POST": Route(
        "unit_create",
        target=_no_kwargs,
        where=COMMUNES,
        method="post",
        data=_new_unit,
        ok=(201,),
        unseen=(400,),
        api=True,
    ),
    "api:unit-detail": Route("view", target="unit", api=True),
    "api:unit-detail PATCH": Route(
        "unit_edit", target="unit", method="patch", data={"people_count": 330, "version": 1}, api=True
    ),
    "api:unit-deactivate": Route(
        "unit_deactivate", target="unit", method="post", data={"reason": "Giải thể", "version": 1}, api=True
    ),
    "api:unit-reactivate": Route(
        "unit_deactivate",
        target="unit",
        method="post",
        data={"reason": "Hoạt động lại", "version": 1},
        api=True,
    ),
    "api:membership-list": Route("membership_manage", api=True),
    "api:membership-list POST": Route(
        "membership_manage",
        target=_no_kwargs,
        where=UNITS,
        method="post",
        data=_new_membership,
        ok=(201,),
        unseen=(400,),
        api=True,
    ),
    "api:membership-detail": Route("membership_manage", target="membership_in_commune", api=True),
    "api:membership-revoke": Route(
        "membership_manage",
        target="membership_in_commune",
        method="post",
        data={"reason": "Chuyển công tác"},
        api=True,
    ),
}


def _app_routes() -> dict[str, Route]:
    """Routes declared by each app's test package (`tests/<app>/routes.py`, a `ROUTES` dict)."""
    found: dict[str, Route] = {}
    for info in pkgutil.iter_modules(tests.__path__):
        if not info.ispkg:
            continue
        try:
            module = importlib.import_module(f"tests.{info.name}.routes")
        except ModuleNotFoundError as exc:
            if exc.name != f"tests.{info.name}.routes":
                raise
            continue
        found.update(module.ROUTES)
    return found


ROUTES.update(_app_routes())


def _all_route_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace in {"admin"} or str(p.pattern).startswith("i18n"):
                    continue
                walk(p.url_patterns, f"{prefix}{p.namespace}:" if p.namespace else prefix)
            elif isinstance(p, URLPattern) and p.name:
                names.add(prefix + p.name)

    walk(get_resolver().url_patterns, "")
    return names


def test_every_route_has_an_expectation():
    named = {url_name(key) for key in ROUTES}
    missing = _all_route_names() - named
    assert not missing, f"Routes without an access expectation: {sorted(missing)}"
    assert not named - _all_route_names(), "Expectations for routes that no longer exist"
    # A second method of a URL is written "name METHOD" and says so in its Route.
    wrong = [key for key in ROUTES if " " in key and key.split(" ", 1)[1] != ROUTES[key].method.upper()]
    assert not wrong, f"Keys naming another method than their Route: {wrong}"


HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


@cache
def api_operations() -> dict[tuple[str, str], str]:
    """Every operation of the OpenAPI schema: (URL name, method) → "METHOD /path"."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = {}
    for path, operations in schema["paths"].items():
        match = resolve(re.sub(r"\{[^}]+\}", "1", path))
        name = ":".join([*match.namespaces, match.url_name])
        for method in set(operations) & HTTP_METHODS:
            found[(name, method)] = f"{method.upper()} {path}"
    return found


def test_every_api_operation_has_an_expectation():
    """Each path × method of the schema is a case of its own (PATCH on a detail URL, POST on a list
    URL…), and each API expectation is a documented operation."""
    operations = api_operations()
    declared = {(url_name(key), route.method) for key, route in ROUTES.items() if route.api}
    missing = sorted(operations[op] for op in set(operations) - declared)
    assert not missing, f"API operations without an access expectation: {missing}"
    undocumented = sorted(f"{m.upper()} {n}" for n, m in declared - set(operations))
    assert not undocumented, f"API expectations for operations the schema does not document: {undocumented}"


# Each persona's login, role and node in the tree (the same accounts as conftest.py's fixtures).
ACCOUNTS = {
    "admin": ("quantri", Role.SYSTEM_ADMIN, "nation"),
    "province_officer": ("tinh.canbo", Role.PROVINCE_OFFICER, "province"),
    "province_leader": ("tinh.lanhdao", Role.PROVINCE_LEADER, "province"),
    "inspector": ("thanhtra", Role.INSPECTOR, "province"),
    "commune_police": ("xa.congan", Role.COMMUNE_POLICE, "commune"),
    "commune_leader": ("xa.lanhdao", Role.COMMUNE_LEADER, "commune"),
    "unit_officer": ("donvi.canbo", Role.UNIT_OFFICER, "unit"),
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The tree, the personas with their API tokens and the national framework versions, built
    once for a run of this module's thousands of cases on one worker, inside a transaction rolled
    back when the run ends. Each case runs in a savepoint of it (pytest-django's `db`), so what one
    case writes is gone before the next; only the ids of this shared part are kept between cases.
    The database is unblocked only to build and to roll back: a test of this module without `db`
    still cannot reach it."""
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
        tree = build_tree()
        users = {
            persona: f.user_with_role(username, role, getattr(tree, where))
            for persona, (username, role, where) in ACCOUNTS.items()
        }
        for user in users.values():
            Token.objects.create(user=user)
        loader.apply(framework_files())
    yield (
        {name: node.pk for name, node in vars(tree).items()},
        {persona: user.pk for persona, user in users.items()},
    )
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def tree(world, db) -> Tree:  # type: ignore[no-untyped-def]
    """Fresh instances for each case: a case that changes a node in memory leaves the next alone."""
    pks = world[0]
    nodes = OrgNode.objects.in_bulk(pks.values())
    return Tree(**{name: nodes[pk] for name, pk in pks.items()})


@pytest.fixture
def personas(world, db) -> dict[str, User]:  # type: ignore[no-untyped-def]
    pks = world[1]
    users = User.objects.in_bulk(pks.values())
    return {persona: users[pk] for persona, pk in pks.items()}


def _resolve_target(route: Route, persona: str | None, personas, tree):  # type: ignore[no-untyped-def]
    """(url kwargs, name of the tree target that decides visibility or None)."""
    target = route.target
    if callable(target):
        # An object built where the case says (`where`), e.g. a registration of the sibling unit.
        where = route.where[0]
        # "anywhere": the object is no node's (the answer does not depend on the persona's scope).
        return target(personas, tree, where), (None if where == "anywhere" else where)
    if target == "none" or target == "commune_anywhere":
        return {}, None
    if target == "user_in_commune":
        user = f.user_with_role("nguoi.moi", Role.COMMUNE_LEADER, tree.commune)
        return {"pk": user.pk}, "commune"
    if target == "membership_in_commune":
        user = f.user_with_role("nguoi.moi", Role.COMMUNE_LEADER, tree.commune)
        return {"pk": Membership.objects.get(user=user).pk}, "commune"
    if target == "own_job":
        job = _job(personas, tree)
        return {"pk": job.pk}, "own_job"
    if target in VERSION_TARGETS:
        return _version(target, personas, tree)
    return {"pk": getattr(tree, target).pk}, target


VERSION_TARGETS = {
    "national_version": None,
    "province_variant": "province",
    "other_variant": "other_province",
}


def _version(target: str, personas, tree):  # type: ignore[no-untyped-def]
    """A framework version (the agency sheet, or a variant of it) and the tree target deciding who
    sees it: None when every persona does (national, or the Gia Lai variant)."""
    from antq.accounts.scope import Scope
    from antq.criteria.services import framework_variant_create

    version = FrameworkVersion.objects.get(framework__code="qd510-cq-dn-csgd", province__isnull=True)
    province = VERSION_TARGETS[target]
    if province is not None:
        admin = personas["admin"]
        version = framework_variant_create(
            by=admin,
            scope=Scope.for_user(admin),
            base_version=version,
            province=getattr(tree, province),
            label="v",
        )
    return {"pk": version.pk}, ("other_province" if target == "other_variant" else None)


def _sees(route: Route, persona: str, visibility: str) -> bool:
    if visibility in SEES[persona]:
        return True
    return route.read_below and visibility in ANCESTORS[persona]


def _expected(route: Route, persona: str | None, visibility: str | None) -> tuple[int, ...]:
    if route.public:
        return route.ok
    if persona is None:
        return (401, 403) if route.api else (302,)
    if visibility == "own_job":
        # Jobs (and notifications) are private to their owner; the fixtures' belong to the commune
        # police.
        if persona != "commune_police":
            return (404,) if route.action in MAY[persona] else (403, 404)
        return route.ok
    if route.unseen != (404,) and route.action not in MAY[persona]:
        # A create naming its node in the body checks the action anywhere first.
        return (403,)
    if visibility is not None and not _sees(route, persona, visibility):
        return route.unseen
    if route.action not in MAY[persona]:
        return (403,)
    limited = KIND_LIMITS.get((persona, route.action))
    if limited is not None and visibility is not None and KIND_OF_TARGET[visibility] not in limited:
        return (403,)
    return route.ok


# Targets checked in their own place and out of the reader's scope.
EXPANDED = {
    # The unit officer's own unit, its sibling in the same commune (the school), a unit of the
    # sibling commune and one of the other province.
    "unit": ["unit", "school", "sibling_unit", "other_unit"],
    # The commune personas' own node, its parent (the province personas' own), a sibling commune
    # and a commune of the other province.
    "commune": ["commune", "province", "sibling_commune", "other_commune"],
    # Any node of the tree: nation (the province personas' parent), both provinces, a commune, a unit.
    "node": ["nation", "province", "commune", "unit", "sibling_commune", "other_province"],
    "province_variant": ["province_variant", "other_variant"],
}


def _targets(route: Route) -> list[Any]:
    if callable(route.target):
        return list(route.where)
    if route.target in EXPANDED:
        return EXPANDED[route.target]
    return [route.target]


CASES = [
    (name, persona, target)
    for name in ROUTES
    for persona in [None, *PERSONAS]
    for target in _targets(ROUTES[name])
]


POSITION_NAMES = ("own", "child", "sibling", "parent", "other_province")
# Objects no tree position decides: private jobs and notifications, framework versions.
UNPOSITIONED = {"own_job", "anywhere", *VERSION_TARGETS}


def _position(persona: str, target: str) -> str | None:
    return POSITIONS[persona].get(target)


def position_counts() -> Counter[tuple[str, str]]:
    """Cases per (persona, position)."""
    return Counter(
        (persona, position)
        for _name, persona, target in CASES
        if persona is not None and (position := _position(persona, target)) is not None
    )


def test_every_persona_meets_every_position():
    """Every role is tried on its own node, a child, a sibling, its parent and another province
    (a unit has no child), and every object route shows each role something out of its reach."""
    counts = position_counts()
    missing = [
        (persona, position)
        for persona in PERSONAS
        if persona != "admin"
        for position in POSITION_NAMES
        if counts[(persona, position)] == 0 and not (persona == "unit_officer" and position == "child")
    ]
    assert not missing, f"Positions never tried: {missing}"
    blind = []
    for name, route in ROUTES.items():
        targets = [t for t in _targets(route) if t not in UNPOSITIONED and t in POSITIONS["admin"]]
        if not targets:
            continue
        for persona in PERSONAS[1:]:
            if all(_sees(route, persona, t) for t in targets):
                blind.append(f"{name} as {persona}")
    assert not blind, f"Object routes tried only inside the persona's scope: {blind}"


def summary() -> list[str]:
    """The counts printed at the end of the run."""
    operations = api_operations()
    counts = position_counts()
    methods = sum(1 for key in ROUTES if " " in key)
    lines = [
        f"access matrix: {len(ROUTES) - methods} routes (+{methods} second methods), "
        f"{len(operations)} API operations, {len(PERSONAS) + 1} personas ({len(PERSONAS)} roles + "
        f"anonymous), {len(TARGETS)} tree targets, {len(CASES)} cases",
    ]
    for persona in PERSONAS:
        per = ", ".join(f"{p} {counts[(persona, p)]}" for p in POSITION_NAMES if counts[(persona, p)])
        lines.append(f"  {persona}: {per}")
    return lines


@pytest.mark.parametrize(
    ("name", "persona", "target"),
    CASES,
    ids=[f"{n.replace(' ', '+')}-{p or 'anonymous'}-{t}" for n, p, t in CASES],
)
def test_route_answers_by_role_and_scope(client, tree, personas, name, persona, target):
    route = ROUTES[name]
    if callable(route.target):
        route = Route(**{**route.__dict__, "where": (target,)})
    else:
        route = Route(**{**route.__dict__, "target": target})
    if persona is not None:
        user = personas[persona]
        if route.api:
            client.defaults["HTTP_AUTHORIZATION"] = f"Token {Token.objects.get(user=user).key}"
        else:
            client.force_login(user)
    kwargs, visibility = _resolve_target(route, persona, personas, tree)
    url = reverse(url_name(name), kwargs=kwargs or None)
    data = route.data(personas, tree, target) if callable(route.data) else route.data
    if route.method in {"put", "patch"}:
        response = getattr(client, route.method)(url, data=data, content_type="application/json")
    else:
        response = getattr(client, route.method)(url, data=data)
    expected = _expected(route, persona, visibility)
    assert response.status_code in expected, (
        f"{route.method.upper()} {url} as {persona or 'anonymous'}: "
        f"{response.status_code}, expected {expected}"
        + (f": {response.content[:300]!r}" if route.api else "")
    )
    if persona is None and not route.public and not route.api:
        assert "/accounts/login/" in response["Location"]
    if url.startswith("/api/") and 400 <= response.status_code < 500:
        # Every refusal of the API is JSON with a message (DRF's {"detail": ...} or field errors).
        problem = error_has_message(response.status_code, response.get("Content-Type", ""), response.content)
        assert problem is None, f"{route.method.upper()} {url} as {persona or 'anonymous'}: {problem}"

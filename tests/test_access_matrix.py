"""Role × scope matrix over every route of the site and the API.

Each route declares the object it acts on and the action it needs. The expected answer for each
persona is computed from two hand-written tables below (what each persona sees, what it may do),
independent of the application's own Scope code, and compared with the real response:
outside scope → 404, in scope without the action → 403, anonymous → login redirect (UI) or 401
(API). A route without an entry in ROUTES fails `test_every_route_has_an_expectation`.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.authtoken.models import Token

import tests
from antq.accounts.models import Membership
from antq.accounts.roles import Role
from antq.criteria.models import FrameworkVersion
from antq.units.models import ImportJob
from tests import factories as f
from tests.matrix import KIND_OF_TARGET, Route

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
    "sibling_commune",
    "sibling_unit",
    "other_province",
    "other_unit",
]

# What each persona can see, written out by hand from the tree in conftest.py.
SEES = {
    "admin": set(TARGETS),
    "province_officer": {"province", "commune", "unit", "sibling_commune", "sibling_unit"},
    "province_leader": {"province", "commune", "unit", "sibling_commune", "sibling_unit"},
    "inspector": {"province", "commune", "unit", "sibling_commune", "sibling_unit"},
    "commune_police": {"commune", "unit"},
    "commune_leader": {"commune", "unit"},
    "unit_officer": {"unit"},
}
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
    "org:switch": Route("view", target="commune", method="post", ok=(302,)),
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
    "api:node-detail": Route("view", target="commune", api=True),
    "api:unit-list": Route("view", api=True),
    "api:unit-detail": Route("view", target="unit", api=True),
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
    missing = _all_route_names() - set(ROUTES)
    assert not missing, f"Routes without an access expectation: {sorted(missing)}"
    assert not set(ROUTES) - _all_route_names(), "Expectations for routes that no longer exist"


@pytest.fixture
def personas(
    admin, province_officer, province_leader, inspector, commune_police, commune_leader, unit_officer
):  # type: ignore[no-untyped-def]
    return {
        "admin": admin,
        "province_officer": province_officer,
        "province_leader": province_leader,
        "inspector": inspector,
        "commune_police": commune_police,
        "commune_leader": commune_leader,
        "unit_officer": unit_officer,
    }


def _resolve_target(route: Route, persona: str | None, personas, tree):  # type: ignore[no-untyped-def]
    """(url kwargs, name of the tree target that decides visibility or None)."""
    target = route.target
    if callable(target):
        # An object built where the case says (`where`), e.g. a registration of the sibling unit.
        where = route.where[0]
        return target(personas, tree, where), where
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
    from antq.criteria import loader
    from antq.criteria.services import framework_variant_create

    loader.apply(loader.read_files())
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


def _expected(route: Route, persona: str | None, visibility: str | None) -> tuple[int, ...]:
    if route.public:
        return route.ok
    if persona is None:
        return (401, 403) if route.api else (302,)
    if visibility == "own_job":
        # Jobs are visible to their creator only; the fixture's job belongs to the commune police.
        if persona != "commune_police":
            return (404,) if route.action in MAY[persona] else (403, 404)
        return route.ok
    if visibility is not None and visibility not in SEES[persona]:
        return (404,)
    if route.action not in MAY[persona]:
        return (403,)
    limited = KIND_LIMITS.get((persona, route.action))
    if limited is not None and visibility is not None and KIND_OF_TARGET[visibility] not in limited:
        return (403,)
    return route.ok


# Targets checked in their own place and out of the reader's scope.
EXPANDED = {
    "unit": ["unit", "sibling_unit", "other_unit"],
    "commune": ["commune", "sibling_commune", "other_province"],
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


@pytest.mark.parametrize(
    ("name", "persona", "target"), CASES, ids=[f"{n}-{p or 'anonymous'}-{t}" for n, p, t in CASES]
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
            client.defaults["HTTP_AUTHORIZATION"] = f"Token {Token.objects.get_or_create(user=user)[0].key}"
        else:
            client.force_login(user)
    kwargs, visibility = _resolve_target(route, persona, personas, tree)
    url = reverse(name, kwargs=kwargs or None)
    response = getattr(client, route.method)(url, data=route.data)
    expected = _expected(route, persona, visibility)
    assert response.status_code in expected, (
        f"{route.method.upper()} {url} as {persona or 'anonymous'}: "
        f"{response.status_code}, expected {expected}"
    )
    if persona is None and not route.public and not route.api:
        assert "/accounts/login/" in response["Location"]

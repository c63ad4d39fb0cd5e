from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from antq.api import views
from antq.api.evaluate import EvaluateView
from antq.coordination import api as coordination_api
from antq.cycles import api as cycles_api
from antq.dashboards import api as dashboards_api
from antq.decisions import api as decisions_api
from antq.doctemplates import api as doctemplates_api
from antq.evidence import api as evidence_api
from antq.exports import api as exports_api
from antq.forces import api as forces_api
from antq.incidents import api as incidents_api
from antq.initiatives import api as initiatives_api
from antq.inspections import api as inspections_api
from antq.notifications import api as notifications_api
from antq.outreach import api as outreach_api
from antq.plans import api as plans_api
from antq.reports import api as reports_api

router = SimpleRouter()
router.register("nodes", views.NodeViewSet, basename="node")
router.register("units", views.UnitViewSet, basename="unit")
router.register("memberships", views.MembershipViewSet, basename="membership")

app_name = "api"
urlpatterns = [
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("v1/auth/token/", views.TokenView.as_view(), name="token"),
    path("v1/me/", views.MeView.as_view(), name="me"),
    path("v1/evaluate", EvaluateView.as_view(), name="evaluate"),
    path("v1/", include(router.urls)),
    # Each domain app owns its endpoints (its own router in `<app>/api.py`), all under /api/v1/.
    path("v1/", include(cycles_api.urlpatterns)),
    path("v1/", include(evidence_api.urlpatterns)),
    path("v1/", include(incidents_api.urlpatterns)),
    path("v1/", include(decisions_api.urlpatterns)),
    path("v1/", include(notifications_api.urlpatterns)),
    path("v1/", include(initiatives_api.urlpatterns)),
    path("v1/", include(forces_api.urlpatterns)),
    path("v1/", include(outreach_api.urlpatterns)),
    path("v1/", include(coordination_api.urlpatterns)),
    path("v1/", include(inspections_api.urlpatterns)),
    path("v1/", include(plans_api.urlpatterns)),
    path("v1/", include(dashboards_api.urlpatterns)),
    path("v1/", include(reports_api.urlpatterns)),
    path("v1/", include(doctemplates_api.urlpatterns)),
    path("v1/", include(exports_api.urlpatterns)),
    # Last: any other path under /api/ ending in "/" answers a JSON 404. Paths without the slash
    # are left to APPEND_SLASH (a redirect to the endpoint, or to this 404).
    re_path(r"^(?P<rest>.*/)$", views.not_found, name="not-found"),
]

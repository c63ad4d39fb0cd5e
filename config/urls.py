from django.contrib import admin
from django.urls import include, path

from antq.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("antq.accounts.urls")),
    path("org/", include("antq.org.urls")),
    path("units/", include("antq.units.urls")),
    path("audit/", include("antq.audit.urls")),
    path("criteria/", include("antq.criteria.urls")),
    path("cycles/", include("antq.cycles.urls")),
    path("evidence/", include("antq.evidence.urls")),
    path("incidents/", include("antq.incidents.urls")),
    path("decisions/", include("antq.decisions.urls")),
    path("movement/", core_views.movement, name="movement"),
    path("initiatives/", include("antq.initiatives.urls")),
    path("forces/", include("antq.forces.urls")),
    path("outreach/", include("antq.outreach.urls")),
    path("coordination/", include("antq.coordination.urls")),
    path("inspections/", include("antq.inspections.urls")),
    path("plans/", include("antq.plans.urls")),
    path("dashboard/", include("antq.dashboards.urls")),
    path("reports/", include("antq.reports.urls")),
    path("templates/", include("antq.doctemplates.urls")),
    path("exports/", include("antq.exports.urls")),
    path("notifications/", include("antq.notifications.urls")),
    path("api/", include("antq.api.urls")),
    path("django-admin/", admin.site.urls),
]

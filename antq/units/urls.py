from django.urls import path

from antq.units import import_views, views

app_name = "units"
urlpatterns = [
    path("", views.unit_list_view, name="list"),
    path("new/", views.unit_create, name="create"),
    path("<int:pk>/", views.unit_detail, name="detail"),
    path("<int:pk>/edit/", views.unit_edit, name="edit"),
    path("<int:pk>/deactivate/", views.unit_set_active, {"active": False}, name="deactivate"),
    path("<int:pk>/reactivate/", views.unit_set_active, {"active": True}, name="reactivate"),
    path("export.xlsx", import_views.export_units, name="export"),
    path("import/", import_views.import_start, name="import"),
    path("import/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("import/<int:pk>/progress/", import_views.import_progress, name="import_progress"),
    path("import/<int:pk>/confirm/", import_views.import_confirm, name="import_confirm"),
    path("import/<int:pk>/cancel/", import_views.import_cancel, name="import_cancel"),
    path("import/template.xlsx", import_views.import_template, name="import_template"),
]

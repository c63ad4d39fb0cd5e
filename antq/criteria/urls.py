from django.urls import path

from antq.criteria import views

app_name = "criteria"
urlpatterns = [
    path("", views.framework_list, name="list"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("versions/<int:pk>/derive/", views.variant_derive, name="derive"),
    path("versions/<int:pk>/edit/", views.variant_edit, name="edit"),
    path("versions/<int:pk>/confirm/", views.thresholds_confirm, name="confirm"),
    path("new/", views.sheet_create_view, name="create"),
    path("import/", views.sheet_import_view, name="import"),
    path("import/template.xlsx", views.sheet_template, name="import_template"),
]

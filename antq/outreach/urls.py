from django.urls import path

from antq.outreach import views

app_name = "outreach"
urlpatterns = [
    path("", views.session_list, name="list"),
    path("new/", views.session_create, name="create"),
    path("<int:pk>/", views.session_detail, name="detail"),
    path("<int:pk>/edit/", views.session_edit, name="edit"),
    path("<int:pk>/import/", views.attendance_import, name="import"),
    path("<int:pk>/withdraw/", views.session_withdraw, name="withdraw"),
    path("<int:pk>/import/confirm/", views.attendance_confirm, name="import_confirm"),
    path("<int:pk>/import/cancel/", views.attendance_cancel, name="import_cancel"),
    path("import-template/", views.import_template, name="import_template"),
    path("reach/<int:node_pk>/<int:year>/", views.reach_page, name="reach"),
    path("festival/", views.festival_list, name="festival_list"),
    path("festival/new/", views.festival_create, name="festival_create"),
    path("festival/<int:pk>/", views.festival_detail, name="festival_detail"),
    path("festival/<int:pk>/edit/", views.festival_edit, name="festival_edit"),
    path("festival/<int:pk>/held/", views.festival_held, name="festival_held"),
]

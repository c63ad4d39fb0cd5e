from django.urls import path

from antq.decisions import meeting_views, views

app_name = "decisions"
urlpatterns = [
    path("", views.decision_list, name="list"),
    path("new/", views.decision_create, name="create"),
    path("<int:pk>/", views.decision_detail, name="detail"),
    path("<int:pk>/edit/", views.decision_edit, name="edit"),
    path("<int:pk>/issue/", views.decision_issue, name="issue"),
    path("<int:pk>/revoke/", views.decision_revoke, name="revoke"),
    path("<int:pk>/cancel/", views.decision_cancel, name="cancel"),
    path("<int:pk>/files/<str:what>", views.decision_file, name="file"),
    path("<int:pk>/files/<str:what>/status/", views.decision_file_status, name="file_status"),
    path("<int:pk>/meeting/", meeting_views.meeting_edit, name="meeting"),
    path("<int:pk>/meeting/<str:doc>.<str:fmt>", meeting_views.meeting_document, name="meeting_document"),
    path("certificates/<int:pk>.pdf", views.unit_certificate, name="certificate"),
    path("units/<int:pk>/", views.unit_status, name="unit_status"),
    path("authorities/<int:pk>/", views.authority_table, name="authorities"),
    path("awards/", views.award_list, name="award_list"),
    path("awards/new/", views.award_create, name="award_create"),
    path("awards/<int:pk>/withdraw/", views.award_withdraw, name="award_withdraw"),
]

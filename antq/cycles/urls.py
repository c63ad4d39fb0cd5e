from django.urls import path

from antq.cycles import document_views, views

app_name = "cycles"
urlpatterns = [
    path("", views.cycle_list, name="list"),
    path("open/", views.cycle_open, name="open"),
    path("review/", views.review_queue, name="review"),
    path("<int:pk>/", views.cycle_detail, name="cycle"),
    path("<int:pk>/deadlines/<int:node>/", views.deadline_set, name="deadline_set"),
    path("units/<int:node>/<int:year>/", views.unit_year, name="unit_year"),
    path("<int:cycle>/units/<int:node>/register/", views.registration_start, name="registration_start"),
    path("<int:cycle>/units/<int:node>/assess/", views.assessment_start, name="assessment_start"),
    path("registrations/<int:pk>/", views.registration_detail, name="registration"),
    path("registrations/<int:pk>/accept/", views.registration_accept, name="registration_accept"),
    path("registrations/<int:pk>/return/", views.registration_return, name="registration_return"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("assessments/<int:pk>/return/", views.assessment_return, name="assessment_return"),
    path("assessments/<int:pk>/preview/", views.assessment_preview, name="assessment_preview"),
    path(
        "assessments/<int:pk>/documents/<str:doc>.<str:fmt>",
        document_views.assessment_document,
        name="assessment_document",
    ),
]

from django.urls import path

from antq.inspections import views

app_name = "inspections"
urlpatterns = [
    path("", views.inspection_list, name="list"),
    path("new/", views.inspection_create, name="create"),
    path("<int:pk>/", views.inspection_detail, name="detail"),
    path("<int:pk>/edit/", views.inspection_edit, name="edit"),
    path("<int:pk>/checklist/", views.inspection_checklist, name="checklist"),
    path("<int:pk>/transition/", views.inspection_transition, name="transition"),
    path("<int:pk>/findings/new/", views.finding_create, name="finding_create"),
    path("findings/<int:pk>/follow-up/", views.finding_follow_up, name="finding_follow_up"),
    path("findings/<int:pk>/close/", views.finding_close, name="finding_close"),
    path("targets/<int:pk>/<int:year>/", views.target, name="target"),
    path("targets/<int:pk>/<int:year>/set/", views.target_set, name="target_set"),
]

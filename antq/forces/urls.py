from django.urls import path

from antq.forces import views

app_name = "forces"
urlpatterns = [
    path("", views.team_list, name="list"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:pk>/", views.team_detail, name="team_detail"),
    path("teams/<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("teams/<int:pk>/dissolve/", views.team_dissolve, name="team_dissolve"),
    path("teams/<int:pk>/reactivate/", views.team_reactivate, name="team_reactivate"),
    path("teams/<int:pk>/members/new/", views.member_create, name="member_create"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("teams/<int:pk>/results/<int:year>/", views.guard_rating, name="guard_rating"),
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/new/", views.round_open, name="round_open"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/submit/", views.round_submit, name="round_submit"),
    path("rounds/<int:pk>/approve/", views.round_approve, name="round_approve"),
    path("rounds/<int:pk>/return/", views.round_return, name="round_return"),
]

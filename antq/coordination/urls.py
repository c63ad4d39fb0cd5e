from django.urls import path

from antq.coordination import views

app_name = "coordination"
urlpatterns = [
    path("", views.coordination_list, name="list"),
    path("agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/end/", views.agreement_end, name="agreement_end"),
    path("agreements/<int:pk>/executions/", views.execution_add, name="execution_add"),
    path("agreements/<int:pk>/meetings/", views.meeting_add, name="meeting_add"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
]

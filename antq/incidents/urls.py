from django.urls import path

from antq.incidents import views

app_name = "incidents"
urlpatterns = [
    path("", views.incident_list, name="list"),
    path("new/", views.incident_create, name="create"),
    path("<int:pk>/", views.incident_detail, name="detail"),
    path("<int:pk>/correct/", views.incident_correct, name="correct"),
    path("<int:pk>/withdraw/", views.incident_withdraw, name="withdraw"),
    path("effects/<int:node_pk>/<int:year>/", views.incident_effects, name="effects"),
]

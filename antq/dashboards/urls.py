from django.urls import path

from antq.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:pk>/", views.node_dashboard, name="node"),
    path("<int:pk>/xlsx/", views.dashboard_xlsx, name="xlsx"),
    path("<int:pk>/list/<str:which>/", views.unit_list, name="list"),
    path("<int:pk>/list/<str:which>/xlsx/", views.unit_list_xlsx, name="list_xlsx"),
]

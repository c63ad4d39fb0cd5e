from django.urls import path

from antq.org import views

app_name = "org"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("switch/<int:pk>/", views.switch, name="switch"),
]

from django.urls import path

from antq.org import node_views, views

app_name = "org"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("switch/<int:pk>/", views.switch, name="switch"),
    path("nodes/<int:pk>/edit/", node_views.node_edit, name="node_edit"),
]

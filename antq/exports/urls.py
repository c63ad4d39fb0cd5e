from django.urls import path

from antq.exports import views

app_name = "exports"

urlpatterns = [
    path("", views.export_list, name="list"),
    path("start/<slug:kind>/", views.export_start, name="start"),
    path("<int:pk>/", views.export_detail, name="detail"),
    path("<int:pk>/progress/", views.export_progress, name="progress"),
    path("<int:pk>/download/", views.export_download, name="download"),
]

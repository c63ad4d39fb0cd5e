from django.urls import path

from antq.evidence import views

app_name = "evidence"
urlpatterns = [
    path("", views.evidence_index, name="index"),
    path("node/<int:pk>/<int:year>/", views.evidence_list_view, name="list"),
    path("node/<int:pk>/<int:year>/upload/", views.evidence_upload, name="upload"),
    path("<int:pk>/", views.evidence_detail, name="detail"),
    path("<int:pk>/edit/", views.evidence_edit, name="edit"),
    path("<int:pk>/links/", views.evidence_links, name="links"),
    path("<int:pk>/withdraw/", views.evidence_withdraw, name="withdraw"),
    path("<int:pk>/download/", views.evidence_download, name="download"),
]

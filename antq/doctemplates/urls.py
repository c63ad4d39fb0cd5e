from django.urls import path

from antq.doctemplates import views

app_name = "doctemplates"

urlpatterns = [
    path("", views.template_list, name="list"),
    path("versions/<int:pk>/download/", views.template_version, name="version"),
    path("<int:province>/", views.template_province, name="province"),
    path("<int:province>/<str:kind>/", views.template_history, name="history"),
    path("<int:province>/<str:kind>/default/", views.template_default, name="default"),
    path("<int:province>/<str:kind>/download/", views.template_current, name="current"),
    path("<int:province>/<str:kind>/upload/", views.template_upload, name="upload"),
    path("<int:province>/<str:kind>/revert/", views.template_revert, name="revert"),
]

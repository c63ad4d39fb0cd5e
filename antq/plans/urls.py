from django.urls import path

from antq.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("cascade/<int:pk>/", views.plan_cascade, name="cascade"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/issue/", views.plan_issue, name="issue"),
    path("<int:pk>/cancel/", views.plan_cancel, name="cancel"),
    path("<int:pk>/docx/", views.plan_docx, name="docx"),
    path("<int:pk>/pdf/", views.plan_pdf, name="pdf"),
    path("<int:pk>/targets/new/", views.target_create, name="target_create"),
    path("targets/<int:pk>/edit/", views.target_edit, name="target_edit"),
    path("targets/<int:pk>/delete/", views.target_delete, name="target_delete"),
    path("<int:pk>/tasks/new/", views.task_create, name="task_create"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/delete/", views.task_delete, name="task_delete"),
    path("tasks/<int:pk>/progress/", views.task_progress, name="task_progress"),
]

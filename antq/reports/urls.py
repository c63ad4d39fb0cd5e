from django.urls import path

from antq.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("board/", views.board, name="board"),
    path("board/xlsx/", views.board_xlsx, name="board_xlsx"),
    path("open/<int:definition>/<int:year>/<int:pk>/", views.report_open, name="open"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/edit/", views.report_edit, name="edit"),
    path("<int:pk>/submit/", views.report_submit, name="submit"),
    path("<int:pk>/accept/", views.report_accept, name="accept"),
    path("<int:pk>/return/", views.report_return, name="return"),
    path("<int:pk>/docx/", views.report_docx, name="docx"),
    path("<int:pk>/pdf/", views.report_pdf, name="pdf"),
    path("definitions/", views.definition_list, name="definitions"),
    path("definitions/new/", views.definition_create, name="definition_create"),
    path("definitions/<int:pk>/edit/", views.definition_edit, name="definition_edit"),
]

from django.urls import path

from antq.initiatives import views

app_name = "initiatives"
urlpatterns = [
    path("", views.initiative_list, name="list"),
    path("new/", views.initiative_create, name="create"),
    path("<int:pk>/", views.initiative_detail, name="detail"),
    path("<int:pk>/edit/", views.initiative_edit, name="edit"),
    path("<int:pk>/members/", views.member_add, name="member_add"),
    path("<int:pk>/members/<int:member_pk>/remove/", views.member_remove, name="member_remove"),
    path("<int:pk>/activities/", views.activity_add, name="activity_add"),
    path("<int:pk>/evaluate/", views.evaluate, name="evaluate"),
    path("<int:pk>/retire/", views.retire, name="retire"),
    path("<int:pk>/replicate/", views.replicate, name="replicate"),
    path("types/", views.type_list, name="types"),
    path("types/new/", views.type_create, name="type_create"),
    path("types/toggle/", views.type_toggle, name="type_toggle"),
    path("types/delete/", views.type_delete, name="type_delete"),
]

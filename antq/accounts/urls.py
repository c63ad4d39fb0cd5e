from django.contrib.auth import views as auth_views
from django.urls import path

from antq.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/password/", views.user_set_password, name="user_set_password"),
    path("memberships/<int:pk>/revoke/", views.membership_revoke, name="membership_revoke"),
]

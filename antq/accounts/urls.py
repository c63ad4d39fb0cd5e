from django.contrib.auth import views as auth_views
from django.urls import path

from antq.accounts import security_views as security
from antq.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", security.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("2fa/", security.otp_verify, name="otp_verify"),
    path("2fa/setup/", security.otp_setup, name="otp_setup"),
    path("2fa/disable/", security.otp_disable, name="otp_disable"),
    path("me/", security.account, name="account"),
    path("me/password/", security.PasswordChangeView.as_view(), name="password_change"),
    path("password-reset/", security.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        security.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/password/", views.user_set_password, name="user_set_password"),
    path("users/<int:pk>/logins/", security.user_login_history, name="user_login_history"),
    path("users/<int:pk>/2fa-reset/", security.user_reset_2fa, name="user_reset_2fa"),
    path("memberships/<int:pk>/revoke/", views.membership_revoke, name="membership_revoke"),
]

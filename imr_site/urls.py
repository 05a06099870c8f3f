from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

# Django's own account views, with the site's templates (templates/registration/). Only log in,
# log out and password change: password reset needs outgoing mail, which this site does not
# send; an administrator resets a password in the admin instead.
account_patterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include(account_patterns)),
    path("", include("decisions.urls")),
]

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from exchange import views
from monitoring.api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/emails/", include("notifications.urls")),
    path("exchanges/", include("meetings.urls")),
    path("escalations/", include("escalation.urls")),
    path("agreements/", include("agreements.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("organisation/", include("organisation.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "exchange.errors.bad_request"
handler403 = "exchange.errors.permission_denied"

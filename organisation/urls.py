from django.urls import path

from organisation import sso, views

app_name = "organisation"

urlpatterns = [
    path("", views.organisation_page, name="page"),
    path("act/", views.organisation_act, name="act"),
    path("import/", views.people_import, name="import"),
    path("invitation/<str:token>/", views.invitation_accept, name="accept"),
    path("setup/<str:token>/", views.first_run, name="first_run"),
    path("sso/start/", sso.start, name="sso_start"),
    path("sso/callback/", sso.callback, name="sso_callback"),
]

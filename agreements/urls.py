from django.urls import path

from agreements import views

app_name = "agreements"

urlpatterns = [
    path("", views.sla_list, name="list"),
    path("verify/", views.verify, name="verify"),
    path("minutes/<int:meeting_pk>.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("for-exchange/<int:meeting_pk>/", views.for_meeting, name="for_meeting"),
    path("<int:pk>/", views.sla_detail, name="detail"),
    path("<int:pk>/amend/", views.amend, name="amend"),
    path("<int:pk>/v<int:number>/", views.sla_detail, name="version"),
    path("<int:pk>/v<int:number>/sign/", views.sign, name="sign"),
    path("<int:pk>/v<int:number>/remind/", views.remind, name="remind"),
    path("<int:pk>/v<int:number>/standing/", views.status_rules, name="status_rules"),
    path("<int:pk>/v<int:number>/pdf/", views.pdf_download, name="pdf"),
    path(
        "<int:pk>/v<int:number>/services/<int:service_pk>/",
        views.service_edit,
        name="service_edit",
    ),
]

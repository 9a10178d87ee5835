from django.urls import path

from monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/mine.ics", views.calendar_download, name="calendar_download"),
    path("calendar/feed/<token:token>.ics", views.calendar_feed, name="feed"),
    path("calendar/exchanges/<int:meeting_pk>.ics", views.meeting_ics, name="meeting_ics"),
    path("", views.overview, name="overview"),
    path("keys/", views.api_tokens, name="api_tokens"),
    path("agreements/<int:pk>/", views.performance, name="performance"),
    path("agreements/<int:pk>/review/", views.review, name="review"),
    path("agreements/<int:pk>/import/", views.import_file, name="import"),
    path("agreements/<int:pk>/report.pdf", views.report_pdf, name="report"),
    path("agreements/<int:pk>/services/<int:service_pk>/record/", views.record, name="record"),
    path(
        "agreements/<int:pk>/measurements/<int:measurement_pk>/correct/",
        views.correct,
        name="correct",
    ),
    path(
        "agreements/<int:pk>/measurements/<int:measurement_pk>/explain/",
        views.explain,
        name="explain",
    ),
    path(
        "agreements/<int:pk>/explanations/<int:explanation_pk>/respond/",
        views.respond,
        name="respond",
    ),
]

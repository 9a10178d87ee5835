from django.urls import path

from meetings import views
from meetings.live import views as live_views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_schedule, name="schedule"),
    path("call/", views.meeting_call, name="call"),
    path("glossary/", views.glossary, name="glossary"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/act/<slug:action>/", views.meeting_act, name="act"),
    path("<int:pk>/minutes/", views.meeting_minutes, name="minutes"),
    path("<int:pk>/needs/<int:list_pk>/", views.need_list, name="need_list"),
    path("<int:pk>/needs/<int:list_pk>/items/", views.need_item_add, name="need_item_add"),
    path(
        "<int:pk>/needs/<int:list_pk>/items/<int:item_pk>/edit/",
        views.need_item_edit,
        name="need_item_edit",
    ),
    path(
        "<int:pk>/needs/<int:list_pk>/items/<int:item_pk>/delete/",
        views.need_item_delete,
        name="need_item_delete",
    ),
    path(
        "<int:pk>/needs/<int:list_pk>/items/<int:item_pk>/move/",
        views.need_item_move,
        name="need_item_move",
    ),
    path(
        "<int:pk>/needs/<int:list_pk>/items/<int:item_pk>/confirm/",
        views.need_item_confirm,
        name="need_item_confirm",
    ),
    path("<int:pk>/needs/<int:list_pk>/ready/", views.need_list_ready, name="need_list_ready"),
    path(
        "<int:pk>/needs/<int:list_pk>/settings/",
        views.need_list_settings,
        name="need_list_settings",
    ),
    path("<int:pk>/live/", live_views.meeting_live, name="live"),
]

from django.urls import path

from meetings import views
from meetings.live import views as live_views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("<int:pk>/live/", live_views.meeting_live, name="live"),
]

from django.urls import path

from escalation import views

app_name = "escalation"

urlpatterns = [
    path("", views.escalation_list, name="list"),
    path("<int:pk>/", views.escalation_detail, name="detail"),
    path("<int:pk>/arbiter/", views.escalation_propose, name="propose"),
    path("<int:pk>/agreement/", views.escalation_heads, name="heads"),
]

"""The product's URLs plus a bare view: the floor a page is compared with.

The bare view goes through the same middleware and session as every page, checks
the login, does one query and renders a small template.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from exchange.urls import urlpatterns as product_urls
from meetings.models import Meeting

BARE = engines["django"].from_string(
    '<!doctype html><html lang="en"><head><title>{{ meeting.place }}</title></head>'
    "<body><h1>{{ meeting.place }}</h1><p>Hello, {{ user.get_full_name }}. Step: "
    "{{ meeting.step }}.</p></body></html>"
)


@login_required
def bare(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = Meeting.objects.only("place", "step").get(pk=pk)
    return HttpResponse(BARE.render({"meeting": meeting}, request))


urlpatterns = [path("bench/bare/<int:pk>/", bare), *product_urls]

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from meetings import selectors


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    meetings = selectors.meetings_for_user(request.user)
    return render(request, "meetings/meeting_list.html", {"meetings": meetings})

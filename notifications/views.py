"""Each person's email preferences: which kinds of email to receive."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from notifications import forms, kinds, services


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """A person's own preferences only: there is no way to name anyone else's."""
    off = services.turned_off(request.user)
    data = request.POST if request.method == "POST" else None
    form = forms.PreferencesForm(data, turned_off=off)
    if request.method == "POST" and form.is_valid():
        services.preferences_set(user=request.user, off=form.turned_off())
        messages.success(request, "Your email preferences are saved.")
        return redirect("notifications:preferences")
    always = [kind for kind in kinds.KINDS if not kind.optional]
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "always": always, "has_address": bool(request.user.email)},
    )

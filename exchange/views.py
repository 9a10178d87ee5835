"""The home page: what needs this person's attention."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from agreements import selectors as agreement_selectors
from escalation import selectors as escalation_selectors
from meetings import permissions as meeting_permissions
from meetings import rules, selectors
from monitoring import selectors as monitoring_selectors
from organisation import permissions as org


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    upcoming = selectors.upcoming_for_user(user)
    facilitating = [m for m in upcoming if m.facilitator_id == user.pk]
    context = {
        "lists_to_prepare": selectors.lists_to_prepare(user),
        "upcoming": [
            {"meeting": m, "step_label": rules.step_label(m), "live": m.step != "preparation"}
            for m in upcoming
        ],
        "facilitating": selectors.preparation_overview(facilitating),
        "can_schedule": meeting_permissions.can_schedule_exchange(user),
        "roles": sorted(org.roles_of(user)),
        "memberships": user.memberships.select_related("department"),
        "to_sign": agreement_selectors.versions_to_sign(user),
        "escalations": escalation_selectors.escalations_for_user(user),
        "monitoring_attention": monitoring_selectors.attention_for(user),
    }
    return render(request, "home.html", context)

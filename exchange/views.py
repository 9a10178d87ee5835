"""The home page: what needs this person's attention."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from agreements import selectors as agreement_selectors
from escalation import selectors as escalation_selectors
from lib.paging import PANEL_SIZE
from meetings import permissions as meeting_permissions
from meetings import rules, selectors
from meetings.models import Step
from monitoring import selectors as monitoring_selectors
from organisation import permissions as org


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    upcoming = selectors.upcoming_for_user(user, limit=PANEL_SIZE)
    facilitating = (
        selectors.facilitating_in_preparation(user, limit=PANEL_SIZE)
        if org.is_facilitator(user)
        else []
    )
    escalations, escalations_count = escalation_selectors.needing_user(user, limit=PANEL_SIZE)
    memberships = list(org.memberships_of(user).values())
    mine = {m.department_id for m in memberships}

    def takes_part(meeting) -> bool:
        """In it: the chair or a member of either department (not someone following it)."""
        return meeting.facilitator_id == user.pk or bool(
            {meeting.department_a_id, meeting.department_b_id} & mine
        )

    entries = [
        {
            "meeting": m,
            "step_label": (
                f"Proposed: waits for {rules.department_of(m, rules.Side(m.time_awaits)).name}"
                " to accept the time"
                if m.is_proposed
                else rules.step_label(m)
            ),
            "live": m.step != Step.PREPARATION,
            "join": m.step != Step.PREPARATION and takes_part(m),
        }
        for m in upcoming
    ]
    context = {
        "lists_to_prepare": selectors.lists_to_prepare(user, limit=PANEL_SIZE),
        "upcoming": entries,
        "join_now": [entry for entry in entries if entry["join"]],
        "facilitating": selectors.preparation_overview(facilitating),
        "can_schedule": meeting_permissions.can_schedule_exchange(user),
        "can_call": meeting_permissions.can_call_exchange(user),
        "roles": sorted(org.roles_of(user)),
        "memberships": memberships,
        "to_sign": agreement_selectors.versions_to_sign(user)[:PANEL_SIZE],
        "escalations": escalations,
        "escalations_count": escalations_count,
        "monitoring_attention": monitoring_selectors.attention_for(user, limit=PANEL_SIZE),
    }
    return render(request, "home.html", context)

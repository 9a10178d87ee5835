"""Escalation pages: the list, the arbiter's workspace, the heads' page, the facilitator's page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from escalation import permissions as esc_permissions
from escalation import selectors, services
from escalation.forms import (
    ArbiterResponseForm,
    ConsentForm,
    NoteForm,
    OutcomeForm,
    ProposeArbiterForm,
    SessionForm,
)
from escalation.models import Escalation, State
from lib.paging import page_of
from meetings.rules import RuleError


def get_escalation_for(user, pk: int) -> Escalation:
    """The escalation with everything its pages show, if ``user`` may see it (else 403)."""
    try:
        escalation = selectors.escalation_with_everything(pk)
    except Escalation.DoesNotExist:
        raise Http404("No such escalation.") from None
    if not esc_permissions.can_view_escalation(user, escalation):
        raise PermissionDenied(
            "This escalation is for the two departments, their facilitator, "
            "the arbiter and managers in remit."
        )
    return escalation


def _roles(user, escalation: Escalation) -> dict[str, Any]:
    return {
        "is_arbiter": esc_permissions.is_the_arbiter(user, escalation),
        "is_facilitator": esc_permissions.proposes_arbiter(user, escalation),
        "headed_department": esc_permissions.headed_department(user, escalation),
        "action_label": selectors.action_for(user, escalation),
    }


@login_required
@require_http_methods(["GET"])
def escalation_list(request: HttpRequest) -> HttpResponse:
    page = page_of(request, selectors.visible_escalations(request.user).order_by("-pk"))
    escalations = selectors.with_actions(request.user, page)
    return render(
        request, "escalation/escalation_list.html", {"escalations": escalations, "page": page}
    )


# --- the arbiter's workspace ----------------------------------------------------------

WORKSPACE_FORMS = {"note": NoteForm, "session": SessionForm, "outcome": OutcomeForm}


def _workspace_forms(escalation: Escalation, data=None, which: str = "") -> dict[str, Any]:
    forms = {}
    for name, form_class in WORKSPACE_FORMS.items():
        kwargs = {"escalation": escalation} if form_class is SessionForm else {}
        bound = data if name == which else None
        forms[f"{name}_form"] = form_class(bound, prefix=name, **kwargs)
    return forms


@login_required
@require_http_methods(["GET", "POST"])
def escalation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The escalation as a thread, with the arbiter's notes, sessions and outcome."""
    escalation = get_escalation_for(request.user, pk)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST" and action not in WORKSPACE_FORMS:
        return _workspace(request, escalation, refusal=("That is not an action here.", 409))
    forms = _workspace_forms(escalation, request.POST or None, action)
    if request.method == "GET":
        return _workspace(request, escalation, forms=forms)

    form = forms[f"{action}_form"]
    if not form.is_valid():
        return _workspace(request, escalation, forms=forms, status=400, region=action)
    data = form.cleaned_data
    try:
        if action == "note":
            services.escalation_add_note(escalation=escalation, by=request.user, text=data["text"])
        elif action == "session":
            services.escalation_record_session(
                escalation=escalation,
                by=request.user,
                held_on=data["held_on"],
                attendees=data["attendees"],
                notes=data["notes"],
            )
        else:
            services.escalation_record_outcome(
                escalation=escalation,
                by=request.user,
                kind=data["kind"],
                reasoning=data["reasoning"],
                no_service_owed=data["no_service_owed"],
                service=data["service"],
                level=data["level"],
                start_date=data["start_date"],
                facilitation_tried=data["facilitation_tried"],
            )
    except RuleError as refused:
        return _workspace(
            request,
            escalation,
            forms=forms,
            refusal=(refused.message, refused.status),
            region=action,
        )
    if action == "outcome":
        messages.success(request, "The outcome is recorded and goes into the agreement.")
        return redirect("escalation:detail", pk=escalation.pk)
    escalation = selectors.escalation_with_everything(escalation.pk)
    if request.htmx:
        return _workspace(request, escalation, region=action)
    return redirect("escalation:detail", pk=escalation.pk)


REGIONS = {"note": "notes", "session": "sessions"}


def _workspace(
    request: HttpRequest,
    escalation: Escalation,
    *,
    forms: dict[str, Any] | None = None,
    refusal: tuple[str, int] | None = None,
    status: int = 200,
    region: str = "",
) -> HttpResponse:
    in_region = bool(request.htmx) and region in REGIONS
    context = {
        "region_refusal": region if in_region and refusal else "",
        "escalation": escalation,
        "item": escalation.item,
        "meeting": escalation.meeting,
        "provider": escalation.meeting.other_department(escalation.item.need_list.department),
        "thread": selectors.escalation_thread(escalation),
        "refusal": refusal[0] if refusal else "",
        **_roles(request.user, escalation),
        **(forms or _workspace_forms(escalation)),
    }
    template = "escalation/escalation_detail.html"
    if in_region:
        template += "#" + REGIONS[region]
    response = render(request, template, context, status=refusal[1] if refusal else status)
    response["Vary"] = "HX-Request"
    return response


# --- the facilitator's page -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def escalation_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """The facilitator proposes an arbiter; both heads then accept the choice or object."""
    escalation = get_escalation_for(request.user, pk)
    if not esc_permissions.proposes_arbiter(request.user, escalation):
        raise PermissionDenied("Only the meeting's chair proposes the arbiter.")
    form = ProposeArbiterForm(request.POST or None, escalation=escalation)
    context: dict[str, Any] = {"escalation": escalation, "item": escalation.item, "form": form}
    if request.method == "GET":
        return render(request, "escalation/escalation_propose.html", context)
    if not form.is_valid():
        return render(request, "escalation/escalation_propose.html", context, status=400)
    try:
        services.escalation_propose_arbiter(
            escalation=escalation,
            by=request.user,
            arbiter=form.cleaned_data["arbiter"],
            note=form.cleaned_data["note"],
        )
    except RuleError as refused:
        context["refusal"] = refused.message
        return render(request, "escalation/escalation_propose.html", context, status=refused.status)
    messages.success(request, "The arbiter is proposed; both heads have been asked to accept.")
    return redirect("escalation:detail", pk=escalation.pk)


# --- the heads' page ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def escalation_heads(request: HttpRequest, pk: int) -> HttpResponse:
    """Each head accepts the proposed arbiter (or objects), then agrees to be bound."""
    escalation = get_escalation_for(request.user, pk)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    response_form = ArbiterResponseForm(request.POST if action == "respond" else None)
    consent_form = ConsentForm(request.POST if action == "consent" else None)
    context: dict[str, Any] = {
        "escalation": escalation,
        "item": escalation.item,
        "proposal": escalation.current_proposal
        if escalation.state == State.AWAITING_ACCEPTANCE
        else None,
        "response_form": response_form,
        "consent_form": consent_form,
        **_roles(request.user, escalation),
    }
    template = "escalation/escalation_heads.html"
    if request.method == "GET":
        return render(request, template, context)
    if action not in ("respond", "consent"):
        context["refusal"] = "That is not an action here."
        return render(request, template, context, status=409)
    form = response_form if action == "respond" else consent_form
    if not form.is_valid():
        return render(request, template, context, status=400)
    try:
        if action == "respond":
            accept = form.cleaned_data["decision"] == "accept"
            services.escalation_respond_to_arbiter(
                escalation=escalation,
                by=request.user,
                accept=accept,
                reason=form.cleaned_data["reason"],
            )
            note = (
                "You accepted the arbiter."
                if accept
                else "Your objection is recorded; the facilitator will propose someone else."
            )
        else:
            services.escalation_consent(escalation=escalation, by=request.user)
            note = "Your department's agreement to be bound is recorded."
    except RuleError as refused:
        context["refusal"] = refused.message
        return render(request, template, context, status=refused.status)
    messages.success(request, note)
    return redirect("escalation:heads", pk=escalation.pk)

"""Pages of an exchange: scheduling, need lists, the live meeting and its minutes."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from lib.paging import page_of
from meetings import forms, permissions, rules, selectors, services, words
from meetings.measures import Direction, Frequency, Kind, TimeUnit
from meetings.models import Meeting, Move, NeedItem, NeedList, Step
from meetings.rules import Role, RuleError
from meetings.templatetags.meeting_tags import CSRF_PLACEHOLDER, compact
from organisation import permissions as org
from organisation.people import display_name

# --- scoped fetch helpers ---------------------------------------------------------------


def get_meeting_for(user, pk: int, *, queryset: QuerySet[Meeting] | None = None) -> Meeting:
    """The meeting, if ``user`` may see it; 404 if there is none, 403 if it is not theirs."""
    meeting = get_object_or_404(
        queryset
        if queryset is not None
        else Meeting.objects.select_related("department_a", "department_b", "facilitator"),
        pk=pk,
    )
    if not permissions.can_view_meeting(user, meeting):
        raise PermissionDenied("This exchange is between other departments.")
    return meeting


def get_need_list_for(user, meeting_pk: int, list_pk: int) -> NeedList:
    need_list = get_object_or_404(
        NeedList.objects.select_related(
            "meeting__department_a", "meeting__department_b", "meeting__facilitator", "department"
        ),
        pk=list_pk,
        meeting_id=meeting_pk,
    )
    if not permissions.can_view_need_list(user, need_list):
        raise PermissionDenied(
            "A need list is visible only to its own department and the facilitator until it "
            "is presented."
        )
    return need_list


def get_item_for(user, need_list: NeedList, item_pk: int) -> NeedItem:
    """A request on this list; a refusal (404) the need list views show in the workspace."""
    item = need_list.items.filter(pk=item_pk).first()
    if item is None:
        raise RuleError("That request is not on this list (it may have been removed).", status=404)
    return item


# --- lists and scheduling ---------------------------------------------------------------


@login_required
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    page = page_of(request, selectors.meetings_for_user(request.user))
    for meeting in page:
        meeting.step_label = "Proposed" if meeting.is_proposed else rules.step_label(meeting)
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "meetings": page,
            "page": page,
            "can_schedule": permissions.can_schedule_exchange(request.user),
            "can_call": permissions.can_call_exchange(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_call(request: HttpRequest) -> HttpResponse:
    """A head calls an exchange with another department, proposing a time and place."""
    if not permissions.can_call_exchange(request.user):
        raise PermissionDenied("Only a department head can call an exchange.")
    form = forms.CallForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_call(by=request.user, **form.cleaned_data)
        except RuleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                f"Exchange called. It waits for {meeting.department_b.name} to accept the time "
                "or propose another; both heads can prepare their need lists meanwhile.",
            )
            return redirect("meetings:detail", pk=meeting.pk)
    status = 400 if form.errors else 200
    return render(request, "meetings/meeting_call.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_schedule(request: HttpRequest) -> HttpResponse:
    if not permissions.can_schedule_exchange(request.user):
        raise PermissionDenied("Only a facilitator or a manager can schedule an exchange.")
    form = forms.ScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_schedule(by=request.user, **form.cleaned_data)
        except services.ScheduleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Exchange scheduled. Both heads can now prepare their needs.")
            return redirect("meetings:detail", pk=meeting.pk)
    status = 400 if form.errors else 200
    return render(request, "meetings/meeting_schedule.html", {"form": form}, status=status)


# --- need lists -------------------------------------------------------------------------


def _need_list_context(request: HttpRequest, need_list: NeedList, **extra: Any) -> dict:
    meeting = need_list.meeting
    can_edit = (
        meeting.step == Step.PREPARATION
        and permissions.can_edit_need_list(request.user, need_list)
        and not need_list.is_ready
    )
    is_head = org.is_head_of(request.user, need_list.department)
    role = permissions.meeting_role(request.user, meeting)
    all_items = list(need_list.items.select_related("need_list"))
    items = permissions.readable_items(role, meeting, all_items)
    context = {
        "meeting": meeting,
        "need_list": need_list,
        "items": items,
        "items_unpresented": len(all_items) - len(items),
        "can_edit": can_edit,
        "is_head": is_head,
        "can_mark_ready": is_head and meeting.step == Step.PREPARATION,
        "frozen": meeting.step != Step.PREPARATION,
        "add_form": extra.pop("add_form", None) or forms.NeedItemForm(),
        "settings_form": forms.NeedListSettingsForm(
            initial={
                "members_may_edit": need_list.members_may_edit,
                "flagged_difficult": need_list.flagged_difficult,
                "difficulty_note": need_list.difficulty_note,
            }
        ),
        "step_label": rules.step_label(meeting),
        "other_department": meeting.other_department(need_list.department),
        "any_unconfirmed": any(i.needs_confirmation for i in items),
    }
    context.update(extra)
    return context


def _render_workspace(
    request: HttpRequest, need_list: NeedList, *, status: int = 200, **extra: Any
) -> HttpResponse:
    need_list.refresh_from_db()
    context = _need_list_context(request, need_list, **extra)
    template = "meetings/need_list.html#workspace" if request.htmx else "meetings/need_list.html"
    return render(request, template, context, status=status)


@login_required
@require_GET
@vary_on_headers("HX-Request")
def need_list(request: HttpRequest, pk: int, list_pk: int) -> HttpResponse:
    need_list = get_need_list_for(request.user, pk, list_pk)
    return _render_workspace(request, need_list)


def _need_list_action(
    request: HttpRequest, pk: int, list_pk: int, action: Callable[[NeedList], Any], done: str
) -> HttpResponse:
    need_list = get_need_list_for(request.user, pk, list_pk)
    try:
        action(need_list)
    except RuleError as error:
        return _render_workspace(request, need_list, status=error.status, error=error.message)
    if not request.htmx:
        messages.success(request, done)
        return redirect("meetings:need_list", pk=pk, list_pk=list_pk)
    return _render_workspace(request, need_list, notice=done)


@login_required
@require_POST
def need_item_add(request: HttpRequest, pk: int, list_pk: int) -> HttpResponse:
    need_list = get_need_list_for(request.user, pk, list_pk)
    form = forms.NeedItemForm(request.POST)
    if not form.is_valid():
        return _render_workspace(
            request, need_list, status=400, add_form=form, error="Please correct the request below."
        )
    try:
        services.need_item_add(
            need_list=need_list,
            by=request.user,
            data=form.item_data,
            confirmed_need=form.cleaned_data["confirmed_need"],
        )
    except RuleError as error:
        return _render_workspace(
            request, need_list, status=error.status, add_form=form, error=error.message
        )
    if not request.htmx:
        messages.success(request, "Request added.")
        return redirect("meetings:need_list", pk=pk, list_pk=list_pk)
    return _render_workspace(request, need_list, notice="Request added.")


@login_required
@require_http_methods(["GET", "POST"])
def need_item_edit(request: HttpRequest, pk: int, list_pk: int, item_pk: int) -> HttpResponse:
    need_list = get_need_list_for(request.user, pk, list_pk)
    try:
        item = get_item_for(request.user, need_list, item_pk)
    except RuleError as error:
        return _workspace_instead_of_item(
            request,
            _render_workspace(request, need_list, status=error.status, error=error.message),
        )
    context = _need_list_context(request, need_list, item=item)
    if request.method == "GET":
        if not context["can_edit"]:
            if not permissions.can_edit_need_list(request.user, need_list):
                status, error = 403, "You cannot edit this need list."
            else:
                status, error = 409, "This list cannot be changed now."
            return _workspace_instead_of_item(
                request, _render_workspace(request, need_list, status=status, error=error)
            )
        context["form"] = forms.NeedItemForm(
            instance=item, initial={"version": item.version, "confirmed_need": item.confirmed_need}
        )
        template = (
            "meetings/need_list.html#item_form" if request.htmx else "meetings/need_item_edit.html"
        )
        return render(request, template, context)
    form = forms.NeedItemForm(request.POST, instance=NeedItem.objects.get(pk=item.pk))
    if not form.is_valid():
        context.update(form=form, error="Please correct the request below.")
        template = (
            "meetings/need_list.html#item_form" if request.htmx else "meetings/need_item_edit.html"
        )
        return render(request, template, context, status=400)
    try:
        services.need_item_update(
            item=item,
            by=request.user,
            data=form.item_data,
            version=form.cleaned_data.get("version") or 0,
            confirmed_need=form.cleaned_data["confirmed_need"],
        )
    except RuleError as error:
        return _workspace_instead_of_item(
            request,
            _render_workspace(request, need_list, status=error.status, error=error.message),
        )
    if not request.htmx:
        messages.success(request, "Request saved.")
        return redirect("meetings:need_list", pk=pk, list_pk=list_pk)
    return _workspace_instead_of_item(
        request, _render_workspace(request, need_list, notice="Request saved.")
    )


def _workspace_instead_of_item(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """The edit form targets its own item; an answer that is the whole workspace goes there."""
    if request.htmx:
        response = reswap(retarget(response, "#workspace"), "outerHTML")
    return response


@login_required
@require_POST
def need_item_delete(request: HttpRequest, pk: int, list_pk: int, item_pk: int) -> HttpResponse:
    def action(need_list: NeedList) -> None:
        services.need_item_remove(
            item=get_item_for(request.user, need_list, item_pk), by=request.user
        )

    return _need_list_action(request, pk, list_pk, action, "Request removed.")


@login_required
@require_POST
def need_item_move(request: HttpRequest, pk: int, list_pk: int, item_pk: int) -> HttpResponse:
    offset = -1 if request.POST.get("direction") == "up" else 1

    def action(need_list: NeedList) -> None:
        item = get_item_for(request.user, need_list, item_pk)
        services.need_item_move(item=item, by=request.user, offset=offset)

    return _need_list_action(request, pk, list_pk, action, "Order changed.")


@login_required
@require_POST
def need_item_confirm(request: HttpRequest, pk: int, list_pk: int, item_pk: int) -> HttpResponse:
    def action(need_list: NeedList) -> None:
        item = get_item_for(request.user, need_list, item_pk)
        services.need_item_confirm(item=item, by=request.user)

    return _need_list_action(request, pk, list_pk, action, "Confirmed as a need.")


@login_required
@require_POST
def need_list_ready(request: HttpRequest, pk: int, list_pk: int) -> HttpResponse:
    ready = request.POST.get("ready") == "1"

    def action(need_list: NeedList) -> None:
        services.need_list_set_ready(need_list=need_list, by=request.user, ready=ready)

    done = "Marked ready. The chair can see it." if ready else "No longer marked ready."
    return _need_list_action(request, pk, list_pk, action, done)


@login_required
@require_POST
def need_list_settings(request: HttpRequest, pk: int, list_pk: int) -> HttpResponse:
    form = forms.NeedListSettingsForm(request.POST)

    def action(need_list: NeedList) -> None:
        if not form.is_valid():
            raise RuleError("The note is too long: keep it under 500 characters.", status=400)
        services.need_list_update_settings(
            need_list=need_list, by=request.user, **form.cleaned_data
        )

    return _need_list_action(request, pk, list_pk, action, "Settings saved.")


# --- the live meeting ------------------------------------------------------------------

AUDIENCES = ["facilitator", "head_a", "member_a", "head_b", "member_b", "observer"]


def audience_for(user, meeting: Meeting) -> str:
    """Which rendering of the meeting this person sees (one per role).

    Everything the page shows is decided from the role alone (``meeting_context``,
    ``permissions.may_read_item``, ``permissions.record_for``), so everyone in one
    audience may read the same things; a rule that looks at more than the role
    needs an audience of its own here.
    """
    role = permissions.meeting_role(user, meeting)
    return str(role) if role else "observer"


def load_meeting(meeting_pk: int, meeting: Meeting | None = None) -> Meeting:
    """The meeting with everything its page shows, for any number of audiences.

    ``meeting``, already loaded for the permission checks, is completed rather
    than read again.
    """
    if meeting is not None and meeting.pk == meeting_pk:
        meeting = selectors.with_everything(meeting)
    else:
        meeting = selectors.meeting_with_everything(meeting_pk)
    meeting.recent_events = list(selectors.events_for(meeting).order_by("-seq")[:8])
    return meeting


def meeting_context(
    meeting_pk: int, role: Role | None, *, meeting: Meeting | None = None, **extra: Any
) -> dict[str, Any]:
    """Everything the meeting page shows to someone in ``role``; decided here, not in templates."""
    meeting = meeting or load_meeting(meeting_pk)
    names = {rules.Side.A: meeting.department_a.name, rules.Side.B: meeting.department_b.name}
    side = rules.side_of_role(role)
    table_side = rules.requests_side(meeting.step)
    lists = {nl.department_id: nl for nl in meeting.need_lists.all()}
    list_a, list_b = lists[meeting.department_a_id], lists[meeting.department_b_id]
    requests = []
    requests_unpresented = 0
    if table_side is not None:
        on_table = list_a if table_side == rules.Side.A else list_b
        for number, item in enumerate(on_table.items.all(), start=1):
            if permissions.may_read_item(role, item, meeting):
                requests.append(_request_view(meeting, item, role, table_side, number))
            else:
                requests_unpresented += 1
    # The request being discussed comes first: on a phone it is what the screen opens on.
    current = [r for r in requests if r["is_current"]]
    others = [r for r in requests if not r["is_current"]]
    missing = rules.exit_blockers(
        meeting, may_read=lambda item: permissions.may_read_item(role, item, meeting)
    )
    steps = [
        {
            "number": rules.step_number(s),
            "label": rules.step_label(meeting, s),
            "state": "done"
            if rules.STEP_ORDER.index(s) < rules.STEP_ORDER.index(meeting.step)
            else ("current" if s == meeting.step else "todo"),
        }
        for s in rules.STEP_ORDER
    ]
    acknowledged = {ack.department_id for ack in meeting.acknowledgements.all()}
    turn = rules.waiting_for(meeting)
    settled = []
    if meeting.step in (Step.CLOSING, Step.CLOSED):
        for need_list in (list_a, list_b):
            for item in need_list.items.all():
                settled.append(
                    {
                        "item": item,
                        "requester": need_list.department,
                        "provider": meeting.other_department(need_list.department),
                    }
                )
    context = {
        "meeting": meeting,
        "role": role,
        "audience": str(role) if role else "observer",
        "is_facilitator": role == Role.FACILITATOR,
        "my_side": side,
        "names": names,
        "step_label": rules.step_label(meeting),
        "step_number": rules.step_number(meeting.step),
        "step_position": rules.step_position(meeting.step),
        "step_help": rules.step_help(meeting),
        "turn": turn,
        "my_move": role is not None and role in turn.roles,
        "waiting_names": _people_for(meeting, turn.roles),
        "is_chair": rules.is_chair(role, meeting),
        "chair_title": rules.chair_title(meeting),
        "chair": chair_person(meeting),
        "needs_facilitator": rules.needs_facilitator(meeting) and not meeting.has_facilitator,
        "can_answer_time": rules.allowed(meeting, role, "answer_time"),
        "can_invite": rules.allowed(meeting, role, "invite_facilitator"),
        "can_answer_invitation": rules.allowed(meeting, role, "answer_invitation"),
        "time_awaits_name": names[rules.Side(meeting.time_awaits)] if meeting.is_proposed else "",
        "facilitator_choices": list(forms.facilitators())
        if rules.allowed(meeting, role, "invite_facilitator")
        else [],
        "readiness": [
            entry | {"mine": side is not None and entry["side"] == side}
            for entry in rules.readiness(meeting)
        ],
        "can_signal": rules.allowed(meeting, role, "signal_ready"),
        "can_timebox": rules.allowed(meeting, role, "set_timebox"),
        "timebox_max": rules.TIMEBOX_MAX_MINUTES,
        "steps": steps,
        "whose_turn": rules.whose_turn(meeting),
        "missing": missing,
        "can_advance": rules.allowed(meeting, role, "advance") and not missing,
        "can_try_advance": rules.allowed(meeting, role, "advance"),
        "can_undo": rules.allowed(meeting, role, "undo_advance")
        and bool(meeting.recent_events)
        and meeting.recent_events[0].kind == "advanced",
        "can_close": rules.allowed(meeting, role, "close"),
        "can_move_current": rules.allowed(meeting, role, "set_current"),
        "next_step_label": rules.step_label(meeting, rules.next_step(meeting.step))
        if rules.next_step(meeting.step)
        else "",
        "table_side": table_side,
        "table_name": names.get(table_side, ""),
        "requests": requests,
        "current_request": current[0] if current else None,
        "other_requests": others,
        "requests_unpresented": requests_unpresented,
        "lists": [
            {
                "need_list": nl,
                "side": "a" if nl.department_id == meeting.department_a_id else "b",
                "visible": permissions.role_sees_need_list(role, nl),
                "count": len(nl.items.all()),
            }
            for nl in (list_a, list_b)
        ],
        "ground_rules": rules.GROUND_RULES,
        "acknowledged_a": meeting.department_a_id in acknowledged,
        "acknowledged_b": meeting.department_b_id in acknowledged,
        "can_acknowledge": rules.allowed(meeting, role, "acknowledge_rules")
        and side is not None
        and rules.department_of(meeting, side).pk not in acknowledged,
        "settled": settled,
        "recent_events": permissions.record_for(meeting.recent_events, role, meeting),
        "reasons": Move.Reason.choices,
        "measure_kinds": Kind.choices,
        "measure_directions": Direction.choices,
        "measure_time_units": TimeUnit.choices,
        "measure_frequencies": Frequency.choices,
        "live_render": False,
    }
    context.update(extra)
    return context


def chair_person(meeting: Meeting):
    """Who chairs, by name and part: "Priya Nair (facilitator)", "Fiona Reid (head of Finance)"."""
    if rules.chair_role(meeting) == Role.FACILITATOR:
        return f"{display_name(meeting.facilitator)} (facilitator)"
    head = meeting.department_a.head
    title = f"head of {meeting.department_a.name}"
    return f"{display_name(head)} ({title})" if head else title


def _people_for(meeting: Meeting, roles: tuple[Role, ...]) -> str:
    """Whom the meeting waits for, by name: "Samira Okafor (head of Sales)"."""
    people = []
    for role in roles:
        if role == Role.FACILITATOR:
            person, title = meeting.facilitator, rules.role_title(meeting, role)
        else:
            side = rules.side_of_role(role)
            department = rules.department_of(meeting, side)
            person, title = department.head, rules.role_title(meeting, role)
            if rules.is_chair(role, meeting):
                title += ", chairing"
        name = display_name(person, nobody="")
        people.append(f"{name} ({title})" if name else title)
    return " and ".join(people)


def _request_view(
    meeting: Meeting, item: NeedItem, role: Role | None, side: rules.Side, number: int = 0
) -> dict:
    remarks = [r for r in meeting.remarks.all() if r.item_id == item.pk]
    summaries = list(item.summaries.all())
    last_summary = summaries[-1] if summaries else None
    moves = list(item.moves.all())
    allowed_moves = rules.moves_for(meeting, item, role)
    return {
        "item": item,
        "number": number,
        "side": str(side),
        "is_current": meeting.current_item_id == item.pk,
        "remarks": remarks,
        "summaries": summaries,
        "last_summary": last_summary,
        "moves": moves,
        "last_counter": next((m for m in reversed(moves) if m.kind == Move.Kind.COUNTER), None),
        "last_no": next((m for m in reversed(moves) if m.kind == Move.Kind.NO), None),
        "can_ask": rules.allowed(meeting, role, "ask_question", item),
        "can_answer": rules.allowed(meeting, role, "answer_question", item),
        "can_strike": rules.allowed(meeting, role, "strike_remark", item),
        "can_summarise": rules.allowed(meeting, role, "write_summary", item)
        and (last_summary is None or last_summary.verdict == "clarify"),
        "can_verdict": rules.allowed(meeting, role, "confirm_summary", item)
        and last_summary is not None
        and last_summary.verdict == "pending",
        "can_escalate": rules.allowed(meeting, role, "escalate", item),
        "can_set_current": rules.allowed(meeting, role, "set_current", item)
        and meeting.current_item_id != item.pk,
        "allowed_moves": allowed_moves,
        "waiting_on": names_for(meeting).get(rules.negotiation_waiting_on(meeting, item))
        if meeting.step in rules.RESPONDING
        else None,
    }


def names_for(meeting: Meeting) -> dict:
    return {rules.Side.A: meeting.department_a.name, rules.Side.B: meeting.department_b.name}


def _role_for_audience(audience: str) -> Role:
    return Role(audience) if audience in AUDIENCES and audience != "observer" else Role.OBSERVER


REGIONS = ("stage", "requests", "console", "record")


def render_regions(meeting_id: int, audience: str) -> dict[str, str]:
    """The HTML of each live region of the meeting page, for one audience.

    Rendered once per audience and sent to every screen of that audience, so the
    cost of a change does not grow with the number of people watching.
    """
    return render_regions_many(meeting_id, [audience])[audience]


def render_regions_many(meeting_id: int, audiences: list[str]) -> dict[str, dict[str, str]]:
    """``render_regions`` for several audiences, loading the meeting from the database once."""
    meeting = load_meeting(meeting_id)
    rendered = {}
    for audience in audiences:
        context = meeting_context(
            meeting_id, _role_for_audience(audience), meeting=meeting, live_render=True
        )
        rendered[audience] = {
            name: compact(render_to_string(f"meetings/meeting.html#{name}", context))
            for name in REGIONS
        }
    return rendered


# --- the page's regions, kept per audience until the meeting changes --------------------

PAGE_REGIONS_KEPT = 60  # (meeting, audience) renderings kept in each server process
_page_regions: OrderedDict[tuple[int, str], tuple[tuple, int, dict[str, str]]] = OrderedDict()
_page_regions_lock = threading.Lock()


def page_regions(meeting: Meeting, role: Role | None, version: tuple) -> tuple[dict[str, str], int]:
    """The page's live regions for whoever plays ``role``, and the event they show.

    What a region shows depends only on the meeting and the audience (the same
    rendering goes to every live screen of that audience), so one rendering per
    audience serves everyone until the meeting changes (``selectors.page_version``).
    The forms' CSRF tokens are a placeholder here; the page's template puts in the
    reader's own (``with_csrf``). ``version`` is ``selectors.page_version``, read
    before ``meeting`` (so that nothing rendered is older than the version it is kept
    under). Should a region ever show something to one person and not to another of
    the same audience, that must become part of the key (and of the live screens'
    audience).
    """
    audience = str(role) if role else "observer"
    key = (meeting.pk, audience)
    with _page_regions_lock:
        kept = _page_regions.get(key)
        if kept is not None and kept[0] == version:
            _page_regions.move_to_end(key)
            return kept[2], kept[1]
    full = load_meeting(meeting.pk, meeting)
    context = meeting_context(meeting.pk, role, meeting=full, csrf_token=CSRF_PLACEHOLDER)
    regions = {
        name: compact(render_to_string(f"meetings/meeting.html#{name}", context))
        for name in REGIONS
    }
    seq = full.recent_events[0].seq if full.recent_events else 0
    with _page_regions_lock:
        _page_regions[key] = (version, seq, regions)
        _page_regions.move_to_end(key)
        while len(_page_regions) > PAGE_REGIONS_KEPT:
            _page_regions.popitem(last=False)
    return regions, seq


@login_required
@require_GET
@vary_on_headers("HX-Request")
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.page_version(pk)
    meeting = get_meeting_for(request.user, pk, queryset=selectors.meeting_for_page(pk))
    role = permissions.meeting_role(request.user, meeting)
    regions, seq = page_regions(meeting, role, version)
    context = {
        "meeting": meeting,
        "chair": chair_person(meeting),
        "audience": str(role) if role else "observer",
        "is_chair": rules.is_chair(role, meeting),
        "live_seq": seq,
        "regions": regions,  # each with its forms' CSRF token put in by the template
    }
    template = "meetings/meeting.html#live" if request.htmx else "meetings/meeting.html"
    return render(request, template, context)


class BadInput(RuleError):
    def __init__(self, form) -> None:
        errors = [
            f"{form.fields[name].label}: {e}" if name in form.fields else str(e)
            for name, field_errors in form.errors.items()
            for e in field_errors
        ]
        super().__init__("Please check what you entered: " + " ".join(errors), status=400)


def _valid(form):
    if not form.is_valid():
        raise BadInput(form)
    return form.cleaned_data


def _item_id(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("item", ""))
    except ValueError:
        raise RuleError("Choose a request first.", status=400) from None


def _remark_id(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("remark", ""))
    except ValueError:
        raise RuleError("That remark no longer exists.", status=400) from None


def _act_negotiate(request: HttpRequest, meeting: Meeting, kind: str) -> str:
    item_id = _item_id(request)
    if kind == Move.Kind.YES:
        form = forms.YesForm(request.POST)
        data = _valid(form)
        services.response_yes(
            meeting=meeting,
            by=request.user,
            item_id=item_id,
            start_date=data["start_date"],
            milestones=data["milestones"],
            measure=form.measure,
        )
        return "Agreed."
    if kind == Move.Kind.COUNTER:
        form = forms.CounterForm(request.POST)
        data = _valid(form)
        services.response_counter(
            meeting=meeting,
            by=request.user,
            item_id=item_id,
            service=data["service"],
            level=data["level"],
            start_date=data["start_date"],
            milestones=data["milestones"],
            measure=form.measure,
        )
        return "Counter-offer made."
    if kind == Move.Kind.NO:
        data = _valid(forms.NoForm(request.POST))
        services.response_no(meeting=meeting, by=request.user, item_id=item_id, **data)
        return "No, with reasons, recorded."
    text = _valid(forms.OptionalTextForm(request.POST))["text"]
    services.response_reply(meeting=meeting, by=request.user, item_id=item_id, kind=kind, text=text)
    return f"{Move.Kind(kind).label}."


def _text(request: HttpRequest) -> str:
    return _valid(forms.TextForm(request.POST))["text"]


def _advance(r: HttpRequest, m: Meeting) -> str:
    services.meeting_advance(meeting=m, by=r.user, expected_step=r.POST.get("step") or None)
    return "Moved on."


def _undo(r: HttpRequest, m: Meeting) -> str:
    services.meeting_undo_advance(meeting=m, by=r.user)
    return "Advance undone."


def _close(r: HttpRequest, m: Meeting) -> str:
    services.meeting_close(meeting=m, by=r.user)
    return "Meeting closed. The agreed services are in the SLA draft."


def _acknowledge(r: HttpRequest, m: Meeting) -> str:
    services.meeting_acknowledge_rules(meeting=m, by=r.user)
    return "Ground rules acknowledged."


def _current(r: HttpRequest, m: Meeting) -> str:
    services.meeting_set_current(meeting=m, by=r.user, item_id=_item_id(r))
    return "Moved to that request."


def _next(r: HttpRequest, m: Meeting) -> str:
    services.meeting_next_request(meeting=m, by=r.user, offset=1)
    return "Next request."


def _previous(r: HttpRequest, m: Meeting) -> str:
    services.meeting_next_request(meeting=m, by=r.user, offset=-1)
    return "Previous request."


def _ask(r: HttpRequest, m: Meeting) -> str:
    services.remark_ask(meeting=m, by=r.user, item_id=_item_id(r), text=_text(r))
    return "Question asked."


def _answer(r: HttpRequest, m: Meeting) -> str:
    services.remark_answer(meeting=m, by=r.user, remark_id=_remark_id(r), answer=_text(r))
    return "Answer recorded."


def _strike(r: HttpRequest, m: Meeting) -> str:
    reason = r.POST.get("text", "")[:300]
    services.remark_strike(meeting=m, by=r.user, remark_id=_remark_id(r), reason=reason)
    return "Remark struck as out of order."


def _summarise(r: HttpRequest, m: Meeting) -> str:
    services.summary_write(meeting=m, by=r.user, item_id=_item_id(r), text=_text(r))
    return "Summary written."


def _confirm_summary(r: HttpRequest, m: Meeting) -> str:
    services.summary_confirm(meeting=m, by=r.user, item_id=_item_id(r))
    return "Summary confirmed."


def _clarify_summary(r: HttpRequest, m: Meeting) -> str:
    services.summary_clarify(meeting=m, by=r.user, item_id=_item_id(r), note=_text(r))
    return "Clarification asked."


def _ready(r: HttpRequest, m: Meeting) -> str:
    ready = r.POST.get("ready") == "1"
    services.meeting_signal_ready(meeting=m, by=r.user, ready=ready)
    return "Signalled. The chair can see it." if ready else "Signal taken back."


def _timebox(r: HttpRequest, m: Meeting) -> str:
    raw = (r.POST.get("minutes") or "").strip()
    if r.POST.get("clear") == "1" or raw in ("", "0"):
        services.meeting_set_timebox(meeting=m, by=r.user, minutes=None)
        return "Time box removed."
    try:
        minutes = int(raw)
    except ValueError:
        raise RuleError("Give the time box in whole minutes.", status=400) from None
    services.meeting_set_timebox(meeting=m, by=r.user, minutes=minutes)
    return f"Time box set: {minutes} minutes."


def _accept_time(r: HttpRequest, m: Meeting) -> str:
    services.meeting_time_accept(meeting=m, by=r.user)
    return "Time and place accepted: the exchange is agreed."


def _propose_time(r: HttpRequest, m: Meeting) -> str:
    data = _valid(forms.ProposeTimeForm(r.POST))
    services.meeting_time_propose(meeting=m, by=r.user, **data)
    return "Another time proposed. It waits for the other head to answer."


def _invite(r: HttpRequest, m: Meeting) -> str:
    data = _valid(forms.InviteFacilitatorForm(r.POST))
    services.meeting_facilitator_invite(meeting=m, by=r.user, facilitator=data["facilitator"])
    return "Facilitator invited. They chair once they accept."


def _accept_invitation(r: HttpRequest, m: Meeting) -> str:
    services.meeting_invitation_answer(meeting=m, by=r.user, accept=True)
    return "Invitation accepted: you chair this exchange."


def _decline_invitation(r: HttpRequest, m: Meeting) -> str:
    services.meeting_invitation_answer(meeting=m, by=r.user, accept=False)
    return "Invitation declined."


def _remind(r: HttpRequest, m: Meeting) -> str:
    try:
        need_list_id = int(r.POST.get("list", ""))
    except ValueError:
        raise RuleError("Choose whose need list to remind.", status=400) from None
    return services.need_list_remind(meeting=m, by=r.user, need_list_id=need_list_id)


def _escalate(r: HttpRequest, m: Meeting) -> str:
    note = r.POST.get("text", "")[:2000]
    services.item_escalate(meeting=m, by=r.user, item_id=_item_id(r), note=note)
    return "Escalated to an arbiter."


ACTIONS: dict[str, Callable[[HttpRequest, Meeting], str]] = {
    "advance": _advance,
    "undo": _undo,
    "close": _close,
    "acknowledge": _acknowledge,
    "current": _current,
    "next": _next,
    "previous": _previous,
    "ask": _ask,
    "answer": _answer,
    "strike": _strike,
    "summarise": _summarise,
    "confirm_summary": _confirm_summary,
    "clarify_summary": _clarify_summary,
    "escalate": _escalate,
    "ready": _ready,
    "timebox": _timebox,
    "accept_time": _accept_time,
    "propose_time": _propose_time,
    "invite": _invite,
    "accept_invitation": _accept_invitation,
    "decline_invitation": _decline_invitation,
    "remind": _remind,
} | {
    f"move_{kind}": (lambda r, m, _kind=kind: _act_negotiate(r, m, _kind))
    for kind in Move.Kind.values
    if kind != Move.Kind.ESCALATE
}


@login_required
@require_POST
def meeting_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Every action in the live meeting: the rules decide, the service does it."""
    meeting = get_meeting_for(request.user, pk)
    handler = ACTIONS.get(action)
    error, status, notice = None, 200, None
    if handler is None:
        error, status = "That is not an action in this meeting.", 404
    else:
        try:
            notice = handler(request, meeting)
        except RuleError as refusal:
            error, status = refusal.message, refusal.status
    if not request.htmx:
        if error:
            context = meeting_context(
                meeting.pk, permissions.meeting_role(request.user, meeting), error=error
            )
            return render(request, "meetings/meeting.html", context, status=status)
        messages.success(request, notice)
        return redirect("meetings:detail", pk=pk)
    if action == "close" and not error:
        return HttpResponseClientRedirect(reverse("meetings:detail", args=[pk]))
    context = meeting_context(
        meeting.pk, permissions.meeting_role(request.user, meeting), error=error, notice=notice
    )
    return render(request, "meetings/meeting.html#live", context, status=status)


@login_required
@require_GET
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for(request.user, pk)
    role = permissions.meeting_role(request.user, meeting)
    sections: list[dict[str, Any]] = []  # consecutive events of one step, in order
    for line in permissions.record_for(selectors.events_for(meeting), role, meeting):
        if not sections or sections[-1]["step"] != line.step:
            label = rules.step_label(meeting, line.step)
            sections.append({"step": line.step, "label": label, "events": []})
        sections[-1]["events"].append(line)
    return render(request, "meetings/minutes.html", {"meeting": meeting, "sections": sections})


@login_required
@require_GET
def glossary(request: HttpRequest) -> HttpResponse:
    """The method's words, and what each step is for (the same text as each step's help)."""
    return render(
        request,
        "meetings/glossary.html",
        {"terms": words.GLOSSARY, "steps": rules.method_steps()},
    )

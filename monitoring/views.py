"""Pages for performance after signing: the record per agreement, and the managers' overview."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import BadRequest, PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements.models import SLA, SLAService
from meetings import permissions as meeting_permissions
from meetings.models import Meeting
from monitoring import charts, ics, imports, permissions, report, selectors, services
from monitoring import review as review_service
from monitoring.forms import (
    CorrectForm,
    ExplanationForm,
    RecordForm,
    RespondForm,
    ReviewForm,
    ReviewRequestForm,
)
from monitoring.models import ApiToken, CalendarToken, Explanation, Measurement
from monitoring.services import MonitoringError
from organisation import permissions as org
from organisation.models import Membership, OrgRole


def get_sla_for(user, pk: int) -> SLA:
    sla = get_object_or_404(
        SLA.objects.select_related(
            "meeting__department_a", "meeting__department_b", "meeting__facilitator"
        ),
        pk=pk,
    )
    if not permissions.can_view_performance(user, sla):
        raise PermissionDenied("This agreement's performance is not yours to see.")
    return sla


def _service_in(sla: SLA, service_pk: int) -> SLAService:
    return get_object_or_404(
        SLAService.objects.select_related("provider", "recipient", "version"),
        pk=service_pk,
        version__sla=sla,
    )


def _page_url(sla: SLA, service: SLAService | None = None) -> str:
    url = reverse("monitoring:performance", kwargs={"pk": sla.pk})
    return f"{url}#measure-{service.pk}" if service is not None else url


def _row_forms(
    row: selectors.PeriodRow,
    record: selectors.MeasureRecord,
    can_record: bool,
    can_respond: bool,
) -> dict[str, Any]:
    """A period with the forms its viewer may use, each with its own field ids."""
    key = f"{record.service.pk}_{row.period.start:%Y%m%d}"
    measurement = row.measurement
    forms: dict[str, Any] = {"row": row}
    if measurement is None:
        if can_record:
            forms["record_form"] = RecordForm(auto_id=f"id_record_{key}_%s", measure=record.measure)
        return forms
    if can_record:
        forms["correct_form"] = CorrectForm(
            auto_id=f"id_correct_{measurement.pk}_%s", measure=record.measure
        )
        if row.needs_explanation:
            forms["explanation_form"] = ExplanationForm(auto_id=f"id_explain_{measurement.pk}_%s")
    if can_respond and row.awaiting_answer:
        forms["respond_form"] = RespondForm(auto_id=f"id_respond_{measurement.pk}_%s")
    return forms


def performance_context(request: HttpRequest, sla: SLA, **extra: Any) -> dict[str, Any]:
    user = request.user
    version = selectors.signed_version(sla)
    records = selectors.performance(sla, version=version)
    every_period = request.GET.get("periods") == "all"
    measures = []
    for record in records:
        can_record = permissions.can_record(user, record.service)
        can_respond = permissions.can_respond(user, record.service)
        shown = record.rows if every_period else selectors.rows_to_show(record)
        measures.append(
            {
                "record": record,
                "chart": charts.chart_for(record),
                "rows": [
                    _row_forms(row, record, can_record, can_respond) for row in reversed(shown)
                ],
                "hidden": len(record.rows) - len(shown),
                # Showing every period of a record long enough to be cut: offer the short one.
                "can_shorten": every_period and len(record.rows) > selectors.PERIODS_SHOWN,
                "can_record": can_record,
                "can_respond": can_respond,
            }
        )
    context = {
        "sla": sla,
        "meeting": sla.meeting,
        "version": version,
        "measures": measures,
        "standing": selectors.standing(version, records),
        "can_import": any(m["can_record"] for m in measures),
        "can_review": review_service.can_open_review(user, sla)
        or review_service.can_request_review(user, sla),
    }
    context.update(extra)
    return context


@login_required
@require_GET
def performance(request: HttpRequest, pk: int) -> HttpResponse:
    sla = get_sla_for(request.user, pk)
    return render(request, "monitoring/performance.html", performance_context(request, sla))


def _fragment(
    request: HttpRequest, sla: SLA, service: SLAService, status: int = 200, **extra: Any
) -> HttpResponse:
    """The one measure's section (for htmx), with a note of what happened."""
    context = performance_context(request, sla)
    key = selectors.lineage_key(service)
    measure = next(
        (m for m in context["measures"] if selectors.lineage_key(m["record"].service) == key),
        None,
    )
    if measure is None:  # the version changed under the form: show the whole page
        return render(request, "monitoring/performance.html", context, status=status)
    measure.update(extra)
    context["measure"] = measure
    return render(request, "monitoring/performance.html#measure", context, status=status)


def _errors(form: Form | None) -> list[str]:
    if form is None:
        return []
    return [
        f"{form.fields[name].label}: {error}" if name in form.fields else error
        for name, errors in form.errors.items()
        for error in errors
    ]


def _refused(
    request: HttpRequest,
    sla: SLA,
    service: SLAService,
    message: str,
    status: int,
    form: Form | None = None,
) -> HttpResponse:
    if request.htmx:
        return _fragment(
            request, sla, service, status, refusal=message, refusal_details=_errors(form)
        )
    context = performance_context(request, sla, refusal=message, refusal_details=_errors(form))
    return render(request, "monitoring/performance.html", context, status=status)


def _run(request: HttpRequest, sla: SLA, form: Form, action, done: str, service: SLAService):
    """Validate, call the service, then show the measure again (htmx) or redirect to it."""
    if not form.is_valid():
        return _refused(
            request, sla, service, "Nothing was saved: check what you wrote.", 400, form
        )
    try:
        action(form.cleaned_data)
    except MonitoringError as refusal:
        return _refused(request, sla, service, refusal.message, refusal.status)
    if request.htmx:
        return _fragment(request, sla, service, done=done)
    messages.success(request, done)
    return redirect(_page_url(sla, service))


@login_required
@require_POST
def record(request: HttpRequest, pk: int, service_pk: int) -> HttpResponse:
    sla = get_sla_for(request.user, pk)
    service = _service_in(sla, service_pk)

    def act(data: dict[str, Any]) -> None:
        services.measurement_record(
            service=service,
            period_start=data["period_start"],
            by=request.user,
            value_text=data["value_text"],
            met=data.get("met"),
            note=data["note"],
        )

    return _run(request, sla, RecordForm(request.POST), act, "Measurement recorded.", service)


def _measurement_in(sla: SLA, measurement_pk: int) -> Measurement:
    return get_object_or_404(
        Measurement.objects.select_related("service__version"),
        pk=measurement_pk,
        service__version__sla=sla,
    )


@login_required
@require_POST
def correct(request: HttpRequest, pk: int, measurement_pk: int) -> HttpResponse:
    sla = get_sla_for(request.user, pk)
    measurement = _measurement_in(sla, measurement_pk)

    def act(data: dict[str, Any]) -> None:
        services.measurement_correct(
            measurement=measurement,
            by=request.user,
            value_text=data["value_text"],
            met=data.get("met"),
            reason=data["reason"],
        )

    return _run(
        request, sla, CorrectForm(request.POST), act, "Correction recorded.", measurement.service
    )


@login_required
@require_POST
def explain(request: HttpRequest, pk: int, measurement_pk: int) -> HttpResponse:
    sla = get_sla_for(request.user, pk)
    measurement = _measurement_in(sla, measurement_pk)

    def act(data: dict[str, Any]) -> None:
        services.explanation_write(measurement=measurement, by=request.user, **data)

    done = "Explanation sent to the recipient."
    return _run(request, sla, ExplanationForm(request.POST), act, done, measurement.service)


@login_required
@require_POST
def respond(request: HttpRequest, pk: int, explanation_pk: int) -> HttpResponse:
    sla = get_sla_for(request.user, pk)
    explanation = get_object_or_404(
        Explanation.objects.select_related("measurement__service"),
        pk=explanation_pk,
        measurement__service__version__sla=sla,
    )

    def act(data: dict[str, Any]) -> None:
        services.explanation_respond(
            explanation=explanation,
            by=request.user,
            acknowledge=data["decision"] == "acknowledge",
            note=data["note"],
        )

    return _run(
        request,
        sla,
        RespondForm(request.POST),
        act,
        "Answer recorded.",
        explanation.measurement.service,
    )


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """Every agreement the person may see: for a manager, every one in their remit."""
    sort = request.GET.get("sort", "issues")
    if sort.lstrip("-") not in selectors.SORTS:
        sort = "issues"
    page, summaries = selectors.overview_page(request.user, sort, request.GET.get("page"))
    context = {
        "summaries": summaries,
        "page": page,
        "sort": sort,
        "manager": org.is_manager(request.user),
        "is_head": Membership.objects.filter(user=request.user, role=Membership.Role.HEAD).exists(),
    }
    return render(request, "monitoring/overview.html", context)


@login_required
@require_GET
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The quarterly report: ``?quarter=2026-Q2``, by default the last complete quarter."""
    sla = get_sla_for(request.user, pk)
    if "quarter" in request.GET:
        quarter = report.Quarter.parse(request.GET["quarter"])
        if quarter is None:
            raise BadRequest("Choose a quarter written like 2026-Q2.")
    else:
        quarter = report.Quarter.last_complete(timezone.localdate())
    data = report.report_pdf(sla, quarter)
    response = HttpResponse(data, content_type="application/pdf")
    filename = f"performance-{sla.pk}-{quarter.slug}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _facilitators():
    return (
        get_user_model()
        .objects.filter(org_roles__role=OrgRole.Role.FACILITATOR, is_active=True)
        .order_by("first_name", "last_name")
    )


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a review exchange from the agreement (facilitators, managers), or ask for one (heads)."""
    sla = get_sla_for(request.user, pk)
    user = request.user
    may_schedule = review_service.can_open_review(user, sla)
    calling = not may_schedule and review_service.can_call_review(user, sla)
    may_open = may_schedule or calling
    may_ask = review_service.can_request_review(user, sla)
    if not (may_open or may_ask):
        raise PermissionDenied("Only the heads, a facilitator or a manager review an agreement.")
    asking = request.method == "POST" and may_ask and "ask" in request.POST
    context: dict[str, Any] = {
        "sla": sla,
        "meeting": sla.meeting,
        "version": selectors.signed_version(sla),
        "under_way": review_service.open_review(sla),
        "may_open": may_open,
        "calling": calling,
        "may_ask": may_ask,
    }
    form = ReviewForm(
        request.POST if request.method == "POST" and may_open and not asking else None,
        facilitators=_facilitators(),
        calling=calling,
        initial={
            "facilitator": None if calling else sla.meeting.facilitator_id,
            "place": sla.meeting.place,
        },
    )
    ask_form = ReviewRequestForm(request.POST if asking else None)
    context.update(form=form, ask_form=ask_form)
    if request.method == "POST":
        try:
            if may_open and not asking:
                if not form.is_valid():
                    return render(request, "monitoring/review.html", context, status=400)
                meeting = review_service.review_open(sla=sla, by=user, **form.cleaned_data)
                messages.success(
                    request,
                    (
                        "Review exchange proposed: the other head accepts the time or proposes "
                        "another. The need lists start from the agreement's services."
                        if calling
                        else "Review exchange scheduled. The need lists start from the "
                        "agreement's services; the heads now edit them as usual."
                    ),
                )
                return redirect("meetings:detail", pk=meeting.pk)
            ask_form.is_valid()
            review_service.review_request(
                sla=sla, by=user, note=ask_form.cleaned_data.get("note", "")
            )
            messages.success(request, "The facilitator has been asked to open a review exchange.")
            return redirect(_page_url(sla))
        except MonitoringError as refusal:
            context["refusal"] = refusal.message
            return render(request, "monitoring/review.html", context, status=refusal.status)
    return render(request, "monitoring/review.html", context)


# --- calendars -------------------------------------------------------------------------


def _ics(calendar, filename: str, *, attachment: bool = True) -> HttpResponse:
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=0"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def calendar_page(request: HttpRequest) -> HttpResponse:
    """The person's calendar feed address; POST makes a new secret (the old one stops working)."""
    if request.method == "POST":
        CalendarToken.objects.filter(user=request.user).delete()
        messages.success(request, "A new feed address was made; the old one no longer works.")
        return redirect("monitoring:calendar")
    token, _ = CalendarToken.objects.get_or_create(user=request.user)
    feed = request.build_absolute_uri(reverse("monitoring:feed", kwargs={"token": token.token}))
    return render(request, "monitoring/calendar.html", {"feed": feed})


@login_required
@require_GET
def calendar_download(request: HttpRequest) -> HttpResponse:
    return _ics(ics.calendar_for(request.user), "expectations-exchange.ics")


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """For calendar apps: no session, the secret in the address says whose calendar it is."""
    found = CalendarToken.objects.select_related("user").filter(token=token).first()
    if found is None or not found.user.is_active:
        raise Http404("No such calendar.")
    return _ics(ics.calendar_for(found.user), "expectations-exchange.ics", attachment=False)


@login_required
@require_GET
def meeting_ics(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    meeting = get_object_or_404(
        Meeting.objects.select_related("department_a", "department_b"), pk=meeting_pk
    )
    if not meeting_permissions.can_view_meeting(request.user, meeting):
        raise PermissionDenied("This exchange is not yours to see.")
    return _ics(ics.calendar_for_meeting(meeting), f"exchange-{meeting.pk}.ics")


# --- keys for other systems ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """A head's keys for their department's other systems: make one (shown once), revoke."""
    departments = [
        m.department
        for m in Membership.objects.filter(
            user=request.user, role=Membership.Role.HEAD
        ).select_related("department")
    ]
    context: dict[str, Any] = {"departments": departments}
    if not departments:
        if request.method == "POST":
            raise PermissionDenied("Only a department's head makes keys for other systems.")
        return render(request, "monitoring/api_tokens.html", context)
    status = 200
    if request.method == "POST":
        try:
            if "revoke" in request.POST:
                token = get_object_or_404(
                    ApiToken, pk=request.POST.get("revoke"), department__in=departments
                )
                services.api_token_revoke(token=token, by=request.user)
                messages.success(request, f"“{token.name}” revoked: it no longer works.")
                return redirect("monitoring:api_tokens")
            department = next(
                (d for d in departments if str(d.pk) == request.POST.get("department")),
                departments[0],
            )
            made, secret = services.api_token_create(
                department=department, by=request.user, name=request.POST.get("name", "")
            )
            context.update(new_token=made, secret=secret)
        except MonitoringError as refusal:
            context["refusal"], status = refusal.message, refusal.status
    context["tokens"] = ApiToken.objects.filter(department__in=departments).select_related(
        "department", "created_by"
    )[:200]
    context["api_url"] = request.build_absolute_uri("/api/v1/")
    return render(request, "monitoring/api_tokens.html", context, status=status)


# --- importing a file of measurements ----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_file(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a CSV or XLSX, see each row's result or errors, then confirm to save them all."""
    sla = get_sla_for(request.user, pk)
    version = selectors.signed_version(sla)
    in_force = list(selectors.measured_services(version)) if version else []
    mine = [s for s in in_force if permissions.can_record(request.user, s)]
    if not mine:
        raise PermissionDenied("Only the providing department imports its figures.")
    context: dict[str, Any] = {"sla": sla, "meeting": sla.meeting, "services": mine}
    today = timezone.localdate()
    if request.method == "GET":
        return render(request, "monitoring/import.html", context)
    if "confirm" in request.POST:
        try:
            filename, rows = imports.unsign(request.POST.get("rows", ""))
        except signing.BadSignature:
            context["refusal"] = "That preview has expired or was changed: upload the file again."
            return render(request, "monitoring/import.html", context, status=400)
        preview = imports.check(
            services_in_force=in_force, user=request.user, filename=filename, rows=rows, today=today
        )
        try:
            counts = imports.apply(preview=preview, user=request.user, today=today)
        except MonitoringError as refusal:
            context.update(preview=preview, refusal=refusal.message)
            return render(request, "monitoring/import.html", context, status=refusal.status)
        messages.success(
            request,
            f"Imported from {filename}: {counts['recorded']} recorded, {counts['corrected']} "
            f"corrected, {counts['unchanged']} unchanged.",
        )
        return redirect(_page_url(sla))
    upload = request.FILES.get("file")
    if upload is None:
        context["refusal"] = "Choose a CSV or XLSX file."
        return render(request, "monitoring/import.html", context, status=400)
    if upload.size > imports.MAX_BYTES:
        context["refusal"] = "The file is over 2 MB: split it by period."
        return render(request, "monitoring/import.html", context, status=400)
    preview = imports.preview_file(
        services_in_force=in_force,
        user=request.user,
        filename=upload.name,
        data=upload.read(),
        today=today,
    )
    context["preview"] = preview
    return render(
        request, "monitoring/import.html", context, status=200 if preview.is_valid else 400
    )

"""Pages for service level agreements: read, complete, sign, download, verify."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements import links, pdf, permissions, sealing, selectors, services
from agreements.forms import (
    AmendForm,
    MeasureConfirmForm,
    ServiceDetailsForm,
    SignForm,
    StatusRulesForm,
    VerifyForm,
)
from agreements.models import SLA, SLAService, SLAVersion
from agreements.services import AgreementError
from lib.paging import page_of
from meetings import permissions as meeting_permissions
from meetings.models import Meeting
from organisation.people import client_ip


def get_sla_for(user, pk: int) -> SLA:
    sla = get_object_or_404(
        SLA.objects.select_related(
            "meeting__department_a", "meeting__department_b", "meeting__facilitator"
        ),
        pk=pk,
    )
    if not permissions.can_view_sla(user, sla):
        raise PermissionDenied("This agreement is not yours to see.")
    return sla


def get_version_for(user, pk: int, number: int | None = None) -> SLAVersion:
    sla = get_sla_for(user, pk)
    versions = sla.versions.defer("pdf")
    version = (
        versions.order_by("-number").first()
        if number is None
        else versions.filter(number=number).first()
    )
    if version is None:
        raise Http404("No such version.")
    return version


def _client_ip(request: HttpRequest) -> str | None:
    return client_ip(request)


def _detail_context(request: HttpRequest, version: SLAVersion, **extra: Any) -> dict[str, Any]:
    version = selectors.version_for_print(version.pk)
    sla = version.sla
    meeting = sla.meeting
    user = request.user
    department = permissions.department_headed_in(user, sla)
    signed_departments = {s.department_id for s in version.signatures.all()}
    service_list = list(version.services.all())
    a, b = meeting.department_a, meeting.department_b
    incomplete = [s for s in service_list if s.missing]
    signer = (
        department
        if department is not None
        and version.is_editable
        and department.pk not in signed_departments
        else None
    )
    context = {
        "sla": sla,
        "version": version,
        "meeting": meeting,
        "versions": list(sla.versions.defer("pdf").order_by("number")),
        "directions": [
            (b, a, [s for s in service_list if s.provider_id == b.pk]),
            (a, b, [s for s in service_list if s.provider_id == a.pk]),
        ],
        "services": service_list,
        "incomplete": incomplete,
        "to_confirm": [s for s in service_list if s.measure_needs_confirming],
        "can_confirm": department is not None and version.status == "signed",
        "can_edit": version.is_editable and permissions.can_edit_sla(user, sla),
        "can_amend": not version.is_editable
        and version.number == max(v.number for v in sla.versions.all())
        and permissions.can_edit_sla(user, sla),
        # A head still to sign sees the form once the version can be signed, and until
        # then what is missing (``sign_waits_for``).
        "sign_department": signer if not incomplete else None,
        "sign_waits_for": signer if incomplete else None,
        "content_sha256": services.content_sha256(version),
        "can_view_minutes": meeting_permissions.can_view_meeting(user, meeting),
        "to_remind": services.unsigned_departments(version)
        if version.number == max(v.number for v in sla.versions.all())
        and services.may_remind_signers(user, version)
        else [],
    }
    context.setdefault("sign_form", SignForm(initial={"content_sha256": context["content_sha256"]}))
    context.setdefault("amend_form", AmendForm())
    context.setdefault("rules_form", StatusRulesForm(instance=version, auto_id="id_rules_%s"))
    context.update(extra)
    return context


@login_required
@require_GET
def sla_list(request: HttpRequest) -> HttpResponse:
    page = page_of(request, selectors.slas_for_user(request.user).order_by("-pk"))
    return render(request, "agreements/sla_list.html", {"slas": page, "page": page})


DOCUMENTS_REGION = "sla-documents"


@login_required
@require_GET
def sla_detail(request: HttpRequest, pk: int, number: int | None = None) -> HttpResponse:
    version = get_version_for(request.user, pk, number)
    if request.htmx and request.htmx.target == DOCUMENTS_REGION:
        # The documents card polls itself while the PDF is awaited: a light read.
        sla = version.sla
        context = {
            "sla": sla,
            "version": version,
            "meeting": sla.meeting,
            "can_view_minutes": meeting_permissions.can_view_meeting(request.user, sla.meeting),
        }
        response = render(request, "agreements/sla_detail.html#documents", context)
    else:
        response = render(request, "agreements/sla_detail.html", _detail_context(request, version))
    response["Vary"] = "HX-Request, HX-Target"
    return response


@login_required
@require_GET
def for_meeting(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    """The agreement a closed exchange produced (a review's: the version it developed)."""
    meeting = get_object_or_404(Meeting, pk=meeting_pk)
    if not meeting_permissions.can_view_meeting(request.user, meeting):
        raise PermissionDenied("This exchange is between other departments.")
    sla_id = selectors.sla_id_for(meeting)
    if sla_id is None:
        raise Http404("This exchange has not produced an agreement yet.")
    return redirect("agreements:detail", pk=get_sla_for(request.user, sla_id).pk)


def _confirm_password(request: HttpRequest, password: str) -> None:
    """The signer's password, checked the way signing in checks it, so that guesses count
    towards the same lockout (django-axes): after too many, this person is locked out from
    this address, and the lockout page answers instead of the agreement page."""
    user = authenticate(request, username=request.user.get_username(), password=password)
    if user is None or user.pk != request.user.pk:
        raise services.WrongPassword()


@login_required
@require_POST
def sign(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = get_version_for(request.user, pk, number)
    form = SignForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, version, sign_form=form)
        return render(request, "agreements/sla_detail.html", context, status=400)
    try:
        _confirm_password(request, form.cleaned_data["password"])
        services.sla_sign(
            version=version,
            by=request.user,
            password=form.cleaned_data["password"],
            ip_address=_client_ip(request),
            expected_sha256=form.cleaned_data["content_sha256"],
        )
    except AgreementError as refusal:
        form = SignForm(initial={"content_sha256": services.content_sha256(version)})
        context = _detail_context(request, version, sign_form=form, sign_error=refusal.message)
        return render(request, "agreements/sla_detail.html", context, status=refusal.status)
    version.refresh_from_db(fields=["status"])
    if version.status == "signed":
        messages.success(
            request,
            "You signed. Both heads have now signed: the PDF is being sealed, and its download "
            "link appears on this page when it is ready.",
        )
    else:
        messages.success(request, "You signed. The agreement now waits for the other head.")
    return redirect(permissions.version_url(version))


@login_required
@require_POST
def remind(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The chair reminds a head who has not signed (the service checks who and how often)."""
    version = get_version_for(request.user, pk, number)
    try:
        department_id = int(request.POST.get("department", ""))
    except ValueError:
        department_id = 0
    try:
        notice = services.sla_remind_signer(
            version=version, by=request.user, department_id=department_id
        )
    except AgreementError as refusal:
        context = _detail_context(request, version, remind_error=refusal.message)
        return render(request, "agreements/sla_detail.html", context, status=refusal.status)
    messages.success(request, notice)
    return redirect(permissions.version_url(version))


@login_required
@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, pk: int, number: int, service_pk: int) -> HttpResponse:
    version = get_version_for(request.user, pk, number)
    service = get_object_or_404(
        SLAService.objects.select_related("provider", "recipient"), pk=service_pk, version=version
    )
    if not permissions.can_edit_sla(request.user, version.sla):
        raise PermissionDenied("Only the two heads and the facilitator can complete the agreement.")
    context = {"version": version, "sla": version.sla, "service": service}
    if not version.is_editable:
        if service.measure_needs_confirming and version.status == "signed":
            return _confirm_measure(request, version, service, context)
        context["refusal"] = "This version is signed and can no longer change."
        return render(request, "agreements/service_edit.html", context, status=409)
    form = ServiceDetailsForm(request.POST if request.method == "POST" else None, instance=service)
    if request.method == "POST" and form.is_valid():
        had_signatures = version.signatures.exists()
        try:
            services.sla_service_update(service=service, by=request.user, data=form.cleaned_data)
        except AgreementError as refusal:
            context.update(form=form, refusal=refusal.message)
            return render(request, "agreements/service_edit.html", context, status=refusal.status)
        except ValidationError as error:
            form.add_error(None, error)
            context["form"] = form
            return render(request, "agreements/service_edit.html", context, status=400)
        note = (
            " The signature already given was cleared; the head will be told."
            if (had_signatures and not version.signatures.exists())
            else ""
        )
        messages.success(request, f"“{service.service}” updated.{note}")
        return redirect(permissions.version_url(version))
    context["form"] = form
    return render(
        request,
        "agreements/service_edit.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def status_rules(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The heads set how the agreement's standing is judged (in a draft)."""
    version = get_version_for(request.user, pk, number)
    if not permissions.can_edit_sla(request.user, version.sla):
        raise PermissionDenied("Only the two heads and the facilitator can complete the agreement.")
    form = StatusRulesForm(
        request.POST, instance=SLAVersion.objects.get(pk=version.pk), auto_id="id_rules_%s"
    )
    if form.is_valid():
        try:
            services.sla_status_rules_update(
                version=version, by=request.user, data=form.cleaned_data
            )
        except AgreementError as refusal:
            context = _detail_context(request, version, refusal=refusal.message)
            return render(request, "agreements/sla_detail.html", context, status=refusal.status)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Standing rules saved.")
            return redirect(permissions.version_url(version))
    context = _detail_context(request, version, rules_form=form)
    return render(request, "agreements/sla_detail.html", context, status=400)


def _confirm_measure(
    request: HttpRequest, version: SLAVersion, service: SLAService, context: dict[str, Any]
) -> HttpResponse:
    """A signed service whose target was only ever text: a head says how it is read."""
    if permissions.department_headed_in(request.user, version.sla) is None:
        raise PermissionDenied("Only the two heads confirm how a measure is read.")
    form = MeasureConfirmForm(request.POST if request.method == "POST" else None, instance=service)
    context.update(form=form, confirming=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.sla_measure_confirm(service=service, by=request.user, data=form.cleaned_data)
        except AgreementError as refusal:
            context["refusal"] = refusal.message
            return render(request, "agreements/service_edit.html", context, status=refusal.status)
        messages.success(request, f"The measure of “{service.service}” is confirmed.")
        return redirect(permissions.version_url(version))
    status = 400 if request.method == "POST" else 200
    return render(request, "agreements/service_edit.html", context, status=status)


@login_required
@require_POST
def amend(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_version_for(request.user, pk)
    form = AmendForm(request.POST)
    if not permissions.can_edit_sla(request.user, version.sla):
        raise PermissionDenied("Only the two heads and the facilitator can amend the agreement.")
    if not form.is_valid():
        context = _detail_context(request, version, amend_form=form)
        return render(request, "agreements/sla_detail.html", context, status=400)
    try:
        amendment = services.sla_amend(
            sla=version.sla, by=request.user, reason=form.cleaned_data["reason"]
        )
    except AgreementError as refusal:
        context = _detail_context(request, version, amend_error=refusal.message)
        return render(request, "agreements/sla_detail.html", context, status=refusal.status)
    messages.success(request, f"Version {amendment.number} started. Both heads sign it again.")
    return redirect(permissions.version_url(amendment))


@require_GET
def pdf_download(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The stored sealed bytes, for a signed-in person who may see the agreement.

    A link is never a key: the agreement page's link names the person it was made for
    (``links``) and is honoured only in that person's own active session. Signed out
    (or deactivated, which ends every session) leads to the login page; a link forwarded
    to someone else is refused. Three queries: the session, the person, and the version
    with the permission in one (``selectors.version_for_download``).
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user = request.user
    token = request.GET.get("t")
    if token is not None and links.user_id_for(token, pk, number) not in (None, user.pk):
        raise PermissionDenied(
            "This download link was made for someone else. Open the agreement page to "
            "download it as yourself, if it is yours to see."
        )
    version = selectors.version_for_download(user.pk, pk, number)
    if version is None or not version.visible:
        sla = get_sla_for(user, pk)  # 403 for others, 404 if there is no such agreement
        if version is None:
            raise Http404("No such version.")
        if not permissions.can_download_pdf(user, sla):
            raise PermissionDenied("You cannot download this agreement.")
    if not version.pdf_sha256 or version.pdf is None:
        raise Http404("This version has no signed PDF yet.")
    data = version.pdf
    response = HttpResponse(data, content_type="application/pdf")
    filename = f"sla-{pk}-v{version.number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Length"] = str(len(data))
    response["ETag"] = f'"{version.pdf_sha256}"'
    response["Cache-Control"] = "private, max-age=0, must-revalidate"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.POST, request.FILES) if request.method == "POST" else VerifyForm()
    context: dict[str, Any] = {"form": form}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data["document"].read()
            digest = hashlib.sha256(data).hexdigest()
            check = sealing.check_seal(data)
            version = selectors.version_by_pdf_sha256(digest) if check.ok else None
            context.update(checked=True, check=check, version=version, digest=digest)
            if check.ok and version is None:
                context["problem"] = (
                    "The seal is ours and intact, but this system has no record of this exact file."
                )
            elif not check.ok:
                context["problem"] = check.problem
        else:
            status = 400
    return render(request, "agreements/verify.html", context, status=status)


@login_required
@require_GET
def minutes_pdf(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    meeting = get_object_or_404(
        Meeting.objects.select_related("department_a", "department_b", "facilitator"),
        pk=meeting_pk,
    )
    role = meeting_permissions.meeting_role(request.user, meeting)
    if role is None:
        raise PermissionDenied("These minutes are not yours to see.")
    data = pdf.html_to_pdf(pdf.minutes_html(meeting, role))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="minutes-{meeting.pk}.pdf"'
    return response

"""The organisation page (administrators), invitations and the first run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from organisation import forms, permissions, selectors, services
from organisation.models import Department, OrgRole
from organisation.people import display_name
from organisation.services import OrganisationError

FIRST_RUN_SALT = "organisation.first-run"
FIRST_RUN_MAX_AGE = 7 * 24 * 3600


def require_administrator(request: HttpRequest) -> None:
    if not permissions.is_administrator(request.user):
        raise PermissionDenied("Only the organisation's administrators can change it.")


def _department(pk: Any) -> Department:
    try:
        return Department.objects.get(pk=int(pk))
    except (Department.DoesNotExist, TypeError, ValueError):
        raise OrganisationError("That department is not in the organisation.") from None


def _person(pk: Any):
    try:
        return get_user_model().objects.get(pk=int(pk))
    except (get_user_model().DoesNotExist, TypeError, ValueError):
        raise OrganisationError("That person is not in the organisation.") from None


def _page_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    holders = selectors.role_holders()
    page, people = selectors.people_page(
        query=request.GET.get("q", ""), page=request.GET.get("page", 1)
    )
    context = {
        "departments": selectors.departments_with_people(),
        "role_groups": [(value, label, holders[value]) for value, label in OrgRole.Role.choices],
        "role_labels": dict(OrgRole.Role.choices),
        "people_page": page,
        "people": people,
        "query": request.GET.get("q", ""),
        "changes": selectors.recent_changes(),
        "department_form": forms.DepartmentForm(),
        "invite_form": forms.InviteForm(),
        "sso_enabled": bool(getattr(settings, "OIDC_RP_CLIENT_ID", "")),
    }
    context.update(extra)
    return context


@login_required
@require_GET
def organisation_page(request: HttpRequest) -> HttpResponse:
    require_administrator(request)
    template = "organisation/organisation.html"
    if request.htmx:
        template += "#workspace"
    return render(request, template, _page_context(request))


# --- actions -------------------------------------------------------------------------


def _act_department_create(request: HttpRequest) -> str:
    form = forms.DepartmentForm(request.POST)
    if not form.is_valid():
        raise OrganisationError("Give the department a name (120 characters at most).")
    department = services.department_create(by=request.user, name=form.cleaned_data["name"])
    return f"{department.name} created."


def _act_department_rename(request: HttpRequest) -> str:
    department = _department(request.POST.get("department"))
    form = forms.DepartmentForm(request.POST)
    if not form.is_valid():
        raise OrganisationError("Give the department a name (120 characters at most).")
    services.department_rename(
        by=request.user, department=department, name=form.cleaned_data["name"]
    )
    return f"Renamed to {department.name}."


def _act_set_head(request: HttpRequest) -> str:
    department = _department(request.POST.get("department"))
    person = _person(request.POST.get("person"))
    services.department_set_head(by=request.user, department=department, user=person)
    return f"{display_name(person)} now heads {department.name}."


def _act_move(request: HttpRequest) -> str:
    person = _person(request.POST.get("person"))
    value = request.POST.get("department", "")
    department = _department(value) if value else None
    services.person_move(by=request.user, user=person, department=department)
    return f"{display_name(person)} moved to {department.name if department else 'no department'}."


def _act_roles(request: HttpRequest) -> str:
    person = _person(request.POST.get("person"))
    form = forms.RolesForm(request.POST)
    if not form.is_valid():
        raise OrganisationError("Choose roles from the list.")
    services.person_set_roles(
        by=request.user,
        user=person,
        roles=form.cleaned_data["roles"],
        remit=form.cleaned_data["remit"],
    )
    return f"{display_name(person)}'s roles saved."


def _act_invite(request: HttpRequest) -> str | dict[str, Any]:
    form = forms.InviteForm(request.POST)
    if not form.is_valid():
        return {"invite_form": form}
    invitation = services.person_invite(by=request.user, person=form.person())
    return f"Invitation sent to {invitation.user.email}."


def _act_resend(request: HttpRequest) -> str:
    person = _person(request.POST.get("person"))
    services.invitation_resend(by=request.user, user=person)
    return f"A new invitation is on its way to {person.email}."


def _act_revoke(request: HttpRequest) -> str:
    person = _person(request.POST.get("person"))
    services.invitation_revoke(by=request.user, user=person)
    return f"{display_name(person)}'s invitation no longer works."


def _act_deactivate(request: HttpRequest) -> str:
    person = _person(request.POST.get("person"))
    services.person_deactivate(by=request.user, user=person)
    return f"{display_name(person)} can no longer sign in. Everything they did is kept."


def _act_reactivate(request: HttpRequest) -> str:
    person = _person(request.POST.get("person"))
    services.person_reactivate(by=request.user, user=person)
    return f"{display_name(person)} can sign in again."


ACTIONS: dict[str, Callable[[HttpRequest], str | dict[str, Any]]] = {
    "department_create": _act_department_create,
    "department_rename": _act_department_rename,
    "set_head": _act_set_head,
    "move": _act_move,
    "roles": _act_roles,
    "invite": _act_invite,
    "resend": _act_resend,
    "revoke": _act_revoke,
    "deactivate": _act_deactivate,
    "reactivate": _act_reactivate,
}


@login_required
@require_POST
def organisation_act(request: HttpRequest) -> HttpResponse:
    """Every change on the organisation page: one table of actions, one refusal type."""
    require_administrator(request)
    action = ACTIONS.get(request.POST.get("action", ""))
    status, extra = 200, {}
    try:
        if action is None:
            raise OrganisationError("That is not something this page can do.", 400)
        result = action(request)
    except OrganisationError as refused:
        status, extra = refused.status, {"error": refused.message}
    else:
        if isinstance(result, dict):
            status, extra = 400, {**result, "error": "Check the highlighted fields."}
        else:
            extra = {"notice": result}
    if not request.htmx:
        if "error" in extra and status != 400:
            messages.error(request, extra["error"])
        elif "notice" in extra:
            messages.success(request, extra["notice"])
        if status == 400:
            return render(
                request,
                "organisation/organisation.html",
                _page_context(request, **extra),
                status=400,
            )
        return redirect("organisation:page")
    return render(
        request,
        "organisation/organisation.html#workspace",
        _page_context(request, **extra),
        status=status,
    )


# --- importing people -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def people_import(request: HttpRequest) -> HttpResponse:
    """Upload a CSV of people, see every row's problems, then apply all or nothing."""
    require_administrator(request)
    context: dict[str, Any] = {"form": forms.ImportForm()}
    status = 200
    if request.method == "POST":
        form = forms.ImportForm(request.POST, request.FILES)
        context["form"] = form
        if not form.is_valid():
            status = 400
        else:
            preview = forms.preview_import(form.cleaned_data["csv_text"])
            context.update(preview=preview, csv_text=form.cleaned_data["csv_text"])
            if not preview.ok:
                status = 400
            elif request.POST.get("confirm") == "yes":
                try:
                    invitations = services.people_import(
                        by=request.user, people=[row.person for row in preview.rows]
                    )
                except OrganisationError as refused:
                    context["error"], status = refused.message, refused.status
                else:
                    messages.success(
                        request, f"{len(invitations)} people imported; their invitations are sent."
                    )
                    return redirect("organisation:page")
    return render(request, "organisation/import.html", context, status=status)


# --- invitations --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invitee sets a password, is signed in and lands on their home page."""
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "organisation/invitation_invalid.html", status=404)
    form = forms.AcceptForm(request.POST or None, user=invitation.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(token=token, password=form.cleaned_data["password1"])
        except OrganisationError:
            return render(request, "organisation/invitation_invalid.html", status=404)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome. This is your home page: what waits for you is here.")
        return redirect("home")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "organisation/invitation_accept.html",
        {"form": form, "invitation": invitation},
        status=status,
    )


# --- the first run --------------------------------------------------------------------------


def first_run_token() -> str:
    """A one-time setup link's token (valid until an administrator exists, or 7 days)."""
    return signing.dumps("first-run", salt=FIRST_RUN_SALT)


def _first_run_open() -> bool:
    return not OrgRole.objects.filter(
        role=OrgRole.Role.ADMINISTRATOR, user__is_active=True
    ).exists()


@require_http_methods(["GET", "POST"])
def first_run(request: HttpRequest, token: str) -> HttpResponse:
    try:
        signing.loads(token, salt=FIRST_RUN_SALT, max_age=FIRST_RUN_MAX_AGE)
    except signing.BadSignature:
        raise Http404("This setup link is not valid (or has expired).") from None
    if not _first_run_open():
        raise Http404("This organisation is already set up: sign in instead.")
    form = forms.FirstAdministratorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if get_user_model().objects.filter(username=data["username"]).exists():
            form.add_error("username", "Someone already has that username.")
        else:
            try:
                user = services.first_administrator_create(
                    username=data["username"],
                    email=data["email"],
                    first_name=data["first_name"],
                    last_name=data.get("last_name", ""),
                    password=data["password1"],
                )
            except OrganisationError as refused:
                raise Http404(refused.message) from None
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "You are the administrator. Start with the departments.")
            return redirect("organisation:page")
    status = 400 if request.method == "POST" else 200
    return render(request, "organisation/first_run.html", {"form": form}, status=status)

"""Every change to the organisation: departments, people, roles and invitations.

Administrators make these changes on the organisation page. Each service runs
in one transaction, checks who is asking, keeps the one-head-per-department
constraint, records what changed (``OrgChange``) and sends mail on commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from notifications.services import notice_key, notice_send
from organisation import permissions, signals
from organisation.models import Department, Invitation, Membership, OrgChange, OrgRole
from organisation.people import display_name

INVITATION_DAYS = 5
ROLE_NAMES = {value: label for value, label in OrgRole.Role.choices}


class OrganisationError(Exception):
    """A change refused: ``status`` is 403 (not an administrator) or 409 (not so)."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _require_admin(by: AbstractBaseUser) -> None:
    if not permissions.is_administrator(by):
        raise OrganisationError("Only an administrator can change the organisation.", 403)


def _record(by: AbstractBaseUser | None, kind: str, description: str, **data) -> OrgChange:
    return OrgChange.objects.create(actor=by, kind=kind, description=description, data=data)


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise OrganisationError("Give the department a name.")
    if len(name) > Department._meta.get_field("name").max_length:
        raise OrganisationError("That name is too long: 120 characters at most.")
    return name


def _lock_department(department: Department) -> Department:
    return Department.objects.select_for_update().get(pk=department.pk)


# --- departments ----------------------------------------------------------------------


@transaction.atomic
def department_create(*, by: AbstractBaseUser, name: str) -> Department:
    _require_admin(by)
    name = _clean_name(name)
    if Department.objects.filter(name__iexact=name).exists():
        raise OrganisationError(f"There is already a department called {name}.")
    department = Department.objects.create(name=name)
    _record(
        by, "department_created", f"{display_name(by)} created {name}.", department=department.pk
    )
    return department


@transaction.atomic
def department_rename(*, by: AbstractBaseUser, department: Department, name: str) -> Department:
    _require_admin(by)
    department = _lock_department(department)
    name = _clean_name(name)
    if name == department.name:
        return department
    if Department.objects.filter(name__iexact=name).exclude(pk=department.pk).exists():
        raise OrganisationError(f"There is already a department called {name}.")
    before, department.name = department.name, name
    department.save(update_fields=["name"])
    _record(
        by,
        "department_renamed",
        f"{display_name(by)} renamed {before} to {name}.",
        department=department.pk,
        before=before,
    )
    return department


@transaction.atomic
def department_set_head(
    *, by: AbstractBaseUser, department: Department, user: AbstractBaseUser
) -> Department:
    """Make ``user`` the head in one step: the old head stays on as a member."""
    _require_admin(by)
    department = _lock_department(department)
    if not user.is_active and user.has_usable_password():
        raise OrganisationError(
            f"{display_name(user)} is deactivated and cannot head a department."
        )
    current = (
        Membership.objects.select_for_update()
        .filter(department=department, role=Membership.Role.HEAD)
        .select_related("user")
        .first()
    )
    if current is not None and current.user_id == user.pk:
        return department
    # Demote first, so the one-head constraint holds at every statement.
    if current is not None:
        current.role = Membership.Role.MEMBER
        current.save(update_fields=["role"])
    _leave_other_departments(user, keep=department)
    Membership.objects.update_or_create(
        user=user, department=department, defaults={"role": Membership.Role.HEAD}
    )
    was = f" ({display_name(current.user)} stays as a member)" if current else ""
    _record(
        by,
        "head_changed",
        f"{display_name(by)} made {display_name(user)} head of {department.name}{was}.",
        department=department.pk,
        head=user.pk,
        before=current.user_id if current else None,
    )
    return department


def _leave_other_departments(user: AbstractBaseUser, *, keep: Department | None) -> None:
    """People belong to one department: moving to one leaves the others."""
    others = Membership.objects.filter(user=user)
    if keep is not None:
        others = others.exclude(department=keep)
    others.delete()


# --- people -------------------------------------------------------------------------


@transaction.atomic
def person_move(
    *, by: AbstractBaseUser, user: AbstractBaseUser, department: Department | None
) -> None:
    """Move ``user`` into ``department`` as a member (``None``: into no department).

    A head who moves leaves their department without a head; the page says so.
    """
    _require_admin(by)
    current = Membership.objects.filter(user=user).select_related("department").first()
    if department is not None and current is not None and current.department_id == department.pk:
        return
    _leave_other_departments(user, keep=None)
    if department is not None:
        Membership.objects.create(user=user, department=department, role=Membership.Role.MEMBER)
    where = department.name if department else "no department"
    _record(
        by,
        "person_moved",
        f"{display_name(by)} moved {display_name(user)} to {where}.",
        person=user.pk,
        department=department.pk if department else None,
        before=current.department_id if current else None,
    )


@transaction.atomic
def person_set_roles(
    *,
    by: AbstractBaseUser,
    user: AbstractBaseUser,
    roles: Iterable[str],
    remit: Iterable[Department] = (),
) -> None:
    """Give ``user`` exactly these organisation roles (a manager's remit: these departments)."""
    _require_admin(by)
    roles = set(roles)
    unknown = roles - set(ROLE_NAMES)
    if unknown:
        raise OrganisationError("That is not a role in this product.")
    if by.pk == user.pk and OrgRole.Role.ADMINISTRATOR not in roles:
        raise OrganisationError("You cannot remove your own administrator role.")
    before = set(OrgRole.objects.filter(user=user).values_list("role", flat=True))
    OrgRole.objects.filter(user=user).exclude(role__in=roles).delete()
    for role in roles - before:
        OrgRole.objects.create(user=user, role=role)
    manager = OrgRole.objects.filter(user=user, role=OrgRole.Role.MANAGER).first()
    if manager is not None:
        manager.remit.set(list(remit))
    names = ", ".join(sorted(ROLE_NAMES[r].lower() for r in roles)) or "no organisation role"
    _record(
        by,
        "roles_changed",
        f"{display_name(by)} gave {display_name(user)}: {names}.",
        person=user.pk,
        roles=sorted(roles),
        before=sorted(before),
    )


@transaction.atomic
def person_deactivate(*, by: AbstractBaseUser, user: AbstractBaseUser) -> None:
    """Remove ``user``'s access at once; everything they did and signed stays as it was.

    An inactive person's sessions no longer authenticate (Django's ModelBackend
    refuses inactive users), and open live screens are closed on commit.
    """
    _require_admin(by)
    if user.pk == by.pk:
        raise OrganisationError("You cannot deactivate yourself.")
    if not user.is_active:
        return
    user.is_active = False
    user.save(update_fields=["is_active"])
    Invitation.objects.filter(user=user, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    _record(
        by,
        "person_deactivated",
        f"{display_name(by)} deactivated {display_name(user)}.",
        person=user.pk,
    )
    user_id = user.pk
    transaction.on_commit(lambda: signals.person_deactivated.send(sender=None, user_id=user_id))


@transaction.atomic
def person_reactivate(*, by: AbstractBaseUser, user: AbstractBaseUser) -> None:
    _require_admin(by)
    if user.is_active:
        return
    if not user.has_usable_password():
        raise OrganisationError(
            f"{display_name(user)} has never signed in: send a new invitation instead."
        )
    user.is_active = True
    user.save(update_fields=["is_active"])
    _record(
        by,
        "person_reactivated",
        f"{display_name(by)} reactivated {display_name(user)}.",
        person=user.pk,
    )


# --- invitations ----------------------------------------------------------------------


@dataclass
class NewPerson:
    """Someone to invite: from the invitation form or a row of an import."""

    email: str
    first_name: str
    last_name: str
    department: Department | None = None
    head: bool = False
    roles: set[str] = field(default_factory=set)


def _unique_username(email: str) -> str:
    User = get_user_model()
    base = slugify(email.split("@")[0]).replace("-", ".")[:140] or "person"
    candidate, n = base, 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def check_new_person(person: NewPerson) -> list[tuple[str, str]]:
    """What is wrong with ``person``, as (field, message) pairs; empty when fine."""
    problems: list[tuple[str, str]] = []
    try:
        validate_email(person.email)
    except ValidationError:
        problems.append(("email", "Give a valid email address."))
    else:
        if get_user_model().objects.filter(email__iexact=person.email).exists():
            problems.append(("email", f"{person.email} already belongs to someone here."))
    if not person.first_name.strip():
        problems.append(("first_name", "Give a first name."))
    for name in ("first_name", "last_name"):
        if len(getattr(person, name)) > 150:
            problems.append((name, "150 characters at most."))
    if person.head and person.department is None:
        problems.append(("head", "A head needs a department."))
    if set(person.roles) - set(ROLE_NAMES):
        problems.append(("roles", "That is not a role in this product."))
    return problems


def _create_person(by: AbstractBaseUser, person: NewPerson) -> AbstractBaseUser:
    problems = check_new_person(person)
    if problems:
        raise OrganisationError(problems[0][1])
    User = get_user_model()
    user = User(
        username=_unique_username(person.email),
        email=person.email.strip().lower(),
        first_name=person.first_name.strip(),
        last_name=person.last_name.strip(),
        is_active=False,
    )
    user.set_unusable_password()
    user.save()
    if person.department is not None:
        if person.head:
            current = Membership.objects.filter(
                department=person.department, role=Membership.Role.HEAD
            ).first()
            if current is not None:
                current.role = Membership.Role.MEMBER
                current.save(update_fields=["role"])
        Membership.objects.create(
            user=user,
            department=person.department,
            role=Membership.Role.HEAD if person.head else Membership.Role.MEMBER,
        )
    for role in sorted(person.roles):
        OrgRole.objects.create(user=user, role=role)
    return user


def _send_invitation(invitation: Invitation, token: str) -> None:
    user, by = invitation.user, invitation.invited_by
    link = settings.SITE_URL.rstrip("/") + reverse("organisation:accept", args=[token])
    expires = timezone.localtime(invitation.expires_at).strftime("%-d %B %Y")
    body = (
        f"Hello {user.first_name or display_name(user)},\n\n"
        f"{display_name(by, nobody='The administrator')} has invited you to Expectations Exchange, "
        "where departments agree what each needs from the other.\n\n"
        f"Set your password and sign in here (the link works once, until {expires}):\n{link}\n"
    )
    notice_send(
        to=user,
        subject="You are invited to Expectations Exchange",
        body=body,
        key=notice_key("organisation-invitation", invitation.pk),
        kind="invitation",
        secret=True,  # the link signs in: not kept once sent
    )


def _invite(by: AbstractBaseUser, user: AbstractBaseUser) -> Invitation:
    token, digest = Invitation.new_token()
    invitation = Invitation.objects.create(
        user=user,
        invited_by=by,
        token_sha256=digest,
        expires_at=timezone.now() + dt.timedelta(days=INVITATION_DAYS),
    )
    _send_invitation(invitation, token)
    return invitation


@transaction.atomic
def person_invite(*, by: AbstractBaseUser, person: NewPerson) -> Invitation:
    """Create ``person`` (inactive until they accept) and email them a one-time link."""
    _require_admin(by)
    user = _create_person(by, person)
    invitation = _invite(by, user)
    _record(
        by,
        "person_invited",
        f"{display_name(by)} invited {display_name(user)} ({user.email}).",
        person=user.pk,
    )
    return invitation


@transaction.atomic
def invitation_resend(*, by: AbstractBaseUser, user: AbstractBaseUser) -> Invitation:
    """A new link (the old one stops working), valid for another few days."""
    _require_admin(by)
    if user.has_usable_password():
        raise OrganisationError(f"{display_name(user)} has already accepted the invitation.")
    Invitation.objects.filter(user=user, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    invitation = _invite(by, user)
    _record(
        by,
        "invitation_resent",
        f"{display_name(by)} resent {display_name(user)}'s invitation.",
        person=user.pk,
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, by: AbstractBaseUser, user: AbstractBaseUser) -> None:
    _require_admin(by)
    revoked = Invitation.objects.filter(
        user=user, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    if not revoked:
        raise OrganisationError(f"{display_name(user)} has no open invitation.")
    _record(
        by,
        "invitation_revoked",
        f"{display_name(by)} revoked {display_name(user)}'s invitation.",
        person=user.pk,
    )


def invitation_for_token(token: str) -> Invitation | None:
    """The open, unexpired invitation this token belongs to, or ``None``."""
    if not token or len(token) > 100 or "\x00" in token:
        return None
    invitation = (
        Invitation.objects.select_related("user")
        .filter(token_sha256=Invitation.digest(token))
        .first()
    )
    if invitation is None or not invitation.is_open or invitation.expires_at <= timezone.now():
        return None
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> AbstractBaseUser:
    """Set the invitee's password and activate them; the link then stops working."""
    invitation = invitation_for_token(token)
    if invitation is None:
        raise OrganisationError(
            "This invitation link has expired, been used or been withdrawn. "
            "Ask your administrator for a new one."
        )
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise OrganisationError("This invitation has just been used.")
    user = invitation.user
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    _record(
        user,
        "invitation_accepted",
        f"{display_name(user)} accepted the invitation.",
        person=user.pk,
    )
    return user


# --- import ---------------------------------------------------------------------------


@transaction.atomic
def people_import(*, by: AbstractBaseUser, people: list[NewPerson]) -> list[Invitation]:
    """Invite everyone in ``people`` in one transaction: all of them, or none."""
    _require_admin(by)
    heads = [p.department.name.lower() for p in people if p.head and p.department is not None]
    if len(heads) != len(set(heads)):
        raise OrganisationError("Two people are marked head of the same department.")
    created: dict[str, Department] = {}
    for person in people:
        department = person.department
        if department is not None and department.pk is None:
            key = department.name.lower()
            if key not in created:
                created[key] = department_create(by=by, name=department.name)
            person.department = created[key]
    invitations = []
    for person in people:
        user = _create_person(by, person)
        invitations.append(_invite(by, user))
    _record(
        by,
        "people_imported",
        f"{display_name(by)} imported {len(people)} people.",
        people=[i.user_id for i in invitations],
    )
    return invitations


# --- the first administrator ----------------------------------------------------------


@transaction.atomic
def first_administrator_create(
    *, username: str, email: str, first_name: str, last_name: str, password: str
) -> AbstractBaseUser:
    """The organisation's first person: an administrator (and Django admin superuser)."""
    User = get_user_model()
    # Serialise concurrent first visits: only one of them may create the first person.
    list(User.objects.select_for_update().all()[:1])
    if OrgRole.objects.filter(role=OrgRole.Role.ADMINISTRATOR, user__is_active=True).exists():
        raise OrganisationError("The organisation already has an administrator.", 403)
    user = User.objects.create_user(
        username=username,
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        is_staff=True,
        is_superuser=True,
    )
    OrgRole.objects.create(user=user, role=OrgRole.Role.ADMINISTRATOR)
    _record(
        user,
        "first_administrator",
        f"{display_name(user)} set up the organisation.",
        person=user.pk,
    )
    return user

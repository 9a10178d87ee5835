"""Who may see and do what with an agreement's performance record.

- Seeing: whoever may see the agreement (both departments, the facilitator,
  managers in remit, arbiters involved): ``agreements.permissions.can_view_sla``.
- Recording and correcting measurements, and explaining a miss: the
  *provider* department, its head or any member (they hold the figures). The
  facilitator is impartial and records nothing; the recipient cannot mark
  the provider's homework.
- Acknowledging an explanation or asking for more: the *recipient*
  department's head, who speaks for the department.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agreements import permissions as agreement_permissions
from organisation import permissions as org

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from agreements.models import SLA, SLAService


def can_view_performance(user: AbstractBaseUser, sla: SLA) -> bool:
    return agreement_permissions.can_view_sla(user, sla)


def can_record(user: AbstractBaseUser, service: SLAService) -> bool:
    return user.is_authenticated and org.is_member_of(user, service.provider)


def can_explain(user: AbstractBaseUser, service: SLAService) -> bool:
    return can_record(user, service)


def can_respond(user: AbstractBaseUser, service: SLAService) -> bool:
    return user.is_authenticated and org.is_head_of(user, service.recipient)


def can_manage_tokens(user: AbstractBaseUser, department) -> bool:
    """A department's head makes and revokes the keys other systems send figures with."""
    return user.is_authenticated and org.is_head_of(user, department)

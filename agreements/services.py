"""Every write to a service level agreement goes through here.

Each service locks the agreement row inside its own transaction, checks who
may do what now, changes the data and appends a ``Change`` to the version's
record. Emails and the PDF task run on commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from agreements import notices, permissions, selectors, signals
from agreements.models import (
    SLA,
    Change,
    EscalationOutcome,
    Signature,
    SLAService,
    SLAVersion,
    VersionStatus,
)
from escalation import selectors as escalation_selectors
from meetings import permissions as meeting_permissions
from meetings.models import ItemStatus, Meeting, NeedItem, Origin
from meetings.rules import RuleError
from meetings.words import possessive
from notifications.services import notice_key, notice_send, remind_refusal
from organisation.models import Department
from organisation.people import display_name

logger = logging.getLogger(__name__)
REVIEW_AFTER = dt.timedelta(days=365)


def review_after(start: dt.date) -> dt.date:
    """The default review date, a year after the start (never past the calendar's end)."""
    return start + REVIEW_AFTER if start <= dt.date.max - REVIEW_AFTER else dt.date.max


MEASURE_FIELDS = [
    "measure_what",
    "measure_kind",
    "measure_threshold",
    "measure_direction",
    "measure_unit",
    "measure_limit",
    "measure_time_unit",
    "measure_frequency",
    "measured_by",
]
EDITABLE_FIELDS = [*MEASURE_FIELDS, "review_date"]


class AgreementError(RuleError):
    """An action refused: ``status`` is 409 (not now) or 403 (not you)."""


class WrongPassword(AgreementError):
    def __init__(self) -> None:
        super().__init__(
            "That password is not right, so nothing was signed. Type the password you sign in "
            "with.",
            status=400,
        )


def _name(user: AbstractBaseUser | None) -> str:
    return display_name(user, nobody="The system")


def _lock(sla: SLA | int) -> SLA:
    pk = sla.pk if isinstance(sla, SLA) else sla
    return SLA.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=pk)


def _record(
    version: SLAVersion,
    *,
    by: AbstractBaseUser | None,
    kind: str,
    description: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> Change:
    return Change.objects.create(
        version=version,
        by=by,
        by_name=_name(by) if by is not None else "",
        kind=kind,
        description=description,
        before=before or {},
        after=after or {},
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.normalize())
    return value


# --- canonical content ----------------------------------------------------------


def canonical_content(version: SLAVersion) -> dict[str, Any]:
    """Exactly what a head signs: the parties and every term, in a fixed shape."""
    meeting = version.sla.meeting
    services = [
        {
            "provider": s.provider.name,
            "recipient": s.recipient.name,
            "service": s.service,
            "level": s.level,
            "milestones": s.milestones,
            "measure": {
                "what": s.measure_what,
                "kind": s.measure_kind,
                "threshold": _jsonable(s.measure_threshold),
                "direction": s.measure_direction,
                "unit": s.measure_unit,
                "limit": _jsonable(s.measure_limit),
                "time_unit": s.measure_time_unit,
                "working_hours": s.measure.calendar_words,
                "target_as_written": s.measure_target,
                "frequency": s.measure_frequency,
                "measured_by": s.measured_by,
                "in_words": s.measure.sentence(),
            },
            "start_date": _jsonable(s.start_date),
            "review_date": _jsonable(s.review_date),
            "origin": s.origin,
            "request": s.need_item_id,
        }
        for s in version.services.select_related(
            "provider", "recipient", "measure_calendar"
        ).order_by("position", "id")
    ]
    escalations = [
        {
            "provider": e.provider.name,
            "recipient": e.recipient.name,
            "requested": e.requested,
            "status": e.status,
            "reasoning": e.reasoning,
            "request": e.need_item_id,
        }
        for e in version.escalations.select_related("provider", "recipient").order_by("id")
    ]
    return {
        "agreement": version.sla_id,
        "version": version.number,
        "exchange": {
            "id": meeting.pk,
            "department_a": meeting.department_a.name,
            "department_b": meeting.department_b.name,
            "facilitator": _name(meeting.facilitator) if meeting.facilitator_id else "",
            "closed_at": meeting.closed_at.isoformat() if meeting.closed_at else None,
        },
        "services": services,
        "escalations": escalations,
        "escalation_route": version.escalation_route,
        "status_rules": {
            "periods": version.status_window,
            "at_risk_below": version.at_risk_below,
            "breached_below": version.breached_below,
        },
    }


def canonical_bytes(version: SLAVersion) -> bytes:
    content = canonical_content(version)
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_sha256(version: SLAVersion) -> str:
    return hashlib.sha256(canonical_bytes(version)).hexdigest()


# --- the draft --------------------------------------------------------------------


def _parties(meeting: Meeting, item: NeedItem):
    """The provider is the department the request was made to; the recipient asked."""
    recipient = item.need_list.department
    return meeting.other_department(recipient), recipient


def _service_from_item(version: SLAVersion, meeting: Meeting, item: NeedItem, position: int):
    provider, recipient = _parties(meeting, item)
    start = item.agreed_start
    return SLAService(
        version=version,
        position=position,
        need_item=item,
        provider=provider,
        recipient=recipient,
        service=item.agreed_service or item.service,
        level=item.agreed_level or item.service_level,
        milestones=item.agreed_milestones,
        **item.measure_values(),
        start_date=start,
        review_date=review_after(start) if start else None,
        origin=item.agreed_origin or Origin.YES,
    )


def _items_in_order(meeting: Meeting) -> list[NeedItem]:
    """A's requests first (as they were settled first), then B's."""
    items = NeedItem.objects.filter(need_list__meeting=meeting).select_related(
        "need_list__department"
    )
    return sorted(
        items,
        key=lambda i: (i.need_list.department_id != meeting.department_a_id, i.position, i.pk),
    )


@transaction.atomic
def sla_draft_from_meeting(*, meeting: Meeting, by: AbstractBaseUser | None) -> SLA:
    """Start the SLA draft from a closed meeting's agreed items (called by ``meeting_close``).

    Escalated requests are recorded as escalation outcomes awaiting the arbiter.
    Calling it again for the same meeting returns the existing agreement.
    """
    existing = SLA.objects.filter(meeting=meeting).first()
    if existing is not None:
        return existing
    reviewed = selectors.reviewed_sla(meeting)
    if reviewed is not None:
        return _draft_review_version(reviewed, meeting=meeting, by=by)
    meeting = Meeting.objects.select_related("department_a", "department_b", "facilitator").get(
        pk=meeting.pk
    )
    sla = SLA.objects.create(meeting=meeting, created_by=by)
    version = SLAVersion(sla=sla, number=1, created_by=by, reason="Drafted from the exchange")
    version.full_clean(exclude=["pdf"])
    version.save()
    position = _add_outcomes(version, meeting)
    _record(
        version,
        by=by,
        kind="drafted",
        description=(
            f"{_name(by)} closed the exchange; the draft was made from its {position} agreed "
            f"service{'s' if position != 1 else ''}."
        ),
    )
    notices.ready_to_sign(version)
    return sla


def _draft_review_version(sla: SLA, *, meeting: Meeting, by: AbstractBaseUser | None) -> SLA:
    """A closed review exchange becomes the next version of the agreement it reviewed.

    The agreed services of the review replace the services of the unsigned
    latest version, or of a new version after the signed one; both heads sign
    it again. Calling it again for the same review changes nothing.
    """
    sla = _lock(sla)
    if Change.objects.filter(
        version__sla=sla, kind="review_drafted", after__exchange=meeting.pk
    ).exists():
        return sla
    meeting = Meeting.objects.select_related("department_a", "department_b", "facilitator").get(
        pk=meeting.pk
    )
    version = _version_to_change(sla, by=by, reason="the review exchange")
    version.services.all().delete()
    version.escalations.all().delete()
    position = _add_outcomes(version, meeting)
    _record(
        version,
        by=by,
        kind="review_drafted",
        description=(
            f"{_name(by)} closed the review exchange; version {version.number} now holds its "
            f"{position} agreed service{'s' if position != 1 else ''}."
        ),
        after={"exchange": meeting.pk},
    )
    _clear_signatures(version, by=by, why="the review exchange closed")
    notices.ready_to_sign(version)
    return sla


def _add_outcomes(version: SLAVersion, meeting: Meeting) -> int:
    """The meeting's agreed requests as services, escalated ones as pending outcomes."""
    position = 0
    for item in _items_in_order(meeting):
        if item.status == ItemStatus.AGREED:
            service = _service_from_item(version, meeting, item, position)
            service.full_clean()
            service.save()
            position += 1
            if item.agreed_origin == Origin.ARBITER:  # settled by an arbiter before closing
                provider, recipient = _parties(meeting, item)
                arbiter = escalation_selectors.outcome_for_item(item)
                EscalationOutcome.objects.create(
                    version=version,
                    need_item=item,
                    provider=provider,
                    recipient=recipient,
                    requested=item.service,
                    status=EscalationOutcome.Status.SERVICE,
                    reasoning=arbiter.reasoning if arbiter else "",
                    decided_at=item.settled_at,
                )
        elif item.status == ItemStatus.ESCALATED:
            provider, recipient = _parties(meeting, item)
            # The arbiter may already have found, before closing, that no service is owed.
            arbiter = escalation_selectors.outcome_for_item(item)
            none_owed = arbiter is not None and arbiter.no_service_owed
            EscalationOutcome.objects.create(
                version=version,
                need_item=item,
                provider=provider,
                recipient=recipient,
                requested=item.service,
                status=EscalationOutcome.Status.NONE_OWED
                if none_owed
                else EscalationOutcome.Status.PENDING,
                reasoning=arbiter.reasoning if none_owed else "",
                decided_at=arbiter.decided_at if none_owed else None,
            )
    return position


def latest_version(sla: SLA) -> SLAVersion:
    return sla.versions.order_by("-number").first()


def _clear_signatures(version: SLAVersion, *, by: AbstractBaseUser | None, why: str) -> None:
    """Any change after a signature clears it, and tells the head who had signed."""
    signatures = list(version.signatures.select_related("signer", "department"))
    if not signatures:
        return
    for signature in signatures:
        _record(
            version,
            by=by,
            kind="signature_cleared",
            description=(
                f"{possessive(signature.signer_name)} signature for {signature.department.name} was "
                f"cleared because {why}."
            ),
            before={"content_sha256": signature.content_sha256},
        )
    version.signatures.all().delete()
    version.status = VersionStatus.DRAFT
    version.save(update_fields=["status"])
    url = f"{settings.SITE_URL.rstrip('/')}{permissions.version_url(version)}"
    for signature in signatures:
        notice_send(
            to=signature.signer,
            subject=f"Your signature on {version} was cleared",
            body=(
                f"The agreement changed after you signed it ({why}), so your signature was "
                f"cleared.\n\nPlease read the new text and sign again: {url}\n"
            ),
            key=notice_key("agreement-signature-cleared", signature.pk),
            kind="agreement",
        )


def _editable_version(sla: SLA, version: SLAVersion) -> SLAVersion:
    version = SLAVersion.objects.get(pk=version.pk)
    if version.status == VersionStatus.SIGNED:
        raise AgreementError(
            "This version is signed and can no longer change. A change after signing is a "
            "new version.",
        )
    if version.status == VersionStatus.SUPERSEDED:
        raise AgreementError("This version has been superseded and can no longer change.")
    return version


@transaction.atomic
def sla_service_update(
    *, service: SLAService, by: AbstractBaseUser, data: dict[str, Any]
) -> SLAService:
    """Complete the rough details of a service before signing (heads and facilitator)."""
    sla = _lock(service.version.sla_id)
    version = _editable_version(sla, service.version)
    if not permissions.can_edit_sla(by, sla):
        raise AgreementError(
            "Only the two heads and the facilitator can complete the agreement.", status=403
        )
    service = SLAService.objects.select_related("provider", "recipient").get(pk=service.pk)
    before = {f: _jsonable(getattr(service, f)) for f in EDITABLE_FIELDS}
    for field in EDITABLE_FIELDS:
        if field in data:
            value = data[field]
            setattr(service, field, value.strip() if isinstance(value, str) else value)
    after = {f: _jsonable(getattr(service, f)) for f in EDITABLE_FIELDS}
    if before == after:
        return service
    service.full_clean()
    service.save()
    changed = ", ".join(
        SLAService._meta.get_field(f).verbose_name for f in EDITABLE_FIELDS if before[f] != after[f]
    )
    _record(
        version,
        by=by,
        kind="service_edited",
        description=f"{_name(by)} changed {changed} of “{service.service}”.",
        before={k: v for k, v in before.items() if before[k] != after[k]},
        after={k: v for k, v in after.items() if before[k] != after[k]},
    )
    _clear_signatures(version, by=by, why=f"{_name(by)} changed “{service.service}”")
    return service


STATUS_RULES = ["status_window", "at_risk_below", "breached_below"]


@transaction.atomic
def sla_status_rules_update(
    *, version: SLAVersion, by: AbstractBaseUser, data: dict[str, Any]
) -> SLAVersion:
    """The heads agree how the agreement's standing (on track, at risk, breached) is judged."""
    sla = _lock(version.sla_id)
    version = _editable_version(sla, version)
    if not permissions.can_edit_sla(by, sla):
        raise AgreementError(
            "Only the two heads and the facilitator can complete the agreement.", status=403
        )
    before = {f: getattr(version, f) for f in STATUS_RULES}
    for name in STATUS_RULES:
        if name in data:
            setattr(version, name, data[name])
    after = {f: getattr(version, f) for f in STATUS_RULES}
    if before == after:
        return version
    version.full_clean(exclude=["pdf"])
    version.save(update_fields=STATUS_RULES)
    _record(
        version,
        by=by,
        kind="status_rules_edited",
        description=(
            f"{_name(by)} set the standing rules: over the last {version.status_window} "
            f"periods, at risk below {version.at_risk_below}%, breached below "
            f"{version.breached_below}%."
        ),
        before=before,
        after=after,
    )
    _clear_signatures(version, by=by, why=f"{_name(by)} changed the standing rules")
    return version


@transaction.atomic
def sla_measure_confirm(
    *, service: SLAService, by: AbstractBaseUser, data: dict[str, Any]
) -> SLAService:
    """A head confirms how a measure written only as text is read (a signed version too).

    Targets written as text before measures were data, and not readable, are kept
    as written and flagged; the heads say what they meant. The wording they signed
    stays in the record; signatures stand, since the terms have not changed.
    """
    sla = _lock(service.version.sla_id)
    if permissions.department_headed_in(by, sla) is None:
        raise AgreementError("Only the two heads confirm how a measure is read.", status=403)
    service = SLAService.objects.select_related("provider", "recipient", "version").get(
        pk=service.pk
    )
    if service.version.status == VersionStatus.SUPERSEDED:
        raise AgreementError("This version has been superseded and can no longer change.")
    if not service.measure_needs_confirming:
        raise AgreementError("This measure is already confirmed.")
    wording = service.measure_target
    for field in MEASURE_FIELDS:
        if field in data and field not in {"measure_what", "measure_frequency"}:
            value = data[field]
            setattr(service, field, value.strip() if isinstance(value, str) else value)
    service.tidy_measure()
    problems = service.measure.problems()
    if problems:
        raise AgreementError(" ".join(problems.values()), status=400)
    service.full_clean()
    service.save()
    _record(
        service.version,
        by=by,
        kind="measure_confirmed",
        description=(
            f"{_name(by)} confirmed the measure of “{service.service}”, written as "
            f"“{wording}”, as: {service.measure.sentence()}."
        ),
        before={"target_as_written": wording},
        after={f: _jsonable(getattr(service, f)) for f in MEASURE_FIELDS},
    )
    if service.version.is_editable:
        _clear_signatures(service.version, by=by, why=f"{_name(by)} confirmed a measure")
    return service


@transaction.atomic
def sla_sign(
    *,
    version: SLAVersion,
    by: AbstractBaseUser,
    password: str,
    ip_address: str | None,
    expected_sha256: str | None = None,
) -> Signature:
    """A head signs their department's part by confirming their password."""
    sla = _lock(version.sla_id)
    version = _editable_version(sla, version)
    meeting = sla.meeting
    department = permissions.department_headed_in(by, sla)
    if department is None:
        raise AgreementError("Only the head of one of the two departments can sign.", status=403)
    if version.signatures.filter(department=department).exists():
        raise AgreementError(f"{department.name} has already signed this version.")
    gaps = [
        f"“{s.service}” needs {' and '.join(s.missing)}"
        for s in version.services.order_by("position", "id")
        if s.missing
    ]
    if gaps:
        raise AgreementError(
            "The agreement is not complete yet: " + "; ".join(gaps) + ". Complete it, then sign."
        )
    digest = content_sha256(version)
    if expected_sha256 is not None and expected_sha256 != digest:
        raise AgreementError(
            "The agreement changed while you were reading it. Read the current text, then sign."
        )
    if not by.check_password(password):
        raise WrongPassword()
    now = timezone.now()
    signature = Signature(
        version=version,
        department=department,
        signer=by,
        signer_name=_name(by),
        signed_at=now,
        ip_address=ip_address or None,
        content_sha256=digest,
    )
    signature.full_clean()
    signature.save()
    _record(
        version,
        by=by,
        kind="signed",
        description=f"{_name(by)} signed for {department.name}.",
        after={"content_sha256": digest, "ip_address": ip_address or ""},
    )
    signed_departments = set(version.signatures.values_list("department_id", flat=True))
    if signed_departments >= {meeting.department_a_id, meeting.department_b_id}:
        version.status = VersionStatus.SIGNED
        version.signed_at = now
        version.save(update_fields=["status", "signed_at"])
        for older in sla.versions.filter(status=VersionStatus.SIGNED, number__lt=version.number):
            older.status = VersionStatus.SUPERSEDED
            older.superseded_at = now
            older.save(update_fields=["status", "superseded_at"])
            _record(
                older,
                by=None,
                kind="superseded",
                description=f"Superseded by version {version.number}, signed by both heads.",
            )
        _record(
            version,
            by=None,
            kind="fully_signed",
            description="Both heads have signed; the sealed PDF is being produced.",
        )
        version_id = version.pk
        transaction.on_commit(
            lambda: signals.version_signed.send(sender=SLAVersion, version_id=version_id)
        )
    else:
        version.status = VersionStatus.AWAITING
        version.save(update_fields=["status"])
        notices.awaiting_signature(version, signed_for=department, by=by)
    return signature


def unsigned_departments(version: SLAVersion) -> list[Department]:
    """The departments whose head has not signed ``version`` (while it can still be signed)."""
    if version.status not in {VersionStatus.DRAFT, VersionStatus.AWAITING}:
        return []
    signed = set(version.signatures.values_list("department_id", flat=True))
    return [d for d in version.sla.departments if d.pk not in signed]


def may_remind_signers(user: AbstractBaseUser, version: SLAVersion) -> bool:
    """The exchange's chair reminds the heads to sign (``meetings.permissions.is_chair``)."""
    meeting = version.sla.meeting
    return meeting_permissions.is_chair(meeting_permissions.meeting_role(user, meeting), meeting)


@transaction.atomic
def sla_remind_signer(*, version: SLAVersion, by: AbstractBaseUser, department_id: int) -> str:
    """The chair reminds a head who has not signed, at most once an hour. Returns what the
    chair is told; refuses anyone else, a signed version or a department that has signed."""
    sla = _lock(version.sla_id)
    version = SLAVersion.objects.select_related("sla__meeting").get(pk=version.pk)
    if not may_remind_signers(by, version):
        raise AgreementError("Only the chair of the exchange can remind the heads.", status=403)
    if version.number != latest_version(sla).number:
        raise AgreementError("Only the latest version can be signed.")
    department = next((d for d in unsigned_departments(version) if d.pk == department_id), None)
    if department is None:
        raise AgreementError("That department has nothing to sign on this version.")
    head = department.head
    if head is None:
        raise AgreementError(f"{department.name} has no head to remind.")
    prefix = notice_key("agreement-nudge", version.pk, department.pk) + ":"
    refusal = remind_refusal(key_prefix=prefix, recipient=head, name=_name(head))
    if refusal:
        raise AgreementError(refusal, status=429)
    key = prefix + timezone.now().isoformat()
    if not notices.sign_nudge(version, department=department, by=by, key=key):
        return f"No email was sent: {_name(head)} has turned these emails off."
    return f"Reminder sent to {_name(head)}."


# --- amendments and escalation outcomes ------------------------------------------------


def _copy_as_amendment(signed: SLAVersion, *, by: AbstractBaseUser | None, reason: str):
    amendment = SLAVersion.objects.create(
        sla=signed.sla,
        number=signed.number + 1,
        reason=reason,
        escalation_route=signed.escalation_route,
        status_window=signed.status_window,
        at_risk_below=signed.at_risk_below,
        breached_below=signed.breached_below,
        created_by=by,
    )
    for service in signed.services.all():
        service.pk = None
        service.version = amendment
        service.save()
    for outcome in signed.escalations.all():
        outcome.pk = None
        outcome.version = amendment
        outcome.save()
    _record(
        amendment,
        by=by,
        kind="amendment",
        description=f"Version {amendment.number} started from version {signed.number}: {reason}",
    )
    return amendment


def _version_to_change(sla: SLA, *, by: AbstractBaseUser | None, reason: str) -> SLAVersion:
    """The unsigned latest version, or a new amendment of the signed one."""
    latest = latest_version(sla)
    if latest.is_editable:
        return latest
    return _copy_as_amendment(latest, by=by, reason=reason)


@transaction.atomic
def sla_amend(*, sla: SLA, by: AbstractBaseUser, reason: str) -> SLAVersion:
    """Start version n+1 of a signed agreement (for instance after a review)."""
    sla = _lock(sla)
    if not permissions.can_edit_sla(by, sla):
        raise AgreementError(
            "Only the two heads and the facilitator can amend the agreement.", status=403
        )
    latest = latest_version(sla)
    if latest.is_editable:
        raise AgreementError(
            f"Version {latest.number} is not signed yet: change it rather than starting another."
        )
    reason = reason.strip() or "Amended"
    return _copy_as_amendment(latest, by=by, reason=reason)


@transaction.atomic
def sla_apply_escalation_outcome(
    *,
    item: NeedItem,
    service: str,
    level: str,
    start_date: dt.date | None,
    no_service_owed: bool,
    reasoning: str,
    by: AbstractBaseUser | None,
) -> SLAVersion | None:
    """Bring an arbiter's outcome into the agreement (called by ``escalation``).

    Before signing it updates the draft; after signing it starts an amendment
    that both heads sign again. Returns ``None`` if the exchange has no
    agreement yet (the draft then picks the outcome up from the request).
    """
    item = NeedItem.objects.select_related("need_list__meeting").get(pk=item.pk)
    existing = SLA.objects.filter(
        meeting_id=item.need_list.meeting_id
    ).first() or selectors.reviewed_sla(item.need_list.meeting)
    if existing is None:
        return None
    sla = _lock(existing)
    meeting = Meeting.objects.select_related("department_a", "department_b").get(pk=sla.meeting_id)
    version = _version_to_change(sla, by=by, reason=f"the arbiter's outcome on “{item.service}”")
    provider, recipient = _parties(meeting, item)
    outcome = version.escalations.filter(need_item=item).first() or EscalationOutcome(
        version=version,
        need_item=item,
        provider=provider,
        recipient=recipient,
        requested=item.service,
    )
    outcome.reasoning = reasoning.strip()
    outcome.decided_at = timezone.now()
    outcome.status = (
        EscalationOutcome.Status.NONE_OWED if no_service_owed else EscalationOutcome.Status.SERVICE
    )
    outcome.full_clean()
    outcome.save()
    existing_service = version.services.filter(need_item=item).first()
    if no_service_owed:
        if existing_service is not None:
            existing_service.delete()
        description = f"The arbiter decided no service is owed for “{item.service}”."
    else:
        if not service.strip():
            raise AgreementError("An arbiter's outcome with a service needs the service.")
        target = existing_service or SLAService(
            version=version,
            position=version.services.count(),
            need_item=item,
            provider=provider,
            recipient=recipient,
            **item.measure_values(),
        )
        target.service, target.level = service.strip(), level.strip()
        target.start_date, target.origin = start_date, Origin.ARBITER
        if start_date and (target.review_date is None or target.review_date < start_date):
            target.review_date = review_after(start_date)
        target.full_clean()
        target.save()
        description = f"The arbiter's outcome on “{item.service}” was added: {target.service}."
    _record(
        version,
        by=by,
        kind="escalation_outcome",
        description=description,
        after={
            "request": item.pk,
            "no_service_owed": no_service_owed,
            "service": service,
            "level": level,
            "start_date": _jsonable(start_date),
            "reasoning": reasoning,
        },
    )
    _clear_signatures(version, by=by, why="an arbiter's outcome was added")
    return version


@transaction.atomic
def sla_pdf_store(*, version: SLAVersion, pdf: bytes) -> SLAVersion:
    """Keep the sealed PDF of a signed version. Once stored it is never replaced."""
    version = SLAVersion.objects.select_for_update().get(pk=version.pk)
    if version.has_pdf:
        return version
    if version.status not in {VersionStatus.SIGNED, VersionStatus.SUPERSEDED}:
        raise AgreementError("Only a signed version has a sealed PDF.")
    version.pdf = pdf
    version.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    version.pdf_produced_at = timezone.now()
    version.seal_error, version.seal_retry_at = "", None
    version.save(
        update_fields=["pdf", "pdf_sha256", "pdf_produced_at", "seal_error", "seal_retry_at"]
    )
    _record(
        version,
        by=None,
        kind="sealed",
        description="The signed PDF was produced and sealed.",
        after={"pdf_sha256": version.pdf_sha256},
    )
    notices.signed(version)
    return version

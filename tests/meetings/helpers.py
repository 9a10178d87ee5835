"""Drive an exchange through its steps with the real services, as people would."""

from __future__ import annotations

import datetime as dt

from meetings import rules, services
from meetings.models import Meeting, NeedItem, Step
from tests.factories import item_data

A_NEEDS = ["Signed order forms", "Monthly sales forecast"]
B_NEEDS = ["Credit decisions within a day"]


def prepare(meeting: Meeting, org, a_needs=A_NEEDS, b_needs=B_NEEDS) -> None:
    list_a = meeting.need_lists.get(department=meeting.department_a)
    list_b = meeting.need_lists.get(department=meeting.department_b)
    head_a, head_b = list_a.department.head, list_b.department.head
    for service in a_needs:
        services.need_item_add(need_list=list_a, by=head_a, data=item_data(service=service))
    for service in b_needs:
        services.need_item_add(need_list=list_b, by=head_b, data=item_data(service=service))
    services.need_list_set_ready(need_list=list_a, by=head_a, ready=True)
    services.need_list_set_ready(need_list=list_b, by=head_b, ready=True)


def chair_of(meeting: Meeting):
    """The person who chairs: the facilitator, or the head of A (``rules.chair_role``)."""
    if rules.chair_role(meeting) == rules.Role.FACILITATOR:
        return meeting.facilitator
    return meeting.department_a.head


def items_of(meeting: Meeting, department) -> list[NeedItem]:
    return list(
        NeedItem.objects.filter(need_list__meeting=meeting, need_list__department=department)
    )


def finish_step(meeting: Meeting) -> None:
    """Do what the current step needs so that the chair may move on."""
    meeting.refresh_from_db()
    head_a, head_b = meeting.department_a.head, meeting.department_b.head
    heads = {rules.Side.A: head_a, rules.Side.B: head_b}
    step = meeting.step
    if step == Step.OPENING:
        services.meeting_acknowledge_rules(meeting=meeting, by=head_a)
        services.meeting_acknowledge_rules(meeting=meeting, by=head_b)
    elif step in rules.PRESENTING:
        side = rules.PRESENTING[step]
        for item in items_of(meeting, rules.department_of(meeting, side)):
            services.meeting_set_current(meeting=meeting, by=chair_of(meeting), item_id=item.pk)
    elif step in rules.SUMMARISING:
        summariser = rules.SUMMARISING[step]
        presenter = rules.other(summariser)
        for item in items_of(meeting, rules.department_of(meeting, presenter)):
            services.summary_write(
                meeting=meeting, by=heads[summariser], item_id=item.pk, text=f"You need {item}."
            )
            services.summary_confirm(meeting=meeting, by=heads[presenter], item_id=item.pk)
    elif step in rules.RESPONDING:
        responder = rules.RESPONDING[step]
        for item in items_of(meeting, rules.department_of(meeting, rules.other(responder))):
            if not item.is_settled:
                services.response_yes(
                    meeting=meeting,
                    by=heads[responder],
                    item_id=item.pk,
                    start_date=dt.date(2027, 1, 4),
                )


def drive_to(meeting: Meeting, org, step: str) -> Meeting:
    """From preparation (lists empty) to ``step``, doing each step's work on the way."""
    meeting.refresh_from_db()
    if meeting.step == Step.PREPARATION and not meeting.need_lists.filter(ready_at__isnull=False):
        prepare(meeting, org)
    while meeting.step != step:
        if meeting.step == Step.CLOSING:
            services.meeting_close(meeting=meeting, by=chair_of(meeting))
        else:
            if meeting.step != Step.PREPARATION:
                finish_step(meeting)
            services.meeting_advance(meeting=meeting, by=chair_of(meeting))
        meeting.refresh_from_db()
    return meeting

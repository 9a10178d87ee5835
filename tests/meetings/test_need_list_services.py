"""Preparing a need list through the services: who may, when, and what the record shows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from meetings import services
from meetings.models import Event, NeedItem, Step
from meetings.rules import RuleError
from tests.factories import item_data, make_item


@pytest.fixture
def finance_list(meeting, org):
    return meeting.need_list_for(org.finance)


@pytest.fixture
def sales_list(meeting, org):
    return meeting.need_list_for(org.sales)


def kinds(meeting) -> list[str]:
    return list(Event.objects.filter(meeting=meeting).values_list("kind", flat=True))


def services_in_order(need_list) -> list[str]:
    return list(need_list.items.order_by("position").values_list("service", flat=True))


@contextmanager
def refused(status: int, match: str | None = None) -> Iterator[pytest.ExceptionInfo[RuleError]]:
    """The service refuses with ``status`` (403: not yours; 409: not now)."""
    with pytest.raises(RuleError, match=match) as refusal:
        yield refusal
    assert refusal.value.status == status, refusal.value.message


def open_meeting(meeting) -> None:
    meeting.step = Step.OPENING
    meeting.save()


# --- adding ----------------------------------------------------------------------------


def test_head_adds_requests_at_the_end_and_each_is_recorded(org, finance_list, meeting) -> None:
    first = services.need_item_add(need_list=finance_list, by=org.fiona, data=item_data())
    second = services.need_item_add(
        need_list=finance_list, by=org.fiona, data=item_data(service="A monthly forecast")
    )

    assert (first.position, second.position) == (0, 1)
    assert services_in_order(finance_list) == ["Signed order forms", "A monthly forecast"]
    events = Event.objects.filter(meeting=meeting, kind="need_added").order_by("seq")
    assert [e.item for e in events] == [first, second]
    assert events[0].actor == org.fiona
    assert events[0].after["cost_estimate"] == "2000"
    assert "Finance's needs" in events[0].description


def test_member_may_add_only_when_the_head_allows(org, finance_list) -> None:
    with refused(403, "cannot edit this need list"):
        services.need_item_add(need_list=finance_list, by=org.fergus, data=item_data())
    assert not finance_list.items.exists()

    finance_list.members_may_edit = True
    finance_list.save()
    services.need_item_add(need_list=finance_list, by=org.fergus, data=item_data())

    assert finance_list.items.count() == 1


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("sam", "cannot edit this need list"),
        ("sean", "cannot edit this need list"),
        ("priya", "Only the two departments prepare need lists"),
        ("margaret", "You are following this meeting"),
        ("olive", "not part of this exchange"),
        ("arthur", "not part of this exchange"),
    ],
)
def test_nobody_outside_the_department_adds_to_its_list(
    org, finance_list, meeting, username, message
) -> None:
    with refused(403, message):
        services.need_item_add(need_list=finance_list, by=getattr(org, username), data=item_data())

    assert not finance_list.items.exists()
    assert kinds(meeting) == []


def test_nothing_is_added_once_the_meeting_has_opened(org, finance_list, meeting) -> None:
    open_meeting(meeting)

    with refused(409, "frozen"):
        services.need_item_add(need_list=finance_list, by=org.fiona, data=item_data())

    assert not finance_list.items.exists()


def test_nothing_is_added_to_a_list_marked_ready(org, finance_list) -> None:
    make_item(finance_list)
    services.need_list_set_ready(need_list=finance_list, by=org.fiona, ready=True)

    with refused(409, "Take back"):
        services.need_item_add(need_list=finance_list, by=org.fiona, data=item_data(service="x"))

    assert finance_list.items.count() == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"service": ""},
        {"cost_estimate": Decimal("-1")},
        {"value_estimate": Decimal("1000000001")},
        {"measure_frequency": "hourly"},
    ],
)
def test_invalid_data_is_refused_and_nothing_is_saved(org, finance_list, meeting, overrides):
    with pytest.raises(ValidationError):
        services.need_item_add(need_list=finance_list, by=org.fiona, data=item_data(**overrides))

    assert not NeedItem.objects.exists()
    assert kinds(meeting) == []


# --- editing ---------------------------------------------------------------------------


def test_edit_changes_the_item_bumps_its_version_and_records_before_and_after(
    org, finance_list, meeting
) -> None:
    item = make_item(finance_list)

    updated = services.need_item_update(
        item=item,
        by=org.fiona,
        data=item_data(service="Signed order forms within a day"),
        version=item.version,
    )

    assert updated.service == "Signed order forms within a day"
    assert updated.version == item.version + 1
    event = Event.objects.get(meeting=meeting, kind="need_edited")
    assert event.before["service"] == "Signed order forms"
    assert event.after["service"] == "Signed order forms within a day"


def test_a_stale_edit_is_refused_and_changes_nothing(org, finance_list, meeting) -> None:
    item = make_item(finance_list)
    services.need_item_update(
        item=item, by=org.fiona, data=item_data(service="First change"), version=1
    )

    with pytest.raises(services.StaleEdit) as refusal:
        services.need_item_update(
            item=item, by=org.fiona, data=item_data(service="Second change"), version=1
        )

    assert refusal.value.status == 409
    assert "Someone else changed this request" in refusal.value.message
    item.refresh_from_db()
    assert (item.service, item.version) == ("First change", 2)
    assert kinds(meeting).count("need_edited") == 1


def test_the_other_head_cannot_edit(org, finance_list) -> None:
    item = make_item(finance_list)

    with refused(403):
        services.need_item_update(
            item=item, by=org.sam, data=item_data(service="Nothing"), version=1
        )

    item.refresh_from_db()
    assert item.service == "Signed order forms"


def test_no_edit_after_the_meeting_opens(org, finance_list, meeting) -> None:
    item = make_item(finance_list)
    open_meeting(meeting)

    with refused(409, "frozen"):
        services.need_item_update(item=item, by=org.fiona, data=item_data(service="x"), version=1)

    item.refresh_from_db()
    assert item.service == "Signed order forms"


# --- costly items ------------------------------------------------------------------------


def test_a_costly_item_needs_confirming_before_the_list_can_be_ready(org, finance_list) -> None:
    costly = services.need_item_add(
        need_list=finance_list,
        by=org.fiona,
        data=item_data(cost_estimate=Decimal("6000"), value_estimate=Decimal("10000")),
    )
    assert costly.cost_is_high and costly.needs_confirmation

    with refused(409, "Signed order forms"):
        services.need_list_set_ready(need_list=finance_list, by=org.fiona, ready=True)
    finance_list.refresh_from_db()
    assert not finance_list.is_ready

    services.need_item_confirm(item=costly, by=org.fiona)
    services.need_list_set_ready(need_list=finance_list, by=org.fiona, ready=True)

    finance_list.refresh_from_db()
    assert finance_list.is_ready


def test_cost_of_exactly_half_the_value_is_not_costly(org, finance_list) -> None:
    item = make_item(finance_list, cost_estimate=Decimal("5000"), value_estimate=Decimal("10000"))
    assert not item.cost_is_high

    item.cost_estimate = Decimal("5000.01")
    assert item.cost_is_high


def test_confirming_on_adding_is_kept_only_for_a_costly_item(org, finance_list) -> None:
    costly = services.need_item_add(
        need_list=finance_list,
        by=org.fiona,
        data=item_data(cost_estimate=Decimal("9000"), value_estimate=Decimal("10000")),
        confirmed_need=True,
    )
    cheap = services.need_item_add(
        need_list=finance_list, by=org.fiona, data=item_data(), confirmed_need=True
    )

    assert costly.confirmed_need and not costly.needs_confirmation
    assert not cheap.confirmed_need


def test_confirming_is_recorded_and_bumps_the_version(org, finance_list, meeting) -> None:
    item = make_item(finance_list, cost_estimate=Decimal("9000"))

    services.need_item_confirm(item=item, by=org.fiona)

    item.refresh_from_db()
    assert item.confirmed_need and item.version == 2
    assert kinds(meeting) == ["need_confirmed"]


def test_confirming_a_cheap_item_does_nothing(org, finance_list, meeting) -> None:
    item = make_item(finance_list)

    services.need_item_confirm(item=item, by=org.fiona)

    item.refresh_from_db()
    assert not item.confirmed_need and item.version == 1
    assert kinds(meeting) == []


def test_the_other_head_cannot_confirm(org, finance_list) -> None:
    item = make_item(finance_list, cost_estimate=Decimal("9000"))

    with refused(403):
        services.need_item_confirm(item=item, by=org.sam)

    item.refresh_from_db()
    assert not item.confirmed_need


# --- removing and reordering ---------------------------------------------------------------


def test_removing_closes_the_gap_and_is_recorded(org, finance_list, meeting) -> None:
    second = [make_item(finance_list, s) for s in ("One", "Two", "Three")][1]

    services.need_item_remove(item=second, by=org.fiona)

    assert services_in_order(finance_list) == ["One", "Three"]
    assert list(finance_list.items.values_list("position", flat=True)) == [0, 1]
    event = Event.objects.get(meeting=meeting, kind="need_removed")
    assert event.before["service"] == "Two"
    assert event.item is None


def test_the_other_head_cannot_remove(org, finance_list) -> None:
    item = make_item(finance_list)

    with refused(403):
        services.need_item_remove(item=item, by=org.sam)

    assert finance_list.items.count() == 1


def test_nothing_is_removed_after_the_meeting_opens(org, finance_list, meeting) -> None:
    item = make_item(finance_list)
    open_meeting(meeting)

    with refused(409):
        services.need_item_remove(item=item, by=org.fiona)

    assert finance_list.items.count() == 1


def test_moving_up_and_down_swaps_neighbours(org, finance_list, meeting) -> None:
    one, _two, three = (make_item(finance_list, s) for s in ("One", "Two", "Three"))

    services.need_item_move(item=three, by=org.fiona, offset=-1)
    assert services_in_order(finance_list) == ["One", "Three", "Two"]

    services.need_item_move(item=one, by=org.fiona, offset=1)
    assert services_in_order(finance_list) == ["Three", "One", "Two"]

    moves = Event.objects.filter(meeting=meeting, kind="need_moved").order_by("seq")
    assert [(e.before["position"], e.after["position"]) for e in moves] == [(2, 1), (0, 1)]
    assert {e.after["department"] for e in moves} == {finance_list.department_id}


@pytest.mark.parametrize(("which", "offset"), [(0, -1), (2, 1), (1, 2), (1, 0)])
def test_moves_off_the_ends_or_by_odd_amounts_change_nothing(
    org, finance_list, meeting, which, offset
) -> None:
    items = [make_item(finance_list, s) for s in ("One", "Two", "Three")]

    services.need_item_move(item=items[which], by=org.fiona, offset=offset)

    assert services_in_order(finance_list) == ["One", "Two", "Three"]
    assert kinds(meeting) == []


def test_the_other_head_cannot_reorder(org, finance_list) -> None:
    make_item(finance_list, "One")
    two = make_item(finance_list, "Two")

    with refused(403):
        services.need_item_move(item=two, by=org.sam, offset=-1)

    assert services_in_order(finance_list) == ["One", "Two"]


# --- ready ---------------------------------------------------------------------------------


def test_an_empty_list_cannot_be_ready(org, finance_list) -> None:
    with refused(409, "at least one request"):
        services.need_list_set_ready(need_list=finance_list, by=org.fiona, ready=True)


def test_head_marks_ready_and_takes_it_back(org, finance_list, meeting) -> None:
    make_item(finance_list)

    ready = services.need_list_set_ready(need_list=finance_list, by=org.fiona, ready=True)
    assert ready.is_ready and ready.ready_by == org.fiona
    again = services.need_list_set_ready(need_list=finance_list, by=org.fiona, ready=True)
    assert again.ready_at == ready.ready_at

    back = services.need_list_set_ready(need_list=finance_list, by=org.fiona, ready=False)
    assert not back.is_ready and back.ready_by is None
    assert kinds(meeting) == ["list_ready", "list_not_ready"]


@pytest.mark.parametrize("username", ["fergus", "sam", "priya"])
def test_only_the_lists_head_marks_it_ready(org, finance_list, username) -> None:
    make_item(finance_list)
    finance_list.members_may_edit = True
    finance_list.save()

    with refused(403):
        services.need_list_set_ready(need_list=finance_list, by=getattr(org, username), ready=True)

    finance_list.refresh_from_db()
    assert not finance_list.is_ready


def test_ready_cannot_be_taken_back_once_the_meeting_opens(org, finance_list, meeting) -> None:
    make_item(finance_list)
    services.need_list_set_ready(need_list=finance_list, by=org.fiona, ready=True)
    open_meeting(meeting)

    with refused(409, "not possible now"):
        services.need_list_set_ready(need_list=finance_list, by=org.fiona, ready=False)

    finance_list.refresh_from_db()
    assert finance_list.is_ready


# --- settings ------------------------------------------------------------------------------


def test_head_lets_members_edit_and_flags_difficulty(org, finance_list, meeting) -> None:
    services.need_list_update_settings(
        need_list=finance_list,
        by=org.fiona,
        members_may_edit=True,
        flagged_difficult=True,
        difficulty_note="  Old disputes.  ",
    )

    finance_list.refresh_from_db()
    assert finance_list.members_may_edit and finance_list.flagged_difficult
    assert finance_list.difficulty_note == "Old disputes."
    event = Event.objects.get(meeting=meeting, kind="list_settings")
    assert "flagged the meeting as likely to be difficult" in event.description
    assert "let members edit the list" in event.description


def test_unflagging_clears_the_note_and_unchanged_settings_record_nothing(
    org, finance_list, meeting
) -> None:
    arguments = {"need_list": finance_list, "by": org.fiona, "members_may_edit": False}
    services.need_list_update_settings(**arguments, flagged_difficult=True, difficulty_note="x")
    services.need_list_update_settings(**arguments, flagged_difficult=True, difficulty_note="x")
    services.need_list_update_settings(**arguments, flagged_difficult=False, difficulty_note="x")

    finance_list.refresh_from_db()
    assert not finance_list.flagged_difficult and finance_list.difficulty_note == ""
    assert kinds(meeting) == ["list_settings", "list_settings"]


@pytest.mark.parametrize("username", ["fergus", "sam", "priya"])
def test_only_the_head_changes_the_settings(org, finance_list, username) -> None:
    with refused(403):
        services.need_list_update_settings(
            need_list=finance_list,
            by=getattr(org, username),
            members_may_edit=True,
            flagged_difficult=True,
        )

    finance_list.refresh_from_db()
    assert not finance_list.members_may_edit and not finance_list.flagged_difficult


def test_settings_are_frozen_once_the_meeting_opens(org, finance_list, meeting) -> None:
    open_meeting(meeting)

    with refused(409):
        services.need_list_update_settings(
            need_list=finance_list, by=org.fiona, members_may_edit=True, flagged_difficult=True
        )


def test_ready_at_is_now(org, finance_list) -> None:
    make_item(finance_list)
    before = timezone.now()

    ready = services.need_list_set_ready(need_list=finance_list, by=org.fiona, ready=True)

    assert before <= ready.ready_at <= timezone.now()


@pytest.mark.parametrize("action", ["update", "confirm", "remove", "move"])
def test_a_request_someone_removed_meanwhile_is_refused_not_crashed(
    org, finance_list, meeting, action
) -> None:
    item = make_item(finance_list, cost_estimate=Decimal("9000"))
    make_item(finance_list, "Another")
    NeedItem.objects.filter(pk=item.pk).delete()  # a colleague, a moment earlier
    calls = {
        "update": lambda: services.need_item_update(
            item=item, by=org.fiona, data=item_data(), version=1
        ),
        "confirm": lambda: services.need_item_confirm(item=item, by=org.fiona),
        "remove": lambda: services.need_item_remove(item=item, by=org.fiona),
        "move": lambda: services.need_item_move(item=item, by=org.fiona, offset=1),
    }

    with refused(404, "someone has removed it"):
        calls[action]()

    assert services_in_order(finance_list) == ["Another"]
    assert kinds(meeting) == []


def test_only_the_head_confirms_a_costly_request(org, finance_list) -> None:
    finance_list.members_may_edit = True
    finance_list.save()
    costly = services.need_item_add(
        need_list=finance_list,
        by=org.fergus,
        data=item_data(cost_estimate=Decimal("9000"), value_estimate=Decimal("10000")),
        confirmed_need=True,
    )
    assert costly.needs_confirmation
    with refused(403, "Only the head"):
        services.need_item_confirm(item=costly, by=org.fergus)
    costly.refresh_from_db()
    assert not costly.confirmed_need
    services.need_item_confirm(item=costly, by=org.fiona)
    costly.refresh_from_db()
    assert costly.confirmed_need

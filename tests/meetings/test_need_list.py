"""The need list page: the full page and its htmx fragments, who may see and change it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Event, NeedItem, Step
from tests.factories import item_data, make_item, make_meeting

HX = {"HX-Request": "true"}


@pytest.fixture
def finance_list(meeting, org):
    return meeting.need_list_for(org.finance)


@pytest.fixture
def sales_list(meeting, org):
    return meeting.need_list_for(org.sales)


def url(name: str, need_list, item=None) -> str:
    args = [need_list.meeting_id, need_list.pk] + ([item.pk] if item is not None else [])
    return reverse(f"meetings:{name}", args=args)


def form(**overrides) -> dict[str, str]:
    return {key: str(value) for key, value in item_data(**overrides).items()}


def snapshot(need_list) -> list[tuple]:
    """Everything a refused action must leave as it was."""
    need_list.refresh_from_db()
    items = need_list.items.order_by("position").values_list(
        "pk", "position", "service", "cost_estimate", "value_estimate", "version", "confirmed_need"
    )
    return [
        (need_list.ready_at, need_list.members_may_edit, need_list.flagged_difficult),
        *items,
        Event.objects.filter(meeting_id=need_list.meeting_id).count(),
    ]


def is_fragment(html: str) -> bool:
    return "<html" not in html and "<h1" not in html


def open_meeting(meeting) -> None:
    meeting.step = Step.OPENING
    meeting.save()


# --- seeing the list ------------------------------------------------------------------------


def test_head_sees_the_full_page_with_guidance(as_user, org, finance_list) -> None:
    make_item(finance_list, "Signed order forms with every contract")

    response = as_user(org.fiona).get(url("need_list", finance_list))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Finance's needs from Sales" in html
    assert "Signed order forms with every contract" in html
    assert "Needs, not wants" in html
    assert "Add a request" in html
    assert "Mark the list ready" in html
    assert 'id="workspace"' in html


def test_htmx_asks_get_only_the_workspace(as_user, org, finance_list) -> None:
    make_item(finance_list, "Signed order forms with every contract")

    response = as_user(org.fiona).get(url("need_list", finance_list), headers=HX)

    assert response.status_code == 200
    html = response.content.decode()
    assert is_fragment(html)
    assert html.lstrip().startswith('<div id="workspace"')
    assert "Signed order forms with every contract" in html
    assert "Needs, not wants" not in html  # the guidance stays put, outside the workspace
    assert "HX-Request" in response.headers["Vary"]


def test_facilitator_reads_both_lists_but_cannot_change_them(as_user, org, finance_list) -> None:
    make_item(finance_list, "Signed order forms with every contract")
    client = as_user(org.priya)

    for need_list in (finance_list, finance_list.meeting.need_list_for(org.sales)):
        response = client.get(url("need_list", need_list))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Add a request" not in html
        assert "Mark the list ready" not in html
    assert (
        "Signed order forms with every contract"
        in client.get(url("need_list", finance_list)).content.decode()
    )


@pytest.mark.parametrize("username", ["sam", "sean", "olive", "arthur", "margaret"])
@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_the_other_side_and_outsiders_get_403_and_no_peek(
    as_user, org, finance_list, username, headers
) -> None:
    make_item(finance_list, "Signed order forms with every contract")

    response = as_user(getattr(org, username)).get(url("need_list", finance_list), headers=headers)

    assert response.status_code == 403
    html = response.content.decode()
    assert "visible only to its own department and the facilitator" in html
    assert "Signed order forms" not in html
    assert "Finance's needs" not in html


def test_the_list_opens_to_the_other_side_when_presented(as_user, org, finance_list) -> None:
    make_item(finance_list, "Signed order forms with every contract", presented_at=timezone.now())
    make_item(finance_list, "Not presented yet")
    finance_list.meeting.step = Step.A_PRESENTS
    finance_list.meeting.save()

    response = as_user(org.sam).get(url("need_list", finance_list))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Signed order forms with every contract" in html
    assert "Not presented yet" not in html
    assert "1 more request still to be presented." in html
    assert "Add a request" not in html
    assert "frozen" in html


def test_an_unknown_list_or_a_list_of_another_exchange_is_404(as_user, org, meeting) -> None:
    other = make_meeting(
        department_a=org.finance, department_b=org.operations, facilitator=org.priya
    )
    other_list = other.need_list_for(org.finance)
    client = as_user(org.fiona)

    assert client.get(reverse("meetings:need_list", args=[meeting.pk, 999999])).status_code == 404
    response = client.get(reverse("meetings:need_list", args=[meeting.pk, other_list.pk]))
    assert response.status_code == 404


def test_member_reads_but_edits_only_when_the_head_allows(as_user, org, finance_list) -> None:
    client = as_user(org.fergus)
    html = client.get(url("need_list", finance_list)).content.decode()
    assert "You can read this list." in html
    assert "Add a request" not in html

    before = snapshot(finance_list)
    response = client.post(url("need_item_add", finance_list), form(), headers=HX)
    assert response.status_code == 403
    assert "You cannot edit this need list." in response.content.decode()
    item = make_item(finance_list)
    before = snapshot(finance_list)
    assert client.get(url("need_item_edit", finance_list, item)).status_code == 403
    response = client.post(url("need_item_edit", finance_list, item), form(version=1))
    assert response.status_code == 403
    assert client.post(url("need_item_delete", finance_list, item)).status_code == 403
    assert snapshot(finance_list) == before

    finance_list.members_may_edit = True
    finance_list.save()
    html = client.get(url("need_list", finance_list)).content.decode()
    assert "Your head has let members edit this list." in html
    assert "Add a request" in html
    assert "Mark the list ready" not in html

    response = client.post(url("need_item_add", finance_list), form(), headers=HX)
    assert response.status_code == 200
    assert finance_list.items.count() == 2
    response = client.post(
        url("need_item_edit", finance_list, item), form(service="Fergus's wording", version=1)
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.service == "Fergus's wording"


# --- adding -------------------------------------------------------------------------------


def test_adding_with_htmx_returns_the_workspace_with_the_new_request(
    as_user, org, finance_list
) -> None:
    response = as_user(org.fiona).post(
        url("need_item_add", finance_list), form(service="Monthly sales forecast"), headers=HX
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert is_fragment(html)
    assert "Request added." in html
    assert "Monthly sales forecast" in html
    item = finance_list.items.get()
    assert item.service == "Monthly sales forecast"
    assert item.cost_estimate == Decimal("2000")


def test_adding_without_javascript_redirects_back_with_a_message(
    as_user, org, finance_list
) -> None:
    response = as_user(org.fiona).post(url("need_item_add", finance_list), form(), follow=True)

    assert response.redirect_chain[-1][0] == url("need_list", finance_list)
    assert "Request added." in response.content.decode()
    assert finance_list.items.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"service": ""}, "This field is required."),
        ({"service": "    "}, "This field is required."),
        ({"benefit_organisation": "   "}, "This field is required."),
        ({"measure_kind": "number", "measure_direction": ""}, "Say whether the figure"),
        ({"cost_estimate": "-5"}, "greater than or equal to 0"),
        ({"value_estimate": "2000000000"}, "That figure is too large: check it."),
        ({"cost_estimate": "1e400"}, "no more than 14 digits"),
        ({"cost_estimate": "lots"}, "Enter a number."),
        ({"value_estimate": "NaN"}, "Enter a number."),
        ({"value_estimate": "Infinity"}, "Enter a number."),
        ({"cost_estimate": ""}, "This field is required."),
        ({"measure_frequency": "hourly"}, "Select a valid choice."),
        ({"service": "x" * 301}, "at most 300 characters"),
    ],
)
@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_bad_input_shows_a_message_and_changes_nothing(
    as_user, org, finance_list, overrides, message, headers
) -> None:
    before = snapshot(finance_list)

    response = as_user(org.fiona).post(
        url("need_item_add", finance_list), form(**overrides), headers=headers
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Please correct the request below." in html
    assert message in html
    assert is_fragment(html) == bool(headers)
    assert snapshot(finance_list) == before


def test_bad_input_keeps_what_was_typed(as_user, org, finance_list) -> None:
    response = as_user(org.fiona).post(
        url("need_item_add", finance_list),
        form(service="Credit checks before quoting", cost_estimate="-1"),
        headers=HX,
    )

    assert 'value="Credit checks before quoting"' in response.content.decode()


def test_the_other_head_cannot_add_to_our_list(as_user, org, finance_list) -> None:
    before = snapshot(finance_list)

    response = as_user(org.sam).post(url("need_item_add", finance_list), form(), headers=HX)

    assert response.status_code == 403
    assert snapshot(finance_list) == before


# --- editing ------------------------------------------------------------------------------


def test_edit_form_with_htmx_is_the_item_only(as_user, org, finance_list) -> None:
    item = make_item(finance_list, "Signed order forms with every contract")

    response = as_user(org.fiona).get(url("need_item_edit", finance_list, item), headers=HX)

    assert response.status_code == 200
    html = response.content.decode()
    assert is_fragment(html)
    assert html.lstrip().startswith(f'<li class="need-item need-item--editing" id="item-{item.pk}"')
    assert 'value="Signed order forms with every contract"' in html
    assert 'name="version" value="1"' in html


def test_edit_form_without_javascript_is_a_page(as_user, org, finance_list) -> None:
    item = make_item(finance_list)

    response = as_user(org.fiona).get(url("need_item_edit", finance_list, item))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Edit a request" in html


def test_saving_an_edit_with_htmx_replaces_the_workspace(as_user, org, finance_list) -> None:
    item = make_item(finance_list)

    response = as_user(org.fiona).post(
        url("need_item_edit", finance_list, item),
        form(service="Order forms within one day", version=1),
        headers=HX,
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Request saved." in html
    assert "Order forms within one day" in html
    # The edit form sits in the item; the answer is the whole workspace, so it must
    # land there, not inside the item.
    assert response.headers["HX-Retarget"] == "#workspace"
    assert response.headers["HX-Reswap"] == "outerHTML"
    item.refresh_from_db()
    assert (item.service, item.version) == ("Order forms within one day", 2)


def test_saving_an_edit_without_javascript_redirects(as_user, org, finance_list) -> None:
    item = make_item(finance_list)

    response = as_user(org.fiona).post(
        url("need_item_edit", finance_list, item), form(service="Changed", version=1)
    )

    assert response.status_code == 302
    assert response.url == url("need_list", finance_list)
    item.refresh_from_db()
    assert item.service == "Changed"


def test_a_stale_edit_is_refused_with_409_and_changes_nothing(as_user, org, finance_list) -> None:
    item = make_item(finance_list)
    item.service, item.version = "Changed by a colleague", 2
    item.save()
    before = snapshot(finance_list)

    response = as_user(org.fiona).post(
        url("need_item_edit", finance_list, item), form(service="My change", version=1), headers=HX
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this request while you were editing it." in html
    assert "Changed by a colleague" in html  # their version is shown
    assert response.headers["HX-Retarget"] == "#workspace"
    assert snapshot(finance_list) == before


def test_an_edit_without_a_version_is_treated_as_stale(as_user, org, finance_list) -> None:
    item = make_item(finance_list)
    data = form(service="My change")
    before = snapshot(finance_list)

    response = as_user(org.fiona).post(url("need_item_edit", finance_list, item), data)

    assert response.status_code == 409
    assert snapshot(finance_list) == before


@pytest.mark.parametrize(
    "overrides", [{"service": ""}, {"cost_estimate": "-1"}, {"value_estimate": "1e12"}]
)
def test_a_bad_edit_re_renders_the_item_form_and_changes_nothing(
    as_user, org, finance_list, overrides
) -> None:
    item = make_item(finance_list)
    before = snapshot(finance_list)

    response = as_user(org.fiona).post(
        url("need_item_edit", finance_list, item), form(version=1, **overrides), headers=HX
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li class="need-item need-item--editing" id="item-{item.pk}"')
    assert "Please correct the request below." in html
    assert snapshot(finance_list) == before


def test_someone_elses_item_id_is_404_and_nothing_changes(
    as_user, org, finance_list, sales_list
) -> None:
    theirs = make_item(sales_list, "Credit decisions within a day")
    make_item(finance_list)
    before_ours, before_theirs = snapshot(finance_list), snapshot(sales_list)
    client = as_user(org.fiona)

    assert client.get(url("need_item_edit", finance_list, theirs), headers=HX).status_code == 404
    responses = [
        client.post(url("need_item_edit", finance_list, theirs), form(version=1), headers=HX),
        client.post(url("need_item_delete", finance_list, theirs), headers=HX),
        client.post(url("need_item_move", finance_list, theirs), {"direction": "up"}, headers=HX),
        client.post(url("need_item_confirm", finance_list, theirs), headers=HX),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    for response in responses:
        html = response.content.decode()
        assert is_fragment(html)
        assert "That request is not on this list" in html
        assert "Credit decisions within a day" not in html
    assert snapshot(finance_list) == before_ours
    assert snapshot(sales_list) == before_theirs


def test_a_request_removed_while_being_edited_gives_a_message_in_the_workspace(
    as_user, org, finance_list
) -> None:
    item = make_item(finance_list, "Signed order forms")
    make_item(finance_list, "Monthly forecast")
    client = as_user(org.fiona)
    assert client.get(url("need_item_edit", finance_list, item), headers=HX).status_code == 200
    NeedItem.objects.filter(pk=item.pk).delete()  # a colleague removes it meanwhile
    before = snapshot(finance_list)

    response = client.post(
        url("need_item_edit", finance_list, item), form(service="Mine", version=1), headers=HX
    )

    assert response.status_code == 404
    html = response.content.decode()
    assert is_fragment(html)
    assert "That request is not on this list (it may have been removed)." in html
    assert "Monthly forecast" in html
    assert response.headers["HX-Retarget"] == "#workspace"
    assert snapshot(finance_list) == before


def test_a_removed_request_without_javascript_gives_the_page_with_a_message(
    as_user, org, finance_list
) -> None:
    item = make_item(finance_list)
    NeedItem.objects.filter(pk=item.pk).delete()

    response = as_user(org.fiona).post(url("need_item_delete", finance_list, item))

    assert response.status_code == 404
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "That request is not on this list" in html


def test_an_item_id_that_does_not_exist_is_404(as_user, org, finance_list) -> None:
    missing = NeedItem(pk=999999)

    response = as_user(org.fiona).post(url("need_item_delete", finance_list, missing))

    assert response.status_code == 404


def test_the_other_head_cannot_edit_through_our_list(as_user, org, finance_list) -> None:
    item = make_item(finance_list)
    before = snapshot(finance_list)
    client = as_user(org.sam)

    assert client.get(url("need_item_edit", finance_list, item)).status_code == 403
    response = client.post(url("need_item_edit", finance_list, item), form(version=1))
    assert response.status_code == 403
    assert "Signed order forms" not in response.content.decode()
    assert snapshot(finance_list) == before


# --- removing and reordering ------------------------------------------------------------------


def test_removing_with_htmx(as_user, org, finance_list) -> None:
    keep = make_item(finance_list, "Keep this one")
    gone = make_item(finance_list, "Remove this one")

    response = as_user(org.fiona).post(url("need_item_delete", finance_list, gone), headers=HX)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Request removed." in html
    assert "Remove this one" not in html
    assert list(finance_list.items.all()) == [keep]


def test_the_other_head_cannot_remove_or_reorder(as_user, org, finance_list) -> None:
    one, two = make_item(finance_list, "One"), make_item(finance_list, "Two")
    before = snapshot(finance_list)
    client = as_user(org.sam)

    assert client.post(url("need_item_delete", finance_list, one), headers=HX).status_code == 403
    response = client.post(url("need_item_move", finance_list, two), {"direction": "up"})
    assert response.status_code == 403
    assert snapshot(finance_list) == before


def test_reordering_with_htmx_shows_the_new_order(as_user, org, finance_list) -> None:
    make_item(finance_list, "First need")
    make_item(finance_list, "Second need")
    third = make_item(finance_list, "Third need")
    client = as_user(org.fiona)

    response = client.post(
        url("need_item_move", finance_list, third), {"direction": "up"}, headers=HX
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Order changed." in html
    assert html.index("Third need") < html.index("Second need")
    assert [i.service for i in finance_list.items.all()] == [
        "First need",
        "Third need",
        "Second need",
    ]

    client.post(url("need_item_move", finance_list, third), {"direction": "down"}, headers=HX)
    assert [i.service for i in finance_list.items.all()][-1] == "Third need"


def test_moving_the_first_up_changes_nothing(as_user, org, finance_list) -> None:
    first = make_item(finance_list, "First need")
    make_item(finance_list, "Second need")
    before = snapshot(finance_list)

    response = as_user(org.fiona).post(
        url("need_item_move", finance_list, first), {"direction": "up"}, headers=HX
    )

    assert response.status_code == 200
    assert snapshot(finance_list) == before


def test_post_only_actions_refuse_get(as_user, org, finance_list) -> None:
    item = make_item(finance_list)
    client = as_user(org.fiona)

    for name in ["need_item_delete", "need_item_move", "need_item_confirm"]:
        assert client.get(url(name, finance_list, item)).status_code == 405
    for name in ["need_item_add", "need_list_ready", "need_list_settings"]:
        assert client.get(url(name, finance_list)).status_code == 405


# --- costly items and ready --------------------------------------------------------------------


def test_a_costly_item_is_flagged_and_must_be_confirmed_before_ready(
    as_user, org, finance_list
) -> None:
    client = as_user(org.fiona)
    client.post(
        url("need_item_add", finance_list),
        form(service="Same-day credit checks", cost_estimate="8000", value_estimate="10000"),
        headers=HX,
    )
    item = finance_list.items.get()

    html = client.get(url("need_list", finance_list)).content.decode()
    assert "Costs nearly as much as it brings" in html
    assert "Is it still a need, not a want?" in html
    assert "Yes, it is still a need" in html
    assert "Confirm the requests flagged below first." in html

    response = client.post(url("need_list_ready", finance_list), {"ready": "1"}, headers=HX)
    assert response.status_code == 409
    assert "Confirm or change the requests that cost nearly as much" in response.content.decode()
    finance_list.refresh_from_db()
    assert not finance_list.is_ready

    response = client.post(url("need_item_confirm", finance_list, item), headers=HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Confirmed as a need." in html
    assert "Costly, confirmed as a need" in html
    assert "Is it still a need, not a want?" not in html

    response = client.post(url("need_list_ready", finance_list), {"ready": "1"}, headers=HX)
    assert response.status_code == 200
    finance_list.refresh_from_db()
    assert finance_list.is_ready


def test_a_cheap_item_shows_no_warning(as_user, org, finance_list) -> None:
    make_item(finance_list, cost_estimate=Decimal("1000"), value_estimate=Decimal("10000"))

    html = as_user(org.fiona).get(url("need_list", finance_list)).content.decode()

    assert "Costs nearly as much as it brings" not in html


def test_marking_ready_and_taking_it_back(as_user, org, finance_list) -> None:
    make_item(finance_list)
    client = as_user(org.fiona)

    response = client.post(url("need_list_ready", finance_list), {"ready": "1"}, headers=HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Marked ready. The chair can see it." in html
    assert "Ready since" in html
    assert "Take back ‘ready’" in html
    assert "Add a request" not in html  # a ready list is not edited

    response = client.post(url("need_list_ready", finance_list), {"ready": "0"}, headers=HX)
    html = response.content.decode()
    assert "No longer marked ready." in html
    assert "Add a request" in html
    finance_list.refresh_from_db()
    assert not finance_list.is_ready


def test_an_empty_list_cannot_be_marked_ready(as_user, org, finance_list) -> None:
    response = as_user(org.fiona).post(
        url("need_list_ready", finance_list), {"ready": "1"}, headers=HX
    )

    assert response.status_code == 409
    assert "Add at least one request" in response.content.decode()


def test_a_ready_list_refuses_changes_until_taken_back(as_user, org, finance_list) -> None:
    item = make_item(finance_list)
    client = as_user(org.fiona)
    client.post(url("need_list_ready", finance_list), {"ready": "1"})
    before = snapshot(finance_list)

    response = client.post(url("need_item_delete", finance_list, item), headers=HX)

    assert response.status_code == 409
    assert "Take back ‘ready’ before changing it." in response.content.decode()
    assert snapshot(finance_list) == before


def test_marking_ready_without_javascript_redirects_with_a_message(
    as_user, org, finance_list
) -> None:
    make_item(finance_list)

    response = as_user(org.fiona).post(
        url("need_list_ready", finance_list), {"ready": "1"}, follow=True
    )

    assert "Marked ready. The chair can see it." in response.content.decode()


@pytest.mark.parametrize("username", ["fergus", "sam", "priya"])
def test_only_the_head_marks_ready(as_user, org, finance_list, username) -> None:
    make_item(finance_list)
    finance_list.members_may_edit = True
    finance_list.save()
    before = snapshot(finance_list)

    response = as_user(getattr(org, username)).post(
        url("need_list_ready", finance_list), {"ready": "1"}, headers=HX
    )

    assert response.status_code == 403
    assert snapshot(finance_list) == before


# --- settings -------------------------------------------------------------------------------------


def test_head_flags_difficulty_and_lets_members_edit(as_user, org, finance_list) -> None:
    response = as_user(org.fiona).post(
        url("need_list_settings", finance_list),
        {"members_may_edit": "on", "flagged_difficult": "on", "difficulty_note": "Old disputes"},
        headers=HX,
    )

    assert response.status_code == 200
    assert "Flagged as likely to be difficult" in response.content.decode()
    finance_list.refresh_from_db()
    assert finance_list.members_may_edit and finance_list.flagged_difficult
    assert finance_list.difficulty_note == "Old disputes"


def test_a_note_too_long_is_refused(as_user, org, finance_list) -> None:
    before = snapshot(finance_list)

    response = as_user(org.fiona).post(
        url("need_list_settings", finance_list),
        {"flagged_difficult": "on", "difficulty_note": "x" * 501},
        headers=HX,
    )

    assert response.status_code == 400
    assert "keep it under 500 characters" in response.content.decode()
    assert snapshot(finance_list) == before


def test_a_member_cannot_change_the_settings(as_user, org, finance_list) -> None:
    before = snapshot(finance_list)

    response = as_user(org.fergus).post(
        url("need_list_settings", finance_list), {"members_may_edit": "on"}, headers=HX
    )

    assert response.status_code == 403
    assert snapshot(finance_list) == before


# --- frozen once the meeting opens ---------------------------------------------------------------


def test_the_page_says_the_list_is_frozen_and_offers_no_changes(
    as_user, org, finance_list, meeting
) -> None:
    make_item(finance_list)
    open_meeting(meeting)

    html = as_user(org.fiona).get(url("need_list", finance_list)).content.decode()

    assert "The meeting has opened, so this list is frozen." in html
    assert "Add a request" not in html
    assert ">Edit<" not in html
    assert "Mark the list ready" not in html


def test_every_change_is_refused_with_409_once_the_meeting_opens(
    as_user, org, finance_list, meeting
) -> None:
    item = make_item(finance_list, cost_estimate=Decimal("9000"))
    open_meeting(meeting)
    before = snapshot(finance_list)
    client = as_user(org.fiona)

    responses = {
        "add": client.post(url("need_item_add", finance_list), form(), headers=HX),
        "edit form": client.get(url("need_item_edit", finance_list, item), headers=HX),
        "edit": client.post(url("need_item_edit", finance_list, item), form(version=1), headers=HX),
        "remove": client.post(url("need_item_delete", finance_list, item), headers=HX),
        "move": client.post(
            url("need_item_move", finance_list, item), {"direction": "down"}, headers=HX
        ),
        "confirm": client.post(url("need_item_confirm", finance_list, item), headers=HX),
        "ready": client.post(url("need_list_ready", finance_list), {"ready": "1"}, headers=HX),
        "settings": client.post(
            url("need_list_settings", finance_list), {"flagged_difficult": "on"}, headers=HX
        ),
    }

    assert {name: r.status_code for name, r in responses.items()} == dict.fromkeys(responses, 409)
    assert "frozen" in responses["add"].content.decode()
    assert responses["edit form"].headers["HX-Retarget"] == "#workspace"
    assert snapshot(finance_list) == before


# --- never a 500 ---------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["fiona", "fergus", "sam", "priya", "olive"])
def test_garbage_posted_anywhere_never_gives_a_500(as_user, org, finance_list, username) -> None:
    item = make_item(finance_list)
    client = as_user(getattr(org, username))
    garbage = {
        "service": "\x00",
        "cost_estimate": "1e999999",
        "value_estimate": "--1",
        "version": "abc",
        "direction": "sideways",
        "ready": "maybe",
        "members_may_edit": "perhaps",
        "difficulty_note": "\u202e" * 600,
        "measure_frequency": ["weekly", "monthly"],
    }
    urls = [
        url("need_item_add", finance_list),
        url("need_item_edit", finance_list, item),
        url("need_item_delete", finance_list, item),
        url("need_item_move", finance_list, item),
        url("need_item_confirm", finance_list, item),
        url("need_list_ready", finance_list),
        url("need_list_settings", finance_list),
    ]

    for target in urls:
        for headers in ({}, HX):
            response = client.post(target, garbage, headers=headers)
            assert response.status_code < 500, target
        raw = client.post(
            target,
            "service=%FF%FE&cost_estimate=%00&version=%C0",
            content_type="application/x-www-form-urlencoded",
        )
        assert raw.status_code < 500, target

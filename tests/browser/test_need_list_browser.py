"""In Chromium: a head prepares a need list without a page reload; the other head cannot see it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.conftest import audit

pytestmark = pytest.mark.browser

NEEDS = [
    ("Signed customer order forms with every new contract", "3000", "40000"),
    ("A monthly sales forecast by the 5th working day", "6000", "25000"),
    ("Credit checks requested before quoting new customers", "2500", "30000"),
]


def add_need(page, service: str, cost: str, value: str) -> None:
    from playwright.sync_api import expect

    page.fill("#id_service", service)
    page.fill("#id_benefit_department", "We stop chasing paperwork.")
    page.fill("#id_benefit_organisation", "Cash comes in sooner.")
    page.fill("#id_cost_estimate", cost)
    page.fill("#id_value_estimate", value)
    page.fill("#id_service_level", "Within two working days")
    page.fill("#id_measure_what", "Share on time")
    page.select_option("#id_measure_kind", "share")
    page.fill("#id_measure_threshold", "95")
    page.select_option("#id_measure_frequency", "monthly")
    page.get_by_role("button", name="Add request").click()
    expect(page.locator("#need-items")).to_contain_text(service)


def titles(page) -> list[str]:
    return page.locator("#need-items .need-item__title").all_inner_texts()


def test_head_builds_reorders_and_marks_ready_and_the_other_head_cannot_see_it(
    new_page, live_server, org, meeting
) -> None:
    from playwright.sync_api import expect

    finance_list = meeting.need_list_for(org.finance)
    list_url = live_server.url + reverse("meetings:need_list", args=[meeting.pk, finance_list.pk])

    page = new_page(org.fiona)
    page.goto(list_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Finance's needs from Sales")
    page.evaluate("window.__marker = 'no reload'")

    for service, cost, value in NEEDS:
        add_need(page, service, cost, value)
    expect(page.get_by_role("status")).to_contain_text("Request added.")
    assert titles(page) == [service for service, _, _ in NEEDS]
    audit(page)

    page.get_by_role("button", name=f"Move “{NEEDS[2][0]}” up").click()
    expect(page.locator("#need-items .need-item__title").nth(1)).to_have_text(NEEDS[2][0])
    assert titles(page) == [NEEDS[0][0], NEEDS[2][0], NEEDS[1][0]]

    page.get_by_role("button", name="Mark the list ready").click()
    expect(page.locator("#workspace")).to_contain_text("Marked ready. The chair can see it.")
    expect(page.locator("#workspace .badge--good")).to_contain_text("Ready since")
    expect(page.get_by_role("button", name="Add request")).to_have_count(0)
    audit(page)

    assert page.evaluate("window.__marker") == "no reload", "the page reloaded"
    assert page.console_errors == [], page.console_errors
    assert [i.service for i in finance_list.items.all()] == titles(page)
    finance_list.refresh_from_db()
    assert finance_list.is_ready

    other = new_page(org.sam)
    response = other.goto(list_url)
    assert response.status == 403
    expect(other.get_by_role("heading", level=1)).to_have_text("Not yours to see")
    expect(other.locator("main")).to_contain_text(
        "visible only to its own department and the facilitator"
    )
    for service, _, _ in NEEDS:
        expect(other.locator("body")).not_to_contain_text(service)


@pytest.mark.parametrize("debug", [False, True], ids=["production", "demo-with-debug"])
def test_a_bad_figure_shows_a_message_in_place_and_adds_nothing(
    new_page, live_server, org, meeting, settings, debug
) -> None:
    """Also with DEBUG on (``make run``), where django-htmx's debug helper is loaded: the
    form's 400 is swapped in with its errors, not shown as a bare error page."""
    from playwright.sync_api import expect

    settings.DEBUG = debug
    finance_list = meeting.need_list_for(org.finance)
    page = new_page(org.fiona, width=390, height=844)
    page.goto(live_server.url + reverse("meetings:need_list", args=[meeting.pk, finance_list.pk]))
    assert (page.locator("script[src*='django-htmx']").count() == 1) is debug
    page.evaluate("window.__marker = 'no reload'")

    page.fill("#id_service", "Forecasts")
    page.get_by_role("button", name="Add request").click()

    expect(page.locator("#workspace .refusal")).to_have_text("Please correct the request below.")
    expect(page.locator("#id_service")).to_have_value("Forecasts")
    expect(page.locator(".site-header")).to_be_visible()  # the page, not a replaced document
    # The field says what is wrong, and the input points at that message.
    described = page.locator("#id_benefit_department").get_attribute("aria-describedby")
    assert described and page.locator(f"#{described.split()[-1]}").is_visible()
    expect(page.get_by_role("alert")).to_have_count(1)
    audit(page)
    assert page.evaluate("window.__marker") == "no reload"
    assert not finance_list.items.exists()


def test_head_edits_and_removes_a_request_in_place(new_page, live_server, org, meeting) -> None:
    from playwright.sync_api import expect

    from tests.factories import make_item

    finance_list = meeting.need_list_for(org.finance)
    make_item(finance_list, "Signed order forms")
    make_item(finance_list, "Monthly forecast")
    page = new_page(org.fiona)
    page.goto(live_server.url + reverse("meetings:need_list", args=[meeting.pk, finance_list.pk]))
    page.evaluate("window.__marker = 'no reload'")

    page.locator(".need-item", has_text="Signed order forms").get_by_role(
        "link", name="Edit"
    ).click()
    editing = page.locator(".need-item--editing")
    expect(editing.locator("input[name=service]")).to_have_value("Signed order forms")
    editing.locator("input[name=service]").fill("Signed order forms within one day")
    editing.get_by_role("button", name="Save").click()

    expect(page.locator("#workspace")).to_contain_text("Request saved.")
    expect(page.locator("#workspace")).to_have_count(1)
    assert titles(page) == ["Signed order forms within one day", "Monthly forecast"]

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Remove").first.click()
    expect(page.locator("#workspace")).to_contain_text("Request removed.")
    assert titles(page) == ["Monthly forecast"]
    assert page.evaluate("window.__marker") == "no reload"
    assert page.console_errors == [], page.console_errors


def test_a_request_removed_by_a_colleague_while_editing_gives_a_message_in_place(
    new_page, live_server, org, meeting
) -> None:
    from playwright.sync_api import expect

    from meetings.models import NeedItem
    from tests.factories import make_item

    finance_list = meeting.need_list_for(org.finance)
    item = make_item(finance_list, "Signed order forms")
    make_item(finance_list, "Monthly forecast")
    page = new_page(org.fiona)
    page.goto(live_server.url + reverse("meetings:need_list", args=[meeting.pk, finance_list.pk]))
    page.locator(".need-item", has_text="Signed order forms").get_by_role(
        "link", name="Edit"
    ).click()
    expect(page.locator(".need-item--editing")).to_have_count(1)

    NeedItem.objects.filter(pk=item.pk).delete()
    page.get_by_role("button", name="Save").click()

    expect(page.locator("#workspace .refusal")).to_contain_text("it may have been removed")
    expect(page.locator("header.site-header")).to_have_count(1)
    expect(page.locator("#workspace")).to_have_count(1)
    assert titles(page) == ["Monthly forecast"]

"""In Chromium: an organisation sets itself up from nothing, in the product.

The first administrator comes from the setup link; they create three departments,
invite one person and import the rest; an invitee accepts; a head changes in one
step; someone is deactivated and can no longer sign in.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from organisation.views import first_run_token
from tests.tasks import deliver_outbox

pytestmark = pytest.mark.browser

CSV = (
    "email,first_name,last_name,department,role,head\n"
    "sam@example.org,Samira,Okafor,Sales,,yes\n"
    "sean@example.org,Sean,Doyle,Sales,,no\n"
    "lena@example.org,Lena,Fox,Legal,facilitator,no\n"
)


def workspace(page):
    return page.locator("#org-workspace")


def test_an_organisation_is_set_up_from_nothing(
    new_page, live_server, transactional_db, mailoutbox
):
    from playwright.sync_api import expect

    base = live_server.url
    admin = new_page()
    admin.goto(base + reverse("organisation:first_run", args=[first_run_token()]))
    admin.fill("#id_first_name", "Rowan")
    admin.fill("#id_last_name", "Hart")
    admin.fill("#id_email", "rowan@example.org")
    admin.fill("#id_username", "rowan")
    admin.fill("#id_password1", "a-long-new-password")
    admin.fill("#id_password2", "a-long-new-password")
    admin.get_by_role("button", name="Create the administrator").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Organisation")

    for name in ["Finance", "Sales", "Legal"]:
        admin.fill("#new-department", name)
        admin.get_by_role("button", name="Create department").click()
        expect(workspace(admin)).to_contain_text(f"{name} created.")

    admin.fill("#id_first_name", "Fiona")
    admin.fill("#id_last_name", "Marsh")
    admin.fill("#id_email", "fiona@example.org")
    admin.select_option("#id_department", label="Finance")
    admin.check("#id_head")
    admin.get_by_role("button", name="Send the invitation").click()
    expect(workspace(admin)).to_contain_text("Invitation sent to fiona@example.org.")
    fiona_row = admin.locator("tr", has_text="fiona@example.org")
    expect(fiona_row).to_contain_text("Invited")

    admin.get_by_role("link", name="Import people from a CSV file").click()
    admin.set_input_files(
        "#id_file", files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": CSV.encode()}]
    )
    admin.get_by_role("button", name="Preview the file").click()
    expect(admin.get_by_role("heading", name="Preview: 3 people")).to_be_visible()
    admin.get_by_role("button", name="Import 3 people and send their invitations").click()
    expect(admin.get_by_role("status").first).to_contain_text("3 people imported")

    # Fiona accepts her invitation in her own browser (the worker sends it).
    deliver_outbox()
    invitation = next(m for m in mail.outbox if m.to == ["fiona@example.org"])
    link = next(
        line for line in invitation.body.splitlines() if "/organisation/invitation/" in line
    )
    fiona = new_page()
    fiona.goto(link.replace("http://127.0.0.1:8000", base))
    fiona.fill("#id_password1", "fionas-own-password")
    fiona.fill("#id_password2", "fionas-own-password")
    fiona.get_by_role("button", name="Set my password and sign in").click()
    expect(fiona.get_by_role("heading", level=1)).to_have_text("Hello, Fiona")
    expect(fiona.locator("main")).to_contain_text("Head of Finance")

    # Sean becomes head of Sales in one step; Samira stays as a member.
    admin.reload()
    sales = admin.locator("article.org-department", has=admin.locator("input[value='Sales']"))
    sales.locator("li", has_text="Sean Doyle").get_by_role(
        "button", name="Make head of Sales: Sean Doyle"
    ).click()
    expect(workspace(admin)).to_contain_text("Sean Doyle now heads Sales.")
    sales = admin.locator("article.org-department", has=admin.locator("input[value='Sales']"))
    expect(sales.locator("li", has_text="Sean Doyle")).to_contain_text("Head")
    expect(sales.locator("li", has_text="Samira Okafor")).not_to_contain_text("Head")

    # Fiona is deactivated: she is signed out at once and cannot sign in again.
    admin.once("dialog", lambda dialog: dialog.accept())
    admin.locator("tr", has_text="fiona@example.org").get_by_role(
        "button", name="Deactivate"
    ).click()
    expect(workspace(admin)).to_contain_text("Fiona Marsh can no longer sign in.")
    fiona.goto(base + "/")
    expect(fiona).to_have_url(base + "/accounts/login/?next=/")
    fiona.fill("#id_username", "fiona")
    fiona.fill("#id_password", "fionas-own-password")
    fiona.click("button[type=submit]")
    expect(fiona.get_by_role("alert")).to_be_visible()
    assert admin.console_errors == [] and fiona.console_errors == []

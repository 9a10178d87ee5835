"""Both heads sign the agreement in the browser, and a manager downloads the sealed PDF."""

from __future__ import annotations

import pytest

from agreements import sealing, services
from agreements.models import VersionStatus
from tests.agreements.conftest import make_ready_sla
from tests.browser.conftest import audit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign(page, password: str) -> None:
    page.fill("#id_password", password)
    page.get_by_role("button", name="Sign the agreement").click()


@pytest.fixture
def ready_sla(meeting, org):
    return make_ready_sla(meeting, org)


def test_both_heads_sign_and_a_manager_downloads_the_pdf(new_page, live_server, ready_sla, org):
    url = f"{live_server.url}/agreements/{ready_sla.pk}/"

    fiona = new_page(org.fiona)
    fiona.goto(url)
    assert fiona.get_by_role("heading", level=1).inner_text().startswith("Finance and Sales")
    sign(fiona, "not my password")
    assert "That password is not right" in fiona.get_by_role("alert").first.inner_text()
    audit(fiona)
    sign(fiona, org.password)
    fiona.wait_for_selector("text=The agreement now waits for the other head")
    audit(fiona)

    sam = new_page(org.sam)
    sam.goto(url)
    assert "Fiona Marsh for Finance" in sam.inner_text("main")
    # The second signature renders and seals the PDF (the immediate task backend runs it
    # before the response): allow for a slow machine.
    sam.set_default_timeout(90_000)
    sign(sam, org.password)
    sam.wait_for_selector("text=Both heads have now signed")
    audit(sam)

    version = services.latest_version(ready_sla)
    assert version.status == VersionStatus.SIGNED

    margaret = new_page(org.margaret)
    margaret.goto(url)
    audit(margaret)
    with margaret.expect_download() as download_info:
        margaret.get_by_role("link", name="Download the signed PDF").click()
    path = download_info.value.path()
    with open(path, "rb") as handle:
        data = handle.read()
    assert data == bytes(version.pdf)
    assert sealing.check_seal(data).ok
    for page in (fiona, sam, margaret):  # no CSP or script errors (the wrong password is a 400)
        assert [e for e in page.console_errors if "status of 400" not in e] == []

"""Both heads sign the agreement in the browser, and a manager downloads the sealed PDF.

The second signature returns at once; the worker seals the PDF (here the
test runs the sealing task itself, as the worker would) and the link appears
on every open screen of the agreement without a reload.
"""

from __future__ import annotations

import pytest

from agreements import sealing, services, tasks
from agreements.models import VersionStatus
from tests.agreements.conftest import make_ready_sla

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
    sign(fiona, org.password)
    fiona.wait_for_selector("text=The agreement now waits for the other head")

    sam = new_page(org.sam)
    sam.goto(url)
    assert "Fiona Marsh for Finance" in sam.inner_text("main")
    margaret = new_page(org.margaret)
    margaret.goto(url)  # open before the second signature
    sign(sam, org.password)
    sam.wait_for_selector("text=Both heads have now signed")
    assert "The PDF is being sealed" in sam.inner_text("#sla-documents")
    assert sam.get_by_role("link", name="Download the signed PDF").count() == 0

    version = services.latest_version(ready_sla)
    assert version.status == VersionStatus.SIGNED
    assert not version.has_pdf
    tasks.seal_version.call(version_id=version.pk)  # the worker's turn
    version.refresh_from_db()

    # Every open screen shows the link, without a reload: Sam's, Fiona's and Margaret's.
    for page in (sam, fiona, margaret):
        page.get_by_role("link", name="Download the signed PDF").wait_for(timeout=30_000)
    with margaret.expect_download() as download_info:
        margaret.get_by_role("link", name="Download the signed PDF").click()
    path = download_info.value.path()
    with open(path, "rb") as handle:
        data = handle.read()
    assert data == bytes(version.pdf)
    assert sealing.check_seal(data).ok
    for page in (fiona, sam, margaret):  # no CSP or script errors (the wrong password is a 400)
        assert [e for e in page.console_errors if "status of 400" not in e] == []

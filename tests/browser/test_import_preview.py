"""A provider uploads a spreadsheet, reads the preview, fixes the file, and saves it."""

from __future__ import annotations

import pytest

from tests.monitoring.conftest import START, make_signed_sla

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed(meeting, org):
    return make_signed_sla(meeting, org)


def test_the_preview_shows_errors_then_saves_a_corrected_file(
    new_page, live_server, signed, org, tmp_path
):
    from agreements.models import SLAService
    from monitoring.models import Measurement

    orders = SLAService.objects.get(version__sla=signed, service="Signed order forms")
    bad = tmp_path / "october.csv"
    bad.write_text(f"service,period_start,value\n{orders.pk},{START},lots\n")
    good = tmp_path / "october-fixed.csv"
    good.write_text(f"service,period_start,value\n{orders.pk},{START},96.5\n")

    sean = new_page(org.sean)
    sean.goto(f"{live_server.url}/monitoring/agreements/{signed.pk}/")
    sean.get_by_role("link", name="Import a file").click()
    sean.get_by_label("File (.csv or .xlsx, up to 2 MB)").set_input_files(str(bad))
    sean.get_by_role("button", name="Check the file").click()
    sean.get_by_text("Row 2, column value: “lots” is not a number").wait_for()
    assert sean.get_by_role("button", name="Save these 1 figure").count() == 0
    assert not Measurement.objects.exists()

    sean.get_by_label("File (.csv or .xlsx, up to 2 MB)").set_input_files(str(good))
    sean.get_by_role("button", name="Check the file").click()
    preview = sean.locator("#import-preview")
    preview.get_by_text("96.5%").wait_for()
    assert "Met" in preview.inner_text()
    sean.get_by_role("button", name="Save these 1 figure").click()
    sean.get_by_text("Imported from october-fixed.csv: 1 recorded").wait_for()
    assert Measurement.objects.get().source == "imported"

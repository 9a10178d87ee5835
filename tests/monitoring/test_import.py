"""Importing a file of measurements: preview with every error, all or nothing, corrections."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from monitoring import selectors
from monitoring.models import Measurement
from notifications.models import Outbox
from tests.monitoring.conftest import START


def url(sla):
    return reverse("monitoring:import", args=[sla.pk])


def csv_file(text: str, name: str = "figures.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def xlsx_file(rows, name: str = "figures.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def confirm(client, sla, preview_response):
    token = preview_response.context["preview"].signed_rows()
    return client.post(url(sla), {"confirm": "1", "rows": token})


def test_a_valid_csv_previews_each_row_then_saves_all(
    signed, orders, credit_notes, org, as_user, django_capture_on_commit_callbacks
):
    sam = as_user(org.sam)
    text = (
        "service,period_start,value,met,note\n"
        f"{orders.pk},{START},97,,\n"
        f"Signed order forms,2026-02-05,80%,,short-staffed\n"
        f"Credit notes,{START},done,yes,\n"
    )
    preview = sam.post(url(signed), {"file": csv_file(text)})
    assert preview.status_code == 200
    page = preview.readable
    assert "Save these 3 figures" in page and "Missed" in page and "Met" in page
    assert not Measurement.objects.exists()  # nothing saved before confirming
    with django_capture_on_commit_callbacks(execute=True):
        done = confirm(sam, signed, preview)
    assert done.status_code == 302
    saved = Measurement.objects.filter(source="imported")
    assert saved.count() == 3
    miss = saved.get(met=False)
    assert miss.value_text == "80%" and miss.note == "short-staffed"
    # The miss asks the provider for an explanation, like a typed one.
    assert miss in selectors.attention_for(org.sean).to_explain
    assert Outbox.objects.filter(subject__startswith="Missed:").exists()  # emailed by the worker


def test_a_reimport_of_the_same_period_is_a_correction(signed, orders, org, as_user):
    sam = as_user(org.sam)
    first = sam.post(
        url(signed), {"file": csv_file(f"service,period_start,value\n{orders.pk},{START},97\n")}
    )
    confirm(sam, signed, first)
    again = sam.post(
        url(signed),
        {"file": xlsx_file([["service", "period_start", "value"], [orders.pk, START, 93.5]])},
    )
    assert "corrects 97%" in again.readable
    confirm(sam, signed, again)
    measurement = Measurement.objects.get()
    assert measurement.value_text == "93.5%"
    assert [c.kind for c in measurement.changes.all()] == ["recorded", "corrected"]
    assert measurement.changes.last().reason == "Imported again from figures.xlsx"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (csv_file("", "empty.csv"), "The file is empty."),
        (csv_file("service,value\n1,2\n"), "it lacks: period_start"),
        (SimpleUploadedFile("figures.pdf", b"%PDF-1.7"), "Upload a .csv or .xlsx file."),
        (SimpleUploadedFile("figures.xlsx", b"not a workbook"), "not an XLSX workbook"),
        (SimpleUploadedFile("figures.csv", "é".encode("latin-1")), "not UTF-8"),
    ],
)
def test_files_that_cannot_be_read_say_why(signed, org, as_user, upload, message):
    response = as_user(org.sam).post(url(signed), {"file": upload})
    assert response.status_code == 400
    assert message in response.readable
    assert "Save these" not in response.readable


def test_every_error_is_listed_by_row_and_column_and_nothing_is_saved(
    signed, orders, credit_notes, org, as_user
):
    text = (
        "service,period_start,value\n"
        f"{orders.pk},{START},97\n"  # fine, but the file has errors: not saved either
        "Nope,2026-01-05,97\n"
        f"{orders.pk},05/01/2026,97\n"
        f"{orders.pk},2026-02-05,lots\n"
        f"{orders.pk},2026-02-05,101\n"
        f"{orders.pk},2030-01-05,97\n"
        f"Credit notes,{START},done\n"
    )
    response = as_user(org.sam).post(url(signed), {"file": csv_file(text)})
    assert response.status_code == 400
    page = response.readable
    for expected in [
        "Row 3, column service: “Nope” is not a service of this agreement.",
        "Row 4, column period_start: Write the period's first day as 2026-10-05.",
        "Row 5, column value: “lots” is not a number",
        "Row 6, column value: A percentage is between 0 and 100.",
        "Row 6, column period_start: This period is in the file twice.",
        "Row 7, column period_start: Not the first day of a period",
        "Row 8, column met: This measure is not confirmed yet",
    ]:
        assert expected in page, expected
    assert "Save these" not in page
    assert not Measurement.objects.exists()


def test_a_tampered_preview_is_refused(signed, orders, org, as_user):
    response = as_user(org.sam).post(url(signed), {"confirm": "1", "rows": "forged"})
    assert response.status_code == 400
    assert "upload the file again" in response.readable
    assert not Measurement.objects.exists()


def test_only_the_provider_imports(signed, orders, org, as_user):
    # Finance receives the order forms: its rows are refused; a manager has no page at all.
    text = f"service,period_start,value\n{orders.pk},{START},97\n"
    response = as_user(org.fiona).post(url(signed), {"file": csv_file(text)})
    assert "Only Sales records this service's figures." in response.readable
    assert as_user(org.margaret).get(url(signed)).status_code == 403
    assert as_user(org.priya).get(url(signed)).status_code == 403

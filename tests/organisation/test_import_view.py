"""GET/POST /organisation/import/: a CSV of people, previewed, then applied all or nothing."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from organisation.models import Department, Membership, OrgRole
from tests.tasks import run_queued_tasks

URL = reverse("organisation:import")
GOOD = (
    "email,first_name,last_name,department,role,head\n"
    "hana@example.org,Hana,Ito,HR,,yes\n"
    "max@example.org,Max,Berg,HR,facilitator,no\n"
    "lee@example.org,Lee,Park,Sales,manager;arbiter,\n"
)


def upload(client, text: str, **extra):
    return client.post(URL, {"file": SimpleUploadedFile("people.csv", text.encode()), **extra})


def test_the_preview_shows_every_row_and_saves_nothing(org, admin, as_user):
    people = get_user_model().objects.count()
    response = upload(as_user(admin), GOOD)
    assert response.status_code == 200
    text = response.readable
    assert "Preview: 3 people" in text
    assert "New departments: HR." in text
    assert text.count("Will be invited") == 3
    assert get_user_model().objects.count() == people
    assert not Department.objects.filter(name="HR").exists()


def test_confirming_imports_everyone_and_sends_invitations(
    org, admin, as_user, mailoutbox, django_capture_on_commit_callbacks
):
    client = as_user(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"csv_text": GOOD, "confirm": "yes"})
    assert response.status_code == 302
    hr = Department.objects.get(name="HR")
    assert Membership.objects.get(department=hr, role="head").user.email == "hana@example.org"
    lee = get_user_model().objects.get(email="lee@example.org")
    assert set(OrgRole.objects.filter(user=lee).values_list("role", flat=True)) == {
        "manager",
        "arbiter",
    }
    run_queued_tasks()  # the worker sends them
    assert sorted(m.to[0] for m in mailoutbox) == [
        "hana@example.org",
        "lee@example.org",
        "max@example.org",
    ]


def test_errors_are_shown_by_row_and_column_and_nothing_is_saved(org, admin, as_user):
    bad = (
        "email,first_name,last_name,department,role,head\n"
        "fiona@example.org,Fiona,Marsh,Finance,,no\n"
        "not-an-email,X,,Sales,emperor,perhaps\n"
        "ok@example.org,Ok,,Sales,,\n"
        "ok@example.org,Again,,Sales,,\n"
    )
    people = get_user_model().objects.count()
    response = upload(as_user(admin), bad)
    assert response.status_code == 400
    text = response.readable
    assert "email: fiona@example.org already belongs to someone here." in text
    assert "email: Give a valid email address." in text
    assert "role: Not a role: emperor." in text
    assert "head: Write yes or no." in text
    assert "email: Also on row 4." in text
    assert "Import 4 people" not in text
    # A forged confirmation of a bad file changes nothing either.
    forged = as_user(admin).post(URL, {"csv_text": bad, "confirm": "yes"})
    assert forged.status_code == 400
    assert get_user_model().objects.count() == people


def test_a_file_that_is_not_a_csv_of_people_gets_a_message(org, admin, as_user):
    response = upload(as_user(admin), "name\nsomebody\n")
    assert response.status_code == 400
    assert "missing: email, first_name" in response.readable
    binary = as_user(admin).post(URL, {"file": SimpleUploadedFile("x.csv", b"\xff\xfe\x00bad")})
    assert binary.status_code == 400
    assert "UTF-8" in binary.readable or "not a CSV" in binary.readable


def test_only_administrators_import(org, as_user):
    assert as_user(org.margaret).get(URL).status_code == 403

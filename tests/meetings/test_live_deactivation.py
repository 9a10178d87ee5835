"""A deactivated person's open live screens close, and cannot reconnect."""

from __future__ import annotations

import asyncio

import pytest
from django.urls import reverse

from meetings.live import hub as live_hub
from organisation import services
from organisation.models import OrgRole
from tests.factories import give_role, make_user
from tests.meetings.live_fakes import install_fake_page
from tests.meetings.sse import AsgiStream, in_thread, run_async

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_deactivating_someone_closes_their_open_stream_at_once(meeting, org, monkeypatch):
    install_fake_page(monkeypatch)
    admin = make_user("ada")
    give_role(admin, OrgRole.Role.ADMINISTRATOR)
    url = reverse("meetings:live", args=[meeting.pk])

    async def scenario():
        try:
            fergus = await AsgiStream(url, user=org.fergus).open()
            fiona = await AsgiStream(url, user=org.fiona).open()
            await asyncio.sleep(0.1)
            await in_thread(lambda: services.person_deactivate(by=admin, user=org.fergus))
            await asyncio.wait_for(fergus.read_all(), 5)  # the stream ends by itself
            hub = live_hub.get_hub()
            watching = {s.viewer.user_id for s in hub.rooms[meeting.pk].subscribers}
            await fiona.close()
            again = await AsgiStream(url, user=org.fergus).open()
            await again.read_all()
            return watching, again.status
        finally:
            await live_hub.reset_hub()

    watching, status = run_async(scenario())
    assert watching == {org.fiona.pk}
    assert status == 403

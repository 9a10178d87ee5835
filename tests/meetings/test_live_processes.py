"""Live screens across real server processes on PostgreSQL (LISTEN/NOTIFY).

Two uvicorn processes serve the test database; a change made through one
reaches screens connected to the other.
"""

from __future__ import annotations

import asyncio
import urllib.parse
import urllib.request

import pytest
from django.db import connection
from django.urls import reverse

from bench.live_client import LiveClient
from bench.servers import database_url, running_servers
from meetings.live import status as live
from meetings.live.brokers import LISTENER_NAME
from meetings.live.models import Rendering
from tests.meetings.helpers import prepare
from tests.meetings.sse import in_thread, run_async, session_cookie

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="LISTEN/NOTIFY needs PostgreSQL"),
]

CSRF = "livetestcsrfsecret0123456789abcd"  # 32 characters: an unmasked CSRF secret


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def servers(django_db_setup, django_db_blocker):
    with running_servers(2, database_url=database_url(connection.settings_dict)) as pair:
        yield pair


def post(port: int, path: str, cookie: str, data: dict) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=urllib.parse.urlencode(data).encode(),
        headers={
            "Cookie": f"sessionid={cookie}; csrftoken={CSRF}",
            "X-CSRFToken": CSRF,
            "HX-Request": "true",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def listening_connections() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT application_name, count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name LIKE %s "
            "GROUP BY application_name",
            [f"{LISTENER_NAME}%"],
        )
        return dict(cursor.fetchall())


def test_an_update_through_process_1_reaches_screens_on_process_2(meeting, org, servers):
    one, two = servers
    prepare(meeting, org)
    last = live.last_seq(meeting.pk)
    path = reverse("meetings:live", args=[meeting.pk]) + f"?after={last}"
    cookies = {user.username: session_cookie(user) for user in (org.priya, org.sam, org.fergus)}

    async def scenario():
        screens = [
            await LiveClient("127.0.0.1", two.port, path, cookie=cookies["sam"]).open(),
            await LiveClient("127.0.0.1", two.port, path, cookie=cookies["fergus"]).open(),
            await LiveClient("127.0.0.1", one.port, path, cookie=cookies["fergus"]).open(),
        ]
        await asyncio.sleep(1.0)  # the listeners are connected
        status = await asyncio.to_thread(
            post,
            one.port,
            reverse("meetings:act", args=[meeting.pk, "advance"]),
            cookies["priya"],
            {"step": "preparation"},
        )
        messages = [await screen.next(timeout=10) for screen in screens]
        listeners = await in_thread(listening_connections)
        for screen in screens:
            await screen.close()
        return status, messages, listeners

    status, messages, listeners = run_async(scenario())
    assert status == 200
    assert [(m.event, m.id) for m in messages] == [("change", str(last + 1))] * 3
    for message in messages:
        assert "Opening" in message.json["regions"]["stage"]
    # Rendered once per audience for both processes together.
    rendered = Rendering.objects.filter(meeting=meeting, seq=last + 1)
    assert sorted(rendered.values_list("audience", flat=True)) == ["head_b", "member_a"]
    # One listening connection per process, however many screens it serves.
    assert listeners == {f"{LISTENER_NAME} {one.pid}": 1, f"{LISTENER_NAME} {two.pid}": 1}


def test_the_facilitator_on_one_process_sees_people_on_the_other(meeting, org, servers):
    one, two = servers
    path = reverse("meetings:live", args=[meeting.pk])
    cookies = {user.username: session_cookie(user) for user in (org.priya, org.fiona)}

    async def scenario():
        priya = await LiveClient("127.0.0.1", one.port, path, cookie=cookies["priya"]).open()
        while "Priya Nair" not in (await priya.next(timeout=10)).data:
            pass
        fiona = await LiveClient("127.0.0.1", two.port, path, cookie=cookies["fiona"]).open()
        joined = await priya.next(timeout=10)
        while "Fiona Marsh" not in joined.data:
            joined = await priya.next(timeout=10)
        await fiona.close()
        left = await priya.next(timeout=10)
        while "Fiona Marsh" in left.data:
            left = await priya.next(timeout=10)
        await priya.close()
        return joined, left

    joined, left = run_async(scenario())
    assert joined.event == left.event == "presence"
    assert "Head of Finance" in joined.json["regions"]["presence"]
    assert "Priya Nair" in left.json["regions"]["presence"]

"""The live stream view: GET /exchanges/<pk>/live/ (Server-Sent Events)."""

from __future__ import annotations

import asyncio

import pytest
from django.db import connection
from django.urls import reverse

from meetings import services
from meetings.live import hub as live_hub
from meetings.live import status as live
from meetings.live import views as live_views
from meetings.live.brokers import APPLICATION_NAME
from tests.factories import make_meeting
from tests.meetings.live_fakes import add_events, install_fake_page
from tests.meetings.sse import AsgiStream, in_thread, run_async

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def page(monkeypatch):
    return install_fake_page(monkeypatch)


def run(coroutine):
    """Run a test's async part on a fresh loop, then shut the live hub down."""

    async def main():
        try:
            return await coroutine
        finally:
            await live_hub.reset_hub()

    return run_async(main())


def url(meeting, **query) -> str:
    path = reverse("meetings:live", args=[meeting.pk])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def toggle_difficult(meeting, head):
    """A real service, committed: appends one event to the record."""
    need_list = meeting.need_lists.get(department=meeting.department_a)
    services.need_list_update_settings(
        need_list=need_list,
        by=head,
        members_may_edit=need_list.members_may_edit,
        flagged_difficult=not need_list.flagged_difficult,
    )


def test_streams_with_headers_that_stop_buffering(meeting, org, page):
    async def scenario():
        stream = await AsgiStream(url(meeting), user=org.fiona).open()
        await stream.close()
        return stream

    stream = run(scenario())
    assert stream.status == 200
    assert stream.response_headers["content-type"] == "text/event-stream"
    assert stream.response_headers["cache-control"] == "no-cache"
    assert stream.response_headers["x-accel-buffering"] == "no"


def test_under_wsgi_the_stream_says_it_is_unavailable_and_ends(meeting, org, as_user):
    def fetch():
        response = as_user(org.fiona).get(url(meeting))
        return response.status_code, b"".join(response.streaming_content)

    status, body = run_async(in_thread(fetch))  # the test client's own thread, no loop
    assert status == 200
    assert body == b"event: unavailable\ndata: {}\n\n"


@pytest.mark.parametrize("who", [None, "olive"])
def test_refuses_people_outside_the_exchange(meeting, org, page, who):
    async def scenario():
        user = getattr(org, who) if who else None
        stream = await AsgiStream(url(meeting), user=user).open()
        await stream.read_all()
        return stream

    assert run(scenario()).status == 403


def test_unknown_meeting_is_not_found(meeting, org, page):
    async def scenario():
        stream = AsgiStream(reverse("meetings:live", args=[meeting.pk + 99]), user=org.priya)
        await stream.open()
        await stream.read_all()
        return stream

    assert run(scenario()).status == 404


def test_reconnect_with_last_event_id_replays_exactly_the_missed_events(meeting, org, page):
    add_events(meeting, 7)

    async def scenario():
        stream = await AsgiStream(url(meeting), user=org.sam, headers={"Last-Event-ID": "3"}).open()
        messages = await stream.messages_until_quiet()
        await stream.close()
        return messages

    messages = run(scenario())
    assert [(m.event, m.id) for m in messages] == [("change", str(n)) for n in (4, 5, 6, 7)]
    assert [m.json["regions"] for m in messages[:-1]] == [{}, {}, {}]
    # The current regions come once, with the last of the replayed events.
    assert messages[-1].json["regions"]["stage"] == (
        '<section id="region-stage">head_b sees event 7</section>'
    )
    assert page.calls == {"head_b": 1}


def test_the_page_seq_in_the_url_works_like_last_event_id(meeting, org, page):
    add_events(meeting, 5)

    async def scenario():
        stream = await AsgiStream(url(meeting, after=4), user=org.fiona).open()
        messages = await stream.messages_until_quiet()
        await stream.close()
        return messages

    assert [m.id for m in run(scenario())] == ["5"]


def test_the_header_wins_over_the_url_after_an_automatic_reconnect(meeting, org, page):
    add_events(meeting, 5)

    async def scenario():
        stream = AsgiStream(url(meeting, after=1), user=org.fiona, headers={"Last-Event-ID": "4"})
        await stream.open()
        messages = await stream.messages_until_quiet()
        await stream.close()
        return messages

    assert [m.id for m in run(scenario())] == ["5"]


def test_an_up_to_date_page_gets_nothing_until_something_happens(meeting, org, page):
    add_events(meeting, 3)

    async def scenario():
        stream = await AsgiStream(url(meeting, after=3), user=org.fiona).open()
        messages = await stream.messages_until_quiet()
        await stream.close()
        return messages

    assert run(scenario()) == []
    assert page.calls == {}


def test_a_page_without_a_seq_gets_the_current_regions(meeting, org, page):
    add_events(meeting, 2)

    async def scenario():
        stream = await AsgiStream(url(meeting), user=org.sean).open()
        message = await stream.next()
        await stream.close()
        return message

    message = run(scenario())
    assert message.id == "2"
    assert set(message.json["regions"]) == {"stage", "rules"}


@pytest.mark.parametrize("last_seen", ["2", "99"])
def test_a_page_too_far_behind_or_ahead_reloads(meeting, org, page, last_seen):
    add_events(meeting, 60)

    async def scenario():
        stream = AsgiStream(url(meeting), user=org.fiona, headers={"Last-Event-ID": last_seen})
        await stream.open()
        await stream.read_all()
        return stream

    stream = run(scenario())
    assert [(m.event, m.id) for m in stream.parser.messages if m.event != "retry"] == [
        ("reload", "60")
    ]
    assert page.calls == {}


def test_a_change_reaches_every_screen_rendered_once_per_audience(meeting, org, page):
    add_events(meeting, 1)

    async def scenario():
        screens = [
            await AsgiStream(url(meeting, after=1), user=user).open()
            for user in (org.fiona, org.fiona, org.fergus, org.sam)
        ]
        await asyncio.sleep(0.1)
        await in_thread(toggle_difficult, meeting, org.fiona)
        first = [await screen.next() for screen in screens]
        await in_thread(toggle_difficult, meeting, org.fiona)
        second = [await screen.next() for screen in screens]
        for screen in screens:
            await screen.close()
        return first, second

    first, second = run(scenario())
    assert [m.id for m in first] == ["2"] * 4
    assert first[0].json["regions"]["stage"] == (
        '<section id="region-stage">head_a sees event 2</section>'
    )
    assert first[2].json["regions"]["stage"] == (
        '<section id="region-stage">member_a sees event 2</section>'
    )
    assert first[3].json["regions"]["stage"] == (
        '<section id="region-stage">head_b sees event 2</section>'
    )
    assert page.calls == {"head_a": 2, "member_a": 2, "head_b": 2}  # once per audience per event
    # Only what changed travels: the unchanged "rules" region is not sent again.
    assert [m.id for m in second] == ["3"] * 4
    assert all(set(m.json["regions"]) == {"stage"} for m in second)


def test_several_audiences_render_in_one_batch_when_the_page_offers_it(meeting, org, monkeypatch):
    page = install_fake_page(monkeypatch, batches=True)
    add_events(meeting, 1)

    async def scenario():
        screens = [
            await AsgiStream(url(meeting, after=1), user=user).open()
            for user in (org.fiona, org.fergus, org.sam)
        ]
        await asyncio.sleep(0.1)
        await in_thread(toggle_difficult, meeting, org.fiona)
        messages = [await screen.next() for screen in screens]
        for screen in screens:
            await screen.close()
        return messages

    messages = run(scenario())
    assert [m.id for m in messages] == ["2"] * 3
    assert page.calls == {"many": 1, "head_a": 1, "member_a": 1, "head_b": 1}


def test_keep_alive_comments_while_nothing_happens(meeting, org, page, monkeypatch):
    monkeypatch.setattr(live_views, "KEEPALIVE", 0.05)

    async def scenario():
        stream = await AsgiStream(url(meeting), user=org.fiona).open()
        message = await stream.next(comments=True)
        await stream.close()
        return message

    assert run(scenario()).comment


def test_leaving_cleans_up_queues_rooms_tasks_and_presence(meeting, org, page):
    async def scenario():
        before = asyncio.all_tasks()
        screens = [
            await AsgiStream(url(meeting), user=user).open()
            for user in (org.priya, org.fiona, org.sam)
        ]
        await asyncio.sleep(0.2)
        hub = live_hub.get_hub()
        during = (len(hub.rooms[meeting.pk].subscribers), set(hub.presence(meeting.pk)))
        for screen in screens:
            await screen.close()
        await asyncio.sleep(0.05)
        # One listener per process on PostgreSQL stays, whoever is connected.
        leftover_tasks = {
            task
            for task in asyncio.all_tasks() - before
            if task.get_name() != "live-postgres-listener"
        }
        return during, hub.rooms, hub.presence(meeting.pk), leftover_tasks

    during, rooms, presence, leftover_tasks = run(scenario())
    assert during == (3, {org.priya.pk, org.fiona.pk, org.sam.pk})
    assert rooms == {}
    assert presence == {}
    assert leftover_tasks == set()


def test_the_facilitator_sees_who_is_connected(meeting, org, page):
    async def scenario():
        priya = await AsgiStream(url(meeting), user=org.priya).open()
        alone = await priya.next()
        fiona = await AsgiStream(url(meeting), user=org.fiona).open()
        joined = await priya.next()
        present = await in_thread(live.presence, meeting.pk)
        await fiona.close()
        left = await priya.next()
        await priya.close()
        return alone, joined, present, left

    alone, joined, present, left = run(scenario())
    assert alone.event == joined.event == left.event == "presence"
    assert "Priya Nair" in alone.json["regions"]["presence"]
    assert "Fiona Marsh" not in alone.json["regions"]["presence"]
    assert "Fiona Marsh" in joined.json["regions"]["presence"]
    assert "Head of Finance" in joined.json["regions"]["presence"]
    assert "Fiona Marsh" not in left.json["regions"]["presence"]
    assert [(p.user, p.label) for p in present] == [
        (org.priya, "Facilitator"),
        (org.fiona, "Head of Finance"),
    ]


def test_heads_and_members_do_not_get_the_presence_region(meeting, org, page):
    async def scenario():
        fiona = await AsgiStream(url(meeting), user=org.fiona).open()
        sam = await AsgiStream(url(meeting), user=org.sam).open()
        messages = await fiona.messages_until_quiet()
        await sam.close()
        await fiona.close()
        return messages

    assert run(scenario()) == []


def test_a_head_who_chairs_sees_who_is_connected(org, page):
    """With no facilitator, the head of A chairs: the presence list goes to them."""
    meeting = make_meeting(
        department_a=org.finance, department_b=org.sales, facilitator=None, created_by=org.fiona
    )

    async def scenario():
        fiona = await AsgiStream(url(meeting), user=org.fiona).open()
        alone = await fiona.next()
        sam = await AsgiStream(url(meeting), user=org.sam).open()
        joined = await fiona.next()
        sams_messages = await sam.messages_until_quiet()
        await sam.close()
        await fiona.close()
        return alone, joined, sams_messages

    alone, joined, sams_messages = run(scenario())
    assert alone.event == joined.event == "presence"
    assert "Fiona Marsh" in alone.json["regions"]["presence"]
    assert "Samira Okafor" in joined.json["regions"]["presence"]
    assert "Head of Sales" in joined.json["regions"]["presence"]
    assert sams_messages == []


def test_a_screen_too_slow_to_keep_up_is_cut_off_to_reconnect(meeting, org, page, monkeypatch):
    monkeypatch.setattr(live_hub, "QUEUE_LIMIT", 2)

    async def scenario():
        stream = await AsgiStream(url(meeting, after=0), user=org.fiona).open()
        await asyncio.sleep(0.1)
        hub = live_hub.get_hub()
        room = hub.rooms[meeting.pk]
        (subscriber,) = room.subscribers
        for seq in range(1, 5):
            room.offer(subscriber, live_hub.Delivery("change", seq, {}))
        await stream.read_all()
        await asyncio.sleep(0.05)
        return hub.rooms

    assert run(scenario()) == {}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="counts PostgreSQL sessions")
def test_screens_coming_and_going_leave_no_database_connections_behind(meeting, org, page):
    def started() -> object:
        with connection.cursor() as cursor:
            cursor.execute("SELECT clock_timestamp()")
            return cursor.fetchone()[0]

    def sessions(since) -> int:
        """The listener's and the workers' sessions opened since then (they name themselves).

        Counting only sessions begun during this test leaves out an earlier test's
        sessions that PostgreSQL is still closing down.
        """
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND application_name LIKE %s "
                "AND backend_start >= %s",
                [f"{APPLICATION_NAME}%", since],
            )
            return cursor.fetchone()[0]

    async def settled(since) -> int:
        # A backend leaves pg_stat_activity a moment after its client hangs up.
        for _attempt in range(50):
            count = await in_thread(sessions, since)
            if count == 0:
                return 0
            await asyncio.sleep(0.1)
        return count

    async def scenario():
        since = await in_thread(started)
        for _round in range(3):
            screens = [
                await AsgiStream(url(meeting), user=user).open()
                for user in (org.priya, org.fiona, org.fergus, org.sam, org.sean) * 2
            ]
            await asyncio.sleep(0.2)
            for screen in screens:
                await screen.close()
        await asyncio.sleep(0.1)
        while_idle = await in_thread(sessions, since)
        await live_hub.reset_hub()
        return while_idle, await settled(since)

    while_idle, after_close = run(scenario())
    # However many screens came and went: the listener and the workers, then nothing.
    assert 1 <= while_idle <= live_hub.WORKERS + 1
    assert after_close == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL session names")
def test_a_live_workers_session_goes_back_without_its_name(db):
    """With a connection pool, a closed worker's session may serve a request next:
    it must not carry on under the live worker's name."""

    def backend() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return cursor.fetchone()[0]

    def name_of(pid: int) -> str | None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT application_name FROM pg_stat_activity WHERE pid = %s", [pid])
            row = cursor.fetchone()
            return row[0] if row else None

    async def scenario():
        hub = live_hub.get_hub()
        pid = await hub.run(backend)
        named = await in_thread(name_of, pid)
        await live_hub.reset_hub()
        return named, await in_thread(name_of, pid)

    named, afterwards = run(scenario())
    assert named.startswith(live_hub.brokers.WORKER_NAME)
    assert not (afterwards or "").startswith(APPLICATION_NAME)

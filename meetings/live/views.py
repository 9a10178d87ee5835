"""The live stream of one meeting page: Server-Sent Events from an async view."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async
from django.core.exceptions import PermissionDenied
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.views.decorators.http import require_GET

from meetings import permissions
from meetings.live import rendering
from meetings.live.hub import CLOSE, Delivery, Hub, Viewer, get_hub, sse
from meetings.models import Meeting

KEEPALIVE = 15.0  # seconds between comments that keep proxies from closing an idle stream
RETRY_MS = 2000  # how soon the browser reconnects after losing the stream


def _admit(request: HttpRequest, pk: int) -> Viewer:
    """Who is watching, as which audience; refuses anyone who may not see the meeting."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied("Sign in to follow this exchange.")
    meeting = Meeting.objects.select_related("department_a", "department_b").filter(pk=pk).first()
    if meeting is None:
        raise Http404("No such exchange.")
    if not permissions.can_view_meeting(user, meeting):
        raise PermissionDenied("You are not part of this exchange.")
    role = permissions.meeting_role(user, meeting)
    return Viewer(
        user.pk,
        rendering.audience_for(user, meeting) or "observer",
        chairs=permissions.is_chair(role, meeting),
    )


def _after(request: HttpRequest) -> int | None:
    """The last event the page has: the browser's Last-Event-ID, else ``?after=``."""
    value = request.headers.get("Last-Event-ID") or request.GET.get("after")
    try:
        return max(int(value), 0) if value not in (None, "") else None
    except ValueError:
        return None


@require_GET
async def meeting_live(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    if not isinstance(request, ASGIRequest):
        # A WSGI server cannot hold streams open: say so, and the page stays as it is
        # (to those who may follow the meeting: the others are refused as always).
        await sync_to_async(_admit)(request, pk)
        response = StreamingHttpResponse(
            iter([sse("unavailable", "{}")]), content_type="text/event-stream"
        )
        response["Cache-Control"] = "no-cache"
        return response
    hub = get_hub()
    viewer = await hub.run(_admit, request, pk)
    response = StreamingHttpResponse(
        stream(hub, pk, viewer, _after(request)), content_type="text/event-stream"
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


async def stream(
    hub: Hub, meeting_id: int, viewer: Viewer, after: int | None
) -> AsyncIterator[bytes]:
    """Replay what the page missed, then follow the meeting until the browser leaves."""
    subscriber = hub.subscribe(meeting_id, viewer)
    try:
        yield f"retry: {RETRY_MS}\n\n".encode()
        room = hub.rooms[meeting_id]
        plan = await hub.run(rendering.replay_plan, meeting_id, after)
        if room.seq is None:
            room.seq = plan.last
            room.poke()  # anything committed since the read above
        if viewer.chairs:
            room.presence_dirty = True
            room.poke()
        if plan.reload:
            yield sse("reload", "{}", event_id=plan.last)
            return
        for seq in plan.missed[:-1]:
            yield Delivery("change", seq, {}).encode_for(subscriber, with_regions=False)
        if plan.missed or (after is None and plan.last):
            # The regions as they are now, once, after the replayed events.
            delivery = await room.delivery_for(viewer.audience, plan.last)
            yield delivery.encode_for(subscriber)
        subscriber.last_seq = plan.last
        while True:
            try:
                item = await asyncio.wait_for(subscriber.queue.get(), KEEPALIVE)
            except TimeoutError:
                yield b": keep-alive\n\n"
                continue
            if item is CLOSE:
                return  # too far behind: the browser reconnects and catches up
            if item.kind == "change":
                if item.seq <= subscriber.last_seq:
                    continue
                subscriber.last_seq = item.seq
            message = item.encode_for(subscriber)
            if message is not None:
                yield message
    finally:
        hub.unsubscribe(subscriber)

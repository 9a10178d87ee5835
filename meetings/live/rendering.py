"""What the live screens read and render (synchronous; the hub runs it off the loop).

The page regions come from the meeting page itself: ``meetings.views.render_regions``,
``render_regions_many`` and ``audience_for``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import Max
from django.template.loader import render_to_string

from meetings import views
from meetings.live.models import Rendering
from meetings.models import Event, Meeting

MAX_REPLAY = 50  # a screen further behind than this reloads the whole page


def render_regions(meeting_id: int, audience: str) -> dict[str, str]:
    return views.render_regions(meeting_id, audience)


def render_many(meeting_id: int, audiences: list[str]) -> dict[str, dict[str, str]]:
    """Regions for several audiences, from one load of the meeting (most of a
    rendering's cost is loading the meeting)."""
    if len(audiences) > 1:
        return views.render_regions_many(meeting_id, list(audiences))
    return {audience: views.render_regions(meeting_id, audience) for audience in audiences}


def audience_for(user: AbstractBaseUser, meeting: Meeting) -> str | None:
    return views.audience_for(user, meeting)


def last_seq(meeting_id: int) -> int:
    """The number of the meeting's latest event (0 before the first)."""
    return Event.objects.filter(meeting_id=meeting_id).aggregate(last=Max("seq"))["last"] or 0


def seqs_after(meeting_id: int, after: int | None) -> list[int]:
    """Event numbers after ``after``, oldest first; with ``None``, just the latest one."""
    events = Event.objects.filter(meeting_id=meeting_id)
    if after is None:
        last = last_seq(meeting_id)
        return [last] if last else []
    return list(events.filter(seq__gt=after).order_by("seq").values_list("seq", flat=True))


@dataclass(frozen=True)
class ReplayPlan:
    last: int  # the latest event now
    missed: list[int]  # the events to replay, oldest first
    reload: bool = False  # too far behind (or ahead): reload the whole page


def replay_plan(meeting_id: int, after: int | None) -> ReplayPlan:
    last = last_seq(meeting_id)
    if after is None:
        return ReplayPlan(last, [])
    if after > last or last - after > MAX_REPLAY:
        return ReplayPlan(last, [], reload=True)
    return ReplayPlan(last, seqs_after(meeting_id, after))


# --- presence ------------------------------------------------------------------


@dataclass(frozen=True)
class Present:
    """Someone with the meeting open right now."""

    user: AbstractBaseUser
    audience: str
    label: str


def people(meeting_id: int, present: dict[int, str], *, meeting=None) -> list[Present]:
    """Who is present, in the order of the console; ``meeting`` if already loaded."""
    if meeting is None or meeting.pk != meeting_id:
        meeting = Meeting.objects.select_related("department_a", "department_b").get(pk=meeting_id)
    if not present:
        return []
    labels = {
        "facilitator": "Facilitator",
        "head_a": f"Head of {meeting.department_a.name}",
        "member_a": meeting.department_a.name,
        "head_b": f"Head of {meeting.department_b.name}",
        "member_b": meeting.department_b.name,
        "observer": "Observer",
    }
    users = get_user_model().objects.filter(pk__in=present)
    result = [
        Present(user, present[user.pk], labels.get(present[user.pk], present[user.pk]))
        for user in users
    ]
    order = list(labels)
    result.sort(
        key=lambda p: (
            order.index(p.audience) if p.audience in order else len(order),
            (p.user.get_full_name() or p.user.get_username()).lower(),
        )
    )
    return result


def render_presence(meeting_id: int, present: dict[int, str]) -> str:
    return render_to_string("meetings/live/presence.html", {"present": people(meeting_id, present)})


# --- rendering once for all processes (PostgreSQL) -------------------------------

KEEP_RENDERINGS = 10  # events' worth of stored regions kept per meeting


def claim(meeting_id: int, seq: int, audience: str) -> bool:
    """Claim the rendering of ``audience`` as of ``seq``: ``True`` if nobody had."""
    table = Rendering._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (meeting_id, seq, audience, claimed_at) "
            "VALUES (%s, %s, %s, now()) ON CONFLICT DO NOTHING RETURNING id",
            [meeting_id, seq, audience],
        )
        return cursor.fetchone() is not None


def claim_some(meeting_id: int, seq: int, audiences: list[str], limit: int) -> tuple[list, list]:
    """Claim up to ``limit`` of these renderings: (claimed, claimed by someone else)."""
    claimed, elsewhere = [], []
    for audience in audiences:
        if len(claimed) >= limit:
            break
        (claimed if claim(meeting_id, seq, audience) else elsewhere).append(audience)
    return claimed, elsewhere


def render_and_store(
    meeting_id: int, seq: int, audiences: list[str], channel: str
) -> dict[str, dict[str, str]]:
    """Render claimed renderings, store them and tell the other processes."""
    rendered = render_many(meeting_id, audiences)
    with connection.cursor() as cursor:
        for audience, regions in rendered.items():
            Rendering.objects.filter(meeting_id=meeting_id, seq=seq, audience=audience).update(
                regions=regions
            )
            cursor.execute("SELECT pg_notify(%s, %s)", [channel, f"{meeting_id}:{seq}:{audience}"])
    Rendering.objects.filter(meeting_id=meeting_id, seq__lt=seq - KEEP_RENDERINGS).delete()
    return rendered


def stored(meeting_id: int, seq: int, audience: str) -> dict[str, str] | None:
    return (
        Rendering.objects.filter(meeting_id=meeting_id, seq=seq, audience=audience)
        .values_list("regions", flat=True)
        .first()
    )

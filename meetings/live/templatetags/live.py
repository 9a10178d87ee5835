from django import template

from meetings.live import status

register = template.Library()


@register.inclusion_tag("meetings/live/presence.html")
def live_presence(meeting) -> dict:
    """Who has this meeting open right now (for the chair: the facilitator, or the head of A)."""
    return {"present": status.presence(meeting.pk, meeting)}


@register.simple_tag
def live_seq(meeting) -> int:
    """The latest event number, for ``data-live-seq``: the stream resumes after it."""
    return status.last_seq(meeting.pk)

"""Regions rendered by one server process for all of them (PostgreSQL only)."""

from django.db import models


class Rendering(models.Model):
    """One meeting's page regions as of one event, for one audience.

    With several server processes, whichever claims a rendering first (the
    unique constraint decides) renders it and stores it here; the others read
    it, so each change is rendered once per audience in all, not once per
    audience per process. Old rows are tidied away as new ones come.
    """

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="+")
    seq = models.PositiveIntegerField()
    audience = models.CharField(max_length=20)
    regions = models.JSONField(null=True, blank=True)
    claimed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "seq", "audience"], name="live_one_rendering_per_audience"
            )
        ]

    def __str__(self) -> str:
        return f"Meeting {self.meeting_id}, event {self.seq}, {self.audience}"

"""Domain events that ``meetings`` announces to the apps above it.

Sent inside the writer's transaction, so a receiver's refusal (a ``RuleError``)
undoes the whole action. The catalogue of every hand-off between apps is
``docs/architecture.md``.
"""

from django.dispatch import Signal

# A request reached an impasse and was escalated: item, by, note.
request_escalated = Signal()

# The meeting closed: meeting, by. The SLA draft is built from it.
meeting_closed = Signal()

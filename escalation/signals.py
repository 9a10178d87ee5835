"""Domain events that ``escalation`` announces to the apps above it.

Sent inside the writer's transaction, so a receiver's refusal (a
``meetings.rules.RuleError``) undoes the outcome. See ``docs/architecture.md``.
"""

from django.dispatch import Signal

# An arbiter's outcome was recorded on an escalated request:
# item, service, level, start_date, no_service_owed, reasoning, by.
outcome_recorded = Signal()

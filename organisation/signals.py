"""Domain events that ``organisation`` announces to the apps above it.

See ``docs/architecture.md`` for every hand-off between apps.
"""

from django.dispatch import Signal

# Someone was deactivated (sent on commit): user_id. Open live screens close.
person_deactivated = Signal()

"""Domain events that ``agreements`` announces (to itself and the apps above).

See ``docs/architecture.md`` for every hand-off between apps.
"""

from django.dispatch import Signal

# Both heads have signed a version (sent on commit): version_id.
version_signed = Signal()

"""The product's settings with the N+1 guard: every page a test reads runs under django-zeal,
which fails the test when the page loads a relation once per row instead of all at once."""

from exchange.settings import *  # noqa: F403
from exchange.settings import INSTALLED_APPS, MIDDLEWARE

INSTALLED_APPS = [*INSTALLED_APPS, "zeal"]
MIDDLEWARE = ["tests.nplusone.guard_reads", *MIDDLEWARE]
ZEAL_RAISE = True
# Three loads of the same relation from the same line make an N+1. Two are common and
# harmless: a meeting's two departments, a form with two department choices, the
# signed-in person and a person chosen in a form. A page whose queries grow with its rows
# is caught by the query counts at two sizes (tests/test_query_counts.py) as well.
ZEAL_NPLUSONE_THRESHOLD = 3
# Loads repeated on purpose, each with its reason.
ZEAL_ALLOWLIST: list[dict[str, str]] = [
    # Signing in through single sign-on reads the session, logs in (a new session key)
    # and saves it: Django's own session work, a few times a request, never once per row.
    {"model": "sessions.Session", "field": "get()"},
]

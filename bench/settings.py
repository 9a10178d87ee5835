"""The product's settings, with the benchmarks' bare view beside the product's URLs."""

from exchange.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# Benchmarks send no mail: what they would send is kept in memory.
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}

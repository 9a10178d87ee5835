import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exchange.settings")
application = get_wsgi_application()

from exchange.startup import check_static_files  # noqa: E402 (needs Django set up)

check_static_files()

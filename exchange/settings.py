"""Settings for Expectations Exchange: one file, read from the environment.

Everything local (database, generated files, development keys) lives under
``var/`` so that deleting that folder resets a development machine.
"""

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


SUPPORTED_DATABASES = {"sqlite", "postgres", "postgresql", "pgsql"}


def database_from_url(url: str) -> dict:
    """A DATABASES entry from ``sqlite:///path`` or ``postgres://user:pass@host:port/name``."""
    scheme = url.partition(":")[0]
    if scheme not in SUPPORTED_DATABASES:
        raise ImproperlyConfigured(
            f"Unsupported DATABASE_URL scheme: {scheme!r} (use sqlite or postgres)."
        )
    if scheme != "sqlite" and env_bool("DATABASE_POOL", default=True):
        # A pool of open connections (psycopg's), shared by the request threads: Django
        # under ASGI runs each request in a thread of its own, so a connection kept per
        # thread (CONN_MAX_AGE) would never be reused, and a new connection each request
        # costs its set-up and a PostgreSQL backend that has yet to read its catalogues.
        database = dj_database_url.parse(url)
        database.setdefault("OPTIONS", {})["pool"] = {
            "min_size": int(os.environ.get("DATABASE_POOL_MIN", "2")),
            "max_size": int(os.environ.get("DATABASE_POOL_MAX", "10")),
            "timeout": 10,
        }
        return database
    return dj_database_url.parse(
        url, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")), conn_health_checks=True
    )


PRODUCTION = env_bool("PRODUCTION")
DEBUG = env_bool("DEBUG", default=not PRODUCTION)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in production.")
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    SECRET_KEY = key_file.read_text().strip()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "axes",
    "notifications",
    "organisation",
    "meetings",
    "meetings.live",
    "escalation",
    "agreements",
    "monitoring",
    "exchange",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "exchange.middleware.HtmxLoginRedirectMiddleware",
    # Last, so that a locked-out sign-in or signing answers with the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "exchange.urls"
WSGI_APPLICATION = "exchange.wsgi.application"
ASGI_APPLICATION = "exchange.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "exchange.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a password check while that person is locked out from
# that address, and counts failures (the sign-in form, the admin's and the signing form).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Guessing passwords: after AXES_FAILURE_LIMIT wrong passwords for one person from one
# address, that person is locked out from that address for AXES_COOLOFF_TIME (others,
# and the same person elsewhere, are not). An administrator lifts it sooner in the admin
# (Axes > Access attempts) or with `manage.py axes_reset_username <username>`.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "exchange.errors.locked_out"
AXES_CLIENT_IP_CALLABLE = "organisation.people.client_ip"
AXES_SENSITIVE_PARAMETERS = ["password", "password1", "password2", "new_password1"]
AXES_VERBOSE = False

# Optional single sign-on (OpenID Connect): set OIDC_RP_CLIENT_ID and the provider's
# endpoints. People are matched by email; password sign-in stays.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT") or None
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "your organisation's sign-in")
OIDC_AUTHENTICATION_CALLBACK_URL = "organisation:sso_callback"
OIDC_CREATE_USER = False
OIDC_USE_PKCE = True
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=failed"
if OIDC_RP_CLIENT_ID:
    AUTHENTICATION_BACKENDS.append("organisation.sso.OrganisationOIDCBackend")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

MAILERS = {
    "default": {
        "BACKEND": os.environ.get(
            "EMAIL_BACKEND",
            # Development prints mail; production sends it (and check --deploy insists).
            "django.core.mail.backends.smtp.EmailBackend"
            if PRODUCTION
            else "django.core.mail.backends.console.EmailBackend",
        ),
        "OPTIONS": {
            key.lower(): int(value) if key == "PORT" else value
            for key in ("HOST", "PORT", "USERNAME", "PASSWORD")
            if (value := os.environ.get(f"EMAIL_{key}"))
        }
        | ({"use_tls": True} if env_bool("EMAIL_USE_TLS") else {}),
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "exchange@localhost")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# The organisation's key and certificate that seal signed agreements (PAdES).
# Paths to PEM files; in development a self-signed pair is made under var/signing/.
SIGNING_KEY = os.environ.get("SIGNING_KEY", "")
SIGNING_CERT = os.environ.get("SIGNING_CERT", "")
SIGNING_KEY_PASSPHRASE = os.environ.get("SIGNING_KEY_PASSPHRASE", "")

# Background work (sealing PDFs, every email, the daily reminders): Django's tasks
# framework with django-tasks-db, a queue in the product's own database, run by
# `manage.py worker` (see docs/operations.md). Tests swap in a backend they drive.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# The worker renders PDFs in a child process, replaced after this many renders so
# that its memory stays bounded.
PDF_RENDERS_PER_PROCESS = int(os.environ.get("PDF_RENDERS_PER_PROCESS", "50"))
# Work whose task was lost (a worker killed, a task never enqueued) is enqueued again
# by the sweeps once it is this many seconds overdue.
SWEEP_AFTER_SECONDS = int(os.environ.get("SWEEP_AFTER_SECONDS", "120"))
# When the worker queues the daily monitoring reminders (local time, HH:MM).
REMINDERS_AT = os.environ.get("REMINDERS_AT", "07:15")

# A strict Content Security Policy: scripts only from this site or with the
# per-request nonce; no inline styles or eval anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

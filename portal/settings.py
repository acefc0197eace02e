"""Settings for the portal, read from the environment (django-environ).

With nothing set, the portal runs for a first look: SQLite file, Celery tasks run eagerly, mail to the
console. Production differs only by environment values (see README and docker-compose.yml).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG: bool = env.bool("DEBUG", default=True)
SECRET_KEY: str = env.str(
    "SECRET_KEY",
    default="dev-only-insecure-key-change-me-in-production-0123456789abcdef" if DEBUG else environ.Env.NOTSET,
)
ALLOWED_HOSTS: list[str] = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "django_htmx",
    "simple_history",
    "template_partials",
    "portal",
    "facilities",
    "facilities.bookings",
    "consultations",
    "hubs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.RejectUnstorableInput",
    "portal.middleware.MethodNotAllowedPage",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.navigation",
            ],
            # `localized` (a record in the page's language) is used on every parent page.
            "builtins": ["portal.templatetags.portal_tags"],
        },
    },
]

# --- Data stores -------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Seconds a worker keeps its database connection (0: a new one every request). Production sets 60
# (docker-compose.yml): opening a PostgreSQL connection costs a loopback gunicorn worker ~6 ms, more
# than a small page (bench/README.md: /ping went from 125 to 660 requests/s). Health checks replace a
# connection the database dropped before a request uses it.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Search works on kana and kanji bigrams; the test database must be UTF-8 whatever the cluster's
    # default template is.
    DATABASES["default"]["TEST"] = {"TEMPLATE": "template0", "CHARSET": "UTF8"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL: str = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "portal.cache.PortalRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rendered parts keyed on what visitors send (the search page's filter panel): kept in each worker's
# memory and bounded by count, so no request can grow Redis, which is also Celery's broker.
CACHES["local"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "local-fragments",
    "OPTIONS": {"MAX_ENTRIES": 500},
}

# --- Celery ------------------------------------------------------------------------------------------
# Without REDIS_URL tasks run in-process (first look only). The database stays the source of truth for
# anything due (reminders, reports): beat tasks find due work in the database and claim it atomically.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Tokyo"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task whose worker vanished (whole-worker kill) goes back to the queue after visibility_timeout:
# the same ten minutes as the mail sweeps below, and longer than the mailer's claim timeout
# (MAIL_CLAIM_TIMEOUT), so a redelivered task finds the dead sender's claim stale.
# Short socket timeouts and no publish retries: a request that enqueues while Redis is unreachable
# waits at most ~0.3 s, logs it, and the sweep delivers (docs/celery.md).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=600),
    "socket_connect_timeout": 0.25,
    "socket_timeout": 2,
    "max_retries": 0,
}
CELERY_TASK_PUBLISH_RETRY = False
# Apps add their periodic tasks here; the entries are plain data so a test can check them.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "portal-heartbeat": {"task": "portal.tasks.heartbeat", "schedule": crontab(minute="*/15")},
    "hubs-report-reminders": {
        "task": "hubs.tasks.send_report_reminders",
        "schedule": crontab(minute=0, hour=9, day_of_month=5),
    },
    "hubs-send-due-notices": {
        "task": "hubs.tasks.send_due_notices",
        "schedule": crontab(minute="*/10"),
    },
    "bookings-send-due-notices": {
        "task": "facilities.bookings.tasks.send_due_notices",
        "schedule": crontab(minute="*/10"),
    },
    "consultations-monthly-reports": {
        "task": "consultations.tasks.send_monthly_reports",
        "schedule": crontab(minute=0, hour=7, day_of_month=1),
    },
    "consultations-follow-up-digests": {
        "task": "consultations.tasks.send_follow_up_digests",
        "schedule": crontab(minute=30, hour=7),
    },
    "consultations-anonymize-expired": {
        "task": "consultations.tasks.anonymize_expired_cases",
        "schedule": crontab(minute=15, hour=3),
    },
}

# --- Accounts (django-allauth) -----------------------------------------------------------------------
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "portal.permissions.CityStaffAdminBackend",
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
# Sign-up also asks how to address the person (User.display_name).
ACCOUNT_SIGNUP_FORM_CLASS = "portal.forms.SignupForm"
# Confirming the address in the browser that signed up signs the person in and returns them to where
# they started (a slot's page); from another browser the link still carries `next` (AccountAdapter).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# Wrong passwords and wrong TOTP codes (allauth counts both as "login_failed", the key being the
# email or the account) are limited per account. Per IP only at a rate no typist reaches: a city
# office or a hub shares one NAT address, and one person failing must not lock colleagues out.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "100/5m/ip,5/5m/key",
    "login": "60/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
# Behind the TLS proxy every request comes from the proxy's address: with the proxy count set,
# allauth takes the client's address from X-Forwarded-For (the per-IP limits above rely on it).
ALLAUTH_TRUSTED_PROXY_COUNT: int = env.int("TRUSTED_PROXY_COUNT", default=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="子育て支援ポータル")
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "portal:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Mail --------------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Seconds after which a mail claimed but not recorded sent is taken to be left by a dead sender and
# is sent again (portal.mail). Shorter than the broker's visibility timeout and the sweeps' interval.
MAIL_CLAIM_TIMEOUT: int = env.int("MAIL_CLAIM_TIMEOUT", default=300)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="子育て支援ポータル <no-reply@example.jp>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Language and time -------------------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("日本語")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# --- Static files ------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Security (production values come from DEBUG=false) ---------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SILENCED_SYSTEM_CHECKS: list[str] = []
# The failure page in the portal's layout and language (portal/errors.py), not Django's bare one.
CSRF_FAILURE_VIEW = "portal.errors.csrf_failure"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# --- Portal ------------------------------------------------------------------------------------------
# The demo city's name, shown in the header. A real deployment sets its own.
CITY_NAME: str = env.str("CITY_NAME", default="みどり市")
# The address people reach the portal at: links in mail (a booking, a report) start with it.
PORTAL_URL: str = env.str("PORTAL_URL", default="http://127.0.0.1:8000")


def _city_code(value: str) -> str:
    """全国地方公共団体コード (6 digits with its check digit), written into the open-data export."""
    from facilities.notation import city_code_is_valid

    if value and not city_code_is_valid(value):
        raise ImproperlyConfigured(
            f"CITY_CODE {value!r} is not a 全国地方公共団体コード (6 digits, check digit)"
        )
    return value


# The demo city is fictional, so it has no code unless one is set (the export then leaves the column
# empty rather than invent one). A real deployment sets it; a wrong check digit stops the start.
CITY_CODE: str = _city_code(env.str("CITY_CODE", default=""))
# The city's name on English pages; empty shows CITY_NAME there too.
CITY_NAME_EN: str = env.str("CITY_NAME_EN", default="Midori City")
# The city's own after-hours phone line for families (夜間・休日の連絡先). Shown with the national lines
# on urgent pages; empty means the portal does not know one, and then it shows none.
CITY_AFTER_HOURS_PHONE: str = env.str("CITY_AFTER_HOURS_PHONE", default="")
# Map tiles for the directory's map view (Leaflet). Served by a tile provider the city contracts.
MAP_TILE_URL: str = env.str("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")

# Content-Security-Policy (django-csp): scripts and styles only from our own static files, so text
# someone saved can never run, even where escaping was forgotten. No inline script, no inline style
# attribute, no eval (htmx is told so in base.html); the only other origin is the map tile server
# ("{s}" subdomains become a wildcard). docs/security.md lists what a new page must respect.
_tiles = urlsplit(MAP_TILE_URL.replace("{s}", "*"))
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", f"{_tiles.scheme}://{_tiles.netloc}"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Demo only: a fixed second-factor code for the demo staff accounts. allauth refuses it unless DEBUG.
MFA_TOTP_INSECURE_BYPASS_CODE: str | None = env.str("MFA_TOTP_INSECURE_BYPASS_CODE", default="") or None
# Closed consultation cases are anonymized this many years after closing (names, contacts, notes).
CONSULTATION_RETENTION_YEARS: int = env.int("CONSULTATION_RETENTION_YEARS", default=5)

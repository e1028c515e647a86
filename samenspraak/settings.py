"""Samenspraak settings: one file, driven by environment variables (see README).

SAMENSPRAAK_ENV=production switches on the production defaults; everything else has a
safe development default so that `make run` needs no configuration at all.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from samenspraak.lib.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent

ENVIRONMENT = env_str("SAMENSPRAAK_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("SAMENSPRAAK_DEBUG", default=not PRODUCTION)
# Development falls back to a fixed key; production refuses to start without one, and
# samenspraak.core.checks refuses a short one.
SECRET_KEY = env_str("SAMENSPRAAK_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SAMENSPRAAK_SECRET_KEY must be set in production.")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789"  # noqa: S105
ALLOWED_HOSTS = env_list(
    "SAMENSPRAAK_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env_list("SAMENSPRAAK_CSRF_TRUSTED_ORIGINS")

# The demo password is refused everywhere unless this is on (development default).
DEMO_LOGINS_ALLOWED = env_bool("SAMENSPRAAK_DEMO_LOGINS", default=not PRODUCTION)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "django_htmx",
    "csp",
    "samenspraak.core",
    "samenspraak.accounts",
    "samenspraak.schools",
    "samenspraak.live",
    "samenspraak.methods",
    "samenspraak.planning",
    "samenspraak.followup",
    "samenspraak.leadership",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "samenspraak.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "samenspraak.urls"
ASGI_APPLICATION = "samenspraak.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "samenspraak.core.context_processors.navigation",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    # No persistent connections: under ASGI each request may run in another thread.
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SAMENSPRAAK_SQLITE_PATH", str(BASE_DIR / "samenspraak.sqlite3")),
            "OPTIONS": {
                # WAL lets readers and one writer work at once; IMMEDIATE transactions
                # and a busy timeout turn lock contention into waiting, not errors.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py 8 closes idle sockets after 5 s unless the timeout is switched off,
            # and raises (rather than waits) past its pool size: room for many sockets.
            # capacity: messages queued per channel before new ones are dropped.
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": None, "max_connections": 1000}],
                "capacity": 1500,
            },
        }
    }
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # Channels' in-memory layer with less bookkeeping per delivery and room in each queue
    # for a full room's burst, as the Redis layer's capacity above (live/layers.py).
    CHANNEL_LAYERS = {"default": {"BACKEND": "samenspraak.live.layers.RoomChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background tasks (reminders, invitation e-mails) live in the database: `make run` starts a worker
# (`manage.py db_worker`) next to the web server; no other service is needed.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MEDIA_ROOT = Path(env_str("SAMENSPRAAK_MEDIA_ROOT", str(BASE_DIR / "media")))
# Uploaded files beyond this size (per request) are refused while they stream in.
SAMENSPRAAK_MAX_UPLOAD_BYTES = 25 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "samenspraak.lib.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Accounts ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["samenspraak.accounts.backends.EmailBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",  # Argon2id
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "samenspraak.accounts.validators.MaximumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:overview"
LOGOUT_REDIRECT_URL = "accounts:login"
SESSION_COOKIE_AGE = int(timedelta(hours=12).total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
PASSWORD_RESET_TIMEOUT = int(timedelta(hours=2).total_seconds())
INVITATION_VALID_DAYS = env_int("SAMENSPRAAK_INVITATION_DAYS", 14)
LOGIN_FAILURE_LIMIT = env_int("SAMENSPRAAK_LOGIN_FAILURE_LIMIT", 5)
LOGIN_COOL_OFF = timedelta(minutes=env_int("SAMENSPRAAK_LOGIN_COOL_OFF_MINUTES", 15))

# --- E-mail -----------------------------------------------------------------------------
EMAIL_HOST = env_str("SAMENSPRAAK_EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("SAMENSPRAAK_EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("SAMENSPRAAK_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("SAMENSPRAAK_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("SAMENSPRAAK_EMAIL_TLS", default=True)
DEFAULT_FROM_EMAIL = env_str("SAMENSPRAAK_FROM_EMAIL", "Samenspraak <noreply@samenspraak.local>")
# Absolute links in e-mails (invitations, password reset).
SITE_URL = env_str("SAMENSPRAAK_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Language ---------------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True

# --- Static files -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(env_str("SAMENSPRAAK_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Development serves straight from the app folders; production runs collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
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

# --- Security ---------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
    }
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SAMENSPRAAK_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SAMENSPRAAK_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Behind a TLS-terminating reverse proxy that sets X-Forwarded-Proto.
    if env_bool("SAMENSPRAAK_BEHIND_PROXY", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("SAMENSPRAAK_LOG_LEVEL", "INFO")},
    # PDF rendering logs every step and page, and its font subsetting, at INFO.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools")},
}

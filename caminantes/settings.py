"""The one settings module. Every value comes from the environment through lib.env helpers.

Production is simply DEBUG off: then SECRET_KEY is required and the secure defaults below
(HTTPS-only cookies, HSTS, SSL redirect) apply, so `caminantes check --deploy` is quiet.
"""

from __future__ import annotations

import hmac
import os
import sys
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from caminantes.lib.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(env_str("CAMINANTES_VAR_DIR", str(PROJECT_DIR / "var")))

# Under pytest (or `manage.py test`) the suite supplies its own throwaway secrets.
TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]
# Developer tools that never serve anyone may run with throwaway secrets too.
TOOLING = sys.argv[1:2] in (["makemigrations"], ["makemessages"], ["compilemessages"])
# `caminantes dedupe FILE.csv --out OUT.csv` reads one file and writes another: no database,
# no session, nothing encrypted, so it runs on any machine without the server's secrets
# (its --registry mode reads the registry and needs them like the server).
TOOLING = TOOLING or (sys.argv[1:2] == ["dedupe"] and "--registry" not in sys.argv)
# `caminantes fivew check|consolidate FILE` likewise reads a workbook and writes files only.
TOOLING = TOOLING or sys.argv[1:2] == ["fivew"]

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING or TOOLING:
        SECRET_KEY = "insecure-development-key-never-use-in-production-" + "x" * 20
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production (DEBUG off) refuses to start without one: "
            "set SECRET_KEY or SECRET_KEY_FILE to 50+ random characters."
        )

# Rotation: the old key here (comma-separated) keeps sessions and signed links valid while
# the new SECRET_KEY takes over; drop it after SESSION_COOKIE_AGE (docs/security.md).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])

# Demo mode waives two-factor for the demo users only; it is refused outside DEBUG.
CAMINANTES_DEMO = env_bool("CAMINANTES_DEMO", False)
if CAMINANTES_DEMO and not DEBUG and not TESTING:
    raise ImproperlyConfigured(
        "CAMINANTES_DEMO=1 is only allowed with DEBUG=1: demo users skip two-factor "
        "authentication and must never exist on a real server."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG or TESTING else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Field-encryption keys (Fernet, urlsafe base64), newest first: the first encrypts, every
# one decrypts, so a key can be rotated in and the old one retired after re-encryption.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])
if not FIELD_ENCRYPTION_KEYS:
    if DEBUG or TESTING or TOOLING:
        FIELD_ENCRYPTION_KEYS = ["Y2FtaW5hbnRlcy1kZXYta2V5LW5vdC1mb3ItcHJvZCE="]
    else:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is not set: give one or more Fernet keys, newest first "
            "(make one with: caminantes generate_field_key)."
        )
# Protection case files (GBV, trafficking) are sealed under keys of their own, newest first
# like the field keys: a dump of the registry's keys, or a copy of the database with them,
# opens no survivor's file. The development key is fixed and differs from the field key.
PROTECTION_ENCRYPTION_KEYS = env_list("PROTECTION_ENCRYPTION_KEYS", [])
if not PROTECTION_ENCRYPTION_KEYS:
    if DEBUG or TESTING or TOOLING:
        PROTECTION_ENCRYPTION_KEYS = ["cHJvdGVjdGlvbi1kZXYta2V5LW5ldmVyLWluLXByb2Q="]
    else:
        raise ImproperlyConfigured(
            "PROTECTION_ENCRYPTION_KEYS is not set. Production (DEBUG off) refuses to start "
            "without it: set PROTECTION_ENCRYPTION_KEYS or PROTECTION_ENCRYPTION_KEYS_FILE to "
            "one or more Fernet keys, newest first, different from the field keys (make one "
            "with: caminantes generate_field_key)."
        )
elif set(PROTECTION_ENCRYPTION_KEYS) & set(FIELD_ENCRYPTION_KEYS):
    raise ImproperlyConfigured(
        "PROTECTION_ENCRYPTION_KEYS must be keys of their own, never one of the field keys."
    )
# Keyed hashes (exact look-ups of encrypted values) need a key that never rotates silently.
LOOKUP_HASH_KEY = env_str("LOOKUP_HASH_KEY", SECRET_KEY)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the widgets' templates, for the form renderer below
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "huey.contrib.djhuey",
    "ninja",  # serves the API docs' JavaScript from its own static files, not a CDN
    "caminantes.geo",
    "caminantes.accounts",
    "caminantes.audit",
    "caminantes.registry",
    "caminantes.identity",
    "caminantes.dtm",
    "caminantes.assistance",
    "caminantes.assistance.transport",
    "caminantes.assistance.shelter",
    "caminantes.protection",
    "caminantes.assistance.regularization",
    "caminantes.assistance.casework",
    "caminantes.assistance.referrals",
    "caminantes.collect",
    "caminantes.coordination.fivew",
    "caminantes.coordination.campaigns",
    "caminantes.coordination.feedback",
    "caminantes.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "caminantes.audit.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "caminantes.web.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "caminantes.accounts.middleware.IdleTimeoutMiddleware",
    "caminantes.accounts.middleware.TwoFactorRequiredMiddleware",
    "caminantes.accounts.middleware.ActiveContextMiddleware",
    "caminantes.web.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "caminantes.urls"
WSGI_APPLICATION = "caminantes.wsgi.application"

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
                "caminantes.web.context.navigation_context",
            ],
        },
    }
]

# Widgets render through TEMPLATES (so caminantes/templates may replace one of Django's),
# the commonest of them (inputs, selects, empty error lists) written in Python.
FORM_RENDERER = "caminantes.web.forms_renderer.FormRenderer"

# Database: SQLite in WAL mode under var/ unless DATABASE_URL says otherwise.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'caminantes.sqlite3'}")
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    if _db["NAME"] and _db["NAME"] != ":memory:":
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # "SQLite does not support indexes with non-key columns": the covering indexes are for
    # PostgreSQL; SQLite keeps the index without them. Not worth a newcomer's worry.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
elif _db["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation costs 50-100 ms on every mid-sized aggregate (the dashboards' edge
    # days, the registry's shortlists) and pays back only on analytical scans of minutes:
    # off for this workload, unless PGOPTIONS or DATABASE_URL's options say otherwise.
    options = _db.setdefault("OPTIONS", {})
    if "jit" not in str(options.get("options", "")):
        options["options"] = (str(options.get("options", "")) + " -c jit=off").strip()
    # Prepared statements on: only the cursors that ask for them use them (Django's own
    # cursors bind on the client and never prepare); the registry's name look-ups do
    # (`registry.shortlists`), so PostgreSQL plans them once per connection. Behind a
    # transaction-pooling PgBouncer, set DB_PREPARED_STATEMENTS=0.
    if env_bool("DB_PREPARED_STATEMENTS", True):
        options.setdefault("prepare_threshold", 100)
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "caminantes.accounts.backends.AccountBackend",  # refuses demo users outside demo mode
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions: an absolute limit and an idle limit; sudo mode lasts a short while.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600)
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
SUDO_MODE_SECONDS = env_int("SUDO_MODE_SECONDS", 10 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# The client's address: behind N reverse proxies (TLS terminator, load balancer) it is the
# N-th entry from the right of X-Forwarded-For; 0 ignores the header (direct exposure).
# Wrong either way, lockouts and rate limits key on the proxy's address or a forged one.
TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", 0)
if TRUSTED_PROXY_HOPS < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_HOPS must be 0 or more.")

# Lockout after repeated failed logins (django-axes), per e-mail (normalised: case, spaces,
# Unicode compatibility forms) and address together: someone elsewhere cannot lock a person
# out. The rate limits below bound what many addresses, or many accounts, add up to.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"  # the login form field (holding the e-mail)
AXES_USERNAME_CALLABLE = "caminantes.accounts.lockout.axes_username"
AXES_CLIENT_IP_CALLABLE = "caminantes.accounts.lockout.axes_client_ip"
AXES_VERBOSE = False

# Rate limits (lib/ratelimit.py): password attempts per address and per account within
# LOGIN_RATE_MINUTES; API calls with a token per user and per address within a minute.
LOGIN_RATE_PER_ADDRESS = env_int("LOGIN_RATE_PER_ADDRESS", 30)
LOGIN_RATE_PER_ACCOUNT = env_int("LOGIN_RATE_PER_ACCOUNT", 50)
LOGIN_RATE_MINUTES = env_int("LOGIN_RATE_MINUTES", 15)
API_RATE_PER_USER = env_int("API_RATE_PER_USER", 600)
API_RATE_PER_ADDRESS = env_int("API_RATE_PER_ADDRESS", 1200)
_rates = (LOGIN_RATE_PER_ADDRESS, LOGIN_RATE_PER_ACCOUNT, LOGIN_RATE_MINUTES)
if min(*_rates, API_RATE_PER_USER, API_RATE_PER_ADDRESS) < 1:
    raise ImproperlyConfigured("The LOGIN_RATE_* and API_RATE_* settings must be 1 or more.")

# The cache holds the rate-limit counters, so every web process must share it: Redis when
# CACHE_REDIS_URL is set (needs the redis package), else a table in the database (created by
# `migrate`). Never the per-process memory cache: with four gunicorn workers it would allow
# four times every limit.
_cache_redis = env_str("CACHE_REDIS_URL")
CACHES: dict[str, dict[str, object]] = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_redis}
        if _cache_redis
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "caminantes_cache",
            "OPTIONS": {"MAX_ENTRIES": 50000},
        }
    )
}

# Mail: notices to users (a new authenticator or backup codes on their account). Printed
# on the console in DEBUG; sent through EMAIL_HOST otherwise.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Caminantes <caminantes@localhost>")

OTP_TOTP_ISSUER = "Caminantes"

# Audit: alert when one user reads more than N personal-data records within M minutes.
AUDIT_BULK_READ_LIMIT = env_int("AUDIT_BULK_READ_LIMIT", 50)
AUDIT_BULK_READ_MINUTES = env_int("AUDIT_BULK_READ_MINUTES", 10)
# The audit chain is an HMAC under this key, kept outside the database (and apart from the
# field keys): someone who can write to the table cannot re-hash it after deleting events.
AUDIT_HMAC_KEY = env_str("AUDIT_HMAC_KEY")
if not AUDIT_HMAC_KEY:
    if DEBUG or TESTING or TOOLING:
        AUDIT_HMAC_KEY = hmac.new(
            SECRET_KEY.encode(), b"caminantes audit chain", "sha256"
        ).hexdigest()
    else:
        raise ImproperlyConfigured(
            "AUDIT_HMAC_KEY is not set. Production (DEBUG off) refuses to start without one: "
            "set AUDIT_HMAC_KEY or AUDIT_HMAC_KEY_FILE to 50+ random characters, kept outside "
            "the database and different from SECRET_KEY and the field keys."
        )
elif AUDIT_HMAC_KEY in {SECRET_KEY, LOOKUP_HASH_KEY, *FIELD_ENCRYPTION_KEYS}:
    raise ImproperlyConfigured(
        "AUDIT_HMAC_KEY must be a key of its own, not SECRET_KEY, LOOKUP_HASH_KEY or a field key."
    )
# Signed checkpoints of the chain's end (`caminantes audit checkpoint`, every 15 minutes by
# the worker) are appended here and logged; `caminantes audit verify` checks the chain
# against them, so events cut off the end are noticed.
# Tests write to a throwaway file: a developer's own checkpoints name events their test
# database never had.
_checkpoints = (
    Path(tempfile.gettempdir()) / f"caminantes-test-{os.getpid()}-audit-checkpoints.jsonl"
    if TESTING
    else VAR_DIR / "audit-checkpoints.jsonl"
)
AUDIT_CHECKPOINT_FILE = Path(env_str("AUDIT_CHECKPOINT_FILE", str(_checkpoints)))
# An installation upgraded from the unkeyed chain: the id of its last unkeyed event (see
# `caminantes audit verify`), set once; events up to it are checked with the old hash.
AUDIT_UNKEYED_UNTIL = env_int("AUDIT_UNKEYED_UNTIL", 0)

API_TOKEN_DEFAULT_DAYS = env_int("API_TOKEN_DEFAULT_DAYS", 90)
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365)

# Internationalisation: Spanish first, Portuguese and English ship too.
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("pt", _("Portuguese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "America/Bogota")
USE_TZ = True
LANGUAGE_COOKIE_SECURE = not DEBUG and not TESTING
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))

# Background work: huey on SQLite by default, Redis when HUEY_REDIS_URL is set.
_huey_redis = env_str("HUEY_REDIS_URL")
HUEY: dict[str, object] = {
    "name": "caminantes",
    "immediate": TESTING or env_bool("HUEY_IMMEDIATE", False),
    "consumer": {"workers": env_int("HUEY_WORKERS", 2), "worker_type": "thread"},
}
if _huey_redis:
    HUEY["huey_class"] = "huey.RedisHuey"
    HUEY["url"] = _huey_redis
else:
    HUEY["huey_class"] = "huey.SqliteHuey"
    HUEY["filename"] = str(VAR_DIR / "huey.sqlite3")
# Imports whose worker died (killed, machine restarted): a batch whose progress has not
# moved for IMPORT_STALL_MINUTES is queued again by a periodic task of the consumer (and by
# `caminantes imports_recover`), at most IMPORT_RECOVERY_ATTEMPTS times, then failed.
IMPORT_STALL_MINUTES = env_int("IMPORT_STALL_MINUTES", 15)
IMPORT_RECOVERY_ATTEMPTS = env_int("IMPORT_RECOVERY_ATTEMPTS", 3)

# Field collection (OpenRosa): what a device may send, and the address devices are given.
# A submission's XML, each attachment, their number, the whole request; an XLSForm upload
# and what its zip may expand to. Failed device logins per address within 15 minutes.
COLLECT_MAX_XML_BYTES = env_int("COLLECT_MAX_XML_BYTES", 2 * 1024 * 1024)
COLLECT_MAX_ATTACHMENT_BYTES = env_int("COLLECT_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
COLLECT_MAX_ATTACHMENTS = env_int("COLLECT_MAX_ATTACHMENTS", 20)
COLLECT_MAX_REQUEST_BYTES = env_int("COLLECT_MAX_REQUEST_BYTES", 100 * 1024 * 1024)
COLLECT_MAX_XLSFORM_BYTES = env_int("COLLECT_MAX_XLSFORM_BYTES", 10 * 1024 * 1024)
COLLECT_MAX_XLSFORM_EXPANDED_BYTES = env_int(
    "COLLECT_MAX_XLSFORM_EXPANDED_BYTES", 100 * 1024 * 1024
)
COLLECT_AUTH_FAILURES_PER_ADDRESS = env_int("COLLECT_AUTH_FAILURES_PER_ADDRESS", 30)
# The server's address as devices reach it (ODK Collect's "server URL"); the request's own
# host when empty, http://127.0.0.1:8000 on the command line.
CAMINANTES_BASE_URL = env_str("CAMINANTES_BASE_URL", "").rstrip("/")
if IMPORT_STALL_MINUTES < 5 or IMPORT_RECOVERY_ATTEMPTS < 0:
    # Shorter than the longest pause between two progress counts, a live import would be
    # started a second time beside itself.
    raise ImproperlyConfigured(
        "IMPORT_STALL_MINUTES must be 5 or more and IMPORT_RECOVERY_ATTEMPTS 0 or more."
    )

# IOM DTM API v3 (public IDP figures): a subscription key from https://dtm-apim-portal.iom.int
DTM_API_KEY = env_str("DTM_API_KEY")
DTM_API_URL = env_str("DTM_API_URL", "https://dtm-apim.iom.int/v3")

# Security: safe by default in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
_production = not DEBUG and not TESTING
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", _production)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", _production)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _production)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _production else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _production
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", _production)
# Content-Security-Policy (django-csp): every script, style, image and request comes from
# this server; no inline script, no style attribute, no eval (htmx is configured for it in
# base.html), no framing, forms post only here. A page that needs an exception is a bug.
_SELF = "'self'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF],
        "font-src": [_SELF],
        "connect-src": [_SELF],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": [_SELF],
    }
}
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console handler (DEBUG only) would print every line a second time,
        # 403 tracebacks included, beside the root's: its lines go to the root only.
        "django": {"handlers": [], "level": "INFO"},
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
if TESTING:
    # The suite asks for refused and missing records some ten thousand times on purpose (the
    # walks over every route); a warning with a traceback for each was a seventh of their
    # time. Server errors are still logged.
    LOGGING["loggers"]["django.request"] = {"level": "ERROR"}  # type: ignore[index]

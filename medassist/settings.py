"""The one settings file. Everything that differs between machines comes from the environment.

SQLite (WAL, synchronous=FULL) is the default; set DATABASE_URL for PostgreSQL.
"""

import os
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("MEDASSIST_DATA_DIR", BASE_DIR.parent / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("MEDASSIST_DEBUG", False)
SECRET_KEY = os.environ.get("MEDASSIST_SECRET_KEY", "")
if not SECRET_KEY:
    # A fixed development key is only acceptable on a developer's own machine.
    SECRET_KEY = "medassist-insecure-development-key-change-me"  # noqa: S105
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("MEDASSIST_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("MEDASSIST_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "ninja",
    "csp",
    "medassist.core",
    "medassist.practice",
    "medassist.audit",
    "medassist.patients",
    "medassist.scheduling",
    "medassist.frontdesk",
    "medassist.intake",
    "medassist.coding",
    "medassist.records",
    "medassist.orders",
    "medassist.pharmacy",
    "medassist.ecg",
    "medassist.billing",
    "medassist.assistant",
    "medassist.fhir",
    "medassist.availability",
    "medassist.booking",
    "medassist.reminders",
    "medassist.waitlist",
    "medassist.portal",
    "medassist.worker",
    "medassist.demo",
    "medassist.backup",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "medassist.core.middleware.NoStoreMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "medassist.core.middleware.ActivityKeepsSessionMiddleware",
    "medassist.core.middleware.ClinicTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "medassist.practice.middleware.SessionAgeLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "medassist.core.middleware.HtmxMessagesMiddleware",
    "medassist.core.middleware.RequestContextMiddleware",
    "medassist.audit.middleware.RefusedAccessMiddleware",
]

ROOT_URLCONF = "medassist.urls"
WSGI_APPLICATION = "medassist.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "medassist.practice.context_processors.navigation",
                "medassist.booking.context_processors.freed_time",
            ],
        },
    },
]


def database_config() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        config: dict[str, Any] = dict(
            dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        )
    else:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        config = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("MEDASSIST_SQLITE_PATH", str(DATA_DIR / "medassist.sqlite3")),
            "OPTIONS": {
                # WAL lets readers run beside the writer; FULL survives power loss.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                " PRAGMA foreign_keys=ON;",
                # Take the write lock at BEGIN so concurrent writers queue instead of failing.
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
        }
    config["ATOMIC_REQUESTS"] = True
    test_name = os.environ.get("MEDASSIST_TEST_DB_NAME")
    if test_name:
        config["TEST"] = {"NAME": test_name}
    return config


DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "practice.User"
AUTHENTICATION_BACKENDS = ["medassist.practice.auth.ClinicUserBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    # Django's 20,000 common passwords and zxcvbn's 30,000 most frequent leaked ones.
    {"NAME": "medassist.practice.passwords.BreachedPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in lockout (practice.throttle): this many failed passwords for one account, or from one
# client address, lock it for the cool-down; every failure extends it.
MEDASSIST_LOGIN_ACCOUNT_LIMIT = int(os.environ.get("MEDASSIST_LOGIN_ACCOUNT_LIMIT", "5"))
MEDASSIST_LOGIN_ADDRESS_LIMIT = int(os.environ.get("MEDASSIST_LOGIN_ADDRESS_LIMIT", "20"))
MEDASSIST_LOGIN_LOCK_MINUTES = int(os.environ.get("MEDASSIST_LOGIN_LOCK_MINUTES", "15"))
# A session ends this many hours after sign-in, however active (0: no absolute limit).
MEDASSIST_SESSION_MAX_HOURS = float(os.environ.get("MEDASSIST_SESSION_MAX_HOURS", "12"))
# API tokens expire this many days after issue (`medassist create_api_token --days` overrides).
MEDASSIST_API_TOKEN_DAYS = int(os.environ.get("MEDASSIST_API_TOKEN_DAYS", "90"))
# A password reset link a clinic admin issues works once, for this many hours.
PASSWORD_RESET_TIMEOUT = int(float(os.environ.get("MEDASSIST_RESET_LINK_HOURS", "24")) * 3600)
# Break-the-glass: emergency access to a patient's chart lasts this many minutes.
MEDASSIST_EMERGENCY_ACCESS_MINUTES = int(os.environ.get("MEDASSIST_EMERGENCY_ACCESS_MINUTES", "60"))
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# A patient shown again in the same kind of list by the same user within this many minutes is
# not audited again (a self-refreshing board would otherwise write the same events all day).
MEDASSIST_AUDIT_LIST_REPEAT_MINUTES = int(
    os.environ.get("MEDASSIST_AUDIT_LIST_REPEAT_MINUTES", "10")
)
# The audit trail's hash chain (docs/audit.md): events are sealed once this many seconds old,
# a chain that grew is signed at most every MEDASSIST_AUDIT_CHECKPOINT_SECONDS, with
# MEDASSIST_AUDIT_KEY (keep it apart from the database and its backups) or else SECRET_KEY.
MEDASSIST_AUDIT_SEAL_AFTER_SECONDS = int(os.environ.get("MEDASSIST_AUDIT_SEAL_AFTER_SECONDS", "60"))
MEDASSIST_AUDIT_CHECKPOINT_SECONDS = int(
    os.environ.get("MEDASSIST_AUDIT_CHECKPOINT_SECONDS", "300")
)
MEDASSIST_AUDIT_KEY = os.environ.get("MEDASSIST_AUDIT_KEY", "")
# Where `medassist backup` writes when no --output is given (docs/operations.md).
MEDASSIST_BACKUP_DIR = Path(os.environ.get("MEDASSIST_BACKUP_DIR", DATA_DIR / "backups"))
# HL7 file drops: each lab's folder (set on *Lab connections*) lives under this one, with
# out/ (orders we write) and in/ (results the lab writes, read by `medassist hl7-listen`).
MEDASSIST_HL7_DIR = Path(os.environ.get("MEDASSIST_HL7_DIR", DATA_DIR / "hl7"))
# Automatic logoff: an idle session ends after this many seconds (default 15 minutes).
SESSION_COOKIE_AGE = int(os.environ.get("MEDASSIST_SESSION_SECONDS", "900"))
# Only the user's own requests extend it; self-refreshing screens don't (core.middleware).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("MEDASSIST_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
# Behind HTTPS (MEDASSIST_HTTPS, on by default with secure cookies): plain http is redirected
# and browsers are told to use https only (HSTS, a year).
MEDASSIST_HTTPS = env_bool("MEDASSIST_HTTPS", SESSION_COOKIE_SECURE)
# Behind a reverse proxy that sets X-Forwarded-For / X-Forwarded-Proto (and only then).
MEDASSIST_TRUST_PROXY = env_bool("MEDASSIST_TRUST_PROXY", False)
if MEDASSIST_TRUST_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = MEDASSIST_HTTPS
SECURE_REDIRECT_EXEMPT = [r"^health$"]
SECURE_HSTS_SECONDS = 31_536_000 if MEDASSIST_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = MEDASSIST_HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# No inline script or style anywhere (pages load static files only). The API's live docs use
# the Swagger UI page of django-ninja, which has an inline script: exempt from the policy.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/api/docs"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("MEDASSIST_STATIC_ROOT", DATA_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# `medassist serve` collects static files first; `medassist runserver` finds them in place.
WHITENOISE_USE_FINDERS = True
if DEBUG or env_bool("MEDASSIST_TESTING", False):
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MEDIA_ROOT = Path(os.environ.get("MEDASSIST_MEDIA_ROOT", DATA_DIR / "media"))
# Largest document a user may upload to a chart (bytes).
MEDASSIST_MAX_DOCUMENT_BYTES = int(os.environ.get("MEDASSIST_MAX_DOCUMENT_BYTES", 20 * 1024 * 1024))
# E-mail is written to files in <data dir>/mail/ (MEDASSIST_EMAIL_DIR; one .log file per
# sending connection) unless MEDASSIST_EMAIL_BACKEND names another Django e-mail backend, as
# texts go to <data dir>/sms/. Nothing is printed to the console.
EMAIL_BACKEND = os.environ.get(
    "MEDASSIST_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = os.environ.get("MEDASSIST_EMAIL_DIR", str(DATA_DIR / "mail"))

# No log line holds a query string (a patient's name or birth date can be in one): Django's
# request logger names the path only, and the development server's request lines lose theirs.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"path_only": {"()": "medassist.core.logs.PathOnly"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["path_only"],
        },
    },
    "loggers": {
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("MEDASSIST_LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 50

if env_bool("MEDASSIST_TESTING", False):
    # Tests log users in thousands of times; a fast hasher keeps the suite quick.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests run at whatever hour CI does: no quiet hours unless a test sets them
    # (tests/reminders/test_quiet_hours.py).
    MEDASSIST_QUIET_HOURS = ""

"""ANTQ settings: everything comes from the environment and fails loudly on bad values.

Development needs nothing set: SQLite and a generated secret key under `var/`.
Production sets ANTQ_PRODUCTION=1, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL (PostgreSQL).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str, secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ANTQ_VAR_DIR", str(BASE_DIR / "var")))

PRODUCTION = env_bool("ANTQ_PRODUCTION", False)
DEBUG = env_bool("DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when ANTQ_PRODUCTION=1.")
SECRET_KEY = secret_key(var_dir=VAR_DIR, production=PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when ANTQ_PRODUCTION=1.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "antq.core",
    "antq.audit",
    "antq.org",
    "antq.accounts",
    "antq.units",
    "antq.criteria",
    "antq.evidence",
    "antq.incidents",
    "antq.cycles",
    "antq.decisions",
    "antq.initiatives",
    "antq.forces",
    "antq.outreach",
    "antq.coordination",
    "antq.inspections",
    "antq.plans",
    "antq.dashboards",
    "antq.reports",
    "antq.doctemplates",
    "antq.exports",
    "antq.notifications",
    "antq.documents",
    "antq.api",
    "antq.demo",
    "antq.benchmarks",
    "antq.backup",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "antq.core.middleware.IgnoreAcceptLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before the two-factor gate, whose redirects answer htmx requests differently.
    "django_htmx.middleware.HtmxMiddleware",
    # After authentication: django-otp marks the verified device, then our session limits (idle and
    # absolute) and the two-factor gate (docs/security.md).
    "django_otp.middleware.OTPMiddleware",
    "antq.accounts.middleware.SessionTimeoutMiddleware",
    "antq.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Axes must be last: it reads the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "antq.accounts.context_processors.navigation",
                "antq.notifications.context_processors.unread",
                "antq.cycles.context_processors.due_next",
            ],
        },
    },
]

# --- E-mail (notifications) ------------------------------------------------------------------
# The console backend by default: messages are printed by the process that sends them (the worker).
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ANTQ <khong-tra-loi@localhost>")
# Absolute links in e-mails (the reverse proxy's public address in production).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# --- Database -------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'antq.sqlite3'}")
if not DATABASE_URL.startswith(("sqlite://", "postgres://", "postgresql://")):
    raise ImproperlyConfigured(
        f"DATABASE_URL={DATABASE_URL!r}: only sqlite:// and postgresql:// are supported."
    )
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the task worker writes; a busy timeout instead of
    # "database is locked" when both write at once.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # Planner settings for each connection (docs/performance.md). PostgreSQL's default
    # random_page_cost (4.0) prices an index lookup as if read from a spinning disk: a province's
    # dashboard then hashes the whole country's registrations instead of looking up its own 3,300
    # units (285 ms vs 41 ms at 200,000 units). Parallel workers make a scan of the whole country
    # look cheaper than the province's own index lookups, and take the cores that concurrent
    # requests need. JIT compilation costs more than it saves on these sub-second queries.
    # DB_PG_OPTIONS="" keeps the server's own settings.
    DATABASES["default"]["OPTIONS"] = {
        "options": env_str(
            "DB_PG_OPTIONS", "-c random_page_cost=1.1 -c jit=off -c max_parallel_workers_per_gather=0"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: shared between web processes and the worker (import progress lives here) -----------
CACHE_URL = env_str("CACHE_URL", "")
if CACHE_URL.startswith("redis://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
elif CACHE_URL == "":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
elif CACHE_URL == "locmem://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured(f"CACHE_URL={CACHE_URL!r}: use redis://host:port/db or locmem://.")

# --- Background tasks (Django Tasks API) -----------------------------------------------------
TASK_BACKEND = env_str("TASK_BACKEND", "database")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASK_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASK_BACKEND={TASK_BACKEND!r}: use one of {sorted(_TASK_BACKENDS)}.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASK_BACKEND], "QUEUES": ["default"]}}

# --- Auth -----------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours: a locked pair unlocks itself
# Lock the pair (account, address): all officers of a commune often share one NAT address, so an
# IP lockout would shut the whole commune out on deadline day, and an account-only lockout would let
# anyone lock an officer out of their own office by guessing from elsewhere. Wrong two-factor codes
# count as failures too (antq/accounts/twofactor.py).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Every failure is kept (AccessFailureLog) beside every login and logout (AccessLog): the login
# record users and managers read (accounts/login_records.py).
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_SENSITIVE_PARAMETERS = ["password", "code"]
# Behind a reverse proxy REMOTE_ADDR is the proxy: with ANTQ_TRUSTED_PROXIES=n the client's address is
# the n-th X-Forwarded-For entry from the right (the one our own proxy appended, never a value the
# client sent). The same address goes into the login record.
ANTQ_TRUSTED_PROXIES = env_int("ANTQ_TRUSTED_PROXIES", 0)
AXES_CLIENT_IP_CALLABLE = "antq.accounts.login_records.client_ip"

# Two-factor authentication (TOTP, django-otp): required for province-level roles and administrators
# (antq/accounts/twofactor.py), optional for everyone else. Off only in the test settings, where the
# existing tests sign in with force_login.
ANTQ_2FA_REQUIRED = env_bool("ANTQ_2FA_REQUIRED", True)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "ANTQ")

# Sessions: signed out after ANTQ_IDLE_TIMEOUT seconds without a request, and in any case
# SESSION_COOKIE_AGE after signing in (antq/accounts/middleware.py enforces both).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
ANTQ_IDLE_TIMEOUT = env_int("ANTQ_IDLE_TIMEOUT", 30 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3600)

# --- Transport and headers (production: `antq check --deploy` passes with no warning) ---------
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", PRODUCTION)
# TLS may end at the reverse proxy, which then redirects http → https itself; SECURE_SSL_REDIRECT=0
# leaves it to the proxy.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SILENCED_SYSTEM_CHECKS: list[str] = []
if PRODUCTION and not SECURE_SSL_REDIRECT:
    # Turned off on purpose (the proxy redirects): `check --deploy` would warn about it every time.
    SILENCED_SYSTEM_CHECKS.append("security.W008")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
# Trust X-Forwarded-Proto only from a proxy that sets it (and strips a client's own): on by default
# in production, SECURE_PROXY_SSL_HEADER="" when Django is reached without a proxy.
_PROXY_SSL_HEADER = env_str("SECURE_PROXY_SSL_HEADER", "HTTP_X_FORWARDED_PROTO" if PRODUCTION else "")
SECURE_PROXY_SSL_HEADER = (_PROXY_SSL_HEADER, "https") if _PROXY_SSL_HEADER else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts and styles only from our own static files, no inline
# code, no eval (Alpine is its CSP build; htmx injects no styles, see base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# --- I18N -----------------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files (outside the web root; served only through views) ---------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Evidence files: a private S3-compatible bucket when EVIDENCE_S3_BUCKET is set (extra "s3":
# django-storages; credentials and endpoint from AWS_* variables), else a folder outside the web
# root. Downloads always go through Django's scoped views, never through public or presigned URLs.
EVIDENCE_S3_BUCKET = env_str("EVIDENCE_S3_BUCKET", "")
EVIDENCE_STORAGE: dict[str, Any] = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": EVIDENCE_S3_BUCKET,
            "location": "evidence",
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL", "") or None,
        },
    }
    if EVIDENCE_S3_BUCKET
    else {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": Path(env_str("EVIDENCE_ROOT", str(VAR_DIR / "evidence")))},
    }
)
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "evidence": EVIDENCE_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Serve static files straight from the apps in development (no collectstatic step for `make run`).
WHITENOISE_USE_FINDERS = not PRODUCTION
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 50 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 250_000)
# The child process that reads an .xlsx with python-calamine (core.xlsx_fast): beyond these it is
# ended and the file is read by openpyxl instead. Its address space (not its resident memory) is
# what is limited: a 100,000-row file of 24 columns reads within 200 MB of it, a sheet spanning
# 8 million cells within 300 MB. Each import being checked has one child beside its worker.
IMPORT_READER_MAX_MB = env_int("IMPORT_READER_MAX_MB", 768)
IMPORT_READER_MAX_SECONDS = env_int("IMPORT_READER_MAX_SECONDS", 120)
# Background exports (issue 6): how long a finished file stays downloadable before
# `antq purge_exports` removes it.
EXPORT_RETENTION_HOURS = env_int("EXPORT_RETENTION_HOURS", 72)

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "antq.api.pagination.KeysetPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ANTQ API",
    "DESCRIPTION": (
        "API v1 của ANTQ: cây đơn vị hành chính, danh bạ đơn vị, phân quyền, kỳ đánh giá "
        "(đăng ký, tự đánh giá, cấp trên chấm), tài liệu minh chứng, vụ việc, quyết định công nhận "
        "và phân loại, thông báo."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The common error answers (400/401/403/404) of every operation (antq/api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "antq.api.schema.document_errors",
    ],
    # Several apps have a `status` or `kind` field with their own choices: name each set.
    "ENUM_NAME_OVERRIDES": {
        "CycleStatusEnum": "antq.cycles.choices.CycleStatus",
        "RegistrationStatusEnum": "antq.cycles.choices.RegistrationStatus",
        "AssessmentStatusEnum": "antq.cycles.choices.AssessmentStatus",
        "DecisionKindEnum": "antq.decisions.choices.DecisionKind",
        "DecisionStatusEnum": "antq.decisions.choices.DecisionStatus",
        "AwardKindEnum": "antq.decisions.choices.AwardKind",
        "AwardStatusEnum": "antq.decisions.choices.AwardStatus",
        "IncidentStatusEnum": "antq.incidents.choices.IncidentStatus",
        "NotificationKindEnum": "antq.notifications.models.NotificationKind",
        "NodeKindEnum": "antq.org.choices.NodeKind",
        "ImportJobStatusEnum": "antq.units.models.ImportJob.Status",
        "InspectionStatusEnum": "antq.inspections.choices.InspectionStatus",
        "FindingStatusEnum": "antq.inspections.choices.FindingStatus",
        "CheckResultEnum": "antq.inspections.choices.CheckResult",
        "OutreachSessionKindEnum": "antq.outreach.choices.SessionKind",
        "FestivalStatusEnum": "antq.outreach.choices.FestivalStatus",
        "AgreementKindEnum": "antq.coordination.choices.AgreementKind",
        "AgreementStatusEnum": "antq.coordination.choices.AgreementStatus",
        "MeetingKindEnum": "antq.coordination.choices.MeetingKind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint narrates every page it lays out at INFO: a 20-page annex is 30 lines of noise.
    "loggers": {"weasyprint": {"level": "WARNING"}},
}

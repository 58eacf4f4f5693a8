"""Settings shared by every environment. Defaults are safe for a laptop: SQLite under var/,
Celery's filesystem transport under var/broker/, media under var/media/."""
from __future__ import annotations

from pathlib import Path

import dj_database_url

from glassbox.config.env import env_bool, env_int, env_list, env_paths, env_rate, env_str, env_url

REPO_DIR = Path(__file__).resolve().parents[4]
VAR_DIR = Path(env_str("GLASSBOX_VAR_DIR", str(REPO_DIR / "var"))).resolve()
# The embedded default keeps its database, broker and media here: a fresh clone has none yet.
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "glassbox-dev-key-not-for-production")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_celery_beat",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "glassbox.accounts",
    "glassbox.registry",
    "glassbox.evaluations",
    "glassbox.transparency",
    "glassbox.leaderboards",
    "glassbox.schedules",
    "glassbox.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "glassbox.config.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "glassbox.config.urls"
WSGI_APPLICATION = "glassbox.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [REPO_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "glassbox.accounts.context.user_roles",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_url("DATABASE_URL", f"sqlite:///{VAR_DIR / 'glassbox.sqlite3'}",
                schemes=("sqlite", "postgres", "postgresql")),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A worker and the web process write at once; wait for the lock instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 30, "transaction_mode": "IMMEDIATE",
                                       "init_command": "PRAGMA journal_mode=WAL;"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# REST API (/api/): anyone may read; writes need a staff user (token or session).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "glassbox.config.api_throttling.ThrottledTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["glassbox.config.api_permissions.ContributorWritesOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["glassbox.config.api_throttling.AnonymousRateThrottle",
                                 "glassbox.config.api_throttling.AuthenticatedRateThrottle"],
    "EXCEPTION_HANDLER": "glassbox.config.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Glassbox API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc from the drf-spectacular-sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "glassbox.config.api_schema.document_error_responses"],
}

# Models: local directories must lie under one of these roots (os.pathsep-separated).
GLASSBOX_MODEL_ROOTS = env_paths("GLASSBOX_MODEL_ROOTS", [VAR_DIR / "models"])
# Files runs make (trained Medusa heads), one folder per run: workers write, workers read, so on
# several machines it is shared storage like MEDIA_ROOT.
GLASSBOX_ARTIFACTS_DIR = Path(env_str("GLASSBOX_ARTIFACTS_DIR", str(VAR_DIR / "artifacts"))).resolve()
GLASSBOX_MAX_UPLOAD_BYTES = env_int("GLASSBOX_MAX_UPLOAD_BYTES", 50 * 1024 * 1024, minimum=1)
GLASSBOX_DEVICE = env_str("GLASSBOX_DEVICE", "auto", choices=("auto", "cpu", "cuda"))
# What a run's `precision: auto` becomes when it is requested, so the stored spec, the fingerprint
# and every page name the format: the workers' preferred one (bfloat16 on GPU workers, float32 on
# CPU workers). Set float16 for GPUs without bfloat16 (before Ampere).
GLASSBOX_AUTO_PRECISION = env_str("GLASSBOX_AUTO_PRECISION", "bfloat16" if GLASSBOX_DEVICE == "cuda" else "float32",
                                  choices=("float32", "bfloat16", "float16"))

# Computed leaderboard tables are cached (see leaderboards/table_cache.py). In-process memory by
# default; production points GLASSBOX_CACHE_URL at Redis so every web process shares one cache.
GLASSBOX_CACHE_URL = env_url("GLASSBOX_CACHE_URL", "locmem://", schemes=("locmem", "redis", "rediss", "dummy"))
if GLASSBOX_CACHE_URL.startswith("locmem://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif GLASSBOX_CACHE_URL.startswith("dummy://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": GLASSBOX_CACHE_URL}}
# Throttling (glassbox/accounts/throttle.py, glassbox/config/api_throttling.py). The counts live in
# the default cache above: on Redis every web process shares them, in memory each counts alone.
GLASSBOX_THROTTLE = env_bool("GLASSBOX_THROTTLE", True)
# Failed sign-ins (the site's and the admin's) within GLASSBOX_LOCKOUT_SECONDS: past either limit
# the form refuses every try, the right password included, until the oldest failure ages out.
GLASSBOX_LOGIN_FAILURES = env_int("GLASSBOX_LOGIN_FAILURES", 5, minimum=1)  # one account, one address
GLASSBOX_LOGIN_FAILURES_PER_ADDRESS = env_int("GLASSBOX_LOGIN_FAILURES_PER_ADDRESS", 30, minimum=1)
# Unknown or malformed API tokens from one address within the same window.
GLASSBOX_TOKEN_FAILURES = env_int("GLASSBOX_TOKEN_FAILURES", 10, minimum=1)
GLASSBOX_LOCKOUT_SECONDS = env_int("GLASSBOX_LOCKOUT_SECONDS", 15 * 60, minimum=1)
# API requests per client address (anonymous) and per user (token or session); "off" lifts a limit.
GLASSBOX_API_RATES = {"anon": env_rate("GLASSBOX_API_ANON_RATE", "120/minute"),
                      "user": env_rate("GLASSBOX_API_USER_RATE", "1200/minute")}
# Reverse proxies in front of the web processes. 0: the client's address is the connection's;
# N: the Nth address from the end of X-Forwarded-For (each proxy appends the one it saw).
GLASSBOX_NUM_PROXIES = env_int("GLASSBOX_NUM_PROXIES", 0, minimum=0)

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Celery: the filesystem transport needs no server; production points this at Redis or RabbitMQ.
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env_url("CELERY_BROKER_URL", "filesystem://",
                            schemes=("filesystem", "redis", "rediss", "amqp", "amqps", "memory"))
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "out"),
        "data_folder_out": str(BROKER_DIR / "out"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    # A message not acknowledged within this time is handed to another worker (Redis).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=1),
    }
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# A run whose worker stopped reporting for this long is queued again (it resumes from its records).
GLASSBOX_STALE_RUN_SECONDS = env_int("GLASSBOX_STALE_RUN_SECONDS", 600, minimum=10)
GLASSBOX_RUN_TIME_LIMIT = env_int("GLASSBOX_RUN_TIME_LIMIT", 6 * 3600, minimum=10)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("GLASSBOX_LOG_LEVEL", "INFO",
                                                      choices=("DEBUG", "INFO", "WARNING", "ERROR"))},
}

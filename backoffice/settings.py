"""The production settings; the environment decides (django-environ). See docs/architecture.md, "The two
defaults". The demo, the tests and the benchmarks add the Salesforce emulator (backoffice/settings_dev.py)."""

import os
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF

from backoffice.env_file import ensure_env_file

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
if "SECRET_KEY" not in os.environ:
    # Embedded default: secrets are generated once into the git-ignored .env and read from there.
    ensure_env_file(BASE_DIR / ".env")
    env.read_env(BASE_DIR / ".env")

SECRET_KEY = env("SECRET_KEY")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "accounts",
    "events",
    "connector",
    "sync",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as its documentation asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "backoffice.urls"
WSGI_APPLICATION = "backoffice.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the Celery worker and the tests' worker share one file: wait for locks instead of
    # failing, take the write lock up front, and let readers run beside the writer (WAL).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so that a Celery worker process started by the tests sees the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test_db_{os.getpid()}.sqlite3")}
else:
    # One test database per test process: several suites may run at once on one PostgreSQL.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling: https://django-axes.readthedocs.io/en/latest/4_configuration.html
AUTHENTICATION_BACKENDS = [
    "backoffice.login_throttle.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("LOGIN_COOLOFF_HOURS", default=0.25)
# One username from one IP: a stranger's wrong guesses never lock the real user out from elsewhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "events:event_list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))

# The public registration page (events/registration.py): submissions per sender IP and per event
# (django-ratelimit rates: N/s, N/m, N/h), and how long a confirmation link stays valid.
REGISTRATION_RATE_PER_IP = env("REGISTRATION_RATE_PER_IP", default="10/m")
REGISTRATION_RATE_PER_EVENT = env("REGISTRATION_RATE_PER_EVENT", default="120/m")
RATELIMIT_IP_META_KEY = "backoffice.client_ip.client_ip"
REGISTRATION_CONFIRM_MAX_AGE = env.int("REGISTRATION_CONFIRM_MAX_AGE", default=7 * 86400)
# Mail (the confirmation links): printed on the console unless configured; Django's tests use memory.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="registration@localhost")

# Exports (events/export_jobs.py): above this many rows the export is written by a worker with a progress
# page (no web request waits for a large file); the file is kept this long for the person who asked.
EXPORT_BACKGROUND_ROWS = env.int("EXPORT_BACKGROUND_ROWS", default=5_000)
EXPORT_KEEP_HOURS = env.int("EXPORT_KEEP_HOURS", default=24)
EXPORT_DIR = env("EXPORT_DIR", default=str(VAR_DIR / "exports"))

# Imports are bounded before and while they are read (events/importing.py): the upload's size, the size
# an .xlsx unzips to (from its zip directory, before anything is decompressed), the participant rows, and
# the problems listed (reading stops there).
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=5_000_000)
IMPORT_MAX_XLSX_UNZIPPED_BYTES = env.int("IMPORT_MAX_XLSX_UNZIPPED_BYTES", default=50_000_000)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20_000)
IMPORT_MAX_ERRORS = env.int("IMPORT_MAX_ERRORS", default=200)

# Production hardening; `manage.py check --deploy` is clean once DEBUG is off and HTTPS is on.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# Preloading puts the domain in the browsers' own lists, hard to undo: only when asked for (so the deploy
# check's reminder to preload, security.W021, is silenced on purpose).
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_PROXY", False) else None
if SECURE_PROXY_SSL_HEADER:
    # The client's IP for login throttling: the last X-Forwarded-For entry, the one our proxy appended.
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_COUNT = 1
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp, https://django-csp.readthedocs.io/): scripts only from our static
# files or inline with the response's nonce (`{{ request.csp_nonce }}`); no plugin, no framing. Inline
# styles stay allowed: the progress bar's width and the indicator style htmx adds are style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
# The SALESFORCE LOGIN popup reports back to its opener; "same-origin-allow-popups" keeps window.opener.
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin-allow-popups"

# Variables and POST fields marked sensitive are hidden from error pages and reports, DEBUG or not.
DEFAULT_EXCEPTION_REPORTER_FILTER = "connector.error_reports.SecretsHiddenFilter"

# Fernet keys, comma separated: the first encrypts, all decrypt (rotation).
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEY")

# Redis: the Celery broker and the per-org sync locks. The embedded default is started by `make run`.
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6390/0")
# The shared cache, on that Redis: the public page's rate limits hold across web processes.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="backoffice"),
    }
}

# https://docs.celeryq.dev/en/stable/userguide/configuration.html
CELERY_BROKER_URL = REDIS_URL
# Several back-offices (or test runs) may share one Redis: each listens on its own queue.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="backoffice")
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Tasks are idempotent: acknowledge after running, and requeue when the worker dies mid-task.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# https://docs.celeryq.dev/en/stable/getting-started/backends-and-brokers/redis.html#visibility-timeout
# No countdown may exceed it, or the message is redelivered while still waiting.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A Redis outage of any length: the worker keeps trying to reconnect (the default gives up after 100 tries
# and exits). https://docs.celeryq.dev/en/stable/userguide/configuration.html#broker-connection-max-retries
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# On losing the broker, stop the late-ack tasks still running: their messages are restored to the queue, and
# a redelivered flush carries the same task id, which the org lock cannot tell from the run still going.
# (Celery 6's default.)
# https://docs.celeryq.dev/en/stable/userguide/configuration.html#worker-cancel-long-running-tasks-on-connection-loss
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# The sync engine's sweep: re-enqueues events whose pending participants nobody picked up (a lost message
# costs this long at most) and resumes events paused for the API limit once the pause is over.
SYNC_SWEEP_SECONDS = env.float("SYNC_SWEEP_SECONDS", default=15.0)
CELERY_BEAT_SCHEDULE: dict = {
    "sync-sweep": {"task": "sync.tasks.sweep", "schedule": SYNC_SWEEP_SECONDS},
}

# Salesforce
SALESFORCE_API_VERSION = env("SALESFORCE_API_VERSION", default="62.0")
# A CA bundle to trust (the emulator's ca.pem); empty means the system's trusted authorities.
SALESFORCE_CA_BUNDLE = env("SALESFORCE_CA_BUNDLE", default="") or None
# Login hosts allowed besides Production, Sandbox and My Domain URLs (the emulator's URL, for the demo).
SALESFORCE_EXTRA_LOGIN_HOSTS = env.list("SALESFORCE_EXTRA_LOGIN_HOSTS", default=[])
SALESFORCE_TIMEOUT_SECONDS = env.float("SALESFORCE_TIMEOUT_SECONDS", default=30.0)
# The sync pauses an event when Sforce-Limit-Info shows more than this share of the daily allowance used,
# keeping headroom for the org's other integrations; it resumes on its own after SYNC_PAUSE_SECONDS.
SALESFORCE_API_USAGE_PAUSE_SHARE = env.float("SALESFORCE_API_USAGE_PAUSE_SHARE", default=0.9)
SYNC_PAUSE_SECONDS = env.int("SYNC_PAUSE_SECONDS", default=15 * 60)
# How long each participant's sync attempts (what was sent where, the result) are kept for its page.
SYNC_HISTORY_DAYS = env.int("SYNC_HISTORY_DAYS", default=30)
# The per-org lock and the event's flush claim are leases of this length, renewed every third of it by the
# running flush (sync.locks.LeaseKeeper) however long its Salesforce calls take: a worker that dies frees its
# org and event this long after, and the next sweep starts the event again.
SYNC_LOCK_TTL_SECONDS = env.float("SYNC_LOCK_TTL_SECONDS", default=15.0)
# A flush task sends batch after batch for up to this long, then hands the event's chain to a new task, so
# that other events' flushes queued behind it get a worker.
SYNC_FLUSH_SECONDS = env.float("SYNC_FLUSH_SECONDS", default=5.0)
# A batch that failed transiently (5xx, timeouts, locked rows) is retried after BASE, 2×BASE, 4×BASE… seconds
# (halved at random for jitter), at most RETRY_MAX apart, for as long as it keeps failing.
SYNC_RETRY_BASE_SECONDS = env.float("SYNC_RETRY_BASE_SECONDS", default=2.0)
SYNC_RETRY_MAX_SECONDS = env.float("SYNC_RETRY_MAX_SECONDS", default=15 * 60.0)
# Public base URL of this back-office, used to build the exact OAuth callback URL.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # axes logs every login at INFO; its lockouts and failures are WARNING.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

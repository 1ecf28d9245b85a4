"""Django settings. Everything comes from the environment (each SHAODIAN_X also as SHAODIAN_X_FILE).

The embedded defaults below are for the demo only: production sets its own secret and field key.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("SHAODIAN_DATA_DIR", Path.cwd() / "var"))


def env(name: str, default: str | None = None) -> str | None:
    """Read SHAODIAN_<name>, or the file named by SHAODIAN_<name>_FILE (for secrets)."""
    path = os.environ.get(f"SHAODIAN_{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(f"SHAODIAN_{name}", default)


DEMO_SECRET = "demo-only-secret-key-change-me-in-production-0123456789abcdef"
# 32 bytes, base64; demo only — production must set SHAODIAN_FIELD_KEY.
DEMO_FIELD_KEY = "c2hhb2RpYW4tZGVtby1maWVsZC1rZXktMzItYnl0ZXM="

# Ed25519 seed for QR codes and passes (32 bytes, base64); demo only — production sets its own.
DEMO_SIGNING_KEY = "c2hhb2RpYW4tZGVtby1zaWduaW5nLXNlZWQtMzJieXQ="
SIGNING_KEY = env("SIGNING_KEY", DEMO_SIGNING_KEY)
SECRET_KEY = env("SECRET_KEY", DEMO_SECRET)
FIELD_KEY = env("FIELD_KEY", DEMO_FIELD_KEY)
DEBUG = env("DEBUG", "0") == "1"
ALLOWED_HOSTS = (env("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver") or "").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in (env("CSRF_TRUSTED_ORIGINS", "") or "").split(",") if o]
# Where residents reach the public pages (vote links, QR codes), e.g. https://shaodian.example.gov.cn;
# empty: the address the staff member's own request came in on.
PUBLIC_URL = (env("PUBLIC_URL", "") or "").strip().rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_htmx",
    "ninja",
    "shaodian.core",
    "shaodian.security",
    "shaodian.places",
    "shaodian.people",
    "shaodian.checkpoints",
    "shaodian.tracing",
    "shaodian.risk",
    "shaodian.measures",
    "shaodian.tasks",
    "shaodian.complaints",
    "shaodian.screening",
    "shaodian.monitoring",
    "shaodian.supplies",
    "shaodian.delivery",
    "shaodian.web",
    "shaodian.demo",  # the demo city and its `demo-city` command; no product app imports it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "shaodian.sqlite_wal.backpressure_middleware",
    "shaodian.security.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "shaodian.security.middleware.NoStoreMiddleware",
    "shaodian.security.middleware.AuditContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "shaodian.web.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "shaodian.core.middleware.RefusalPageMiddleware",
]

ROOT_URLCONF = "shaodian.urls"
WSGI_APPLICATION = "shaodian.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "shaodian.web.context.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'shaodian.sqlite3'}"), conn_max_age=600
    )
}
# The SQLite write-ahead log is checkpointed and truncated once it passes this size (shaodian.sqlite_wal).
SQLITE_WAL_CHECKPOINT_MB = int(env("SQLITE_WAL_CHECKPOINT_MB", "32"))
# Past this size a request that may write waits for the checkpointer before it starts (back-pressure).
SQLITE_WAL_HOLD_MB = int(env("SQLITE_WAL_HOLD_MB", str(4 * SQLITE_WAL_CHECKPOINT_MB)))
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets readers run beside the one writer; NORMAL sync is durable across process crashes.
    # 16 KiB pages (set when the file is created; an existing file keeps its own): inserts into the
    # scan table's random-keyed indexes dirty fewer pages per commit; the bare insert runs 1.5x faster.
    # Reads through mmap come straight from the operating system's cache, shared by every connection
    # and worker process, instead of a private copy in each connection's page cache.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=10000; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
            "PRAGMA mmap_size=1073741824;"
            # A log rewound by SQLite is cut back to this size (see shaodian.sqlite_wal).
            f"PRAGMA journal_size_limit={SQLITE_WAL_CHECKPOINT_MB * 2**20};"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    # Connections live on between requests (one per server thread), as on PostgreSQL: opening one
    # costs its pragmas and a cold page cache, about a sixth of a scan batch's CPU.
    DATABASES["default"]["CONN_MAX_AGE"] = 600
    # Tests run on a real file, as production does (WAL, file bytes that can be inspected).
    # One file per test run, so runs side by side never share (and delete) each other's database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "security.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: a username locks after repeated failures from unknown clients; a device the user has
# logged in from before is judged on its own attempts (see shaodian/security/devices.py for why).
AXES_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = "shaodian.security.devices.lockout_parameters"
AXES_HANDLER = "shaodian.security.devices.DeviceAwareHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "shaodian.security.views.locked_out"
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Leaflet comes from the XStatic package: served by us, never from a CDN.
import xstatic.pkg.leaflet  # noqa: E402

STATICFILES_DIRS = [("leaflet", xstatic.pkg.leaflet.BASE_DIR)]
STATIC_ROOT = env("STATIC_ROOT")  # only for collectstatic in production; WhiteNoise finds app static files itself
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_SECURE = env("SECURE_COOKIES", "0") == "1"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_BYTES = int(env("IMPORT_MAX_BYTES", str(50 * 1024 * 1024)))

# The outbox (shaodian.core.outbox): a claimed row is a worker's for OUTBOX_LEASE_SECONDS (long jobs extend it);
# a failure waits 30 s, 60 s, 120 s, … at most an hour before its next try.
OUTBOX_LEASE_SECONDS = int(env("OUTBOX_LEASE_SECONDS", "300"))
OUTBOX_RETRY_BASE_SECONDS = float(env("OUTBOX_RETRY_BASE_SECONDS", "30"))
OUTBOX_RETRY_CAP_SECONDS = float(env("OUTBOX_RETRY_CAP_SECONDS", "3600"))
OUTBOX_KEEP_DONE_DAYS = int(env("OUTBOX_KEEP_DONE_DAYS", "7"))
# Exports of more rows than this are written by the worker; their files are deleted after EXPORT_KEEP_HOURS.
EXPORT_SYNC_MAX_ROWS = int(env("EXPORT_SYNC_MAX_ROWS", "5000"))
EXPORT_KEEP_HOURS = int(env("EXPORT_KEEP_HOURS", "24"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_refusals": {"()": "shaodian.logs.OneLineRefusals"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["one_line_refusals"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

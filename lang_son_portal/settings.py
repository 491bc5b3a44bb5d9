"""Settings of the Lạng Sơn digital-transformation portal.

Configuration only, read from environment variables (see README "Configuration"). DJANGO_ENV selects
the profile: development (make run), test (make test) or production (docker-compose / deploy).
"""

import os
import warnings
from pathlib import Path

from celery.schedules import crontab
from cryptography.utils import CryptographyDeprecationWarning
from django.utils.translation import gettext_lazy as _

# pyHanko imports cryptography's DSA key types, which cryptography has deprecated; the portal never
# signs or verifies with DSA (RSA and ECDSA only), so the warning printed by every process says
# nothing to act on. Only this warning is silenced.
warnings.filterwarnings("ignore", message="DSA is deprecated", category=CryptographyDeprecationWarning)

BASE_DIR = Path(__file__).resolve().parent.parent
ENV = os.environ.get("DJANGO_ENV", "development")
PRODUCTION = ENV == "production"
TESTING = ENV == "test"


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


# The development values of the secrets: fine on a laptop, refused in production (check_secrets below).
DEV_SECRETS = {
    "DJANGO_SECRET_KEY": "dev-only-insecure-key-change-me-in-production-0123456789",
    "PORTAL_PAYMENT_CALLBACK_SECRET": "sandbox-callback-secret",
    "PORTAL_SIGNING_KEY_PASSPHRASE": "dev-signing-passphrase",
    "PORTAL_VNEID_CLIENT_SECRET": "dev-vneid-client-secret",
}
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", DEV_SECRETS["DJANGO_SECRET_KEY"])
DEBUG = env_bool("DJANGO_DEBUG", ENV == "development")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("PORTAL_SITE_URL", f"http://127.0.0.1:{os.environ.get('PORTAL_PORT', '8765')}")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.gis",
    "django.contrib.postgres",
    # third party
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_celery_beat",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    # VNeID sign-in: allauth's OpenID Connect provider (core/users/vneid.py, ADR 1101)
    "allauth.socialaccount.providers.openid_connect",
    "axes",
    # the shared kernel: one package, small apps with their own migrations (ADR 0002)
    "core",
    "core.geo",
    "core.agencies",
    "core.users",
    "core.audit",
    "core.notifications",
    "core.payments",
    "core.signing",
    "core.indicators",
    "core.outbox",
    "core.api_clients",
    # the five pillars
    "party",
    "government",
    "government.land",
    "government.documents",
    "government.meetings",
    "government.operations_centre",
    "government.reporting",
    "economy",
    "society",
    "border_gate",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.security_headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.RequestLogMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # NUL anywhere in the request and oversized bodies: one 400/413 before any view (core/input_guard.py)
    "core.input_guard.InputGuardMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "core.users.middleware.OfficialMFAMiddleware",
    # a NotFoundError a view lets through is the 404 page (core/errors.py)
    "core.errors.NotFoundMiddleware",
    # axes last, as its documentation requires
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lang_son_portal.urls"
WSGI_APPLICATION = "lang_son_portal.wsgi.application"

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
                "core.context_processors.portal",
            ],
        },
    },
]

# --- database: PostgreSQL + PostGIS, psycopg 3 with Django's native pool (ADR 0001) -----------
DB_POOL = env_bool("PORTAL_DB_POOL", True)
DATABASES = {
    "default": {
        # Django's PostGIS backend; the test suite's flush may empty the append-only audit log.
        "ENGINE": "core.db.backends.postgis",
        "HOST": os.environ.get("PORTAL_DB_HOST", "127.0.0.1"),
        "PORT": os.environ.get("PORTAL_DB_PORT", "55433"),
        "NAME": os.environ.get("PORTAL_DB_NAME", "lang_son_portal"),
        "USER": os.environ.get("PORTAL_DB_USER", "postgres"),
        "PASSWORD": os.environ.get("PORTAL_DB_PASSWORD", ""),
        "OPTIONS": {
            **(
                {"pool": {"min_size": 1, "max_size": int(os.environ.get("PORTAL_DB_POOL_MAX", "8")), "timeout": 10}}
                if DB_POOL
                else {}
            ),
            # Parameters sent apart from the SQL text, so psycopg prepares the statements a pooled
            # connection runs again and again (the ORM's are the same text each time: prepared
            # after 5 runs) and PostgreSQL plans them once (ADR 0402). Django's own pool, not
            # pgbouncer in transaction mode, is what makes per-connection prepared statements safe.
            **(
                {"server_side_binding": True, "prepare_threshold": 5}
                if env_bool("PORTAL_DB_SERVER_SIDE_BINDING", True)
                else {}
            ),
        },
        # Several developers/helpers may run the suite on one cluster: the test database name is
        # configurable so their runs do not collide.
        "TEST": {"NAME": os.environ.get("PORTAL_TEST_DB_NAME", "test_lang_son_portal")},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The web and worker processes connect as PORTAL_DB_USER, a role that owns nothing (core/db/roles.py);
# `manage.py migrate` connects as the owner. Unset (the test suite): one role does both.
PORTAL_DB_OWNER_USER = os.environ.get("PORTAL_DB_OWNER_USER", "")
PORTAL_DB_OWNER_PASSWORD = os.environ.get("PORTAL_DB_OWNER_PASSWORD", "")
# A superuser `migrate` may use to create both roles and hand the database to the owner (local
# profiles, the compose `migrate` service). Never used by web or worker processes.
PORTAL_DB_SUPERUSER = os.environ.get("PORTAL_DB_SUPERUSER", "")
PORTAL_DB_SUPERUSER_PASSWORD = os.environ.get("PORTAL_DB_SUPERUSER_PASSWORD", "")

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:56380/0")
CACHES = {
    "default": {
        "BACKEND": "core.cache.PortalRedisCache",
        "LOCATION": REDIS_URL,
        # Short timeouts: with Redis unreachable the cache answers "miss" at once (core/cache.py).
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        # Tests: one key space per test database (xdist worker), as their user ids overlap — a
        # TOTP code or a double-submit key of one worker's user 7 is not another worker's.
        "KEY_PREFIX": os.environ.get("PORTAL_CACHE_PREFIX", ENV)
        + (
            f":{os.environ.get('PORTAL_TEST_DB_NAME', 'test')}:{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
            if TESTING
            else ""
        ),
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- users, authentication, MFA, lockout ---------------------------------------------------------
AUTH_USER_MODEL = "users.User"
# axes' lockout check, Django's model backend (admin, email + password) and allauth's, each
# reading the session's user with one prepared statement (core/users/backends.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "core.users.backends.ModelBackend",
    "core.users.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Cổng CĐS Lạng Sơn] "
# Sign-up makes a citizen and asks their full name; the user's saved language is applied at login.
ACCOUNT_ADAPTER = "core.users.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "core.users.forms.SignupForm"}
ACCOUNT_RATE_LIMITS = False if TESTING else {}
# --- VNeID sign-in (OpenID Connect through allauth; core/users/vneid.py, ADR 1101) --------------------
# Production: PORTAL_VNEID_ISSUER (the provider's issuer URL; its /.well-known/openid-configuration is
# read), PORTAL_VNEID_CLIENT_ID and PORTAL_VNEID_CLIENT_SECRET as registered with the provider, and the
# claim carrying the 12-digit personal ID number. No issuer: no VNeID button. Development and tests: the
# local test identity provider (core/users/vneid_dev/) served by the portal itself at /dev/vneid/.
PORTAL_VNEID_DEV_IDP = not PRODUCTION and env_bool("PORTAL_VNEID_DEV_IDP", True)
PORTAL_VNEID_ISSUER = os.environ.get(
    "PORTAL_VNEID_ISSUER", f"{SITE_URL.rstrip('/')}/dev/vneid" if PORTAL_VNEID_DEV_IDP else ""
).rstrip("/")
PORTAL_VNEID_CLIENT_ID = os.environ.get("PORTAL_VNEID_CLIENT_ID", "lang-son-portal-dev")
PORTAL_VNEID_CLIENT_SECRET = os.environ.get("PORTAL_VNEID_CLIENT_SECRET", DEV_SECRETS["PORTAL_VNEID_CLIENT_SECRET"])
PORTAL_VNEID_ID_NUMBER_CLAIM = os.environ.get("PORTAL_VNEID_ID_NUMBER_CLAIM", "citizen_id")
SOCIALACCOUNT_ADAPTER = "core.users.social_adapter.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        # allauth's provider plus a nonce checked against the ID token
        "provider_class": "core.users.vneid.VNeIDProvider",
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": "vneid",
                "name": "VNeID",
                "client_id": PORTAL_VNEID_CLIENT_ID,
                "secret": PORTAL_VNEID_CLIENT_SECRET,
                "settings": {"server_url": PORTAL_VNEID_ISSUER, "token_auth_method": "client_secret_post"},
            }
        ]
        if PORTAL_VNEID_ISSUER
        else [],
    }
}
# The button on the login page is a form (POST): a link alone could be triggered by another site.
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
# An e-mail VNeID reports does not sign anybody in to an existing account (core.users.social_adapter).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_QUERY_EMAIL = False

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# The code fields open a phone's number pad (inputmode="numeric", one-time-code autofill).
MFA_FORMS = {"authenticate": "core.users.forms.AuthenticateForm", "activate_totp": "core.users.forms.ActivateTOTPForm"}
MFA_TOTP_ISSUER = "Cổng CĐS Lạng Sơn"
# Accept the code of the previous or next 30-second step as well (RFC 6238 §5.2: network delay and
# phone clock drift): a code typed at the end of its step would otherwise fail when the request lands in
# the next one. A used code stays refused for the whole tolerance window.
MFA_TOTP_TOLERANCE = 1

# Officials' sessions (core.users.middleware): signed out after this long without a request, and after
# this long in all (a working day), whatever they do. Citizens keep Django's session age.
PORTAL_OFFICIAL_IDLE_MINUTES = int(os.environ.get("PORTAL_OFFICIAL_IDLE_MINUTES", "30"))
PORTAL_OFFICIAL_SESSION_HOURS = float(os.environ.get("PORTAL_OFFICIAL_SESSION_HOURS", "10"))

# How many reverse proxies (load balancer, nginx) stand in front of gunicorn and append to
# X-Forwarded-For. The client address (core.http.client_ip) is read that many entries from the right:
# lockout, rate limits and the audit log count people, not the load balancer. 0: no proxy, the header
# is ignored (a client could forge it).
PORTAL_TRUSTED_PROXY_COUNT = int(os.environ.get("PORTAL_TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "core.http.client_ip"

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "core.users.axes.axes_username"  # allauth passes `email=`, not `login=`
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"

# --- internationalisation ----------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True
LANGUAGE_COOKIE_NAME = "portal_language"
# Grouped thousands in both languages (116.301 in Vietnamese, 116,301 in English): Django's "vi"
# locale has no NUMBER_GROUPING, lang_son_portal/formats/ adds it. Numbers that are identifiers
# (years, codes, ids in URLs) must be printed with |unlocalize or {% localize off %} in templates.
FORMAT_MODULE_PATH = ["lang_son_portal.formats"]
USE_THOUSAND_SEPARATOR = True

# --- static and media ----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("PORTAL_MEDIA_ROOT", BASE_DIR / ".data" / "run" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
if os.environ.get("PORTAL_S3_BUCKET"):
    # Scaled-out deployments keep uploads on S3-compatible storage so every web/worker replica
    # sees the same files.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["PORTAL_S3_BUCKET"],
            "endpoint_url": os.environ.get("PORTAL_S3_ENDPOINT_URL"),
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Limits that match the data (issue 9). A form's fields without its files: the longest form (a
# declaration of a dozen fields of at most 2,000 characters) is a few tens of KB.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("PORTAL_MAX_FORM_BYTES", 512 * 1024))
# A whole request, files included: the largest accepted file (20 MB, the signature-verification page)
# plus its form. Refused from the Content-Length before anything is read (core.input_guard).
PORTAL_MAX_REQUEST_BYTES = int(os.environ.get("PORTAL_MAX_REQUEST_BYTES", 25 * 1024 * 1024))
# An API JSON body (a dossier draft is a few KB) and how deep it may nest (core.api.PortalJSONParser).
PORTAL_API_MAX_JSON_BYTES = int(os.environ.get("PORTAL_API_MAX_JSON_BYTES", 256 * 1024))
PORTAL_API_MAX_JSON_DEPTH = 32
# Uploaded files are parsed within bounds (core.uploads): pixels of an image, read from its header
# before any decoding, and the unpacked size and member count of a zip-based office file.
PORTAL_UPLOAD_MAX_IMAGE_PIXELS = 50_000_000
PORTAL_UPLOAD_MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
PORTAL_UPLOAD_MAX_ZIP_MEMBERS = 2000
# The public signature-verification page: signatures validated per file, checks per address and hour.
PORTAL_VERIFY_MAX_SIGNATURES = 10
PORTAL_VERIFY_RATE_PER_HOUR = 60
# A citizen's open drafts and the files of one dossier (government services refuse more).
PORTAL_MAX_OPEN_DRAFTS = int(os.environ.get("PORTAL_MAX_OPEN_DRAFTS", "20"))
PORTAL_MAX_FILES_PER_DOSSIER = int(os.environ.get("PORTAL_MAX_FILES_PER_DOSSIER", "30"))

# --- REST API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # The session (which for an official has passed TOTP: allauth asks for the code before it logs
    # them in) or, on the machine endpoints that declare it, an API key. Never a password alone:
    # HTTP Basic would let an official's password open the API without the second factor.
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PARSER_CLASSES": [
        "core.api.PortalJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.PortalPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Cổng chuyển đổi số tỉnh Lạng Sơn — API",
    "DESCRIPTION": "API of the Lạng Sơn digital-transformation portal.",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Every error response in the schema, with its body (core.api.add_error_responses).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.add_error_responses",
    ],
    # Several models have a `status` field with different choices: name each set explicitly.
    "ENUM_NAME_OVERRIDES": {
        "DossierStatusEnum": "government.models.Dossier.Status",
        "DocumentDirectionEnum": "government.documents.models.Direction",
        "DocumentStatusEnum": "government.documents.models.Status",
        "MeetingStatusEnum": "government.meetings.models.Meeting.Status",
    },
}

# --- Celery --------------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_TIMEZONE = TIME_ZONE
# Measured here (STACK-NOTES): with these at 1 s a killed worker's tasks come back in ~20 s.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A message taken by a worker that dies (SIGKILL, OOM, lost machine) goes back to the queue after
    # this long: 10 minutes bounds how late such a task runs (docs/reliability.md). Every ETA and
    # countdown stays below it (a longer one would be redelivered again and again), and a task that
    # runs longer is redelivered while it runs: the tasks are idempotent and the long ones
    # (snapshot runs, signing jobs) skip work another worker holds.
    "visibility_timeout": int(os.environ.get("PORTAL_CELERY_VISIBILITY_TIMEOUT", "600")),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
    # A stopped or unreachable Redis fails a publish within about a second (above the 1 s BRPOP
    # the worker waits in); the task is then kept in the outbox (core/outbox), never lost or a 500.
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The one beat schedule of the portal (django-celery-beat installs it in the database at start).
CELERY_BEAT_SCHEDULE: dict = {
    # core.outbox: tasks kept while Redis was unavailable, sent when it is back.
    "outbox-flush": {"task": "core.outbox.tasks.flush", "schedule": 30.0},
    # operations centre (core.indicators): snapshots of the registry's indicators
    "indicators-snapshot-hourly": {"task": "core.indicators.tasks.snapshot_hourly", "schedule": crontab(minute=5)},
    "indicators-snapshot-nightly": {
        "task": "core.indicators.tasks.snapshot_nightly",
        "schedule": crontab(hour=0, minute=20),
    },
    "indicators-snapshot-live": {"task": "core.indicators.tasks.snapshot_live", "schedule": 300.0},
    "indicators-snapshot-recover": {"task": "core.indicators.tasks.snapshot_recover", "schedule": 600.0},
    # core.notifications: re-send what the database says is still pending (lost broker messages).
    "notifications-requeue-stale": {"task": "core.notifications.tasks.requeue_stale", "schedule": 300.0},
    # society: transcript signing jobs interrupted by a worker crash or a lost message resume.
    "society-resume-signing-jobs": {"task": "society.tasks.resume_signing_jobs", "schedule": 60.0},
    # society: broadcast deliveries interrupted mid-send become "unknown" (never resent); lost sends resume.
    "society-recover-broadcasts": {"task": "society.tasks.recover_broadcasts", "schedule": 120.0},
    # core.payments: pending payments past their expiry become expired.
    "payments-expire-stale": {"task": "core.payments.tasks.expire_stale_payments", "schedule": 900.0},
    # border_gate: boards/queue figures, abandoned officer takes, declarations never arrived, 20:00 report.
    "border-gate-recompute-queues": {"task": "border_gate.tasks.recompute_all_queues", "schedule": 60.0},
    "border-gate-release-stale-takes": {"task": "border_gate.tasks.release_stale_takes", "schedule": 300.0},
    "border-gate-expire-declarations": {"task": "border_gate.tasks.expire_declarations", "schedule": 1800.0},
    "border-gate-daily-report": {"task": "border_gate.tasks.daily_report", "schedule": crontab(hour=20, minute=0)},
    # economy: each soft-ATM agent's cash of the day that ended, against what it declared.
    "economy-reconcile-agents": {"task": "economy.tasks.reconcile_agents", "schedule": crontab(hour=0, minute=40)},
    # government: remind handling officials of dossiers due today or overdue (working days only).
    "government-remind-overdue": {
        "task": "government.tasks.remind_overdue_dossiers",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon-sat"),
    },
    # party: owner agencies reminded of key tasks due soon, overdue, or with a report overdue.
    "party-remind-key-tasks": {"task": "party.tasks.remind_key_tasks", "schedule": crontab(hour=7, minute=45)},
    # government: applicant notifications still owed after their step committed (lost messages).
    "government-requeue-notifications": {
        "task": "government.tasks.requeue_dossier_notifications",
        "schedule": 300.0,
    },
    # periodic reporting: open the new periods, lock the expired ones (both idempotent).
    "reporting-ensure-periods": {
        "task": "government.reporting.tasks.ensure_periods",
        "schedule": crontab(minute=10, hour=0),
    },
    "reporting-lock-expired": {
        "task": "government.reporting.tasks.lock_expired_periods",
        "schedule": crontab(minute=1),
    },
    # documents: task and overdue-document reminders; signature checks whose message was lost.
    "documents-reminders": {
        "task": "government.documents.tasks.send_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "meetings-remind": {"task": "government.meetings.tasks.remind_meetings", "schedule": crontab(hour=15, minute=0)},
    # land: the province's parcel statistics computed before a leader opens the page (seconds at 2.3 M).
    "land-warm-statistics": {"task": "government.land.tasks.warm_statistics", "schedule": 300.0},
    "documents-check-signatures": {
        "task": "government.documents.tasks.check_unchecked_signatures",
        "schedule": 300.0,
    },
    # machine clients: the call log kept PORTAL_API_CALL_RETENTION_DAYS, older rows archived then removed.
    "api-clients-purge-calls": {"task": "core.api_clients.tasks.purge_calls", "schedule": crontab(hour=2, minute=30)},
}
# The API call log's retention (core.api_clients.tasks.purge_calls): rows older than this many days are
# written to PORTAL_API_CALL_ARCHIVE_DIR (gzip JSON Lines) when PORTAL_API_CALL_ARCHIVE is on, then removed.
PORTAL_API_CALL_RETENTION_DAYS = int(os.environ.get("PORTAL_API_CALL_RETENTION_DAYS", "365"))
PORTAL_API_CALL_ARCHIVE = env_bool("PORTAL_API_CALL_ARCHIVE", True)
PORTAL_API_CALL_ARCHIVE_DIR = Path(
    os.environ.get("PORTAL_API_CALL_ARCHIVE_DIR", str(MEDIA_ROOT.parent / "archive" / "api_calls"))
)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True

# --- email, SMS, payments, signing (backends: local by default, production documented) --------
EMAIL_BACKEND = os.environ.get(
    "PORTAL_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = MEDIA_ROOT.parent / "outbox" / "email"
EMAIL_HOST = os.environ.get("PORTAL_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("PORTAL_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("PORTAL_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("PORTAL_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("PORTAL_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("PORTAL_FROM_EMAIL", "Cổng CĐS Lạng Sơn <no-reply@langson.gov.vn>")
PORTAL_SMS_BACKEND = os.environ.get("PORTAL_SMS_BACKEND", "core.notifications.backends.FileSMSBackend")
PORTAL_SMS_FILE_PATH = MEDIA_ROOT.parent / "outbox" / "sms"
# Broadcast channels (core.notifications.backends): local files by default, provider classes in production.
PORTAL_OUTBOX_PATH = MEDIA_ROOT.parent / "outbox"
PORTAL_ZALO_BACKEND = os.environ.get("PORTAL_ZALO_BACKEND", "core.notifications.backends.FileZaloBackend")
PORTAL_ZALO_OA_ACCESS_TOKEN = os.environ.get("PORTAL_ZALO_OA_ACCESS_TOKEN", "")
PORTAL_LOUDSPEAKER_BACKEND = os.environ.get(
    "PORTAL_LOUDSPEAKER_BACKEND", "core.notifications.backends.FileLoudspeakerBackend"
)
PORTAL_LOUDSPEAKER_URL = os.environ.get("PORTAL_LOUDSPEAKER_URL", "")
PORTAL_LOUDSPEAKER_TOKEN = os.environ.get("PORTAL_LOUDSPEAKER_TOKEN", "")
PORTAL_PAYMENT_PROVIDER = os.environ.get("PORTAL_PAYMENT_PROVIDER", "sandbox")
PORTAL_PAYMENT_CALLBACK_SECRET = os.environ.get(
    "PORTAL_PAYMENT_CALLBACK_SECRET", DEV_SECRETS["PORTAL_PAYMENT_CALLBACK_SECRET"]
)
PORTAL_SIGNING_KEY_PASSPHRASE = os.environ.get(
    "PORTAL_SIGNING_KEY_PASSPHRASE", DEV_SECRETS["PORTAL_SIGNING_KEY_PASSPHRASE"]
)
PORTAL_NOTIFICATION_REQUEUE_AFTER_MINUTES = int(os.environ.get("PORTAL_NOTIFICATION_REQUEUE_AFTER_MINUTES", "10"))
PORTAL_PAYMENT_TTL_HOURS = int(os.environ.get("PORTAL_PAYMENT_TTL_HOURS", "24"))
# The sandbox bank (VietQR test account and the "pay" button) is off in production unless asked for.
PORTAL_PAYMENT_SANDBOX_ENABLED = env_bool("PORTAL_PAYMENT_SANDBOX_ENABLED", not PRODUCTION)
PORTAL_PAYMENT_SANDBOX_BANK_BIN = os.environ.get("PORTAL_PAYMENT_SANDBOX_BANK_BIN", "970436")
PORTAL_PAYMENT_SANDBOX_ACCOUNT = os.environ.get("PORTAL_PAYMENT_SANDBOX_ACCOUNT", "0011001234567")
# The agency (code) whose certificate signs the e-receipts of every fee paid online.
PORTAL_RECEIPT_SIGNER_AGENCY = os.environ.get("PORTAL_RECEIPT_SIGNER_AGENCY", "so-tai-chinh")
# Meetings' video rooms (government/meetings/video.py): `link` (a pasted https link) or `jitsi`.
PORTAL_VIDEO_PROVIDER = os.environ.get("PORTAL_VIDEO_PROVIDER", "link")
PORTAL_JITSI_URL = os.environ.get("PORTAL_JITSI_URL", "https://meet.jit.si")
# A callback's timestamp may differ from our clock by this much; older ones are refused as stale
# (and their nonces are kept at least twice as long, so a replay inside the window is refused too).
PORTAL_PAYMENT_CALLBACK_TOLERANCE_SECONDS = int(os.environ.get("PORTAL_PAYMENT_CALLBACK_TOLERANCE_SECONDS", "300"))
# Providers whose callbacks are accepted (besides PORTAL_PAYMENT_PROVIDER, which always is): keep an
# old provider here while its last payments may still be confirmed after switching to a new one.
# "wallet" is the soft-ATM e-wallet (registered by economy; it pays from the portal's own ledger).
PORTAL_PAYMENT_PROVIDERS_ENABLED = env_list("PORTAL_PAYMENT_PROVIDERS_ENABLED", "wallet")

# Placeholders people paste into .env files; refused like the development values.
PLACEHOLDER_SECRETS = {"", "change-me", "changeme", "secret", "password", "build-only", "test", "dev"}
MIN_SECRET_LENGTH = {"DJANGO_SECRET_KEY": 50, "PORTAL_PAYMENT_CALLBACK_SECRET": 32, "PORTAL_SIGNING_KEY_PASSPHRASE": 32}


def check_secrets(environ=os.environ) -> list[str]:
    """What is wrong with the production secrets, one message per variable (empty: all set).
    A missing secret or its development value in production would let anyone who has read this
    repository forge sessions, payment confirmations or decrypt the signing keys."""
    problems = []
    for name, minimum in MIN_SECRET_LENGTH.items():
        value = environ.get(name)
        if value is None or not value.strip():
            problems.append(f"{name} is not set")
        elif value == DEV_SECRETS[name] or value.strip().lower() in PLACEHOLDER_SECRETS:
            problems.append(f"{name} still has its development or placeholder value")
        elif len(value) < minimum:
            problems.append(f"{name} is shorter than {minimum} characters")
    if environ.get("PORTAL_VNEID_ISSUER", "").strip():
        secret = environ.get("PORTAL_VNEID_CLIENT_SECRET", "").strip()
        if not secret or secret == DEV_SECRETS["PORTAL_VNEID_CLIENT_SECRET"] or secret.lower() in PLACEHOLDER_SECRETS:
            problems.append("PORTAL_VNEID_CLIENT_SECRET is not set (VNeID sign-in is configured)")
    return problems


if PRODUCTION and (_secret_problems := check_secrets()):
    # Raised while settings load: gunicorn, Celery and every manage.py command refuse to start.
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "Refusing to start with DJANGO_ENV=production: "
        + "; ".join(_secret_problems)
        + ". Set each one in the environment to a long random value (e.g. `openssl rand -base64 48`)."
    )

# --- security ------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- logging: one JSON line per request (core.middleware.RequestLogMiddleware) -----------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "core.logging.JSONFormatter"}, "console": {"()": "core.logging.ConsoleFormatter"}},
    # JSON lines for log shipping; `make run` asks for one readable line per record (scripts/serve.sh).
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "console" if os.environ.get("PORTAL_LOG_FORMAT") == "console" else "json",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("PORTAL_LOG_LEVEL", "INFO")},
    "loggers": {
        "portal.request": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # WeasyPrint and fontTools log every rendering step at INFO.
        "weasyprint": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # fontTools also warns for every PDF whose font has a table it does not subset ("FFTM NOT
        # subset"): harmless, the table is dropped; a dozen lines per seeded PDF said nothing.
        "fontTools": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
if TESTING:
    LOGGING["loggers"]["portal.request"]["level"] = "WARNING"

GDAL_LIBRARY_PATH = os.environ.get("GDAL_LIBRARY_PATH") or None
GEOS_LIBRARY_PATH = os.environ.get("GEOS_LIBRARY_PATH") or None

# GDAL 3.6 (Debian 12) cannot block file/network access of spatial references. The portal never
# parses spatial references from users (geometry comes from reference files we ship), so this
# protection does not apply; revisit when the base image moves to GDAL >= 3.9.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

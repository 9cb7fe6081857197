"""icsmap settings, read from the environment.

DATABASE_URL  any dj-database-url URL; default an embedded SQLite file (db.sqlite3)
SECRET_KEY    required when DEBUG is off
DEBUG         "1"/"true" to turn on (default on, for the local quick start)
ALLOWED_HOSTS comma-separated (default localhost names)
Login lockout and HTTPS settings (production defaults when DEBUG is off): end of this file.
API throttling, HTTP caching, CORS (API_ANON_THROTTLE_RATE, API_CACHE_MAX_AGE, REDIS_URL, CORS_ALLOWED_ORIGINS): end.
Suggestions and email (SUGGESTIONS_PER_HOUR, SITE_URL, EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, DEFAULT_FROM_EMAIL): end.
refresh_ods's addresses (ODS_EPRACCUR_URL, ODS_EPCN_URL, ODS_LOOKUP_URL, ODS_DOWNLOAD_MAX_BYTES): end.
"""

import datetime
import os
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key-only"  # noqa: S105 - dev only
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "mptt",
    "rest_framework",
    "rest_framework.authtoken",
    "corsheaders",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
    "governance",
]

MIDDLEWARE = [
    # Outermost: a read whose database connection dropped is answered again (icsmap/dropped_connections.py).
    "icsmap.dropped_connections.RetryDroppedReads",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every answer (icsmap/content_security.py).
    "icsmap.content_security.SitePolicyMiddleware",
    "corsheaders.middleware.CorsMiddleware",  # high up, as django-cors-headers asks
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Anonymous page requests per client address (PAGE_ANON_THROTTLE_RATE): 429 beyond it.
    "governance.pages.throttling.ThrottlePages",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change in the history tables (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    # The site's own 404 and 500 pages with DEBUG on too (icsmap/error_pages.py).
    "icsmap.error_pages.SiteErrorPagesMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its 429 response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "icsmap.urls"
WSGI_APPLICATION = "icsmap.wsgi.application"

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


def database_config() -> dict:
    """The default database: DATABASE_URL, or an embedded SQLite file."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    server = not url.startswith("sqlite")
    # A kept connection is checked before a request uses it (CONN_HEALTH_CHECKS): one the server
    # dropped (a restart, a failover, an idle timeout) is replaced instead of failing the request.
    config = dj_database_url.parse(url, conn_max_age=60 if server else 0, conn_health_checks=server)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # IMMEDIATE takes SQLite's write lock at BEGIN, so two structural writes
        # queue instead of interleaving (the tree service relies on it).
        config["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    return config


DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# The NHS.UK frontend (npm, installed by `make install`) as static/nhsuk/: the package's
# dist folder (JS, icons) and its stylesheet made local by governance/frontend.py (no
# font CDN). Left out while node_modules is absent; pages then render unstyled.
STATICFILES_DIRS = [
    ("nhsuk", folder)
    for folder in (
        BASE_DIR / "node_modules" / ".icsmap" / "nhsuk",
        BASE_DIR / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk",
    )
    if folder.is_dir()
]
# In development and tests, serve static files straight from the apps (no collectstatic needed).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PARSER_CLASSES": [
        "governance.api.parsers.JSONParser",  # refuses deep nesting with a 400
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "governance.api.errors.exception_handler",
    # Token first: an anonymous write is then a 401 (with WWW-Authenticate), not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # DRF's TokenAuthentication, with wrong tokens throttled per address (API_TOKEN_FAILURE_RATE).
        "governance.api.throttling.CountedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["governance.api.throttling.AnonThrottle"],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "icsmap API",
    "DESCRIPTION": "The structure and representation of England's Integrated Care Systems.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",  # tags by resource (organisations, paths…), not "v1"
    # Swagger UI and ReDoc from the drf-spectacular-sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets of one name are told apart: an organisation's ``kind`` and a timeline event's;
    # a succession's ``type`` would otherwise be the anonymous "TypeEnum".
    "ENUM_NAME_OVERRIDES": {
        "KindEnum": "governance.models.Kind",
        "TimelineKindEnum": "governance.reading.timeline.KINDS",
        "SuccessionTypeEnum": "governance.models.SuccessionType",
    },
    # Writes take JSON: a form (the browsable API's) is read too, but cannot say null, so it is no part of the contract.
    "PARSER_WHITELIST": ["governance.api.parsers.JSONParser"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "governance.api.errors.document_common_errors",
        "governance.api.schema.blank_is_absent",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Login and transport security -------------------------------------------------------
# The admin is behind Django's auth (strong password validators above). django-axes counts
# failed logins and locks that username from that address out; its backend comes first so
# a locked-out login is refused before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(hours=float(os.environ.get("AXES_COOLOFF_HOURS", "1")))
# Username and address together: guesses from one address cannot lock the owner out everywhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Behind TRUSTED_PROXY_COUNT proxies the client's address is read from X-Forwarded-For.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "icsmap.client_ip.client_ip"

# With DEBUG off everything defaults to HTTPS only; each setting can be relaxed from the environment.
SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_flag("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_flag("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_flag("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = os.environ.get("SECURE_REFERRER_POLICY", "same-origin")
X_FRAME_OPTIONS = os.environ.get("X_FRAME_OPTIONS", "DENY")
SESSION_COOKIE_HTTPONLY = True
# Behind a TLS-terminating proxy, e.g. SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https".
# Set it only if the proxy always sets (or strips) that header: clients could forge it otherwise.
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    _header, _, _value = os.environ["SECURE_PROXY_SSL_HEADER"].partition(",")
    SECURE_PROXY_SSL_HEADER = (_header.strip(), _value.strip() or "https")
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
# Content-Security-Policy (django-csp; icsmap/content_security.py): everything from this site,
# no inline script or style (the admin alone may use style attributes), no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- API: throttling, HTTP caching, CORS (governance/api) --------------------------------


def rate_setting(name: str, default: str) -> str | None:
    """A rate like "120/min" from the environment variable ``name``; "off" (or 0, none, empty): None."""
    rate = os.environ.get(name, default).strip()
    if rate.lower() in {"", "0", "off", "none"}:
        return None
    if not re.fullmatch(r"\d+/(s|sec|second|m|min|minute|h|hour|d|day)", rate):
        raise ImproperlyConfigured(f"{name}: {rate!r} is not like {default}.")
    return rate


# Anonymous clients get API_ANON_THROTTLE_RATE requests per address ("120/min"; "off" for
# none), counted in the cache: set REDIS_URL in production so that every worker shares it.
API_ANON_THROTTLE_RATE = rate_setting("API_ANON_THROTTLE_RATE", "120/min")
# The site's pages likewise (governance/pages/throttling.py), per address.
PAGE_ANON_THROTTLE_RATE = rate_setting("PAGE_ANON_THROTTLE_RATE", "300/min")
# Wrong API tokens per client address (governance/api/throttling.py): past this rate, a 429.
API_TOKEN_FAILURE_RATE = rate_setting("API_TOKEN_FAILURE_RATE", "20/min")
# During a write storm (the data version moving at every read of it), each process sees the data as
# of a burst of writes, at most this many seconds late, instead of re-reading England's structure
# after every write (governance/caching/versioning.py); otherwise within half a second.
DATA_VERSION_STORM_MAX_AGE = float(os.environ.get("DATA_VERSION_STORM_MAX_AGE", "2"))
# Reads carry ETag and Last-Modified, and may be cached (also by shared caches) this long.
API_CACHE_MAX_AGE = int(os.environ.get("API_CACHE_MAX_AGE", "60"))
# Pages and API answers for anonymous readers (governance/caching/pages.py and
# governance/api/answer_cache.py) are kept compressed (1-3 KB each) and bounded: an answer larger
# than PAGE_CACHE_MAX_BYTES compressed is not kept, and none is kept longer than
# PAGE_CACHE_SECONDS (keys move on with every write, so old ones only wait to expire).
PAGE_CACHE_MAX_BYTES = int(os.environ.get("PAGE_CACHE_MAX_BYTES", str(64 * 1024)))
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "3600"))
if os.environ.get("REDIS_URL"):
    # A cache server down or unreachable makes answers slower, never errors: the backend fails
    # open (governance/caching/cache_server.py), and gives up on a connection within a second.
    REDIS_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    CACHES = {
        "default": {
            "BACKEND": "governance.caching.cache_server.FailOpenRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "OPTIONS": REDIS_OPTIONS,
        },
        "pages": {
            "BACKEND": "governance.caching.cache_server.FailOpenRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "pages",
            "TIMEOUT": PAGE_CACHE_SECONDS,
            "OPTIONS": REDIS_OPTIONS,
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        # At most PAGE_CACHE_ENTRIES answers of at most PAGE_CACHE_MAX_BYTES each per process: the
        # default holds every practice's page and path (12,500 for England) in some 30 MB, and
        # never more than 20,000 × 64 KB.
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pages",
            "TIMEOUT": PAGE_CACHE_SECONDS,
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("PAGE_CACHE_ENTRIES", "20000"))},
        },
    }
# Cross-origin reads only: GET/HEAD/OPTIONS under /api/, from CORS_ALLOWED_ORIGINS
# (comma-separated), or from anywhere when it is unset: the data is public. Credentials are
# never allowed cross-origin, so another site's scripts cannot act with a user's session.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOWED_ORIGINS = [o.strip() for o in os.environ.get("CORS_ALLOWED_ORIGINS", "").split(",") if o.strip()]
CORS_ALLOW_ALL_ORIGINS = not CORS_ALLOWED_ORIGINS
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ("ETag", "Last-Modified", "Content-Disposition", "Link")

# Suggestions from readers (governance/domain/suggestions.py): at most SUGGESTIONS_PER_HOUR per
# client address (counted in the default cache), and an email to the system's editors for each.
# EMAIL_URL-style settings are plain Django: EMAIL_HOST, EMAIL_PORT, … In development (DEBUG) the
# email goes to the console unless EMAIL_BACKEND says otherwise.
SUGGESTIONS_PER_HOUR = int(os.environ.get("SUGGESTIONS_PER_HOUR", "10"))
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "icsmap <noreply@localhost>")

# What `manage.py refresh_ods` downloads (governance/ingest/ods/download.py): one address per role of
# the importer's OdsFiles that the publisher keeps current; a role left empty keeps its shipped file.
# NHS England's ODS publishes epraccur and ePCN zipped at fixed "current" addresses; the ONS lookup
# has no fixed address (a new one each year), so give it when there is a new one. --base-url swaps
# the scheme and host of each (a mirror). Nothing else in icsmap downloads.
ODS_PUBLISHED_FILES = {
    "epraccur": os.environ.get("ODS_EPRACCUR_URL", "https://files.digital.nhs.uk/assets/ods/current/epraccur.zip"),
    "epcn": os.environ.get("ODS_EPCN_URL", "https://files.digital.nhs.uk/assets/ods/current/ePCN.zip"),
    "lookup": os.environ.get("ODS_LOOKUP_URL", ""),
}
# A download larger than this is refused before it is read (the readers' own limit: 200 MB).
ODS_DOWNLOAD_MAX_BYTES = int(os.environ.get("ODS_DOWNLOAD_MAX_BYTES", str(200 * 1024 * 1024)))

"""Settings: one file, every value from the environment, safe development defaults.

Production is the default: DEBUG is off unless DJANGO_DEBUG=1, and without DEBUG a secret key
must be given. See README.md for every variable.
"""

import json
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from observatoire.lib.env import database_from_url, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY est obligatoire hors mode debug (DJANGO_DEBUG=1)."
        )
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks_db",
    "axes",
    "observatoire.accounts",
    "observatoire.notifications",
    "observatoire.network",
    "observatoire.search",
    "observatoire.practices",
    "observatoire.pages",
    "observatoire.community",
    "observatoire.directory",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "observatoire.lib.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "observatoire.lib.middleware.PrivateForPeopleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into our French page (status 429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "observatoire.urls"
WSGI_APPLICATION = "observatoire.wsgi.application"

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
                "observatoire.accounts.oidc.sign_in_options",
                # One masked form token a request, instead of one a template (lib/form_token.py).
                "observatoire.lib.form_token.csrf",
            ],
            # {% url %} through a per-process memo of addresses (lib/urls.py).
            "builtins": ["observatoire.lib.url_tag"],
            # {% load translations %}: Django's i18n tags, literal messages kept per language
            # (lib/i18n_tags.py).
            "libraries": {
                "translations": "observatoire.lib.i18n_tags",
                # {% personal %}: one person's part of a page shared by signed-in people.
                "personal": "observatoire.lib.personal_tag",
            },
        },
    },
]

DATABASES = {
    "default": database_from_url(env_str("DATABASE_URL", "sqlite:///db.sqlite3"), str(BASE_DIR))
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        # Django's Redis cache, one client per pool (lib/redis_cache.py).
        "default": {"BACKEND": "observatoire.lib.redis_cache.RedisCache", "LOCATION": REDIS_URL}
    }
elif env_str("DJANGO_CACHE") == "locmem":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif env_str("DJANGO_CACHE") == "none":  # measuring the uncached site (make bench-uncached)
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cache_entries",
        }
    }

# Django's database sessions, read with the signed-in person in one prepared query
# (accounts/sessions.py), with or without Redis: a Redis round trip for the session would come on
# top of the query that reads the person.
SESSION_ENGINE = "observatoire.accounts.sessions"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses sign-in attempts while locked out (django-axes, settings AXES_* below).
    "observatoire.accounts.backends.LockoutBackend",
    # Django's ModelBackend, with the per-request read of the person prepared (lib/prepared.py).
    "observatoire.accounts.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "pages:home"
LOGOUT_REDIRECT_URL = "pages:home"

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT failures for one address from one
# IP, that pair waits AXES_COOLOFF_MINUTES; a success clears the count. Only failures are stored
# (no log of successful sign-ins), and the lockout page is ours (accounts/views.py).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"  # the sign-in form's field (it holds the email)
AXES_USERNAME_CALLABLE = "observatoire.accounts.backends.attempted_username"
AXES_WHITELIST_CALLABLE = "observatoire.accounts.backends.without_username"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_CALLABLE = "observatoire.accounts.views.locked_out"
# And per account, from whatever network address (accounts/signin_lock.py): after this many
# refused passwords within this many minutes, the account refuses every sign-in until the
# period ends, except from a browser its owner let in with the unlock link sent by email.
SIGNIN_ACCOUNT_FAILURE_LIMIT = env_int("SIGNIN_ACCOUNT_FAILURE_LIMIT", 20)
SIGNIN_ACCOUNT_LOCK_MINUTES = env_int("SIGNIN_ACCOUNT_LOCK_MINUTES", 60)
AXES_CLIENT_IP_CALLABLE = "observatoire.accounts.backends.client_ip"
# Behind a reverse proxy, how many proxies append to X-Forwarded-For (0: trust REMOTE_ADDR only,
# so nobody can dodge the lockout by forging the header).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Tests only (set by pyproject's pytest env): a fast hash, so that creating people costs nothing.
if env_bool("DJANGO_FAST_PASSWORD_HASHER", False):
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("Anglais"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Attachments of practices: the most one file may weigh (practices/uploads.py).
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_MB", 10) * 1024 * 1024
STORAGES = {
    # Written whole or not at all: a full disk leaves no partial file (lib/storage.py).
    "default": {"BACKEND": "observatoire.lib.storage.WholeFileStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("DJANGO_STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Security. HTTPS is assumed in production (a reverse proxy terminates TLS); DJANGO_HTTPS=0 only
# for a plain-HTTP test server.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP: dict[str, list[str]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# The directory's map: drawn on the départements' outlines shipped in static/geo/, without any
# tile server. An operator may set their own raster tiles
# (« https://tuiles.example.org/{z}/{x}/{y}.png ») and the attribution their licence asks for;
# their origin is then allowed for images. Or a raster PMTiles archive, one file read by HTTP
# range requests (« /static/tuiles/france.pmtiles », or on another server): its origin is then
# allowed for fetch(), and its tiles are shown from blob: addresses.
MAP_TILE_URL = env_str("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "")
MAP_TILES_PMTILES = urlsplit(MAP_TILE_URL).path.endswith(".pmtiles")
if MAP_TILE_URL.startswith(("https://", "http://")):
    _tiles = urlsplit(MAP_TILE_URL)  # « {s}.tuiles.example.org »: any of its subdomains
    _origin = f"{_tiles.scheme}://{_tiles.netloc.replace('{s}', '*')}"
    SECURE_CSP["connect-src" if MAP_TILES_PMTILES else "img-src"].append(_origin)
if MAP_TILES_PMTILES:
    SECURE_CSP["img-src"].append("blob:")

# Email: the console in development, SMTP in production (EMAIL_HOST and friends).
EMAIL_BACKEND_PATH = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH, "OPTIONS": {}}}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 587),
        "username": env_str("EMAIL_HOST_USER"),
        "password": env_str("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", True),
        "timeout": env_int("EMAIL_TIMEOUT", 10),
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "observatoire@les-scop.coop")
# A failed email is tried again this many times, waiting longer each time (lib/mail.py).
EMAIL_ATTEMPTS = env_int("EMAIL_ATTEMPTS", 5)

# Background work (emails, digests): Django's tasks framework, stored in the database and run by
# `manage.py runtasks` (started by `make run`). No broker to install. A task still running this
# long after it started had its worker die under it: it goes back to the queue (runtasks.py).
TASK_LEASE_SECONDS = env_int("TASK_LEASE_SECONDS", 900)
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "emails"],
    }
}

# Personal data stays out of logs: only warnings and errors, no request bodies.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
}

PRACTICES_PER_PAGE = env_int("PRACTICES_PER_PAGE", 20)
# Abuse: practices one person may send to review in a day (resubmissions of the same count once).
SUBMISSIONS_PER_DAY = env_int("SUBMISSIONS_PER_DAY", 10)
BENCH_FLOOR = env_bool("DJANGO_BENCH_FLOOR", False)
SEARCH_QUERY_MAX_LENGTH = 200
# Searches (list requests with a query) one address may make per minute; 0: no limit.
SEARCH_RATE_PER_MINUTE = env_int("SEARCH_RATE_PER_MINUTE", 60)

# Comments (community app): how long an author may edit, and how many a person may post per hour.
COMMENT_EDIT_MINUTES = env_int("COMMENT_EDIT_MINUTES", 15)
COMMENTS_PER_HOUR = env_int("COMMENTS_PER_HOUR", 10)

# Sign in with the extranet: OpenID Connect, authorization code with PKCE (mozilla-django-oidc).
# On only when OIDC_RP_CLIENT_ID is set; local accounts keep working. The endpoints are given
# explicitly (nothing is downloaded at start); docs/oidc.md tells how to read them from the
# provider's discovery document and how to register the Observatoire at the extranet.
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT")
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid email profile")
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10)
OIDC_AUTHENTICATE_CLASS = "observatoire.accounts.oidc.ExtranetAuthenticationRequestView"
OIDC_CALLBACK_CLASS = "observatoire.accounts.oidc.ExtranetCallbackView"
OIDC_BUTTON_LABEL = env_str("OIDC_BUTTON_LABEL") or _("Se connecter avec l'extranet")
# The claims that carry the cooperative's SIREN, the extranet roles and, for the movement's
# staff, the slug of their Organisation (e.g. "ur-bretagne").
OIDC_CLAIM_SIREN = env_str("OIDC_CLAIM_SIREN", "siren")
OIDC_CLAIM_ROLES = env_str("OIDC_CLAIM_ROLES", "roles")
OIDC_CLAIM_ORGANISATION = env_str("OIDC_CLAIM_ORGANISATION", "organisation")
# Extranet role -> role here (compared without case or accents). Administrators are never made
# from claims; without a known role a person is a member of their cooperative.
OIDC_ROLE_MAPPING = {
    "dirigeant": "coop_admin",
    "dirigeante": "coop_admin",
    "gérant": "coop_admin",
    "gérante": "coop_admin",
    "salarié": "member",
    "salariée": "member",
    "salarié-associé": "member",
    "salariée-associée": "member",
    "associé": "member",
    "associée": "member",
    "permanent UR": "permanent",
    "permanente UR": "permanent",
}
if env_str("OIDC_ROLE_MAPPING"):
    try:
        OIDC_ROLE_MAPPING = json.loads(env_str("OIDC_ROLE_MAPPING"))
    except ValueError as error:
        raise ImproperlyConfigured(f"OIDC_ROLE_MAPPING : JSON invalide ({error}).") from error
    _oidc_roles = {"member", "coop_admin", "permanent", "moderator"}
    if (
        not isinstance(OIDC_ROLE_MAPPING, dict)
        or not set(OIDC_ROLE_MAPPING.values()) <= _oidc_roles
    ):
        raise ImproperlyConfigured(
            "OIDC_ROLE_MAPPING associe un rôle de l'extranet à member, coop_admin, permanent ou "
            'moderator, par exemple {"dirigeant": "coop_admin"}.'
        )
if OIDC_RP_CLIENT_ID:
    _oidc_missing = [
        name
        for name in (
            "OIDC_RP_CLIENT_SECRET",
            "OIDC_OP_AUTHORIZATION_ENDPOINT",
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_USER_ENDPOINT",
            "OIDC_OP_JWKS_ENDPOINT",
        )
        if not globals()[name]
    ]
    if _oidc_missing:
        raise ImproperlyConfigured(
            "Connexion par l'extranet : il manque " + ", ".join(_oidc_missing) + " (docs/oidc.md)."
        )
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("observatoire.accounts.oidc.ExtranetBackend")

"""Settings of the test provider (django-oauth-toolkit with OpenID Connect and PKCE required).

The database is a throw-away SQLite file and the RS256 signing key is generated at start: nothing
here is shared with the Observatoire, which only sees the provider through HTTP.
"""

import os
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

HERE = Path(__file__).resolve().parent
WORK_DIR = Path(os.environ.get("OIDC_PROVIDER_DIR") or tempfile.mkdtemp(prefix="oidc-provider-"))

DEBUG = False
SECRET_KEY = "test-provider-only-" + os.urandom(16).hex()
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "observatoire.accounts.tests.oidc_provider.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": WORK_DIR / "op.sqlite3"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Its own cookie names, so that they can never be confused with the Observatoire's.
SESSION_COOKIE_NAME = "op_session"
CSRF_COOKIE_NAME = "op_csrf"
LOGIN_URL = "/connexion/"
USE_TZ = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only

_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode(),
    "PKCE_REQUIRED": True,
    "SCOPES": {
        "openid": "OpenID Connect",
        "email": "Adresse électronique",
        "profile": "Profil (nom, coopérative, rôles)",
    },
    "OAUTH2_VALIDATOR_CLASS": (
        "observatoire.accounts.tests.oidc_provider.validator.ExtranetValidator"
    ),
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
    # RFC 8252: the port of a loopback redirect URI is free, so http://localhost/oidc/callback/
    # serves the Observatoire's live server on whatever port it got.
    "ALLOW_LOCALHOST_LOOPBACK": True,
}
LOGGING = {"version": 1, "disable_existing_loggers": True}

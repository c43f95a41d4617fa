"""Django settings. Every environment variable goes through psoascare.web.env, which fails loudly."""

from __future__ import annotations

import ipaddress
import secrets
from pathlib import Path

import dj_database_url

from psoascare.paths import data_dir
from psoascare.web.env import ConfigurationError, env_bool, env_emergency_number, env_int, env_list, env_str

WEB_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir()


def _secret_key() -> str:
    """PSOASCARE_SECRET_KEY, or a key generated once and kept (mode 0600) in the data directory."""
    configured = env_str("PSOASCARE_SECRET_KEY")
    if configured:
        if len(configured) < 32:
            raise ConfigurationError("PSOASCARE_SECRET_KEY must be at least 32 characters long")
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("PSOASCARE_DEBUG", False)
ALLOWED_HOSTS = env_list("PSOASCARE_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("PSOASCARE_CSRF_TRUSTED_ORIGINS", [])
# The public address for links (e-mails, the calendar feed, the handout's QR code). When PSOASCARE_SITE_URL is
# not set, `psoascare serve` passes the address it listens on (PSOASCARE_LISTEN_URL), and links made while
# answering a request use that request's scheme and host (the real ones behind a trusted proxy).
SITE_URL_CONFIGURED = bool(env_str("PSOASCARE_SITE_URL"))
SITE_URL = (env_str("PSOASCARE_SITE_URL") or env_str("PSOASCARE_LISTEN_URL") or "http://127.0.0.1:8000").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ConfigurationError(f"PSOASCARE_SITE_URL={SITE_URL!r}: expected an http:// or https:// address")


def _trusted_proxies() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    networks = []
    for item in env_list("PSOASCARE_TRUSTED_PROXIES", []):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ConfigurationError(
                f"PSOASCARE_TRUSTED_PROXIES: {item!r} is not an IP address or network (e.g. 10.0.0.5, 10.0.0.0/24)"
            ) from None
    return networks


# Reverse proxies whose X-Forwarded-For and X-Forwarded-Proto headers are believed; from anyone else they
# are ignored (psoascare.web.proxy.TrustedProxyMiddleware).
TRUSTED_PROXIES = _trusted_proxies()
# The header a trusted proxy sets to the scheme the browser used ("https"); ignored from anyone else.
PROXY_SSL_HEADER = env_str("PSOASCARE_PROXY_SSL_HEADER", "X-Forwarded-Proto")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "psoascare.web.accounts",
    "psoascare.web.lessons",
    "psoascare.web.programs",
    "psoascare.web.journal",
    "psoascare.web.clinic",
    "psoascare.web.routines",
    "psoascare.web.calendarfeed",
    "psoascare.web.desktimer",
    "psoascare.web.privacy",
    "psoascare.web.handout",
    "psoascare.web.selfcheck",
    "psoascare.web.api",
    "ninja",
]

MIDDLEWARE = [
    "psoascare.web.proxy.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "psoascare.web.security.ContentSecurityPolicyMiddleware",
    "psoascare.web.security.PrivateJsonMiddleware",
]

ROOT_URLCONF = "psoascare.web.urls"
WSGI_APPLICATION = "psoascare.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "psoascare.web.clinic.context.unread_messages",
            ],
        },
    },
]


def _databases() -> dict[str, dict[str, object]]:
    url = env_str("DATABASE_URL")
    if url:
        try:
            config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        except ValueError as exc:
            raise ConfigurationError(f"DATABASE_URL is not a database URL Django can use: {exc}") from None
        # PostgreSQL plans a query anew each time it is sent as text, and for the app's short queries planning
        # took longer than running (5 ms against 1 ms for the calendar feed's). Bound parameters let psycopg
        # prepare a statement once per connection. PSOASCARE_DB_PREPARED=false behind a connection pooler that
        # cannot keep prepared statements (PgBouncer in transaction mode before 1.21).
        if config.get("ENGINE") == "django.db.backends.postgresql":
            # Django's backend, with the health check run only on a connection that has been idle (web/db/).
            config["ENGINE"] = "psoascare.web.db.postgresql"
            if env_bool("PSOASCARE_DB_PREPARED", True):
                config.setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 2})
        return {"default": dict(config)}
    return {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "psoascare.sqlite3",
            # WAL lets readers and the writer work at once; IMMEDIATE avoids "database is locked" upgrades.
            "OPTIONS": {
                # secure_delete overwrites deleted rows, so an erased account's text does not linger in free pages.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; "
                    "PRAGMA secure_delete=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _caches() -> dict[str, dict[str, object]]:
    url = env_str("REDIS_URL")
    if not url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigurationError(f"REDIS_URL={url!r}: expected redis://host:port/db, rediss://… or unix://…")
    return {
        "default": {
            "BACKEND": "psoascare.web.rediscache.SharedClientRedisCache",
            "LOCATION": url,
            # Several sites (or test runs) can share one Redis database with different prefixes.
            "KEY_PREFIX": env_str("PSOASCARE_CACHE_PREFIX", "psoascare"),
        }
    }


# With REDIS_URL, every process shares one cache: log-in throttles, rate limits, cached feeds and sessions.
CACHES = _caches()
REDIS_URL = env_str("REDIS_URL")
# Sessions live in the database (shared by every process) in a table that records whose session it is, so a
# password change or an account deletion ends them all; with Redis they are also cached there.
SESSION_ENGINE = "psoascare.web.accounts.sessions_cached" if REDIS_URL else "psoascare.web.accounts.sessions"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The first loads the profile with the user; Django's own stays for sessions made before it was added.
AUTHENTICATION_BACKENDS = [
    "psoascare.web.accounts.backends.ProfileBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
INVITATION_DAYS = env_int("PSOASCARE_INVITATION_DAYS", 7, minimum=1, maximum=60)
# People may sign up on their own (no therapist; the default psoas-care routine) only when the clinic says so.
SELF_SIGNUP = env_bool("PSOASCARE_SELF_SIGNUP", False)
EMERGENCY_NUMBER = env_emergency_number("PSOASCARE_EMERGENCY_NUMBER")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("PSOASCARE_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [WEB_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "psoascare.web.selfcheck.finders.PoseModelFinder",  # the pose model from node_modules (npm ci)
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"

DEFAULT_FROM_EMAIL = env_str("PSOASCARE_FROM_EMAIL", "PsoasCare <noreply@localhost>")
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1, maximum=65535)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

SESSION_COOKIE_HTTPONLY = True
# Flash messages live in the session, so they end with it: a message never outlives a log-out on a shared computer.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_SECURE = env_bool("PSOASCARE_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
# HSTS: only once the site is served over HTTPS for good (browsers remember it for this many seconds).
SECURE_HSTS_SECONDS = env_int("PSOASCARE_HSTS_SECONDS", 0, minimum=0, maximum=2 * 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PSOASCARE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_SSL_REDIRECT = env_bool("PSOASCARE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("PSOASCARE_LOG_LEVEL", "WARNING").upper()},
}

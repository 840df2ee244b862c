"""Harken settings: read only from the environment (see README, "Configuration")."""

from __future__ import annotations

import secrets
import sys
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import dj_database_url

from harken.lib.env import ConfigError, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
TESTING = "pytest" in sys.modules


def _database(url: str) -> dict[str, Any]:
    if not url.startswith(("sqlite:", "postgres:", "postgresql:", "pgsql:")):
        raise ConfigError(
            f"HARKEN_DATABASE_URL={url!r} is not supported: use sqlite:///PATH "
            "or postgresql://USER:PASSWORD@HOST:PORT/NAME."
        )
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError as exc:
        raise ConfigError(f"HARKEN_DATABASE_URL is malformed: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the web server read while the worker writes; IMMEDIATE transactions take the
        # write lock up front, so two writers queue on busy_timeout instead of failing with
        # "database is locked" when a read transaction tries to upgrade.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
        config["CONN_MAX_AGE"] = 0
    else:
        config["CONN_HEALTH_CHECKS"] = True
        if env_bool("HARKEN_DATABASE_PREPARE", True):
            # On a small server PostgreSQL spends longer planning the inbox's four-table
            # query (about 4 ms) than running it (1 ms). Binding parameters server-side lets
            # psycopg prepare a statement the second time a connection runs it, after which
            # its plan is reused. Turn off behind a transaction pooler without prepared
            # statement support (PgBouncer before 1.21).
            options = config.setdefault("OPTIONS", {})
            options.update(server_side_binding=True, prepare_threshold=2)
    return config


def _secret_key(data_dir: Path, embedded: bool) -> str:
    key = env_str("HARKEN_SECRET_KEY", "")
    if key:
        if len(key) < 32:
            raise ConfigError("HARKEN_SECRET_KEY is too short: use at least 32 random characters.")
        return key
    if not embedded:
        raise ConfigError(
            "HARKEN_SECRET_KEY is required when Harken runs on PostgreSQL: set it to a long "
            "random string, the same in every process (python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))')."
        )
    # Embedded mode: made once and kept beside the database, so sessions survive restarts
    # and every process of this installation signs with the same key.
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DATA_DIR = Path(env_str("HARKEN_DATA_DIR", str(Path.cwd() / "data"))).resolve()
DATABASE_URL = env_str("HARKEN_DATABASE_URL", f"sqlite:///{DATA_DIR / 'harken.sqlite3'}")
DATABASES = {"default": _database(DATABASE_URL)}
EMBEDDED = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
if EMBEDDED and not TESTING:
    DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("HARKEN_DEBUG", False)
SECRET_KEY = (
    "harken-tests-only-not-a-secret-0123456789"
    if TESTING and not env_str("HARKEN_SECRET_KEY", "")
    else _secret_key(DATA_DIR, EMBEDDED)
)
ALLOWED_HOSTS = env_list(
    "HARKEN_ALLOWED_HOSTS",
    ["127.0.0.1", "localhost", "testserver"] if EMBEDDED or TESTING else [],
)
if not ALLOWED_HOSTS:
    raise ConfigError("HARKEN_ALLOWED_HOSTS is required: list the host names Harken answers to.")
CSRF_TRUSTED_ORIGINS = env_list("HARKEN_CSRF_TRUSTED_ORIGINS", [])
BASE_URL = env_str("HARKEN_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("HARKEN_BEHIND_PROXY", False) else None
)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = BASE_URL.startswith("https://")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "django_tasks_db",
    # Before allauth: its sign-in templates are overridden in harken/accounts/templates.
    "harken.accounts",
    "allauth",
    "allauth.account",
    "harken.audit",
    "harken.customers",
    "harken.features",
    "harken.inbox",
    "harken.notify",
    "harken.integrations",
    "harken.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "harken.urls"
WSGI_APPLICATION = "harken.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
# Staff accounts are created by an admin; open sign-up arrives with the customer portal.
ACCOUNT_ADAPTER = "harken.accounts.adapter.StaffAccountAdapter"
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "/accounts/login/"

# Django Ninja's own Swagger UI page and files, for the API's docs page (harken.api.urls).
# Found by path, not as an installed app: loading Ninja and pydantic as one took a third of
# every process's start (0.2 s of 0.6), though only the web processes use them.
_ninja = find_spec("ninja")
if _ninja is None or _ninja.origin is None:
    raise ConfigError("Django Ninja is not installed: run `make install`.")
_NINJA = Path(_ninja.origin).parent

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [_NINJA / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "harken.web.context.harken",
            ],
        },
    },
    {
        # Only for the rows of long lists: see harken/web/jinja.py.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "harken.web.jinja.environment"},
    },
]

TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]  # tests only: speed, not secrecy
    if TESTING
    else [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]
)

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("HARKEN_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [_NINJA / "static"]
# Tests serve static files from the apps through whitenoise's finders; no collected folder.
STATIC_ROOT = None if TESTING else DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING or DEBUG
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_SMTP_HOST = env_str("HARKEN_SMTP_HOST", "")
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _SMTP_HOST,
                "port": env_int("HARKEN_SMTP_PORT", 587, minimum=1),
                "username": env_str("HARKEN_SMTP_USER", ""),
                "password": env_str("HARKEN_SMTP_PASSWORD", ""),
                "use_tls": env_bool("HARKEN_SMTP_STARTTLS", True),
                "timeout": 10,
            },
        }
        if _SMTP_HOST
        # Without an SMTP server, mail is printed to the log rather than lost silently.
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}
DEFAULT_FROM_EMAIL = env_str("HARKEN_EMAIL_FROM", "harken@localhost")

# Largest CSV accepted by the upload page, in megabytes.
IMPORT_MAX_MB = env_int("HARKEN_IMPORT_MAX_MB", 50, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("HARKEN_LOG_LEVEL", "INFO")},
}

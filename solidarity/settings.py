"""Settings for Solidarity, read from the environment (12-factor).

With no environment at all the site runs in development mode on an embedded SQLite
database under var/, so a newcomer needs nothing but Python. Production sets
DJANGO_DEBUG=0, DJANGO_SECRET_KEY, DATABASE_URL and REDIS_URL.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SOLIDARITY_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off")
    SECRET_KEY = "development-only-key-never-use-in-production-" + "x" * 20

ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "modeltranslation",
    "solidarity.staff.admin_apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    # The packages' apps under names in the staff's language (staff/package_apps.py).
    "solidarity.staff.package_apps.TOTPConfig",
    "solidarity.staff.package_apps.PasskeysConfig",
    "csp",
    "django_tasks",
    "solidarity.staff.package_apps.TaskResultsConfig",
    "solidarity.core",
    "solidarity.rates",
    "solidarity.staff",
    "solidarity.ledger",
    "solidarity.campaigns",
    "solidarity.donations",
    "solidarity.payments",
    "solidarity.disbursements",
    "solidarity.transparency",
    "solidarity.publiclog",
    "solidarity.foundation",  # who runs the fund: /<lang>/contact/ (issue 16.7)
    "ninja",
    "solidarity.api",
    "solidarity.helprequests",
    "solidarity.web",
    "solidarity.demo",
    "solidarity.books",
]

MIDDLEWARE = [
    # First, so that /metrics counts every answer, the other middleware's too (issue 17).
    "solidarity.core.request_metrics.RequestMetricsMiddleware",
    "solidarity.core.middleware.SiteSecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "solidarity.staff.login_guard.StaffSessionMiddleware",
    "csp.middleware.CSPMiddleware",
    "solidarity.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# core/middleware.SiteSecurityMiddleware stands in for Django's SecurityMiddleware, whose
# presence check (W001) looks for it by name; core/checks.py checks ours instead.
SILENCED_SYSTEM_CHECKS = ["security.W001"]

ROOT_URLCONF = "solidarity.urls"
WSGI_APPLICATION = "solidarity.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "solidarity" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "solidarity.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'solidarity.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
        # A persistent connection is checked before each request reuses it, so the app
        # recovers by itself after PostgreSQL restarts or fails over.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent requests (a webhook and the thank-you page) both write: take the write lock
    # when a transaction begins and wait for it, instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
# Behind PgBouncer in transaction mode (DATABASE_POOLER=transaction; issue 17, docs/deployment.md,
# "A connection pooler") each transaction may run in another server session, so nothing may
# outlive one: no server-side cursors (Django declares them WITH HOLD outside a transaction;
# big reads page by key instead, core/keyset.py) and no prepared statements (Django's
# client-side binding never prepares; prepare_threshold=None keeps any other psycopg cursor
# from preparing a query run 5 times, which PgBouncer before 1.21 cannot carry).
DATABASE_POOLER = os.environ.get("DATABASE_POOLER", "")
if DATABASE_POOLER not in ("", "transaction"):
    raise RuntimeError("DATABASE_POOLER must be empty or 'transaction'")
if DATABASE_POOLER and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
    DATABASES["default"]["OPTIONS"]["server_side_binding"] = False
# The owner role that runs `manage.py migrate` (and then grants the runtime role in
# DATABASE_URL its privileges); only the migrate step has it, never the app or the
# worker. Empty: migrate connects with DATABASE_URL (development). docs/deployment.md.
DATABASE_OWNER_URL = os.environ.get("DATABASE_OWNER_URL", "")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background tasks (sealing the public log, cron-like jobs) are stored in the database and
# run by `manage.py db_worker` (django-tasks-db); see docs/deployment.md.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis keeps one Redis client per server (Django's own backend builds
            # one per cache call, about 0.25 ms of CPU each; the webhook and the worker touch
            # the cache on every event). Its errors are raised, never swallowed.
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # Sites (or local stacks) that share one Redis database must not share rendered
            # pages, counts or keys: give each its own prefix.
            "KEY_PREFIX": os.environ.get("SOLIDARITY_CACHE_PREFIX", ""),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: the language lives in the URL; no language cookie is ever set.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian")), ("be", _("Belarusian"))]
LOCALE_PATHS = [BASE_DIR / "solidarity" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
# Content missing in the page's language falls back along these chains (be → ru → en; a text
# staff wrote only in Russian still shows on the English page); the page marks fallback text
# with its lang and a "not yet translated" note (web/templatetags/content_language.py).
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en", "ru", "be"), "be": ("ru", "en")}

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "solidarity" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))

# Sessions exist only for staff; anonymous readers never get one. They end after 3 hours
# without a request (the cookie is renewed on each) and 12 hours after login (middleware).
SESSION_COOKIE_AGE = 3 * 3600
SESSION_SAVE_EVERY_REQUEST = True
LOGIN_URL = "/staff/login/"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Strict"
# Secure cookies whenever DEBUG is off; DJANGO_COOKIE_SECURE=0 exists only for the browser tests,
# which serve the production settings over plain http on 127.0.0.1.
SESSION_COOKIE_SECURE = env_bool("DJANGO_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("DJANGO_COOKIE_SECURE", not DEBUG)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# No referrer anywhere; pages that hold a CSRF-protected form say "same-origin" instead
# (SecurityHeadersMiddleware), because under no-referrer browsers post forms with
# `Origin: null`, which the CSRF check must refuse. Other sites learn nothing either way.
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("development-only"):
        raise RuntimeError("DJANGO_SECRET_KEY is too weak: use at least 50 random characters")

# Content-Security-Policy: only our own origin. Stripe is reached by a redirect after the
# donate form is posted, which `form-action` must allow; no Stripe script runs here.
STRIPE_CHECKOUT_ORIGIN = os.environ.get("STRIPE_CHECKOUT_ORIGIN", "https://checkout.stripe.com")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", STRIPE_CHECKOUT_ORIGIN],
    }
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
# An onion address (e.g. http://xyz.onion) announced to Tor Browser with Onion-Location.
# Requests for it are served over plain http: no redirect to https and no HSTS (a plain
# onion service has no certificate; Tor encrypts and authenticates the connection), see
# core/middleware.SiteSecurityMiddleware and deploy/tor/torrc.
SOLIDARITY_ONION_URL = os.environ.get("SOLIDARITY_ONION_URL", "").rstrip("/")
SOLIDARITY_ONION_HOST = (urlsplit(SOLIDARITY_ONION_URL).hostname or "").lower()
if SOLIDARITY_ONION_HOST:
    if not SOLIDARITY_ONION_HOST.endswith(".onion"):
        raise RuntimeError(f"SOLIDARITY_ONION_URL must be an http://….onion address, not {SOLIDARITY_ONION_URL!r}")
    ALLOWED_HOSTS.append(SOLIDARITY_ONION_HOST)
    CSRF_TRUSTED_ORIGINS = [f"http://{SOLIDARITY_ONION_HOST}"]

# Logging: the default handlers never include client addresses; the development
# server's request log does, so it is silenced.
# SOLIDARITY_LOG_FORMAT: "json" (one object per line, core/json_logs.py; the default with
# debug off, for journald and log shippers) or "text" (the default in development).
SOLIDARITY_LOG_FORMAT = os.environ.get("SOLIDARITY_LOG_FORMAT", "text" if DEBUG else "json")
if SOLIDARITY_LOG_FORMAT not in ("json", "text"):
    raise RuntimeError("SOLIDARITY_LOG_FORMAT must be 'json' or 'text'")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "solidarity.core.json_logs.JsonLogFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"}
        | ({"formatter": "json"} if SOLIDARITY_LOG_FORMAT == "json" else {}),
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"handlers": [], "level": "ERROR", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "stripe": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # pikepdf (PDF metadata stripping) announces its logger bridge at INFO on import.
        "pikepdf": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# Money limits, in major units of the donation's currency.
SOLIDARITY_MAX_DONATION = Decimal(os.environ.get("SOLIDARITY_MAX_DONATION", "100000"))
SOLIDARITY_MAX_DONATION_BY_CURRENCY: dict[str, Decimal] = {
    "JPY": Decimal("10000000"),
    "HUF": Decimal("40000000"),
}
SOLIDARITY_SITE_NAME = os.environ.get("SOLIDARITY_SITE_NAME", "Solidarity")
# `/readyz` fails when the last ledger verification (`manage.py verify_ledger`, hourly by
# the solidarity-cron-verify_ledger timer) failed or is older than this many seconds.
SOLIDARITY_VERIFICATION_MAX_AGE = int(os.environ.get("SOLIDARITY_VERIFICATION_MAX_AGE", str(2 * 3600)))
# Health and metrics (issue 17; docs/deployment.md, "Health and the tamper alarm"): /readyz
# fails when no task worker ran the heartbeat task (queued every minute) for this many
# seconds (0: not checked, the default in development, where `make demo` runs no worker),
# when a provider event has waited this long to be applied, or a ledger transaction this
# long to be sealed into the public log. /metrics answers only with SOLIDARITY_METRICS_TOKEN.
SOLIDARITY_WORKER_HEARTBEAT_MAX_AGE = int(
    os.environ.get("SOLIDARITY_WORKER_HEARTBEAT_MAX_AGE", "0" if DEBUG else "300")
)
SOLIDARITY_WEBHOOK_BACKLOG_MAX_AGE = int(os.environ.get("SOLIDARITY_WEBHOOK_BACKLOG_MAX_AGE", "900"))
SOLIDARITY_SEAL_MAX_AGE = int(os.environ.get("SOLIDARITY_SEAL_MAX_AGE", "900"))
SOLIDARITY_METRICS_TOKEN = os.environ.get("SOLIDARITY_METRICS_TOKEN", "")
# Probes and Prometheus ask each app server directly over plain http (no redirect to https).
SECURE_REDIRECT_EXEMPT = [r"^(healthz|readyz|metrics)$"]
# Seconds a shared cache (nginx's microcache) may serve an anonymous reader page: this is
# how stale a campaign total may be after a donation (solidarity/core/caching.py).
SOLIDARITY_READER_MAX_AGE = int(os.environ.get("SOLIDARITY_READER_MAX_AGE", "5"))
# Keep rendered reader pages in the cache for that long too, shared by all app servers
# (off in development and tests, where a page should show a change at once).
SOLIDARITY_READER_RENDER_CACHE = env_bool("SOLIDARITY_READER_RENDER_CACHE", not DEBUG)
# Site-wide sums over every posting (home, site transparency) are refreshed in the
# background at most this often (seconds); 0 computes them on every request.
SOLIDARITY_SITE_FIGURES_MAX_AGE = int(os.environ.get("SOLIDARITY_SITE_FIGURES_MAX_AGE", "0" if DEBUG else "60"))

# Field encryption keys (Fernet, newest first), kept outside the database.
SOLIDARITY_ENCRYPTION_KEYS = [
    k.strip() for k in os.environ.get("SOLIDARITY_ENCRYPTION_KEYS", "").split(",") if k.strip()
]
if not SOLIDARITY_ENCRYPTION_KEYS and not DEBUG:
    raise RuntimeError("SOLIDARITY_ENCRYPTION_KEYS must be set when DJANGO_DEBUG is off")

# Payments. Stripe is reached only through its hosted Checkout page (a redirect).
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRETS = [s.strip() for s in os.environ.get("STRIPE_WEBHOOK_SECRETS", "").split(",") if s.strip()]
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")  # only for local Stripe-compatible test servers
STRIPE_WEBHOOK_TOLERANCE = int(os.environ.get("STRIPE_WEBHOOK_TOLERANCE", "300"))
# When a stored webhook event is applied: "request" (in the webhook's own request, right
# after storing it; nothing else needs to run) or "worker" (the webhook only verifies and
# stores, the task worker applies: production, see docs/payments.md).
SOLIDARITY_WEBHOOK_APPLY = os.environ.get("SOLIDARITY_WEBHOOK_APPLY", "request")
if SOLIDARITY_WEBHOOK_APPLY not in ("request", "worker"):
    raise RuntimeError("SOLIDARITY_WEBHOOK_APPLY must be 'request' or 'worker'")
SOLIDARITY_PUBLIC_URL = os.environ.get("SOLIDARITY_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# E-mail (casework: the "work is waiting" notice, notify_waiting_work). SMTP when
# DJANGO_EMAIL_HOST is set (production); otherwise printed to the console (development).
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", bool(EMAIL_HOST) and EMAIL_PORT == 587)
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", bool(EMAIL_HOST) and EMAIL_PORT == 465)
EMAIL_TIMEOUT = int(os.environ.get("DJANGO_EMAIL_TIMEOUT", "20"))
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "solidarity@localhost")
# A staff member enrols a second factor only through a one-time link an admin creates
# (`manage.py invite_staff` or the users page); the link stops working after this long.
SOLIDARITY_ENROLMENT_LINK_HOURS = int(os.environ.get("SOLIDARITY_ENROLMENT_LINK_HOURS", "72"))
# Passkeys (WebAuthn) as a second factor, beside the authenticator app. A passkey is bound
# to the relying party id, a domain name (never an IP address): by default the first domain
# name in ALLOWED_HOSTS. Changing it later makes every registered passkey unusable.
SOLIDARITY_WEBAUTHN_RP_ID = os.environ.get("SOLIDARITY_WEBAUTHN_RP_ID", "").strip() or next(
    (
        h.lstrip(".")
        for h in ALLOWED_HOSTS
        if h != "*" and not h.lstrip(".").replace(".", "").isdigit() and ":" not in h
    ),
    "localhost",
)
# The origins a passkey ceremony may come from (https://…, or http://localhost:PORT while
# developing). By default the public address when it is on the relying party's domain,
# otherwise https://<relying party id>.
_public_origin = "{0.scheme}://{0.netloc}".format(urlsplit(SOLIDARITY_PUBLIC_URL))
SOLIDARITY_WEBAUTHN_ORIGINS = [
    o.strip().rstrip("/") for o in os.environ.get("SOLIDARITY_WEBAUTHN_ORIGINS", "").split(",") if o.strip()
] or (
    [_public_origin]
    if urlsplit(SOLIDARITY_PUBLIC_URL).hostname == SOLIDARITY_WEBAUTHN_RP_ID
    else [f"https://{SOLIDARITY_WEBAUTHN_RP_ID}"]
)
OTP_WEBAUTHN_RP_ID = SOLIDARITY_WEBAUTHN_RP_ID
OTP_WEBAUTHN_RP_NAME = os.environ.get("SOLIDARITY_WEBAUTHN_RP_NAME", "").strip() or SOLIDARITY_SITE_NAME
OTP_WEBAUTHN_ALLOWED_ORIGINS = SOLIDARITY_WEBAUTHN_ORIGINS
# A passkey is a second factor here, after the password: never a login on its own.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# An authenticator's secret never shows in the back office, not even to an admin: whoever saw
# it could make that staff member's codes (the key field, the QR code page and link are gone).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# The foundation's bank account shown for transfers.
BANK_ACCOUNT_HOLDER = os.environ.get("BANK_ACCOUNT_HOLDER", "Solidarity Foundation")
BANK_IBAN = os.environ.get("BANK_IBAN", "DE89370400440532013000")
BANK_BIC = os.environ.get("BANK_BIC", "COBADEFFXXX")
# Who runs the fund (issue 16.7): what /<lang>/contact/ shows. Each is a default that the back
# office's "Foundation profile" (admin role) overrides; SOLIDARITY_ONION_URL above is shown there too.
SOLIDARITY_FOUNDATION = {
    "legal_name": os.environ.get("FOUNDATION_LEGAL_NAME", BANK_ACCOUNT_HOLDER),
    "registration": os.environ.get("FOUNDATION_REGISTRATION", ""),
    "address": os.environ.get("FOUNDATION_ADDRESS", ""),
    "email": os.environ.get("FOUNDATION_EMAIL", ""),
    "openpgp_fingerprint": os.environ.get("FOUNDATION_OPENPGP_FINGERPRINT", ""),
    "openpgp_key": os.environ.get("FOUNDATION_OPENPGP_KEY", ""),
    "signal": os.environ.get("FOUNDATION_SIGNAL", ""),
    "secure_drop_url": os.environ.get("FOUNDATION_SECURE_DROP_URL", ""),
    "onion_statement": os.environ.get("FOUNDATION_ONION_STATEMENT", ""),
}
# Statements (issue 14.5): only statements of these accounts are imported, comma-separated IBANs or
# account numbers as the bank writes them; BANK_IBAN must be among them (system check).
SOLIDARITY_OWN_ACCOUNTS = [
    a.strip() for a in os.environ.get("SOLIDARITY_OWN_ACCOUNTS", BANK_IBAN).split(",") if a.strip()
]
# Public forms carry a signed token instead of a CSRF cookie (core/form_tokens.py); it expires
# after this many seconds (a family may take a while to write a help request).
# Card-testing defence (payments/card_testing.py): Checkout Sessions one client may start in
# ten minutes. The browser tests raise it: every one of their pages comes from 127.0.0.1.
SOLIDARITY_CARD_CHECKOUTS_PER_CLIENT = int(os.environ.get("SOLIDARITY_CARD_CHECKOUTS_PER_CLIENT", "8"))
SOLIDARITY_FORM_TOKEN_MAX_AGE = int(os.environ.get("SOLIDARITY_FORM_TOKEN_MAX_AGE", str(3 * 3600)))
# Pending bank transfers stay matchable this long; card sessions expire sooner (Stripe: 24 h).
SOLIDARITY_BANK_TRANSFER_DAYS = int(os.environ.get("SOLIDARITY_BANK_TRANSFER_DAYS", "30"))
# Statement lines waiting for review lose the payer's details (their data key is destroyed)
# this many days after the import: `manage.py purge_bank_lines`, daily.
SOLIDARITY_BANK_LINE_RETENTION_DAYS = int(os.environ.get("SOLIDARITY_BANK_LINE_RETENTION_DAYS", "60"))
# Currencies a donor may choose besides the campaign's own (converted at the ECB rate).
SOLIDARITY_DONOR_CURRENCIES = ["EUR", "USD", "PLN"]
SOLIDARITY_MIN_DONATION = Decimal(os.environ.get("SOLIDARITY_MIN_DONATION", "2"))
# Which request header carries the client address behind the reverse proxy (used only,
# hashed, for short-lived rate limits; never stored or logged).
SOLIDARITY_CLIENT_ADDRESS_HEADER = os.environ.get("SOLIDARITY_CLIENT_ADDRESS_HEADER", "REMOTE_ADDR")

# Help requests from families: the most sensitive data in the system.
HELPREQUEST_MAX_ATTACHMENT_BYTES = int(os.environ.get("HELPREQUEST_MAX_ATTACHMENT_BYTES", str(5 * 1024 * 1024)))
HELPREQUEST_RETENTION_DAYS = int(os.environ.get("HELPREQUEST_RETENTION_DAYS", "90"))

# Payouts above this amount (major units of the campaign's currency) need a second person.
SOLIDARITY_DISBURSEMENT_APPROVAL_THRESHOLD = os.environ.get("SOLIDARITY_DISBURSEMENT_APPROVAL_THRESHOLD", "300")

# The JSON API (solidarity/api, docs/api.md): anonymous requests per client and minute,
# counted under an hourly keyed hash of the address, in the cache only.
SOLIDARITY_API_READS_PER_MINUTE = int(os.environ.get("SOLIDARITY_API_READS_PER_MINUTE", "120"))
SOLIDARITY_API_RECEIPT_CHECKS_PER_MINUTE = int(os.environ.get("SOLIDARITY_API_RECEIPT_CHECKS_PER_MINUTE", "10"))

# The public log's checkpoints are signed with the foundation's Ed25519 key (docs/public-log.md):
# a PKCS#8 PEM or a base64 32-byte seed. Development derives one from the secret key.
SOLIDARITY_LOG_SIGNING_KEY = os.environ.get("SOLIDARITY_LOG_SIGNING_KEY", "")
SOLIDARITY_LOG_ORIGIN = os.environ.get("SOLIDARITY_LOG_ORIGIN", "")  # e.g. "example.org/public-log"; never change it
if not SOLIDARITY_LOG_SIGNING_KEY and not DEBUG:
    raise RuntimeError("SOLIDARITY_LOG_SIGNING_KEY must be set when DJANGO_DEBUG is off")

# Backups (manage.py backup / restore, deploy/bin/solidarity-wal; docs/operations.md):
# age public keys a backup is encrypted for (comma-separated), the identity file that
# decrypts (only where restores run), and the folder backups are written to.
SOLIDARITY_BACKUP_RECIPIENTS = [
    k.strip() for k in os.environ.get("SOLIDARITY_BACKUP_RECIPIENTS", "").split(",") if k.strip()
]
SOLIDARITY_BACKUP_IDENTITY_FILE = os.environ.get("SOLIDARITY_BACKUP_IDENTITY_FILE", "")
SOLIDARITY_BACKUP_DIR = Path(os.environ.get("SOLIDARITY_BACKUP_DIR", VAR_DIR / "backups"))

"""Settings shared by every environment. Environment-specific modules import * from here."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_EVAL, UNSAFE_INLINE
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _

from gonghui.config.home import ensure_database_url, home_dir

PACKAGE_DIR = Path(__file__).resolve().parent.parent.parent
GONGHUI_HOME = home_dir()

DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("GONGHUI_ALLOWED_HOSTS", "").split(",") if h]

INSTALLED_APPS = [
    "unfold",
    "unfold.contrib.filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "procrastinate.contrib.django",
    "gonghui.core",
    "gonghui.accounts",
    "gonghui.orgs",
    "gonghui.members",
    "gonghui.assistance",
    "gonghui.honors",
    "gonghui.mutualaid",
    "gonghui.rights",
    "gonghui.skills",
    "gonghui.funds",
    "gonghui.services",
    "gonghui.reports",
    "gonghui.ledger",
    "gonghui.demo",
]

MIDDLEWARE = [
    "gonghui.core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gonghui.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so that it sees the outcome of authentication (django-axes' rule).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gonghui.config.urls"
WSGI_APPLICATION = "gonghui.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
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

DATABASES = {
    # Health checks: a connection that died with the database (a restart, an outage) is
    # replaced at the next request instead of failing it.
    "default": dj_database_url.parse(
        ensure_database_url(GONGHUI_HOME), conn_max_age=60, conn_health_checks=True
    ),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Throttles guessing before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Permissions come from the user's role, not from per-user grants.
    "gonghui.accounts.backends.RoleBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

# Five wrong passwords for one username from one address lock that pair for 30 minutes;
# twenty from one address, over any accounts, lock the address (accounts.throttle).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "gonghui.accounts.throttle.AddressAwareHandler"
AXES_CLIENT_IP_CALLABLE = "gonghui.accounts.throttle.client_ip"
# The number of reverse proxies in front of the platform (nginx: 1); 0 when clients connect
# directly, and X-Forwarded-For is then ignored.
GONGHUI_TRUSTED_PROXIES = int(os.environ.get("GONGHUI_TRUSTED_PROXIES", "0"))
AXES_LOCKOUT_TEMPLATE = "gonghui/lockout.html"
AXES_RESET_ON_SUCCESS = True

# A working day; a shared office computer must not stay signed in overnight.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Scripts, styles and pictures from the platform itself only, and nothing sent anywhere else:
# a script slipped into a page can neither load more nor carry data away. No inline scripts
# (ours are files); 'unsafe-eval' because the admin theme's Alpine.js evaluates its attributes;
# inline styles because the theme and the server-drawn charts set them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, UNSAFE_EVAL],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale", PACKAGE_DIR / "locale_unfold"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = GONGHUI_HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Only where files of earlier versions were kept; uploads now live encrypted in the database
# (``core.files``) and are never served from a public URL.
MEDIA_ROOT = GONGHUI_HOME / "media"
# Uploads stay in memory (Django would write those over 2.5 MB to a clear temporary file);
# RequestSizeLimitMiddleware bounds what is read.
FILE_UPLOAD_HANDLERS = ["gonghui.core.files.MemoryOnlyUploadHandler"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

PROCRASTINATE_AUTODISCOVER_MODULE_NAME = "tasks"

# The largest import file (every import's spec comes from the apps: core.workareas).
GONGHUI_IMPORT_MAX_MB = int(os.environ.get("GONGHUI_IMPORT_MAX_MB", "40"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "gonghui": {"level": "INFO"},
        "procrastinate": {"level": "WARNING"},
    },
}


def _navigation(request):
    # The sidebar is what the installed apps declare (core.workareas.navigation).
    from gonghui.core.workareas import navigation

    return navigation(request)


UNFOLD = {
    "SITE_TITLE": _("Union work platform"),
    "SITE_HEADER": _("Union work platform"),
    "SITE_SUBHEADER": _("County and city federations with their grassroots unions"),
    "SITE_SYMBOL": "groups",
    "SHOW_HISTORY": False,
    "SHOW_VIEW_ON_SITE": False,
    "SHOW_LANGUAGES": True,
    "DASHBOARD_CALLBACK": "gonghui.orgs.dashboard.dashboard_callback",
    "STYLES": [lambda request: static("gonghui/admin.css")],
    "COLORS": {
        "primary": {
            "50": "254 242 242",
            "100": "254 226 226",
            "200": "254 202 202",
            "300": "252 165 165",
            "400": "248 113 113",
            "500": "220 38 38",
            "600": "200 30 30",
            "700": "170 25 25",
            "800": "140 22 22",
            "900": "110 20 20",
            "950": "69 10 10",
        },
    },
    "SIDEBAR": {
        "show_search": False,
        "show_all_applications": False,
        # Grouped by work area, from the installed apps' declarations.
        "navigation": _navigation,
    },
}

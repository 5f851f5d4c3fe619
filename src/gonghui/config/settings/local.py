"""The demo and a developer's machine: embedded PostgreSQL, keys generated in the home folder."""

from gonghui.config.home import read_or_create_key

from .base import *  # noqa: F403
from .base import GONGHUI_HOME

# The demo secret is generated per home folder; `gonghui serve` refuses it (see production.py).
SECRET_KEY = "demo-" + read_or_create_key(GONGHUI_HOME, "secret_key")
# The key of personal data at rest. Losing this file makes the demo's ID numbers unreadable.
GONGHUI_ENCRYPTION_KEY = read_or_create_key(GONGHUI_HOME, "encryption_key")
ALLOWED_HOSTS = ["*"]
# Static files straight from the installed packages, so the demo needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

"""Tests: a real PostgreSQL, embedded in a test home folder unless DATABASE_URL is set."""

import os

from gonghui.config.home import suite_home

# Before base.py resolves the home folder: tests never touch a demo's or a user's data.
os.environ.setdefault("GONGHUI_HOME", str(suite_home()))

from .local import *  # noqa: F403

# Fast hashing in tests only; the production hasher is argon2 (base.py).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The worked example of docs/new-work-area.md, installed the way every work area is: one line.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.example_area"]  # noqa: F405

"""The screens are Chinese: every message in the code has its zh-Hans translation."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

import gonghui

PACKAGE = Path(gonghui.__file__).resolve().parent
CATALOGUE = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES"
UNFOLD_CATALOGUE = PACKAGE / "locale_unfold" / "zh_Hans" / "LC_MESSAGES"


def _statistics(po: Path) -> str:
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stderr.strip()


def test_catalogue_has_no_untranslated_or_fuzzy_message():
    stats = _statistics(CATALOGUE / "django.po")
    assert "untranslated" not in stats and "fuzzy" not in stats, stats
    assert stats.startswith(tuple("123456789"))


def test_every_message_in_the_code_is_in_the_catalogue(tmp_path, monkeypatch):
    # Extract afresh from a copy of the package, so that the real catalogue is not touched.
    copy = tmp_path / "gonghui"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[copy / "locale"]):
        call_command("makemessages", locale=["zh_Hans"], no_obsolete=True, verbosity=0)
    stats = _statistics(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    assert "untranslated" not in stats and "fuzzy" not in stats, (
        f"messages without a translation: {stats}; run makemessages -l zh_Hans and translate"
    )


def test_compiled_catalogue_is_up_to_date(tmp_path):
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(CATALOGUE / "django.po")], check=True)
    assert fresh.read_bytes() == (CATALOGUE / "django.mo").read_bytes(), (
        "run compilemessages after changing django.po"
    )


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("Union tree", "工会组织树"),
        ("Re-election overdue", "超期未换届"),
        ("A term can only be 3 or 5 years.", "届期只能是 3 年或 5 年。"),
    ],
)
def test_chinese_is_the_default_and_english_is_available(english, chinese, settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    with translation.override("zh-hans"):
        assert translation.gettext(english) == chinese
    with translation.override("en"):
        assert translation.gettext(english) == english


def test_screens_are_chinese_whatever_the_browser_asks(client, tree):
    client.force_login(tree.town_a)
    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "工会组织树" in page and "Union tree" not in page


def test_english_when_the_user_chooses_it(client, tree):
    client.force_login(tree.town_a)
    client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    page = client.get("/admin/").content.decode()
    assert "Union tree" in page

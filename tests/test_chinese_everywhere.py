"""Every page a demo role can open, in Chinese: the home page, the statistics page and, for
every list the role may see, the list, its add form and its first record. A page fails on an
error status, on an internal code (``grant.pay``, ``members.current``) or on an English word
in what the page shows (issue 13: "Chinese everywhere", and "a per-role walk that would have
caught a 500 on every user page for the county user").

The walks over the demo county are in ``test_scope_everywhere`` (they share its demo, built
once per module); this module holds the check and proves it can fail."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from gonghui.accounts.models import User

ROLES = ("admin", "county", "town01", "clerk")
# Words that are Chinese users' own words in Latin letters, or data of the demo.
ALLOWED = {
    "excel",
    "word",
    "wps",
    "pdf",
    "powerpoint",
    "jpeg",
    "png",
    "xlsx",
    "docx",
    "csv",
    "admin",
    "county",
    "clerk",
    "english",  # the language switcher offers English by its own name
}
# Pages deliberately left out, with the reason.
EXEMPT = {
    # A ledger category's page shows its code and its report wording as the platform
    # administrator configures them: JSON whose placeholders are the count fields' codes
    # ({households}, {people}); it is the one configuration page of that kind, for that role.
    "/admin/ledger/ledgercategory/": "administrator's wording configuration",
}
ENGLISH = re.compile(r"(?<![A-Za-z0-9_.-])[A-Za-z]{4,}(?![A-Za-z0-9_.-])")
CODE = re.compile(r"(?<![A-Za-z0-9_])[a-z]+_?[a-z]*\.[a-z_]{3,}(?![A-Za-z0-9_])")


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class _Shown(HTMLParser):
    """The text a page shows: text nodes outside scripts and styles, and the labels a user
    reads in attributes (placeholder, title, value of buttons)."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0
        self._stack: list[str] = []  # per open element: its tag if it hides its text, else ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        # Icon ligatures ("badge", "history") are drawn as pictures, not read as words; a
        # text box holds what a user typed (a category's wording, a note), not the page's words.
        icon = "material-symbols" in (attrs.get("class") or "")
        if tag in ("script", "style", "template", "noscript", "textarea") or icon:
            self._hidden += 1
            self._stack.append(tag)
        elif tag not in VOID:
            self._stack.append("")
        for name in ("placeholder", "title"):
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button"):
            self.parts.append(attrs.get("value") or "")  # a button's own text is its value

    def handle_endtag(self, tag):
        if tag in VOID or not self._stack:
            return
        if self._stack.pop() and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def shown(html: str) -> str:
    parser = _Shown()
    parser.feed(html)
    return " ".join(p.strip() for p in parser.parts if p.strip())


def foreign(text: str, user: User) -> list[str]:
    own = {user.username.lower()}
    words = [w for w in ENGLISH.findall(text) if w.lower() not in ALLOWED and w.lower() not in own]
    return sorted(set(words + CODE.findall(text)))


def pages_of(user: User) -> list[str]:
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    urls = [reverse("admin:index"), reverse("reports_statistics")]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        if not model_admin.has_view_permission(request):
            continue
        try:
            urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        except NoReverseMatch:
            continue
        if model_admin.has_add_permission(request):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
        first = model_admin.get_queryset(request).order_by("pk").first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
    return urls


def test_the_check_finds_english_and_codes():
    user = User(username="clerk")
    assert foreign("会员 By is eight groups False", user) == ["False", "eight", "groups"]
    assert foreign("操作 grant.pay 与 members.current", user) == ["grant.pay", "members.current"]
    assert foreign("导出 Excel 文件 clerk 花名册.xlsx", user) == []

"""A list page's column headers are worked out once per page (``core.listheaders``), and the
page is the same as unfold renders it without the memo."""

from __future__ import annotations

import re

from django.urls import reverse
from unfold.templatetags import unfold_list

from gonghui.core.listheaders import memoise_list_headers
from gonghui.members.services import member_register
from tests.rosters import id_number


def _page(client, url):
    body = client.get(url).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)


def test_a_list_page_is_the_same_with_its_headers_worked_out_once(client, tree, monkeypatch):
    import datetime

    for n in range(3):
        member_register(
            actor=None,
            org=tree.a1,
            id_number=id_number(datetime.date(1990, 1, 1) + datetime.timedelta(days=n), 700 + n),
            name=f"职工{n}",
            joined_on=datetime.date(2020, 1, 1),
        )
    client.force_login(tree.county_staff)
    url = reverse("admin:members_person_changelist") + "?o=2"
    memoised = unfold_list.result_headers
    assert memoised.per_list
    calls = []

    def counted(cl):
        calls.append(cl)
        return memoised.__wrapped__(cl)

    # Unfold's own function, counted: once for the header row and once more for each row.
    monkeypatch.setattr(unfold_list, "result_headers", counted)
    plain = _page(client, url)
    assert len(calls) == 1 + 3
    # The memo over the counted function: once for the whole page.
    calls.clear()
    monkeypatch.setattr(unfold_list, "result_headers", counted)
    memoise_list_headers()
    assert _page(client, url) == plain
    assert len(calls) == 1
    assert "职工0" in plain


def test_no_page_builds_the_app_list_it_does_not_show(client, tree, monkeypatch):
    """``core.applist``: the admin's list of every model is built only where a page reads it;
    the home page and the lists never do, and where it is read it is Django's list."""
    from django.contrib import admin
    from unfold.sites import UnfoldAdminSite

    from gonghui.core.applist import lazy_app_list

    lazy_app_list()  # a second call changes nothing
    assert UnfoldAdminSite.get_app_list.lazy
    built = []
    original = UnfoldAdminSite._build_app_dict

    def counted(self, request, label=None):
        built.append(label)
        return original(self, request, label)

    monkeypatch.setattr(UnfoldAdminSite, "_build_app_dict", counted)
    client.force_login(tree.county_staff)
    for name in ("admin:index", "admin:members_person_changelist", "admin:orgs_org_changelist"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert "available_apps" in response.context
    assert built == []

    request = response.wsgi_request
    lazy = admin.site.get_app_list(request)
    assert built == []
    eager = UnfoldAdminSite.get_app_list.__wrapped__(admin.site, request)
    assert [a["app_label"] for a in lazy] == [a["app_label"] for a in eager]
    assert len(lazy) == len(eager) > 3
    assert len(built) == 2

"""The work-area contract (core.workareas): every installed area declares what it must, every
declaration resolves, and an area installed by one line (tests/example_area) appears in the
sidebar, the command line, the statistics page, the work report, the demo and the scope test."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.module_loading import import_string

from gonghui.core.admin import ScopedAdmin
from gonghui.core.workareas import (
    WorkArea,
    demo_parts,
    import_kinds,
    navigation,
    role_permissions,
    work_area_apps,
)
from gonghui.reports.registry import all_indicators

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)


# -- conformance: what every installed area declares ------------------------------------------


def _areas():
    return [c for c in work_area_apps() if c.work_area]


def test_every_work_area_app_declares_its_parts(db):
    missing = []
    for config in _areas():
        assert config.work_area in WorkArea.values, config.label
        for part in ("indicators", "demo", "menu", "grants"):
            if not getattr(config, part):
                missing.append(f"{config.label}: {part}")
        if not config.indicator_list():
            missing.append(f"{config.label}: indicators (empty list)")
    assert missing == []


def test_every_declaration_resolves():
    for config in work_area_apps():
        for item in config.menu:
            reverse(item.url, args=item.args)
        for part in config.demo:
            assert callable(import_string(part.build)), part
        if config.report_section:
            assert callable(import_string(config.report_section))
    for kind, declared in import_kinds().items():
        spec = import_string(declared.spec)()
        assert spec.kind == kind and spec.title and spec.permission, kind
    assert [p.order for p in demo_parts()] == sorted(p.order for p in demo_parts())


def test_every_granted_permission_exists(db):
    known = {
        f"{app}.{codename}"
        for app, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }
    granted = set().union(*role_permissions().values())
    assert granted - known == set()
    for config in work_area_apps():
        for item in config.menu:
            assert not item.permission or item.permission in known, item


def test_every_indicator_key_starts_with_its_apps_label(db):
    wrong = [
        f"{config.label}: {ind.key}"
        for config in work_area_apps()
        for ind in config.indicator_list()
        if not ind.key.startswith(config.label + ".")
    ]
    assert wrong == []


def test_every_scoped_admin_reads_its_list_from_a_selector():
    from tests.test_scope_everywhere import scoped_admins

    wrong = []
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, ScopedAdmin):
            continue
        selector = model_admin.selector
        if selector is None or not selector.__module__.endswith(".selectors"):
            wrong.append(model._meta.label)
    assert wrong == []
    # ... and every one of them is walked by the cross-org test.
    walked = set(scoped_admins())
    registered = {
        m._meta.label for m, a in admin.site._registry.items() if isinstance(a, ScopedAdmin)
    }
    assert walked == registered


# -- the example area, installed by one line --------------------------------------------------


def test_the_example_area_is_in_the_sidebar_for_whom_it_grants(rf, tree):
    request = rf.get("/")
    request.user = tree.town_a
    groups = {str(g["title"]): [str(i["title"]) for i in g["items"]] for g in navigation(request)}
    assert "职工文体活动" in groups[str(WorkArea.CULTURE.label)]
    assert tree.town_a.has_perm("example_area.add_sportsevent")


def test_the_example_area_has_its_demo_part_and_its_scope_test():
    from tests.test_scope_everywhere import scoped_admins

    assert "tests.example_area.demo.build" in [p.build for p in demo_parts()]
    assert "example_area.SportsEvent" in scoped_admins()


def test_the_example_areas_figures_reach_the_page_and_the_report(client, tree):
    from gonghui.reports.summary import work_report
    from tests.example_area import services

    for org, people in ((tree.a1, 120), (tree.b1, 80)):
        services.event_create(
            actor=tree.county_staff,
            org=org,
            title="职工气排球赛",
            held_on=datetime.date(2026, 5, 1),
            participants=people,
        )
    assert all_indicators()["example_area.participants"].value(tree.county, START, END) == 200
    client.force_login(tree.county_staff)
    page = client.get(
        reverse("reports_statistics"),
        {"org": tree.county.pk, "date_from": START, "date_to": END},
    ).content.decode()
    assert "职工文体活动" in page and "文体活动参加人次" in page
    text = work_report(tree.county_staff, tree.county, START, END).body()
    assert "举办职工文体活动2场" in text and "参加职工200人次" in text


@pytest.mark.django_db(transaction=True)
def test_the_example_areas_import_is_on_the_command_line(tmp_path):
    from tests.conftest import build_tree
    from tests.example_area.models import SportsEvent
    from tests.test_member_import import _cli_env

    build_tree()
    path = tmp_path / "文体活动.csv"
    path.write_text(
        "组织,活动名称,举办日期,参加人次\n"
        "QS-A-1,职工气排球赛,2026-05-01,120\n"
        "QS-B-1,职工健步走,2026.6.3,80\n"
        "QS-B-1,无人参加,2026-06-04,0\n",
        encoding="utf-8",
    )

    def run(*extra):
        return subprocess.run(
            [sys.executable, "-m", "gonghui.cli", "import", "sports", str(path), *extra],
            capture_output=True,
            text=True,
            env=_cli_env(),
            timeout=120,
            check=False,
        )

    refused = run("--org", "QS", "--json")
    assert refused.returncode == 1, refused.stderr
    assert json.loads(refused.stdout)["rejected"] == 1 and not SportsEvent.objects.exists()
    partial = run("--org", "QS", "--partial", "--json")
    assert json.loads(partial.stdout)["imported"] == 2
    assert SportsEvent.objects.count() == 2
    unknown = run("--org", "QS", "--campaign", "X")
    assert unknown.returncode == 2 and "--campaign" in unknown.stderr


def test_an_unknown_kind_of_import_names_the_kinds_there_are(tmp_path):
    from gonghui.cli import main

    path = tmp_path / "x.csv"
    path.write_text("a,b\n")
    with pytest.raises(SystemExit):
        main(["import"])
    assert set(import_kinds()) >= {"members", "grants", "ledger", "sports"}


def test_a_ledger_category_an_area_supersedes_takes_no_new_entries(tree, monkeypatch):
    from gonghui.ledger import services as ledger_services
    from gonghui.ledger.models import LedgerCategory
    from gonghui.ledger.selectors import categories_offered
    from tests.example_area.apps import ExampleAreaConfig

    category = LedgerCategory.objects.get(code="culture.sports")
    old = ledger_services.entry_create(
        actor=tree.town_a,
        org=tree.a1,
        category=category,
        title="往年的篮球赛",
        starts_on=datetime.date(2026, 3, 1),
        sessions=1,
    )
    monkeypatch.setattr(ExampleAreaConfig, "supersedes", ("culture.sports",))
    assert category not in categories_offered()
    with pytest.raises(ValidationError, match="职工文体活动"):
        ledger_services.entry_create(
            actor=tree.town_a,
            org=tree.a1,
            category=category,
            title="新的篮球赛",
            starts_on=datetime.date(2026, 4, 1),
            sessions=1,
        )
    # The old entry stays, is corrected and still counted.
    ledger_services.entry_update(actor=tree.town_a, entry=old, changes={"sessions": 2})
    assert all_indicators()["ledger.culture.sports"].value(tree.county, START, END) == 2

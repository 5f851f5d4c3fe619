"""Indicators over the tree: hand-computed values on a small scenario, siblings never mixed,
tables that add up and whose query count does not grow with the number of orgs."""

from __future__ import annotations

import datetime
import io
import json
import subprocess
import sys
from decimal import Decimal

import pytest
import python_calamine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gonghui.assistance import services as aid_services
from gonghui.core.errors import NotFound
from gonghui.members.models import Membership
from gonghui.members.services import member_register, membership_transition
from gonghui.orgs.models import Org
from gonghui.reports.exports import statistics_table_xlsx
from gonghui.reports.registry import all_indicators
from gonghui.reports.selectors import figures, statistics_table
from tests.aid import build_aid
from tests.conftest import make_org
from tests.rosters import id_number

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)


def register(org, n, gender_seq, joined=datetime.date(2026, 3, 1), **fields):
    return member_register(
        actor=None,
        org=org,
        id_number=id_number(datetime.date(1985, 1, 1) + datetime.timedelta(days=n), gender_seq),
        name=f"人{n}",
        joined_on=joined,
        **fields,
    )


@pytest.fixture
def scenario(tree):
    # A1: three members (two women, one migrant), one of them joined last year.
    register(tree.a1, 1, 2)  # even sequence: a woman
    register(tree.a1, 2, 4, is_migrant_worker=True)
    register(tree.a1, 3, 5, joined=datetime.date(2025, 6, 1), new_employment_category="courier")
    # B1: two men, one of them retired into retained membership.
    register(tree.b1, 4, 7)
    retiring = register(tree.b1, 5, 9)
    membership_transition(
        actor=None,
        membership=retiring,
        to_status=Membership.Status.RETAINED,
        on=datetime.date(2026, 5, 1),
    )
    return tree


def values(actor, org, start=START, end=END):
    return {f.key: f.value for f in figures(actor, org, start, end)}


def test_member_indicators_on_a_hand_built_scenario(scenario):
    tree = scenario
    county = values(tree.county_staff, tree.county)
    a = values(tree.town_a, tree.a)
    b = values(tree.town_b, tree.b)
    assert (county["members.current"], a["members.current"], b["members.current"]) == (5, 3, 2)
    assert (a["members.women"], b["members.women"]) == (2, 0)
    assert (a["members.migrant_workers"], a["members.eight_groups"]) == (1, 1)
    assert (a["members.joined"], b["members.joined"], county["members.joined"]) == (2, 2, 4)
    assert (b["members.retained"], county["members.unions_with_members"]) == (1, 2)
    last_year = values(
        tree.county_staff, tree.county, datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
    )
    assert (last_year["members.current"], last_year["members.joined"]) == (1, 1)


def test_organisation_indicators(scenario):
    tree = scenario
    county = values(tree.county_staff, tree.county)
    assert county["orgs.grassroots_unions"] == 2
    assert county["orgs.employers_with_union"] == 2
    assert county["orgs.service_points.workers_home"] == 2
    assert values(tree.town_a, tree.a)["orgs.service_points"] == 1
    # A1's committee started 2020-01-01 for three years: past its term by the end of 2026.
    assert values(tree.town_a, tree.a)["orgs.reelections_overdue"] == 1


def test_assistance_indicators_equal_the_grants(tree):
    aid = build_aid(tree)
    from tests.test_assistance import grant

    g = grant(aid, tree, n=0, amount=5000, step_until="approve")
    batch = aid_services.payment_batch_create(actor=None, campaign=aid.school, grants=[g])
    aid_services.payment_batch_mark_paid(
        actor=None, batch=batch, paid_on=datetime.date(2026, 10, 28), reference="X1"
    )
    aid_services.group_relief_create(
        actor=None,
        campaign=aid.winter,
        org=tree.b,
        headcount=120,
        date=datetime.date(2026, 1, 15),
        cash_amount=3600,
        goods_value=1200,
    )
    county = values(tree.county_staff, tree.county)
    assert county["assistance.files"] == 5 and county["assistance.files.deep"] == 5
    assert (county["assistance.grants"], county["assistance.grants_amount"]) == (
        1,
        Decimal("5000.00"),
    )
    assert county["assistance.school_aid.amount"] == Decimal("5000.00")
    assert (county["assistance.relief_people"], county["assistance.relief_amount"]) == (
        120,
        Decimal("4800.00"),
    )
    b = values(tree.town_b, tree.b)
    assert b["assistance.grants_amount"] == 0 and b["assistance.relief_people"] == 120


def test_an_org_never_sees_a_siblings_figures(scenario):
    tree = scenario
    with pytest.raises(NotFound):
        figures(tree.town_a, tree.b, START, END)
    with pytest.raises(NotFound):
        statistics_table(tree.town_a, tree.county, START, END)


def test_table_rows_add_up_to_the_total(scenario):
    tree = scenario
    table = statistics_table(tree.county_staff, tree.county, START, END)
    labels = [label for label, _v in table.rows]
    assert labels == ["甲镇总工会", "乙镇总工会"]
    for i, ind in enumerate(table.columns):
        if ind.key == "members.unions_with_members" or ind.measure.distinct:
            continue  # distinct counts need not add up across rows
        assert sum(row[i] for _l, row in table.rows) == table.total[i], ind.key


def test_table_query_count_does_not_grow_with_the_tree(scenario):
    tree = scenario
    keys = ["members.current", "members.women", "orgs.service_points"]
    all_indicators()  # the registry reads the ledger's categories once, before measuring
    with CaptureQueriesContext(connection) as small:
        statistics_table(tree.county_staff, tree.county, START, END, keys)
    for i in range(6):
        town = make_org(
            tree.county, f"QS-X{i}", f"新{i}镇总工会", Org.Level.TOWNSHIP, Org.Kind.TOWNSHIP
        )
        union = make_org(town, f"QS-X{i}-1", f"新{i}公司工会委员会", Org.Level.GRASSROOTS)
        register(union, 100 + i, 11)
    # The registry rechecks its version every few seconds; on a busy machine building the
    # new unions takes longer than that: read it now so the count is the table's alone.
    all_indicators()
    with CaptureQueriesContext(connection) as large:
        table = statistics_table(tree.county_staff, tree.county, START, END, keys)
    assert len(table.rows) == 8
    assert len(large) == len(small)


def test_table_as_excel(scenario):
    tree = scenario
    keys = ["members.current", "members.women", "orgs.grassroots_unions"]
    table = statistics_table(tree.county_staff, tree.county, START, END, keys)
    rows = (
        python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(statistics_table_xlsx(table)))
        .get_sheet_by_index(0)
        .to_python()
    )
    # The band names each work area over its columns (merged cells keep their first value).
    assert rows[1][:4] == ["", "会员管理", "", "组织建设"]
    assert rows[2][:3] == ["单位", "会员人数（人）", "女会员（人）"]
    assert [r[:3] for r in rows[3:6]] == [
        ["甲镇总工会", 3.0, 2.0],
        ["乙镇总工会", 2.0, 0.0],
        ["合计", 5.0, 2.0],
    ]
    today = timezone.localdate()
    made = f"制表单位：青山县总工会　　制表日期：{today.year}年{today.month}月{today.day}日"
    assert rows[7][0] == made


def test_every_indicator_has_a_unique_key_and_a_unit(db):
    registry = all_indicators()
    assert len(registry) > 40
    # The seeds' vocabulary of units (issue 12).
    units = {"人", "人次", "户", "个", "家", "元", "场", "件", "期", "届", "份", "篇", "册"}
    units |= {"张", "条", "名", "次", "项", "批"}
    assert all(ind.unit in units for ind in registry.values())


@pytest.mark.django_db(transaction=True)
def test_indicators_command_prints_the_same_figures():
    from tests.conftest import build_tree
    from tests.test_member_import import _cli_env

    tree = build_tree()
    register(tree.a1, 1, 2)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "gonghui.cli",
            "indicators",
            "--org",
            "QS",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
            "--json",
        ],
        capture_output=True,
        text=True,
        env=_cli_env(),
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    printed = {i["key"]: i["value"] for i in json.loads(run.stdout)["indicators"]}
    expected = values(tree.county_staff, tree.county)
    assert printed == {k: v if isinstance(v, int) else str(v) for k, v in expected.items()}


def test_every_figure_of_the_work_report_is_an_indicator_value(tree):
    import re

    from gonghui.core.figures import money
    from gonghui.reports.exports import work_report_docx
    from gonghui.reports.summary import work_report

    aid = build_aid(tree)
    from tests.test_assistance import grant

    g = grant(aid, tree, n=0, amount=5000, step_until="approve")
    batch = aid_services.payment_batch_create(actor=None, campaign=aid.school, grants=[g])
    aid_services.payment_batch_mark_paid(
        actor=None, batch=batch, paid_on=datetime.date(2026, 10, 28), reference="X1"
    )
    report = work_report(tree.county_staff, tree.county, START, END)
    text = report.markdown()
    assert report.title == "青山县总工会2026年工作总结"
    assert [h for h, _p in report.sections] == [
        "强化组织建设，扩大工会覆盖",
        "推进会员实名制，扩大会员覆盖",
        "精准开展帮扶，兜牢困难职工保障底线",
    ]
    indicator_values = values(tree.county_staff, tree.county)
    written = set()
    for key, value, shown in report.used:
        if "#" in key:
            continue  # changes and rates, derived from two indicator values
        assert value == indicator_values[key], key
        unit = all_indicators()[key].unit
        assert shown == (money(value) if unit == "元" else f"{value}{unit}")
        assert shown in text
        written.add(shown)
    # Every figure with a unit in the text is one the report took from an indicator (dates,
    # the period and the list numbers aside).
    body = text.replace(report.title, "").replace("2026年", "")
    for figure in re.findall(r"\d+(?:\.\d+)?(?:万元|元|人次|人|户|个|家|%)", body):
        assert figure in written or any(figure == s for _k, _v, s in report.used), figure
    assert "0人" not in re.findall(r"(?<!\d)0(?:人|户|个|家|元)", text)
    doc = work_report_docx(report)
    from docx import Document

    paragraphs = [p.text for p in Document(io.BytesIO(doc)).paragraphs]
    assert paragraphs[0] == report.title and paragraphs[2].startswith("一、")


@pytest.mark.django_db(transaction=True)
def test_report_commands_write_the_table_and_the_work_report(tmp_path):
    from docx import Document

    from tests.conftest import build_tree
    from tests.test_member_import import _cli_env

    tree = build_tree()
    register(tree.a1, 1, 2)

    def cli(*args):
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "gonghui.cli",
                "report",
                *args,
                "--org",
                "QS",
                "--from",
                "2026-01-01",
                "--to",
                "2026-12-31",
            ],
            capture_output=True,
            text=True,
            env=_cli_env(),
            timeout=120,
            check=False,
        )

    table = tmp_path / "table.xlsx"
    run = cli("table", "--indicators", "members.current,members.women", "-o", str(table))
    assert run.returncode == 0, run.stderr
    rows = python_calamine.CalamineWorkbook.from_path(str(table)).get_sheet_by_index(0)
    assert rows.to_python()[-3][:3] == ["合计", 1.0, 1.0]
    assert cli("table", "--indicators", "no.such", "-o", str(table)).returncode != 0
    docx_path = tmp_path / "summary.docx"
    run = cli("summary", "-o", str(docx_path))
    assert run.returncode == 0, run.stderr
    text = "\n".join(p.text for p in Document(str(docx_path)).paragraphs)
    assert "会员总数达1人" in text and tree.county.name in text


def test_statistics_page_shows_figures_and_serves_the_downloads(scenario, client):
    tree = scenario
    client.force_login(tree.town_a)
    url = "/admin/reports/statistics/"
    params = {"org": tree.a.pk, "date_from": "2026-01-01", "date_to": "2026-12-31"}
    page = client.get(url, params)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-key="members.current"' in html and "3人" in html
    table = client.get(url, {**params, "download": "table"})
    rows = (
        python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(table.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert rows[-3][0] == "合计" and rows[-1][0].startswith("制表单位：甲镇总工会")
    report = client.get(url, {**params, "download": "report"})
    assert report["Content-Type"].endswith("wordprocessingml.document")
    # Another township's org is not among the choices: the form refuses it.
    refused = client.get(url, {**params, "org": tree.b.pk})
    assert 'data-key="members.current"' not in refused.content.decode()
    assert "download" not in refused.get("Content-Disposition", "")
    # Nor can either download be had for it.
    for what in ("table", "report"):
        refused = client.get(url, {**params, "org": tree.b.pk, "download": what})
        assert refused.status_code == 200 and "Content-Disposition" not in refused, what
        assert refused["Content-Type"].startswith("text/html"), what


def test_targets_are_set_from_above_and_completion_is_shown(scenario, client):
    from gonghui.reports import services as report_services
    from gonghui.reports.models import Target
    from gonghui.reports.summary import work_report
    from tests.conftest import snapshot

    tree = scenario
    with pytest.raises(Exception, match="上级"):
        report_services.target_set(
            actor=tree.town_a, org=tree.a, indicator="members.current", year=2026, value=4
        )
    with pytest.raises(NotFound):
        report_services.target_set(
            actor=tree.town_a, org=tree.b, indicator="members.current", year=2026, value=4
        )
    before = snapshot(Target)
    with pytest.raises(Exception):  # noqa: B017 (no such indicator)
        report_services.target_set(
            actor=tree.county_staff, org=tree.a, indicator="nope", year=2026, value=4
        )
    assert snapshot(Target) == before
    report_services.target_set(
        actor=tree.county_staff, org=tree.a, indicator="members.current", year=2026, value=2
    )
    report_services.target_set(
        actor=tree.county_staff, org=tree.b, indicator="members.current", year=2026, value=4
    )
    a = {f.key: f for f in figures(tree.town_a, tree.a, START, END)}
    assert (a["members.current"].target, a["members.current"].completion) == (2, "150%")
    report = work_report(tree.town_a, tree.a, START, END)
    assert "会员总数达3人" in report.markdown() and "完成年度任务的150%" in report.markdown()
    client.force_login(tree.county_staff)
    page = client.get(
        "/admin/reports/statistics/",
        {"org": tree.county.pk, "date_from": "2026-01-01", "date_to": "2026-12-31"},
    )
    html = page.content.decode()
    assert 'data-testid="targets-below"' in html and "150%" in html and "50%" in html
    # Each target's list of organisations beneath folds under one line.
    assert html.count('<details class="gh-below">') == len(page.context["below"]) >= 1


def test_every_figure_opens_the_records_behind_it(scenario, client):
    tree = scenario
    client.force_login(tree.town_a)
    params = {"org": tree.a.pk, "date_from": "2026-01-01", "date_to": "2026-12-31"}
    page = client.get("/admin/reports/statistics/", params).content.decode()
    assert "/admin/reports/records/?" in page
    for key, expected in (("members.current", 3), ("members.women", 2), ("orgs.service_points", 1)):
        got = client.get("/admin/reports/records/", {**params, "key": key})
        assert got.context["count"] == got.context["value"] == expected, key
        assert len(got.context["rows"]) == expected
    rows = client.get("/admin/reports/records/", {**params, "key": "members.women"})
    assert all(r[1].startswith("/admin/members/person/") for r in rows.context["rows"])
    # Another township's org cannot be chosen: no records at all.
    other = client.get(
        "/admin/reports/records/", {**params, "org": tree.b.pk, "key": "members.current"}
    )
    assert "rows" not in other.context


def test_records_page_reads_its_rows_in_a_fixed_number_of_queries(scenario, client, monkeypatch):
    from gonghui.reports import registry

    tree = scenario
    # The registry checks its version every few seconds: on a busy machine a measured request
    # may fall on such a check. Checked once, at the first request, it leaves only the rows.
    monkeypatch.setattr(registry, "RECHECK_SECONDS", 3600.0)
    client.force_login(tree.town_a)
    params = {"org": tree.a.pk, "date_from": "2026-01-01", "date_to": "2026-12-31"}
    # The indicator registry checks its version now and then and is built on first use: one
    # request first, so each measured request reads only its rows.
    client.get("/admin/reports/records/", {**params, "key": "members.current"})
    queries = {}
    for round_ in ("few", "many"):
        if round_ == "many":
            for n in range(20, 32):
                register(tree.a1, n, 2 * n + 1)
        for key in ("members.current", "orgs.service_points"):
            with CaptureQueriesContext(connection) as captured:
                got = client.get("/admin/reports/records/", {**params, "key": key})
            assert got.context["rows"], key
            queries[(round_, key)] = len(captured)
    assert queries[("few", "members.current")] == queries[("many", "members.current")]
    assert queries[("few", "members.current")] == queries[("few", "orgs.service_points")]


def test_month_spans_are_cut_to_the_period():
    from gonghui.core.indicators import MAX_MONTHS, month_spans

    d = datetime.date
    assert month_spans(d(2026, 1, 15), d(2026, 3, 10)) == [
        (d(2026, 1, 15), d(2026, 1, 31)),
        (d(2026, 2, 1), d(2026, 2, 28)),
        (d(2026, 3, 1), d(2026, 3, 10)),
    ]
    assert month_spans(d(2024, 2, 1), d(2024, 2, 29)) == [(d(2024, 2, 1), d(2024, 2, 29))]
    assert month_spans(d(2026, 5, 2), d(2026, 5, 1)) == []
    long = month_spans(d(2020, 1, 1), d(2026, 12, 31))
    assert len(long) == MAX_MONTHS and long[-1] == (d(2026, 12, 1), d(2026, 12, 31))


def test_month_by_month_on_the_hand_built_scenario(scenario):
    """Scenario: A1 has three current members (one joined June 2025, two on 1 March 2026);
    B1 has one active member and one retained (still a member), both joined 1 March 2026."""
    tree = scenario
    registry = all_indicators()
    with CaptureQueriesContext(connection) as joined_queries:
        joined = registry["members.joined"].by_month(tree.county, START, END)
    assert len(joined_queries) == 1 + 1  # what the figure store holds (nothing here), then this
    assert [v for _m, v in joined] == [0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert sum(v for _m, v in joined) == values(None, tree.county)["members.joined"]
    current = registry["members.current"].by_month(tree.county, START, END)
    assert [v for _m, v in current] == [1, 1, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5]
    assert current[-1][1] == values(None, tree.county)["members.current"]
    # A township's months never hold a sibling's members.
    a_current = registry["members.current"].by_month(tree.a, START, END)
    assert [v for _m, v in a_current][:3] == [1, 1, 3]


def test_breakdown_by_child_adds_up_and_keeps_to_the_subtree(scenario):
    from gonghui.reports.selectors import breakdown, trends

    tree = scenario
    shares = breakdown(tree.county_staff, tree.county, START, END, "members.current")
    assert [(s.org.name, s.value) for s in shares] == [("甲镇总工会", 3), ("乙镇总工会", 2)]
    assert [s.share for s in shares] == ["60%", "40%"]
    with pytest.raises(NotFound):
        breakdown(tree.town_a, tree.b, START, END, "members.current")
    with pytest.raises(NotFound):
        trends(tree.town_a, tree.b, START, END, ["members.current"])
    # Indicators with nothing in the period are not drawn.
    drawn = trends(tree.town_a, tree.a, START, END, ["members.joined", "assistance.grants"])
    assert [t.key for t in drawn] == ["members.joined"]


def test_statistics_page_draws_trends_and_the_split_by_child(scenario, client):
    tree = scenario
    client.force_login(tree.county_staff)
    params = {"org": tree.county.pk, "date_from": "2026-01-01", "date_to": "2026-12-31"}
    page = client.get("/admin/reports/statistics/", {**params, "focus": "members.joined"})
    html = page.content.decode()
    charts = page.context["charts"]
    assert [t.key for t, _c in charts] == ["members.joined"]
    bars = charts[0][1].bars
    assert [b.text for b in bars][:4] == ["0人", "0人", "4人", "0人"]
    assert bars[2].height == max(b.height for b in bars) > 0 and bars[0].height == 0
    assert "<svg" in html and "2026年1月" in html
    # Each bar opens its month's records: March holds the four who joined.
    march = "date_from=2026-03-01&amp;date_to=2026-03-31&amp;key=members.joined"
    assert march in html
    records = client.get(
        "/admin/reports/records/",
        {
            "org": tree.county.pk,
            "date_from": "2026-03-01",
            "date_to": "2026-03-31",
            "key": "members.joined",
        },
    )
    assert records.context["count"] == 4
    assert [(s.org.name, s.value) for s in page.context["shares"]] == [
        ("甲镇总工会", 2),
        ("乙镇总工会", 2),
    ]
    assert f"?org={tree.a.pk}&amp;date_from=2026-01-01" in html  # drill down the tree
    # Opened from the menu, the page shows the clerk's own org for this year at once.
    client.force_login(tree.town_a)
    own = client.get("/admin/reports/statistics/")
    assert own.context["org"] == tree.a and own.context["areas"]


def test_batched_figures_equal_the_records_behind_each_indicator(tree):
    """``evaluate`` computes every indicator of a model in one query; each count must still
    be exactly the number of records the drill-down lists (its own queryset)."""
    from django.db.models import Count

    from gonghui.core.indicators import evaluate
    from gonghui.ledger.models import LedgerCategory
    from gonghui.ledger.services import entry_create

    aid = build_aid(tree)
    from tests.test_assistance import grant

    g = grant(aid, tree, n=0, amount=5000, step_until="approve")
    batch = aid_services.payment_batch_create(actor=None, campaign=aid.school, grants=[g])
    aid_services.payment_batch_mark_paid(
        actor=None, batch=batch, paid_on=datetime.date(2026, 10, 28), reference="X1"
    )
    for n, org in enumerate((tree.a1, tree.a1, tree.b1)):
        register(org, 40 + n, 2 * n + 1)
    entry_create(
        actor=None,
        org=tree.a1,
        category=LedgerCategory.objects.get(code="culture.volunteer"),
        title="志愿服务",
        starts_on=datetime.date(2026, 3, 5),
        person_times=500,
        is_estimate=True,
    )
    registry = all_indicators()
    periods = [(START, END), (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))]
    with CaptureQueriesContext(connection) as queries:
        values = evaluate(list(registry.values()), tree.county, periods)
    models = {ind.source().model for ind in registry.values()}
    # One query per model and org path for both periods (allocations by the giver and by the
    # service point they built), and one more per grouping it is also read by (the
    # ledger by category and sub-type, grants and group relief by campaign): never one per
    # indicator.
    groupings = {(ind.source().model, ind.org_field, ind.group_by) for ind in registry.values()}
    # And one for what the figure store holds (``reports.figurestore``; nothing here).
    assert len(queries) == len(groupings) + 1 < len(registry)
    assert len(models) <= len(groupings)
    checked = 0
    for ind in registry.values():
        for p, (start, end) in enumerate(periods):
            qs = ind.queryset(tree.county, start, end)
            if isinstance(ind.measure, Count) and not ind.measure.distinct:
                assert values[(ind.key, p)] == qs.count(), ind.key
                checked += 1
            else:
                assert values[(ind.key, p)] == (qs.aggregate(v=ind.measure)["v"] or 0), ind.key
    assert checked > 20
    assert values[("ledger.culture.volunteer", "lower_bound")] is True
    assert values[("ledger.honours.lecture", "lower_bound")] is False


def test_a_member_who_moves_is_not_a_new_member(scenario):
    from gonghui.members.services import transfer_start

    tree = scenario
    before = values(tree.county_staff, tree.county)
    moving = Membership.objects.filter(org=tree.a1, status=Membership.Status.ACTIVE).first()
    # The county holds both unions, so the transfer is accepted at once.
    transfer = transfer_start(actor=tree.county_staff, membership=moving, to_org=tree.b1)
    transfer.refresh_from_db()
    assert transfer.new_membership.transferred_in is True
    after = values(tree.county_staff, tree.county)
    assert after["members.joined"] == before["members.joined"]
    assert after["members.current"] == before["members.current"]
    b = values(tree.town_b, tree.b)
    assert b["members.current"] == 3 and b["members.joined"] == 2  # counted, not new


def test_the_table_can_be_cut_to_some_work_areas(scenario, client):
    tree = scenario
    client.force_login(tree.county_staff)
    params = {"org": tree.county.pk, "date_from": "2026-01-01", "date_to": "2026-12-31"}
    page = client.get("/admin/reports/statistics/", params)
    assert ("members", "会员管理") in [(c, str(label)) for c, label in page.context["area_choices"]]
    table = client.get(
        "/admin/reports/statistics/", {**params, "download": "table", "area": "members"}
    )
    rows = (
        python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(table.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    members = [k for k, ind in all_indicators().items() if ind.work_area == "members"]
    assert len(rows[2]) == 1 + len(members)
    assert rows[2][1] == "会员人数（人）" and rows[-3][:2] == ["合计", 5.0]


def test_member_figures_of_an_earlier_day_count_who_was_a_member_then(scenario):
    """A member of A1 (joined June 2025) leaves on 15 June 2026: last year's figure and the
    months before June still count her; the year's end does not."""
    tree = scenario
    leaving = Membership.objects.get(org=tree.a1, joined_on=datetime.date(2025, 6, 1))
    membership_transition(
        actor=None,
        membership=leaving,
        to_status=Membership.Status.LEFT,
        on=datetime.date(2026, 6, 15),
    )
    now = values(tree.county_staff, tree.county)
    last_year = values(
        tree.county_staff, tree.county, datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
    )
    assert (now["members.current"], last_year["members.current"]) == (4, 1)
    assert last_year["members.unions_with_members"] == 1 and now["members.eight_groups"] == 0
    assert last_year["members.eight_groups"] == 1  # she was a courier
    months = all_indicators()["members.current"].by_month(tree.county, START, END)
    assert [v for _m, v in months] == [1, 1, 5, 5, 5, 4, 4, 4, 4, 4, 4, 4]  # gone by 30 June
    # Retained counts from the day the member retired (1 May 2026), not before.
    retained = all_indicators()["members.retained"].by_month(tree.county, START, END)
    assert [v for _m, v in retained][:6] == [0, 0, 0, 0, 1, 1]


def test_targets_are_handed_out_to_the_orgs_beneath_all_or_nothing(scenario, client):
    from gonghui.reports.models import Target
    from tests.conftest import snapshot

    tree = scenario
    client.force_login(tree.county_staff)
    url = f"/admin/reports/targets/split/?org={tree.county.pk}&indicator=members.current&year=2027"
    page = client.get(url)
    assert [c.name for c, _v, _b in page.context["rows"]] == ["甲镇总工会", "乙镇总工会"]
    # Beside each box, the township's figure of the year before (2026): 3 and 2 members.
    assert [b for _c, _v, b in page.context["rows"]] == [3, 2]
    # One wrong figure refuses the whole split, naming the township; nothing is written.
    before = snapshot(Target)
    refused = client.post(
        url, {f"target_{tree.a.pk}": "40", f"target_{tree.b.pk}": "三十"}, follow=True
    )
    assert "乙镇总工会" in refused.content.decode() and snapshot(Target) == before
    saved = client.post(url, {f"target_{tree.a.pk}": "40", f"target_{tree.b.pk}": "1,200"})
    assert saved.status_code == 302
    assert dict(Target.objects.filter(year=2027).values_list("org__name", "value")) == {
        "甲镇总工会": Decimal("40.00"),
        "乙镇总工会": Decimal("1200.00"),
    }
    # An empty box withdraws that township's target.
    client.post(url, {f"target_{tree.a.pk}": "40", f"target_{tree.b.pk}": ""})
    assert list(Target.objects.filter(year=2027).values_list("org__name", flat=True)) == [
        "甲镇总工会"
    ]
    # A township cannot hand out a sibling's targets, nor set its own.
    client.force_login(tree.town_a)
    other = client.get(
        f"/admin/reports/targets/split/?org={tree.b.pk}&indicator=members.current&year=2027"
    )
    assert "rows" not in other.context
    posted = client.post(
        f"/admin/reports/targets/split/?org={tree.b.pk}&indicator=members.current&year=2027",
        {f"target_{tree.b1.pk}": "9"},
    )
    assert posted.status_code == 200 and not Target.objects.filter(org=tree.b1).exists()
    own = client.get(
        f"/admin/reports/targets/split/?org={tree.a.pk}&indicator=members.current&year=2027"
    )
    assert [c.name for c, _v, _b in own.context["rows"]] == ["甲公司工会委员会"]


def test_the_statistics_page_folds_by_work_area_and_by_target(scenario, client):
    tree = scenario
    client.force_login(tree.county_staff)
    page = client.get(
        "/admin/reports/statistics/",
        {"org": tree.county.pk, "date_from": "2026-01-01", "date_to": "2026-12-31"},
    )
    html = page.content.decode()
    areas = len(page.context["areas"])
    assert html.count('data-testid="area"') == areas
    assert html.count('data-testid="area" open') == min(areas, 2)  # the first two open

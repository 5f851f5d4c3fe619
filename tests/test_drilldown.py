"""The records behind a figure (drill-down): each record's value where the figure sums one, a
total that is the figure, pages past the first 500, and the whole list as an Excel file; all
within the user's subtree."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
import python_calamine
from django.urls import reverse

from gonghui.assistance import services
from gonghui.reports import views
from gonghui.reports.registry import all_indicators
from gonghui.reports.selectors import figure_records, figure_records_all, record_value
from tests.aid import TODAY, build_aid
from tests.test_assistance import grant


@pytest.fixture
def paid(tree):
    aid = build_aid(tree)
    grants = [
        grant(aid, tree, n=n, amount=a, campaign=aid.winter, step_until="approve")
        for n, a in ((0, 1000), (1, 1500), (2, 800))
    ]
    batch = services.payment_batch_create(
        actor=tree.county_staff, campaign=aid.winter, grants=grants
    )
    services.payment_batch_mark_paid(
        actor=tree.county_staff, batch=batch, paid_on=TODAY, reference="DF-1"
    )
    return grants


def query(org, key="assistance.grants_amount", **more):
    return {
        "key": key,
        "org": org.pk,
        "date_from": datetime.date(2026, 1, 1),
        "date_to": datetime.date(2026, 12, 31),
        **more,
    }


def test_a_summed_figure_lists_each_records_value_and_the_total(tree, paid, client):
    client.force_login(tree.county_staff)
    page = client.get(reverse("reports_records"), query(tree.county))
    assert page.status_code == 200
    assert page.context["sums"] is True
    values = sorted(row[4] for row in page.context["rows"])
    assert values == [Decimal("800"), Decimal("1000"), Decimal("1500")]
    assert page.context["value"] == Decimal("3300")
    text = page.content.decode()
    assert 'data-testid="records-total"' in text and "3300" in text

    # A figure that counts people: no value column, the total says the count.
    people = client.get(reverse("reports_records"), query(tree.county, "assistance.grants"))
    assert people.context["sums"] is False
    assert record_value(all_indicators()["assistance.grants"]) is None


def test_pages_past_the_first_and_the_excel_export_hold_every_row(tree, paid, client, monkeypatch):
    monkeypatch.setattr(views, "RECORDS_SHOWN", 2)
    client.force_login(tree.county_staff)
    first = client.get(reverse("reports_records"), query(tree.county))
    assert first.context["pages"] == 2 and len(first.context["rows"]) == 2
    second = client.get(reverse("reports_records"), query(tree.county, page=2))
    assert len(second.context["rows"]) == 1 and second.context["first"] == 2
    shown = {r[0] for r in first.context["rows"]} | {r[0] for r in second.context["rows"]}
    assert len(shown) == 3
    # Past the last page: the last page, not an error or an empty list; a word: the first.
    past = client.get(reverse("reports_records"), query(tree.county, page=9))
    assert past.context["page"] == 2 and len(past.context["rows"]) == 1
    assert client.get(reverse("reports_records"), query(tree.county, page="x")).context["page"] == 1

    export = client.get(reverse("reports_records"), query(tree.county, export="xlsx"))
    assert export.status_code == 200 and export["Cache-Control"] == "no-store"
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(export.content))
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[2][:5] == ["序号", "记录", "组织", "日期", "数值（元）"]
    body = rows[3:-1]
    assert len(body) == 3 and sorted(r[4] for r in body) == [800.0, 1000.0, 1500.0]
    assert rows[-1][0] == "合计" and rows[-1][4] == 3300.0


def test_the_drilldown_stays_in_the_users_subtree(tree, paid, client):
    indicator = all_indicators()["assistance.grants_amount"]
    start, end = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
    assert figure_records(indicator, tree.b, start, end, 10)[:2] == ([], 0)
    assert list(figure_records_all(indicator, tree.b, start, end)) == []
    # 乙镇's staff asking for 甲镇 gets the form's refusal, no rows and no file.
    client.force_login(tree.town_b)
    page = client.get(reverse("reports_records"), query(tree.a))
    assert page.status_code == 200 and "rows" not in page.context
    export = client.get(reverse("reports_records"), query(tree.a, export="xlsx"))
    assert export["Content-Type"].startswith("text/html")

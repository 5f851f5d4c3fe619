"""The work report says everything that was recorded (issue 12): in the demo county's year,
every indicator with a figure is in the report, or carries the documented reason it is said
another way (``Indicator.leave_out``)."""

from __future__ import annotations

import datetime

from gonghui.orgs.models import Org
from gonghui.reports.registry import all_indicators
from gonghui.reports.selectors import figures
from gonghui.reports.summary import work_report

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)


def test_every_figure_of_the_countys_year_is_in_its_report_or_left_out_with_a_reason(demo, db):
    county = Org.objects.get(code="QS")
    report = work_report(None, county, START, END)
    said = {key for key, _value, _text in report.used}
    registry = all_indicators()
    missing = [
        f"{f.key} = {f.value}"
        for f in figures(None, county, START, END, previous=False)
        if f.value and f.key not in said and not registry[f.key].leave_out
    ]
    assert missing == []
    reasons = {ind.leave_out for ind in registry.values() if ind.leave_out}
    assert all(len(reason) > 20 for reason in reasons)  # a reason, not a flag
    # The long tail the issue named: the ledger's 挂包帮 entries, each campaign by its name.
    text = report.markdown()
    assert "挂包帮和乡村振兴结对帮扶" in text
    assert "“夏送清凉”活动慰问职工" in text and "“冬送温暖”帮扶" in text


def test_rates_and_completion_are_on_the_page_and_in_the_report(client, demo, db):
    from django.urls import reverse

    from gonghui.accounts.models import User

    county = Org.objects.get(code="QS")
    client.force_login(User.objects.get(username="county"))
    page = client.get(
        reverse("reports_statistics"), {"org": county.pk, "date_from": START, "date_to": END}
    )
    rates = dict(page.context["rates"])
    names = {rate.name: value for rate, value in rates.items()}
    assert names["单位建会率"].endswith("%") and names["集体合同签订率"].endswith("%")
    assert 'data-testid="rates"' in page.content.decode()
    text = work_report(None, county, START, END).markdown()
    assert "建会率" + names["单位建会率"] in text
    assert "集体合同签订率达" + names["集体合同签订率"] in text
    # Every figure with a target says its completion, wherever it is written.
    from gonghui.reports.selectors import targets_for

    assert text.count("完成年度任务的") == len(targets_for(county, 2026))

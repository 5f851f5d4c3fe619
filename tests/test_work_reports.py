"""The editable work report: drafted from the indicators, edited by the office, exported as
Word from the edited text, its figures traceable to their records, and scoped like the rest."""

from __future__ import annotations

import io

import pytest
from docx import Document

from gonghui.core.errors import DomainError, NotFound
from gonghui.core.models import Event
from gonghui.reports import selectors, services
from gonghui.reports.models import WorkReport
from gonghui.reports.summary import work_report
from tests.conftest import snapshot
from tests.test_reports import END, START, register


@pytest.fixture
def members(tree):
    for n in range(3):
        register(tree.a1, n, 2 * n + 1)
    register(tree.b1, 9, 3)
    return tree


def test_a_draft_is_the_generated_report_with_its_figures(members):
    tree = members
    report = services.work_report_draft(actor=tree.town_a, org=tree.a, start=START, end=END)
    generated = work_report(tree.town_a, tree.a, START, END)
    assert report.title == "甲镇总工会2026年工作总结" == generated.title
    assert report.text == generated.body()
    assert "会员总数达3人" in report.text
    assert ["members.current", "3", "3人", "会员总数达3人"] in report.figures
    assert Event.objects.filter(action="workreport.draft", target_id=str(report.pk)).count() == 1
    traced = {f.key: f for f in selectors.traced_figures(report)}
    assert traced["members.current"].in_text and traced["members.current"].text == "3人"
    # Each figure keeps the words before it, even where a sentence lists the parts first.
    phrases = {f.key: f.phrase for f in traced.values()}
    assert phrases["orgs.service_points"].startswith("建成服务阵地")
    assert phrases["orgs.service_points.workers_home"].startswith("其中职工之家")
    for f in traced.values():
        assert f.phrase.endswith(f.text) and f.phrase in report.text


def test_edits_are_kept_and_edited_figures_are_flagged(members):
    tree = members
    report = services.work_report_draft(actor=tree.town_a, org=tree.a, start=START, end=END)
    text = report.text.replace("会员总数达3人", "会员总数达4人") + "\n（一）下一步打算\n加强宣传。"
    edited = services.work_report_edit(
        actor=tree.town_a, report=report, title="甲镇总工会2026年度工作总结", text=text
    )
    edited.refresh_from_db()
    assert edited.title == "甲镇总工会2026年度工作总结" and "4人" in edited.text
    flagged = [f.key for f in selectors.traced_figures(edited) if not f.in_text]
    assert flagged == ["members.current"]
    event = Event.objects.get(action="workreport.edit", target_id=str(report.pk))
    assert "会员总数" not in str(event.details)  # the log keeps sizes, not the prose
    # The Word file is made from the edited text, with its headings styled as headings.
    from gonghui.reports.exports import docx_from_text

    doc = Document(io.BytesIO(docx_from_text(edited.title, edited.text)))
    paragraphs = [(p.text, p.runs[0].font.name) for p in doc.paragraphs]
    assert paragraphs[0] == ("甲镇总工会2026年度工作总结", "方正小标宋简体")
    assert ("（一）下一步打算", "楷体_GB2312") in paragraphs
    assert any(t.startswith("一、") and f == "黑体" for t, f in paragraphs)
    assert any("会员总数达4人" in t and f == "仿宋_GB2312" for t, f in paragraphs)


def test_the_word_file_is_ready_to_file_a4_page_numbers_and_signature(members):
    """GB/T 9704: A4 with the official margins, "— 1 —" page numbers, and the 落款 (the org
    over the date) at the right under the text, in Word as in the Markdown."""
    from django.utils import timezone
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from gonghui.reports.exports import work_report_docx

    tree = members
    report = work_report(tree.town_a, tree.a, START, END)
    today = timezone.localdate()
    written = f"{today.year}年{today.month}月{today.day}日"
    assert report.signature() == ["甲镇总工会", written]
    assert report.markdown().rstrip().endswith(f"甲镇总工会\n\n{written}")
    assert report.body().endswith(f"甲镇总工会\n{written}")
    doc = Document(io.BytesIO(work_report_docx(report)))
    page = doc.sections[0]
    sizes = (page.page_width, page.page_height, page.top_margin, page.bottom_margin)
    sizes += (page.left_margin, page.right_margin)
    assert [round(length.mm) for length in sizes] == [210, 297, 37, 35, 28, 26]
    footer = page.footer.paragraphs[0]
    assert 'w:instr="PAGE"' in footer._p.xml and footer.text.startswith("— ")
    org, date = doc.paragraphs[-2], doc.paragraphs[-1]
    assert (org.text, date.text) == ("甲镇总工会", written)
    assert org.alignment == date.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # An edited text whose last line is no date has no 落款 set to the right.
    from gonghui.reports.exports import docx_from_text

    edited = docx_from_text(report.title, report.body() + "\n加强宣传。")
    last = Document(io.BytesIO(edited)).paragraphs[-1]
    assert last.text == "加强宣传。" and last.alignment != WD_ALIGN_PARAGRAPH.RIGHT


@pytest.mark.parametrize(("title", "text"), [("", "正文"), ("标题", "  \n ")])
def test_an_empty_title_or_text_is_refused_and_nothing_changes(members, title, text):
    tree = members
    report = services.work_report_draft(actor=tree.town_a, org=tree.a, start=START, end=END)
    before = snapshot(WorkReport)
    with pytest.raises(DomainError, match=r"为空|没有正文"):
        services.work_report_edit(actor=tree.town_a, report=report, title=title, text=text)
    assert snapshot(WorkReport) == before


def test_work_reports_are_scoped(members, client):
    tree = members
    mine = services.work_report_draft(actor=tree.town_a, org=tree.a, start=START, end=END)
    theirs = services.work_report_draft(actor=tree.town_b, org=tree.b, start=START, end=END)
    with pytest.raises(NotFound):
        services.work_report_draft(actor=tree.town_a, org=tree.b, start=START, end=END)
    with pytest.raises(NotFound):
        services.work_report_edit(actor=tree.town_a, report=theirs, title="x", text="y")
    assert list(selectors.work_reports_visible_to(tree.town_a)) == [mine]
    assert set(selectors.work_reports_visible_to(tree.county_staff)) == {mine, theirs}
    client.force_login(tree.town_a)
    listing = client.get("/admin/reports/workreport/")
    assert listing.context["cl"].result_count == 1
    for url in (
        f"/admin/reports/workreport/{theirs.pk}/change/",
        f"/admin/reports/workreport/{theirs.pk}/docx/",
    ):
        response = client.get(url)
        assert response.status_code in (302, 404) and b"PK" not in response.content[:2]
    # Drafting for a sibling through the add form is refused with the form's message.
    before = snapshot(WorkReport)
    page = client.post(
        "/admin/reports/workreport/add/",
        {"org": tree.b.pk, "date_from": "2026-01-01", "date_to": "2026-12-31"},
    )
    assert page.status_code == 200 and snapshot(WorkReport) == before


def test_draft_edit_and_download_through_the_back_office(members, client):
    tree = members
    client.force_login(tree.town_a)
    created = client.post(
        "/admin/reports/workreport/add/",
        {"org": tree.a.pk, "date_from": "2026-01-01", "date_to": "2026-12-31"},
    )
    report = WorkReport.objects.get()
    assert created.status_code == 302
    assert created["Location"].endswith(f"/admin/reports/workreport/{report.pk}/change/")
    page = client.get(created["Location"]).content.decode()
    assert "会员总数达3人" in page and "3人" in page and "key=members.current" in page
    saved = client.post(
        created["Location"], {"title": report.title, "text": report.text + "\n谢谢大家。"}
    )
    assert saved.status_code == 302
    download = client.get(f"/admin/reports/workreport/{report.pk}/docx/")
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    texts = [p.text for p in Document(io.BytesIO(download.content)).paragraphs]
    assert texts[-1] == "谢谢大家。"
    # A period that ends before it starts is refused on the form, and nothing is drafted.
    bad = client.post(
        "/admin/reports/workreport/add/",
        {"org": tree.a.pk, "date_from": "2026-12-31", "date_to": "2026-01-01"},
    )
    assert bad.status_code == 200 and WorkReport.objects.count() == 1
    assert "早于" in bad.content.decode() or "之前" in bad.content.decode()


def test_next_years_targets_and_plan_items_make_the_plan_section(tree):
    from gonghui.reports import services as report_services
    from gonghui.reports.models import PlanItem

    report_services.target_set(
        actor=tree.county_staff, org=tree.a, indicator="members.current", year=2027, value=35000
    )
    report_services.target_set(
        actor=tree.county_staff, org=tree.a, indicator="ledger.honours.lecture", year=2027, value=20
    )
    item = report_services.plan_item_create(
        actor=tree.town_a, org=tree.a, year=2027, text="持续推进八大群体入会"
    )
    with pytest.raises(NotFound):  # another township's plan
        report_services.plan_item_create(actor=tree.town_b, org=tree.a, year=2027, text="越界")
    report = work_report(tree.town_a, tree.a, START, END)
    heading, paragraphs = report.sections[-1]
    assert heading == "2027年工作计划"
    assert paragraphs[0] == "2027年，力争会员人数达到3.5万人；力争开展劳模工匠宣讲20场。"
    assert paragraphs[1] == "持续推进八大群体入会。"
    report_services.plan_item_update(actor=tree.town_a, item=item, changes={"text": "建会入会"})
    report_services.plan_item_delete(actor=tree.town_a, item=item)
    assert not PlanItem.objects.exists()

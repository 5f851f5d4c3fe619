"""The work ledger: entries in their categories, scoped, feeding the indicators and the report."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse

from gonghui.core.errors import NotFound
from gonghui.ledger import selectors, services
from gonghui.ledger.models import LedgerCategory, LedgerEntry
from gonghui.reports.selectors import figures
from tests.conftest import snapshot

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)


def entry(tree, org, code, **counts):
    return services.entry_create(
        actor=tree.county_staff,
        org=org,
        category=LedgerCategory.objects.get(code=code),
        title="劳模工匠精神进校园巡回宣讲",
        starts_on=datetime.date(2026, 5, 1),
        **counts,
    )


def test_the_starting_taxonomy_covers_every_work_area(db):
    areas = set(LedgerCategory.objects.values_list("work_area", flat=True))
    assert len(areas) == 11


def test_entries_feed_the_indicators_of_their_subtree(tree):
    entry(tree, tree.a1, "honours.lecture", sessions=16, person_times=3200)
    entry(tree, tree.b1, "honours.lecture", sessions=4)
    entry(tree, tree.b, "culture.volunteer", person_times=500, cash_amount=Decimal("12000"))
    county = {f.key: f.value for f in figures(tree.county_staff, tree.county, START, END)}
    a = {f.key: f.value for f in figures(tree.town_a, tree.a, START, END)}
    assert (county["ledger.honours.lecture"], a["ledger.honours.lecture"]) == (20, 16)
    assert county["ledger.culture.volunteer"] == 500
    assert county["ledger.culture.volunteer.amount"] == Decimal("12000.00")
    assert a["ledger.culture.volunteer"] == 0


def test_an_entry_without_any_figure_is_refused(tree):
    before = snapshot(LedgerEntry)
    with pytest.raises(Exception, match="至少"):
        entry(tree, tree.a1, "culture.sports")
    assert snapshot(LedgerEntry) == before


def test_entries_are_scoped(tree, client):
    mine = entry(tree, tree.a1, "culture.sports", sessions=2)
    theirs = entry(tree, tree.b1, "culture.sports", sessions=3)
    assert list(selectors.entries_visible_to(tree.town_a)) == [mine]
    with pytest.raises(Exception):  # noqa: B017 (the same answer as a missing record)
        services.entry_update(actor=tree.town_a, entry=theirs, changes={"sessions": 9})
    client.force_login(tree.town_a)
    listing = client.get("/admin/ledger/ledgerentry/")
    assert listing.context["cl"].result_count == 1
    got = client.get(f"/admin/ledger/ledgerentry/{theirs.pk}/change/")
    missing = client.get("/admin/ledger/ledgerentry/987654/change/")
    assert got.status_code == missing.status_code == 302


def test_ledger_figures_reach_the_work_report(tree):
    from gonghui.reports.summary import work_report

    entry(tree, tree.a1, "honours.lecture", sessions=16)
    entry(tree, tree.b, "culture.volunteer", person_times=500, cash_amount=Decimal("12000"))
    report = work_report(tree.county_staff, tree.county, START, END)
    headings = [h for h, _p in report.sections]
    assert "弘扬劳模精神、劳动精神、工匠精神" in headings
    text = report.markdown()
    assert "劳模工匠宣讲16场" in text and "志愿服务500人次（投入1.2万元）" in text
    assert "职工读书活动" not in text  # no data, no sentence


def test_ledger_import_with_its_bad_rows(tree, tmp_path):
    import csv

    header = [
        "组织*",
        "工作领域*",
        "类别*",
        "标题*",
        "开始日期*",
        "结束日期",
        "人数",
        "人次",
        "户数/家数",
        "场次/期数",
        "件数/份数",
        "资金(元)",
        "物资折价(元)",
        "备注",
    ]
    rows = [
        [
            "甲镇总工会",
            "宣传教育与文体活动",
            "志愿服务",
            "学雷锋志愿服务",
            "2026.3.5",
            "",
            "",
            "120",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        [
            "QS-B-1",
            "劳模与荣誉",
            "劳模工匠宣讲",
            "进校园宣讲",
            "2026年5月4日",
            "",
            "",
            "",
            "",
            "3",
            "",
            "2,000",
            "",
            "",
        ],
        [
            "QS-B-1",
            "劳模与荣誉",
            "劳模工匠宣讲",
            "进校园宣讲",
            "2026年5月4日",
            "",
            "",
            "",
            "",
            "3",
            "",
            "",
            "",
            "",
        ],  # the same entry again
        [
            "乙镇总工会",
            "维权",
            "不存在的类别",
            "普法",
            "2026-06-01",
            "",
            "",
            "",
            "",
            "1",
            "",
            "",
            "",
            "",
        ],
        [
            "甲镇总工会",
            "服务职工",
            "心理咨询服务",
            "暑期心理辅导",
            "2026-07-10",
            "2026-07-01",
            "30",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],  # ends before it starts
        [
            "甲镇总工会",
            "服务职工",
            "心理咨询服务",
            "无数字",
            "2026-07-10",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        [
            "甲镇总工会",
            "服务职工",
            "心理咨询服务",
            "人数有误",
            "2026-07-10",
            "",
            "2.5",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    ]
    path = tmp_path / "台账.csv"
    with path.open("w", encoding="gb18030", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["青山县工会工作台账"])
        writer.writerow(header)
        writer.writerows(rows)
    from gonghui.core.imports.engine import Mode, run_import
    from gonghui.ledger.imports import LedgerSpec

    outcome = run_import(
        LedgerSpec(), path, actor=tree.county_staff, org=tree.county, mode=Mode.PARTIAL
    )
    assert outcome.counts() == {
        "rows": 7,
        "valid": 2,
        "imported": 2,
        "updated": 0,
        "repaired": 0,
        "rejected": 5,
        "conflicts": 0,
    }
    assert sorted(p.row for p in outcome.problems) == [5, 6, 7, 8, 9]
    assert LedgerEntry.objects.get(title="进校园宣讲").cash_amount == Decimal("2000.00")
    # A township cannot import entries of another township: answered as "no such org".
    again = run_import(LedgerSpec(), path, actor=tree.town_a, org=tree.a, mode=Mode.VALIDATE)
    assert any("QS-B-1" in p.message for p in again.problems)


def test_an_estimated_count_is_written_with_yu_and_an_exact_one_never(tree):
    from gonghui.reports.summary import work_report

    entry(tree, tree.a1, "culture.volunteer", person_times=500, is_estimate=True)
    entry(tree, tree.a1, "culture.volunteer", person_times=23)
    entry(tree, tree.b1, "honours.lecture", sessions=16)
    by_key = {f.key: f for f in figures(tree.county_staff, tree.county, START, END)}
    assert (
        by_key["ledger.culture.volunteer"].value,
        by_key["ledger.culture.volunteer"].lower_bound,
    ) == (523, True)
    assert by_key["ledger.honours.lecture"].lower_bound is False
    # The other township's own figure is exact: the estimate lives in 甲镇's subtree only.
    b = {f.key: f for f in figures(tree.town_b, tree.b, START, END)}
    assert (
        b["ledger.culture.volunteer"].value == 0 and not b["ledger.culture.volunteer"].lower_bound
    )
    text = work_report(tree.county_staff, tree.county, START, END).markdown()
    assert "志愿服务520余人次" in text and "劳模工匠宣讲16场" in text
    assert "16余场" not in text


def test_the_ledger_import_reads_the_estimate_column(tree, tmp_path):
    import csv

    from gonghui.core.imports.engine import Mode, run_import
    from gonghui.ledger.imports import LedgerSpec

    path = tmp_path / "台账.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["组织*", "工作领域*", "类别*", "标题*", "开始日期*", "人次", "是否约数"])
        writer.writerow(
            ["甲镇总工会", "宣传教育与文体活动", "志愿服务", "学雷锋", "2026-03-05", "500", "是"]
        )
        writer.writerow(
            ["甲镇总工会", "宣传教育与文体活动", "志愿服务", "植树", "2026-03-12", "40", ""]
        )
        writer.writerow(
            ["甲镇总工会", "宣传教育与文体活动", "志愿服务", "清扫", "2026-04-01", "30", "大概"]
        )
    outcome = run_import(LedgerSpec(), path, actor=tree.town_a, org=tree.a, mode=Mode.PARTIAL)
    assert (outcome.counts()["imported"], outcome.counts()["rejected"]) == (2, 1)
    problem = outcome.problems[0]
    assert (problem.row, problem.column) == (4, "是否约数") and "是" in problem.message
    assert dict(LedgerEntry.objects.values_list("title", "is_estimate")) == {
        "学雷锋": True,
        "植树": False,
    }


def test_an_approximate_entry_leaves_the_figures_of_exact_ones_exact(tree, before_the_skills_area):
    """ "投入扶持资金180余万元" on one entry, "项目53个" on another: only the entries that give a
    figure its value say how it is known, amounts included."""
    entry(tree, tree.a1, "skills.training", sessions=3, people=120)
    entry(tree, tree.a1, "skills.training", cash_amount=Decimal("1834000"), is_estimate=True)
    by_key = {f.key: f for f in figures(tree.county_staff, tree.county, START, END)}
    assert by_key["ledger.skills.training.amount"].approximation == "at_least"
    assert by_key["ledger.skills.training"].approximation == ""
    assert by_key["ledger.skills.training.sessions"].approximation == ""
    from gonghui.reports.summary import work_report

    text = work_report(tree.county_staff, tree.county, START, END).markdown()
    assert "举办职工技能培训3期，培训职工120人（投入180余万元）" in text


def _ledger_before(monkeypatch, *codes):
    from gonghui.core import workareas
    from gonghui.ledger import services as ledger_services

    taken = {k: v for k, v in workareas.superseded_ledger_categories().items() if k not in codes}
    for module in (workareas, ledger_services):
        monkeypatch.setattr(module, "superseded_ledger_categories", lambda: taken)


@pytest.fixture
def before_the_rights_area(monkeypatch):
    """The ledger as it took collective contracts before the rights area's records did: the
    contract category is the one whose counts may be said in another word (226家), so the
    tests of unit words take entries in it as the ledger did then. Competitions and training
    too, as before the skills area: theirs are the categories with further figures (获奖)."""
    _ledger_before(monkeypatch, "rights.contract", *SKILLS_CATEGORIES)


@pytest.fixture
def before_the_skills_area(monkeypatch):
    """The ledger as it took competitions and training before the skills area's records did:
    the categories whose entries carry further figures (获奖, 取证) and placings."""
    _ledger_before(monkeypatch, *SKILLS_CATEGORIES)


SKILLS_CATEGORIES = ("skills.competition", "skills.training", "skills.innovation")


def test_an_entry_counts_in_a_word_its_category_allows_and_the_figure_follows_its_entries(
    tree, before_the_rights_area
):
    contracts = "rights.contract"
    entry(tree, tree.a1, contracts, households=120, units={"households": "家"})
    by_key = {f.key: f for f in figures(tree.county_staff, tree.county, START, END)}
    assert by_key["ledger.rights.contract"].unit == "家"
    entry(tree, tree.b1, contracts, households=6)  # counted in the category's own 户
    by_key = {f.key: f for f in figures(tree.county_staff, tree.county, START, END)}
    assert (by_key["ledger.rights.contract"].value, by_key["ledger.rights.contract"].unit) == (
        126,
        "户",
    )  # mixed words: the category's own
    a = {f.key: f for f in figures(tree.town_a, tree.a, START, END)}
    assert a["ledger.rights.contract"].unit == "家"
    with pytest.raises(ValidationError):
        entry(tree, tree.a1, contracts, households=1, units={"households": "头"})
    with pytest.raises(ValidationError):
        entry(tree, tree.a1, contracts, people=1, units={"people": "家"})


def test_placings_are_data_and_the_report_names_them(tree, before_the_skills_area):
    from gonghui.reports.summary import work_report

    entry(tree, tree.a1, "skills.competition", sessions=1, people=12, placings=[
        {"scope": "全省", "rank": 1, "group": ""}, {"scope": "全国", "rank": 18, "group": ""},
    ])  # fmt: skip
    entry(tree, tree.b1, "skills.competition", sessions=1, placings=[
        {"scope": "", "rank": 3, "group": "男子组"},
    ])  # fmt: skip
    text = work_report(tree.county_staff, tree.county, START, END).markdown()
    assert "劳模工匠精神进校园巡回宣讲获得全省第一、全国第十八" in text
    assert "获得男子组第三名" in text
    b = work_report(tree.town_b, tree.b, START, END).markdown()
    assert "全国第十八" not in b  # another township's placings stay in its subtree
    for bad in ([{"scope": "全省", "rank": 0}], [{"rank": 2}], ["第一"]):
        with pytest.raises(ValidationError):
            entry(tree, tree.a1, "skills.competition", sessions=1, placings=bad)


@pytest.mark.parametrize(
    ("text", "data"),
    [
        ("获奖：40", {"awards": 40}),
        ("获奖40件", {"awards": 40}),
        ("awards=7", {"awards": 7}),
        ("", {}),
    ],
)
def test_further_figures_are_read_by_the_words_the_report_says_them_in(db, text, data):
    from gonghui.ledger.entry_text import extra_text, read_extra

    category = LedgerCategory.objects.get(code="skills.competition")
    assert read_extra(category, text) == data
    if data:
        assert read_extra(category, extra_text(category, data)) == data


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("奖金：40", "获奖"),  # not a figure the category records; the message names those it does
        ("获奖：4.5", "整数"),
    ],
)
def test_a_further_figure_the_category_does_not_record_is_refused_in_chinese(db, text, message):
    from gonghui.ledger.entry_text import read_extra

    category = LedgerCategory.objects.get(code="skills.competition")
    with pytest.raises(ValueError, match=message):
        read_extra(category, text)


def test_unit_words_are_read_for_the_one_count_that_allows_them(db):
    from gonghui.ledger.entry_text import read_units, units_text

    contracts = LedgerCategory.objects.get(code="rights.contract")
    assert read_units(contracts, "家") == {"households": "家"}
    assert read_units(contracts, "户、份") == {}  # the category's own words need no note
    assert units_text({"households": "家"}) == "家"
    with pytest.raises(ValueError, match="家"):
        read_units(contracts, "头")


def test_the_ledger_import_reads_further_figures_placings_and_unit_words(
    tree, tmp_path, before_the_rights_area
):
    import csv

    from gonghui.core.imports.engine import Mode, run_import
    from gonghui.ledger.imports import LedgerSpec

    path = tmp_path / "台账.csv"
    head = ["组织", "工作领域", "类别", "标题", "开始日期", "场次", "户数/家数", "其他数字", "名次",
            "计量单位"]  # fmt: skip
    skills, rights = "劳动和技能竞赛", "维权"
    rows = [
        ["甲镇总工会", skills, "劳动和技能竞赛", "茶叶加工技能竞赛", "2026-05-01", "1", "",
         "获奖：3", "全省第一、全国第十八", ""],
        ["甲镇总工会", rights, "集体合同签订", "集体合同", "2026-06-01", "", "226", "", "", "家"],
        ["甲镇总工会", skills, "劳动和技能竞赛", "气排球", "2026-05-02", "1", "", "奖金：3", "",
         ""],
        ["甲镇总工会", skills, "劳动和技能竞赛", "象棋", "2026-05-03", "1", "", "", "优秀", ""],
        ["甲镇总工会", rights, "集体合同签订", "合同", "2026-06-02", "", "3", "", "", "头"],
        ["甲镇总工会", skills, "劳动和技能竞赛", "征文", "2026-05-04", "", "", "获奖：5", "", ""],
    ]  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([head, *rows])
    outcome = run_import(LedgerSpec(), path, actor=tree.town_a, org=tree.a, mode=Mode.PARTIAL)
    problems = {(p.row, p.column): p.message for p in outcome.problems}
    assert set(problems) == {(4, "其他数字"), (5, "名次"), (6, "计量单位")}, problems
    assert "获奖" in problems[(4, "其他数字")] and "全省第一" in problems[(5, "名次")]
    assert "家" in problems[(6, "计量单位")]
    assert outcome.counts()["imported"] == 3  # an entry with only a further figure is one
    stored = {e.title: e for e in LedgerEntry.objects.all()}
    assert stored["茶叶加工技能竞赛"].extra == {"awards": 3}
    assert stored["茶叶加工技能竞赛"].placings == [
        {"scope": "全省", "rank": 1, "group": ""},
        {"scope": "全国", "rank": 18, "group": ""},
    ]
    assert stored["集体合同"].units == {"households": "家"}
    assert stored["征文"].extra == {"awards": 5}


def test_the_entry_form_takes_further_figures_placings_and_unit_words_as_written(
    tree, client, before_the_skills_area
):
    client.force_login(tree.town_a)
    competition = LedgerCategory.objects.get(code="skills.competition")
    form = {
        "org": tree.a1.pk,
        "category": competition.pk,
        "title": "茶叶加工技能竞赛",
        "starts_on": "2026-05-01",
        **dict.fromkeys(("people", "person_times", "households", "items"), "0"),
        "sessions": "1",
        "cash_amount": "0",
        "goods_value": "0",
        "further_figures": "获奖：3",
        "placings_text": "全省第一、全国第十八",
        "unit_words": "",
    }
    bad = client.post("/admin/ledger/ledgerentry/add/", {**form, "placings_text": "优秀"})
    assert bad.status_code == 200 and "全省第一" in bad.content.decode()
    assert not LedgerEntry.objects.exists()
    saved = client.post("/admin/ledger/ledgerentry/add/", form)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    e = LedgerEntry.objects.get()
    assert (e.extra, e.placings[1]["rank"]) == ({"awards": 3}, 18)
    page = client.get(f"/admin/ledger/ledgerentry/{e.pk}/change/").content.decode()
    assert "全省第一、全国第十八" in page and "获奖：3" in page
    client.post(
        f"/admin/ledger/ledgerentry/{e.pk}/change/",
        {**form, "placings_text": "男子组第三名", "further_figures": ""},
    )
    e.refresh_from_db()
    assert (e.placings, e.extra) == ([{"scope": "", "rank": 3, "group": "男子组"}], {})


# -- attachments ------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _stored(media):
    """The files kept: rows of the encrypted store, and (there must be none) files on disk."""
    from gonghui.core.models import StoredFile

    on_disk = sorted(p.name for p in media.rglob("*") if p.is_file()) if media.exists() else []
    assert on_disk == []
    return sorted(str(pk) for pk in StoredFile.objects.values_list("pk", flat=True))


def _docx_bytes():
    import io

    from docx import Document

    out = io.BytesIO()
    doc = Document()
    doc.add_paragraph("签到表")
    doc.save(out)
    return out.getvalue()


def test_an_attachment_is_kept_under_a_random_name_and_served_in_scope(tree, client, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    e = entry(tree, tree.a1, "culture.sports", sessions=1)
    content = _docx_bytes()
    att = services.attachment_add(
        actor=tree.town_a, entry=e, upload=SimpleUploadedFile("签到表.docx", content)
    )
    assert att.name == "签到表.docx" and att.size == len(content)
    # Kept under a random id, encrypted: neither the name nor the bytes are in the row.
    stored = att.stored
    assert stored.kind == "docx" and len(str(stored.pk)) == 36
    assert content[:200] not in bytes(stored.content)
    client.force_login(tree.town_a)
    page = client.get(f"/admin/ledger/ledgerentry/{e.pk}/change/").content.decode()
    assert "签到表.docx" in page
    got = client.get(f"/admin/ledger/ledgerentry/attachments/{att.pk}/")
    assert got.content == content
    assert "attachment" in got["Content-Disposition"]
    assert got["X-Content-Type-Options"] == "nosniff"
    # Another township gets the same answer as for a file that does not exist.
    client.force_login(tree.town_b)
    for url in (
        f"/admin/ledger/ledgerentry/attachments/{att.pk}/",
        f"/admin/ledger/ledgerentry/attachments/{att.pk + 999}/",
    ):
        response = client.get(url)
        assert response.status_code in (302, 404) and content not in response.content
    refused = client.post(f"/admin/ledger/ledgerentry/attachments/{att.pk}/delete/")
    assert refused.status_code in (302, 404) and e.attachments.count() == 1
    sneaked = client.post(
        f"/admin/ledger/ledgerentry/{e.pk}/attach/",
        {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4 x")},
    )
    assert sneaked.status_code in (302, 404) and e.attachments.count() == 1
    with pytest.raises(NotFound):
        services.attachment_add(
            actor=tree.town_b, entry=e, upload=SimpleUploadedFile("y.pdf", b"%PDF-1.4 y")
        )
    assert e.attachments.count() == 1 and len(_stored(media)) == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ\x90\x00" + b"\0" * 60, "不能作为附件"),
        ("通知.pdf", b"MZ\x90\x00" + b"\0" * 60, "不是真正的"),
        ("照片.jpg", b"%PDF-1.4 not a picture", "不是真正的"),
        ("说明.txt", b"PK\x03\x04" + b"\0" * 60, "不是真正的"),
        ("空白.docx", b"", "是空的"),
        ("无扩展名", b"hello", "不能作为附件"),
    ],
)
def test_a_bad_attachment_is_refused_and_nothing_is_kept(tree, media, name, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.ledger.models import LedgerAttachment

    e = entry(tree, tree.a1, "culture.sports", sessions=1)
    before = snapshot(LedgerAttachment)
    with pytest.raises(Exception, match=message):
        services.attachment_add(
            actor=tree.town_a, entry=e, upload=SimpleUploadedFile(name, content)
        )
    assert snapshot(LedgerAttachment) == before and _stored(media) == []


def test_a_too_large_attachment_is_refused(tree, media, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    monkeypatch.setattr(services, "ATTACHMENT_MAX_BYTES", 1024 * 1024)
    e = entry(tree, tree.a1, "culture.sports", sessions=1)
    big = b"%PDF-1.4\n" + b"0" * (1024 * 1024)
    with pytest.raises(Exception, match="大于 1 MB"):
        services.attachment_add(
            actor=tree.town_a, entry=e, upload=SimpleUploadedFile("大.pdf", big)
        )
    assert _stored(media) == []


def test_removing_an_attachment_or_its_entry_removes_the_file(
    tree, media, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    e = entry(tree, tree.a1, "culture.sports", sessions=1)
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4 one")
    first = services.attachment_add(actor=tree.town_a, entry=e, upload=upload)
    services.attachment_add(
        actor=tree.town_a, entry=e, upload=SimpleUploadedFile("b.pdf", b"%PDF-1.4 two")
    )
    assert len(_stored(media)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_delete(actor=tree.town_a, attachment=first)
    assert len(_stored(media)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.entry_delete(actor=tree.town_a, entry=e)
    assert _stored(media) == []


def test_grouped_evaluation_equals_one_filtered_aggregate_per_indicator(
    tree, before_the_rights_area
):
    """The ledger's indicators are computed in one grouped query (``Indicator.group_by``); on
    random entries every figure, how it is known, its unit word, its months and its split over
    the orgs beneath equal those of the plain way, one filtered aggregate per indicator."""
    import dataclasses
    import random

    from gonghui.core.indicators import evaluate, evaluate_by_child, month_spans
    from gonghui.core.workareas import superseded_ledger_categories
    from gonghui.ledger.indicators import indicator_list

    rng = random.Random(12)
    taken = superseded_ledger_categories()
    categories = [c for c in LedgerCategory.objects.filter(is_active=True) if c.code not in taken]
    rng.shuffle(categories)
    chosen = [*categories[:6], LedgerCategory.objects.get(code="rights.contract")]
    orgs = [tree.a1, tree.b1, tree.a, tree.county]
    for n in range(80):
        c = rng.choice(chosen)
        extra = {k: rng.randint(0, 40) for k in (c.wording or {}).get("extra", {})}
        units = {
            field: words[0]
            for field, words in (c.wording or {}).get("unit_choices", {}).items()
            # Every contract in its own word, so that the figure takes it whatever the draw.
            if c.code == "rights.contract" or rng.random() < 0.5
        }
        services.entry_create(
            actor=tree.county_staff,
            org=rng.choice(orgs),
            category=c,
            title=f"活动{n}",
            starts_on=datetime.date(rng.choice([2025, 2026]), rng.randint(1, 12), 15),
            people=rng.choice([0, 0, rng.randint(1, 20000)]),
            person_times=rng.choice([0, rng.randint(1, 500)]),
            households=rng.choice([0, rng.randint(1, 50)]),
            sessions=rng.randint(1, 9) if n % 3 == 0 else rng.choice([0, rng.randint(1, 9)]),
            items=rng.choice([0, rng.randint(1, 30)]),
            cash_amount=Decimal(rng.choice([0, rng.randint(1, 900000)])) / 100,
            approximation=rng.choice(["", "", "at_least", "or_more", "nearly"]),
            subtype=rng.choice(["", *[s["code"] for s in c.subtypes]]),
            extra={k: v for k, v in extra.items() if v},
            units=units,
        )
    prefixes = tuple(f"ledger.{c.code}" for c in chosen)
    grouped = [i for i in indicator_list() if i.key.startswith(prefixes)]
    assert grouped and all(i.group_by for i in grouped)
    plain = [dataclasses.replace(i, group_by=(), group_value=()) for i in grouped]
    periods = [(START, END), (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))]
    months = {grouped[0].key: month_spans(START, END)}
    got = evaluate(grouped, tree.county, periods, months)
    want = evaluate(plain, tree.county, periods, months)
    assert got == want
    assert any(v for k, v in got.items() if k[1] == 0)  # the entries gave figures
    assert any(k[1] == "unit" for k in got) and any(k[1] == "approximation" for k in got)
    assert evaluate_by_child(grouped, tree.county, START, END) == evaluate_by_child(
        plain, tree.county, START, END
    )


def test_the_entry_form_shows_only_the_figures_a_category_uses(db, client, tree):
    from gonghui.ledger.admin import LedgerEntryAdmin
    from gonghui.ledger.selectors import categories_using, fields_used

    legal = LedgerCategory.objects.get(code="org.legal_person")
    assert fields_used(legal) == {"items"}  # 办理工会法人资格登记{items}: one count
    bare = LedgerCategory(code="x", name="新类别", unit="people", work_area="rights")
    assert {"people", "items", "cash_amount", "goods_value"} <= fields_used(bare)  # says all
    using = categories_using()
    assert legal.pk in using["items"] and legal.pk not in using["people"]
    conditions = LedgerEntryAdmin(LedgerEntry, admin.site).conditional_fields
    assert conditions["people"].startswith("!category || [")
    assert "Number(people) > 0" in conditions["people"]  # a typed figure never hides
    client.force_login(tree.clerk_a1)
    page = client.get(reverse("admin:ledger_ledgerentry_add")).content.decode()
    assert 'x-show="!category ||' in page


def test_attachments_go_with_the_first_save_and_a_bad_one_keeps_the_entry_out(tree, client, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    category = LedgerCategory.objects.get(code="culture.sports")
    form = {
        "org": tree.a1.pk,
        "category": category.pk,
        "title": "职工趣味运动会",
        "starts_on": "2026-05-01",
        "people": 0,
        "person_times": 0,
        "households": 0,
        "sessions": 1,
        "items": 0,
        "cash_amount": "0",
        "goods_value": "0",
        "approximation": "",
    }
    client.force_login(tree.clerk_a1)
    add = reverse("admin:ledger_ledgerentry_add")
    assert 'name="first_attachments"' in client.get(add).content.decode()
    refused = client.post(
        add,
        {
            **form,
            "first_attachments": [SimpleUploadedFile("照片.jpg", b"%PDF-1.4 not a picture")],
        },
    )
    assert refused.status_code == 200 and "不是真正的" in refused.content.decode()
    assert not LedgerEntry.objects.exists() and _stored(media) == []
    from gonghui.core.models import StoredFile

    assert not StoredFile.objects.exists()  # nothing half-written
    saved = client.post(
        add,
        {
            **form,
            "first_attachments": [
                SimpleUploadedFile("签到表.docx", _docx_bytes()),
                SimpleUploadedFile("通知.pdf", b"%PDF-1.4 notice"),
            ],
        },
    )
    assert saved.status_code == 302
    e = LedgerEntry.objects.get()
    assert sorted(a.name for a in e.attachments.all()) == ["签到表.docx", "通知.pdf"]
    # On the entry's own page the form has no upload box of its own: the panel adds more.
    page = client.get(reverse("admin:ledger_ledgerentry_change", args=[e.pk])).content.decode()
    assert 'name="first_attachments"' not in page and 'data-testid="attach"' in page


def test_a_refused_attachment_leaves_no_entry_behind_in_the_service_too(tree, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.core.models import StoredFile

    category = LedgerCategory.objects.get(code="culture.sports")
    with pytest.raises(ValidationError, match="不是真正的"):
        services.entry_create(
            actor=tree.clerk_a1,
            org=tree.a1,
            category=category,
            title="职工趣味运动会",
            starts_on=datetime.date(2026, 5, 1),
            sessions=1,
            attachments=[
                SimpleUploadedFile("通知.pdf", b"%PDF-1.4 notice"),
                SimpleUploadedFile("照片.jpg", b"%PDF-1.4 not a picture"),
            ],
        )
    # The entry and the first, good file went with the refused second one.
    assert not LedgerEntry.objects.exists() and not StoredFile.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_suite_puts_back_the_migrated_taxonomy_after_a_flush():
    """``conftest._restore_seeded_rows`` writes the starting taxonomy again after the flush
    that ends a transactional test: it must equal what the migrations leave."""
    from django.core.management import call_command

    fields = ["work_area", "code", "name", "unit", "is_active", "wording", "subtypes"]
    migrated = sorted(map(repr, LedgerCategory.objects.values_list(*fields)))
    call_command("flush", interactive=False, verbosity=0)
    assert len(migrated) > 30
    assert sorted(map(repr, LedgerCategory.objects.values_list(*fields))) == migrated

"""A township clerk in a real browser (Debian's chromium driven by Playwright)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import python_calamine
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from tests.conftest import PASSWORD
from tests.rosters import person_row, write_xlsx

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    # Django's live server runs in this process; its ORM calls must not trip the async guard
    # that Playwright's event loop would otherwise set off.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # Playwright's 5 s default is short for a busy two-core CI machine; a page that never
    # shows the text still fails, only later.
    expect.set_options(timeout=20_000)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield _Watched(browser)
        browser.close()


class _Watched:
    """The browser, whose pages report what the Content-Security-Policy blocked: a page of the
    platform that needs something the policy forbids is broken for its users."""

    def __init__(self, browser):
        self._browser = browser
        self.blocked: list[str] = []

    def new_page(self, **kwargs):
        page = self._browser.new_page(**kwargs)
        page.on(
            "console",
            lambda m: self.blocked.append(m.text) if "Content Security Policy" in m.text else None,
        )
        return page

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture(autouse=True)
def _nothing_blocked(request):
    yield
    if "browser" in request.fixturenames:
        watched = request.getfixturevalue("browser")
        blocked, watched.blocked[:] = list(watched.blocked), []
        assert blocked == [], blocked


def test_township_clerk_sees_only_own_subtree(browser, live_server, live_tree):
    ARTIFACTS.mkdir(exist_ok=True)
    # An English browser: the screens must still be Chinese.
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-US")
    page.goto(f"{live_server.url}/admin/login/")
    expect(page.locator("body")).to_contain_text("登录")
    page.fill("input[name=username]", "town_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1.gh-dash-title")).to_contain_text("甲镇总工会")

    page.get_by_role("link", name="工会组织树").click()
    tree = page.locator(".gh-tree")
    expect(tree).to_contain_text("甲公司工会委员会")
    expect(tree).not_to_contain_text("乙镇总工会")
    expect(tree).not_to_contain_text("乙公司工会委员会")
    expect(tree).not_to_contain_text("青山县总工会")
    page.screenshot(path=str(ARTIFACTS / "township-tree.png"), full_page=True)

    tree.get_by_role("link", name="甲公司工会委员会").click()
    expect(page.locator("input[name=name]")).to_have_value("甲公司工会委员会")
    page.screenshot(path=str(ARTIFACTS / "township-org.png"), full_page=True)

    page.goto(f"{live_server.url}/admin/orgs/org/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#result_list")).not_to_contain_text("乙")

    # Typing another township's record address by hand gives "does not exist".
    page.goto(f"{live_server.url}/admin/orgs/org/{live_tree.b1.pk}/change/")
    expect(page.locator("body")).not_to_contain_text("乙公司工会委员会")
    page.screenshot(path=str(ARTIFACTS / "township-forbidden.png"), full_page=True)
    page.close()


@pytest.fixture
def worker(live_server):
    """The real background worker (``gonghui worker``) on the live server's database."""
    from tests.test_member_import import _cli_env

    process = subprocess.Popen(
        [sys.executable, "-m", "gonghui.cli", "worker"],
        env=_cli_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    yield process
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def test_clerk_uploads_a_roster_fixes_the_errors_and_sees_the_members(
    browser, live_server, live_tree, worker, tmp_path
):
    ARTIFACTS.mkdir(exist_ok=True)
    good = [person_row(n, "") for n in range(1, 6)]
    bad = [
        person_row(6, "", id="1.10105E+17"),
        person_row(7, "", gender="男" if person_row(7, "")[2] == "女" else "女"),
    ]
    roster = write_xlsx(tmp_path / "甲公司会员名册.xlsx", good[:3] + bad + good[3:])

    page = browser.new_page(
        viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True
    )
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "clerk_a1")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.get_by_role("link", name="导入会员").first.click()  # the sidebar or the quick action
    page.set_input_files("#id_file", str(roster))
    page.screenshot(path=str(ARTIFACTS / "import-upload.png"), full_page=True)
    page.click("#gh-upload button[type=submit]")
    expect(page.locator(".gh-progress, [data-testid=import-result]").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "import-progress.png"))
    result = page.locator("[data-testid=import-result]")
    expect(result).to_be_visible(timeout=60000)
    expect(result).to_contain_text("没有导入")
    problems = page.locator("[data-testid=problems]")
    expect(problems).to_contain_text("Excel")
    expect(problems).to_contain_text("性别")
    page.screenshot(path=str(ARTIFACTS / "import-errors.png"), full_page=True)

    with page.expect_download() as download:
        page.click("[data-testid=download-problems]")
    fixed_path = tmp_path / "fixed.xlsx"
    download.value.save_as(fixed_path)
    rows = python_calamine.CalamineWorkbook.from_path(str(fixed_path)).get_sheet_by_index(0)
    rows = rows.to_python()
    assert [int(r[0]) for r in rows[1:]] == [6, 7]
    # The clerk fixes the two rows where they are and uploads the whole roster again.
    fixed = [*good[:3], person_row(6, ""), person_row(7, ""), *good[3:]]
    write_xlsx(tmp_path / "甲公司会员名册（改）.xlsx", fixed)
    page.get_by_role("link", name="导入会员").first.click()  # the sidebar or the quick action
    page.set_input_files("#id_file", str(tmp_path / "甲公司会员名册（改）.xlsx"))
    page.click("#gh-upload button[type=submit]")
    expect(result).to_contain_text("成功导入 7 人", timeout=60000)
    page.screenshot(path=str(ARTIFACTS / "import-done.png"), full_page=True)

    page.get_by_role("link", name="会员名册").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(7)
    page.screenshot(path=str(ARTIFACTS / "members-list.png"), full_page=True)
    page.locator("#result_list tbody tr").first.locator("a").first.click()
    expect(page.locator("[data-testid=masked-id]")).to_contain_text("**********")
    page.screenshot(path=str(ARTIFACTS / "member-page.png"), full_page=True)
    page.close()


def _login(browser, live_server, username, width=1280):
    context = browser.new_context(
        viewport={"width": width, "height": 900 if width > 500 else 844},
        locale="zh-CN",
        accept_downloads=True,
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    return context, page


def test_school_aid_from_application_to_the_bank_file(browser, live_server, live_tree, tmp_path):
    from gonghui.assistance.models import Campaign, Grant
    from tests.aid import build_aid, student

    ARTIFACTS.mkdir(exist_ok=True)
    aid = build_aid(live_tree)
    Campaign.objects.filter(pk=aid.school.pk).update(notice_days=0)
    kid = student(3, "bachelor")
    from gonghui.core.crypto import cipher
    from gonghui.members.crypto import ID_PURPOSE

    parent = aid.a_people[0]
    parent_id = cipher().decrypt(parent.id_number, ID_PURPOSE)

    # The grassroots clerk applies for a member's child.
    context, page = _login(browser, live_server, "clerk_a1")
    page.goto(f"{live_server.url}/admin/assistance/grant/new/")
    page.select_option("#id_campaign", label="2026 金秋助学")
    page.fill("#id_id_number_text", parent_id)
    page.fill("#id_cash_amount", "6000")
    page.fill("#id_student_name", kid["student_name"])
    page.fill("#id_student_id_number", kid["student_id_number"])
    page.fill("#id_school", kid["school"])
    page.select_option("#id_school_level", "bachelor")
    page.fill("#id_bank_name", "农业银行青山支行")
    page.fill("#id_bank_account", "6228 4800 1234 5678 901")
    page.click("#gh-form button[type=submit]")
    expect(page.locator("[data-testid=form-errors]")).to_contain_text("5000")  # the standard
    page.fill("#id_cash_amount", "5000")
    page.click("#gh-form button[type=submit]")
    expect(page.locator("[data-testid=grant-status]")).to_contain_text("草稿")
    page.click("button[data-step=submit]")
    expect(page.locator("[data-testid=grant-status]")).to_contain_text("已提交")
    page.screenshot(path=str(ARTIFACTS / "grant-submitted.png"), full_page=True)
    context.close()

    # The township reviews it; the county publishes the notice, approves and pays: each from
    # the 审批 page's tab, ticking the application, never opening its form.
    approvals = f"{live_server.url}/admin/assistance/grant/approvals/?campaign={aid.school.pk}"
    for username, tab, step, status in (
        ("town_a", "grants.review", "review", "reviewed"),
        ("county", "grants.notice", "notice", "noticed"),
        ("county", "grants.approve", "approve", "approved"),
    ):
        context, page = _login(browser, live_server, username)
        page.goto(f"{approvals}&tab={tab}")
        rows = page.locator("[data-testid=queue-rows]")
        expect(rows).to_contain_text(parent.name)
        rows.locator("input[name=ids]").first.check()
        page.click(f"button[data-step={step}]")
        expect(page.locator(".messagelist, [data-testid=queues]").first).to_be_visible()
        assert Grant.objects.get().status == status, (username, step)
        if step == "notice":
            page.screenshot(path=str(ARTIFACTS / "approvals-after-notice.png"), full_page=True)
            page.goto(f"{live_server.url}/admin/assistance/campaign/{aid.school.pk}/notice/")
            notice = page.locator("[data-testid=notice]")
            expect(notice).to_contain_text("职**")
            expect(notice).not_to_contain_text(parent.name)
            expect(notice).not_to_contain_text(parent_id)
            page.screenshot(path=str(ARTIFACTS / "grant-notice.png"), full_page=True)
        context.close()

    # The county pays it in a batch and downloads the bank's transfer list.
    context, page = _login(browser, live_server, "county")
    page.goto(f"{approvals}&tab=grants.batch")
    page.screenshot(path=str(ARTIFACTS / "approvals-to-pay.png"), full_page=True)
    page.locator("[data-testid=queue-rows] input[name=ids]").first.check()
    page.click("button[data-step=pay]")
    with page.expect_download() as download:
        page.click("[data-testid=bank-file]")
    bank = tmp_path / "bank.xlsx"
    download.value.save_as(bank)
    rows = python_calamine.CalamineWorkbook.from_path(str(bank)).get_sheet_by_index(0)
    assert rows.to_python()[4][1:6] == [
        parent.name,
        parent_id,
        "农业银行青山支行",
        "6228480012345678901",
        5000.0,
    ]
    page.fill("input[name=paid_on]", "2026-10-30")
    page.fill("input[name=reference]", "DF20261030")
    page.click("text=记为已发放")
    page.screenshot(path=str(ARTIFACTS / "grant-batch-paid.png"), full_page=True)
    page.goto(f"{live_server.url}/admin/assistance/campaign/{aid.school.pk}/dashboard/")
    expect(page.locator("[data-figure=paid]")).to_contain_text("5000元")
    expect(page.locator("[data-figure=people]")).to_contain_text("1")
    page.screenshot(path=str(ARTIFACTS / "campaign-dashboard.png"), full_page=True)
    context.close()


def test_the_application_form_follows_the_campaign_and_finds_the_member(
    browser, live_server, live_tree
):
    """Winter warmth asks no student fields; the clerk types a name, picks the member from
    the list (masked number, union, category) and gets the standard as the amount; school aid
    brings the student fields back."""
    from gonghui.assistance.models import Grant
    from tests.aid import build_aid

    ARTIFACTS.mkdir(exist_ok=True)
    build_aid(live_tree)
    for width in (1440, 390):
        context, page = _login(browser, live_server, "clerk_a1", width=width)
        page.goto(f"{live_server.url}/admin/assistance/grant/new/")
        page.select_option("#id_campaign", label="2026 冬送温暖")
        expect(page.locator("#id_student_name")).to_be_hidden()
        expect(page.locator("#id_eligibility_group")).to_be_visible()
        page.fill("#id_id_number_text", "职工")
        people = page.locator("[data-testid=person-preview] button")
        expect(people).to_have_count(4)
        expect(people.first).to_contain_text("5305")
        expect(people.first).to_contain_text("*")
        people.first.click()
        chosen = page.locator(".gh-person-chosen")
        expect(chosen).to_contain_text("职工1")
        expect(chosen).to_contain_text("深度困难")
        expect(page.locator("#id_cash_amount")).to_have_value("2000.00")
        expect(page.locator("[data-testid=standard-hint]")).to_contain_text("2000.00")
        page.screenshot(path=str(ARTIFACTS / f"grant-form-{width}.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{width}px: {overflow}px too wide"
        if width == 1440:
            page.click("#gh-form button[type=submit]")
            expect(page.locator("[data-testid=grant-status]")).to_contain_text("草稿")
            assert Grant.objects.get().cash_amount == 2000
        else:
            page.select_option("#id_campaign", label="2026 金秋助学")
            expect(page.locator("#id_student_name")).to_be_visible()
            expect(page.locator("#id_eligibility_group")).to_be_hidden()
        context.close()


def test_the_hardship_file_form_says_the_category_as_figures_are_typed(
    browser, live_server, live_tree
):
    from tests.aid import build_aid

    ARTIFACTS.mkdir(exist_ok=True)
    build_aid(live_tree)
    context, page = _login(browser, live_server, "clerk_a1", width=390)
    page.goto(f"{live_server.url}/admin/assistance/hardshipfile/new/")
    page.fill("#id_id_number_text", "职工4")
    picked = page.locator("[data-testid=person-preview] button")
    expect(picked).to_contain_text("未建档")  # the same picker as the application's
    picked.click()
    expect(page.locator(".gh-person-chosen")).to_contain_text("职工4")
    box = page.locator("[data-testid=assessment]")
    expect(box).to_contain_text("填写家庭人口")
    page.fill("#id_household_size", "3")
    page.fill("#id_annual_income", "30000")
    expect(box.locator("strong")).to_have_text("相对困难")  # 833.33 a head, line 720
    page.fill("#id_expense_illness", "6000")
    expect(box).to_contain_text("666.67")
    expect(box.locator("strong")).to_have_text("深度困难")
    page.screenshot(path=str(ARTIFACTS / "hardship-form-390.png"), full_page=True)
    assert (
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        <= 0
    )
    context.close()


def test_the_ledger_form_shows_the_counts_of_the_chosen_category(browser, live_server, live_tree):
    from gonghui.ledger.models import LedgerCategory

    ARTIFACTS.mkdir(exist_ok=True)
    # Made here: a browser test's database is emptied between tests, migrations' rows too.
    legal, _new = LedgerCategory.objects.update_or_create(
        code="org.legal_person",
        defaults={
            "work_area": "organisation",
            "name": "工会法人资格登记",
            "unit": "items",
            "wording": {"units": {"items": "个"}, "say": [["办理工会法人资格登记{items}"]]},
        },
    )
    context, page = _login(browser, live_server, "clerk_a1", width=390)
    page.goto(f"{live_server.url}/admin/ledger/ledgerentry/add/")
    expect(page.locator("#id_people")).to_be_visible()  # no category yet: every count
    page.select_option("#id_category", str(legal.pk))
    expect(page.locator("#id_items")).to_be_visible()
    for hidden in ("people", "person_times", "households", "sessions", "cash_amount"):
        expect(page.locator(f"#id_{hidden}")).to_be_hidden()
    page.screenshot(path=str(ARTIFACTS / "ledger-form-390.png"), full_page=True)
    context.close()


def test_a_long_roster_export_runs_in_the_worker_with_its_progress_page(
    browser, live_server, live_tree, worker, monkeypatch, tmp_path
):
    from gonghui.core import exportjobs
    from gonghui.members.services import member_register
    from tests.rosters import id_number

    ARTIFACTS.mkdir(exist_ok=True)
    monkeypatch.setattr(exportjobs, "INLINE_ROWS", 2)  # three members make a long export here
    for n, org in enumerate((live_tree.a1, live_tree.a1, live_tree.b1)):
        member_register(actor=None, org=org, id_number=id_number(seq=n * 2 + 2), name=f"会员{n}")
    context, page = _login(browser, live_server, "county")
    page.goto(f"{live_server.url}/admin/members/person/")
    page.get_by_role("link", name="导出 Excel（打码）").click()
    expect(page.locator("[data-testid=export-job]")).to_contain_text("会员名册")
    page.screenshot(path=str(ARTIFACTS / "export-progress.png"), full_page=True)
    # The page follows the worker and shows the file when it is written.
    expect(page.locator("[data-testid=export-result]")).to_contain_text(
        "已写入 3 行", timeout=60000
    )
    with page.expect_download() as download:
        page.click("[data-testid=export-file]")
    path = tmp_path / "roster.xlsx"
    download.value.save_as(path)
    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert sorted(r[0] for r in rows[1:]) == ["会员0", "会员1", "会员2"]
    assert all("*" in r[1] for r in rows[1:])  # masked
    page.screenshot(path=str(ARTIFACTS / "export-done.png"), full_page=True)
    context.close()


def test_county_opens_the_statistics_clicks_a_figure_and_downloads_the_report(
    browser, live_server, live_tree, tmp_path
):
    from django.utils import timezone
    from docx import Document

    from gonghui.members.services import member_register
    from tests.rosters import id_number

    ARTIFACTS.mkdir(exist_ok=True)
    for n, org in enumerate((live_tree.a1, live_tree.a1, live_tree.b1)):
        member_register(actor=None, org=org, id_number=id_number(seq=n * 2 + 2), name=f"会员{n}")
    context, page = _login(browser, live_server, "county")
    page.get_by_role("link", name="指标、统计表和工作总结").click()
    page.click("#gh-period button[type=submit]")
    row = page.locator('tr[data-key="members.current"]')
    expect(row).to_contain_text("3人")
    page.screenshot(path=str(ARTIFACTS / "statistics.png"), full_page=True)
    row.get_by_role("link", name="会员人数").click()
    expect(page.locator("[data-testid=records-figure]")).to_contain_text("3人")
    expect(page.locator("[data-testid=records] tr")).to_have_count(5)  # header, 3, total
    page.screenshot(path=str(ARTIFACTS / "statistics-records.png"), full_page=True)
    page.go_back()
    with page.expect_download() as download:
        page.click("[data-testid=download-report]")
    path = tmp_path / "report.docx"
    download.value.save_as(path)
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "会员总数达3人" in text
    # The figure's trend and its split over the townships; a township opens its own page.
    row.locator("[data-testid=focus]").click()
    expect(
        page.locator('[data-testid=trends] figure[data-key="members.current"] rect')
    ).to_have_count(timezone.localdate().month)  # the default period: this year so far
    split = page.locator("[data-testid=breakdown]")
    expect(split).to_contain_text("甲镇总工会")
    page.screenshot(path=str(ARTIFACTS / "statistics-trend.png"), full_page=True)
    split.get_by_role("link", name="甲镇总工会").click()
    expect(page.locator('tr[data-key="members.current"]')).to_contain_text("2人")
    page.go_back()
    # Draft the report, edit it in the back office, and download the edited Word file.
    page.click("[data-testid=draft-report]")
    area = page.locator("textarea[name=text]")
    expect(area).to_contain_text("会员总数达3人")
    area.fill(area.input_value().replace("会员总数达3人", "会员总数达300人") + "\n谢谢各位。")
    page.click("button[name=_continue]")
    expect(page.locator("[data-testid=figure-edited]")).to_contain_text("会员人数")
    page.screenshot(path=str(ARTIFACTS / "work-report-draft.png"), full_page=True)
    with page.expect_download() as edited:
        page.click("[data-testid=report-docx]")
    edited_path = tmp_path / "edited.docx"
    edited.value.save_as(edited_path)
    paragraphs = [p.text for p in Document(str(edited_path)).paragraphs]
    assert paragraphs[-1] == "谢谢各位。" and any("会员总数达300人" in p for p in paragraphs)
    context.close()


@pytest.mark.parametrize(
    ("username", "first_todo"),
    [
        ("county", "待审核的帮扶申请"),
        ("town_a", "待审核的帮扶申请"),
        ("clerk_a1", "尚未提交的帮扶申请"),
    ],
)
def test_each_role_starts_from_its_to_dos(browser, live_server, live_tree, username, first_todo):
    """The first screen says what waits on this role; one click opens exactly that list. Also
    kept as screenshots at desktop and phone width."""
    from tests.aid import build_aid
    from tests.test_assistance import grant

    ARTIFACTS.mkdir(exist_ok=True)
    aid = build_aid(live_tree)
    grant(aid, live_tree, n=0)  # a draft of 甲公司
    grant(aid, live_tree, n=1, step_until="submit")
    for width, height in ((1440, 900), (390, 844)):
        page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        todos = page.locator("[data-home=todos]")
        expect(todos).to_contain_text("待办事项")
        expect(todos).to_contain_text(first_todo)
        page.screenshot(path=str(ARTIFACTS / f"home-{username}-{width}.png"), full_page=True)
        # Nothing of the home page is wider than the phone.
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{username} at {width}px: {overflow}px too wide"
        page.get_by_role("link", name=first_todo).first.click()
        expect(page.locator("[data-testid=queue-rows]")).to_contain_text("职工")
        page.screenshot(path=str(ARTIFACTS / f"approvals-{username}-{width}.png"), full_page=True)
        page.close()


def test_the_clerks_pages_fit_a_phone(browser, live_server, live_tree):
    """At 390 px (a phone in WeChat) the pages a clerk works in fit the screen: nothing makes
    the page wider than the phone (a wide table scrolls inside its own box)."""
    from tests.aid import build_aid
    from tests.test_assistance import grant

    ARTIFACTS.mkdir(exist_ok=True)
    aid = build_aid(live_tree)
    grant(aid, live_tree, n=1, step_until="submit")
    pages = {
        "clerk_a1": ["/admin/assistance/grant/new/", "/admin/core/importjob/new/members/"],
        "county": [
            "/admin/reports/statistics/",
            "/admin/assistance/grant/",
            "/admin/assistance/grant/approvals/",
        ],
    }
    too_wide = []
    for username, urls in pages.items():
        context, page = _login(browser, live_server, username, width=390)
        for url in urls:
            page.goto(f"{live_server.url}{url}")
            expect(page.locator("body")).to_contain_text("工会工作平台")
            name = url.strip("/").replace("/", "-")
            page.screenshot(path=str(ARTIFACTS / f"phone-{username}-{name}.png"), full_page=True)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                too_wide.append(f"{url}: {overflow}px")
        context.close()
    assert too_wide == []


def test_county_runs_a_nomination_round_from_quota_to_award(browser, live_server, live_tree):
    """The county opens a round, gives 甲镇 its places; the grassroots clerk nominates a member
    by ID number; the township reviews; the county recommends within the quota, publishes the
    notice, sends it up and records the award; the statistics page counts it."""
    from gonghui.core.crypto import cipher
    from gonghui.honors.models import Honor, HonorAward, HonorNomination
    from gonghui.members.crypto import ID_PURPOSE
    from tests.test_honors import DEEDS, member

    ARTIFACTS.mkdir(exist_ok=True)
    person = member(live_tree.a1, 1)
    number = cipher().decrypt(person.id_number, ID_PURPOSE)
    year = str(timezone.localdate().year)

    context, page = _login(browser, live_server, "county")
    page.goto(f"{live_server.url}/admin/honors/honor/add/")
    page.select_option("#id_kind", "may_day_medal")
    page.select_option("#id_level", "city")
    page.fill("#id_conferring_body", "保山市总工会")
    page.fill("#id_year", year)
    page.locator("#id_org").select_option(str(live_tree.county.pk), force=True)
    page.check("#id_nominations_open")
    page.fill("#id_places", "2")
    page.fill("#id_notice_days", "0")
    page.fill("#id_objection_contact", "县总工会 0875-1234567")
    page.fill("#id_min_front_line_pct", "50")
    page.click("button[name=_continue]")
    honor = Honor.objects.get()
    page.get_by_role("link", name="下达名额").click()
    page.locator("#id_org").select_option(str(live_tree.a.pk), force=True)
    page.fill("#id_places", "3")
    page.click("button[name=_save]")
    expect(page.locator(".errorlist, [data-testid=form-errors]").first).to_contain_text("超过")
    page.fill("#id_places", "1")
    page.click("button[name=_save]")
    assert honor.quotas.get().places == 1
    context.close()

    context, page = _login(browser, live_server, "clerk_a1")
    page.goto(f"{live_server.url}/admin/honors/honornomination/add/")
    page.select_option("#id_honor", str(honor.pk))
    page.locator("#id_org").select_option(str(live_tree.a1.pk), force=True)
    page.fill("#id_id_number_text", number)
    page.fill("#id_workplace", "甲公司 检修班班长")
    page.fill("#id_deeds", "太短")
    page.click("button[name=_save]")
    expect(page.locator(".errorlist").first).to_contain_text("20")
    page.fill("#id_deeds", DEEDS)
    page.check("#id_is_front_line")
    page.click("button[name=_save]")
    nomination = HonorNomination.objects.get()
    assert nomination.person == person
    approvals = f"{live_server.url}/admin/honors/honornomination/approvals/?honor={honor.pk}"
    page.goto(f"{approvals}&tab=nominations.draft")
    page.locator("[data-testid=queue-rows] input[name=ids]").first.check()
    page.click("button[data-step=submit]")
    context.close()

    # The township reviews; the county takes the rest, each from its tab, in one sitting.
    contexts = {}
    for username, tab, step, status in (
        ("town_a", "nominations.review", "review", "reviewed"),
        ("county", "nominations.recommend", "recommend", "recommended"),
        ("county", "nominations.notice", "notice", "noticed"),
        ("county", "nominations.noticed", "forward", "forwarded"),
        ("county", "nominations.decide", "confer", "conferred"),
    ):
        if username not in contexts:
            for other in contexts.values():
                other[0].close()
            contexts = {username: _login(browser, live_server, username)}
        context, page = contexts[username]
        page.goto(f"{approvals}&tab={tab}")
        rows = page.locator("[data-testid=queue-rows]")
        expect(rows).to_contain_text(person.name)
        expect(rows).not_to_contain_text(number)
        if step == "recommend":
            expect(page.locator("[data-testid=queue-notes]")).to_contain_text("名额1个，已推荐0个")
        rows.locator("input[name=ids]").first.check()
        page.click(f"button[data-step={step}]")
        expect(page.locator("[data-testid=queues]")).to_be_visible()
        assert HonorNomination.objects.get().status == status, (username, step)
        if step == "notice":
            page.screenshot(path=str(ARTIFACTS / "honors-approvals.png"), full_page=True)
            page.goto(f"{live_server.url}/admin/honors/honor/{honor.pk}/notice/")
            notice = page.locator("[data-testid=notice]")
            expect(notice).to_contain_text(person.name[0] + "*")
            expect(notice).not_to_contain_text(person.name)
            page.screenshot(path=str(ARTIFACTS / "honors-notice.png"), full_page=True)
    assert HonorAward.objects.get().person == person

    page.get_by_role("link", name="指标、统计表和工作总结").click()
    page.click("#gh-period button[type=submit]")
    row = page.locator('tr[data-key="honors.kind.may_day_medal"]')
    row.locator("xpath=ancestor::details").locator("summary").click()  # unfold its area
    expect(row).to_contain_text("1人")
    row.get_by_role("link").first.click()
    expect(page.locator("[data-testid=records]")).to_contain_text(person.name)
    page.screenshot(path=str(ARTIFACTS / "honors-records.png"), full_page=True)
    context.close()


def test_county_enrols_a_roster_and_pays_a_claim_computed_from_the_plan(
    browser, live_server, live_tree, worker, tmp_path
):
    """The county imports 甲公司's roster for last year, records the premium, files a member's
    stay (the payout computed from the plan, shown with its computation), approves it, pays it
    in a batch, and finds it on the statistics page."""
    from gonghui.mutualaid.models import AidClaim, AidEnrollmentBatch
    from tests.test_mutualaid import member, number_of, plans, roster

    ARTIFACTS.mkdir(exist_ok=True)
    year = timezone.localdate().year - 1  # a whole year behind us: the stay is over and paid
    hospital = plans(live_tree)[0]
    people = [member(live_tree.a1, n) for n in range(6)]
    path = roster(
        [[p.name, number_of(p), "职工住院医疗互助保障"] for p in people], tmp_path / "参保名单.xlsx"
    )

    context, page = _login(browser, live_server, "county")
    page.get_by_role("link", name="导入参保名单").first.click()
    page.locator("#id_org").select_option(str(live_tree.a1.pk), force=True)
    page.fill("#id_year", str(year))
    page.fill("#id_staff", "6")
    page.select_option("#id_unit_type", "private")
    page.set_input_files("#id_file", str(path))
    page.screenshot(path=str(ARTIFACTS / "mutualaid-import.png"), full_page=True)
    page.click("#gh-upload button[type=submit]")
    expect(page.locator("[data-testid=import-result]")).to_contain_text("6", timeout=60000)
    batch = AidEnrollmentBatch.objects.get()
    assert batch.people == 6 and batch.premium == 240

    page.goto(f"{live_server.url}/admin/mutualaid/aidenrollmentbatch/{batch.pk}/change/")
    page.fill("input[name=paid_on]", f"{year}-01-05")
    page.click("[data-testid=record-premium]")
    expect(page.locator("[data-testid=batch-status]")).to_contain_text("已缴费")
    page.screenshot(path=str(ARTIFACTS / "mutualaid-batch.png"), full_page=True)

    page.goto(f"{live_server.url}/admin/mutualaid/aidclaim/add/")
    page.fill("#id_id_number_text", number_of(people[0]))
    page.select_option("#id_plan", str(hospital.pk))
    page.fill("#id_admitted_on", f"{year}-03-01")  # within the 90-day waiting period
    page.fill("#id_discharged_on", f"{year}-03-08")
    page.fill("#id_hospital", "青山县人民医院")
    page.fill("#id_total_cost", "20000")
    page.fill("#id_insurance_paid", "10000")
    page.fill("#id_bank_name", "农业银行青山支行")
    page.fill("#id_bank_account_text", "6228480012345678901")
    page.click("button[name=_continue]")
    expect(page.locator(".errorlist, [data-testid=form-errors]").first).to_contain_text("等待期")
    page.fill("#id_admitted_on", f"{year}-06-01")
    page.fill("#id_discharged_on", f"{year}-06-08")
    page.click("button[name=_continue]")
    basis = page.locator("[data-testid=claim-basis]")
    expect(basis).to_contain_text("5000元×50% + 4500元×60% = 5200元")
    expect(page.locator("[data-testid=claim-payout]")).to_contain_text("5200")
    page.click("button[data-step=submit]")
    page.click("button[data-step=approve]")
    expect(page.locator("[data-testid=claim-status]")).to_contain_text("已批准")
    page.screenshot(path=str(ARTIFACTS / "mutualaid-claim.png"), full_page=True)
    claim = AidClaim.objects.get()

    page.goto(f"{live_server.url}/admin/mutualaid/aidclaim/")
    page.locator(f"input[name=_selected_action][value='{claim.pk}']").check(force=True)
    page.select_option("select[name=action]", "batch_selected")
    page.locator("button[name=index], button[type=submit][title]").first.click()
    page.fill("input[name=paid_on]", f"{year}-06-20")
    page.fill("input[name=reference]", "HZ001")
    page.click("[data-testid=mark-paid]")
    expect(page.locator(".gh-panel").first).to_contain_text("已发放")
    page.screenshot(path=str(ARTIFACTS / "mutualaid-payout-batch.png"), full_page=True)
    claim.refresh_from_db()
    assert claim.status == "paid"

    page.get_by_role("link", name="指标、统计表和工作总结").click()
    page.fill("#id_date_from", f"{year}-01-01")
    page.fill("#id_date_to", f"{year}-12-31")
    page.click("#gh-period button[type=submit]")
    row = page.locator('tr[data-key="mutualaid.payouts.amount"]')
    row.locator("xpath=ancestor::details").locator("summary").click()  # unfold its area
    expect(row).to_contain_text("5200元")
    expect(page.locator('tr[data-key="mutualaid.enrolled"]')).to_contain_text("6人")
    page.screenshot(path=str(ARTIFACTS / "mutualaid-statistics.png"), full_page=True)
    row.get_by_role("link").first.click()
    expect(page.locator("[data-testid=records]")).to_contain_text(people[0].name)
    context.close()


def test_county_files_a_regional_contract_from_negotiation_to_in_force(
    browser, live_server, live_tree
):
    """The county records 甲镇's regional contract for two firms, is refused a vote without
    two thirds present, records the approval, the signing and the filing, sees when it may
    take effect, puts it in force, and finds it on the statistics page with its coverage."""
    from gonghui.orgs.services import employer_create
    from gonghui.rights.models import CollectiveContract

    ARTIFACTS.mkdir(exist_ok=True)
    year = timezone.localdate().year - 1
    small = employer_create(
        actor=None, org=live_tree.a, name="甲镇小饭店", unit_type="170", headcount=12
    )
    shops = [
        employer_create(actor=None, org=live_tree.a, name=f"甲镇商户{n}", unit_type="170")
        for n in range(12)
    ]
    context, page = _login(browser, live_server, "county")
    page.get_by_role("link", name="登记集体合同").first.click()
    page.locator("#id_org").select_option(str(live_tree.a.pk), force=True)
    page.fill("#id_title", "甲镇餐饮业区域性集体合同")
    page.select_option("#id_reach", "regional")
    page.select_option("#id_subject", "comprehensive")
    # A long list narrows as the clerk types; what is ticked stays in sight.
    page.locator(f"input[name=employers][value='{live_tree.emp_a.pk}']").check()
    page.get_by_test_id("checklist-filter").fill("小饭店")
    expect(page.locator(f"input[name=employers][value='{shops[0].pk}']")).to_be_hidden()
    expect(page.locator(f"input[name=employers][value='{live_tree.emp_a.pk}']")).to_be_visible()
    page.locator(f"input[name=employers][value='{small.pk}']").check()
    page.get_by_test_id("checklist-filter").fill("")
    expect(page.locator(f"input[name=employers][value='{shops[0].pk}']")).to_be_visible()
    page.fill("#id_workers_covered", "132")
    page.fill("#id_women_covered", "60")
    page.fill("#id_union_negotiator", "王主席")
    page.fill("#id_employer_negotiator", "赵经理")
    page.fill("#id_rounds", "3")
    page.screenshot(path=str(ARTIFACTS / "rights-contract-add.png"), full_page=True)
    page.click("button[name=_continue]")
    expect(page.locator("[data-testid=contract-status]")).to_contain_text("协商中")
    expect(page.locator("[data-testid=contract-employers]")).to_contain_text("甲镇小饭店")

    approve = page.locator("[data-testid=step-approve]")
    approve.locator("input[name=eligible]").fill("45")
    approve.locator("input[name=present]").fill("29")  # fewer than two thirds of 45
    approve.locator("input[name=in_favour]").fill("29")
    approve.locator("input[name=approved_on]").fill(f"{year}-03-01")
    approve.locator("button[data-step=approve]").click()
    expect(page.get_by_text("到会人数不足三分之二")).to_be_visible()
    expect(page.locator("[data-testid=contract-status]")).to_contain_text("协商中")
    approve = page.locator("[data-testid=step-approve]")
    approve.locator("input[name=eligible]").fill("45")
    approve.locator("input[name=present]").fill("40")
    approve.locator("input[name=in_favour]").fill("38")
    approve.locator("input[name=approved_on]").fill(f"{year}-03-01")
    approve.locator("button[data-step=approve]").click()
    expect(page.locator("[data-testid=contract-status]")).to_contain_text("已审议通过")
    page.locator("[data-testid=step-sign] input[name=signed_on]").fill(f"{year}-03-05")
    page.click("button[data-step=sign]")
    page.locator("[data-testid=step-file] input[name=filed_on]").fill(f"{year}-03-12")
    page.click("button[data-step=file]")
    expect(page.locator("[data-testid=contract-status]")).to_contain_text("已报送审查")
    page.click("button[data-step=effect]")
    expect(page.locator("[data-testid=contract-status]")).to_contain_text("已生效")
    expect(page.locator("[data-testid=contract-term]")).to_contain_text(
        f"{year}-03-27—{year + 3}-03-26"
    )
    page.screenshot(path=str(ARTIFACTS / "rights-contract.png"), full_page=True)
    assert CollectiveContract.objects.get().status == "in_force"

    page.get_by_role("link", name="指标、统计表和工作总结").click()
    page.fill("#id_date_from", f"{year}-01-01")
    page.fill("#id_date_to", f"{year}-12-31")
    page.click("#gh-period button[type=submit]")
    row = page.locator('tr[data-key="rights.contracts"]')
    area = row.locator("xpath=ancestor::details")
    if area.get_attribute("open") is None:  # the first areas with figures are open
        area.locator("summary").click()
    expect(row).to_contain_text("1份")
    expect(page.locator('tr[data-key="rights.contracts.employers"]')).to_contain_text("2户")
    expect(page.locator('tr[data-key="rights.contracts.workers"]')).to_contain_text("132人")
    page.screenshot(path=str(ARTIFACTS / "rights-statistics.png"), full_page=True)
    row.get_by_role("link").first.click()
    expect(page.locator("[data-testid=records]")).to_contain_text("甲镇餐饮业区域性集体合同")
    context.close()


def test_county_takes_on_a_dispute_and_mediates_it_to_an_agreement(browser, live_server, live_tree):
    """The county's mediation room takes on a worker's wage claim (the employer found by
    typing its name), a mediator takes it, the agreement is recorded with the money
    recovered, the list shows the worker's name masked, and the statistics count the case."""
    from gonghui.orgs.models import ServicePoint
    from gonghui.orgs.services import service_point_create
    from gonghui.rights import services as rights
    from gonghui.rights.models import DisputeCase

    ARTIFACTS.mkdir(exist_ok=True)
    year = timezone.localdate().year - 1
    room = service_point_create(
        actor=None,
        org=live_tree.county,
        kind=ServicePoint.Kind.MEDIATION_ROOM,
        name="青山县劳动争议诉调对接工作室",
        partner="青山县人民法院",
    )
    rights.mediator_create(actor=None, room=room, name="赵律师", kind="lawyer")
    context, page = _login(browser, live_server, "county")
    page.get_by_role("link", name="受理劳动争议").first.click()
    page.select_option("#id_room", str(room.pk))
    page.fill("#id_received_on", f"{year}-05-06")
    page.select_option("#id_channel", "court")
    page.select_option("#id_dispute_type", "wages")
    page.fill("#id_worker_name", "刘大壮")
    page.fill("#id_worker_phone_text", "13912345678")
    page.fill("#id_workers_involved", "3")
    page.locator("#id_employer").locator("xpath=following-sibling::span[1]").click()
    page.locator(".select2-search__field").fill("甲公司")
    page.locator(".select2-results__option", has_text="甲公司").first.click()
    page.fill("#id_amount_claimed", "45000")
    page.click("button[name=_continue]")  # no claim written: refused, nothing saved
    expect(page.locator(".errorlist").first).to_be_visible()
    assert not DisputeCase.objects.exists()
    page.fill("#id_claim_text", "三名职工被拖欠4月至6月工资共45000元，要求支付")
    page.screenshot(path=str(ARTIFACTS / "rights-case-add.png"), full_page=True)
    page.click("button[name=_continue]")
    expect(page.locator("[data-testid=case-status]")).to_contain_text("已受理")
    expect(page.locator("[data-testid=case-claim]")).to_contain_text("三名职工被拖欠")

    start = page.locator("[data-testid=step-start]")
    start.locator("select[name=mediator]").select_option(label="赵律师（律师）")
    start.locator("input[name=mediation_started_on]").fill(f"{year}-05-08")
    start.locator("button[data-step=start]").click()
    expect(page.locator("[data-testid=case-status]")).to_contain_text("调解中")
    agree = page.locator("[data-testid=step-agree]")
    agree.locator("input[name=closed_on]").fill(f"{year}-05-04")  # before the mediation began
    agree.locator("input[name=amount_recovered]").fill("42000")
    agree.locator("button[data-step=agree]").click()
    expect(page.get_by_text("结案日期早于")).to_be_visible()
    agree = page.locator("[data-testid=step-agree]")
    agree.locator("input[name=closed_on]").fill(f"{year}-05-20")
    agree.locator("input[name=amount_recovered]").fill("42000")
    agree.locator("button[data-step=agree]").click()
    expect(page.locator("[data-testid=case-status]")).to_contain_text("达成调解协议")
    expect(page.locator("[data-testid=case-recovered]")).to_contain_text("42000")
    page.screenshot(path=str(ARTIFACTS / "rights-case.png"), full_page=True)
    assert DisputeCase.objects.get().status == "agreed"

    page.get_by_role("link", name="劳动争议调解案件").first.click()
    expect(page.locator("#result_list")).to_contain_text("刘**")
    expect(page.locator("#result_list")).not_to_contain_text("刘大壮")

    page.get_by_role("link", name="指标、统计表和工作总结").click()
    page.fill("#id_date_from", f"{year}-01-01")
    page.fill("#id_date_to", f"{year}-12-31")
    page.click("#gh-period button[type=submit]")
    row = page.locator('tr[data-key="rights.cases"]')
    area = row.locator("xpath=ancestor::details")
    if area.get_attribute("open") is None:
        area.locator("summary").click()
    expect(row).to_contain_text("1件")
    expect(page.locator('tr[data-key="rights.cases.recovered"]')).to_contain_text("4.2万元")
    context.close()


def test_county_runs_a_competition_to_its_results_and_imports_a_trainee_roster(
    browser, live_server, live_tree, worker, tmp_path
):
    """The county records a competition (a wrong date refused first), names an entrant by ID
    number, starts it, records the champion's rank and prize on the entrant's page, publishes
    the results; a training session's roster comes in from Excel through the worker; the
    statistics count the competition and the trainees."""
    import datetime

    from gonghui.honors.services import honor_create
    from gonghui.members.services import member_register
    from gonghui.skills import services as skills
    from gonghui.skills.models import Competition, CompetitionEntry
    from tests.rosters import id_number

    ARTIFACTS.mkdir(exist_ok=True)
    year = timezone.localdate().year - 1
    expert = honor_create(
        actor=None,
        kind="technical_expert",
        level="county",
        title="青山县技术能手",
        conferring_body="青山县总工会",
        year=year,
        org=live_tree.county,
    )
    numbers = [id_number(datetime.date(1988, 3, 1 + n), 500 + n) for n in range(3)]
    for n, number in enumerate(numbers):
        member_register(
            actor=None,
            org=live_tree.a1,
            id_number=number,
            name=f"茶师{n + 1}",
            joined_on=datetime.date(2020, 1, 1),
        )
    context, page = _login(browser, live_server, "county")
    page.get_by_role("link", name="登记竞赛").first.click()
    page.fill("#id_name", "全县茶叶加工职业技能竞赛")
    page.select_option("#id_kind", "skills")
    page.select_option("#id_level", "county")
    page.fill("#id_trade", "茶叶加工工")
    page.fill("#id_starts_on", f"{year}-04-10")
    page.fill("#id_ends_on", f"{year}-04-01")  # before it starts: refused, nothing saved
    page.fill("#id_participants", "420")
    page.click("button[name=_continue]")
    expect(page.get_by_text("结束日期早于开始日期")).to_be_visible()
    assert not Competition.objects.exists()
    page.fill("#id_ends_on", f"{year}-04-11")
    page.screenshot(path=str(ARTIFACTS / "skills-competition-add.png"), full_page=True)
    page.click("button[name=_continue]")
    expect(page.locator("[data-testid=competition-status]")).to_contain_text("筹备中")

    page.locator("[data-testid=add-entry]").click()
    page.fill("#id_id_number_text", numbers[0])
    page.click("button[name=_save]")
    expect(page.locator("[data-testid=competition-entries]")).to_contain_text("茶师1")
    assert CompetitionEntry.objects.get().name == "茶师1"
    page.locator("[data-testid=step-start] button").click()
    expect(page.locator("[data-testid=competition-status]")).to_contain_text("进行中")
    page.locator("[data-testid=competition-entries]").get_by_role("link", name="茶师1").click()
    page.fill("#id_rank", "1")
    page.select_option("#id_prize", "first")
    page.select_option("#id_honor", label=f"青山县技术能手（{year}年）")
    page.click("button[name=_save]")
    entry = CompetitionEntry.objects.get()
    assert (entry.rank, entry.prize, entry.field) == (1, "first", "全县")
    assert entry.award.honor == expert  # conferred through the honours area
    competition = Competition.objects.get()
    page.goto(f"{live_server.url}/admin/skills/competition/{competition.pk}/change/")
    expect(page.locator("[data-testid=competition-entries]")).to_contain_text("全县第一、一等奖")
    page.locator("[data-testid=step-finish] button").click()
    expect(page.locator("[data-testid=competition-status]")).to_contain_text("已公布成绩")
    page.screenshot(path=str(ARTIFACTS / "skills-competition.png"), full_page=True)

    course = skills.course_create(
        actor=None, org=live_tree.county, name="产业工人职业技能提升培训", target_group="industrial"
    )
    session = skills.session_create(
        actor=None,
        course=course,
        starts_on=datetime.date(year, 5, 6),
        ends_on=datetime.date(year, 5, 20),
        hours=90,
    )
    roster = write_xlsx(
        tmp_path / "学员名册.xlsx",
        [
            ["茶师1", numbers[0], "是", "四级/中级工", "S0001", "否"],
            ["茶师2", numbers[1], "是", "培训合格证书", "", "是"],
            ["茶师3", numbers[2], "否", "", "", ""],
        ],
        header=["姓名", "身份证号", "是否结业", "取得证书", "证书编号", "培训后就业"],
        title=False,
    )
    page.goto(f"{live_server.url}/admin/skills/trainingsession/{session.pk}/change/")
    page.locator("[data-testid=import-roster]").click()
    page.set_input_files("#id_file", str(roster))
    page.click("#gh-upload button[type=submit]")
    result = page.locator("[data-testid=import-result]")
    expect(result).to_be_visible(timeout=60000)
    expect(result).to_contain_text("3")
    session.refresh_from_db()
    assert (session.trainees, session.certificates, session.jobs) == (3, 2, 1)

    page.get_by_role("link", name="指标、统计表和工作总结").click()
    page.fill("#id_date_from", f"{year}-01-01")
    page.fill("#id_date_to", f"{year}-12-31")
    page.click("#gh-period button[type=submit]")
    row = page.locator('tr[data-key="skills.competitions"]')
    area = row.locator("xpath=ancestor::details")
    if area.get_attribute("open") is None:
        area.locator("summary").click()
    expect(row).to_contain_text("1场")
    expect(page.locator('tr[data-key="skills.trainees"]')).to_contain_text("3人")
    context.close()


def test_county_imports_a_collection_list_and_pays_a_refund_batch(
    browser, live_server, live_tree, worker, tmp_path
):
    """The county imports the tax bureau's collection list through the worker (an unknown
    code named on its row), drafts the half-year's refunds, records the employer's account,
    approves and pays them in a batch; the statistics say the refund."""
    import datetime
    from decimal import Decimal

    from gonghui.funds import services as funds
    from gonghui.funds.models import FundContribution, FundRefund
    from gonghui.orgs.models import Employer

    ARTIFACTS.mkdir(exist_ok=True)
    year = timezone.localdate().year - 1
    funds.split_policy_create(
        actor=None,
        region_code="530000",
        effective_from=datetime.date(2020, 1, 1),
        grassroots=Decimal(60),
        county=Decimal(20),
        city=Decimal(10),
        province=Decimal(5),
        national=Decimal(5),
    )
    funds.refund_policy_create(
        actor=None,
        region_code="530000",
        effective_from=datetime.date(2020, 4, 1),
        max_headcount=150,
    )
    Employer.objects.filter(pk=live_tree.emp_a.pk).update(
        uscc="91530524MA6K0000A1", monthly_payroll=Decimal(100000), is_small_micro=True
    )
    lines = write_xlsx(
        tmp_path / "代收明细.xlsx",
        [
            [
                "91530524MA6K0000A1",
                "甲公司",
                f"{year}-01",
                "100000",
                "2000",
                f"{year}-02-10",
                "税务代收",
            ],
            [
                "91530524MA6K0000A1",
                "甲公司",
                f"{year}-02",
                "100000",
                "2000",
                f"{year}-03-10",
                "税务代收",
            ],
            [
                "91530524MA6K0000A1",
                "甲公司",
                f"{year}-03",
                "100000",
                "2000",
                f"{year}-04-10",
                "税务代收",
            ],
            ["91530524MA6K9999X9", "丙公司", f"{year}-03", "", "500", f"{year}-04-10", ""],
        ],
        header=[
            "纳税人识别号",
            "纳税人名称",
            "费款所属期",
            "计征依据",
            "实缴金额",
            "入库日期",
            "征收方式",
        ],
        title=False,
    )
    context, page = _login(browser, live_server, "county")
    page.get_by_role("link", name="导入经费代收明细").first.click()
    page.set_input_files("#id_file", str(lines))
    page.check("input[name=mode][value=partial]")  # the valid rows in, the wrong one named
    page.click("#gh-upload button[type=submit]")
    result = page.locator("[data-testid=import-result]")
    expect(result).to_be_visible(timeout=60000)
    expect(page.get_by_text("91530524MA6K9999X9").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "funds-import.png"), full_page=True)
    assert FundContribution.objects.filter(collected=Decimal(2000)).count() == 3

    page.goto(f"{live_server.url}/admin/funds/fundrefund/")
    page.locator("[data-testid=refund-draft]").click()
    page.fill("#id_period_from", f"{year}-01-01")
    page.fill("#id_period_to", f"{year}-06-01")
    page.click("[data-testid=refund-draft-form] button[type=submit]")
    refund = FundRefund.objects.get()
    assert refund.amount == Decimal(6000)
    page.goto(f"{live_server.url}/admin/funds/fundrefund/{refund.pk}/change/")
    expect(page.locator("[data-testid=refund-months]")).to_contain_text(f"{year}-03")
    page.fill("#id_bank_name", "农业银行青山支行")
    page.fill("#id_bank_account_text", "6228 4800 1234 5678 901")
    page.click("button[name=_save]")
    page.locator(f"input[name=_selected_action][value='{refund.pk}']").check(force=True)
    page.select_option("select[name=action]", "approve_selected")
    page.locator("button[name=index], button[type=submit][title]").first.click()
    refund.refresh_from_db()
    assert refund.status == "approved"
    page.locator(f"input[name=_selected_action][value='{refund.pk}']").check(force=True)
    page.select_option("select[name=action]", "batch_selected")
    page.locator("button[name=index], button[type=submit][title]").first.click()
    page.fill("input[name=paid_on]", f"{year}-07-20")
    page.fill("input[name=reference]", "FH001")
    page.click("[data-testid=batch-paid] button")
    expect(page.locator(".gh-panel").first).to_contain_text("已发放")
    page.screenshot(path=str(ARTIFACTS / "funds-refund-batch.png"), full_page=True)
    refund.refresh_from_db()
    assert refund.status == "paid"

    page.get_by_role("link", name="指标、统计表和工作总结").click()
    page.fill("#id_date_from", f"{year}-01-01")
    page.fill("#id_date_to", f"{year}-12-31")
    page.click("#gh-period button[type=submit]")
    row = page.locator('tr[data-key="funds.refunds"]')
    area = row.locator("xpath=ancestor::details")
    if area.get_attribute("open") is None:
        area.locator("summary").click()
    expect(row).to_contain_text("6000元")
    expect(page.locator('tr[data-key="funds.collected"]')).to_contain_text("6000元")
    page.screenshot(path=str(ARTIFACTS / "funds-statistics.png"), full_page=True)
    context.close()


def test_county_runs_a_recuperation_batch_from_places_to_the_people_sent(
    browser, live_server, live_tree
):
    """The county plans a batch, gives 甲镇 its places (too many refused), opens it; the township
    nominates its member by ID number (another township's member refused); the county ticks
    and confirms the nomination on the batch's page, confirms the list and records the batch
    held; the statistics page counts the person sent."""
    import datetime

    from gonghui.core.crypto import cipher
    from gonghui.members.crypto import ID_PURPOSE
    from gonghui.services.models import Recuperation, RecuperationParticipant
    from tests.test_services_area import member

    ARTIFACTS.mkdir(exist_ok=True)
    person, stranger = member(live_tree.a1, 1), member(live_tree.b1, 2)
    number = cipher().decrypt(person.id_number, ID_PURPOSE)
    today = timezone.localdate()
    starts, ends = today - datetime.timedelta(days=10), today - datetime.timedelta(days=6)

    context, page = _login(browser, live_server, "county")
    page.goto(f"{live_server.url}/admin/services/recuperation/add/")
    page.fill("#id_name", "一线职工疗休养（第一批）")
    page.select_option("#id_group", "frontline")
    page.fill("#id_place", "腾冲和顺职工疗休养基地")
    page.fill("#id_starts_on", f"{starts:%Y-%m-%d}")
    page.fill("#id_ends_on", f"{ends:%Y-%m-%d}")
    page.fill("#id_places", "2")
    page.fill("#id_cost_per_head", "2800")
    page.click("button[name=_continue]")
    batch = Recuperation.objects.get()
    page.locator("[data-testid=give-places]").click()
    page.locator("#id_org").select_option(str(live_tree.a.pk), force=True)
    page.fill("#id_places", "3")
    page.click("button[name=_save]")
    expect(page.locator(".errorlist, [data-testid=form-errors]").first).to_contain_text("共2个名额")
    page.fill("#id_places", "2")
    page.click("button[name=_save]")
    expect(page.locator("[data-testid=places]")).to_contain_text("甲镇总工会")
    page.click("[data-testid=step-open] button")
    expect(page.locator("[data-testid=batch-status]")).to_contain_text("正在接受推荐")
    context.close()

    context, page = _login(browser, live_server, "town_a")
    page.goto(
        f"{live_server.url}/admin/services/recuperationparticipant/add/?recuperation={batch.pk}"
    )
    page.locator("#id_org").select_option(str(live_tree.a.pk), force=True)
    page.fill("#id_id_number_text", cipher().decrypt(stranger.id_number, ID_PURPOSE))
    page.click("button[name=_save]")
    expect(page.locator(".errorlist, [data-testid=form-errors]").first).to_be_visible()
    page.fill("#id_id_number_text", number)
    page.click("button[name=_save]")
    nominated = RecuperationParticipant.objects.get()
    assert (nominated.person, nominated.status) == (person, "nominated")
    context.close()

    context, page = _login(browser, live_server, "county")
    page.goto(f"{live_server.url}/admin/services/recuperation/{batch.pk}/change/")
    rows = page.locator("[data-testid=nominated]")
    expect(rows).to_contain_text(person.name)
    rows.locator(f"input[name=participant][value='{nominated.pk}']").check()
    page.click("[data-testid=confirm-people]")
    expect(page.locator("[data-testid=nominated]")).to_contain_text("已确定")
    page.click("[data-testid=step-confirm] button")
    page.click("[data-testid=step-hold] button")
    expect(page.locator("[data-testid=batch-status]")).to_contain_text("已举办")
    page.screenshot(path=str(ARTIFACTS / "services-recuperation.png"), full_page=True)
    batch.refresh_from_db()
    assert batch.status == "held"

    page.get_by_role("link", name="指标、统计表和工作总结").click()
    page.fill("#id_date_from", f"{starts:%Y-%m-%d}")
    page.fill("#id_date_to", f"{ends:%Y-%m-%d}")
    page.click("#gh-period button[type=submit]")
    row = page.locator('tr[data-key="services.recuperation_people"]')
    area = row.locator("xpath=ancestor::details")
    if area.get_attribute("open") is None:
        area.locator("summary").click()
    expect(row).to_contain_text("1名")
    expect(page.locator('tr[data-key="services.recuperation_cost"]')).to_contain_text("2800元")
    context.close()

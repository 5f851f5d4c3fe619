"""The funds area: the balanced journal (held by the database), the split policy, the
employers' months assessed and collected, split and posted, and what each user may see."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gonghui.core.errors import DomainError, NotFound
from gonghui.funds import selectors, services
from gonghui.funds.models import (
    Account,
    Channel,
    DuesReport,
    FundContribution,
    JournalEntry,
    Posting,
    SplitPolicy,
)
from gonghui.funds.services import Line
from tests.conftest import snapshot

D = Decimal
JAN = datetime.date(2026, 1, 1)
FEB = datetime.date(2026, 2, 1)


def check_deferred():
    """Run the journal's deferred constraint triggers now (the test's transaction never
    commits)."""
    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.fixture
def split(tree):
    # Yunnan's split in this test: grassroots 60, county 20, city 5, province 10, ACFTU 5.
    return services.split_policy_create(
        actor=tree.admin,
        region_code="530000",
        effective_from=datetime.date(2020, 1, 1),
        grassroots=D(60),
        county=D(20),
        city=D(5),
        province=D(10),
        national=D(5),
    )


def test_unbalanced_entry_cannot_be_committed(tree):
    # Balanced as a whole, but not for each org: refused by the database.
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        entry = JournalEntry.objects.create(org=tree.county, date=JAN, kind="correction", memo="x")
        Posting.objects.create(entry=entry, org=tree.county, account=Account.BANK, amount=D(10))
        Posting.objects.create(entry=entry, org=tree.a, account=Account.BANK, amount=D(-10))
        check_deferred()
    assert not JournalEntry.objects.exists()


def test_entry_without_postings_and_changed_postings_are_refused(tree):
    with pytest.raises(IntegrityError, match="no postings"), transaction.atomic():
        JournalEntry.objects.create(org=tree.county, date=JAN, kind="correction", memo="x")
        check_deferred()
    with transaction.atomic():
        entry = services.journal_post(
            actor=None,
            org=tree.county,
            date=JAN,
            kind="correction",
            memo="转账",
            lines=[Line(tree.county, Account.BANK, D(5)), Line(tree.county, Account.DUES, D(-5))],
        )
    check_deferred()
    posting = entry.postings.first()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        Posting.objects.filter(pk=posting.pk).update(amount=D(6))
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        Posting.objects.filter(pk=posting.pk).delete()
    with pytest.raises(DomainError), transaction.atomic():
        services.journal_post(
            actor=None,
            org=tree.county,
            date=JAN,
            kind="correction",
            memo="不平",
            lines=[Line(tree.county, Account.BANK, D(5)), Line(tree.a, Account.DUES, D(-5))],
        )


def test_collection_is_split_and_posted(tree, split):
    emp = tree.emp_a
    c = services.contribution_create(
        actor=tree.county_staff, employer=emp, period=JAN, payroll=D("500000")
    )
    assert c.due == D("10000.00") and c.levy == FundContribution.Levy.CONTRIBUTION
    entry = services.contribution_collect(
        actor=tree.county_staff,
        contribution=c,
        amount=D("10000"),
        collected_on=FEB,
        channel=Channel.TAX,
    )
    check_deferred()
    c.refresh_from_db()
    assert (
        c.share_grassroots,
        c.share_county,
        c.share_city,
        c.share_province,
        c.share_national,
    ) == (D("6000.00"), D("2000.00"), D("500.00"), D("1000.00"), D("500.00"))
    lines = {(p.org_id, p.account, p.amount) for p in entry.postings.all()}
    assert lines == {
        (tree.county.pk, "bank", D("10000.00")),
        (tree.county.pk, "contributions", D("-2000.00")),
        (tree.county.pk, "bank", D("-8000.00")),
        (tree.a1.pk, "bank", D("6000.00")),
        (tree.a1.pk, "contributions", D("-6000.00")),
    }
    assert selectors.unbalanced_orgs(tree.admin, tree.county) == []
    mine = {r["account"]: r["balance"] for r in selectors.account_balances(tree.clerk_a1, tree.a1)}
    assert mine["bank"] == D(6000) and mine["contributions"] == D(-6000)


def _payroll(tree, emp_a=300000, emp_b=200000):
    from gonghui.orgs.models import Employer

    Employer.objects.filter(pk=tree.emp_a.pk).update(
        monthly_payroll=emp_a, uscc="91530524MA6K0000A1"
    )
    Employer.objects.filter(pk=tree.emp_b.pk).update(
        monthly_payroll=emp_b, uscc="91530524MA6K0000B2"
    )
    tree.emp_a.refresh_from_db()
    tree.emp_b.refresh_from_db()


def test_split_policies_hold_their_rules(tree, split):
    models = (SplitPolicy,)
    before = snapshot(*models)
    bad = [
        {"grassroots": D(30), "county": D(40), "city": D(10), "province": D(10), "national": D(10)},
        {"grassroots": D(60), "county": D(20), "city": D(10), "province": D(10), "national": D(10)},
        {"grassroots": D(60), "county": D(50), "city": D(-10), "province": D(0), "national": D(0)},
    ]
    for shares in bad:
        with pytest.raises(ValidationError):
            services.split_policy_create(
                actor=tree.admin, region_code="530524", effective_from=JAN, **shares
            )
    with pytest.raises(ValidationError):  # the same region and start twice
        services.split_policy_create(
            actor=tree.admin,
            region_code="530000",
            effective_from=datetime.date(2020, 1, 1),
            grassroots=D(60),
            county=D(40),
            city=D(0),
            province=D(0),
            national=D(0),
        )
    with pytest.raises(PermissionDenied):  # federation staff read it, administrators keep it
        services.split_policy_create(
            actor=tree.county_staff, region_code="530524", effective_from=JAN, **bad[0]
        )
    # In force: its shares stay (collections were split by it); its end date may be set.
    with pytest.raises(DomainError, match="新的"):
        services.split_policy_update(actor=tree.admin, policy=split, changes={"county": D(15)})
    assert snapshot(*models) == before
    services.split_policy_update(
        actor=tree.admin, policy=split, changes={"effective_to": datetime.date(2026, 6, 30)}
    )
    split.refresh_from_db()
    assert split.effective_to == datetime.date(2026, 6, 30)
    assert list(selectors.split_policies_visible_to(tree.clerk_a1)) == [split]
    assert list(selectors.split_policies_visible_to(None)) == []


def test_a_new_split_applies_from_its_date_never_backwards(tree, split):
    services.split_policy_update(
        actor=tree.admin, policy=split, changes={"effective_to": datetime.date(2026, 6, 30)}
    )
    services.split_policy_create(
        actor=tree.admin,
        region_code="530000",
        effective_from=datetime.date(2026, 7, 1),
        grassroots=D(60),
        township=D(5),
        county=D(15),
        city=D(5),
        province=D(10),
        national=D(5),
    )
    _payroll(tree)
    june = services.contribution_create(
        actor=tree.town_a, employer=tree.emp_a, period=datetime.date(2026, 6, 1), payroll=D(100000)
    )
    july = services.contribution_create(
        actor=tree.town_a, employer=tree.emp_a, period=datetime.date(2026, 7, 1), payroll=D(100000)
    )
    services.contribution_collect(
        actor=tree.town_a,
        contribution=june,
        amount=D(2000),
        collected_on=datetime.date(2026, 6, 30),
        channel=Channel.TAX,
    )
    services.contribution_collect(
        actor=tree.town_a,
        contribution=july,
        amount=D(2000),
        collected_on=datetime.date(2026, 7, 10),
        channel=Channel.TAX,
    )
    june.refresh_from_db()
    july.refresh_from_db()
    assert (june.share_township, june.share_county) == (D(0), D(400))
    assert (july.share_township, july.share_county) == (D(100), D(300))
    # The township's share reached the township's books, from July only.
    town = {
        r["account"]: r["balance"]
        for r in selectors.account_balances(tree.town_a, tree.a, own=True)
    }
    assert town["contributions"] == D(-100)
    check_deferred()


def test_bad_input_is_refused_and_changes_nothing(tree, split):
    _payroll(tree)
    c = services.contribution_create(
        actor=tree.town_a, employer=tree.emp_a, period=JAN, payroll=D(100000)
    )
    models = (FundContribution, JournalEntry, Posting)
    before = snapshot(*models)
    today = timezone.localdate()
    next_month = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    for kwargs in (
        {"employer": tree.emp_a, "period": JAN, "payroll": D(1)},  # the same month twice
        {"employer": tree.emp_a, "period": next_month, "payroll": D(1)},  # a month to come
        {"employer": tree.emp_a, "period": FEB, "payroll": D(-1)},
        {"employer": tree.emp_a, "period": FEB, "payroll": D("1.005")},
        {"employer": tree.emp_a, "period": FEB, "payroll": D(10) ** 12},
    ):
        with pytest.raises(ValidationError):
            services.contribution_create(actor=tree.town_a, **kwargs)
    with pytest.raises(NotFound):  # another township's employer
        services.contribution_create(
            actor=tree.town_b, employer=tree.emp_a, period=FEB, payroll=D(1)
        )
    with pytest.raises(PermissionDenied):  # a grassroots clerk reads its books, keeps no months
        services.contribution_create(
            actor=tree.clerk_a1, employer=tree.emp_a, period=FEB, payroll=D(1)
        )
    for amount, day, channel in (
        (D(0), FEB, Channel.TAX),
        (D(-5), FEB, Channel.TAX),
        (D("2000.01"), FEB, Channel.TAX),  # more than is due
        (D(100), today + datetime.timedelta(days=1), Channel.TAX),
        (D(100), datetime.date(2025, 12, 31), Channel.TAX),  # before the month
        (D(100), FEB, "cash"),
    ):
        with pytest.raises(DomainError):
            services.contribution_collect(
                actor=tree.town_a, contribution=c, amount=amount, collected_on=day, channel=channel
            )
    with pytest.raises(NotFound):
        services.contribution_collect(
            actor=tree.town_b, contribution=c, amount=D(100), collected_on=FEB, channel=Channel.TAX
        )
    # No split in force on the day (before the policy began): said, not guessed.
    SplitPolicy.objects.filter(pk=split.pk).update(effective_from=datetime.date(2026, 3, 1))
    with pytest.raises(DomainError, match="分成"):
        services.contribution_collect(
            actor=tree.town_a, contribution=c, amount=D(100), collected_on=FEB, channel=Channel.TAX
        )
    assert snapshot(*models) == before
    SplitPolicy.objects.filter(pk=split.pk).update(effective_from=datetime.date(2020, 1, 1))
    services.contribution_collect(
        actor=tree.town_a, contribution=c, amount=D(1500), collected_on=FEB, channel=Channel.TAX
    )
    # Collected: the payroll cannot fall below what was paid, the month cannot be deleted.
    with pytest.raises(DomainError):
        services.contribution_update(
            actor=tree.town_a, contribution=c, changes={"payroll": D(50000)}
        )
    with pytest.raises(DomainError):
        services.contribution_update(actor=tree.town_a, contribution=c, changes={"due": D(1)})
    with pytest.raises(DomainError):
        services.contribution_delete(actor=tree.town_a, contribution=c)
    services.contribution_update(actor=tree.town_a, contribution=c, changes={"payroll": D(80000)})
    c.refresh_from_db()
    assert (c.due, c.outstanding) == (D(1600), D(100))
    check_deferred()


def test_assessing_a_month_and_the_preparatory_levy(tree, split):
    from gonghui.orgs.services import employer_create

    _payroll(tree)
    no_union = employer_create(
        actor=None, org=tree.a, name="甲镇某商店", unit_type="600", headcount=5, union=None
    )
    from gonghui.orgs.models import Employer

    Employer.objects.filter(pk=no_union.pk).update(monthly_payroll=D(20000))
    assert services.contributions_assess(actor=tree.town_a, org=tree.a, period=FEB) == 2
    assert services.contributions_assess(actor=tree.town_a, org=tree.a, period=FEB) == 0
    assert services.contributions_assess(actor=tree.county_staff, org=tree.county, period=FEB) == 1
    levy = FundContribution.objects.get(employer=no_union)
    assert (levy.levy, levy.due) == (FundContribution.Levy.PREPARATORY, D(400))
    with pytest.raises(NotFound):
        services.contributions_assess(actor=tree.town_b, org=tree.a, period=JAN)
    # The preparatory levy: the grassroots share is held by the territorial union.
    entry = services.contribution_collect(
        actor=tree.town_a, contribution=levy, amount=D(400), collected_on=FEB, channel=Channel.TAX
    )
    by_org = {(p.org_id, p.account): p.amount for p in entry.postings.all() if p.amount < 0}
    assert by_org[(tree.a.pk, "contributions")] == D(-240)
    # Paid directly: the union itself collects and passes the levels' shares up.
    c = FundContribution.objects.get(employer=tree.emp_a, period=FEB)
    entry = services.contribution_collect(
        actor=tree.town_a, contribution=c, amount=D(6000), collected_on=FEB, channel=Channel.DIRECT
    )
    assert entry.org == tree.a1
    assert {(p.org_id, p.account, p.amount) for p in entry.postings.all()} == {
        (tree.a1.pk, "bank", D(6000)),
        (tree.a1.pk, "contributions", D(-3600)),
        (tree.a1.pk, "bank", D(-2400)),
        (tree.county.pk, "bank", D(1200)),
        (tree.county.pk, "contributions", D(-1200)),
    }
    assert selectors.unbalanced_orgs(tree.county_staff, tree.county) == []
    # Arrears: January not assessed; February's unpaid month of emp_b is overdue by April.
    overdue = selectors.arrears_by_employer(
        tree.county_staff, tree.county, datetime.date(2026, 4, 1)
    )
    assert [(r["employer__name"], r["outstanding"]) for r in overdue] == [("乙公司", D(4000))]
    assert (
        selectors.arrears_by_employer(tree.county_staff, tree.county, datetime.date(2026, 3, 10))
        == []
    )
    waiting = selectors.contributions_waiting(
        tree.town_b, "contributions.arrears", datetime.date(2026, 4, 1)
    )
    assert [w.employer for w in waiting] == [tree.emp_b]
    assert not selectors.contributions_waiting(
        tree.town_a, "contributions.arrears", datetime.date(2026, 4, 1)
    )
    assert not selectors.contributions_waiting(tree.town_b, "other", datetime.date(2026, 4, 1))
    check_deferred()


def test_each_user_sees_its_subtree_and_its_own_lines(tree, split):
    _payroll(tree)
    c = services.contribution_create(
        actor=tree.town_a, employer=tree.emp_a, period=JAN, payroll=D(100000)
    )
    entry = services.contribution_collect(
        actor=tree.town_a, contribution=c, amount=D(2000), collected_on=FEB, channel=Channel.TAX
    )
    assert list(selectors.contributions_visible_to(tree.town_a)) == [c]
    assert list(selectors.contributions_visible_to(tree.town_b)) == []
    assert selectors.contribution_get(tree.county_staff, c.pk) == c
    with pytest.raises(NotFound):
        selectors.contribution_get(tree.town_b, c.pk)
    # The grassroots union sees the entry, and in it its own lines only.
    assert list(selectors.entries_visible_to(tree.clerk_a1)) == [entry]
    assert list(selectors.entries_visible_to(tree.town_b)) == []
    assert {p.org_id for p in selectors.postings_visible_to(tree.clerk_a1, entry)} == {tree.a1.pk}
    assert {p.org_id for p in selectors.postings_visible_to(tree.county_staff)} == {
        tree.county.pk,
        tree.a1.pk,
    }
    for call in (
        lambda: selectors.account_balances(tree.town_b, tree.a),
        lambda: selectors.arrears_by_employer(tree.town_b, tree.a, FEB),
        lambda: selectors.unbalanced_orgs(tree.clerk_a1, tree.county),
    ):
        with pytest.raises(NotFound):
            call()
    total = {r["account"]: r for r in selectors.account_balances(tree.county_staff, tree.county)}
    assert total["bank"]["debit"] == D(2000) + D(1200) and total["bank"]["credit"] == D(1600)
    assert total["bank"]["balance"] == D(1600)  # the shares above the county left the tree
    assert total["contributions"]["balance"] == D(-1600)
    assert selectors.account_balances(tree.county_staff, tree.county, on=JAN)[0]["balance"] == 0


def test_two_payments_of_one_month_at_once_cannot_pay_it_twice(transactional_db):
    import threading

    from django.db import connection as conn

    from tests.conftest import build_tree

    tree = build_tree()
    services.split_policy_create(
        actor=tree.admin,
        region_code="530000",
        effective_from=datetime.date(2020, 1, 1),
        grassroots=D(60),
        county=D(40),
        city=D(0),
        province=D(0),
        national=D(0),
    )
    c = services.contribution_create(
        actor=tree.town_a, employer=tree.emp_a, period=JAN, payroll=D(100000)
    )
    barrier, outcomes = threading.Barrier(2), []

    def pay():
        try:
            barrier.wait()
            services.contribution_collect(
                actor=tree.town_a,
                contribution=c,
                amount=D(1500),
                collected_on=FEB,
                channel=Channel.TAX,
            )
            outcomes.append("paid")
        except DomainError:
            outcomes.append("refused")
        finally:
            conn.close()

    threads = [threading.Thread(target=pay) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["paid", "refused"]
    c.refresh_from_db()
    assert c.collected == D(1500) and JournalEntry.objects.count() == 1


# -- refunds to small and micro enterprises ------------------------------------------------


@pytest.fixture
def refund_rule(tree, split):
    return services.refund_policy_create(
        actor=tree.admin,
        region_code="530000",
        effective_from=datetime.date(2020, 4, 1),
        max_headcount=150,
    )


def _small(tree):
    from gonghui.orgs.models import Employer

    _payroll(tree, emp_a=100000, emp_b=50000)
    Employer.objects.filter(pk__in=[tree.emp_a.pk, tree.emp_b.pk]).update(is_small_micro=True)
    tree.emp_a.refresh_from_db()
    tree.emp_b.refresh_from_db()
    for month in (1, 2, 3):
        period = datetime.date(2026, month, 1)
        for emp in (tree.emp_a, tree.emp_b):
            c = services.contribution_create(
                actor=tree.county_staff, employer=emp, period=period, payroll=emp.monthly_payroll
            )
            paid = c.due if emp == tree.emp_a or month < 3 else c.due / 2
            services.contribution_collect(
                actor=tree.county_staff,
                contribution=c,
                amount=paid,
                collected_on=period + datetime.timedelta(days=40),
                channel=Channel.TAX,
            )


def test_a_refund_runs_from_eligibility_to_payment_and_is_posted(tree, refund_rule):
    from gonghui.funds.models import FundRefund, RefundBatch

    _small(tree)
    with pytest.raises(ValidationError):  # months that are not over
        services.refunds_draft(
            actor=tree.county_staff,
            org=tree.county,
            period_from=JAN,
            period_to=timezone.localdate().replace(day=1),
        )
    with pytest.raises(ValidationError):
        services.refunds_draft(
            actor=tree.county_staff, org=tree.county, period_from=FEB, period_to=JAN
        )
    draft = services.refunds_draft(
        actor=tree.county_staff,
        org=tree.county,
        period_from=JAN,
        period_to=datetime.date(2026, 3, 1),
    )
    # emp_b did not pay March in full: named, not refunded.
    assert [r.employer for r in draft.created] == [tree.emp_a]
    assert len(draft.skipped) == 1 and "乙公司" in draft.skipped[0]
    refund = draft.created[0]
    assert (refund.paid, refund.amount) == (D(6000), D(6000))
    assert refund.months.count() == 3
    # The same months are never refunded twice.
    again = services.refunds_draft(
        actor=tree.county_staff,
        org=tree.county,
        period_from=JAN,
        period_to=datetime.date(2026, 3, 1),
    )
    assert again.created == []
    assert list(selectors.refunds_waiting(tree.town_a, "refunds.review", FEB)) == [refund]
    assert list(selectors.refunds_waiting(tree.town_b, "refunds.review", FEB)) == []
    assert list(selectors.refunds_waiting(tree.town_a, "other", FEB)) == []
    assert [m.period.month for m in selectors.refund_months(tree.town_a, refund)] == [1, 2, 3]
    # Approving needs the employer's account; a bad account number is refused.
    with pytest.raises(ValidationError, match="开户行"):
        services.refund_take_step(actor=tree.county_staff, refunds=[refund], step="approve")
    with pytest.raises(ValidationError):
        services.refund_update(
            actor=tree.county_staff, refund=refund, changes={"bank_account": "12"}
        )
    with pytest.raises(ValidationError):
        services.refund_update(actor=tree.county_staff, refund=refund, changes={"amount": D(1)})
    with pytest.raises(NotFound):
        services.refund_update(actor=tree.town_b, refund=refund, changes={"bank_name": "农行"})
    services.refund_update(
        actor=tree.town_a,
        refund=refund,
        changes={"bank_name": "农业银行青山支行", "bank_account": "6228 4800 1234 5678 901"},
    )
    with pytest.raises(ValidationError):  # not approved yet: not paid
        services.refund_batch_create(actor=tree.county_staff, org=tree.county, refunds=[refund])
    services.refund_take_step(actor=tree.county_staff, refunds=[refund], step="approve")
    with pytest.raises(PermissionDenied):
        services.refund_batch_create(actor=tree.clerk_a1, org=tree.a1, refunds=[refund])
    batch = services.refund_batch_create(actor=tree.county_staff, org=tree.county, refunds=[refund])
    assert list(selectors.refund_batches_visible_to(tree.county_staff)) == [batch]
    assert list(selectors.refund_batches_visible_to(tree.town_a)) == []
    bank = services.refund_batch_bank_file(actor=tree.county_staff, batch=batch)
    assert bank[:2] == b"PK"
    with pytest.raises(ValidationError):
        services.refund_take_step(
            actor=tree.county_staff, refunds=[refund], step="reject", reason="x"
        )
    services.refund_batch_mark_paid(
        actor=tree.county_staff, batch=batch, paid_on=datetime.date(2026, 5, 10), reference="R1"
    )
    refund.refresh_from_db()
    assert refund.status == FundRefund.Status.PAID and RefundBatch.objects.get().status == "paid"
    # Each level gave back what it had received: a1 60%, the county 20%, the rest the county
    # fronts for the levels above the tree.
    entry = JournalEntry.objects.get(kind="refund")
    totals = {}
    for p in entry.postings.all():
        totals[(p.org_id, p.account)] = totals.get((p.org_id, p.account), 0) + p.amount
    assert totals == {
        (tree.a1.pk, "refunds"): D(3600),
        (tree.a1.pk, "bank"): D(-3600),
        (tree.county.pk, "refunds"): D(2400),
        (tree.county.pk, "bank"): D(-2400),
    }
    refunded = {
        r["account"]: r["balance"]
        for r in selectors.account_balances(tree.county_staff, tree.county)
    }
    assert refunded["refunds"] == D(6000)
    check_deferred()


def test_a_rejected_refund_frees_its_months_and_refund_rules_hold(tree, refund_rule):
    _small(tree)
    draft = services.refunds_draft(
        actor=tree.county_staff, org=tree.county, period_from=JAN, period_to=FEB
    )
    assert {r.employer for r in draft.created} == {tree.emp_a, tree.emp_b}
    services.refund_take_step(
        actor=tree.county_staff, refunds=draft.created, step="reject", reason="企业放弃"
    )
    assert not FundContribution.objects.filter(refund__isnull=False).exists()
    redraft = services.refunds_draft(
        actor=tree.county_staff, org=tree.county, period_from=JAN, period_to=FEB
    )
    assert len(redraft.created) == 2
    with pytest.raises(ValidationError, match=r"原因|理由"):
        services.refund_take_step(actor=tree.county_staff, refunds=redraft.created, step="reject")
    with pytest.raises(ValidationError):
        services.refund_policy_create(
            actor=tree.admin, region_code="530524", effective_from=JAN, max_headcount=0
        )
    with pytest.raises(ValidationError):
        services.refund_policy_create(
            actor=tree.admin,
            region_code="530524",
            effective_from=JAN,
            max_headcount=50,
            percent=D(120),
        )
    with pytest.raises(ValidationError):
        services.refund_policy_update(
            actor=tree.admin, policy=refund_rule, changes={"max_headcount": 300}
        )
    services.refund_policy_update(
        actor=tree.admin, policy=refund_rule, changes={"note": "延续至2027年底"}
    )
    assert list(selectors.refund_policies_visible_to(tree.clerk_a1)) == [refund_rule]
    assert list(selectors.refund_policies_visible_to(None)) == []
    assert {r.employer for r in selectors.refunds_visible_to(tree.town_b)} == {tree.emp_b}


# -- allocations and dues ----------------------------------------------------------------


def test_an_allocation_is_approved_paid_and_posted_between_the_two_unions(tree):
    from gonghui.funds.models import Allocation

    for bad in (
        {"recipient": tree.county, "amount": D(100)},  # to itself
        {"recipient": tree.b, "amount": D(100), "org": tree.a},  # not beneath
        {"recipient": tree.a, "amount": D(0)},
        {"recipient": tree.a, "amount": D(-1)},
    ):
        org = bad.pop("org", tree.county)
        with pytest.raises((ValidationError, NotFound)):
            services.allocation_create(
                actor=tree.county_staff if org == tree.county else tree.town_a,
                org=org,
                purpose="assistance",
                **bad,
            )
    with pytest.raises(NotFound):
        services.allocation_create(
            actor=tree.town_b, org=tree.a, recipient=tree.a1, purpose="assistance", amount=D(1)
        )
    a = services.allocation_create(
        actor=tree.county_staff,
        org=tree.county,
        recipient=tree.a,
        purpose="assistance",
        amount=D(20480),
        note="补助帮扶资金",
    )
    services.allocation_update(actor=tree.county_staff, allocation=a, changes={"amount": D(20500)})
    with pytest.raises(ValidationError):
        services.allocation_update(
            actor=tree.county_staff, allocation=a, changes={"status": "paid"}
        )
    with pytest.raises(ValidationError):
        services.allocation_update(
            actor=tree.county_staff, allocation=a, changes={"recipient": tree.county}
        )
    assert list(selectors.allocations_waiting(tree.county_staff, "allocations.approve", FEB)) == [a]
    # The township sees what it receives, but the giver approves and pays it.
    assert list(selectors.allocations_visible_to(tree.town_a)) == [a]
    assert list(selectors.allocations_visible_to(tree.town_b)) == []
    with pytest.raises(NotFound):
        services.allocation_transition(actor=tree.town_a, allocation=a, step="approve")
    services.allocation_transition(actor=tree.county_staff, allocation=a, step="approve")
    with pytest.raises(ValidationError):
        services.allocation_delete(actor=tree.county_staff, allocation=a)
    assert list(selectors.allocations_waiting(tree.county_staff, "allocations.pay", FEB)) == [a]
    assert list(selectors.allocations_waiting(tree.county_staff, "x", FEB)) == []
    for paid_on, reference in (
        (None, "R"),
        (timezone.localdate() + datetime.timedelta(days=1), "R"),
        (FEB, " "),
    ):
        with pytest.raises(ValidationError):
            services.allocation_transition(
                actor=tree.county_staff,
                allocation=a,
                step="pay",
                paid_on=paid_on,
                reference=reference,
            )
    assert not JournalEntry.objects.exists()
    services.allocation_transition(
        actor=tree.county_staff, allocation=a, step="pay", paid_on=FEB, reference="QS001"
    )
    a.refresh_from_db()
    assert a.status == Allocation.Status.PAID
    town = {
        r["account"]: r["balance"]
        for r in selectors.account_balances(tree.town_a, tree.a, own=True)
    }
    county = {
        r["account"]: r["balance"]
        for r in selectors.account_balances(tree.county_staff, tree.county, own=True)
    }
    assert (town["bank"], town["allocations_in"]) == (D(20500), D(-20500))
    assert (county["bank"], county["allocations_out"]) == (D(-20500), D(20500))
    b = services.allocation_create(
        actor=tree.town_a, org=tree.a, recipient=tree.a1, purpose="activities", amount=D(500)
    )
    services.allocation_delete(actor=tree.town_a, allocation=b)
    c = services.allocation_create(
        actor=tree.town_a, org=tree.a, recipient=tree.a1, purpose="activities", amount=D(500)
    )
    with pytest.raises(ValidationError):
        services.allocation_transition(actor=tree.town_a, allocation=c, step="cancel")
    services.allocation_transition(
        actor=tree.town_a, allocation=c, step="cancel", reason="活动取消"
    )
    check_deferred()


def test_dues_are_reported_and_kept_by_the_union(tree):
    assert services.dues_of(D("4567.89")) == D("22.80")  # 4560 × 0.5%
    # The base by unit type: an organ counts four parts of pay, an institution two, an
    # enterprise the wage alone (bonuses and allowances left out).
    pay = {"position": 1200, "grade": 900, "basic": 1500, "seniority": 300, "wage": 5000}
    assert services.dues_base("500", **pay, bonus=800) == D(3900)
    assert services.dues_base("400", **pay) == D(2100)
    assert services.dues_base("170", **pay, allowance=600) == D(5000)
    assert services.dues_of(services.dues_base("500", **pay)) == D("19.50")
    with pytest.raises(ValidationError):
        services.dues_base("170", wage=-1)
    assert services.dues_of(D(9)) == D(0)
    with pytest.raises(ValidationError):
        services.dues_of(D(-1))
    r = services.dues_report_create(
        actor=tree.clerk_a1, org=tree.a1, period=JAN, members=100, amount=D(2280), collected_on=FEB
    )
    for bad in (
        {"period": JAN},  # the same month twice
        {"period": FEB, "amount": D(0)},
        {"period": FEB, "members": 0},
        {"period": FEB, "amount": D(200000)},  # ¥2000 a member
        {"period": FEB, "collected_on": datetime.date(2026, 1, 31)},
    ):
        kwargs = {"members": 100, "amount": D(2280), "collected_on": FEB, **bad}
        with pytest.raises(ValidationError):
            services.dues_report_create(actor=tree.clerk_a1, org=tree.a1, **kwargs)
    with pytest.raises(NotFound):
        services.dues_report_create(
            actor=tree.clerk_a1, org=tree.a, period=FEB, members=1, amount=D(1), collected_on=FEB
        )
    assert list(selectors.dues_reports_visible_to(tree.town_a)) == [r]
    assert list(selectors.dues_reports_visible_to(tree.town_b)) == []
    own = {x["account"]: x["balance"] for x in selectors.account_balances(tree.clerk_a1, tree.a1)}
    assert (own["bank"], own["dues"]) == (D(2280), D(-2280))
    check_deferred()


# -- the tax bureau's collection list ------------------------------------------------------

LIST_HEADER = [
    "纳税人识别号",
    "纳税人名称",
    "费款所属期",
    "计征依据",
    "实缴金额",
    "入库日期",
    "征收方式",
]


def test_the_collection_list_is_imported_with_its_errors_by_row_and_column(tree, split, tmp_path):
    from gonghui.core.imports.engine import Mode, run_import
    from gonghui.funds.imports import CollectionListSpec
    from tests.rosters import write_xlsx

    _payroll(tree)
    paid = services.contribution_create(
        actor=tree.county_staff, employer=tree.emp_b, period=JAN, payroll=D(200000)
    )
    services.contribution_collect(
        actor=tree.county_staff, contribution=paid, amount=D(4000), collected_on=FEB, channel="tax"
    )
    a, b = tree.emp_a.uscc, tree.emp_b.uscc
    rows = [
        [a, "甲公司", "2026-01", "300000", "6000", datetime.date(2026, 2, 12), "税务代收"],
        [a.lower(), "甲公司", "2026年2月", "", "3000.00", "2026-03-10", ""],  # part, no payroll
        [b, "乙公司", "202602", "200000", "4000", "2026.3.11", "财政"],
        [a, "甲公司", "2026-02", "", "100", "2026-03-12", ""],  # the same month twice
        [b, "乙公司", "2026-01", "200000", "4000", "2026-02-15", ""],  # already paid: conflict
        ["91530524MA6K9999X9", "丙公司", "2026-01", "", "100", "2026-02-01", ""],  # unknown code
        [a, "甲公司", "2026-13", "", "100", "2026-02-01", ""],  # no such month
        [b, "乙公司", "2026-03", "200000", "4001", "2026-04-01", ""],  # more than due
        [a, "甲公司", "2026-03", "", "-5", "2026-04-01", ""],
        [a, "甲公司", "2026-04", "", "100", "2026-03-01", ""],  # before the month
        [a, "甲公司", "2026-05", "", "100", "2026-06-01", "现金"],
    ]
    path = write_xlsx(tmp_path / "代收明细.xlsx", rows, header=LIST_HEADER, title=False)
    spec = CollectionListSpec()
    before = snapshot(FundContribution, JournalEntry, Posting)
    refused = run_import(
        spec, path, actor=tree.county_staff, org=tree.county, mode=Mode.ALL_OR_NOTHING
    )
    assert refused.imported == 0 and snapshot(FundContribution, JournalEntry, Posting) == before
    said = {p.row: (p.column, p.message, p.kind) for p in refused.problems}
    assert "3" in said[5][1] and said[5][0] == "所属期"
    assert said[6][2] == "conflict"
    assert said[7][0] == "统一社会信用代码" and "91530524MA6K9999X9" in said[7][1]
    assert said[8][0] == "所属期"
    assert said[9][0] == "入库金额" and "4001" in said[9][1]
    assert said[10][0] == "入库金额"
    assert said[11][0] == "入库日期"
    assert said[12][0] == "征收方式"
    assert not {2, 3, 4} & set(said)
    outcome = run_import(spec, path, actor=tree.county_staff, org=tree.county, mode=Mode.PARTIAL)
    assert outcome.imported == 3
    # Said in rows, the conflict as a record already there (not "members of another union").
    from gonghui.core.imports.jobs import describe

    said = describe(outcome, Mode.PARTIAL, spec)
    assert "成功导入 3 行" in said and "已有记录" in said and "会员" not in said
    jan = FundContribution.objects.get(employer=tree.emp_a, period=JAN)
    feb = FundContribution.objects.get(employer=tree.emp_a, period=FEB)
    feb_b = FundContribution.objects.get(employer=tree.emp_b, period=FEB)
    assert (jan.collected, jan.channel) == (D(6000), "tax")
    assert (feb.payroll, feb.due, feb.collected) == (D(150000), D(3000), D(3000))
    assert (feb_b.collected, feb_b.channel) == (D(4000), "fiscal")
    assert selectors.unbalanced_orgs(tree.county_staff, tree.county) == []
    # A township imports into its own subtree only: the other township's codes are unknown.
    theirs = run_import(spec, path, actor=tree.town_b, org=tree.b, mode=Mode.PARTIAL)
    assert theirs.imported == 0
    assert all(p.column == "统一社会信用代码" for p in theirs.problems if p.row in (2, 3))
    check_deferred()


# -- the pages ---------------------------------------------------------------------------


def test_the_funds_pages_as_each_role(client, tree, split):
    from django.urls import reverse

    _payroll(tree)
    c = services.contribution_create(
        actor=tree.county_staff, employer=tree.emp_a, period=JAN, payroll=D(100000)
    )
    client.force_login(tree.town_a)
    page = client.get(reverse("admin:funds_fundcontribution_change", args=[c.pk]))
    assert page.status_code == 200 and 'data-testid="collect"' in page.content.decode()
    # A payment recorded on the page; a bad one said, not an error page.
    url = reverse("admin:funds_contribution_collect", args=[c.pk])
    bad = client.post(
        url, {"amount": "9999", "collected_on": "2026-02-10", "channel": "tax"}, follow=True
    )
    assert bad.status_code == 200 and "尚欠" in bad.content.decode()
    junk = client.post(url, {"amount": "abc", "collected_on": "", "channel": "x"}, follow=True)
    assert junk.status_code == 200
    client.post(url, {"amount": "2000", "collected_on": "2026-02-10", "channel": "tax"})
    c.refresh_from_db()
    assert c.collected == D(2000)
    # Assess a month for the township; the list shows it.
    page = client.post(
        reverse("admin:funds_contribution_assess"), {"org": tree.a.pk, "period": "2026-02-05"}
    )
    assert page.status_code == 302
    assert FundContribution.objects.filter(period=FEB, employer=tree.emp_a).exists()
    page = client.post(
        reverse("admin:funds_contribution_assess"), {"org": tree.b.pk, "period": "2026-02-05"}
    )
    assert page.status_code == 200  # another township: not offered
    assert not FundContribution.objects.filter(period=FEB, employer=tree.emp_b).exists()
    listing = client.get(reverse("admin:funds_fundcontribution_changelist"), {"arrears": "yes"})
    assert listing.status_code == 200
    xlsx = client.get(reverse("admin:funds_contribution_arrears"))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    # The journal and the balances.
    entry = JournalEntry.objects.get()
    client.force_login(tree.clerk_a1)
    page = client.get(reverse("admin:funds_journalentry_change", args=[entry.pk]))
    table = page.content.decode().split('data-testid="postings"')[1].split("</table>")[0]
    # Its own two lines (6000 in, its share), not the county's.
    assert page.status_code == 200 and table.count("<tr>") == 3
    assert "甲公司工会委员会" in table and "青山县总工会" not in table
    balances = client.get(reverse("admin:funds_journal_balances"))
    assert balances.status_code == 200 and "1200.00" in balances.content.decode()
    other = client.get(
        reverse("admin:funds_journal_balances"), {"org": tree.b.pk, "on": "2026-03-01"}
    )
    assert other.status_code == 200 and "乙镇" not in other.content.decode().split("<h2")[-1][:200]
    sheet = client.get(
        reverse("admin:funds_journal_balances"),
        {"org": tree.a1.pk, "on": "2026-03-01", "format": "xlsx"},
    )
    assert sheet.content[:2] == b"PK"
    assert client.get(reverse("admin:funds_fundcontribution_changelist")).status_code == 403
    client.force_login(tree.town_b)
    assert (
        client.get(reverse("admin:funds_journalentry_change", args=[entry.pk])).status_code == 302
    )
    assert (
        client.get(reverse("admin:funds_fundcontribution_change", args=[c.pk])).status_code == 302
    )
    client.force_login(tree.county_staff)
    for name in (
        "admin:funds_fundcontribution_changelist",
        "admin:funds_journalentry_changelist",
        "admin:funds_splitpolicy_changelist",
        "admin:funds_refundpolicy_changelist",
        "admin:funds_fundrefund_changelist",
        "admin:funds_refundbatch_changelist",
        "admin:funds_allocation_changelist",
        "admin:funds_allocation_add",
        "admin:funds_duesreport_changelist",
        "admin:funds_duesreport_add",
        "admin:funds_fundcontribution_add",
        "admin:funds_refund_draft",
        "admin:funds_contribution_assess",
    ):
        assert client.get(reverse(name)).status_code == 200, name


# -- the books balance, and balances are the sum of postings (property) ---------------------


MOVES = st.lists(
    st.one_of(
        st.tuples(
            st.just("collect"),
            st.sampled_from(["a", "b"]),
            st.integers(1, 10),  # month
            st.integers(1, 400_000),  # payroll in yuan
            st.integers(1, 100),  # percent paid
            st.sampled_from(["tax", "fiscal", "direct"]),
        ),
        st.tuples(
            st.just("allocate"),
            st.sampled_from(["county-a", "county-b", "a-a1", "b-b1", "county-a1"]),
            st.integers(1, 10),
            st.integers(1, 50_000_00),  # fen
        ),
        st.tuples(
            st.just("dues"),
            st.sampled_from(["a1", "b1"]),
            st.integers(1, 10),
            st.integers(1, 500),
        ),
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(moves=MOVES, on_month=st.integers(1, 12))
def test_balances_are_the_sum_of_postings_and_every_union_balances(tree, moves, on_month):
    orgs = {"county": tree.county, "a": tree.a, "b": tree.b, "a1": tree.a1, "b1": tree.b1}
    with transaction.atomic():
        services.split_policy_create(
            actor=None,
            region_code="530000",
            effective_from=datetime.date(2020, 1, 1),
            grassroots=D(60),
            township=D(7),
            county=D(13),
            city=D(10),
            province=D(5),
            national=D(5),
        )
        for move in moves:
            if move[0] == "collect":
                _kind, town, month, payroll, percent, channel = move
                emp = tree.emp_a if town == "a" else tree.emp_b
                period = datetime.date(2026, month, 1)
                c = FundContribution.objects.filter(employer=emp, period=period).first()
                if c is None:
                    c = services.contribution_create(
                        actor=None, employer=emp, period=period, payroll=D(payroll)
                    )
                amount = (c.outstanding * percent / 100).quantize(D("0.01"))
                if amount > 0:
                    # A day later for each payment of the month: the same sum on the same day
                    # and channel is the same payment, which is refused (tested on its own).
                    later = datetime.timedelta(days=20 + c.payments.count())
                    services.contribution_collect(
                        actor=None,
                        contribution=c,
                        amount=amount,
                        collected_on=period + later,
                        channel=channel,
                    )
            elif move[0] == "allocate":
                _kind, pair, month, fen = move
                giver, taker = pair.split("-")
                a = services.allocation_create(
                    actor=None,
                    org=orgs[giver],
                    recipient=orgs[taker],
                    purpose="activities",
                    amount=D(fen) / 100,
                )
                services.allocation_transition(actor=None, allocation=a, step="approve")
                services.allocation_transition(
                    actor=None,
                    allocation=a,
                    step="pay",
                    paid_on=datetime.date(2026, month, 15),
                    reference="R",
                )
            else:
                _kind, union, month, members = move
                period = datetime.date(2026, month, 1)
                if not DuesReport.objects.filter(org=orgs[union], period=period).exists():
                    services.dues_report_create(
                        actor=None,
                        org=orgs[union],
                        period=period,
                        members=members,
                        amount=services.dues_of(D(4500)) * members,
                        collected_on=period + datetime.timedelta(days=5),
                    )
        check_deferred()
        on = datetime.date(2026, on_month, 28)
        postings = list(Posting.objects.select_related("entry", "org"))
        for key, org in orgs.items():
            own = {
                r["account"]: r["balance"]
                for r in selectors.account_balances(None, org, on, own=True)
            }
            rolled = {r["account"]: r["balance"] for r in selectors.account_balances(None, org, on)}
            for account in Account.values:
                mine = [
                    p.amount
                    for p in postings
                    if p.org_id == org.pk and p.account == account and p.entry.date <= on
                ]
                below = [
                    p.amount
                    for p in postings
                    if p.org.path.startswith(org.path)
                    and p.account == account
                    and p.entry.date <= on
                ]
                assert own[account] == sum(mine, D(0)), (key, account)
                assert rolled[account] == sum(below, D(0)), (key, account)
            # Every union's books balance, at every month end.
            assert sum(own.values(), D(0)) == 0, key
        for month in range(1, 13):
            end = datetime.date(2026, month, 28)
            assert selectors.unbalanced_orgs(None, tree.county, end) == []
        # What was collected is exactly split.
        for c in FundContribution.objects.all():
            assert c.collected == sum(
                (getattr(c, f"share_{s}") for s in services.SHARE_LEVELS), D(0)
            )
        transaction.set_rollback(True)


# -- after review: what was collected, refunded and imported stays exactly once --------------


def test_a_list_imported_again_adds_no_payment_and_a_refunded_month_takes_none(
    tree, refund_rule, tmp_path
):
    from gonghui.core.imports.engine import Mode, run_import
    from gonghui.funds.imports import CollectionListSpec
    from gonghui.funds.models import FundPayment
    from tests.rosters import write_xlsx

    _payroll(tree)
    c = services.contribution_create(
        actor=tree.county_staff, employer=tree.emp_a, period=JAN, payroll=D(300000)
    )
    rows = [[tree.emp_a.uscc, "甲公司", "2026-01", "", "2500", "2026-02-12", ""]]  # part paid
    path = write_xlsx(tmp_path / "一月.xlsx", rows, header=LIST_HEADER, title=False)
    spec = CollectionListSpec()
    first = run_import(spec, path, actor=tree.county_staff, org=tree.county, mode=Mode.PARTIAL)
    again = run_import(spec, path, actor=tree.county_staff, org=tree.county, mode=Mode.PARTIAL)
    assert (first.imported, again.imported, again.conflicts) == (1, 0, 1)
    c.refresh_from_db()
    assert c.collected == D(2500) and FundPayment.objects.count() == 1
    # By hand, the same payment is refused too; another one on another day is a payment.
    with pytest.raises(ValidationError, match="已登记"):
        services.contribution_collect(
            actor=tree.county_staff,
            contribution=c,
            amount=D(2500),
            collected_on=datetime.date(2026, 2, 12),
            channel="tax",
        )
    services.contribution_collect(
        actor=tree.county_staff,
        contribution=c,
        amount=D(3500),
        collected_on=datetime.date(2026, 2, 20),
        channel="direct",
    )
    # Each payment keeps its channel: the month counts under both.
    from gonghui.reports.registry import all_indicators

    registry = all_indicators()
    year = (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    assert registry["funds.collected.tax"].value(tree.county, *year) == D(2500)
    assert registry["funds.collected.direct"].value(tree.county, *year) == D(3500)
    # Refunded months take no more payments.
    from gonghui.orgs.models import Employer

    Employer.objects.filter(pk=tree.emp_a.pk).update(is_small_micro=True)
    feb = services.contribution_create(
        actor=tree.county_staff, employer=tree.emp_a, period=FEB, payroll=D(100000)
    )
    services.contribution_collect(
        actor=tree.county_staff,
        contribution=feb,
        amount=D(2000),
        collected_on=datetime.date(2026, 3, 5),
        channel="tax",
    )
    draft = services.refunds_draft(
        actor=tree.county_staff, org=tree.county, period_from=FEB, period_to=FEB
    )
    assert [r.period_from for r in draft.created] == [FEB]
    with pytest.raises(ValidationError, match="返还"):
        services.contribution_collect(
            actor=tree.county_staff,
            contribution=feb,
            amount=D(500),
            collected_on=datetime.date(2026, 3, 9),
            channel="tax",
        )
    check_deferred()


def test_a_refund_is_given_back_by_those_who_received_the_money(tree, refund_rule):
    """A firm paid the preparatory levy (its township held the grassroots share), then formed
    its union: the refund comes back from the township, not from the new union."""
    from gonghui.orgs.models import Employer
    from gonghui.orgs.services import employer_create

    shop = employer_create(
        actor=None, org=tree.a, name="甲镇小店", unit_type="600", headcount=8, union=None
    )
    Employer.objects.filter(pk=shop.pk).update(is_small_micro=True, monthly_payroll=D(50000))
    shop.refresh_from_db()
    month = services.contribution_create(
        actor=tree.county_staff, employer=shop, period=JAN, payroll=D(50000)
    )
    services.contribution_collect(
        actor=tree.county_staff, contribution=month, amount=D(1000), collected_on=FEB, channel="tax"
    )
    Employer.objects.filter(pk=shop.pk).update(union=tree.a1)  # its union formed since
    refund = services.refunds_draft(
        actor=tree.county_staff, org=tree.county, period_from=JAN, period_to=JAN
    ).created[0]
    services.refund_update(
        actor=tree.county_staff,
        refund=refund,
        changes={"bank_name": "农业银行", "bank_account": "6228480012345678901"},
    )
    refund.refresh_from_db()
    # The account is kept encrypted; only its last four are shown.
    assert b"6228480012345678901" not in bytes(refund.bank_account)
    assert refund.bank_account_last4 == "8901"
    services.refund_take_step(actor=tree.county_staff, refunds=[refund], step="approve")
    batch = services.refund_batch_create(actor=tree.county_staff, org=tree.county, refunds=[refund])
    services.refund_batch_mark_paid(
        actor=tree.county_staff, batch=batch, paid_on=FEB, reference="R"
    )
    entry = JournalEntry.objects.get(kind="refund")
    back = {}
    for p in entry.postings.filter(account="refunds"):
        back[p.org_id] = back.get(p.org_id, 0) + p.amount
    # The township held 600 (60%); the county its 200 and the 200 it passed up the tree.
    assert back == {tree.a.pk: D(600), tree.county.pk: D(400)}
    assert tree.a1.pk not in back
    check_deferred()


def test_a_posting_cannot_be_added_to_an_entry_of_an_earlier_transaction(transactional_db):
    from tests.conftest import build_tree

    tree = build_tree()
    with transaction.atomic():
        entry = services.journal_post(
            actor=None,
            org=tree.county,
            date=JAN,
            kind="correction",
            memo="会费",
            lines=[Line(tree.county, Account.BANK, D(5)), Line(tree.county, Account.DUES, D(-5))],
        )
    with pytest.raises(IntegrityError, match="with its entry"), transaction.atomic():
        Posting.objects.bulk_create(
            [
                Posting(entry=entry, org=tree.a, account=Account.BANK, amount=D(9)),
                Posting(entry=entry, org=tree.a, account=Account.DUES, amount=D(-9)),
            ]
        )
    assert entry.postings.count() == 2


def test_the_arrears_list_needs_the_contributions(client, tree):
    from django.urls import reverse

    client.force_login(tree.clerk_a1)
    assert client.get(reverse("admin:funds_contribution_arrears")).status_code == 403

"""The funds area: the balanced journal (held by the database), the split policy, the
employers' months assessed and collected, split and posted, and what each user may see."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from gonghui.core.errors import DomainError, NotFound
from gonghui.funds import selectors, services
from gonghui.funds.models import (
    Account,
    Channel,
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
    lines = {(p.org_id, p.account, p.amount) for p in entry.postings.all()}
    assert lines == {
        (tree.a1.pk, "refunds", D(3600)),
        (tree.a1.pk, "bank", D(-3600)),
        (tree.county.pk, "refunds", D(1200)),
        (tree.county.pk, "bank", D(-1200)),
        (tree.county.pk, "refunds", D(1200)),
        (tree.county.pk, "bank", D(-1200)),
    } or sum(p.amount for p in entry.postings.filter(org=tree.county, account="refunds")) == D(2400)
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

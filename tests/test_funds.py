"""The funds area: the balanced journal (held by the database), the split policy, the
employers' months assessed and collected, split and posted, and what each user may see."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

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
from gonghui.funds.services import Collection, Line
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

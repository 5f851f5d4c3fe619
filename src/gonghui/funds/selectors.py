"""Every read of the funds area, scoped to the actor's subtree: the employers' months, the
journal (a union sees the entries that touch its subtree and, in them, only its subtree's
lines), the balances of the accounts and the employers in arrears."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum

from gonghui.core.access import require_in_scope
from gonghui.core.dates import month_added
from gonghui.core.scoping import get_scoped, scope, subtree_q
from gonghui.funds.models import (
    Account,
    Allocation,
    DuesReport,
    FundContribution,
    FundRefund,
    JournalEntry,
    Posting,
    RefundBatch,
    RefundPolicy,
    SplitPolicy,
)

# A month's funds are payable by the 15th of the next month (Shanghai's rule, the common one):
# after that, what is unpaid is in arrears.
PAYABLE_BY_DAY = 15


def contributions_visible_to(actor) -> QuerySet[FundContribution]:
    return scope(FundContribution.objects.select_related("employer", "org"), actor)


def contribution_get(actor, pk) -> FundContribution:
    return get_scoped(FundContribution.objects.select_related("employer", "org"), actor, pk=pk)


def entries_visible_to(actor) -> QuerySet[JournalEntry]:
    """The entries with a line on an org of the actor's subtree."""
    mine = Posting.objects.filter(subtree_q(actor), entry=OuterRef("pk"))
    return JournalEntry.objects.filter(Exists(mine)).select_related("org")


def postings_visible_to(actor, entry: JournalEntry | None = None) -> QuerySet[Posting]:
    qs = scope(Posting.objects.select_related("org", "entry"), actor)
    return qs.filter(entry=entry) if entry is not None else qs


def split_policies_visible_to(actor) -> QuerySet[SplitPolicy]:
    """A region's split is public: every member of staff may read it."""
    if actor is None or not getattr(actor, "is_active", False):
        return SplitPolicy.objects.none()
    return SplitPolicy.objects.all()


def last_overdue_month(today: datetime.date) -> datetime.date:
    """The latest month whose funds were payable by today (by the 15th of the month after)."""
    return month_added(today, -1 if today.day > PAYABLE_BY_DAY else -2)


def in_arrears(today: datetime.date) -> Q:
    return Q(collected__lt=F("due"), period__lte=last_overdue_month(today))


def contributions_waiting(actor, key: str, today: datetime.date) -> QuerySet[FundContribution]:
    """The months overdue and not fully paid (to chase the employer, or to record a payment)."""
    if key != "contributions.arrears":
        return FundContribution.objects.none()
    return contributions_visible_to(actor).filter(in_arrears(today))


def arrears_by_employer(actor, org, today: datetime.date) -> list[dict]:
    """Each employer of the subtree behind with its funds: months and sum outstanding, the
    largest first."""
    require_in_scope(actor, org)
    rows = (
        FundContribution.objects.filter(org__path__startswith=org.path)
        .filter(in_arrears(today))
        .values("employer_id", "employer__name", "employer__uscc", "org__name")
        .annotate(outstanding=Sum(F("due") - F("collected")), months=Count("id"))
        .order_by("-outstanding", "employer__name")
    )
    return list(rows)


def account_balances(actor, org, on: datetime.date | None = None, own: bool = False) -> list[dict]:
    """The balance of every account of the org (``own``) or of its whole subtree, from the
    postings dated up to ``on``: debit and credit totals and the balance (debit +)."""
    require_in_scope(actor, org)
    postings = (
        Posting.objects.filter(org=org)
        if own
        else Posting.objects.filter(org__path__startswith=org.path)
    )
    if on is not None:
        postings = postings.filter(entry__date__lte=on)
    sums = {
        row["account"]: row
        for row in postings.values("account").annotate(
            debit=Sum("amount", filter=Q(amount__gt=0), default=Decimal(0)),
            credit=Sum("amount", filter=Q(amount__lt=0), default=Decimal(0)),
            balance=Sum("amount", default=Decimal(0)),
        )
    }
    return [
        {
            "account": value,
            "label": label,
            "debit": sums.get(value, {}).get("debit", Decimal(0)),
            "credit": -sums.get(value, {}).get("credit", Decimal(0)),
            "balance": sums.get(value, {}).get("balance", Decimal(0)),
        }
        for value, label in Account.choices
    ]


def unbalanced_orgs(actor, root, on: datetime.date | None = None) -> list[int]:
    """The orgs of the subtree whose postings up to ``on`` do not sum to zero: none, ever (the
    database refuses an unbalanced entry); the demo and the tests check it."""
    require_in_scope(actor, root)
    postings = Posting.objects.filter(org__path__startswith=root.path)
    if on is not None:
        postings = postings.filter(entry__date__lte=on)
    return list(
        postings.values("org_id")
        .annotate(total=Sum("amount"))
        .exclude(total=0)
        .values_list("org_id", flat=True)
    )


def refund_policies_visible_to(actor) -> QuerySet[RefundPolicy]:
    """A region's refund rule is public: every member of staff may read it."""
    if actor is None or not getattr(actor, "is_active", False):
        return RefundPolicy.objects.none()
    return RefundPolicy.objects.all()


def refunds_visible_to(actor) -> QuerySet[FundRefund]:
    return scope(FundRefund.objects.select_related("employer", "org", "batch"), actor)


def refund_months(actor, refund: FundRefund) -> QuerySet[FundContribution]:
    """The months a refund gives back, within the actor's subtree."""
    return contributions_visible_to(actor).filter(refund=refund).order_by("period")


def refund_batches_visible_to(actor) -> QuerySet[RefundBatch]:
    return scope(RefundBatch.objects.select_related("org"), actor)


def refunds_waiting(actor, key: str, today: datetime.date) -> QuerySet[FundRefund]:
    """Refunds drafted and not yet reviewed (approved or rejected)."""
    if key != "refunds.review":
        return FundRefund.objects.none()
    return refunds_visible_to(actor).filter(status=FundRefund.Status.DRAFT)


def allocations_visible_to(actor) -> QuerySet[Allocation]:
    """Allocations given within the actor's subtree, and those it received from above."""
    return Allocation.objects.filter(
        subtree_q(actor) | subtree_q(actor, "recipient")
    ).select_related("org", "recipient")


def allocations_waiting(actor, key: str, today: datetime.date) -> QuerySet[Allocation]:
    """Allocations the actor's unions give that wait to be approved, or approved and unpaid."""
    wanted = {
        "allocations.approve": Allocation.Status.DRAFT,
        "allocations.pay": Allocation.Status.APPROVED,
    }.get(key)
    if wanted is None:
        return Allocation.objects.none()
    return scope(Allocation.objects.select_related("org", "recipient"), actor).filter(status=wanted)


def dues_reports_visible_to(actor) -> QuerySet[DuesReport]:
    return scope(DuesReport.objects.select_related("org"), actor)

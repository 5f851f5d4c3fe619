"""Every write of the funds area.

The journal: ``journal_post`` writes one balanced entry (each org's postings summing to zero);
the database refuses any other at commit (migration 0002), so the Python check here is for a
clear message, not the guarantee.

Contributions: a month of an employer is assessed (2% of its payroll, or the preparatory levy
while it has no union) and collected. A collection is split between the levels by the split
policy in force for the employer's region on the day it was collected (a new policy applies
from its date, never backwards), and posted: the collecting org (the county federation for the
tax bureau's and the fiscal channels, the employer's own union when it pays directly) receives
the whole sum, keeps its share and passes the others on at once; each union of the chain
receives its share; the shares of the levels above the platform's top org leave the tree.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core import payments, policy
from gonghui.core.access import require_in_scope, require_perm
from gonghui.core.constraints import full_clean
from gonghui.core.crypto import cipher
from gonghui.core.dates import month_added
from gonghui.core.errors import DomainError
from gonghui.core.events import record_event
from gonghui.core.services import record_delete
from gonghui.core.validators import checked_amount
from gonghui.core.workflow import Step, Workflow, all_or_none
from gonghui.funds.models import (
    CONTRIBUTION_RATE,
    SHARE_LEVELS,
    Account,
    Allocation,
    Channel,
    DuesReport,
    EntryKind,
    FundContribution,
    FundPayment,
    FundRefund,
    JournalEntry,
    Posting,
    RefundBatch,
    RefundPolicy,
    SplitPolicy,
)
from gonghui.orgs.models import Employer, Org

CENT = Decimal("0.01")
# The purpose an employer's refund account is encrypted for (``core.crypto``).
BANK_PURPOSE = "funds.refund.bank_account"
# A month's payroll of more digits is a typing error (under 1000亿元).
MAX_YUAN_DIGITS = 11
# The levels of a split and the org level that takes each share.
LEVEL_OF = {
    "grassroots": Org.Level.GRASSROOTS,
    "township": Org.Level.TOWNSHIP,
    "county": Org.Level.COUNTY,
    "city": Org.Level.CITY,
    "province": Org.Level.PROVINCE,
    "national": Org.Level.NATIONAL,
}


def _yuan(value, field: str) -> Decimal:
    try:
        amount = Decimal(value)
    except (TypeError, ArithmeticError) as exc:
        raise DomainError({field: _("Enter an amount in yuan.")}) from exc
    if amount != amount.quantize(CENT):
        raise DomainError({field: _("An amount has at most two decimals (fen).")})
    return checked_amount(amount, field, MAX_YUAN_DIGITS)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


# -- the journal ------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    org: Org
    account: str
    amount: Decimal  # debit +, credit −


def _check_balanced(lines: Sequence[Line]) -> None:
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for line in lines:
        if line.account not in Account.values:
            raise DomainError(_("Unknown fund account “%(a)s”.") % {"a": line.account})
        if not line.amount or line.amount != line.amount.quantize(CENT):
            raise DomainError(_("A posting is a non-zero amount in yuan and fen."))
        totals[line.org.pk] += line.amount
    if not lines or any(totals.values()):
        raise DomainError(_("The entry does not balance: each union's debits and credits differ."))


def _post(entries: Sequence[tuple[JournalEntry, Sequence[Line]]]) -> list[JournalEntry]:
    """Write entries with their postings, two inserts in all."""
    for _entry, lines in entries:
        _check_balanced(lines)
    made = JournalEntry.objects.bulk_create([entry for entry, _lines in entries])
    Posting.objects.bulk_create(
        [
            Posting(entry=entry, org=line.org, account=line.account, amount=line.amount)
            for entry, (_e, lines) in zip(made, entries, strict=True)
            for line in lines
        ],
        batch_size=5000,
    )
    return made


def journal_post(
    *,
    actor,
    org: Org,
    date: datetime.date,
    kind: str,
    memo: str,
    lines: Sequence[Line],
    source=None,
) -> JournalEntry:
    """One balanced entry, posted by ``org``, within the caller's transaction (the caller is a
    service that has checked who may move this money)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("journal_post must run inside the service's transaction")
    entry = JournalEntry(
        org=org,
        date=date,
        kind=kind,
        memo=memo[:200],
        source_type=ContentType.objects.get_for_model(source) if source is not None else None,
        source_id=source.pk if source is not None else None,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    return _post([(entry, lines)])[0]


def payment_batch_post(*, actor, batch, account: str, memo: str) -> JournalEntry:
    """A paid payment batch of another area (grants, care payments): the payer's spending from
    its bank deposits (``core.payments`` calls it in the batch's transaction)."""
    return journal_post(
        actor=actor,
        org=batch.org,
        date=batch.paid_on,
        kind=EntryKind.ASSISTANCE,
        memo=memo,
        lines=[Line(batch.org, account, batch.total), Line(batch.org, Account.BANK, -batch.total)],
        source=batch,
    )


# -- split policies ---------------------------------------------------------------------

SPLIT_FIELDS = ("effective_to", "note", *SHARE_LEVELS, "region_code", "effective_from")


def split_policy_create(*, actor, region_code: str, effective_from: datetime.date, **shares):
    """A province's (or a city's, a county's) split of the 2% from a date."""
    unknown = set(shares) - set(SPLIT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    return _rule_write(
        actor,
        SplitPolicy(region_code=region_code, effective_from=effective_from, **shares),
        created=True,
    )


def split_policy_update(*, actor, policy: SplitPolicy, changes: Mapping[str, Any]):
    """Only the end date and the note of a split already in force may change: collections were
    split by it, and a new split is a new policy from its date."""
    return _rule_update(
        actor,
        policy,
        changes,
        SPLIT_FIELDS,
        _(
            "This split is already in force and collections were split by it: record a new "
            "split from the date it changes."
        ),
    )


def _rule_update(actor, rule, changes: Mapping[str, Any], fields, in_force_said: str):
    """A regional rule (a split, a refund rule) changed: once in force, only its end date and
    note, since what was done by it stays explained by it."""
    with transaction.atomic():
        locked = type(rule).objects.select_for_update().get(pk=rule.pk)
        in_force = locked.effective_from <= timezone.localdate()
        for field, value in changes.items():
            if field not in fields:
                raise TypeError(f"unknown field {field}")
            fixed = in_force and field not in ("effective_to", "note")
            if fixed and getattr(locked, field) != value:
                raise DomainError({field: in_force_said})
            setattr(locked, field, value)
        return _rule_write(actor, locked, created=False)


def _rule_write(actor, rule, *, created: bool):
    # A region's public numbers, not an org's records: the permission is the whole check.
    name = rule._meta.model_name
    require_perm(actor, f"funds.{'add' if created else 'change'}_{name}")
    with transaction.atomic():
        full_clean(rule)
        rule.save()
        record_event(
            actor=actor,
            action=f"{name}.{'create' if created else 'update'}",
            org=getattr(actor, "org", None) or Org.objects.filter(parent=None).first(),
            target=rule,
            details={"region": rule.region_code, "from": rule.effective_from.isoformat()},
        )
    return rule


def region_of(org: Org) -> str:
    """The region code of an org, or of the nearest org above it that has one."""
    if org.region_code:
        return org.region_code
    above = Org.objects.filter(path__in=org.ancestor_paths()).exclude(region_code="")
    nearest = above.order_by("-level").values_list("region_code", flat=True).first()
    return nearest or ""


# -- contributions ----------------------------------------------------------------------


def _levy(employer: Employer) -> str:
    return (
        FundContribution.Levy.CONTRIBUTION
        if employer.union_id
        else FundContribution.Levy.PREPARATORY
    )


def due_on(payroll: Decimal) -> Decimal:
    """2% of a month's payroll, to the fen."""
    return (payroll * CONTRIBUTION_RATE).quantize(CENT, ROUND_HALF_UP)


def _month(period, today: datetime.date) -> datetime.date:
    if not isinstance(period, datetime.date):
        raise DomainError({"period": _("Enter the month paid for.")})
    if period.day != 1:
        period = month_start(period)
    if period > month_start(today):
        raise DomainError({"period": _("This month has not come yet.")})
    return period


def contribution_create(
    *, actor, employer: Employer, period: datetime.date, payroll
) -> FundContribution:
    """An employer's month assessed by hand: 2% of the payroll given."""
    require_perm(actor, "funds.add_fundcontribution")
    payroll = _yuan(payroll, "payroll")
    period = _month(period, timezone.localdate())
    with transaction.atomic():
        require_in_scope(actor, employer.org)
        if not employer.is_active:
            raise DomainError({"employer": _("This employer is no longer registered.")})
        contribution = FundContribution(
            employer=employer,
            org=employer.org,
            period=period,
            levy=_levy(employer),
            payroll=payroll,
            due=due_on(payroll),
        )
        full_clean(contribution)
        contribution.save(force_insert=True)
        record_event(
            actor=actor,
            action="fundcontribution.create",
            org=employer.org,
            target=contribution,
            details={"due": contribution.due},
        )
    return contribution


def contribution_update(*, actor, contribution: FundContribution, changes: Mapping[str, Any]):
    """Correct a month's payroll (its due follows). What was collected is changed only by
    collections."""
    require_perm(actor, "funds.change_fundcontribution")
    unknown = set(changes) - {"payroll"}
    if unknown:
        raise DomainError(_("Only the payroll of an assessed month may be corrected."))
    payroll = _yuan(changes.get("payroll", contribution.payroll), "payroll")
    with transaction.atomic():
        locked = FundContribution.objects.select_for_update().get(pk=contribution.pk)
        require_in_scope(actor, locked.org)
        before = locked.payroll
        locked.payroll, locked.due = payroll, due_on(payroll)
        if locked.collected > locked.due:
            raise DomainError(
                {"payroll": _("Already collected: more than the 2 per cent due on this payroll.")}
            )
        full_clean(locked)
        locked.save(update_fields=["payroll", "due"])
        record_event(
            actor=actor,
            action="fundcontribution.update",
            org=locked.org,
            target=locked,
            details={"payroll": [before, payroll]},
        )
    contribution.refresh_from_db()
    return locked


def contribution_delete(*, actor, contribution: FundContribution) -> None:
    """A month assessed in error, while nothing of it was collected."""
    with transaction.atomic():
        locked = FundContribution.objects.select_for_update().filter(pk=contribution.pk).first()
        if locked is not None and locked.collected:
            raise DomainError(_("Money was collected for this month: it stays on record."))
        record_delete(actor=actor, instance=locked or contribution)


def contributions_assess(*, actor, org: Org, period: datetime.date) -> int:
    """Assess a month for every registered employer of the org's subtree with a payroll and no
    row for it yet (2% of its monthly payroll); returns how many were assessed."""
    require_perm(actor, "funds.add_fundcontribution")
    period = _month(period, timezone.localdate())
    with transaction.atomic():
        require_in_scope(actor, org)
        employers = (
            Employer.objects.filter(
                org__path__startswith=org.path, is_active=True, monthly_payroll__gt=0
            )
            .exclude(contributions__period=period)
            .order_by("pk")
        )
        rows = [
            FundContribution(
                employer=e,
                org_id=e.org_id,
                period=period,
                levy=_levy(e),
                payroll=e.monthly_payroll,
                due=due_on(e.monthly_payroll),
            )
            for e in employers
        ]
        month = FundContribution.objects.filter(org__path__startswith=org.path, period=period)
        before = month.count()
        # Another clerk assessing the same month at once: the employers they did are skipped.
        FundContribution.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
        assessed = month.count() - before
        record_event(
            actor=actor,
            action="fundcontribution.assess",
            org=org,
            details={"period": period.isoformat(), "count": assessed},
        )
    return assessed


@dataclass(frozen=True)
class Collection:
    """One payment of an employer's month: the contribution paid, how much, when, how."""

    contribution: FundContribution
    amount: Decimal
    collected_on: datetime.date
    channel: str


def contribution_collect(*, actor, contribution: FundContribution, amount, collected_on, channel):
    """Record a payment of an employer's month, split and posted; returns the journal entry."""
    entry = contributions_collect(
        actor=actor,
        collections=[Collection(contribution, amount, collected_on, channel)],
    )[0]
    contribution.refresh_from_db()
    return entry


class _Chains:
    """Who takes each level's share for a grassroots recipient, and who collects (cached per
    recipient: a month's list names the same unions again and again)."""

    def __init__(self):
        self.cache: dict[int, tuple[dict[str, Org | None], Org]] = {}

    def of(self, recipient: Org) -> tuple[dict[str, Org | None], Org]:
        if recipient.pk not in self.cache:
            chain = list(Org.objects.filter(path__in=recipient.ancestor_paths()))
            by_level = {o.level: o for o in chain}
            takers: dict[str, Org | None] = {"grassroots": recipient}
            for level in SHARE_LEVELS[1:]:
                org = by_level.get(LEVEL_OF[level])
                if org is None:
                    # No union of this level above the recipient: the next one up takes its
                    # share; none above in the tree, it leaves the tree with the others.
                    higher = [o for o in chain if o.level < LEVEL_OF[level]]
                    org = max(higher, key=lambda o: o.level) if higher else None
                takers[level] = org
            county = by_level.get(Org.Level.COUNTY) or min(chain, key=lambda o: o.level)
            self.cache[recipient.pk] = (takers, county)
        return self.cache[recipient.pk]


def split(amount: Decimal, percents: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """The shares of an amount by level, to the fen; the grassroots union takes the rounding so
    the shares always make the whole."""
    shares = {
        level: (amount * percents[level] / 100).quantize(CENT, ROUND_HALF_UP)
        for level in SHARE_LEVELS[1:]
    }
    shares["grassroots"] = amount - sum(shares.values(), Decimal(0))
    return shares


def contributions_collect(*, actor, collections: Sequence[Collection]) -> list[JournalEntry]:
    """Record many payments at once (a month's list from the tax bureau): all or nothing, each
    checked as ``contribution_collect`` checks one, two inserts for all their postings. The
    caller's contribution objects are not refreshed (read them again to see the totals)."""
    require_perm(actor, "funds.change_fundcontribution")
    if not collections:
        return []
    today = timezone.localdate()
    for c in collections:
        if c.channel not in Channel.values:
            raise DomainError({"channel": _("Choose how the money was collected.")})
        amount = _yuan(c.amount, "amount")
        if amount <= 0:
            raise DomainError({"amount": _("Enter the amount collected.")})
        if not isinstance(c.collected_on, datetime.date) or c.collected_on > today:
            raise DomainError({"collected_on": _("Enter a collection date that has come.")})
        if c.collected_on < c.contribution.period:
            raise DomainError(
                {"collected_on": _("The money was collected before the month it pays for.")}
            )
    with transaction.atomic():
        ids = sorted({c.contribution.pk for c in collections})
        locked = {
            row.pk: row
            for row in FundContribution.objects.select_for_update(of=("self",))
            .select_related("employer__union", "employer__org", "org")
            .filter(pk__in=ids)
            .order_by("pk")
        }
        for org in {row.org_id: row.org for row in locked.values()}.values():
            require_in_scope(actor, org)
        chains, policies, regions = _Chains(), {}, {}
        source_type = ContentType.objects.get_for_model(FundContribution)
        entries, payments = [], []
        recorded = set(
            FundPayment.objects.filter(contribution_id__in=ids).values_list(
                "contribution_id", "collected_on", "amount", "channel"
            )
        )
        for c in collections:
            row = locked[c.contribution.pk]
            amount = Decimal(c.amount)
            said = {"employer": row.employer.name, "month": f"{row.period:%Y-%m}"}
            if row.refund_id is not None:
                raise DomainError(
                    _("%(employer)s %(month)s is in a refund: no payment is added to it.") % said
                )
            key = (row.pk, c.collected_on, amount, c.channel)
            if key in recorded:
                raise DomainError(
                    _("%(employer)s %(month)s: this payment is already recorded.") % said
                )
            recorded.add(key)
            if amount > row.due - row.collected:
                raise DomainError(
                    {
                        "amount": _(
                            "%(employer)s %(month)s: %(amount)s yuan is more than the %(left)s "
                            "yuan still due."
                        )
                        % {
                            "employer": row.employer.name,
                            "month": f"{row.period:%Y-%m}",
                            "amount": amount,
                            "left": row.due - row.collected,
                        }
                    }
                )
            recipient = row.employer.union or row.employer.org
            takers, county = chains.of(recipient)
            if row.org_id not in regions:
                regions[row.org_id] = region_of(row.org)
            region = row.employer.region_code or regions[row.org_id]
            key = (region, c.collected_on)
            if key not in policies:
                policies[key] = policy.in_force(SplitPolicy.objects.all(), region, c.collected_on)
            split_policy = policies[key]
            if split_policy is None:
                raise DomainError(
                    _(
                        "No split of union funds is in force for region %(region)s on %(day)s: "
                        "a platform administrator records it first."
                    )
                    % {"region": region or "-", "day": f"{c.collected_on:%Y-%m-%d}"}
                )
            shares = split(amount, split_policy.percents())
            collector = recipient if c.channel == Channel.DIRECT else county
            lines = _collection_lines(collector, takers, shares, amount)
            for level, share in shares.items():
                name = f"share_{level}"
                setattr(row, name, getattr(row, name) + share)
            row.collected += amount
            row.collected_on = max(row.collected_on or c.collected_on, c.collected_on)
            row.channel = c.channel
            entries.append(
                (
                    JournalEntry(
                        org=collector,
                        date=c.collected_on,
                        kind=EntryKind.COLLECTION,
                        memo=f"收{row.employer.name}{row.period:%Y年%m月}{row.get_levy_display()}",
                        source_type=source_type,
                        source_id=row.pk,
                        created_by=actor if getattr(actor, "pk", None) else None,
                    ),
                    lines,
                )
            )
            payments.append(
                FundPayment(
                    contribution=row, amount=amount, collected_on=c.collected_on, channel=c.channel
                )
            )
        made = _post(entries)
        for payment, entry in zip(payments, made, strict=True):
            payment.entry = entry
        FundPayment.objects.bulk_create(payments, batch_size=2000)
        _save_totals(list(locked.values()))
        total = sum((Decimal(c.amount) for c in collections), Decimal(0))
        one = locked[collections[0].contribution.pk] if len(collections) == 1 else None
        record_event(
            actor=actor,
            action="fundcontribution.collect",
            org=one.org if one else _common_org(locked.values()),
            target=one,
            details={"count": len(collections), "total": total},
        )
    return made


def _save_totals(rows: list[FundContribution]) -> None:
    """The months' new totals in one statement (Django's bulk_update writes a CASE per field
    and row: seven times slower for a month's list)."""
    shares = [f"share_{level}" for level in SHARE_LEVELS]
    columns = ["collected", "collected_on", "channel", *shares]
    types = ["numeric", "date", "text", *["numeric"] * len(shares)]
    sets = ", ".join(f"{c} = v.{c}" for c in columns)
    arrays = ", ".join(f"%s::{t}[]" for t in ["bigint", *types])
    with connection.cursor() as cur:
        cur.execute(
            f"UPDATE funds_fundcontribution AS c SET {sets} "  # noqa: S608 (our column names)
            f"FROM unnest({arrays}) AS v(id, {', '.join(columns)}) WHERE c.id = v.id",
            [[r.pk for r in rows], *([getattr(r, c) for r in rows] for c in columns)],
        )


def _common_org(rows: Iterable[FundContribution]) -> Org:
    paths = [r.org.path for r in rows]
    prefix = paths[0]
    for p in paths[1:]:
        while not p.startswith(prefix):
            prefix = prefix[: prefix.rstrip("/").rfind("/") + 1]
    return Org.objects.get(path=prefix)


def _collection_lines(
    collector: Org, takers: Mapping[str, Org | None], shares: Mapping[str, Decimal], amount
) -> list[Line]:
    """The collector receives the whole sum and passes on what is not its own; each union of
    the chain receives its share (lines of one org added together)."""
    own: dict[int, Decimal] = defaultdict(Decimal)
    orgs: dict[int, Org] = {}
    for level, share in shares.items():
        taker = takers[level]
        if taker is not None and share:
            own[taker.pk] += share
            orgs[taker.pk] = taker
    kept = own.pop(collector.pk, Decimal(0))
    lines = [Line(collector, Account.BANK, amount)]
    if kept:
        lines.append(Line(collector, Account.CONTRIBUTIONS, -kept))
    if amount - kept:
        lines.append(Line(collector, Account.BANK, -(amount - kept)))
    for pk, share in own.items():
        lines.append(Line(orgs[pk], Account.BANK, share))
        lines.append(Line(orgs[pk], Account.CONTRIBUTIONS, -share))
    return lines


@dataclass(frozen=True)
class ListedPayment:
    """A row of the tax bureau's collection list: the employer, the month paid for, the payroll
    it was levied on (if the list gives it), the sum and when and how it came in."""

    employer: Employer
    period: datetime.date
    payroll: Decimal | None
    amount: Decimal
    collected_on: datetime.date
    channel: str = Channel.TAX


def collection_list_record(*, actor, org: Org, payments: Sequence[ListedPayment]) -> int:
    """A collection list (税务代收明细) into the org's subtree: each month not yet assessed is
    assessed from the list (its payroll, or the sum paid as 2% of one), then every payment is
    collected as ``contributions_collect`` does. All or nothing; returns how many months were
    assessed from the list."""
    require_perm(actor, "funds.add_fundcontribution")
    today = timezone.localdate()
    with transaction.atomic():
        require_in_scope(actor, org)
        for p in payments:
            if not p.employer.org.is_within(org):
                raise DomainError(_("An employer of the list is not in this organisation."))
        keys = {(p.employer.pk, _month(p.period, today)) for p in payments}
        existing = {
            (c.employer_id, c.period): c
            for c in FundContribution.objects.filter(
                employer_id__in={k[0] for k in keys}, period__in={k[1] for k in keys}
            )
        }
        new = []
        for p in payments:
            key = (p.employer.pk, _month(p.period, today))
            if key in existing:
                continue
            payroll = (
                _yuan(p.payroll, "payroll")
                if p.payroll
                else (Decimal(p.amount) / CONTRIBUTION_RATE).quantize(CENT)
            )
            existing[key] = FundContribution(
                employer=p.employer,
                org_id=p.employer.org_id,
                period=key[1],
                levy=_levy(p.employer),
                payroll=payroll,
                due=due_on(payroll),
            )
            new.append(existing[key])
        FundContribution.objects.bulk_create(new, batch_size=2000)
        contributions_collect(
            actor=actor,
            collections=[
                Collection(
                    existing[(p.employer.pk, _month(p.period, today))],
                    p.amount,
                    p.collected_on,
                    p.channel,
                )
                for p in payments
            ],
        )
    return len(new)


# -- refunds to small and micro enterprises ---------------------------------------------

REFUND_FIELDS = (
    "region_code",
    "effective_from",
    "effective_to",
    "max_headcount",
    "requires_union",
    "requires_full_payment",
    "percent",
    "note",
)


def refund_policy_create(*, actor, **fields) -> RefundPolicy:
    """A region's refund rule from a date (platform administrators)."""
    unknown = set(fields) - set(REFUND_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    return _rule_write(actor, RefundPolicy(**fields), created=True)


def refund_policy_update(*, actor, policy: RefundPolicy, changes: Mapping[str, Any]):
    """Like a split, a refund rule in force changes by a new rule from a date; its end date
    and note may be set."""
    return _rule_update(
        actor,
        policy,
        changes,
        REFUND_FIELDS,
        _("This rule is already in force: record a new rule from the date it changes."),
    )


@dataclass(frozen=True)
class RefundDraft:
    created: list[FundRefund]
    skipped: list[str]  # employers paying but not eligible, with the reason


def refunds_draft(
    *, actor, org: Org, period_from: datetime.date, period_to: datetime.date
) -> RefundDraft:
    """The refunds of a span of months for the eligible employers of the org's subtree, to
    review: what each paid in those months (months already refunded left out) times the share
    of the rule in force for its region on the last day of the span. Employers paying but not
    eligible are named with the reason."""
    require_perm(actor, "funds.add_fundrefund")
    today = timezone.localdate()
    first, last = _month(period_from, today), _month(period_to, today)
    if last < first:
        raise DomainError({"period_to": _("The end month is before the start month.")})
    end = month_added(last, 1) - datetime.timedelta(days=1)
    if end >= today:
        raise DomainError({"period_to": _("Refund months that are over.")})
    with transaction.atomic():
        require_in_scope(actor, org)
        months = (
            FundContribution.objects.select_for_update(of=("self",))
            .filter(
                org__path__startswith=org.path,
                period__gte=first,
                period__lte=last,
                refund__isnull=True,
            )
            .select_related("employer", "org")
            .order_by("pk")  # the order every writer of these rows locks them in
        )
        by_employer: dict[int, list[FundContribution]] = defaultdict(list)
        for m in sorted(months, key=lambda m: (m.employer_id, m.period)):
            by_employer[m.employer_id].append(m)
        rules: dict[str, RefundPolicy | None] = {}
        created, skipped = [], []
        for rows in by_employer.values():
            employer = rows[0].employer
            paid = sum((r.collected for r in rows), Decimal(0))
            if not paid:
                continue
            region = employer.region_code or region_of(rows[0].org)
            if region not in rules:
                rules[region] = policy.in_force(RefundPolicy.objects.all(), region, end)
            rule = rules[region]
            why = _not_eligible(employer, rows, rule)
            # The months paid within the rule's own period (a month before it is not covered).
            covered = [r for r in rows if r.collected and _in_rule(rule, r.period)] if rule else []
            paid = sum((r.collected for r in covered), Decimal(0))
            amount = (paid * rule.percent / 100).quantize(CENT, ROUND_HALF_UP) if rule else 0
            if not why and not amount:
                why = _("nothing paid in the months the rule covers")
            if why:
                if employer.is_small_micro:
                    skipped.append(f"{employer.name}：{why}")
                continue
            refund = FundRefund(
                employer=employer,
                org=rows[0].org,
                policy=rule,
                period_from=covered[0].period,
                period_to=covered[-1].period,
                paid=paid,
                amount=amount,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
            full_clean(refund, exclude=["created_by", "batch"])
            refund.save(force_insert=True)
            FundContribution.objects.filter(pk__in=[r.pk for r in covered]).update(refund=refund)
            created.append(refund)
        record_event(
            actor=actor,
            action="fundrefund.draft",
            org=org,
            details={
                "from": f"{first:%Y-%m}",
                "to": f"{last:%Y-%m}",
                "count": len(created),
                "total": sum((r.amount for r in created), Decimal(0)),
            },
        )
    return RefundDraft(created, skipped)


def _in_rule(rule: RefundPolicy, month: datetime.date) -> bool:
    starts = month_start(rule.effective_from)
    return month >= starts and (rule.effective_to is None or month <= rule.effective_to)


def _not_eligible(employer: Employer, months, rule: RefundPolicy | None) -> str:
    if rule is None:
        return _("no refund rule is in force for its region")
    if not employer.is_small_micro:
        return _("not a small or micro enterprise")
    if employer.headcount > rule.max_headcount:
        return _("more than %(n)d employees") % {"n": rule.max_headcount}
    if rule.requires_union and not employer.union_id:
        return _("no union of its own")
    if rule.requires_full_payment and any(m.collected < m.due for m in months):
        return _("not every month paid in full")
    return ""


def refund_update(*, actor, refund: FundRefund, changes: Mapping[str, Any]) -> FundRefund:
    """The employer's bank details, while the refund is under review."""
    require_perm(actor, "funds.change_fundrefund")
    unknown = set(changes) - {"bank_name", "bank_account"}
    if unknown:
        raise DomainError(_("Only the bank details of a refund under review may be changed."))
    with transaction.atomic():
        locked = FundRefund.objects.select_for_update().get(pk=refund.pk)
        require_in_scope(actor, locked.org)
        if locked.status != FundRefund.Status.DRAFT:
            raise DomainError(_("Only a refund under review is changed."))
        if "bank_account" in changes:
            account = payments.bank_account_digits(changes["bank_account"])
            locked.bank_account = cipher().encrypt(account, BANK_PURPOSE) if account else None
            locked.bank_account_last4 = account[-4:]
        if "bank_name" in changes:
            locked.bank_name = (changes["bank_name"] or "").strip()[:60]
        full_clean(locked)
        locked.save(update_fields=["bank_name", "bank_account", "bank_account_last4"])
        record_event(
            actor=actor,
            action="fundrefund.update",
            org=locked.org,
            target=locked,
            details={"bank": locked.bank_name, "account": f"****{locked.bank_account_last4}"},
        )
    refund.refresh_from_db()
    return locked


RS = FundRefund.Status


def _approve_refund(locked: FundRefund, step: Step) -> None:
    if step.name == "approve" and not (locked.bank_name and locked.bank_account_last4):
        raise DomainError(_("Record the employer's bank and account before approving."))
    if step.name == "reject":
        if locked.batch_id is not None:
            raise DomainError(_("A refund in a payment batch is not rejected."))
        # Its months may be refunded again (by a later, corrected draft).
        FundContribution.objects.filter(refund=locked).update(refund=None)


REFUND = Workflow(
    FundRefund,
    [
        Step(
            "approve",
            (RS.DRAFT,),
            RS.APPROVED,
            "funds.change_fundrefund",
            label=gettext_lazy("Approve"),
            done=gettext_lazy("approved"),
        ),
        Step(
            "reject",
            (RS.DRAFT, RS.APPROVED),
            RS.REJECTED,
            "funds.change_fundrefund",
            label=gettext_lazy("Reject"),
            done=gettext_lazy("rejected"),
            needs_reason=True,
        ),
        Step(
            "pay",
            (RS.APPROVED,),
            RS.PAID,
            "funds.add_refundbatch",
            label=gettext_lazy("Pay"),
            done=gettext_lazy("paid"),
            manual=False,
        ),
    ],
    event="fundrefund",
    related=("employer", "org"),
    refused_step=gettext_lazy("A refund that is “%(from)s” cannot be %(step)s."),
)


def refund_take_step(*, actor, refunds: Sequence[FundRefund], step: str, reason: str = "") -> int:
    """Approve or reject several refunds at once: all or none."""

    def take(refund: FundRefund):
        def apply(locked: FundRefund, chosen: Step) -> None:
            _approve_refund(locked, chosen)
            locked.reason = reason.strip()[:300]

        return REFUND.transition(
            actor=actor,
            obj=refund,
            step=step,
            reason=reason,
            details={"reason": reason},
            apply=apply,
        )

    return all_or_none(refunds, take, lambda refund: refund.employer.name)


class Refunds(payments.Payable):
    """Refunds as the platform pays them: approved, to the employer's account."""

    model = FundRefund
    batch_model = RefundBatch
    batch_field = "batch"
    amount_field = "amount"
    permission = "funds.add_refundbatch"
    event = "refundbatch"

    def check(self, actor, item: FundRefund) -> None:
        refund = FundRefund.objects.select_related("employer", "org").get(pk=item.pk)
        if refund.status != RS.APPROVED:
            raise DomainError(
                _("%(name)s: only approved refunds not yet in a batch are paid.")
                % {"name": refund.employer.name}
            )
        require_in_scope(actor, refund.org)

    def payee(self, item: FundRefund) -> payments.Payee:
        return payments.Payee(
            name=item.employer.name,
            bank_name=item.bank_name,
            bank_account=cipher().decrypt(bytes(item.bank_account), BANK_PURPOSE),
            amount=item.amount,
            memo=f"返还{item.period_from:%Y年%m月}至{item.period_to:%Y年%m月}工会经费",
        )

    def paid(self, *, actor, items, batch, paid_on, reference) -> None:
        def stamp(locked: FundRefund, _step: Step) -> None:
            locked.paid_on = paid_on
            locked.payment_reference = reference[:60]
            _post_refund(actor, locked, batch.org, paid_on)

        for refund in items:
            REFUND.transition(
                actor=actor,
                obj=refund,
                step="pay",
                details={"batch": batch.pk, "paid_on": paid_on},
                apply=stamp,
                internal=True,
            )


def _post_refund(actor, refund: FundRefund, payer: Org, day: datetime.date) -> JournalEntry:
    """Each union gives back its part of the refund in proportion to what it received of the
    months refunded, read from their collection entries (whoever received them then, whatever
    the tree is now); the part of the levels above the tree, which each month's collector
    passed up, is given back by that collector."""
    months = list(FundContribution.objects.filter(refund=refund).values_list("pk", flat=True))
    entries = JournalEntry.objects.filter(
        kind=EntryKind.COLLECTION,
        source_type=ContentType.objects.get_for_model(FundContribution),
        source_id__in=months,
    )
    held: dict[int, Decimal] = defaultdict(Decimal)
    for org_id, amount in Posting.objects.filter(
        entry__in=entries, account=Account.CONTRIBUTIONS
    ).values_list("org_id", "amount"):
        held[org_id] -= amount  # income is a credit
    total = Decimal(0)
    for entry in entries.prefetch_related("postings"):
        received = sum(
            (-p.amount for p in entry.postings.all() if p.account == Account.CONTRIBUTIONS),
            Decimal(0),
        )
        gross = sum(
            (
                p.amount
                for p in entry.postings.all()
                if p.account == Account.BANK and p.org_id == entry.org_id and p.amount > 0
            ),
            Decimal(0),
        )
        total += gross
        if gross > received:  # the part that left the tree, back from its collector
            held[entry.org_id] += gross - received
    orgs = Org.objects.in_bulk(list(held))
    lines, given = [], Decimal(0)
    # The largest holder last, taking the rounding, so the parts make the refund exactly.
    order = sorted(held.items(), key=lambda kv: (kv[1], -kv[0]))
    for i, (pk, part_of) in enumerate(order):
        if i == len(order) - 1:
            part = refund.amount - given
        else:
            part = (refund.amount * part_of / total).quantize(CENT, ROUND_HALF_UP)
        if part:
            lines += [Line(orgs[pk], Account.REFUNDS, part), Line(orgs[pk], Account.BANK, -part)]
            given += part
    return journal_post(
        actor=actor,
        org=payer,
        date=day,
        kind=EntryKind.REFUND,
        memo=f"返还{refund.employer.name}{refund.period_from:%Y年%m月}至"
        f"{refund.period_to:%Y年%m月}工会经费",
        lines=lines,
        source=refund,
    )


def refund_batch_create(*, actor, org: Org, refunds: Sequence[FundRefund]) -> RefundBatch:
    """Gather approved refunds into a batch paid by ``org``."""
    return payments.payment_batch_create(actor=actor, payable=Refunds(), items=refunds, org=org)


def refund_batch_bank_file(*, actor, batch: RefundBatch) -> bytes:
    return payments.payment_batch_bank_file(actor=actor, payable=Refunds(), batch=batch)


def refund_batch_mark_paid(*, actor, batch: RefundBatch, paid_on: datetime.date, reference: str):
    """The bank paid the batch: each refund takes its "pay" step and is posted, or none is."""
    return payments.payment_batch_mark_paid(
        actor=actor, payable=Refunds(), batch=batch, paid_on=paid_on, reference=reference
    )


# -- allocations ------------------------------------------------------------------------

AS = Allocation.Status


def _allocation_point(allocation: Allocation) -> None:
    # The point built with the money stands in the recipient's subtree, so its investment is
    # the recipient's to account for.
    point = allocation.service_point
    if point is None:
        return
    if allocation.purpose != Allocation.Purpose.SERVICE_POINT:
        raise DomainError(
            {
                "service_point": _(
                    "Only an allocation for building service points names a service point."
                )
            }
        )
    if not point.org.is_within(allocation.recipient):
        raise DomainError({"service_point": _("The service point is not one of the recipient's.")})


def allocation_create(
    *,
    actor,
    org: Org,
    recipient: Org,
    purpose: str,
    amount,
    note: str = "",
    service_point=None,
) -> Allocation:
    """Money from an org to a union beneath it, to approve and pay; for building a service
    point, the point it builds."""
    require_perm(actor, "funds.add_allocation")
    amount = _yuan(amount, "amount")
    with transaction.atomic():
        require_in_scope(actor, org)
        if recipient.pk == org.pk or not recipient.is_within(org):
            raise DomainError({"recipient": _("An allocation goes to a union beneath.")})
        allocation = Allocation(
            org=org,
            recipient=recipient,
            purpose=purpose,
            service_point=service_point,
            amount=amount,
            note=(note or "").strip()[:200],
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        _allocation_point(allocation)
        full_clean(allocation, exclude=["created_by"])
        allocation.save(force_insert=True)
        record_event(
            actor=actor,
            action="allocation.create",
            org=org,
            target=allocation,
            details={"to": recipient.name, "amount": amount},
        )
    return allocation


def allocation_update(*, actor, allocation: Allocation, changes: Mapping[str, Any]):
    require_perm(actor, "funds.change_allocation")
    allowed = {"recipient", "purpose", "service_point", "amount", "note"}
    if set(changes) - allowed:
        raise DomainError(_("Only an allocation's recipient, purpose, amount and note change."))
    with transaction.atomic():
        locked = Allocation.objects.select_for_update().get(pk=allocation.pk)
        require_in_scope(actor, locked.org)
        if locked.status != AS.DRAFT:
            raise DomainError(_("Only an allocation not yet approved is changed."))
        for field, value in changes.items():
            setattr(locked, field, _yuan(value, "amount") if field == "amount" else value)
        if locked.recipient_id == locked.org_id or not locked.recipient.is_within(locked.org):
            raise DomainError({"recipient": _("An allocation goes to a union beneath.")})
        _allocation_point(locked)
        full_clean(locked, exclude=["created_by"])
        locked.save()
        record_event(
            actor=actor,
            action="allocation.update",
            org=locked.org,
            target=locked,
            details={k: str(v) for k, v in changes.items()},
        )
    allocation.refresh_from_db()
    return locked


def allocation_delete(*, actor, allocation: Allocation) -> None:
    with transaction.atomic():
        locked = Allocation.objects.select_for_update().filter(pk=allocation.pk).first()
        if locked is not None and locked.status != AS.DRAFT:
            raise DomainError(
                _("Only an allocation not yet approved is deleted; cancel it instead.")
            )
        record_delete(actor=actor, instance=locked or allocation)


ALLOCATION = Workflow(
    Allocation,
    [
        Step(
            "approve",
            (AS.DRAFT,),
            AS.APPROVED,
            "funds.change_allocation",
            label=gettext_lazy("Approve"),
            done=gettext_lazy("approved"),
        ),
        Step(
            "pay",
            (AS.APPROVED,),
            AS.PAID,
            "funds.change_allocation",
            label=gettext_lazy("Record as paid"),
            done=gettext_lazy("paid"),
        ),
        Step(
            "cancel",
            (AS.DRAFT, AS.APPROVED),
            AS.CANCELLED,
            "funds.change_allocation",
            label=gettext_lazy("Cancel"),
            done=gettext_lazy("cancelled"),
            needs_reason=True,
        ),
    ],
    event="allocation",
    related=("org", "recipient"),
    refused_step=gettext_lazy("An allocation that is “%(from)s” cannot be %(step)s."),
)


def allocation_transition(
    *,
    actor,
    allocation: Allocation,
    step: str,
    reason: str = "",
    paid_on: datetime.date | None = None,
    reference: str = "",
) -> Allocation:
    """Approve, cancel or pay an allocation; paying posts it (the giver's 补助下级支出, the
    recipient's 上级补助收入)."""

    def apply(locked: Allocation, chosen: Step) -> None:
        locked.reason = reason.strip()[:300] if chosen.needs_reason else locked.reason
        if chosen.name != "pay":
            return
        if paid_on is None or paid_on > timezone.localdate():
            raise DomainError({"paid_on": _("Enter a payment date that has come.")})
        if not reference.strip():
            raise DomainError({"reference": _("Give the bank's reference of the transfer.")})
        locked.paid_on, locked.payment_reference = paid_on, reference.strip()[:60]
        journal_post(
            actor=actor,
            org=locked.org,
            date=paid_on,
            kind=EntryKind.ALLOCATION,
            memo=f"下拨{locked.recipient.name}{locked.get_purpose_display()}",
            lines=[
                Line(locked.org, Account.ALLOCATIONS_OUT, locked.amount),
                Line(locked.org, Account.BANK, -locked.amount),
                Line(locked.recipient, Account.BANK, locked.amount),
                Line(locked.recipient, Account.ALLOCATIONS_IN, -locked.amount),
            ],
            source=locked,
        )

    return ALLOCATION.transition(
        actor=actor,
        obj=allocation,
        step=step,
        reason=reason,
        details={"reason": reason, "paid_on": paid_on.isoformat() if paid_on else ""},
        apply=apply,
    )


# -- member dues ------------------------------------------------------------------------

DUES_RATE = Decimal("0.005")


# The pay that makes a member's dues base, by the kind of unit (domain-rules §4): in an
# enterprise the wage without bonuses, allowances, fees, subsidies or pensions; in a government
# organ position, grade, basic and seniority pay; in a public institution position and grade
# pay. The unit types are ``orgs.Employer.UnitType``'s.
DUES_PAY = {
    "organ": ("position", "grade", "basic", "seniority"),
    "institution": ("position", "grade"),
    "enterprise": ("wage",),
}


def dues_base(unit_type: str, **pay) -> Decimal:
    """A member's monthly dues base from their pay (``position=…, grade=…`` or ``wage=…``):
    the parts that count for the employer's unit type, others ignored."""
    kind = {"500": "organ", "400": "institution"}.get(unit_type, "enterprise")
    base = Decimal(0)
    for part in DUES_PAY[kind]:
        value = Decimal(pay.get(part) or 0)
        if value < 0:
            raise DomainError({part: _("The amount cannot be negative.")})
        base += value
    return base


def dues_of(base) -> Decimal:
    """A member's monthly dues: 0.5% of the dues base (the wage as the unit type defines it),
    the remainder below ¥10 ignored (domain-rules §4)."""
    base = Decimal(base)
    if base < 0:
        raise DomainError({"base": _("The amount cannot be negative.")})
    return ((base // 10) * 10 * DUES_RATE).quantize(CENT, ROUND_HALF_UP)


def dues_report_create(
    *, actor, org: Org, period: datetime.date, members: int, amount, collected_on
) -> DuesReport:
    """What a union collected of its members' dues for a month; the union keeps them (its 会费
    收入)."""
    require_perm(actor, "funds.add_duesreport")
    today = timezone.localdate()
    period = _month(period, today)
    amount = _yuan(amount, "amount")
    if not isinstance(collected_on, datetime.date) or collected_on > today:
        raise DomainError({"collected_on": _("Enter a collection date that has come.")})
    if collected_on < period:
        raise DomainError(
            {"collected_on": _("The money was collected before the month it pays for.")}
        )
    if members and amount > members * Decimal(1000):
        raise DomainError({"amount": _("More than ¥1000 a member a month: check the sum.")})
    with transaction.atomic():
        require_in_scope(actor, org)
        report = DuesReport(
            org=org, period=period, members=members or 0, amount=amount, collected_on=collected_on
        )
        full_clean(report)
        report.save(force_insert=True)
        journal_post(
            actor=actor,
            org=org,
            date=collected_on,
            kind=EntryKind.DUES,
            memo=f"收{period:%Y年%m月}会费（{report.members}人）",
            lines=[Line(org, Account.BANK, amount), Line(org, Account.DUES, -amount)],
            source=report,
        )
        record_event(
            actor=actor,
            action="duesreport.create",
            org=org,
            target=report,
            details={"members": report.members, "amount": amount},
        )
    return report

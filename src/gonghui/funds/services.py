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
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import policy
from gonghui.core.access import require_in_scope, require_perm
from gonghui.core.constraints import full_clean
from gonghui.core.errors import DomainError
from gonghui.core.events import record_event
from gonghui.core.services import record_delete
from gonghui.core.validators import checked_amount
from gonghui.funds.models import (
    CONTRIBUTION_RATE,
    SHARE_LEVELS,
    Account,
    Channel,
    EntryKind,
    FundContribution,
    JournalEntry,
    Posting,
    SplitPolicy,
)
from gonghui.orgs.models import Employer, Org

CENT = Decimal("0.01")
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


# -- split policies ---------------------------------------------------------------------

SPLIT_FIELDS = ("effective_to", "note", *SHARE_LEVELS, "region_code", "effective_from")


def split_policy_create(*, actor, region_code: str, effective_from: datetime.date, **shares):
    """A province's (or a city's, a county's) split of the 2% from a date."""
    unknown = set(shares) - set(SPLIT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    return _split_write(
        actor,
        SplitPolicy(region_code=region_code, effective_from=effective_from, **shares),
        created=True,
    )


def split_policy_update(*, actor, policy: SplitPolicy, changes: Mapping[str, Any]):
    """Only the end date and the note of a split already in force may change: collections were
    split by it, and a new split is a new policy from its date."""
    with transaction.atomic():
        locked = SplitPolicy.objects.select_for_update().get(pk=policy.pk)
        in_force = locked.effective_from <= timezone.localdate()
        for field, value in changes.items():
            if field not in SPLIT_FIELDS:
                raise TypeError(f"unknown field {field}")
            if (
                in_force
                and field not in ("effective_to", "note")
                and getattr(locked, field) != value
            ):
                raise DomainError(
                    {
                        field: _(
                            "This split is already in force and collections were split by it: "
                            "record a new split from the date it changes."
                        )
                    }
                )
            setattr(locked, field, value)
        return _split_write(actor, locked, created=False)


def _split_write(actor, split: SplitPolicy, *, created: bool) -> SplitPolicy:
    # A region's public numbers, not an org's records: the permission is the whole check.
    require_perm(actor, "funds.add_splitpolicy" if created else "funds.change_splitpolicy")
    with transaction.atomic():
        full_clean(split)
        split.save()
        record_event(
            actor=actor,
            action="splitpolicy.create" if created else "splitpolicy.update",
            org=getattr(actor, "org", None) or Org.objects.filter(parent=None).first(),
            target=split,
            details={"region": split.region_code, "grassroots": split.grassroots},
        )
    return split


def _region(org: Org) -> str:
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


def _due(payroll: Decimal) -> Decimal:
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
        contribution = FundContribution(
            employer=employer,
            org=employer.org,
            period=period,
            levy=_levy(employer),
            payroll=payroll,
            due=_due(payroll),
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
        locked.payroll, locked.due = payroll, _due(payroll)
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
    if contribution.collected:
        raise DomainError(_("Money was collected for this month: it stays on record."))
    record_delete(actor=actor, instance=contribution)


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
                due=_due(e.monthly_payroll),
            )
            for e in employers
        ]
        FundContribution.objects.bulk_create(rows, batch_size=2000)
        record_event(
            actor=actor,
            action="fundcontribution.assess",
            org=org,
            details={"period": period.isoformat(), "count": len(rows)},
        )
    return len(rows)


@dataclass(frozen=True)
class Collection:
    """One payment of an employer's month: the contribution paid, how much, when, how."""

    contribution: FundContribution
    amount: Decimal
    collected_on: datetime.date
    channel: str


def contribution_collect(*, actor, contribution: FundContribution, amount, collected_on, channel):
    """Record a payment of an employer's month, split and posted; returns the journal entry."""
    return contributions_collect(
        actor=actor,
        collections=[Collection(contribution, amount, collected_on, channel)],
    )[0]


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
    checked as ``contribution_collect`` checks one, two inserts for all their postings."""
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
        chains, policies = _Chains(), {}
        source_type = ContentType.objects.get_for_model(FundContribution)
        entries = []
        for c in collections:
            row = locked[c.contribution.pk]
            amount = Decimal(c.amount)
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
            region = row.employer.region_code or _region(row.org)
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
        made = _post(entries)
        FundContribution.objects.bulk_update(
            list(locked.values()),
            ["collected", "collected_on", "channel", *(f"share_{s}" for s in SHARE_LEVELS)],
            batch_size=2000,
        )
        total = sum((Decimal(c.amount) for c in collections), Decimal(0))
        one = locked[collections[0].contribution.pk] if len(collections) == 1 else None
        record_event(
            actor=actor,
            action="fundcontribution.collect",
            org=one.org if one else _common_org(locked.values()),
            target=one,
            details={"count": len(collections), "total": total},
        )
    for c in collections:
        c.contribution.refresh_from_db()
    return made


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
                due=_due(payroll),
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

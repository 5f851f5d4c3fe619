"""Mutual medical aid: plans and their editions, enrolment batches, claims and their payouts.

Lock order, the same in every write: the plans (in primary-key order), then the enrolment, then
the claim. Two enrolments of one person at once are serialised on the plan and the second sees
the first; two approvals of claims under one enrolment are serialised on the enrolment, and the
second counts the first against the yearly cap.
"""

from __future__ import annotations

import datetime
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core import payments
from gonghui.core.access import require_in_scope, require_perm
from gonghui.core.crypto import cipher
from gonghui.core.dates import add_years, term_end
from gonghui.core.errors import DomainError, NotFound
from gonghui.core.events import record_event
from gonghui.core.files import DOCUMENT_MAX_BYTES, DOCUMENTS
from gonghui.core.models import StoredFile
from gonghui.core.scoping import org_in_scope
from gonghui.core.services import (
    record_create,
    record_delete,
    record_update,
    stored_file_create,
)
from gonghui.core.workflow import Queue, Step, Workflow, all_or_none, day_text
from gonghui.members.crypto import ID_PURPOSE
from gonghui.members.models import Gender, Membership, Person
from gonghui.mutualaid.models import (
    AidClaim,
    AidClaimAttachment,
    AidClaimBatch,
    AidEnrollment,
    AidEnrollmentBatch,
    AidPlan,
    AidPlanEdition,
    UnitType,
)
from gonghui.orgs.models import Org

BANK_PURPOSE = "mutualaid.bank_account"
DIAGNOSIS_PURPOSE = "mutualaid.diagnosis"
ATTACHMENT_KINDS = DOCUMENTS
ATTACHMENT_MAX_BYTES = DOCUMENT_MAX_BYTES
# An employer enrols at least 60% of its staff in a plan, everyone where it has 10 or fewer
# (domain-rules §7): a plan is not a choice left to the ill alone.
SHARE_REQUIRED = Decimal("0.6")
SMALL_UNIT = 10
C = AidClaim.Status
B = AidEnrollmentBatch.Status
TWO = Decimal("0.01")
# How a roster or a clerk names a plan by its kind ("住院医疗").
KIND_WORDS = {
    "hospital": "住院医疗",
    "critical": "重大疾病",
    "women": "女职工特殊疾病",
    "accident": "意外伤害",
}


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _yuan(amount) -> str:
    text = f"{Decimal(amount).quantize(TWO):f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "元"


def _pct(ratio) -> str:
    text = f"{Decimal(ratio) * 100:f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


def period_end(plan: AidPlan, start: datetime.date) -> datetime.date:
    """The last day of a plan's cover period begun on ``start`` (1–3 years)."""
    return term_end(start, plan.cover_years)


# -- plans and editions -----------------------------------------------------------------------


def _plan_check(plan: AidPlan) -> None:
    if plan.org_id and plan.org.level > Org.Level.COUNTY:
        raise DomainError({"org": _("Mutual-aid plans are run by a federation (county or above).")})
    if not plan.name.strip():
        raise DomainError({"name": _("Give the plan a name.")})
    same = AidPlan.objects.filter(org_id=plan.org_id, name=plan.name).exclude(pk=plan.pk)
    if same.exists():
        raise DomainError({"name": _("A plan of this name is already run here.")})


def plan_create(*, actor, **values) -> AidPlan:
    """A plan a federation runs (its money rules are its editions)."""
    plan = AidPlan(**values)
    _plan_check(plan)
    try:
        with transaction.atomic():
            return record_create(actor=actor, instance=plan)
    except IntegrityError:
        raise DomainError({"name": _("A plan of this name is already run here.")}) from None


def plan_update(*, actor, plan: AidPlan, changes: dict) -> AidPlan:
    merged = AidPlan(**{f.attname: getattr(plan, f.attname) for f in AidPlan._meta.concrete_fields})
    for key, value in changes.items():
        setattr(merged, key, value)
    _plan_check(merged)
    fixed = {"kind", "cover_years", "women_only", "org"}
    if fixed & set(changes) and plan.enrollments.exists():
        raise DomainError(
            _("Members are enrolled in this plan: its kind, cover period and eligibility stay.")
        )
    try:
        with transaction.atomic():
            return record_update(actor=actor, instance=plan, changes=changes)
    except IntegrityError:
        raise DomainError({"name": _("A plan of this name is already run here.")}) from None


def plan_delete(*, actor, plan: AidPlan) -> None:
    if plan.enrollments.exists():
        raise DomainError(_("Members are enrolled in this plan: close it for enrolment instead."))
    with transaction.atomic():
        require_perm(actor, "mutualaid.delete_aidplan")
        require_in_scope(actor, plan.org)
        AidPlanEdition.objects.filter(plan=plan).delete()
        record_delete(actor=actor, instance=plan)


def _edition_check(edition: AidPlanEdition) -> None:
    same = AidPlanEdition.objects.filter(
        plan_id=edition.plan_id, effective_from=edition.effective_from
    ).exclude(pk=edition.pk)
    if same.exists():
        raise DomainError({"effective_from": _("An edition starts on this day already.")})
    if edition.band1_upto is not None:
        if edition.band1_upto <= 0:
            raise DomainError({"band1_upto": _("A band ends above zero.")})
        if edition.ratio2 is None:
            raise DomainError({"ratio2": _("Give the ratio above the first band.")})
    if edition.band2_upto is not None:
        if edition.band1_upto is None or edition.band2_upto <= edition.band1_upto:
            raise DomainError({"band2_upto": _("The second band ends above the first.")})
        if edition.ratio3 is None:
            raise DomainError({"ratio3": _("Give the ratio above the second band.")})
    for name in ("ratio1", "ratio2", "ratio3"):
        ratio = getattr(edition, name)
        if ratio is not None and not 0 < ratio <= 1:
            raise DomainError({name: _("A ratio is more than 0 and at most 1 (0.6 for 60%).")})
    for name in ("price_public", "price_private", "per_event_cap"):
        if getattr(edition, name) is None or getattr(edition, name) <= 0:
            raise DomainError({name: _("The amount must be more than zero.")})
    if edition.deductible is None or edition.deductible < 0:
        raise DomainError({"deductible": _("The amount cannot be negative.")})
    if edition.yearly_cap is None or edition.yearly_cap < edition.per_event_cap:
        raise DomainError({"yearly_cap": _("The yearly cap is at least the cap per stay.")})
    used = AidClaim.objects.filter(
        enrollment__plan_id=edition.plan_id,
        admitted_on__gte=edition.effective_from,
        status__in=(C.APPROVED, C.PAID),
    )
    if edition.pk is None and used.exists():
        # A new edition never changes what an approved claim was worth.
        raise DomainError(
            {"effective_from": _("Claims from this date are already approved: start it later.")}
        )


def edition_create(*, actor, **values) -> AidPlanEdition:
    """The plan's money rules from a date on."""
    edition = AidPlanEdition(**values)
    _edition_check(edition)
    try:
        with transaction.atomic():
            return record_create(actor=actor, instance=edition)
    except IntegrityError:
        raise DomainError({"effective_from": _("An edition starts on this day already.")}) from None


def edition_update(*, actor, edition: AidPlanEdition, changes: dict) -> AidPlanEdition:
    if (
        AidEnrollment.objects.filter(plan_id=edition.plan_id).exists()
        or AidClaim.objects.filter(enrollment__plan_id=edition.plan_id)
        .exclude(status=C.REJECTED)
        .exists()
    ):
        raise DomainError(
            _("Members are enrolled under this edition: add a new edition from a date instead.")
        )
    merged = AidPlanEdition(
        **{f.attname: getattr(edition, f.attname) for f in AidPlanEdition._meta.concrete_fields}
    )
    for key, value in changes.items():
        setattr(merged, key, value)
    _edition_check(merged)
    try:
        with transaction.atomic():
            return record_update(actor=actor, instance=edition, changes=changes)
    except IntegrityError:
        raise DomainError({"effective_from": _("An edition starts on this day already.")}) from None


def edition_delete(*, actor, edition: AidPlanEdition) -> None:
    if AidEnrollment.objects.filter(plan_id=edition.plan_id).exists():
        raise DomainError(_("Members are enrolled under this edition: it stays."))
    record_delete(actor=actor, instance=edition)


def edition_in_force(plan: AidPlan, day: datetime.date) -> AidPlanEdition | None:
    """The edition of ``plan`` in force on ``day``: the latest begun by then."""
    return (
        AidPlanEdition.objects.filter(plan=plan, effective_from__lte=day)
        .order_by("-effective_from")
        .first()
    )


# -- enrolment ---------------------------------------------------------------------------------


def _age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def enrollment_refusals(
    *,
    org: Org,
    period_start: datetime.date,
    staff_count: int,
    choices: Sequence[tuple[int, AidPlan]],
    participation: bool = True,
) -> list[tuple[int, str]]:
    """Why each (person id, plan) of a roster may not be enrolled, as (index, message): not a
    current member of the union's subtree, too young or too old, a women's plan for a man, the
    same plan twice, two plans of one choose-one group, already covered for the period; and,
    for every row of a plan, an employer short of the participation rule. The roster import
    reports them by row; ``enrollment_batch_create`` refuses on them."""
    found: list[tuple[int, str]] = []
    person_ids = {p for p, _plan in choices}
    # Plain rows, not model instances: a roster is a whole firm's staff.
    members = {
        pk: (name, birth, gender)
        for pk, name, birth, gender in Person.objects.filter(
            pk__in=person_ids,
            latest_membership__org__path__startswith=org.path,
            latest_membership__status__in=Membership.CURRENT,
        ).values_list("pk", "name", "birth_date", "gender")
    }
    plans = {plan.pk: plan for _p, plan in choices}
    ends = {pk: period_end(plan, period_start) for pk, plan in plans.items()}
    standing: dict[tuple[int, int], datetime.date] = {}
    groups: dict[int, dict[str, str]] = {}
    for person_id, plan_id, start, end, group, name in AidEnrollment.objects.filter(
        person_id__in=person_ids,
        period_start__lte=max(ends.values(), default=period_start),
        period_end__gte=period_start,
    ).values_list(
        "person_id", "plan_id", "period_start", "period_end", "plan__exclusive_group", "plan__name"
    ):
        if start <= ends.get(plan_id, period_start):
            standing[(person_id, plan_id)] = end
        if group:
            groups.setdefault(person_id, {})[group] = name
    editions = {pk: edition_in_force(plan, period_start) for pk, plan in plans.items()}
    seen: dict[tuple[int, int], int] = {}
    chosen_groups: dict[tuple[int, str], str] = {}
    ok_per_plan: Counter = Counter()
    for i, (person_id, plan) in enumerate(choices):
        person = members.get(person_id)
        if person is None:
            found.append((i, _("Not a current member of this union.")))
            continue
        if not plan.is_open:
            found.append((i, _("“%(plan)s” is closed for enrolment.") % {"plan": plan.name}))
            continue
        if not org.path.startswith(plan.org.path):
            found.append((i, _("“%(plan)s” is not run for this union.") % {"plan": plan.name}))
            continue
        if editions[plan.pk] is None:
            found.append(
                (i, _("“%(plan)s” has no price in force on that day.") % {"plan": plan.name})
            )
            continue
        age = _age_on(person[1], period_start)
        if not plan.min_age <= age <= plan.max_age:
            found.append(
                (
                    i,
                    _("Aged %(age)d: “%(plan)s” is for ages %(lo)d to %(hi)d.")
                    % {"age": age, "plan": plan.name, "lo": plan.min_age, "hi": plan.max_age},
                )
            )
            continue
        if plan.women_only and person[2] != Gender.FEMALE:
            found.append((i, _("“%(plan)s” is for women workers.") % {"plan": plan.name}))
            continue
        key = (person_id, plan.pk)
        if key in seen:
            found.append((i, _("Enrolled in the same plan twice in this roster.")))
            continue
        seen[key] = i
        if key in standing:
            found.append(
                (
                    i,
                    _("Already covered by “%(plan)s” until %(end)s.")
                    % {"plan": plan.name, "end": standing[key].isoformat()},
                )
            )
            continue
        group = plan.exclusive_group
        if group:
            other = chosen_groups.get((person_id, group)) or groups.get(person_id, {}).get(group)
            if other and other != plan.name:
                found.append(
                    (
                        i,
                        _("“%(plan)s” and “%(other)s” exclude each other: choose one.")
                        % {"plan": plan.name, "other": other},
                    )
                )
                continue
            chosen_groups[(person_id, group)] = plan.name
        ok_per_plan[plan.pk] += 1

    # The participation rule, for the plans every worker may join (a women's plan is an
    # add-on), counted over a choose-one group as a whole: 70 in 住院医疗 and 30 in 住院津贴 is
    # the whole staff covered.
    def cover(plan) -> str:
        return plan.exclusive_group or f"#{plan.pk}"

    for key in dict.fromkeys(cover(p) for p in plans.values() if not p.women_only):
        if not participation:
            break
        members_of = [p for p in plans.values() if cover(p) == key]
        n = sum(ok_per_plan[p.pk] for p in members_of)
        if n > staff_count:
            message = _("%(n)d enrolled in “%(plan)s”, more than the unit's %(staff)d staff.")
        elif staff_count <= SMALL_UNIT and n < staff_count:
            message = _(
                "“%(plan)s”: a unit of %(staff)d staff or fewer enrols everyone; %(n)d enrolled."
            )
        elif n < math.ceil(staff_count * SHARE_REQUIRED):
            message = _(
                "“%(plan)s”: %(n)d of %(staff)d staff enrolled; at least 60%% "
                "(%(need)d people) must join."
            )
        else:
            continue
        said = message % {
            "n": n,
            "plan": "”或“".join(p.name for p in members_of),
            "staff": staff_count,
            "need": math.ceil(staff_count * SHARE_REQUIRED),
        }
        refused = {i for i, _m in found}
        found += [
            (i, said)
            for i, (_p, p) in enumerate(choices)
            if not p.women_only and cover(p) == key and i not in refused
        ]
    return sorted(found)


def enrollment_batch_check(
    org: Org, period_start: datetime.date, unit_type: str, staff_count
) -> None:
    """Refuse a roster's header: the union, the period, the unit type and its staff."""
    if org.level < Org.Level.GRASSROOTS:
        raise DomainError({"org": _("Members are enrolled by the union of their employer.")})
    if unit_type not in UnitType.values:
        raise DomainError({"unit_type": _("Choose the unit type.")})
    if not staff_count or staff_count <= 0:
        raise DomainError({"staff_count": _("Give the number of staff of the unit.")})
    today = timezone.localdate()
    if period_start > today + datetime.timedelta(days=366) or period_start.year < 2000:
        raise DomainError({"period_start": _("The cover period must start within a year.")})


def enrollment_batch_create(
    *,
    actor,
    org: Org,
    period_start: datetime.date,
    unit_type: str,
    staff_count: int,
    choices: Sequence[tuple[int, AidPlan]],
    renewal_of: AidEnrollmentBatch | None = None,
) -> AidEnrollmentBatch:
    """A union's roster for a period: each (person id, plan) one enrolment, the premium due
    from the edition in force. All or none; the refusal names the first people refused."""
    require_perm(actor, "mutualaid.add_aidenrollmentbatch")
    enrollment_batch_check(org, period_start, unit_type, staff_count)
    if not choices:
        raise DomainError(_("The roster enrols nobody."))
    with transaction.atomic():
        require_in_scope(actor, org)
        plan_ids = sorted({plan.pk for _p, plan in choices})
        groups = {plan.exclusive_group for _p, plan in choices if plan.exclusive_group}
        # The plans of the roster and every plan of their choose-one groups, in one order: two
        # rosters putting one person in 住院医疗 and 住院津贴 at once are serialised.
        plans = {
            p.pk: p
            for p in AidPlan.objects.select_for_update()
            .select_related("org")
            .filter(Q(pk__in=plan_ids) | Q(exclusive_group__in=groups))
            .order_by("pk")
        }
        choices = [(person, plans[plan.pk]) for person, plan in choices]
        refused = enrollment_refusals(
            org=org, period_start=period_start, staff_count=staff_count, choices=choices
        )
        if refused:
            names = dict(
                Person.objects.filter(pk__in={p for p, _x in choices}).values_list("pk", "name")
            )
            said = [f"{names.get(choices[i][0], '?')}：{m}" for i, m in refused[:5]]
            if len(refused) > 5:
                said.append(_("and %(n)d more.") % {"n": len(refused) - 5})
            raise DomainError("；".join(said))
        price_field = "price_public" if unit_type == UnitType.PUBLIC else "price_private"
        prices = {
            pk: getattr(edition_in_force(p, period_start), price_field) for pk, p in plans.items()
        }
        try:
            with transaction.atomic():
                batch = AidEnrollmentBatch.objects.create(
                    org=org,
                    period_start=period_start,
                    unit_type=unit_type,
                    staff_count=staff_count,
                    renewal_of=renewal_of,
                    created_by=_user(actor),
                )
        except IntegrityError:
            raise DomainError(
                _("%(org)s already has an enrolment batch for the period from %(day)s.")
                % {"org": org.name, "day": period_start.isoformat()}
            ) from None
        rows = [
            AidEnrollment(
                batch=batch,
                plan_id=plan.pk,
                person_id=person,
                org=org,
                period_start=period_start,
                period_end=period_end(plan, period_start),
                premium=prices[plan.pk],
            )
            for person, plan in choices
        ]
        AidEnrollment.objects.bulk_create(rows, batch_size=2000)
        batch.people = len({p for p, _x in choices})
        batch.premium = sum((r.premium for r in rows), Decimal(0))
        batch.save(update_fields=["people", "premium"])
        record_event(
            actor=actor,
            action="aidenrollmentbatch.create",
            org=org,
            target=batch,
            details={"people": batch.people, "premium": batch.premium},
        )
    return batch


def enrollment_batch_delete(*, actor, batch: AidEnrollmentBatch) -> None:
    """Withdraw a roster whose premium is not yet paid (its enrolments go with it)."""
    with transaction.atomic():
        locked = AidEnrollmentBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != B.DRAFT:
            raise DomainError(_("The premium is paid: the enrolment stands."))
        record_delete(actor=actor, instance=locked)


def enrollment_batch_pay(
    *, actor, batch: AidEnrollmentBatch, paid_on: datetime.date
) -> AidEnrollmentBatch:
    """The federation received the premium: cover starts on the later of the period's start
    and the payment, after the waiting period for a first enrolment (a renewal without a gap
    has none)."""
    require_perm(actor, "mutualaid.change_aidenrollmentbatch")
    if paid_on is None or paid_on > timezone.localdate():
        raise DomainError({"paid_on": _("The payment date cannot be in the future.")})
    with transaction.atomic():
        locked = (
            AidEnrollmentBatch.objects.select_for_update().select_related("org").get(pk=batch.pk)
        )
        require_in_scope(actor, locked.org)
        if locked.status != B.DRAFT:
            raise DomainError(_("The premium of this batch is already recorded as paid."))
        # Set-based: a roster is a union's whole staff, thousands of rows in a large firm.
        rows = AidEnrollment.objects.filter(batch=locked)
        rows.update(cover_from=Greatest(F("period_start"), Value(paid_on)))
        # A renewal without a gap (the same person and plan covered to the day before) has
        # no waiting period.
        pairs = list(rows.values_list("pk", "person_id", "plan_id"))
        renewing = set(
            AidEnrollment.objects.filter(
                person_id__in={person for _pk, person, _plan in pairs},
                period_end=locked.period_start - datetime.timedelta(days=1),
                cover_from__isnull=False,
            ).values_list("person_id", "plan_id")
        )
        for plan in AidPlan.objects.filter(pk__in={plan for _pk, _p, plan in pairs}).order_by("pk"):
            edition = edition_in_force(plan, locked.period_start)
            days = edition.waiting_days if edition else 0
            first = [pk for pk, person, p in pairs if p == plan.pk and (person, p) not in renewing]
            if days and first:
                AidEnrollment.objects.filter(pk__in=first).update(
                    waiting_until=F("cover_from") + datetime.timedelta(days=days - 1)
                )
        locked.status = B.PAID
        locked.paid_on = paid_on
        locked.save(update_fields=["status", "paid_on"])
        record_event(
            actor=actor,
            action="aidenrollmentbatch.pay",
            org=locked.org,
            target=locked,
            details={"paid_on": paid_on, "premium": locked.premium},
        )
    return locked


@dataclass
class Renewal:
    batch: AidEnrollmentBatch
    left_out: list[str] = field(default_factory=list)


def enrollment_batch_renew(
    *, actor, batch: AidEnrollmentBatch, staff_count: int | None = None
) -> Renewal:
    """Next period's roster from this one: everyone whose cover ends the day before it, in
    the same plan, who may still enrol. Those who may not (left the union, too old, the plan
    closed) are left out and named."""
    start = batch.period_start.replace(year=batch.period_start.year + 1)
    if AidEnrollmentBatch.objects.filter(org=batch.org, period_start=start).exists():
        raise DomainError(
            _("%(org)s already has an enrolment batch for the period from %(day)s.")
            % {"org": batch.org.name, "day": start.isoformat()}
        )
    ending = list(
        AidEnrollment.objects.filter(
            org=batch.org, period_end=start - datetime.timedelta(days=1), cover_from__isnull=False
        )
        .select_related("plan__org", "person")
        .order_by("pk")
    )
    choices = [(e.person_id, e.plan) for e in ending]
    staff = staff_count or batch.staff_count
    # The participation rule is judged on who is left, when the batch is created.
    refused = dict(
        enrollment_refusals(
            org=batch.org,
            period_start=start,
            staff_count=staff,
            choices=choices,
            participation=False,
        )
    )
    left_out, kept = [], []
    for i, e in enumerate(ending):
        reason = refused.get(i, "")
        if reason:
            left_out.append(f"{e.person.name}（{e.plan.name}）：{reason}")
        else:
            kept.append((e.person_id, e.plan))
    new = enrollment_batch_create(
        actor=actor,
        org=batch.org,
        period_start=start,
        unit_type=batch.unit_type,
        staff_count=staff,
        choices=kept,
        renewal_of=batch,
    )
    return Renewal(new, left_out)


# -- the payout --------------------------------------------------------------------------------


@dataclass
class Payout:
    amount: Decimal
    lines: list[str]
    refusal: str = ""

    @property
    def basis(self) -> str:
        return "\n".join(self.lines + ([self.refusal] if self.refusal else []))


def payout_for(
    *,
    enrollment: AidEnrollment,
    admitted_on: datetime.date,
    total_cost: Decimal,
    insurance_paid: Decimal,
    claim_pk: int | None = None,
) -> Payout:
    """What the plan pays for a stay, with the computation as the reviewer reads it: the
    edition in force on admission, the amount left after medical insurance and the
    deductible, the ratio of each band, the cap per stay and what is left of the year's cap
    (counting the approved and paid claims of the enrolment that year, not ``claim_pk``)."""
    plan = enrollment.plan
    edition = edition_in_force(plan, admitted_on)
    if edition is None:
        return Payout(Decimal(0), [], _("The plan has no payout rules in force on admission."))
    if enrollment.cover_from is None:
        return Payout(Decimal(0), [], _("The premium is not paid: the cover has not started."))
    if not enrollment.cover_from <= admitted_on <= enrollment.period_end:
        return Payout(
            Decimal(0),
            [],
            _("Admitted outside the cover (%(a)s to %(b)s).")
            % {"a": enrollment.cover_from.isoformat(), "b": enrollment.period_end.isoformat()},
        )
    if enrollment.waiting_until and admitted_on <= enrollment.waiting_until:
        return Payout(
            Decimal(0),
            [],
            _("Admitted within the waiting period (until %(day)s): nothing is paid.")
            % {"day": enrollment.waiting_until.isoformat()},
        )
    lines = [_("Edition in force: %(e)s.") % {"e": edition}]
    left = total_cost - insurance_paid - edition.deductible
    lines.append(
        _("Cost %(cost)s − medical insurance %(ins)s − deductible %(ded)s = %(left)s.")
        % {
            "cost": _yuan(total_cost),
            "ins": _yuan(insurance_paid),
            "ded": _yuan(edition.deductible),
            "left": _yuan(max(left, Decimal(0))),
        }
    )
    if left <= 0:
        return Payout(Decimal(0), lines, _("What is left after the deductible is nothing."))
    bands = [(edition.band1_upto, edition.ratio1)]
    if edition.band1_upto is not None:
        bands.append((edition.band2_upto, edition.ratio2))
        if edition.band2_upto is not None:
            bands.append((None, edition.ratio3))
    parts, computed, floor = [], Decimal(0), Decimal(0)
    for upto, ratio in bands:
        if left <= floor:
            break
        top = left if upto is None else min(left, upto)
        share = ((top - floor) * ratio).quantize(TWO)
        parts.append(f"{_yuan(top - floor)}×{_pct(ratio)}")
        computed += share
        if upto is None:
            break
        floor = upto
    lines.append(" + ".join(parts) + f" = {_yuan(computed)}")
    amount = computed
    if amount > edition.per_event_cap:
        amount = edition.per_event_cap
        lines.append(_("Capped at %(cap)s a stay.") % {"cap": _yuan(edition.per_event_cap)})
    # The cap is per cover year: from the period's start to its anniversary.
    year_from = enrollment.period_start
    while add_years(year_from, 1) <= admitted_on:
        year_from = add_years(year_from, 1)
    used = AidClaim.objects.filter(
        enrollment=enrollment,
        admitted_on__gte=year_from,
        admitted_on__lt=add_years(year_from, 1),
        status__in=(C.APPROVED, C.PAID),
    ).exclude(pk=claim_pk).aggregate(s=Sum("payout"))["s"] or Decimal(0)
    room = max(edition.yearly_cap - used, Decimal(0))
    if used:
        lines.append(
            _("Paid this year already %(used)s of the yearly cap %(cap)s: %(room)s left.")
            % {"used": _yuan(used), "cap": _yuan(edition.yearly_cap), "room": _yuan(room)}
        )
    if amount > room:
        amount = room
    if amount <= 0:
        return Payout(Decimal(0), lines, _("The yearly cap is used up."))
    lines.append(_("Payout: %(amount)s.") % {"amount": _yuan(amount)})
    return Payout(amount.quantize(TWO), lines)


# -- claims ------------------------------------------------------------------------------------


def _claim_check(admitted_on, discharged_on, total_cost, insurance_paid, hospital) -> None:
    today = timezone.localdate()
    if admitted_on is None or discharged_on is None:
        raise DomainError({"admitted_on": _("Give the days of admission and discharge.")})
    if discharged_on < admitted_on:
        raise DomainError({"discharged_on": _("Discharged before admitted.")})
    if discharged_on > today:
        raise DomainError({"discharged_on": _("A claim is filed after discharge.")})
    if total_cost is None or total_cost <= 0:
        raise DomainError({"total_cost": _("The amount must be more than zero.")})
    if insurance_paid is None or insurance_paid < 0:
        raise DomainError({"insurance_paid": _("The amount cannot be negative.")})
    if insurance_paid > total_cost:
        raise DomainError({"insurance_paid": _("Medical insurance paid more than the cost.")})
    if not (hospital or "").strip():
        raise DomainError({"hospital": _("Give the hospital.")})


def claim_create(
    *,
    actor,
    enrollment: AidEnrollment,
    admitted_on: datetime.date,
    discharged_on: datetime.date,
    hospital: str,
    total_cost: Decimal,
    insurance_paid: Decimal,
    bank_name: str,
    bank_account: str,
    diagnosis: str = "",
    attachments: Sequence = (),
) -> AidClaim:
    """A stay claimed by the member's union, with its documents; the payout it would get is
    computed and kept for the reviewer (fixed when approved). A stay the plan does not cover
    is refused with the reason."""
    require_perm(actor, "mutualaid.add_aidclaim")
    _claim_check(admitted_on, discharged_on, total_cost, insurance_paid, hospital)
    account = payments.bank_account_digits(bank_account)
    if not account or not bank_name.strip():
        raise DomainError({"bank_account": _("Give the bank and account the payout goes to.")})
    with transaction.atomic():
        locked = (
            AidEnrollment.objects.select_for_update()
            .select_related("plan", "person", "org")
            .get(pk=enrollment.pk)
        )
        require_in_scope(actor, locked.org)
        overlapping = AidClaim.objects.filter(
            enrollment=locked,
            admitted_on__lte=discharged_on,
            discharged_on__gte=admitted_on,
        ).exclude(status=C.REJECTED)
        if overlapping.exists():
            # One stay, one claim: a second claim over the same days is the same stay.
            raise DomainError(
                _("This stay (admitted %(day)s) is already claimed.") % {"day": admitted_on}
            )
        payout = payout_for(
            enrollment=locked,
            admitted_on=admitted_on,
            total_cost=Decimal(total_cost),
            insurance_paid=Decimal(insurance_paid),
        )
        if payout.refusal:
            # Said beside the day of admission: it is what a clerk checks first.
            raise DomainError({"admitted_on": payout.refusal})
        c = cipher()
        claim = AidClaim(
            enrollment=locked,
            person=locked.person,
            org=locked.org,
            admitted_on=admitted_on,
            discharged_on=discharged_on,
            hospital=hospital.strip()[:100],
            diagnosis=c.encrypt(diagnosis.strip(), DIAGNOSIS_PURPOSE)
            if diagnosis.strip()
            else None,
            total_cost=total_cost,
            insurance_paid=insurance_paid,
            payout=payout.amount,
            basis=payout.basis,
            bank_name=bank_name.strip()[:60],
            bank_account=c.encrypt(account, BANK_PURPOSE),
            bank_account_last4=account[-4:],
            created_by=_user(actor),
        )
        try:
            with transaction.atomic():
                claim.save(force_insert=True)
        except IntegrityError:
            raise DomainError(
                _("This stay (admitted %(day)s) is already claimed.") % {"day": admitted_on}
            ) from None
        for upload in attachments:
            _attach(actor, claim, upload)
        record_event(
            actor=actor,
            action="aidclaim.create",
            org=locked.org,
            target=claim,
            details={"payout": claim.payout, "admitted_on": admitted_on},
        )
    return claim


def claim_diagnosis(*, actor, claim: AidClaim) -> str:
    """The diagnosis in clear for the one who decides the claim, written to the access log;
    "" for anyone else and for a claim without one."""
    from gonghui.core.access_log import log_access
    from gonghui.core.models import AccessLog

    if not claim.diagnosis or (
        actor is not None and not actor.has_perm("mutualaid.approve_aidclaim")
    ):
        return ""
    require_in_scope(actor, claim.org)
    log_access(actor=actor, action=AccessLog.Action.VIEW_HEALTH_DATA, target=claim, org=claim.org)
    return cipher().decrypt(bytes(claim.diagnosis), DIAGNOSIS_PURPOSE)


def claim_document_opened(*, actor, attachment: AidClaimAttachment) -> None:
    """A claim's document (a discharge summary says the illness) is opened: written to the
    access log like the diagnosis."""
    from gonghui.core.access_log import log_access
    from gonghui.core.models import AccessLog

    require_in_scope(actor, attachment.claim.org)
    log_access(
        actor=actor,
        action=AccessLog.Action.VIEW_HEALTH_DATA,
        target=attachment.claim,
        org=attachment.claim.org,
        details={"document": attachment.pk},
    )


def _attach(actor, claim: AidClaim, upload) -> AidClaimAttachment:
    try:
        stored = stored_file_create(
            actor=actor, upload=upload, kinds=ATTACHMENT_KINDS, max_bytes=ATTACHMENT_MAX_BYTES
        )
    except DomainError:
        raise
    except Exception as exc:  # ValidationError from the checked path
        messages = getattr(exc, "messages", [str(exc)])
        raise DomainError({"file": messages}) from None
    return AidClaimAttachment.objects.create(
        claim=claim, stored=stored, name=stored.name, size=stored.size
    )


def claim_attachment_add(*, actor, claim: AidClaim, upload) -> AidClaimAttachment:
    """Add a document to a claim while the union may still change it."""
    require_perm(actor, "mutualaid.change_aidclaim")
    with transaction.atomic():
        locked = AidClaim.objects.select_for_update().select_related("org").get(pk=claim.pk)
        require_in_scope(actor, locked.org)
        if locked.status not in (C.DRAFT, C.SUBMITTED):
            raise DomainError(_("A decided claim takes no more documents."))
        attachment = _attach(actor, locked, upload)
        record_event(
            actor=actor,
            action="aidclaimattachment.create",
            org=locked.org,
            target=locked,
            # A document's name may say the illness: the log keeps its size only.
            details={"size": attachment.size},
        )
    return attachment


def claim_attachment_delete(*, actor, attachment: AidClaimAttachment) -> None:
    """Remove a document from a claim that is not yet decided."""
    require_perm(actor, "mutualaid.change_aidclaim")
    with transaction.atomic():
        locked = AidClaimAttachment.objects.select_related("claim__org").get(pk=attachment.pk)
        # The claim locked and read again: a decision taken meanwhile keeps the documents.
        locked.claim = (
            AidClaim.objects.select_for_update().select_related("org").get(pk=locked.claim_id)
        )
        require_in_scope(actor, locked.claim.org)
        if locked.claim.status not in (C.DRAFT, C.SUBMITTED):
            raise DomainError(_("A decided claim keeps its documents."))
        locked.delete()
        StoredFile.objects.filter(pk=locked.stored_id).delete()
        record_event(
            actor=actor,
            action="aidclaimattachment.delete",
            org=locked.claim.org,
            target=locked.claim,
            details={"size": locked.size},
        )


def _lock_enrollment(claim: AidClaim) -> None:
    AidEnrollment.objects.select_for_update().filter(pk=claim.enrollment_id).first()


CLAIM = Workflow(
    AidClaim,
    [
        Step(
            "submit",
            (C.DRAFT,),
            C.SUBMITTED,
            "mutualaid.change_aidclaim",
            label=gettext_lazy("Submit"),
            done=gettext_lazy("submitted"),
        ),
        Step(
            "approve",
            (C.SUBMITTED,),
            C.APPROVED,
            "mutualaid.approve_aidclaim",
            label=gettext_lazy("Approve the payout"),
            done=gettext_lazy("approved"),
        ),
        Step(
            "return",
            (C.SUBMITTED,),
            C.DRAFT,
            "mutualaid.approve_aidclaim",
            label=gettext_lazy("Return for more documents"),
            done=gettext_lazy("returned"),
            needs_reason=True,
        ),
        Step(
            "reject",
            (C.DRAFT, C.SUBMITTED),
            C.REJECTED,
            "mutualaid.approve_aidclaim",
            label=gettext_lazy("Refuse"),
            done=gettext_lazy("refused"),
            needs_reason=True,
        ),
        Step(
            "pay",
            (C.APPROVED,),
            C.PAID,
            "mutualaid.add_aidclaimbatch",
            label=gettext_lazy("Pay"),
            done=gettext_lazy("paid"),
            manual=False,
        ),
    ],
    event="aidclaim",
    related=("person", "org", "enrollment__plan"),
    lock_first=_lock_enrollment,
    refused_step=gettext_lazy("A claim that is “%(from)s” cannot be %(step)s."),
    queues=(
        Queue(
            "claims.submit",
            gettext_lazy("Not submitted"),
            "gonghui.mutualaid.selectors.claims_waiting",
            "submit",
            "mutualaid.change_aidclaim",
        ),
        Queue(
            "claims.review",
            gettext_lazy("To review"),
            "gonghui.mutualaid.selectors.claims_waiting",
            "approve",
            "mutualaid.approve_aidclaim",
            also=("return", "reject"),
        ),
        Queue(
            "claims.pay",
            gettext_lazy("Approved, to pay"),
            "gonghui.mutualaid.selectors.claims_waiting",
            "",
            "mutualaid.add_aidclaimbatch",
        ),
    ),
)
STEP_NAMES = {s.name: s.done for s in CLAIM.steps}


def claim_transition(*, actor, claim: AidClaim, step: str, reason: str = "") -> AidClaim:
    """Take a step of a claim. Approving computes the payout again under the enrolment's lock
    (the yearly cap counts every claim approved before) and fixes it."""

    def apply(locked: AidClaim, taken: Step) -> None:
        locked.reason = reason.strip()[:300]
        if taken.name in ("approve", "reject"):
            locked.decided_on = timezone.localdate()
        if taken.name == "approve":
            enrollment = AidEnrollment.objects.select_related("plan").get(pk=locked.enrollment_id)
            payout = payout_for(
                enrollment=enrollment,
                admitted_on=locked.admitted_on,
                total_cost=locked.total_cost,
                insurance_paid=locked.insurance_paid,
                claim_pk=locked.pk,
            )
            if payout.refusal:
                raise DomainError(payout.refusal)
            locked.payout = payout.amount
            locked.basis = payout.basis

    return CLAIM.transition(
        actor=actor,
        obj=claim,
        step=step,
        reason=reason,
        details={"reason": reason} if reason else {},
        apply=apply,
    )


def claims_take_step(*, actor, claims: list[AidClaim], step: str, reason: str = "") -> int:
    """One step for several claims at once (the 审批 page's ticked rows): all or none."""
    with transaction.atomic():
        # Every enrolment first, in one order: two reviewers ticking claims of the same members
        # queue instead of deadlocking.
        ticked = AidClaim.objects.filter(pk__in=[c.pk for c in claims]).values("enrollment")
        list(
            AidEnrollment.objects.select_for_update()
            .filter(pk__in=ticked)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        return _take_each(actor, claims, step, reason)


def _take_each(actor, claims, step, reason) -> int:
    return all_or_none(
        claims,
        lambda claim: claim_transition(actor=actor, claim=claim, step=step, reason=reason),
        lambda claim: AidClaim.objects.select_related("person").get(pk=claim.pk).person.name,
    )


class AidClaims(payments.Payable):
    """Approved payouts as the platform pays them: to the account the union gave."""

    model = AidClaim
    batch_model = AidClaimBatch
    batch_field = "batch"
    amount_field = "payout"
    permission = "mutualaid.add_aidclaimbatch"
    event = "aidclaimbatch"

    def check(self, actor, item: AidClaim) -> None:
        claim = AidClaim.objects.select_related("person", "org").get(pk=item.pk)
        if claim.status != C.APPROVED:
            raise DomainError(
                _("%(name)s: only approved claims not yet in a batch are paid.")
                % {"name": claim.person.name}
            )
        if actor is not None and not org_in_scope(actor, claim.org):
            raise NotFound

    def payee(self, item: AidClaim) -> payments.Payee:
        c = cipher()
        return payments.Payee(
            name=item.person.name,
            bank_name=item.bank_name,
            bank_account=c.decrypt(bytes(item.bank_account), BANK_PURPOSE),
            amount=item.payout,
            memo=f"互助金 {item.enrollment.plan.name} {day_text(item.admitted_on)}入院",
            id_number=c.decrypt(bytes(item.person.id_number), ID_PURPOSE),
        )

    def paid(self, *, actor, items, batch, paid_on, reference) -> None:
        def stamp(locked: AidClaim, _step: Step) -> None:
            locked.paid_on = paid_on
            locked.payment_reference = reference[:60]

        for claim in items:
            CLAIM.transition(
                actor=actor,
                obj=claim,
                step="pay",
                details={"batch": batch.pk, "paid_on": paid_on},
                apply=stamp,
                internal=True,
            )


def claim_batch_create(*, actor, org: Org, claims: list[AidClaim]) -> AidClaimBatch:
    """Gather approved claims into a batch paid by ``org``."""
    return payments.payment_batch_create(actor=actor, payable=AidClaims(), items=claims, org=org)


def claim_batch_bank_file(*, actor, batch: AidClaimBatch) -> bytes:
    """The bank's transfer list of the batch (full accounts; logged as an access)."""
    return payments.payment_batch_bank_file(actor=actor, payable=AidClaims(), batch=batch)


def claim_batch_mark_paid(
    *, actor, batch: AidClaimBatch, paid_on: datetime.date, reference: str
) -> AidClaimBatch:
    """The bank paid the batch: each claim takes its "pay" step, or none does."""
    return payments.payment_batch_mark_paid(
        actor=actor, payable=AidClaims(), batch=batch, paid_on=paid_on, reference=reference
    )

"""Every write of assistance: hardship files, campaigns, grants through their workflow,
payment batches and group relief.

The grant workflow is one table (``GRANT_STEPS``): each step names the statuses it leaves and
enters and who may take it. Money limits are checked under row locks taken in a fixed order
(the campaign, then the people by primary key), so two approvals at the same moment are
serialised and the second one sees the first.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.assistance.models import (
    AmountStandard,
    Campaign,
    Grant,
    GroupRelief,
    HardshipCategory,
    HardshipFile,
    HouseholdMember,
    LocalPolicy,
    PaymentBatch,
    SchoolLevel,
)
from gonghui.core import idnumbers, payments
from gonghui.core.access import require_in_scope, require_perm
from gonghui.core.crypto import cipher
from gonghui.core.errors import DomainError
from gonghui.core.events import record_event
from gonghui.core.files import PHOTO_MAX_BYTES, PHOTOS
from gonghui.core.models import StoredFile
from gonghui.core.policy import in_force
from gonghui.core.scoping import org_in_scope
from gonghui.core.services import (
    record_create,
    record_delete,
    record_update,
    stored_file_create,
)
from gonghui.core.workflow import Step, Workflow
from gonghui.members.models import Membership, Person
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import region_of

STUDENT_PURPOSE = "grant.student_id_number"
BANK_PURPOSE = "grant.bank_account"
CENT = Decimal("0.01")
G = Grant.Status
H = HardshipFile.Status


# -- local standards ------------------------------------------------------------------------


def policy_for(org: Org, on: datetime.date) -> LocalPolicy | None:
    """The local standard in force for the org's region on the day (``core.policy``)."""
    return in_force(LocalPolicy.objects.all(), region_of(org), on)


def policy_create(*, actor, **fields) -> LocalPolicy:
    require_perm(actor, "assistance.add_localpolicy")
    policy = LocalPolicy(**fields)
    with transaction.atomic():
        policy.full_clean()
        policy.save()
        org = getattr(actor, "org", None) or Org.objects.filter(parent=None).first()
        record_event(actor=actor, action="localpolicy.create", org=org, target=policy)
    return policy


def policy_update(*, actor, policy: LocalPolicy, changes: dict) -> LocalPolicy:
    require_perm(actor, "assistance.change_localpolicy")
    with transaction.atomic():
        locked = LocalPolicy.objects.select_for_update().get(pk=policy.pk)
        diff = {}
        for key, value in changes.items():
            if getattr(locked, key) != value:
                diff[key] = [getattr(locked, key), value]
                setattr(locked, key, value)
        locked.full_clean()
        locked.save()
        org = getattr(actor, "org", None) or Org.objects.filter(parent=None).first()
        record_event(
            actor=actor,
            action="localpolicy.update",
            org=org,
            target=locked,
            details={"changes": diff},
        )
    return locked


# -- hardship files -------------------------------------------------------------------------

# The hardship file's statuses (domain-rules §2), on the platform's one mechanism.
HARDSHIP_FILE = Workflow(
    HardshipFile,
    [
        Step("relieve", (H.ON_FILE, H.RELAPSED), H.RELIEVED, "assistance.change_hardshipfile"),
        Step("lift", (H.ON_FILE, H.RELAPSED), H.LIFTED, "assistance.change_hardshipfile"),
        Step(
            "close",
            (H.ON_FILE, H.RELIEVED, H.LIFTED, H.RELAPSED),
            H.CLOSED,
            "assistance.change_hardshipfile",
        ),
        Step("relapse", (H.RELIEVED, H.LIFTED), H.RELAPSED, "assistance.change_hardshipfile"),
    ],
    event="hardshipfile",
    related=("org",),
    refused_target=gettext_lazy("A file that is “%(from)s” cannot become “%(to)s”."),
)
# (from, to) → the step's name, as the event log writes it.
FILE_TRANSITIONS = HARDSHIP_FILE.transitions()
REVIEW_EVERY = datetime.timedelta(days=365)


@dataclass
class Assessment:
    per_capita_monthly: Decimal
    subsistence_line: Decimal
    category: str | None  # None: above twice the line and no accident


def assess(
    *,
    org: Org,
    on: datetime.date,
    household_size: int,
    annual_income: Decimal,
    expenses: Decimal,
    accident: bool,
) -> Assessment:
    """(annual income − rigid expenses) ÷ 12 ÷ household size against the subsistence line:
    below it deep, below twice it relative (domain-rules §5.1); an accident case is set by
    staff on their own criteria."""
    policy = policy_for(org, on)
    if policy is None:
        raise DomainError(
            _(
                "No subsistence line is configured for region %(region)s on %(date)s; ask the "
                "platform administrator to enter the local standard."
            )
            % {"region": region_of(org) or "—", "date": on.isoformat()}
        )
    if household_size < 1:
        raise DomainError({"household_size": _("A household has at least one person.")})
    per_capita = ((annual_income - expenses) / 12 / household_size).quantize(
        CENT, rounding=ROUND_HALF_UP
    )
    line = policy.subsistence_line
    if accident:
        category = HardshipCategory.ACCIDENT
    elif per_capita < line:
        category = HardshipCategory.DEEP
    elif per_capita < 2 * line:
        category = HardshipCategory.RELATIVE
    else:
        category = None
    return Assessment(per_capita, line, category)


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(value if value not in (None, "") else 0).quantize(CENT)
    except Exception:
        raise DomainError({field: _("Not an amount of money.")}) from None
    if amount < 0:
        raise DomainError({field: _("An amount cannot be negative.")})
    return amount


def _open_file_message(actor, existing: HardshipFile) -> str:
    if actor is None or org_in_scope(actor, existing.org):
        return _("This household already has an open hardship file at %(org)s.") % {
            "org": existing.org.name
        }
    return _("This household already has an open hardship file at another union.")


def hardship_file_create(
    *,
    actor,
    applicant: Person,
    org: Org,
    household_size: int,
    annual_income,
    expense_illness=0,
    expense_disability=0,
    expense_schooling=0,
    expense_other=0,
    accident_reason: str = "",
    causes=(),
    filing_level: str = "county",
    filed_on: datetime.date | None = None,
    note: str = "",
    members=(),
) -> HardshipFile:
    """Open a household's file; refused when the household has an open file anywhere."""
    require_perm(actor, "assistance.add_hardshipfile")
    filed_on = filed_on or timezone.localdate()
    money = {
        "annual_income": _money(annual_income, "annual_income"),
        "expense_illness": _money(expense_illness, "expense_illness"),
        "expense_disability": _money(expense_disability, "expense_disability"),
        "expense_schooling": _money(expense_schooling, "expense_schooling"),
        "expense_other": _money(expense_other, "expense_other"),
    }
    expenses = sum(v for k, v in money.items() if k.startswith("expense_"))
    result = assess(
        org=org,
        on=filed_on,
        household_size=int(household_size or 0),
        annual_income=money["annual_income"],
        expenses=expenses,
        accident=bool(accident_reason.strip()),
    )
    if result.category is None:
        raise DomainError(
            _(
                "The household's income per head (%(pc)s yuan a month) is not below twice the "
                "subsistence line (%(line)s yuan): it does not qualify for a file. For hardship "
                "from an accident, give the reason."
            )
            % {"pc": result.per_capita_monthly, "line": result.subsistence_line}
        )
    with transaction.atomic():
        require_in_scope(actor, org)
        locked = Person.objects.select_for_update().get(pk=applicant.pk)
        existing = (
            HardshipFile.objects.filter(applicant=locked, status__in=HardshipFile.OPEN)
            .select_related("org")
            .first()
        )
        if existing is not None:
            raise DomainError(_open_file_message(actor, existing))
        file = HardshipFile(
            applicant=locked,
            org=org,
            household_size=household_size,
            per_capita_monthly=result.per_capita_monthly,
            subsistence_line=result.subsistence_line,
            category=result.category,
            accident_reason=accident_reason.strip(),
            causes=list(causes),
            filing_level=filing_level,
            filed_on=filed_on,
            reviewed_on=filed_on,
            status_changed_on=filed_on,
            note=note,
            **money,
        )
        file.full_clean(exclude=["applicant", "org"])
        try:
            with transaction.atomic():
                file.save()
        except IntegrityError:
            raise DomainError(
                _("This household already has an open hardship file at another union.")
            ) from None
        for member in members:
            HouseholdMember.objects.create(file=file, **member)
        record_event(
            actor=actor,
            action="hardshipfile.create",
            org=org,
            target=file,
            details={"category": file.category, "per_capita": file.per_capita_monthly},
        )
    return file


def household_member_add(
    *, actor, file: HardshipFile, name: str, relation: str, birth_year=None, note: str = ""
) -> HouseholdMember:
    require_perm(actor, "assistance.change_hardshipfile")
    if not name.strip() or not relation.strip():
        raise DomainError(_("Give the member's name and relation."))
    with transaction.atomic():
        locked = HardshipFile.objects.select_for_update().select_related("org").get(pk=file.pk)
        require_in_scope(actor, locked.org)
        member = HouseholdMember(
            file=locked,
            name=name.strip(),
            relation=relation.strip(),
            birth_year=int(birth_year) if birth_year else None,
            note=note.strip(),
        )
        member.full_clean()
        member.save()
        record_event(
            actor=actor,
            action="hardshipfile.member_add",
            org=locked.org,
            target=locked,
            details={"relation": member.relation},
        )
    return member


def hardship_file_review(
    *, actor, file: HardshipFile, reviewed_on: datetime.date | None = None, **changes
) -> HardshipFile:
    """The yearly review: update the household's figures (and notes, filing level) and
    recompute the category."""
    require_perm(actor, "assistance.change_hardshipfile")
    reviewed_on = reviewed_on or timezone.localdate()
    with transaction.atomic():
        locked = HardshipFile.objects.select_for_update().select_related("org").get(pk=file.pk)
        require_in_scope(actor, locked.org)
        if not locked.is_open:
            raise DomainError(_("Only an open file is reviewed."))
        for field in (
            "annual_income",
            "expense_illness",
            "expense_disability",
            "expense_schooling",
            "expense_other",
        ):
            if field in changes:
                setattr(locked, field, _money(changes[field], field))
        if "household_size" in changes:
            locked.household_size = int(changes["household_size"])
        if "accident_reason" in changes:
            locked.accident_reason = changes["accident_reason"].strip()
        if "note" in changes:
            locked.note = changes["note"][:500]
        if "filing_level" in changes:
            locked.filing_level = changes["filing_level"]
        expenses = (
            locked.expense_illness
            + locked.expense_disability
            + locked.expense_schooling
            + locked.expense_other
        )
        result = assess(
            org=locked.org,
            on=reviewed_on,
            household_size=locked.household_size,
            annual_income=locked.annual_income,
            expenses=expenses,
            accident=bool(locked.accident_reason),
        )
        old = locked.category
        locked.per_capita_monthly = result.per_capita_monthly
        locked.subsistence_line = result.subsistence_line
        if result.category is not None:
            locked.category = result.category
        locked.reviewed_on = reviewed_on
        locked.full_clean(exclude=["applicant", "org"])
        locked.save()
        record_event(
            actor=actor,
            action="hardshipfile.review",
            org=locked.org,
            target=locked,
            details={
                "category": [old, locked.category],
                "per_capita": locked.per_capita_monthly,
                "qualifies": result.category is not None,
            },
        )
    return locked


def hardship_file_transition(
    *, actor, file: HardshipFile, to_status: str, on: datetime.date | None = None, note: str = ""
) -> HardshipFile:
    require_perm(actor, "assistance.change_hardshipfile")

    def apply(locked: HardshipFile, step: Step) -> None:
        if (
            step.target == H.RELAPSED
            and HardshipFile.objects.filter(
                applicant_id=locked.applicant_id, status__in=HardshipFile.OPEN
            ).exists()
        ):
            raise DomainError(_("This household already has another open file."))
        locked.status_changed_on = on or timezone.localdate()
        if note:
            locked.note = note[:500]

    return HARDSHIP_FILE.transition(
        actor=actor, obj=file, to=to_status, details={"note": note}, apply=apply
    )


# -- campaigns ------------------------------------------------------------------------------


def campaign_create(*, actor, **fields) -> Campaign:
    return record_create(actor=actor, instance=Campaign(**fields))


def campaign_update(*, actor, campaign: Campaign, changes: dict) -> Campaign:
    with transaction.atomic():
        if "budget" in changes:
            # Approvals lock this row too: no approval slips in between the check and the write.
            Campaign.objects.select_for_update().get(pk=campaign.pk)
            _check_budget_change(campaign, Decimal(changes["budget"]))
        return record_update(actor=actor, instance=campaign, changes=changes)


def _check_budget_change(campaign: Campaign, budget: Decimal) -> None:
    committed = committed_amount(campaign)
    if budget < committed:
        raise DomainError(
            {
                "budget": _(
                    "The budget cannot go below what is already approved or paid (%(c)s yuan)."
                )
                % {"c": committed}
            }
        )


def standard_set(
    *, actor, campaign: Campaign, max_amount, category: str = "", school_level: str = ""
) -> AmountStandard:
    require_perm(actor, "assistance.change_campaign")
    amount = _money(max_amount, "max_amount")
    if amount <= 0:
        raise DomainError({"max_amount": _("A standard is more than zero.")})
    with transaction.atomic():
        require_in_scope(actor, campaign.org)
        standard, _created = AmountStandard.objects.update_or_create(
            campaign=campaign,
            category=category,
            school_level=school_level,
            defaults={"max_amount": amount},
        )
        record_event(
            actor=actor,
            action="campaign.standard",
            org=campaign.org,
            target=campaign,
            details={"category": category, "school_level": school_level, "max": amount},
        )
    return standard


def standard_delete(*, actor, standard: AmountStandard) -> None:
    require_perm(actor, "assistance.change_campaign")
    with transaction.atomic():
        require_in_scope(actor, standard.campaign.org)
        record_event(
            actor=actor,
            action="campaign.standard_delete",
            org=standard.campaign.org,
            target=standard.campaign,
            details={"category": standard.category, "school_level": standard.school_level},
        )
        standard.delete()


def committed_amount(campaign: Campaign) -> Decimal:
    total = Grant.objects.filter(campaign=campaign, status__in=Grant.COMMITTED).aggregate(
        cash=Sum("cash_amount"), goods=Sum("goods_value")
    )
    return (total["cash"] or Decimal(0)) + (total["goods"] or Decimal(0))


def standard_for(campaign: Campaign, category: str, school_level: str) -> Decimal | None:
    """The most a grant may give: the most specific standard that applies, if any."""
    best = None
    for s in campaign.standards.all():
        if s.category not in ("", category) or s.school_level not in ("", school_level):
            continue
        rank = (s.category != "") + (s.school_level != "")
        if best is None or rank > best[0]:
            best = (rank, s.max_amount)
    return best[1] if best else None


# -- grants ---------------------------------------------------------------------------------


@dataclass
class GrantDraft:
    grant: Grant
    warnings: list[str]


def _current_membership_under(person: Person, org: Org) -> Membership | None:
    m = person.latest_membership
    if m is None or m.status not in Membership.CURRENT:
        return None
    return m if m.org.path.startswith(org.path) else None


def grant_check(
    *,
    actor,
    campaign: Campaign,
    person: Person,
    org: Org,
    cash_amount,
    goods_value=0,
    student_name: str = "",
    student_id_number: str = "",
    school: str = "",
    school_level: str = "",
    entry_year=None,
    eligibility_group: str = "",
) -> dict:
    """Everything a grant must satisfy before it is written; returns the cleaned values.
    Shared by the form and the import so both refuse the same things the same way."""
    cash = _money(cash_amount, "cash_amount")
    goods = _money(goods_value, "goods_value")
    if cash + goods <= 0:
        raise DomainError({"cash_amount": _("A grant gives more than zero.")})
    if not campaign.is_open:
        raise DomainError(_("The campaign is closed."))
    if org.pk != campaign.org_id and not campaign.lower_units_may_apply:
        raise DomainError(_("This campaign does not take applications from lower unions."))
    if not org.path.startswith(campaign.org.path):
        raise DomainError(_("The applying union is not under the campaign's organiser."))
    if _current_membership_under(person, org) is None:
        raise DomainError(
            _(
                "The recipient is not a current member of the applying union or of a union "
                "beneath it."
            )
        )
    file = HardshipFile.objects.filter(applicant=person, status__in=HardshipFile.OPEN).first()
    elig = campaign.eligibility
    if elig == Campaign.Eligibility.ON_FILE and file is None:
        raise DomainError(
            _("This campaign is for households on file; the recipient has no open hardship file.")
        )
    if elig == Campaign.Eligibility.ON_FILE_OR_GROUPS and file is None and not eligibility_group:
        raise DomainError(
            {
                "eligibility_group": _(
                    "The recipient has no open hardship file: say which group they belong to."
                )
            }
        )
    category = file.category if file else ""
    values = {
        "cash_amount": cash,
        "goods_value": goods,
        "hardship_file": file,
        "category": category,
        "eligibility_group": eligibility_group,
    }
    if campaign.kind == Campaign.Kind.SCHOOL_AID:
        if not (student_name.strip() and student_id_number and school.strip() and school_level):
            raise DomainError(
                _("School aid needs the student's name, ID number, school and level.")
            )
        if campaign.school_levels and school_level not in campaign.school_levels:
            allowed = "、".join(str(SchoolLevel(v).label) for v in campaign.school_levels)
            raise DomainError(
                {
                    "school_level": _(
                        "This campaign aids students at these levels only: %(levels)s."
                    )
                    % {"levels": allowed}
                }
            )
        try:
            number = idnumbers.normalize(student_id_number)
        except idnumbers.IdNumberError as exc:
            raise DomainError({"student_id_number": str(exc)}) from None
        c = cipher()
        values.update(
            student_name=student_name.strip(),
            school=school.strip(),
            school_level=school_level,
            entry_year=int(entry_year) if entry_year else None,
            student_id_number=c.encrypt(number.value, STUDENT_PURPOSE),
            student_id_digest=c.digest(number.value, STUDENT_PURPOSE),
            student_id_last4=number.value[-4:],
        )
    limit = standard_for(campaign, category, school_level)
    if limit is not None and cash + goods > limit:
        raise DomainError(
            {
                "cash_amount": _(
                    "%(amount)s yuan is above this campaign's standard of %(limit)s yuan."
                )
                % {"amount": cash + goods, "limit": limit}
            }
        )
    return values


def grant_create(
    *,
    actor,
    campaign: Campaign,
    person: Person,
    org: Org,
    bank_name: str = "",
    bank_account: str = "",
    note: str = "",
    **fields,
) -> GrantDraft:
    """A draft application for one named person (and student, for school aid)."""
    require_perm(actor, "assistance.add_grant")
    values = grant_check(actor=actor, campaign=campaign, person=person, org=org, **fields)
    account = "".join(ch for ch in (bank_account or "") if ch.isdigit())
    if bank_account and not 12 <= len(account) <= 30:
        raise DomainError({"bank_account": _("A bank account number has 12 to 30 digits.")})
    warnings = []
    with transaction.atomic():
        require_in_scope(actor, org)
        grant = Grant(
            campaign=campaign,
            person=person,
            org=org,
            note=note,
            bank_name=bank_name.strip(),
            bank_account=cipher().encrypt(account, BANK_PURPOSE) if account else None,
            bank_account_last4=account[-4:],
            created_by=_user(actor),
            **values,
        )
        try:
            with transaction.atomic():
                grant.save()
        except IntegrityError as exc:
            if "one_grant_per" not in str(exc):
                raise
            raise DomainError(duplicate_message(campaign)) from None
        other = (
            Grant.objects.filter(
                person=person, campaign__year=campaign.year, status__in=Grant.COMMITTED
            )
            .exclude(campaign=campaign)
            .select_related("campaign")
            .first()
        )
        if other is not None:
            warnings.append(
                _("Note: the recipient already received “%(c)s” this year.")
                % {"c": other.campaign.name}
            )
        record_event(
            actor=actor,
            action="grant.create",
            org=org,
            target=grant,
            details={"campaign": campaign.code, "amount": grant.amount},
        )
    return GrantDraft(grant, warnings)


def duplicate_message(campaign: Campaign) -> str:
    if campaign.kind == Campaign.Kind.SCHOOL_AID:
        return _("This student already has a grant in this campaign.")
    return _("This person already has a grant in this campaign.")


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


# Who takes a step, relative to the grant: the applying side (the applying union or anyone
# above it), the reviewing side (a union above the applying one), or the organiser (the
# campaign's org or above).
APPLICANT, REVIEWER, ORGANISER, PAYER = "applicant", "reviewer", "organiser", "payer"


def _lock_campaign(grant: Grant) -> None:
    # Lock order: campaign, then grant, then people (see _check_limits): two approvals at
    # once are serialised on the campaign, and the second sees the first.
    Campaign.objects.select_for_update().get(pk=grant.campaign_id)


# The grant workflow, on the platform's one mechanism (``core.workflow``).
GRANT = Workflow(
    Grant,
    [
        Step(
            "submit",
            (G.DRAFT,),
            G.SUBMITTED,
            "assistance.add_grant",
            APPLICANT,
            gettext_lazy("Submit"),
            gettext_lazy("submitted"),
        ),
        Step(
            "review",
            (G.SUBMITTED,),
            G.REVIEWED,
            "assistance.review_grant",
            REVIEWER,
            gettext_lazy("Mark reviewed"),
            gettext_lazy("reviewed"),
        ),
        Step(
            "notice",
            (G.REVIEWED,),
            G.NOTICED,
            "assistance.approve_grant",
            ORGANISER,
            gettext_lazy("Put on public notice"),
            gettext_lazy("put on public notice"),
        ),
        Step(
            "approve",
            (G.NOTICED,),
            G.APPROVED,
            "assistance.approve_grant",
            ORGANISER,
            gettext_lazy("Approve"),
            gettext_lazy("approved"),
        ),
        Step(
            "reject",
            (G.SUBMITTED, G.REVIEWED, G.NOTICED),
            G.REJECTED,
            "assistance.review_grant",
            REVIEWER,
            gettext_lazy("Reject"),
            gettext_lazy("rejected"),
            needs_reason=True,
        ),
        Step(
            "withdraw",
            (G.DRAFT, G.SUBMITTED),
            G.WITHDRAWN,
            "assistance.add_grant",
            APPLICANT,
            gettext_lazy("Withdraw"),
            gettext_lazy("withdrawn"),
            needs_reason=True,
        ),
        # Taken by the payment batch only, for all its grants at once.
        Step(
            "pay",
            (G.APPROVED,),
            G.PAID,
            "assistance.add_paymentbatch",
            PAYER,
            gettext_lazy("Pay"),
            gettext_lazy("paid"),
            manual=False,
        ),
    ],
    event="grant",
    related=("campaign__org", "org", "person"),
    who=lambda actor, grant, who: may_take(actor, grant, who),
    who_names={
        APPLICANT: gettext_lazy("the applying union"),
        REVIEWER: gettext_lazy("the union above the applying one"),
        ORGANISER: gettext_lazy("the campaign's organiser"),
        PAYER: gettext_lazy("the campaign's organiser"),
    },
    lock_first=_lock_campaign,
    refused_step=gettext_lazy("A grant that is “%(from)s” cannot be %(step)s."),
)
# The table as step → (from statuses, to status, who, permission), and as (from, to) → step.
GRANT_STEPS = {s.name: (s.sources, s.target, s.who, s.permission) for s in GRANT.steps}
TRANSITIONS = GRANT.transitions()
STEP_NAMES = {s.name: s.done for s in GRANT.steps}


def may_take(actor, grant: Grant, who: str) -> bool:
    if actor is None:
        return True
    own = getattr(actor, "org", None)
    if own is None or not org_in_scope(actor, grant.org):
        return False
    if who == APPLICANT:
        return True
    if who == REVIEWER:
        # Someone above the applicant; the organiser reviews its own unions' applications.
        return own.pk != grant.org_id or grant.org_id == grant.campaign.org_id
    return grant.campaign.org.path.startswith(own.path)  # organiser, payer


def grant_transition(
    *, actor, grant: Grant, step: str, reason: str = "", today: datetime.date | None = None
) -> Grant:
    """Take one step of ``GRANT``; anything else is refused and nothing changes."""
    today = today or timezone.localdate()

    def apply(locked: Grant, taken: Step) -> None:
        now = timezone.now()
        if taken.name == "submit":
            locked.submitted_at = now
        elif taken.name == "review":
            locked.reviewed_at = now
        elif taken.name == "notice":
            locked.noticed_on = today
            locked.notice_ends_on = today + datetime.timedelta(days=locked.campaign.notice_days)
        elif taken.name == "approve":
            if locked.notice_ends_on and today < locked.notice_ends_on:
                raise DomainError(
                    _("The public notice runs until %(d)s; approve after it.")
                    % {"d": locked.notice_ends_on.isoformat()}
                )
            _check_limits(locked.campaign, [locked])
            locked.approved_at = now
        if reason:
            locked.reason = reason.strip()[:300]

    return GRANT.transition(
        actor=actor, obj=grant, step=step, reason=reason, details={"reason": reason}, apply=apply
    )


def _check_limits(campaign: Campaign, grants: list[Grant]) -> None:
    """Budget and yearly caps for grants about to be approved. The caller holds the campaign's
    row lock; the people are locked here in primary-key order."""
    adding = sum((g.amount for g in grants), Decimal(0))
    committed = committed_amount(campaign)
    if committed + adding > campaign.budget:
        raise DomainError(
            _(
                "Approving %(add)s yuan would pass the campaign's budget: %(budget)s yuan, of "
                "which %(used)s are already approved or paid."
            )
            % {"add": adding, "budget": campaign.budget, "used": committed}
        )
    people = sorted({g.person_id for g in grants})
    list(Person.objects.select_for_update().filter(pk__in=people).order_by("pk"))
    policy = policy_for(campaign.org, datetime.date(campaign.year, 12, 31))
    cap = policy.yearly_cap_per_person if policy else None
    if cap is None:
        return
    for person_id in people:
        mine = sum((g.amount for g in grants if g.person_id == person_id), Decimal(0))
        totals = Grant.objects.filter(
            person_id=person_id, campaign__year=campaign.year, status__in=Grant.COMMITTED
        ).aggregate(cash=Sum("cash_amount"), goods=Sum("goods_value"))
        already = (totals["cash"] or 0) + (totals["goods"] or 0)
        if already + mine > cap:
            name = next(g.person.name for g in grants if g.person_id == person_id)
            raise DomainError(
                _(
                    "%(name)s would receive %(total)s yuan this year, above the yearly cap of "
                    "%(cap)s yuan."
                )
                % {"name": name, "total": already + mine, "cap": cap}
            )


def grants_take_step(*, actor, grants: list[Grant], step: str) -> int:
    """Take one step for several grants at once: all of them or none (one transaction)."""
    with transaction.atomic():
        for grant in sorted(grants, key=lambda g: g.pk):
            grant_transition(actor=actor, grant=grant, step=step)
    return len(grants)


# -- payment -----------------------------------------------------------------------------------


class GrantPayments(payments.Payable):
    """Grants as the platform pays them (``core.payments``): approved, in one campaign's batch,
    paid by the campaign's organiser to the bank account given on the application."""

    model = Grant
    batch_model = PaymentBatch
    permission = "assistance.add_paymentbatch"

    def __init__(self, campaign: Campaign | None = None):
        self.campaign = campaign

    def check(self, actor, item: Grant) -> None:
        grant = Grant.objects.select_related("campaign__org", "org", "person").get(pk=item.pk)
        if self.campaign is not None and grant.campaign_id != self.campaign.pk:
            raise DomainError(_("A batch holds grants of one campaign only."))
        if grant.status != G.APPROVED:
            raise DomainError(
                _("%(name)s: only approved grants not yet in a batch are paid.")
                % {"name": grant.person.name}
            )
        if not may_take(actor, grant, PAYER):
            raise DomainError(_("Grants are paid by the campaign's organiser."))
        if grant.cash_amount > 0 and not grant.bank_account:
            raise DomainError(
                _("%(name)s has no bank account for the cash.") % {"name": grant.person.name}
            )

    def payee(self, item: Grant) -> payments.Payee:
        return payments.Payee(
            name=item.person.name,
            bank_name=item.bank_name,
            bank_account=cipher().decrypt(item.bank_account, BANK_PURPOSE),
            amount=item.cash_amount,
            memo=item.campaign.name,
        )

    def paid(self, *, actor, items, batch, paid_on, reference) -> None:
        if any(g.status != G.APPROVED for g in items):
            raise DomainError(_("Every grant of the batch must still be approved."))

        def stamp(locked: Grant, _step: Step) -> None:
            locked.paid_on = paid_on
            locked.payment_reference = reference[:60]

        for grant in items:
            GRANT.transition(
                actor=actor,
                obj=grant,
                step="pay",
                details={"batch": batch.pk, "paid_on": paid_on},
                apply=stamp,
                internal=True,
            )


def payment_batch_create(*, actor, campaign: Campaign, grants: list[Grant]) -> PaymentBatch:
    """Gather approved grants of one campaign into a batch for the bank."""
    return payments.payment_batch_create(
        actor=actor,
        payable=GrantPayments(campaign),
        items=grants,
        org=campaign.org,
        fields={"campaign": campaign},
    )


def payment_batch_bank_file(*, actor, batch: PaymentBatch) -> bytes:
    """The bank's transfer list (name, bank, full account, amount); logged as an access."""
    return payments.payment_batch_bank_file(actor=actor, payable=GrantPayments(), batch=batch)


def payment_batch_mark_paid(
    *, actor, batch: PaymentBatch, paid_on: datetime.date, reference: str
) -> PaymentBatch:
    """The bank paid the batch: each grant takes its "pay" step, or none does."""
    return payments.payment_batch_mark_paid(
        actor=actor, payable=GrantPayments(), batch=batch, paid_on=paid_on, reference=reference
    )


# -- group relief ------------------------------------------------------------------------------


def group_relief_create(
    *, actor, campaign: Campaign, org: Org, photo=None, **fields
) -> GroupRelief:
    """Record relief given without names. ``photo``, an upload, is kept through the checked
    path (``core.files``) in the same transaction: a refused relief keeps no photo."""
    if not org.path.startswith(campaign.org.path):
        raise DomainError({"org": _("The organisation is not under the campaign's organiser.")})
    for field in ("cash_amount", "goods_value"):
        if field in fields:
            fields[field] = _money(fields[field], field)
    with transaction.atomic():
        relief = GroupRelief(campaign=campaign, org=org, **fields)
        if photo:
            relief.photo = _relief_photo(actor, photo)
        return record_create(actor=actor, instance=relief)


def group_relief_update(*, actor, relief: GroupRelief, changes: dict) -> GroupRelief:
    """Correct a relief; a new ``photo`` (an upload) replaces the one kept before."""
    changes = dict(changes)
    photo = changes.pop("photo", None)
    for field in ("cash_amount", "goods_value"):
        if field in changes:
            changes[field] = _money(changes[field], field)
    with transaction.atomic():
        old_photo = relief.photo_id
        if photo:
            changes["photo"] = _relief_photo(actor, photo)
        updated = record_update(actor=actor, instance=relief, changes=changes)
        if photo and old_photo:
            StoredFile.objects.filter(pk=old_photo).delete()
    return updated


def group_relief_delete(*, actor, relief: GroupRelief) -> None:
    with transaction.atomic():
        photo = relief.photo_id
        record_delete(actor=actor, instance=relief)
        if photo:
            StoredFile.objects.filter(pk=photo).delete()


def _relief_photo(actor, upload):
    try:
        return stored_file_create(
            actor=actor, upload=upload, kinds=PHOTOS, max_bytes=PHOTO_MAX_BYTES
        )
    except ValidationError as exc:
        raise DomainError({"photo": exc.messages}) from None

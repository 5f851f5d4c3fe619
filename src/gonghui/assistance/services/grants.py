"""Grants (帮扶发放) through their workflow, with the budget and the yearly cap held under locks."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.assistance.models import (
    Campaign,
    Grant,
    HardshipFile,
    SchoolLevel,
)
from gonghui.assistance.services.campaigns import committed_amount, standard_for
from gonghui.assistance.services.common import (
    BANK_PURPOSE,
    STUDENT_PURPOSE,
    G,
    _money,
    _user,
)
from gonghui.assistance.services.standards import policy_for
from gonghui.core import idnumbers, payments
from gonghui.core.access import require_in_scope, require_perm
from gonghui.core.crypto import cipher
from gonghui.core.errors import DomainError
from gonghui.core.events import record_event
from gonghui.core.scoping import org_in_scope
from gonghui.core.workflow import Queue, Step, Workflow, all_or_none
from gonghui.members.models import Membership, Person
from gonghui.orgs.models import Org

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
    cash_amount,
    goods_value=0,
    student_name: str = "",
    student_id_number: str = "",
    school: str = "",
    school_level: str = "",
    entry_year: int | None = None,
    eligibility_group: str = "",
    bank_name: str = "",
    bank_account: str = "",
    note: str = "",
) -> GrantDraft:
    """A draft application for one named person (and student, for school aid)."""
    require_perm(actor, "assistance.add_grant")
    values = grant_check(
        actor=actor,
        campaign=campaign,
        person=person,
        org=org,
        cash_amount=cash_amount,
        goods_value=goods_value,
        student_name=student_name,
        student_id_number=student_id_number,
        school=school,
        school_level=school_level,
        entry_year=entry_year,
        eligibility_group=eligibility_group,
    )
    account = payments.bank_account_digits(bank_account or "")
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


# Who takes a step, relative to the grant: the applying side (the applying union or anyone
# above it), the reviewing side (a union above the applying one), or the organiser (the
# campaign's org or above).
APPLICANT, REVIEWER, ORGANISER, PAYER = "applicant", "reviewer", "organiser", "payer"


def _lock_campaign(grant: Grant) -> None:
    # Lock order: campaign, then grant, then people (see _check_limits): two approvals at
    # once are serialised on the campaign, and the second sees the first.
    Campaign.objects.select_for_update().get(pk=grant.campaign_id)


WAITING = "gonghui.assistance.selectors.grants_waiting"

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
            not_before=lambda grant: grant.notice_ends_on,
            wait_text=gettext_lazy("Can be approved once the public notice ends (%(date)s)"),
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
    who_org=lambda grant, who: _who_org(grant, who),
    # The 审批 page's tabs, in the order the work flows; each key is a to-do's, so the home
    # page's count and the tab's count come from one selector.
    queues=[
        Queue(
            "grants.draft",
            gettext_lazy("To submit"),
            WAITING,
            "submit",
            "assistance.add_grant",
            also=("withdraw",),
        ),
        Queue(
            "grants.review",
            gettext_lazy("To review"),
            WAITING,
            "review",
            "assistance.review_grant",
            also=("reject",),
        ),
        Queue(
            "grants.notice",
            gettext_lazy("To put on notice"),
            WAITING,
            "notice",
            "assistance.approve_grant",
            also=("reject",),
        ),
        Queue(
            "grants.noticed",
            gettext_lazy("On public notice"),
            WAITING,
            "approve",
            "assistance.approve_grant",
            also=("reject",),
        ),
        Queue(
            "grants.approve",
            gettext_lazy("Ready to approve"),
            WAITING,
            "approve",
            "assistance.approve_grant",
            also=("reject",),
        ),
        Queue(
            "grants.batch", gettext_lazy("To pay"), WAITING, "pay", "assistance.add_paymentbatch"
        ),
        Queue("grants.returned", gettext_lazy("Returned"), WAITING, "", "assistance.add_grant"),
    ],
)
# The table as step → (from statuses, to status, who, permission), and as (from, to) → step.
GRANT_STEPS = {s.name: (s.sources, s.target, s.who, s.permission) for s in GRANT.steps}
TRANSITIONS = GRANT.transitions()
STEP_NAMES = {s.name: s.done for s in GRANT.steps}


def _who_org(grant: Grant, who: str) -> str:
    if who == APPLICANT:
        return grant.org.name
    if who in (ORGANISER, PAYER):
        return grant.campaign.org.name
    return ""  # the reviewer: whichever union above the applicant takes it


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
            # The notice period is the step's own ``not_before``, checked by the workflow.
            _check_limits(locked.campaign, [locked])
            locked.approved_at = now
        if reason:
            locked.reason = reason.strip()[:300]

    return GRANT.transition(
        actor=actor,
        obj=grant,
        step=step,
        reason=reason,
        details={"reason": reason},
        apply=apply,
        today=today,
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


def grants_take_step(*, actor, grants: list[Grant], step: str, reason: str = "", today=None) -> int:
    """Take one step for several grants at once: all of them or none, a refusal naming the
    grant it stopped at (``core.workflow.all_or_none``)."""
    return all_or_none(
        grants,
        lambda grant: grant_transition(
            actor=actor, grant=grant, step=step, reason=reason, today=today
        ),
        lambda grant: grant.person.name,
    )

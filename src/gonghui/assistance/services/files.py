"""Hardship files (困难职工档案): filing, the yearly review, household members, statuses."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.assistance.models import (
    HardshipCategory,
    HardshipFile,
    HouseholdMember,
)
from gonghui.assistance.services.common import (
    CENT,
    H,
    _money,
)
from gonghui.assistance.services.standards import policy_for
from gonghui.core.access import require_in_scope, require_perm
from gonghui.core.constraints import full_clean
from gonghui.core.errors import DomainError
from gonghui.core.events import record_event
from gonghui.core.scoping import org_in_scope
from gonghui.core.workflow import Step, Workflow
from gonghui.members.models import Person
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import region_of

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
        full_clean(file, exclude=["applicant", "org"])
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
        full_clean(member)
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
        full_clean(locked, exclude=["applicant", "org"])
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

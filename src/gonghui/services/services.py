"""Every write of the services-to-workers area.

Recuperation: a federation plans a batch, gives places to the unions beneath (名额), takes their
nominations, confirms the list and records the batch held; a person goes once a year unless the
batch's policy says otherwise. Childcare classes enrol members' children up to their places.
Start-up loans are decided, disbursed with a repayment schedule, repaid instalment by
instalment from the bank's reports, or written off. Member offers count their monthly use from
the partner's list. Service points are nominated for recognition, and a conferred one raises the
point's level.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.access import require_in_scope, require_perm
from gonghui.core.dates import add_months
from gonghui.core.errors import DomainError
from gonghui.core.events import record_event
from gonghui.core.services import record_create, record_delete, record_update
from gonghui.core.validators import checked_amount
from gonghui.core.workflow import Step, Workflow, all_or_none
from gonghui.members.models import Person
from gonghui.orgs.models import Org, ServicePoint
from gonghui.services.models import (
    ChildcareChild,
    ChildcareClass,
    LoanInstalment,
    MemberOffer,
    OfferUse,
    PointNomination,
    Recuperation,
    RecuperationParticipant,
    RecuperationQuota,
    StartupLoan,
)

RS = Recuperation.Status
PS = RecuperationParticipant.Status
LS = StartupLoan.Status
NS = PointNomination.Status
# A sum of yuan of more digits is a typing error (under 1亿).
MAX_YUAN_DIGITS = 8
# Smaller than this is a typing error, not a start-up loan (they are of 万元; the schedule's
# monthly instalments in whole yuan need the amount to exceed the months).
SMALLEST_LOAN = 1000
# A holiday class takes children of these ages (in the class's year).
CHILD_AGES = (3, 16)
# Recognition levels from the lowest: a conferred recognition never lowers a point's level.
RECOGNITION_RANK = {level: i for i, level in enumerate(ServicePoint.Recognition.values)}


def _money(value, field: str) -> Decimal:
    return Decimal(0) if value is None else checked_amount(value, field, MAX_YUAN_DIGITS)


def _today() -> datetime.date:
    return timezone.localdate()


def _not_future(day: datetime.date | None, field: str) -> None:
    if day is None:
        raise DomainError({field: _("Enter the date.")})
    if day > _today():
        raise DomainError({field: _("This date is in the future.")})


def _current_member(actor, person: Person, within: Org) -> None:
    """``person`` is a current member of a union in ``within``'s subtree that the actor sees."""
    membership = person.latest_membership
    if membership is None or not membership.is_current or not membership.org.is_within(within):
        raise DomainError(
            {
                "person": _("%(name)s is not a member of %(org)s.")
                % {"name": person.name, "org": within}
            }
        )
    require_in_scope(actor, membership.org)


def _checked(instance, fields: Mapping[str, Any], allowed, check) -> None:
    for field, value in fields.items():
        if field not in allowed:
            raise TypeError(f"unknown field {field}")
        setattr(instance, field, value)
    check(instance)


# -- recuperation -------------------------------------------------------------------------

# What nominations were made on: fixed once the batch takes them (the year decides who has
# had a place already).
FIXED_ONCE_OPEN = {"group", "starts_on", "ends_on", "repeat_allowed"}
RECUPERATION_FIELDS = (
    "name",
    "group",
    "base",
    "place",
    "starts_on",
    "ends_on",
    "places",
    "cost_per_head",
    "repeat_allowed",
)


def _recuperation_check(r: Recuperation) -> None:
    r.name = (r.name or "").strip()
    r.place = (r.place or "").strip()
    if not r.name:
        raise DomainError({"name": _("Name the batch.")})
    r.cost_per_head = _money(r.cost_per_head, "cost_per_head")
    if r.base is not None and r.base.kind != ServicePoint.Kind.RECUPERATION_BASE:
        raise DomainError({"base": _("Choose a recuperation base.")})
    if r.starts_on and r.ends_on and r.ends_on < r.starts_on:
        raise DomainError({"ends_on": _("The end date is before the start date.")})
    if r.pk:
        given = r.quotas.aggregate(n=Sum("places"))["n"] or 0
        if r.places is not None and r.places < given:
            raise DomainError(
                {
                    "places": _(
                        "%(n)s places are given to the unions: the batch cannot have fewer."
                    )
                    % {"n": given}
                }
            )


def recuperation_create(
    *,
    actor,
    org: Org,
    name: str,
    group: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    places: int,
    base: ServicePoint | None = None,
    place: str = "",
    cost_per_head=None,
    repeat_allowed: bool = False,
) -> Recuperation:
    """A recuperation batch organised by ``org``, being planned."""
    batch = Recuperation(
        org=org,
        name=name,
        group=group,
        base=base,
        place=place or "",
        starts_on=starts_on,
        ends_on=ends_on,
        places=places,
        cost_per_head=cost_per_head,
        repeat_allowed=repeat_allowed,
    )
    _recuperation_check(batch)
    return record_create(actor=actor, instance=batch)


def recuperation_update(*, actor, recuperation: Recuperation, changes: Mapping[str, Any]):
    """Correct a batch before it is held (its cost per head also after)."""
    with transaction.atomic():
        locked = Recuperation.objects.select_for_update().get(pk=recuperation.pk)
        if locked.status == RS.CANCELLED or (
            locked.status == RS.HELD and set(changes) - {"cost_per_head"}
        ):
            raise DomainError(
                _(
                    "A batch held or cancelled keeps its record; only its cost per head is "
                    "corrected."
                )
            )
        if locked.status != RS.PLANNED and set(changes) & FIXED_ONCE_OPEN:
            raise DomainError(
                _("People are nominated on this batch's dates and group: they no longer change.")
            )
        trial = Recuperation.objects.get(pk=locked.pk)
        _checked(trial, changes, RECUPERATION_FIELDS, _recuperation_check)
        cleaned = {f: getattr(trial, f) for f in changes}
        return record_update(actor=actor, instance=locked, changes=cleaned)


def recuperation_delete(*, actor, recuperation: Recuperation) -> None:
    """Remove a batch still being planned (a later one is cancelled, with its reason)."""
    with transaction.atomic():
        locked = Recuperation.objects.select_for_update().get(pk=recuperation.pk)
        if locked.status != RS.PLANNED or locked.participants.exists():
            raise DomainError(_("Only a batch still being planned is deleted; cancel it instead."))
        record_delete(actor=actor, instance=locked)


def _batch_step_check(batch: Recuperation, step: Step) -> None:
    if step.name == "open" and not batch.quotas.exists():
        raise DomainError(_("Give the unions their places before taking nominations."))
    if step.name == "confirm":
        if batch.participants.filter(status=PS.NOMINATED).exists():
            raise DomainError(_("Confirm or turn down every nomination first."))
        if not batch.participants.filter(status=PS.CONFIRMED).exists():
            raise DomainError(_("Nobody is confirmed for this batch yet."))


RECUPERATION = Workflow(
    Recuperation,
    [
        Step(
            "open",
            (RS.PLANNED,),
            RS.NOMINATING,
            "services.change_recuperation",
            label=gettext_lazy("Take nominations"),
            done=gettext_lazy("opened for nominations"),
        ),
        Step(
            "confirm",
            (RS.NOMINATING,),
            RS.CONFIRMED,
            "services.change_recuperation",
            label=gettext_lazy("Confirm the list"),
            done=gettext_lazy("confirmed the list"),
        ),
        Step(
            "hold",
            (RS.CONFIRMED,),
            RS.HELD,
            "services.change_recuperation",
            label=gettext_lazy("Record as held"),
            done=gettext_lazy("recorded as held"),
            not_before=lambda batch: batch.ends_on,
            wait_text=gettext_lazy("Recorded as held once it ends on %(date)s."),
        ),
        Step(
            "cancel",
            (RS.PLANNED, RS.NOMINATING, RS.CONFIRMED),
            RS.CANCELLED,
            "services.change_recuperation",
            label=gettext_lazy("Cancel"),
            done=gettext_lazy("cancelled"),
            needs_reason=True,
        ),
    ],
    event="recuperation",
    refused_step=gettext_lazy("A batch that is “%(from)s” cannot be %(step)s."),
)


def recuperation_transition(*, actor, recuperation: Recuperation, step: str, reason: str = ""):
    """Open a batch for nominations, confirm its list, record it held, or cancel it."""

    def apply(locked: Recuperation, chosen: Step) -> None:
        _batch_step_check(locked, chosen)
        if chosen.needs_reason:
            locked.reason = reason.strip()[:200]

    return RECUPERATION.transition(
        actor=actor, obj=recuperation, step=step, reason=reason, apply=apply
    )


def quota_set(
    *, actor, recuperation: Recuperation, org: Org, places: int
) -> RecuperationQuota | None:
    """Give a union beneath the organiser ``places`` places of a batch (0 takes them back)."""
    require_perm(actor, "services.change_recuperation")
    with transaction.atomic():
        batch = (
            Recuperation.objects.select_for_update().select_related("org").get(pk=recuperation.pk)
        )
        require_in_scope(actor, batch.org)
        if batch.status not in (RS.PLANNED, RS.NOMINATING):
            raise DomainError(_("Places are given before the list is confirmed."))
        if org.pk == batch.org_id or not org.is_within(batch.org):
            raise DomainError({"org": _("Places go to a union beneath the organiser.")})
        if places is None or places < 0:
            raise DomainError({"places": _("Enter how many places.")})
        quota = RecuperationQuota.objects.filter(recuperation=batch, org=org).first()
        used = batch.participants.filter(org=org).exclude(status=PS.NOT_CHOSEN).count()
        if places < used:
            raise DomainError(
                {
                    "places": _("%(org)s has nominated %(n)s people: give at least as many places.")
                    % {"org": org, "n": used}
                }
            )
        others = batch.quotas.exclude(org=org).aggregate(n=Sum("places"))["n"] or 0
        if others + places > batch.places:
            raise DomainError(
                {
                    "places": _("The batch has %(n)s places; %(given)s are given to other unions.")
                    % {"n": batch.places, "given": others}
                }
            )
        old = quota.places if quota else 0
        if places == 0:
            if quota is not None:
                quota.delete()
            quota = None
        elif quota is None:
            quota = RecuperationQuota.objects.create(recuperation=batch, org=org, places=places)
        else:
            quota.places = places
            quota.save(update_fields=["places"])
        record_event(
            actor=actor,
            action="recuperation.quota",
            org=batch.org,
            target=batch,
            details={"union": org.name, "places": [old, places]},
        )
    return quota


def participant_nominate(
    *, actor, recuperation: Recuperation, org: Org, person: Person
) -> RecuperationParticipant:
    """A union nominates one of its members on the places it was given."""
    require_perm(actor, "services.add_recuperationparticipant")
    require_in_scope(actor, org)
    with transaction.atomic():
        batch = Recuperation.objects.select_for_update().get(pk=recuperation.pk)
        if batch.status != RS.NOMINATING:
            raise DomainError(_("This batch is not taking nominations."))
        quota = batch.quotas.filter(org=org).first()
        if quota is None:
            raise DomainError({"org": _("%(org)s has no places in this batch.") % {"org": org}})
        _current_member(actor, person, org)
        used = batch.participants.filter(org=org).exclude(status=PS.NOT_CHOSEN).count()
        if used >= quota.places:
            raise DomainError(
                {
                    "person": _("%(org)s has filled its %(n)s places.")
                    % {"org": org, "n": quota.places}
                }
            )
        # The person's row, locked last: two batches taking the same person wait on each other.
        Person.objects.select_for_update().get(pk=person.pk)
        if batch.participants.filter(person=person).exists():
            raise DomainError(
                {
                    "person": _("%(name)s is already nominated for this batch.")
                    % {"name": person.name}
                }
            )
        _once_a_year(batch, person)
        participant = RecuperationParticipant(
            recuperation=batch, org=org, person=person, name=person.name
        )
        participant.save(force_insert=True)
        record_event(
            actor=actor,
            action="recuperationparticipant.create",
            org=org,
            target=participant,
            details={"recuperation": batch.name},
        )
    return participant


def _once_a_year(batch: Recuperation, person: Person) -> None:
    # One place a year: another batch of the same year that took the person (nominated or
    # confirmed, not cancelled) stands in the way, unless this batch's policy allows it.
    if batch.repeat_allowed:
        return
    other = (
        RecuperationParticipant.objects.filter(
            person=person,
            recuperation__starts_on__year=batch.starts_on.year,
            status__in=(PS.NOMINATED, PS.CONFIRMED),
        )
        .exclude(recuperation=batch)
        .exclude(recuperation__status=RS.CANCELLED)
        .select_related("recuperation")
        .first()
    )
    if other is not None:
        raise DomainError(
            {
                "person": _("%(name)s already has a recuperation place this year (%(batch)s).")
                % {"name": person.name, "batch": other.recuperation.name}
            }
        )


def participant_withdraw(*, actor, participant: RecuperationParticipant) -> None:
    """Take back a nomination while the batch takes them."""
    require_perm(actor, "services.delete_recuperationparticipant")
    with transaction.atomic():
        batch = Recuperation.objects.select_for_update().get(pk=participant.recuperation_id)
        locked = RecuperationParticipant.objects.select_for_update().get(pk=participant.pk)
        require_in_scope(actor, locked.org)
        if batch.status != RS.NOMINATING or locked.status != PS.NOMINATED:
            raise DomainError(_("Only a nomination not yet decided is taken back."))
        record_event(
            actor=actor,
            action="recuperationparticipant.delete",
            org=locked.org,
            target=locked,
            details={"recuperation": batch.name},
        )
        locked.delete()


PARTICIPANT = Workflow(
    RecuperationParticipant,
    [
        Step(
            "confirm",
            (PS.NOMINATED,),
            PS.CONFIRMED,
            "services.change_recuperationparticipant",
            label=gettext_lazy("Confirm"),
            done=gettext_lazy("confirmed as going"),
        ),
        Step(
            "turn_down",
            (PS.NOMINATED,),
            PS.NOT_CHOSEN,
            "services.change_recuperationparticipant",
            label=gettext_lazy("Not chosen for the batch"),
            done=gettext_lazy("not chosen"),
            needs_reason=True,
        ),
    ],
    event="recuperationparticipant",
    # The organiser decides: the step is checked against the batch's union, not the nominator's.
    org=lambda p: p.recuperation.org,
    related=("recuperation__org", "person"),
    lock_first=lambda p: Recuperation.objects.select_for_update().get(pk=p.recuperation_id),
    refused_step=gettext_lazy("A nomination that is “%(from)s” cannot be %(step)s."),
)


def participants_take_step(
    *, actor, participants: Sequence[RecuperationParticipant], step: str, reason: str = ""
) -> int:
    """The organiser confirms nominations, or turns them down with the reason: all of them
    or none."""

    def take(participant: RecuperationParticipant):
        def apply(locked: RecuperationParticipant, chosen: Step) -> None:
            if locked.recuperation.status != RS.NOMINATING:
                raise DomainError(_("This batch is not taking nominations."))
            if chosen.name == "confirm":
                Person.objects.select_for_update().get(pk=locked.person_id)
                _once_a_year(locked.recuperation, locked.person)
            else:
                locked.reason = reason.strip()[:200]

        return PARTICIPANT.transition(
            actor=actor, obj=participant, step=step, reason=reason, apply=apply
        )

    with transaction.atomic():
        # Batches, then people, each in key order, as a nomination takes them (batch, then
        # person): two lists confirmed at once that share people wait instead of deadlocking.
        batches = sorted({p.recuperation_id for p in participants})
        list(Recuperation.objects.select_for_update().filter(pk__in=batches).order_by("pk"))
        people = sorted({p.person_id for p in participants})
        list(Person.objects.select_for_update().filter(pk__in=people).order_by("pk"))
        return all_or_none(participants, take, lambda p: p.name)


# -- childcare classes --------------------------------------------------------------------

CLASS_FIELDS = ("name", "site", "starts_on", "ends_on", "capacity", "volunteers", "cost")


def _class_check(c: ChildcareClass) -> None:
    c.name, c.site = (c.name or "").strip(), (c.site or "").strip()
    if not c.name:
        raise DomainError({"name": _("Name the class.")})
    c.cost = _money(c.cost, "cost")
    if c.starts_on and c.ends_on and c.ends_on < c.starts_on:
        raise DomainError({"ends_on": _("The end date is before the start date.")})
    if c.pk:
        for child in c.children.all():  # a class moved to another year: the ages again
            _child_check(child, c.starts_on.year)
        enrolled = c.children.count()
        if c.capacity is not None and c.capacity < enrolled:
            raise DomainError(
                {
                    "capacity": _("%(n)s children are enrolled: the places cannot be fewer.")
                    % {"n": enrolled}
                }
            )


def childcare_class_create(
    *,
    actor,
    org: Org,
    name: str,
    site: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    capacity: int,
    volunteers: int = 0,
    cost=None,
) -> ChildcareClass:
    """A holiday childcare class run by ``org``."""
    c = ChildcareClass(
        org=org,
        name=name,
        site=site,
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=capacity,
        volunteers=volunteers or 0,
        cost=cost,
    )
    _class_check(c)
    return record_create(actor=actor, instance=c)


def childcare_class_update(*, actor, childcare_class: ChildcareClass, changes: Mapping[str, Any]):
    with transaction.atomic():
        locked = ChildcareClass.objects.select_for_update().get(pk=childcare_class.pk)
        trial = ChildcareClass.objects.get(pk=locked.pk)
        _checked(trial, changes, CLASS_FIELDS, _class_check)
        return record_update(
            actor=actor, instance=locked, changes={f: getattr(trial, f) for f in changes}
        )


def childcare_class_delete(*, actor, childcare_class: ChildcareClass) -> None:
    require_perm(actor, "services.delete_childcareclass")
    require_in_scope(actor, childcare_class.org)
    if childcare_class.children.exists():
        raise DomainError(_("Children are enrolled in this class: remove them first."))
    record_delete(actor=actor, instance=childcare_class)


def _child_check(child: ChildcareChild, year: int) -> None:
    child.name = (child.name or "").strip()
    if not child.name:
        raise DomainError({"name": _("Enter the child's name.")})
    if child.birth_year is None:
        raise DomainError({"birth_year": _("Enter the child's year of birth.")})
    age = year - child.birth_year
    if not CHILD_AGES[0] <= age <= CHILD_AGES[1]:
        raise DomainError(
            {
                "birth_year": _("The class takes children aged %(low)s to %(high)s.")
                % {"low": CHILD_AGES[0], "high": CHILD_AGES[1]}
            }
        )


def child_enrol(
    *, actor, childcare_class: ChildcareClass, parent: Person, name: str, birth_year: int
) -> ChildcareChild:
    """Enrol a member's child in a class, while it has places."""
    require_perm(actor, "services.add_childcarechild")
    with transaction.atomic():
        locked = (
            ChildcareClass.objects.select_for_update()
            .select_related("org")
            .get(pk=childcare_class.pk)
        )
        require_in_scope(actor, locked.org)
        try:
            _current_member(actor, parent, locked.org)
        except DomainError as exc:
            raise DomainError({"parent": exc.messages}) from None
        if locked.children.count() >= locked.capacity:
            raise DomainError(_("The class's %(n)s places are taken.") % {"n": locked.capacity})
        child = ChildcareChild(
            childcare_class=locked,
            parent=parent,
            parent_name=parent.name,
            name=name,
            birth_year=birth_year,
        )
        _child_check(child, locked.starts_on.year)
        if locked.children.filter(parent=parent, name=child.name).exists():
            raise DomainError({"name": _("This child is already enrolled.")})
        child.save(force_insert=True)
        record_event(
            actor=actor,
            action="childcarechild.create",
            org=locked.org,
            target=child,
            details={"childcare_class": locked.name},
        )
    return child


def child_update(*, actor, child: ChildcareChild, changes: Mapping[str, Any]) -> ChildcareChild:
    """Correct a child's name or year of birth."""
    with transaction.atomic():
        locked = (
            ChildcareChild.objects.select_for_update()
            .select_related("childcare_class")
            .get(pk=child.pk)
        )
        trial = ChildcareChild.objects.get(pk=locked.pk)
        _checked(trial, changes, ("name", "birth_year"), lambda c: None)
        _child_check(trial, locked.childcare_class.starts_on.year)
        return record_update(
            actor=actor,
            instance=locked,
            changes={f: getattr(trial, f) for f in changes},
            org_attr="childcare_class.org",
        )


def child_remove(*, actor, child: ChildcareChild) -> None:
    record_delete(actor=actor, instance=child, org_attr="childcare_class.org")


# -- start-up loans -----------------------------------------------------------------------

LOAN_FIELDS = (
    "business",
    "amount",
    "bank",
    "guarantee",
    "interest_subsidy",
    "term_months",
    "applied_on",
)


def _loan_check(loan: StartupLoan) -> None:
    loan.business, loan.bank = (loan.business or "").strip(), (loan.bank or "").strip()
    loan.guarantee = (loan.guarantee or "").strip()
    for field, said in (
        ("business", _("Say what business the loan is for.")),
        ("bank", _("Name the partner bank.")),
        ("guarantee", _("Say how the loan is guaranteed.")),
    ):
        if not getattr(loan, field):
            raise DomainError({field: said})
    loan.amount = _money(loan.amount, "amount")
    if loan.amount < SMALLEST_LOAN:
        raise DomainError(
            {"amount": _("A start-up loan is at least %(n)s yuan.") % {"n": SMALLEST_LOAN}}
        )
    loan.interest_subsidy = _money(loan.interest_subsidy, "interest_subsidy")
    _not_future(loan.applied_on, "applied_on")
    if loan.term_months is None or not 1 <= loan.term_months <= 60:
        raise DomainError({"term_months": _("A term is from 1 to 60 months.")})


def loan_create(
    *,
    actor,
    org: Org,
    person: Person,
    business: str,
    amount,
    bank: str,
    guarantee: str,
    applied_on: datetime.date,
    term_months: int = 24,
    interest_subsidy=None,
) -> StartupLoan:
    """A member's application for a start-up loan, supported by ``org``."""
    require_perm(actor, "services.add_startuploan")
    require_in_scope(actor, org)
    _current_member(actor, person, org)
    loan = StartupLoan(
        org=org,
        person=person,
        name=person.name,
        business=business,
        amount=amount,
        bank=bank,
        guarantee=guarantee,
        interest_subsidy=interest_subsidy,
        term_months=term_months,
        applied_on=applied_on,
    )
    _loan_check(loan)
    return record_create(actor=actor, instance=loan)


def loan_update(*, actor, loan: StartupLoan, changes: Mapping[str, Any]) -> StartupLoan:
    """Correct an application before it is decided (the interest subsidy also later: the
    treasury settles it after)."""
    with transaction.atomic():
        locked = StartupLoan.objects.select_for_update().get(pk=loan.pk)
        if locked.status != LS.APPLIED and set(changes) - {"interest_subsidy"}:
            raise DomainError(_("A decided loan changes only its interest subsidy."))
        trial = StartupLoan.objects.get(pk=locked.pk)
        _checked(trial, changes, LOAN_FIELDS, _loan_check)
        return record_update(
            actor=actor, instance=locked, changes={f: getattr(trial, f) for f in changes}
        )


def loan_delete(*, actor, loan: StartupLoan) -> None:
    with transaction.atomic():
        locked = StartupLoan.objects.select_for_update().get(pk=loan.pk)
        if locked.status != LS.APPLIED:
            raise DomainError(_("Only an application not yet decided is deleted."))
        record_delete(actor=actor, instance=locked)


def instalments_of(amount: Decimal, months: int, start: datetime.date) -> list[tuple]:
    """The repayment schedule of a loan disbursed on ``start``: equal monthly instalments from
    the month after, in whole yuan, the last taking what the rounding left."""
    each = (amount / months).quantize(Decimal("1"), rounding=ROUND_DOWN)
    rows = []
    for seq in range(1, months + 1):
        due = add_months(start, seq)
        part = each if seq < months else amount - each * (months - 1)
        rows.append((seq, due, part))
    return rows


LOAN = Workflow(
    StartupLoan,
    [
        Step(
            "approve",
            (LS.APPLIED,),
            LS.APPROVED,
            "services.change_startuploan",
            label=gettext_lazy("Approve"),
            done=gettext_lazy("approved"),
        ),
        Step(
            "reject",
            (LS.APPLIED,),
            LS.REJECTED,
            "services.change_startuploan",
            label=gettext_lazy("Not approved"),
            done=gettext_lazy("not approved"),
            needs_reason=True,
        ),
        Step(
            "disburse",
            (LS.APPROVED,),
            LS.DISBURSED,
            "services.change_startuploan",
            label=gettext_lazy("Record as disbursed"),
            done=gettext_lazy("disbursed"),
        ),
        Step(
            "repaid",
            (LS.DISBURSED,),
            LS.REPAID,
            "services.change_startuploan",
            label=gettext_lazy("Repaid"),
            done=gettext_lazy("repaid"),
            manual=False,
        ),
        Step(
            "write_off",
            (LS.DISBURSED,),
            LS.WRITTEN_OFF,
            "services.change_startuploan",
            label=gettext_lazy("Write off"),
            done=gettext_lazy("written off"),
            needs_reason=True,
        ),
    ],
    event="startuploan",
    refused_step=gettext_lazy("A loan that is “%(from)s” cannot be %(step)s."),
)


def loan_transition(
    *,
    actor,
    loan: StartupLoan,
    step: str,
    reason: str = "",
    on: datetime.date | None = None,
) -> StartupLoan:
    """Approve or turn down an application, record the bank's disbursement (which makes the
    repayment schedule), or write off what is left unpaid; ``on`` is the day it happened."""

    def apply(locked: StartupLoan, chosen: Step) -> None:
        day = on or _today()
        _not_future(day, "on")
        if chosen.needs_reason:
            locked.reason = reason.strip()[:200]
        if chosen.name in ("approve", "reject"):
            if day < locked.applied_on:
                raise DomainError({"on": _("The decision comes after the application.")})
            locked.decided_on = day
        elif chosen.name == "disburse":
            if day < (locked.decided_on or locked.applied_on):
                raise DomainError({"on": _("The loan is disbursed after it is approved.")})
            locked.disbursed_on = day
            LoanInstalment.objects.bulk_create(
                LoanInstalment(loan=locked, seq=seq, due_on=due, amount=part)
                for seq, due, part in instalments_of(locked.amount, locked.term_months, day)
            )
        elif chosen.name == "write_off":
            if day < (_last_repaid(locked) or locked.disbursed_on):
                raise DomainError(
                    {"on": _("A loan is written off after its disbursement and last repayment.")}
                )
            unpaid = locked.instalments.filter(repaid_on__isnull=True)
            locked.written_off = unpaid.aggregate(s=Sum("amount"))["s"] or Decimal(0)
            locked.written_off_on = day

    return LOAN.transition(actor=actor, obj=loan, step=step, reason=reason, apply=apply)


def _last_repaid(loan: StartupLoan) -> datetime.date | None:
    return loan.instalments.aggregate(day=Max("repaid_on"))["day"]


def loan_repay(*, actor, loan: StartupLoan, repaid_on: datetime.date, amount) -> int:
    """The bank reports ``amount`` repaid on ``repaid_on``: it settles the next unpaid
    instalments, which it must add up to exactly; the last one repays the loan. Returns how
    many instalments it settled."""
    require_perm(actor, "services.change_startuploan")
    amount = _money(amount, "amount")
    _not_future(repaid_on, "repaid_on")
    with transaction.atomic():
        locked = StartupLoan.objects.select_for_update().select_related("org").get(pk=loan.pk)
        require_in_scope(actor, locked.org)
        if locked.status != LS.DISBURSED:
            raise DomainError(_("Only a loan being repaid takes repayments."))
        if repaid_on < locked.disbursed_on:
            raise DomainError({"repaid_on": _("A repayment comes after the disbursement.")})
        latest = _last_repaid(locked)
        if latest is not None and repaid_on < latest:
            raise DomainError(
                {
                    "repaid_on": _("A repayment comes after the last one (%(day)s).")
                    % {"day": latest}
                }
            )
        settled, total = [], Decimal(0)
        for instalment in locked.instalments.filter(repaid_on__isnull=True).order_by("seq"):
            if total >= amount:
                break
            settled.append(instalment.pk)
            total += instalment.amount
        if not amount or total != amount:
            following = locked.instalments.filter(repaid_on__isnull=True).order_by("seq").first()
            raise DomainError(
                {
                    "amount": _(
                        "A repayment settles whole instalments: the next one is %(next)s yuan."
                    )
                    % {"next": following.amount if following else 0}
                }
            )
        LoanInstalment.objects.filter(pk__in=settled).update(repaid_on=repaid_on)
        record_event(
            actor=actor,
            action="startuploan.repay",
            org=locked.org,
            target=locked,
            details={"amount": amount, "on": repaid_on.isoformat(), "count": len(settled)},
        )
        if not locked.instalments.filter(repaid_on__isnull=True).exists():
            LOAN.transition(actor=actor, obj=locked, step="repaid", internal=True)
    return len(settled)


# -- member offers ------------------------------------------------------------------------

OFFER_FIELDS = ("code", "title", "merchant", "offer", "starts_on", "ends_on")


def _offer_check(o: MemberOffer) -> None:
    for field in OFFER_FIELDS[:4]:
        setattr(o, field, (getattr(o, field) or "").strip())
    o.code = o.code.upper()
    if not o.code or not o.title or not o.merchant:
        raise DomainError(_("Give the offer's code, title and partner merchant."))
    if o.starts_on and o.ends_on and o.ends_on < o.starts_on:
        raise DomainError({"ends_on": _("The end date is before the start date.")})
    if MemberOffer.objects.filter(org=o.org_id, code=o.code).exclude(pk=o.pk).exists():
        raise DomainError({"code": _("Another offer of this union has this code.")})


def offer_create(
    *,
    actor,
    org: Org,
    code: str,
    title: str,
    merchant: str,
    offer: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
) -> MemberOffer:
    """An offer with a partner merchant, run by ``org``."""
    o = MemberOffer(
        org=org,
        code=code,
        title=title,
        merchant=merchant,
        offer=offer,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    _offer_check(o)
    return record_create(actor=actor, instance=o)


def offer_update(*, actor, member_offer: MemberOffer, changes: Mapping[str, Any]) -> MemberOffer:
    with transaction.atomic():
        locked = MemberOffer.objects.select_for_update().get(pk=member_offer.pk)
        trial = MemberOffer.objects.get(pk=locked.pk)
        _checked(trial, changes, OFFER_FIELDS, _offer_check)
        if trial.uses.filter(
            Q(month__lt=trial.starts_on.replace(day=1))
            | Q(month__gt=trial.ends_on or datetime.date.max)
        ).exists():
            raise DomainError({"ends_on": _("Uses are counted outside these dates.")})
        return record_update(
            actor=actor, instance=locked, changes={f: getattr(trial, f) for f in changes}
        )


def offer_delete(*, actor, member_offer: MemberOffer) -> None:
    require_perm(actor, "services.delete_memberoffer")
    require_in_scope(actor, member_offer.org)
    if member_offer.uses.exists():
        raise DomainError(_("Uses are counted for this offer: end it instead."))
    record_delete(actor=actor, instance=member_offer)


def use_problem(offer: MemberOffer, month: datetime.date, person_times, value) -> str:
    """Why a month's use count cannot be recorded for an offer, or "" (also the import's
    check)."""
    if month.day != 1:
        return _("A month is given by its first day.")
    if month > _today():
        return _("This month has not come yet.")
    if month < offer.starts_on.replace(day=1) or (offer.ends_on and month > offer.ends_on):
        return _("The offer did not run in %(month)s.") % {"month": f"{month:%Y-%m}"}
    if person_times is None or person_times < 1:
        return _("Enter how many times members used it.")
    if value is not None and value < 0:
        return _("A sum cannot be negative.")
    if value is not None and value >= Decimal(10) ** MAX_YUAN_DIGITS:
        return _("The sum saved is too large: check the amount.")
    return ""


def offer_use_record(
    *, actor, member_offer: MemberOffer, month: datetime.date, person_times: int, value=None
) -> OfferUse:
    """A month's use of an offer from the partner's list (once per month: a correction is an
    edit of that month)."""
    require_perm(actor, "services.add_offeruse")
    require_in_scope(actor, member_offer.org)
    use = OfferUse(
        offer=member_offer, month=month, person_times=person_times, value=_money(value, "value")
    )
    problem = use_problem(member_offer, month, person_times, use.value)
    if problem:
        raise DomainError({"month": problem})
    if OfferUse.objects.filter(offer=member_offer, month=month).exists():
        raise DomainError({"month": _("This month's use is already recorded: edit it.")})
    return record_create(actor=actor, instance=use, org_attr="offer.org")


def offer_use_update(*, actor, use: OfferUse, changes: Mapping[str, Any]) -> OfferUse:
    require_perm(actor, "services.change_offeruse")
    require_in_scope(actor, use.offer.org)
    changes = {k: v for k, v in changes.items() if k in ("person_times", "value")}
    person_times = changes.get("person_times", use.person_times)
    value = _money(changes.get("value", use.value), "value")
    problem = use_problem(use.offer, use.month, person_times, value)
    if problem:
        raise DomainError({"person_times": problem})
    if "value" in changes:
        changes["value"] = value
    return record_update(actor=actor, instance=use, changes=changes, org_attr="offer.org")


def offer_use_delete(*, actor, use: OfferUse) -> None:
    record_delete(actor=actor, instance=use, org_attr="offer.org")


# -- service points put forward for recognition -------------------------------------------


def nomination_create(
    *,
    actor,
    org: Org,
    point: ServicePoint,
    level: str,
    title: str,
    nominated_on: datetime.date,
) -> PointNomination:
    """``org`` puts one of its subtree's service points forward for a recognition."""
    require_perm(actor, "services.add_pointnomination")
    require_in_scope(actor, org)
    title = (title or "").strip()
    if not title:
        raise DomainError({"title": _("Give the title it is put forward for.")})
    if level not in RECOGNITION_RANK or level == ServicePoint.Recognition.NONE:
        raise DomainError({"level": _("Choose the recognition level.")})
    _not_future(nominated_on, "nominated_on")
    if not point.org.is_within(org):
        raise DomainError({"point": _("The service point is not one of this union's subtree.")})
    standing = PointNomination.objects.exclude(status=NS.NOT_CONFERRED)
    if standing.filter(point=point, level=level, title=title).exists():
        raise DomainError({"title": _("This point is already put forward for this title.")})
    return record_create(
        actor=actor,
        instance=PointNomination(
            org=org, point=point, level=level, title=title, nominated_on=nominated_on
        ),
    )


def nomination_delete(*, actor, nomination: PointNomination) -> None:
    with transaction.atomic():
        locked = PointNomination.objects.select_for_update().get(pk=nomination.pk)
        if locked.status != NS.NOMINATED:
            raise DomainError(_("A decided nomination stays on record."))
        record_delete(actor=actor, instance=locked)


NOMINATION = Workflow(
    PointNomination,
    [
        Step(
            "confer",
            (NS.NOMINATED,),
            NS.CONFERRED,
            "services.change_pointnomination",
            label=gettext_lazy("Record the recognition conferred"),
            done=gettext_lazy("recognition conferred"),
        ),
        Step(
            "not_confer",
            (NS.NOMINATED,),
            NS.NOT_CONFERRED,
            "services.change_pointnomination",
            label=gettext_lazy("Record the recognition not conferred"),
            done=gettext_lazy("recognition not conferred"),
            needs_reason=True,
        ),
    ],
    event="pointnomination",
    lock_first=lambda n: ServicePoint.objects.select_for_update().get(pk=n.point_id),
    refused_step=gettext_lazy("A nomination that is “%(from)s” cannot be %(step)s."),
)


def nomination_transition(
    *, actor, nomination: PointNomination, step: str, on: datetime.date, reason: str = ""
) -> PointNomination:
    """Record the outcome of a nomination on ``on``; a conferred one raises the point's level
    (never lowers it) and dates it."""

    def apply(locked: PointNomination, chosen: Step) -> None:
        _not_future(on, "on")
        if on < locked.nominated_on:
            raise DomainError({"on": _("The decision comes after the nomination.")})
        locked.decided_on = on
        if chosen.needs_reason:
            locked.reason = reason.strip()[:200]
            return
        point = ServicePoint.objects.get(pk=locked.point_id)
        if RECOGNITION_RANK[locked.level] >= RECOGNITION_RANK[point.recognition]:
            point.recognition, point.recognized_on = locked.level, on
            point.save(update_fields=["recognition", "recognized_on", "updated_at"])

    return NOMINATION.transition(actor=actor, obj=nomination, step=step, reason=reason, apply=apply)

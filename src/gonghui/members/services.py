"""Every write to the member registry: registering, changing status, transfers, imports.

Two rules hold whoever writes: a person exists once (unique digest of the ID number) and has at
most one current membership (partial unique index). Writers that look at the registry before
they write (imports, registration) first take the registry's advisory lock, so two imports of
the same person, run at the same moment, see each other instead of both inserting.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core import idnumbers
from gonghui.core.access import require_in_scope, require_perm
from gonghui.core.access_log import log_access
from gonghui.core.constraints import full_clean
from gonghui.core.crypto import cipher
from gonghui.core.errors import DomainError, NotFound, keep_records
from gonghui.core.events import record_event
from gonghui.core.models import AccessLog
from gonghui.core.scoping import org_in_scope
from gonghui.core.workflow import Step, Workflow
from gonghui.members.crypto import ID_PURPOSE, PHONE_PURPOSE, last4_digest, normalize_phone
from gonghui.members.models import Membership, MembershipTransfer, Person
from gonghui.members.registry import lock_registry, name_initials
from gonghui.orgs.models import Org

S = Membership.Status

# The membership workflow (domain-rules §1.3), on the platform's one mechanism
# (``core.workflow``). Transfers move through TRANSFERRING by their own services below, never
# by a plain step: those steps are the services' only.
MEMBERSHIP = Workflow(
    Membership,
    [
        Step("confirm", (S.PROVISIONAL,), S.ACTIVE, "members.change_membership"),
        Step("leave", (S.PROVISIONAL, S.ACTIVE, S.RETAINED), S.LEFT, "members.change_membership"),
        Step("retain", (S.ACTIVE,), S.RETAINED, "members.change_membership"),
        Step("expel", (S.ACTIVE,), S.EXPELLED, "members.change_membership"),
        Step("reactivate", (S.RETAINED,), S.ACTIVE, "members.change_membership"),
        Step(
            "transfer_start",
            (S.ACTIVE,),
            S.TRANSFERRING,
            "members.add_membershiptransfer",
            manual=False,
        ),
        Step(
            "transfer_back",
            (S.TRANSFERRING,),
            S.ACTIVE,
            "members.change_membershiptransfer",
            manual=False,
        ),
        Step(
            "transfer_out",
            (S.TRANSFERRING,),
            S.LEFT,
            "members.change_membershiptransfer",
            manual=False,
        ),
    ],
    event="membership",
    related=("org", "person"),
    event_target=lambda m: m.person,
    refused_target=gettext_lazy("A membership that is “%(from)s” cannot become “%(to)s”."),
)
# (from, to) → the step's name, as the event log writes it.
TRANSITIONS = MEMBERSHIP.transitions(manual_only=True)
ENDING = (S.LEFT, S.EXPELLED)


def _next_card_number(region: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('members_card_number_seq')")
        (value,) = cursor.fetchone()
    return f"{region or '000000'}{value:010d}"


def _locked_membership(membership: Membership) -> Membership:
    return (
        Membership.objects.select_for_update().select_related("org", "person").get(pk=membership.pk)
    )


# -- registering one person --------------------------------------------------------------------


def member_register(
    *,
    actor,
    org: Org,
    id_number: str,
    name: str,
    joined_on: datetime.date | None = None,
    status: str = S.ACTIVE,
    phone: str = "",
    employer_name: str = "",
    card_number: str = "",
    note: str = "",
    gender: str = "",
    ethnicity: str = "",
    education: str = "",
    political_status: str = "",
    hukou_type: str = "",
    is_migrant_worker: bool | None = None,
    new_employment_category: str = "",
) -> Membership:
    """Register a person with ``org`` (a new person, or a former member joining again).

    Refused, with nothing written, when the person already has a current membership: in
    another union that calls for a transfer, and the message names that union only if the
    actor may see it.
    """
    require_perm(actor, "members.add_person")
    if status not in (S.ACTIVE, S.PROVISIONAL):
        raise DomainError(_("A new membership starts as active or provisional."))
    try:
        number = idnumbers.normalize(id_number)
    except idnumbers.IdNumberError as exc:
        raise DomainError({"id_number": str(exc)}) from None
    if not name.strip():
        raise DomainError({"name": _("The name is empty.")})
    if org.level < Org.Level.TOWNSHIP or org.level == Org.Level.GROUP:
        raise DomainError({"org": _("Members are registered with a township or grassroots union.")})
    today = timezone.localdate()
    joined_on = joined_on or today
    if joined_on > today or joined_on < number.birth_date:
        raise DomainError({"joined_on": _("The date of joining is impossible.")})
    if gender and gender != number.gender:
        raise DomainError({"gender": _("The gender does not match the ID number.")})
    particulars = {
        "ethnicity": ethnicity,
        "education": education,
        "political_status": political_status,
        "hukou_type": hukou_type,
        "new_employment_category": new_employment_category,
    }
    if is_migrant_worker is not None:  # unsaid, a person joining again keeps what is on record
        particulars["is_migrant_worker"] = is_migrant_worker
    c = cipher()
    if phone:
        try:
            phone, _repaired = normalize_phone(phone)
        except ValueError as exc:
            raise DomainError({"phone": str(exc)}) from None
    try:
        with transaction.atomic():
            require_in_scope(actor, org)
            lock_registry()
            digest = c.digest(number.value, ID_PURPOSE)
            person = (
                Person.objects.select_for_update(of=("self",))
                .select_related("latest_membership__org")
                .filter(id_number_digest=digest)
                .first()
            )
            held_elsewhere = person is not None and not _holds(actor, person)
            if held_elsewhere:
                # What a union may learn about a person it does not hold (README, "Personal
                # data"): only whether they are a current member elsewhere, and, to take a
                # former member on, whether the name matches. Each answer is on record.
                _refuse_after_daily_answers(actor)
            if person is not None:
                current = (
                    person.memberships.filter(status__in=Membership.CURRENT)
                    .select_related("org")
                    .first()
                )
                if current is not None:
                    raise DomainError(
                        _conflict_message(actor, current.org),
                        keep=_answered(held_elsewhere, actor, person, number, "current elsewhere"),
                    )
                if held_elsewhere and person.name != name.strip():
                    raise DomainError(
                        {
                            "name": _(
                                "The name is not the one registered with this ID number; check "
                                "both against the member's ID card."
                            )
                        },
                        keep=_answered(held_elsewhere, actor, person, number, "name differs"),
                    )
            if (
                card_number
                and Person.objects.filter(card_number=card_number)
                .exclude(id_number_digest=digest)
                .exists()
            ):
                raise DomainError({"card_number": _("This card number belongs to another member.")})
            values = {
                "name": name.strip(),
                "name_initials": name_initials(name.strip()),
                "gender": number.gender,
                "birth_date": number.birth_date,
                "phone": c.encrypt(phone, PHONE_PURPOSE) if phone else None,
                "phone_digest": c.digest(phone, PHONE_PURPOSE) if phone else None,
                "phone_last4": phone[-4:] if phone else "",
                "updated_at": timezone.now(),
                **particulars,
            }
            if person is None:
                person = Person(
                    id_number=c.encrypt(number.value, ID_PURPOSE),
                    id_number_digest=digest,
                    id_last4_digest=last4_digest(c, number.value),
                    card_number=card_number or _next_card_number(org.region_code),
                    **values,
                )
                full_clean(person, exclude=["latest_membership", "id_number", "id_number_digest"])
                person.save(force_insert=True)
                action = "member.register"
            else:
                for key, value in values.items():
                    if value not in (None, ""):
                        setattr(person, key, value)
                if card_number:
                    person.card_number = card_number
                person.save()
                action = "member.rejoin"
            membership = Membership.objects.create(
                person=person,
                org=org,
                status=status,
                joined_on=joined_on,
                status_changed_on=joined_on,
                employer_name=employer_name,
                note=note,
            )
            person.latest_membership = membership
            person.save(update_fields=["latest_membership"])
            record_event(
                actor=actor,
                action=action,
                org=org,
                target=person,
                details={"id_number": idnumbers.mask(number.value), "status": status},
            )
    except DomainError as exc:
        with transaction.atomic():
            keep_records(exc)  # the answer given stays on record though nothing is written
        raise
    return membership


# Answers about people other unions hold that one user gets in a day before registering by
# hand pauses until the next day (imports are logged, not limited: a roster is reviewed whole).
DAILY_ANSWERS = 50


def _holds(actor, person: Person) -> bool:
    """Whether the actor's subtree holds the person (their latest membership lies in it)."""
    if actor is None:
        return True
    latest = person.latest_membership
    return latest is not None and org_in_scope(actor, latest.org)


def _answered(held_elsewhere: bool, actor, person: Person, number, what: str) -> list:
    """The access-log row of an answer about a person another union holds, as a write to keep
    (``core.errors.keep_records``); none when the actor holds the person."""
    if not held_elsewhere:
        return []
    return [
        lambda: log_access(
            actor=actor,
            action=AccessLog.Action.REGISTRY_ANSWER,
            target=person,
            org=getattr(actor, "org", None),
            details={"id_number": idnumbers.mask(number.value), "answer": what},
        )
    ]


def _refuse_after_daily_answers(actor) -> None:
    if actor is None:
        return
    since = timezone.now() - datetime.timedelta(days=1)
    answered = AccessLog.objects.filter(
        actor=actor, action=AccessLog.Action.REGISTRY_ANSWER, occurred_at__gte=since
    ).count()
    if answered >= DAILY_ANSWERS:
        raise DomainError(
            _(
                "You have been told about %(n)d people of other unions in the last 24 hours; "
                "registering people whom another union holds pauses until tomorrow. Ask the "
                "union above if a transfer is due."
            )
            % {"n": answered}
        )


def _conflict_message(actor, org: Org) -> str:
    if actor is None or org_in_scope(actor, org):
        return _("Already a member of “%(org)s”; that union has to transfer the membership.") % {
            "org": org.name
        }
    return _("Already a member of another union; that union has to transfer the membership.")


# What a clerk may correct of a member besides the name, phone and card number: the form, the
# admin and ``person_update`` all read this one list.
PARTICULARS = (
    "ethnicity",
    "education",
    "political_status",
    "hukou_type",
    "is_migrant_worker",
    "new_employment_category",
)


def person_update(*, actor, person: Person, changes: dict) -> Person:
    """Correct a member's particulars (not the ID number: see ``person_correct_id_number``)."""
    require_perm(actor, "members.change_person")
    allowed = {"name", *PARTICULARS, "card_number", "phone"}
    unknown = set(changes) - allowed
    if unknown:
        raise DomainError(
            _("These fields cannot be changed here: %(f)s") % {"f": ", ".join(unknown)}
        )
    with transaction.atomic():
        # Only the person's row is locked: PostgreSQL refuses FOR UPDATE over the nullable
        # side of the outer join that reaches the membership.
        locked = (
            Person.objects.select_for_update(of=("self",))
            .select_related("latest_membership__org")
            .get(pk=person.pk)
        )
        org = locked.latest_membership.org if locked.latest_membership else None
        require_in_scope(actor, org)
        diff = {}
        for field, value in changes.items():
            if field == "phone":
                if value:
                    try:
                        value, _r = normalize_phone(value)
                    except ValueError as exc:
                        raise DomainError({"phone": str(exc)}) from None
                c = cipher()
                locked.phone = c.encrypt(value, PHONE_PURPOSE) if value else None
                locked.phone_digest = c.digest(value, PHONE_PURPOSE) if value else None
                old_last4, locked.phone_last4 = locked.phone_last4, value[-4:] if value else ""
                diff["phone"] = [f"***{old_last4}" if old_last4 else "", f"***{locked.phone_last4}"]
                continue
            old = getattr(locked, field)
            if old != value:
                diff[field] = [old, value]
                setattr(locked, field, value)
        if not diff:
            return locked
        if "name" in changes:
            locked.name_initials = name_initials(locked.name)
        locked.updated_at = timezone.now()
        full_clean(
            locked,
            exclude=["latest_membership", "id_number", "id_number_digest", "phone", "phone_digest"],
        )
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError:
            raise DomainError(
                {"card_number": _("This card number belongs to another member.")}
            ) from None
        record_event(
            actor=actor, action="member.update", org=org, target=locked, details={"changes": diff}
        )
    return locked


def person_reveal(*, actor, person: Person) -> tuple[str, str]:
    """The full ID number and phone, for an actor allowed to see them; written to the access
    log before anything is decrypted."""
    require_perm(actor, "members.view_full_id_number")
    org = person.latest_membership.org if person.latest_membership_id else None
    require_in_scope(actor, org)
    with transaction.atomic():
        log_access(actor=actor, action=AccessLog.Action.VIEW_ID_NUMBER, target=person, org=org)
    c = cipher()
    phone = c.decrypt(person.phone, PHONE_PURPOSE) if person.phone else ""
    return c.decrypt(person.id_number, ID_PURPOSE), phone


# -- status changes ---------------------------------------------------------------------------


def membership_transition(
    *,
    actor,
    membership: Membership,
    to_status: str,
    on: datetime.date | None = None,
    note: str = "",
) -> Membership:
    """Move a membership along ``MEMBERSHIP``; anything else is refused and nothing changes."""
    require_perm(actor, "members.change_membership")
    on = on or timezone.localdate()

    def apply(locked: Membership, step: Step) -> None:
        if on < locked.joined_on:
            raise DomainError(_("The date is before the member joined."))
        locked.status_changed_on = on
        if step.target in ENDING:
            locked.ended_on = on
        if note:
            locked.note = note[:500]

    return MEMBERSHIP.transition(
        actor=actor,
        obj=membership,
        to=to_status,
        details={"on": on, "note": note},
        apply=apply,
    )


# -- transfers (会员关系接转) -------------------------------------------------------------------


def transfer_start(
    *, actor, membership: Membership, to_org: Org, reason: str = ""
) -> MembershipTransfer:
    """The sending union asks the receiving one to take the member over.

    When the actor's own subtree holds the receiving union too (a county moving a member between
    two of its unions), the transfer is accepted at once.
    """
    require_perm(actor, "members.add_membershiptransfer")
    if to_org.level < Org.Level.TOWNSHIP or to_org.level == Org.Level.GROUP or not to_org.is_active:
        raise DomainError(
            {"to_org": _("A membership moves to an active township or grassroots union.")}
        )
    with transaction.atomic():
        locked = _locked_membership(membership)
        require_in_scope(actor, locked.org)
        if locked.org_id == to_org.pk:
            raise DomainError({"to_org": _("The member already belongs to this union.")})
        if MEMBERSHIP.step("transfer_start") != MEMBERSHIP.step_to(locked.status, S.TRANSFERRING):
            raise DomainError(
                _("Only an active membership can be transferred; this one is “%(s)s”.")
                % {"s": locked.get_status_display()}
            )
        locked.status = S.TRANSFERRING
        locked.status_changed_on = timezone.localdate()
        locked.save(update_fields=["status", "status_changed_on"])
        transfer = MembershipTransfer.objects.create(
            membership=locked,
            person=locked.person,
            from_org=locked.org,
            to_org=to_org,
            reason=reason[:200],
            started_by=actor if getattr(actor, "pk", None) else None,
        )
        record_event(
            actor=actor,
            action="membership.transfer_start",
            org=locked.org,
            target=locked.person,
            details={"to": to_org.name, "reason": reason},
        )
        if actor is None or org_in_scope(actor, to_org):
            transfer_accept(actor=actor, transfer=transfer)
            transfer.refresh_from_db()
    return transfer


def _locked_transfer(transfer: MembershipTransfer) -> MembershipTransfer:
    return (
        MembershipTransfer.objects.select_for_update()
        .select_related("membership", "from_org", "to_org", "person")
        .get(pk=transfer.pk)
    )


def transfer_accept(
    *, actor, transfer: MembershipTransfer, joined_on: datetime.date | None = None
) -> Membership:
    """The receiving union takes the member: the old membership ends, a new one starts."""
    require_perm(actor, "members.change_membershiptransfer")
    with transaction.atomic():
        locked = _locked_transfer(transfer)
        require_in_scope(actor, locked.to_org)
        if locked.status != MembershipTransfer.Status.PENDING:
            raise DomainError(_("This transfer has already been answered."))
        old = _locked_membership(locked.membership)
        today = timezone.localdate()
        joined_on = joined_on or today
        old.status = S.LEFT
        old.ended_on = max(joined_on, old.joined_on)
        old.status_changed_on = today
        old.save(update_fields=["status", "ended_on", "status_changed_on"])
        new = Membership.objects.create(
            person=locked.person,
            org=locked.to_org,
            status=S.ACTIVE,
            joined_on=joined_on,
            status_changed_on=joined_on,
            employer_name=old.employer_name,
            transferred_in=True,
        )
        Person.objects.filter(pk=locked.person_id).update(latest_membership=new)
        locked.status = MembershipTransfer.Status.ACCEPTED
        locked.answered_by = actor if getattr(actor, "pk", None) else None
        locked.answered_at = timezone.now()
        locked.new_membership = new
        locked.save(update_fields=["status", "answered_by", "answered_at", "new_membership"])
        record_event(
            actor=actor,
            action="membership.transfer_accept",
            org=locked.to_org,
            target=locked.person,
            details={"from": locked.from_org.name},
        )
    return new


def transfer_refuse(*, actor, transfer: MembershipTransfer, answer: str) -> MembershipTransfer:
    require_perm(actor, "members.change_membershiptransfer")
    if not answer.strip():
        raise DomainError({"answer": _("Say why the transfer is refused.")})
    return _transfer_close(actor, transfer, MembershipTransfer.Status.REFUSED, answer, "to_org")


def transfer_cancel(*, actor, transfer: MembershipTransfer, answer: str = "") -> MembershipTransfer:
    require_perm(actor, "members.add_membershiptransfer")
    return _transfer_close(actor, transfer, MembershipTransfer.Status.CANCELLED, answer, "from_org")


def _transfer_close(actor, transfer, status, answer, side) -> MembershipTransfer:
    with transaction.atomic():
        locked = _locked_transfer(transfer)
        require_in_scope(actor, getattr(locked, side))
        if locked.status != MembershipTransfer.Status.PENDING:
            raise DomainError(_("This transfer has already been answered."))
        membership = _locked_membership(locked.membership)
        membership.status = S.ACTIVE
        membership.status_changed_on = timezone.localdate()
        membership.save(update_fields=["status", "status_changed_on"])
        locked.status = status
        locked.answer = answer[:200]
        locked.answered_by = actor if getattr(actor, "pk", None) else None
        locked.answered_at = timezone.now()
        locked.save(update_fields=["status", "answer", "answered_by", "answered_at"])
        record_event(
            actor=actor,
            action=f"membership.transfer_{status}",
            org=getattr(locked, side),
            target=locked.person,
            details={"answer": answer},
        )
    return locked


def transfer_target_lookup(text: str) -> Org:
    """The receiving union named by its exact code or full name, wherever it is: the sending
    clerk must name it, and learns nothing more than that it exists."""
    text = text.strip()
    org = (
        Org.objects.filter(is_active=True, code__iexact=text).first()
        or Org.objects.filter(is_active=True, name=text).first()
    )
    if org is None:
        raise NotFound(_("No active union with this exact code or name."))
    return org

"""Honours: the honours of a year and their quotas, nominations through their workflow, the
honours conferred and the register of model workers.

Lock order, the same in every write: the honour, then its quotas, then the nomination. Two
recommendations at once are serialised on the honour, and the second counts the first.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core import idnumbers, payments
from gonghui.core.access import require_in_scope, require_perm
from gonghui.core.crypto import cipher
from gonghui.core.errors import DomainError, NotFound
from gonghui.core.events import record_event
from gonghui.core.figures import money
from gonghui.core.files import DOCUMENT_MAX_BYTES, DOCUMENTS
from gonghui.core.models import StoredFile
from gonghui.core.scoping import org_in_scope
from gonghui.core.services import (
    record_create,
    record_delete,
    record_update,
    stored_file_create,
)
from gonghui.core.workflow import Queue, Step, Workflow, all_or_none
from gonghui.honors.models import (
    LEVEL_RANK,
    REGISTER_KINDS,
    CareBatch,
    CareKind,
    CarePayment,
    CareStandard,
    Honor,
    HonorAward,
    HonorKind,
    HonorLevel,
    HonorNomination,
    HonorQuota,
    ModelWorker,
    NominationAttachment,
    Recipient,
)
from gonghui.members.crypto import ID_PURPOSE
from gonghui.members.models import Membership, Person
from gonghui.orgs.models import Org

N = HonorNomination.Status


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


# -- honours and quotas ------------------------------------------------------------------------


def _honor_check(honor: Honor) -> None:
    if honor.kind == HonorKind.CRAFTSMAN and not honor.title.strip():
        raise DomainError({"title": _("A craftsman title is named by its place: give the title.")})
    if honor.org.level > Org.Level.COUNTY:
        raise DomainError({"org": _("Honours are kept by a federation (county level or above).")})
    this_year = timezone.localdate().year
    if not 1950 <= honor.year <= this_year + 1:
        raise DomainError({"year": _("The year is impossible.")})
    same = Honor.objects.filter(
        org=honor.org,
        kind=honor.kind,
        level=honor.level,
        title=honor.title,
        conferring_body=honor.conferring_body,
        year=honor.year,
    )
    if same.exclude(pk=honor.pk).exists():
        raise DomainError(_("This honour of this year is already recorded."))
    if honor.conferred_on and abs(honor.conferred_on.year - honor.year) > 1:
        raise DomainError(
            {"conferred_on": _("The date of conferring is not in the honour's year.")}
        )


def honor_create(*, actor, **values) -> Honor:
    """An honour of one year as a body confers it (and, open for nominations, a round)."""
    honor = Honor(**values)
    _honor_check(honor)
    try:
        with transaction.atomic():
            return record_create(actor=actor, instance=honor)
    except IntegrityError:
        raise DomainError(_("This honour of this year is already recorded.")) from None


def honor_update(*, actor, honor: Honor, changes: dict) -> Honor:
    merged = Honor(**{f.attname: getattr(honor, f.attname) for f in Honor._meta.concrete_fields})
    for key, value in changes.items():
        setattr(merged, key, value)
    _honor_check(merged)
    if ("kind" in changes or "level" in changes) and honor.awards.exists():
        raise DomainError(_("Honours were conferred under it: its kind and level stay."))
    try:
        with transaction.atomic():
            return record_update(actor=actor, instance=honor, changes=changes)
    except IntegrityError:
        raise DomainError(_("This honour of this year is already recorded.")) from None


def honor_delete(*, actor, honor: Honor) -> None:
    if honor.awards.exists() or honor.nominations.exists():
        raise DomainError(_("Nominations or awards are recorded under this honour: it stays."))
    with transaction.atomic():
        HonorQuota.objects.filter(honor=honor).delete()
        record_delete(actor=actor, instance=honor)


def quota_set(*, actor, honor: Honor, org: Org, places: int) -> HonorQuota:
    """The places ``org`` (beneath the honour's keeper) gets in the round; the quotas handed
    down never add up to more than the places the keeper was given."""
    require_perm(actor, "honors.add_honorquota")
    places = int(places)
    if places < 0:
        raise DomainError({"places": _("Places cannot be negative.")})
    if org.pk == honor.org_id or not org.path.startswith(honor.org.path):
        raise DomainError({"org": _("Quotas go to the unions beneath the honour's keeper.")})
    with transaction.atomic():
        locked = Honor.objects.select_for_update().select_related("org").get(pk=honor.pk)
        require_in_scope(actor, locked.org)
        quota = HonorQuota.objects.select_for_update().filter(honor=locked, org=org).first()
        if locked.places is not None:
            others = sum(q.places for q in HonorQuota.objects.filter(honor=locked).exclude(org=org))
            if others + places > locked.places:
                raise DomainError(
                    {
                        "places": _(
                            "The quotas would add up to %(n)d places, more than the %(max)d "
                            "this honour has."
                        )
                        % {"n": others + places, "max": locked.places}
                    }
                )
        placed = _placed_under(locked, org)
        if places < placed:
            raise DomainError(
                {
                    "places": _("%(org)s already has %(n)d recommended: the quota cannot be lower.")
                    % {"org": org.name, "n": placed}
                }
            )
        old = quota.places if quota else None
        if quota is None:
            quota = HonorQuota.objects.create(honor=locked, org=org, places=places)
        else:
            quota.places = places
            quota.save(update_fields=["places"])
        record_event(
            actor=actor,
            action="honorquota.set",
            org=locked.org,
            target=quota,
            details={"org": org.name, "from": old, "to": places},
        )
    return quota


def quota_update(*, actor, quota: HonorQuota, changes: dict) -> HonorQuota:
    return quota_set(
        actor=actor,
        honor=changes.get("honor", quota.honor),
        org=changes.get("org", quota.org),
        places=changes.get("places", quota.places),
    )


def quota_delete(*, actor, quota: HonorQuota) -> None:
    require_perm(actor, "honors.delete_honorquota")
    if _placed_under(quota.honor, quota.org):
        raise DomainError(_("Nominations hold places of this quota: it stays."))
    record_delete(actor=actor, instance=quota)


def _placed_under(honor: Honor, org: Org) -> int:
    return HonorNomination.objects.filter(
        honor=honor, status__in=HonorNomination.PLACED, org__path__startswith=org.path
    ).count()


def quota_of(honor: Honor, org: Org) -> HonorQuota | None:
    """The quota a nomination of ``org`` counts against: that of the nearest union above it
    (or itself) that has one."""
    found = [q for q in honor.quotas.select_related("org") if org.path.startswith(q.org.path)]
    return max(found, key=lambda q: len(q.org.path)) if found else None


# -- who is honoured ---------------------------------------------------------------------------


def _honoree(*, actor, honor: Honor, org: Org, person=None, id_number="", name="", **rest):
    """The honoured as the records keep them: a current member under ``org`` (by the picked
    person or the ID number), a person outside the registry (name and ID number, encrypted),
    or a unit, team or studio (its name). Nomination and award share this."""
    for linked in (rest.get("employer"), rest.get("service_point")):
        if linked is not None:
            require_in_scope(actor, linked.org)
    values = {
        "employer": rest.get("employer"),
        "service_point": rest.get("service_point"),
        "workplace": (rest.get("workplace") or "").strip()[:120],
    }
    if honor.recipient != Recipient.PERSON:
        unit = (name or "").strip()
        if not unit:
            unit = getattr(values["employer"] or values["service_point"], "name", "")
        if not unit:
            raise DomainError({"name": _("Name the unit, team or studio honoured.")})
        return {**values, "name": unit[:100], "person": None}
    c = cipher()
    if person is None and id_number:
        try:
            number = idnumbers.normalize(id_number).value
        except idnumbers.IdNumberError as exc:
            raise DomainError({"id_number": str(exc)}) from None
        digest = c.digest(number, ID_PURPOSE)
        person = (
            Person.objects.filter(
                id_number_digest=digest,
                latest_membership__status__in=Membership.CURRENT,
                latest_membership__org__path__startswith=org.path,
            )
            .select_related("latest_membership__org")
            .first()
        )
        if person is None:
            if not (name or "").strip():
                raise DomainError({"name": _("Give the name of the person honoured.")})
            return {
                **values,
                "person": None,
                "name": name.strip()[:50],
                "id_number": c.encrypt(number, ID_PURPOSE),
                "id_digest": digest,
                "id_last4": number[-4:],
            }
    if person is None:
        raise DomainError({"person": _("Choose the member, or give the ID number.")})
    m = person.latest_membership
    if m is None or m.status not in Membership.CURRENT or not m.org.path.startswith(org.path):
        raise DomainError(
            {"person": _("The person is not a current member of this union or one beneath it.")}
        )
    if name and name.strip() and name.strip() != person.name:
        raise DomainError({"name": _("The name is not the one registered with this ID number.")})
    return {
        **values,
        "person": person,
        "name": person.name,
        "id_digest": person.id_number_digest,
        "id_last4": "",
    }


# -- nominations -------------------------------------------------------------------------------


def nomination_create(
    *,
    actor,
    honor: Honor,
    org: Org,
    deeds: str,
    person: Person | None = None,
    id_number: str = "",
    name: str = "",
    employer=None,
    service_point=None,
    workplace: str = "",
    is_front_line: bool = False,
    is_non_public: bool = False,
    is_cadre: bool = False,
    attachments=(),
) -> HonorNomination:
    """A draft nomination by a union under the honour's keeper, with the deeds and the files
    behind them (``attachments``: uploads, kept in the same transaction)."""
    require_perm(actor, "honors.add_honornomination")
    if not honor.nominations_open:
        raise DomainError(_("This honour is not taking nominations."))
    if not org.path.startswith(honor.org.path):
        raise DomainError({"org": _("The nominating union is not under the honour's keeper.")})
    if len((deeds or "").strip()) < 20:
        raise DomainError({"deeds": _("Describe the deeds (at least 20 characters).")})
    with transaction.atomic():
        require_in_scope(actor, org)
        values = _honoree(
            actor=actor,
            honor=honor,
            org=org,
            person=person,
            id_number=id_number,
            name=name,
            employer=employer,
            service_point=service_point,
            workplace=workplace,
        )
        if (
            values.get("id_digest")
            and HonorAward.objects.filter(honor=honor, id_digest=values["id_digest"]).exists()
        ):
            raise DomainError(_("This person already holds this honour."))
        live = HonorNomination.objects.filter(honor=honor, status__in=HonorNomination.LIVE)
        if values.get("id_digest") and live.filter(id_digest=values["id_digest"]).exists():
            raise DomainError(_("This person is already nominated for this honour."))
        if not values.get("id_digest") and live.filter(name=values["name"]).exists():
            raise DomainError(_("This unit is already nominated for this honour."))
        nomination = HonorNomination(
            honor=honor,
            org=org,
            deeds=deeds.strip()[:3000],
            is_front_line=bool(is_front_line),
            is_non_public=bool(is_non_public),
            is_cadre=bool(is_cadre),
            created_by=_user(actor),
            **values,
        )
        try:
            with transaction.atomic():
                nomination.save(force_insert=True)
        except IntegrityError:
            raise DomainError(_("This person is already nominated for this honour.")) from None
        record_event(
            actor=actor,
            action="honornomination.create",
            org=org,
            target=nomination,
            details={"honor": str(honor)},
        )
        for upload in attachments or ():
            nomination_attachment_add(actor=actor, nomination=nomination, upload=upload)
    return nomination


# The deeds' evidence and the signed recommendation form: pictures, PDF, Office and WPS files.
ATTACHMENT_KINDS = DOCUMENTS
ATTACHMENT_MAX_BYTES = DOCUMENT_MAX_BYTES


def nomination_attachment_add(
    *, actor, nomination: HonorNomination, upload
) -> NominationAttachment:
    """Keep a file behind a nomination through the platform's checked path (``core.files``),
    while the nominating side may still change it."""
    require_perm(actor, "honors.change_honornomination")
    with transaction.atomic():
        locked = (
            HonorNomination.objects.select_for_update().select_related("org").get(pk=nomination.pk)
        )
        require_in_scope(actor, locked.org)
        if locked.status not in (N.DRAFT, N.SUBMITTED):
            raise DomainError(_("A nomination past review takes no more files."))
        try:
            stored = stored_file_create(
                actor=actor, upload=upload, kinds=ATTACHMENT_KINDS, max_bytes=ATTACHMENT_MAX_BYTES
            )
        except ValidationError as exc:
            raise DomainError({"file": exc.messages}) from None
        attachment = NominationAttachment.objects.create(
            nomination=locked,
            stored=stored,
            name=stored.name,
            size=stored.size,
            uploaded_by=_user(actor),
        )
        record_event(
            actor=actor,
            action="nominationattachment.create",
            org=locked.org,
            target=locked,
            details={"file": stored.name, "size": stored.size},
        )
    return attachment


def nomination_attachment_delete(*, actor, attachment: NominationAttachment) -> None:
    """Remove a file from a nomination while the nominating side may still change it."""
    require_perm(actor, "honors.change_honornomination")
    with transaction.atomic():
        locked = NominationAttachment.objects.select_related("nomination__org").get(
            pk=attachment.pk
        )
        require_in_scope(actor, locked.nomination.org)
        if locked.nomination.status not in (N.DRAFT, N.SUBMITTED):
            raise DomainError(_("A nomination past review keeps its files."))
        locked.delete()
        StoredFile.objects.filter(pk=locked.stored_id).delete()
        record_event(
            actor=actor,
            action="nominationattachment.delete",
            org=locked.nomination.org,
            target=locked.nomination,
            details={"file": locked.name},
        )


def nomination_update(*, actor, nomination: HonorNomination, changes: dict) -> HonorNomination:
    """The deeds and the structure marks, while the nomination is still a draft or returned
    to the nominating union."""
    allowed = {"deeds", "workplace", "is_front_line", "is_non_public", "is_cadre"}
    if set(changes) - allowed:
        raise DomainError(_("Only the deeds, the workplace and the marks can be changed."))
    if nomination.status not in (N.DRAFT, N.SUBMITTED):
        raise DomainError(_("A nomination past review is not changed any more."))
    if "deeds" in changes and len(changes["deeds"].strip()) < 20:
        raise DomainError({"deeds": _("Describe the deeds (at least 20 characters).")})
    return record_update(actor=actor, instance=nomination, changes=changes)


APPLICANT, REVIEWER, KEEPER = "applicant", "reviewer", "keeper"


def _lock_honor(nomination: HonorNomination) -> None:
    # Lock order: honour, then the nomination. Two recommendations at once wait here.
    Honor.objects.select_for_update().get(pk=nomination.honor_id)


def may_take(actor, nomination: HonorNomination, who: str) -> bool:
    if actor is None:
        return True
    own = getattr(actor, "org", None)
    if own is None or not org_in_scope(actor, nomination.org):
        return False
    if who == APPLICANT:
        return True
    if who == REVIEWER:
        # A union above the nominating one; the keeper reviews its own nominations.
        return own.pk != nomination.org_id or nomination.org_id == nomination.honor.org_id
    return nomination.honor.org.path.startswith(own.path)  # the keeper or above


def _who_org(nomination: HonorNomination, who: str) -> str:
    if who == APPLICANT:
        return nomination.org.name
    if who == KEEPER:
        return nomination.honor.org.name
    return ""


WAITING = "gonghui.honors.selectors.nominations_waiting"

NOMINATION = Workflow(
    HonorNomination,
    [
        Step(
            "submit",
            (N.DRAFT,),
            N.SUBMITTED,
            "honors.add_honornomination",
            APPLICANT,
            gettext_lazy("Submit"),
            gettext_lazy("submitted"),
        ),
        Step(
            "review",
            (N.SUBMITTED,),
            N.REVIEWED,
            "honors.review_honornomination",
            REVIEWER,
            gettext_lazy("Mark reviewed"),
            gettext_lazy("reviewed"),
        ),
        Step(
            "recommend",
            (N.REVIEWED,),
            N.RECOMMENDED,
            "honors.recommend_honornomination",
            KEEPER,
            gettext_lazy("Recommend"),
            gettext_lazy("recommended"),
        ),
        Step(
            "notice",
            (N.RECOMMENDED,),
            N.NOTICED,
            "honors.recommend_honornomination",
            KEEPER,
            gettext_lazy("Put on public notice"),
            gettext_lazy("put on public notice"),
        ),
        Step(
            "forward",
            (N.NOTICED,),
            N.FORWARDED,
            "honors.recommend_honornomination",
            KEEPER,
            gettext_lazy("Send up for decision"),
            gettext_lazy("sent up for decision"),
            not_before=lambda n: n.notice_ends_on,
            wait_text=gettext_lazy("Can be sent up once the public notice ends (%(date)s)"),
        ),
        Step(
            "confer",
            (N.FORWARDED,),
            N.CONFERRED,
            "honors.recommend_honornomination",
            KEEPER,
            gettext_lazy("Record as conferred"),
            gettext_lazy("recorded as conferred"),
        ),
        Step(
            "not_confer",
            (N.FORWARDED,),
            N.NOT_CONFERRED,
            "honors.recommend_honornomination",
            KEEPER,
            gettext_lazy("Record as not conferred"),
            gettext_lazy("recorded as not conferred"),
            needs_reason=True,
        ),
        Step(
            "reject",
            (N.SUBMITTED, N.REVIEWED, N.RECOMMENDED, N.NOTICED),
            N.REJECTED,
            "honors.review_honornomination",
            REVIEWER,
            gettext_lazy("Reject"),
            gettext_lazy("rejected"),
            needs_reason=True,
        ),
        Step(
            "withdraw",
            (N.DRAFT, N.SUBMITTED),
            N.WITHDRAWN,
            "honors.add_honornomination",
            APPLICANT,
            gettext_lazy("Withdraw"),
            gettext_lazy("withdrawn"),
            needs_reason=True,
        ),
    ],
    event="honornomination",
    related=("honor__org", "org", "person"),
    who=lambda actor, nomination, who: may_take(actor, nomination, who),
    who_names={
        APPLICANT: gettext_lazy("the nominating union"),
        REVIEWER: gettext_lazy("the union above the nominating one"),
        KEEPER: gettext_lazy("the honour's keeper"),
    },
    lock_first=_lock_honor,
    refused_step=gettext_lazy("A nomination that is “%(from)s” cannot be %(step)s."),
    who_org=lambda nomination, who: _who_org(nomination, who),
    queues=[
        Queue(
            "nominations.draft",
            gettext_lazy("To submit"),
            WAITING,
            "submit",
            "honors.add_honornomination",
            also=("withdraw",),
        ),
        Queue(
            "nominations.review",
            gettext_lazy("To review"),
            WAITING,
            "review",
            "honors.review_honornomination",
            also=("reject",),
        ),
        Queue(
            "nominations.recommend",
            gettext_lazy("To recommend"),
            WAITING,
            "recommend",
            "honors.recommend_honornomination",
            also=("reject",),
        ),
        Queue(
            "nominations.notice",
            gettext_lazy("To put on notice"),
            WAITING,
            "notice",
            "honors.recommend_honornomination",
            also=("reject",),
        ),
        Queue(
            "nominations.noticed",
            gettext_lazy("On public notice"),
            WAITING,
            "forward",
            "honors.recommend_honornomination",
            also=("reject",),
        ),
        Queue(
            "nominations.decide",
            gettext_lazy("Awaiting the decision"),
            WAITING,
            "confer",
            "honors.recommend_honornomination",
            also=("not_confer",),
        ),
        Queue(
            "nominations.returned",
            gettext_lazy("Returned"),
            WAITING,
            "",
            "honors.add_honornomination",
        ),
    ],
)
STEP_NAMES = {s.name: s.done for s in NOMINATION.steps}


def _check_quota(honor: Honor, nomination: HonorNomination) -> None:
    """A place for ``nomination`` within the honour's places and its union's quota. The caller
    holds the honour's row lock, so a recommendation made at the same moment is counted."""
    placed = HonorNomination.objects.filter(honor=honor, status__in=HonorNomination.PLACED)
    if honor.places is not None and placed.count() >= honor.places:
        raise DomainError(_("All %(n)d places of this honour are taken.") % {"n": honor.places})
    quota = quota_of(honor, nomination.org)
    if quota is None:
        if honor.quotas.exists():
            raise DomainError(
                _("%(org)s has no quota for this honour.") % {"org": nomination.org.name}
            )
        return
    used = placed.filter(org__path__startswith=quota.org.path).count()
    if used >= quota.places:
        raise DomainError(
            _("The quota of %(org)s is %(n)d and %(used)d are already recommended.")
            % {"org": quota.org.name, "n": quota.places, "used": used}
        )


def nomination_transition(
    *,
    actor,
    nomination: HonorNomination,
    step: str,
    reason: str = "",
    today: datetime.date | None = None,
) -> HonorNomination:
    """Take one step of ``NOMINATION``; anything else is refused and nothing changes."""
    today = today or timezone.localdate()

    def apply(locked: HonorNomination, taken: Step) -> None:
        honor = locked.honor
        if taken.name == "recommend":
            _check_quota(honor, locked)
        elif taken.name == "notice":
            locked.noticed_on = today
            locked.notice_ends_on = today + datetime.timedelta(days=honor.notice_days)
        elif taken.name in ("confer", "not_confer"):
            locked.decided_on = honor.conferred_on or today
        if taken.name == "confer":
            _award_write(
                actor=actor,
                honor=honor,
                org=locked.org,
                values={
                    "person": locked.person,
                    "name": locked.name,
                    "id_number": locked.id_number,
                    "id_digest": locked.id_digest,
                    "id_last4": locked.id_last4,
                    "employer": locked.employer,
                    "service_point": locked.service_point,
                    "workplace": locked.workplace,
                },
                conferred_on=locked.decided_on,
                nomination=locked,
            )
        if reason:
            locked.reason = reason.strip()[:300]

    return NOMINATION.transition(
        actor=actor,
        obj=nomination,
        step=step,
        reason=reason,
        details={"reason": reason},
        apply=apply,
        today=today,
    )


def nominations_take_step(
    *, actor, nominations: list[HonorNomination], step: str, reason: str = "", today=None
) -> int:
    """One step for several nominations at once: all or none; a refusal names the one."""
    return all_or_none(
        nominations,
        lambda n: nomination_transition(
            actor=actor, nomination=n, step=step, reason=reason, today=today
        ),
        lambda n: n.name,
    )


def nomination_record_objection(
    *, actor, nomination: HonorNomination, text: str, today: datetime.date | None = None
) -> HonorNomination:
    """An objection received while the nomination is on notice, kept with the day it came."""
    require_perm(actor, "honors.recommend_honornomination")
    text = (text or "").strip()
    if not text:
        raise DomainError({"text": _("Write what the objection says.")})
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = (
            HonorNomination.objects.select_for_update()
            .select_related("honor__org", "org")
            .get(pk=nomination.pk)
        )
        require_in_scope(actor, locked.org)
        if locked.status != N.NOTICED:
            raise DomainError(_("Objections are recorded while the nomination is on notice."))
        line = f"{today.isoformat()} {text}"
        merged = f"{locked.objections}\n{line}".strip()
        if len(merged) > 2000:
            raise DomainError({"text": _("The objections exceed 2000 characters.")})
        locked.objections = merged
        locked.save(update_fields=["objections"])
        record_event(
            actor=actor,
            action="honornomination.objection",
            org=locked.org,
            target=locked,
            details={"characters": len(text)},
        )
    return locked


# -- honours conferred and the register --------------------------------------------------------


def _award_write(*, actor, honor, org, values, conferred_on, nomination=None, note=""):
    award = HonorAward(
        honor=honor,
        org=org,
        conferred_on=conferred_on,
        nomination=nomination,
        note=note,
        **values,
    )
    try:
        with transaction.atomic():
            award.save(force_insert=True)
    except IntegrityError:
        raise DomainError(
            _("This honour is already recorded for %(n)s.") % {"n": award.name}
        ) from None
    record_event(
        actor=actor,
        action="honoraward.create",
        org=org,
        target=award,
        details={"honor": str(honor)},
    )
    if honor.kind in REGISTER_KINDS and honor.level in HonorLevel.values:
        _register(actor=actor, award=award)
    return award


def award_record(
    *,
    actor,
    honor: Honor,
    org: Org,
    conferred_on: datetime.date | None = None,
    person: Person | None = None,
    id_number: str = "",
    name: str = "",
    employer=None,
    service_point=None,
    workplace: str = "",
    note: str = "",
) -> HonorAward:
    """An honour conferred outside a round run here (a national title, an earlier year's
    roll): the honoured and the union they belong to; model workers join the register."""
    require_perm(actor, "honors.add_honoraward")
    conferred_on = conferred_on or honor.conferred_on
    if conferred_on is None:
        raise DomainError({"conferred_on": _("Give the date the honour was conferred.")})
    if conferred_on > timezone.localdate():
        raise DomainError({"conferred_on": _("The date of conferring is in the future.")})
    if abs(conferred_on.year - honor.year) > 1:
        raise DomainError(
            {"conferred_on": _("The date of conferring is not in the honour's year.")}
        )
    if not org.path.startswith(honor.org.path) and not honor.org.path.startswith(org.path):
        raise DomainError({"org": _("The union is not under the honour's keeper.")})
    with transaction.atomic():
        require_in_scope(actor, org)
        values = _honoree(
            actor=actor,
            honor=honor,
            org=org,
            person=person,
            id_number=id_number,
            name=name,
            employer=employer,
            service_point=service_point,
            workplace=workplace,
        )
        return _award_write(
            actor=actor,
            honor=honor,
            org=org,
            values=values,
            conferred_on=conferred_on,
            note=note,
        )


def award_update(*, actor, award: HonorAward, changes: dict) -> HonorAward:
    allowed = {"workplace", "note", "conferred_on"}
    if set(changes) - allowed:
        raise DomainError(_("Only the workplace, the date and the notes can be changed."))
    return record_update(actor=actor, instance=award, changes=changes)


def award_delete(*, actor, award: HonorAward) -> None:
    if award.nomination_id:
        raise DomainError(_("An honour conferred through a nomination stays on record."))
    with transaction.atomic():
        record_delete(actor=actor, instance=award)


def _register(*, actor, award: HonorAward) -> ModelWorker:
    """Put the honoured person on the register, or raise their level there."""
    c = cipher()
    digest = award.id_digest
    if digest is None:
        raise DomainError(_("The register needs the person's ID number."))
    worker = ModelWorker.objects.select_for_update().filter(id_digest=digest).first()
    level = award.honor.level
    if worker is None:
        number = (
            c.decrypt(award.person.id_number, ID_PURPOSE)
            if award.person is not None
            else c.decrypt(award.id_number, ID_PURPOSE)
        )
        worker = ModelWorker.objects.create(
            person=award.person,
            name=award.name,
            id_number=c.encrypt(number, ID_PURPOSE),
            id_digest=digest,
            id_last4=number[-4:],
            org=award.org,
            level=level,
            first_year=award.honor.year,
            registered_on=award.conferred_on,
        )
        action = "modelworker.register"
    else:
        if LEVEL_RANK[level] < LEVEL_RANK[worker.level]:
            worker.level = level
        if award.honor.year < worker.first_year:
            worker.first_year = award.honor.year
            worker.registered_on = award.conferred_on
        worker.save()
        action = "modelworker.update"
    record_event(
        actor=actor,
        action=action,
        org=worker.org,
        target=worker,
        details={"level": worker.level},
    )
    return worker


def model_worker_update(*, actor, worker: ModelWorker, changes: dict) -> ModelWorker:
    allowed = {"org", "living", "died_on", "employment", "in_hardship", "note"}
    if set(changes) - allowed:
        raise DomainError(_("The name, ID number and level come from the honours conferred."))
    living = changes.get("living", worker.living)
    died_on = changes.get("died_on", worker.died_on)
    if living == ModelWorker.Living.DECEASED and died_on is None:
        raise DomainError({"died_on": _("Give the date of death.")})
    if living == ModelWorker.Living.LIVING and died_on is not None:
        raise DomainError({"died_on": _("A living model worker has no date of death.")})
    if died_on and died_on > timezone.localdate():
        raise DomainError({"died_on": _("The date of death is in the future.")})
    return record_update(actor=actor, instance=worker, changes=changes)


def model_workers_verify(*, actor, workers: list[ModelWorker], year: int | None = None) -> int:
    """The union's yearly check of its part of the register: each one confirmed as on file
    for ``year`` (the changes themselves are made on the record)."""
    require_perm(actor, "honors.change_modelworker")
    year = year or timezone.localdate().year
    if year > timezone.localdate().year:
        raise DomainError(_("A year still to come cannot be verified."))
    with transaction.atomic():
        done = 0
        for worker in (
            ModelWorker.objects.select_for_update()
            .filter(pk__in=[w.pk for w in workers])
            .select_related("org")
            .order_by("pk")
        ):
            require_in_scope(actor, worker.org)
            if worker.verified_year == year:
                continue
            worker.verified_year = year
            worker.save(update_fields=["verified_year"])
            record_event(
                actor=actor,
                action="modelworker.verify",
                org=worker.org,
                target=worker,
                details={"year": year},
            )
            done += 1
    return done


# -- care for the honoured (劳模关爱) -------------------------------------------------------------

BANK_PURPOSE = "honors.bank_account"
C = CarePayment.Status


def model_worker_set_payment_details(
    *, actor, worker: ModelWorker, bank_name: str, bank_account: str, monthly_income=None
) -> ModelWorker:
    """The bank account care is paid to (kept encrypted) and the monthly income a hardship
    top-up is computed from, as the union records them."""
    require_perm(actor, "honors.change_modelworker")
    account = payments.bank_account_digits(bank_account)
    if monthly_income is not None and Decimal(monthly_income) < 0:
        raise DomainError({"monthly_income": _("The income cannot be negative.")})
    with transaction.atomic():
        locked = ModelWorker.objects.select_for_update().select_related("org").get(pk=worker.pk)
        require_in_scope(actor, locked.org)
        if account:
            locked.bank_name = bank_name.strip()[:60]
            locked.bank_account = cipher().encrypt(account, BANK_PURPOSE)
            locked.bank_account_last4 = account[-4:]
        if monthly_income is not None:
            locked.monthly_income = Decimal(monthly_income)
        locked.save()
        record_event(
            actor=actor,
            action="modelworker.update",
            org=locked.org,
            target=locked,
            details={
                "bank_name": locked.bank_name,
                "bank_account_last4": locked.bank_account_last4,
            },
        )
    return locked


def _standard_check(standard: CareStandard) -> None:
    if standard.org.level > Org.Level.COUNTY:
        raise DomainError({"org": _("Care standards are set by a federation.")})
    if standard.kind == CareKind.HARDSHIP:
        if not (standard.multiple and standard.average_wage):
            raise DomainError(
                {"multiple": _("A hardship top-up needs the multiple and the average wage.")}
            )
        if standard.multiple <= 0 or standard.multiple > 5 or standard.average_wage <= 0:
            raise DomainError({"multiple": _("The multiple or the average wage is impossible.")})
    elif not standard.amount or standard.amount <= 0:
        raise DomainError({"amount": _("Give the amount, more than zero.")})
    if standard.effective_to and standard.effective_to < standard.effective_from:
        raise DomainError({"effective_to": _("The period ends before it starts.")})


def care_standard_create(*, actor, **values) -> CareStandard:
    standard = CareStandard(**values)
    _standard_check(standard)
    return record_create(actor=actor, instance=standard)


def care_standard_update(*, actor, standard: CareStandard, changes: dict) -> CareStandard:
    merged = CareStandard(
        **{f.attname: getattr(standard, f.attname) for f in CareStandard._meta.concrete_fields}
    )
    for key, value in changes.items():
        setattr(merged, key, value)
    _standard_check(merged)
    return record_update(actor=actor, instance=standard, changes=changes)


def care_standard_delete(*, actor, standard: CareStandard) -> None:
    record_delete(actor=actor, instance=standard)


def care_standard_for(worker: ModelWorker, kind: str, day: datetime.date) -> CareStandard | None:
    """The standard that applies to ``worker`` on ``day``: set by their union's federation or
    one above it, for their level, the region's own before the area-wide one, the latest start
    first."""
    return _standard_among(_standards_in_force(kind, day), worker)


def _standards_in_force(kind: str, day: datetime.date) -> list[CareStandard]:
    """Every standard of ``kind`` in force on ``day``, read once for a whole plan."""
    return list(
        CareStandard.objects.filter(kind=kind, effective_from__lte=day)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day))
        .select_related("org")
    )


def _standard_among(standards: list[CareStandard], worker: ModelWorker) -> CareStandard | None:
    org = worker.org
    above = set(org.ancestor_paths())
    found = [
        s
        for s in standards
        if s.level == worker.level
        and s.org.path in above
        and s.region_code in (org.region_code or "", "")
    ]
    # The region's own first, then the nearest federation's, then the latest.
    found.sort(key=lambda s: (s.region_code, len(s.org.path), s.effective_from), reverse=True)
    return found[0] if found else None


@dataclass
class CarePlan:
    """What ``care_plan`` wrote, and who it left out and why (in words, with the name)."""

    created: list
    skipped: list


def care_plan(
    *,
    actor,
    org: Org,
    kind: str,
    year: int,
    month: int = 0,
    occasion: str = "",
    today: datetime.date | None = None,
) -> CarePlan:
    """The care of one period for every living model worker of ``org``'s subtree, at the
    standard that applies to each: drafts for the keeper to approve. Those without a standard,
    a bank account or (for a hardship top-up) a recorded income are left out and named; those
    who already have this period's payment are left out too."""
    require_perm(actor, "honors.add_carepayment")
    today = today or timezone.localdate()
    month = int(month or 0)
    occasion = (occasion or "").strip()[:20]
    if kind not in CareKind.values:
        raise DomainError({"kind": _("Choose the kind of care.")})
    if not 2000 <= int(year) <= today.year + 1:
        raise DomainError({"year": _("The year is impossible.")})
    if kind == CareKind.ALLOWANCE:
        if not 1 <= month <= 12:
            raise DomainError({"month": _("An allowance is paid for a month: give it.")})
        if datetime.date(int(year), month, 1) > today:
            raise DomainError({"month": _("An allowance is not paid for a month to come.")})
        occasion = ""
    else:
        month = 0
    if kind == CareKind.FESTIVAL and not occasion:
        raise DomainError({"occasion": _("Name the occasion (春节, 五一…).")})
    day = datetime.date(int(year), month or 1, 1) if kind == CareKind.ALLOWANCE else today
    created, skipped, not_due = [], [], 0
    with transaction.atomic():
        require_in_scope(actor, org)
        workers = (
            ModelWorker.objects.filter(
                org__path__startswith=org.path, living=ModelWorker.Living.LIVING
            )
            .select_related("org")
            .order_by("org__path", "name")
        )
        if kind == CareKind.HARDSHIP:
            workers = workers.filter(in_hardship=True)
        standards = _standards_in_force(kind, day)
        have = set(
            CarePayment.objects.filter(
                worker__in=workers, kind=kind, year=year, month=month, occasion=occasion
            )
            .exclude(status=C.CANCELLED)
            .values_list("worker_id", flat=True)
        )
        for worker in workers:
            if worker.pk in have:
                continue
            standard = _standard_among(standards, worker)
            if standard is None:
                not_due += 1  # no standard for their level: this care is not theirs
                continue
            if not worker.bank_account:
                skipped.append(_("%(n)s: no bank account on the register.") % {"n": worker.name})
                continue
            if kind == CareKind.HARDSHIP:
                if worker.monthly_income is None:
                    skipped.append(_("%(n)s: no monthly income recorded.") % {"n": worker.name})
                    continue
                line = (standard.average_wage * standard.multiple).quantize(Decimal("0.01"))
                # The year's top-up: the monthly difference to the line, for twelve months.
                amount = (line - worker.monthly_income) * 12
                if amount <= 0:
                    skipped.append(
                        _("%(n)s: the income is not below the line of %(line)s yuan.")
                        % {"n": worker.name, "line": line}
                    )
                    continue
                times = format(standard.multiple.normalize(), "f")
                basis = (
                    f"（当地月平均工资{money(standard.average_wage, 4)}×{times}"
                    f"−月收入{money(worker.monthly_income, 4)}）×12个月"
                )
            else:
                amount = standard.amount
                basis = (
                    f"{standard.get_level_display()}劳模{standard.get_kind_display()}"
                    f"{money(amount, 4)}"
                )
                basis += "/月" if kind == CareKind.ALLOWANCE else ""
            payment = CarePayment.objects.create(
                worker=worker,
                org=worker.org,
                kind=kind,
                year=year,
                month=month,
                occasion=occasion,
                amount=amount,
                basis=basis[:200],
                bank_name=worker.bank_name,
                bank_account=worker.bank_account,
                bank_account_last4=worker.bank_account_last4,
                created_by=_user(actor),
            )
            record_event(
                actor=actor,
                action="carepayment.create",
                org=worker.org,
                target=payment,
                details={"amount": amount},
            )
            created.append(payment)
    if not_due:
        skipped.append(
            _("%(n)d model workers have no standard of this kind for their level.") % {"n": not_due}
        )
    return CarePlan(created, skipped)


CARE = Workflow(
    CarePayment,
    [
        Step(
            "approve",
            (C.DRAFT,),
            C.APPROVED,
            "honors.change_carepayment",
            label=gettext_lazy("Approve"),
            done=gettext_lazy("approved"),
        ),
        Step(
            "cancel",
            (C.DRAFT, C.APPROVED),
            C.CANCELLED,
            "honors.change_carepayment",
            label=gettext_lazy("Cancel"),
            done=gettext_lazy("cancelled"),
            needs_reason=True,
        ),
        Step(
            "pay",
            (C.APPROVED,),
            C.PAID,
            "honors.add_carebatch",
            label=gettext_lazy("Pay"),
            done=gettext_lazy("paid"),
            manual=False,
        ),
    ],
    event="carepayment",
    related=("worker", "org"),
    refused_step=gettext_lazy("A care payment that is “%(from)s” cannot be %(step)s."),
)


def care_take_step(*, actor, payments: list[CarePayment], step: str, reason: str = "") -> int:
    """Approve or cancel several care payments at once: all or none."""

    def apply(locked: CarePayment, _step: Step) -> None:
        if step == "cancel" and locked.batch_id is not None:
            raise DomainError(_("A payment in a batch is not cancelled."))
        locked.reason = reason.strip()[:300]

    return all_or_none(
        payments,
        lambda payment: CARE.transition(
            actor=actor,
            obj=payment,
            step=step,
            reason=reason,
            details={"reason": reason},
            apply=apply,
        ),
        lambda payment: payment.worker.name,
    )


class CarePayments(payments.Payable):
    """Care payments as the platform pays them: approved, to the register's bank account."""

    model = CarePayment
    batch_model = CareBatch
    batch_field = "batch"
    amount_field = "amount"
    permission = "honors.add_carebatch"
    event = "carebatch"
    journal_account = "assistance"
    journal_memo = "发放劳模关爱资金"

    def check(self, actor, item: CarePayment) -> None:
        payment = CarePayment.objects.select_related("worker", "org").get(pk=item.pk)
        if payment.status != C.APPROVED:
            raise DomainError(
                _("%(name)s: only approved care payments not yet in a batch are paid.")
                % {"name": payment.worker.name}
            )
        if actor is not None and not org_in_scope(actor, payment.org):
            raise NotFound

    def payee(self, item: CarePayment) -> payments.Payee:
        c = cipher()
        return payments.Payee(
            name=item.worker.name,
            bank_name=item.bank_name,
            bank_account=c.decrypt(item.bank_account, BANK_PURPOSE),
            amount=item.amount,
            memo=item.period,
            id_number=c.decrypt(item.worker.id_number, ID_PURPOSE),
        )

    def paid(self, *, actor, items, batch, paid_on, reference) -> None:
        def stamp(locked: CarePayment, _step: Step) -> None:
            locked.paid_on = paid_on
            locked.payment_reference = reference[:60]

        for payment in items:
            CARE.transition(
                actor=actor,
                obj=payment,
                step="pay",
                details={"batch": batch.pk, "paid_on": paid_on},
                apply=stamp,
                internal=True,
            )


def care_batch_create(*, actor, org: Org, payments_: list[CarePayment]) -> CareBatch:
    """Gather approved care payments into a batch paid by ``org``."""
    return payments.payment_batch_create(
        actor=actor, payable=CarePayments(), items=payments_, org=org
    )


def care_batch_bank_file(*, actor, batch: CareBatch) -> bytes:
    """The bank's transfer list of the batch (full accounts; logged as an access)."""
    return payments.payment_batch_bank_file(actor=actor, payable=CarePayments(), batch=batch)


def care_batch_mark_paid(
    *, actor, batch: CareBatch, paid_on: datetime.date, reference: str
) -> CareBatch:
    """The bank paid the batch: each payment takes its "pay" step, or none does."""
    return payments.payment_batch_mark_paid(
        actor=actor, payable=CarePayments(), batch=batch, paid_on=paid_on, reference=reference
    )
